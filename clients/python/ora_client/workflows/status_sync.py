"""ora-status-sync [--days N]: inbox orders still `uploaded` follow what ShipStation did with them.

Reads the orders ShipStation shows cancelled or shipped, modified in the last N days or since the
oldest `uploaded` order's upload (less a day) when that is earlier, so an order cancelled while
cron was down for a week is still seen. A cancelled one is cancelled in ORA, releasing its lots. A
shipped one is recorded from all of its non-voided shipments (read for the shipped orders' dates
in a few paged requests; an order not found there is looked up by its number), on the latest
box's date, source status_sync. One shown shipped with no shipment at all (marked shipped by hand)
is recorded from its own items on its shipDate, external. The freshness guard applies: a stale
ship date is reported, never forced.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence
from typing import Any

from .. import cli
from ..client import Client, JSONObject, OraError
from ..shipstation import ShipStation
from ..shipstation.types import Order
from . import common, shipped


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-status-sync", __doc__)
    p.add_argument("--days", type=cli.int_in(1, 3650), default=3, help="orders modified in ShipStation in the last N days (default 3), "
                                                      "or since the oldest uploaded order's upload when that is earlier")
    return p


def order_day(order: Order) -> str:
    return (order.get("shipDate") or order.get("modifyDate") or "")[:10]


def shipped_orders(ss: ShipStation, ora: Client, orders: list[Order], today: datetime.date) -> shipped.ShipmentSet:
    """Every shipment of these orders: the days they shipped read in a few paged requests, any
    order not found there looked up by its number."""
    found = shipped.ShipmentSet()
    if not orders:
        return found
    # A month at most: an order that shipped before that, or that the window shows no live box
    # of, is read by its number.
    first = max(min(datetime.date.fromisoformat(order_day(o)) for o in orders) - datetime.timedelta(days=1),
                today - datetime.timedelta(days=31))
    found.add(ss.shipments(shipDateStart=first.isoformat(), shipDateEnd=(today + datetime.timedelta(days=1)).isoformat()))
    for o in orders:
        number = o["orderNumber"]
        seen = found.orders.get(number)
        if seen is None or not seen.counted or order_day(o) < first.isoformat():
            found.add(ss.shipments(orderNumber=number))
            found.lookups += 1
    return found


def work(args: argparse.Namespace) -> common.Outcome:
    ss = common.shipstation(args)
    today = cli.today(args)
    since = today - datetime.timedelta(days=args.days)
    cancelled: list[str] = []
    recorded: list[str] = []
    external: list[str] = []
    problems: list[dict[str, Any]] = []
    with cli.ora_client(args) as ora:
        uploaded = sorted(o["orderNumber"] for o in ora.iter_orders(status="uploaded"))
        if uploaded:
            uploads = common.event_dates(ora, uploaded, "uploaded")
            if uploads:
                since = min(since, min(uploads.values()) - datetime.timedelta(days=1))
            wanted = set(uploaded)
            seen = {status: [o for o in ss.orders(orderStatus=status, modifyDateStart=since.isoformat()) if o.get("orderNumber") in wanted]
                    for status in ("cancelled", "shipped")}
            for order in seen["cancelled"]:
                if not args.dry_run:
                    ora.cancel_order(order["orderNumber"], reason="cancelled in ShipStation")
                cancelled.append(order["orderNumber"])
            found = shipped_orders(ss, ora, seen["shipped"], today)
            calls: list[tuple[str, JSONObject]] = []
            for order in seen["shipped"]:
                number = order["orderNumber"]
                boxes = found.orders.get(number)
                if boxes is None or not boxes.counted:
                    # Marked shipped by hand: no label, or only voided ones.
                    items = [{"sku": i.get("sku") or "", "quantity": int(i["quantity"])} for i in (order.get("items") or []) if i.get("quantity")]
                    if not items or not order_day(order):
                        problems.append({"orderNumber": number, "reason": "no_items", "message": "ShipStation says shipped, with no shipment and no items"})
                        continue
                    external.append(number)
                    calls.append(("recordShipment", {"orderNumber": number, "shipDate": order_day(order), "items": items,
                                                     "source": "status_sync", "external": True}))
                else:
                    recorded.append(number)
                    calls.append(("recordShipment", {"orderNumber": number, "shipDate": boxes.date, "items": boxes.items, "source": "status_sync"}))
            if not args.dry_run:
                for (_, params), result in zip(calls, common.pipelined(ora, calls)):
                    if isinstance(result, OraError):
                        problems.append({"orderNumber": params["orderNumber"], "reason": result.reason, "message": result.message})
                        for done in (recorded, external):
                            if params["orderNumber"] in done:
                                done.remove(params["orderNumber"])
    prefix = "dry run: would have " if args.dry_run else ""
    summary = (f"{prefix}{len(uploaded)} uploaded orders checked since {since.isoformat()}: {len(recorded) + len(external)} shipped "
               f"({len(external)} without a label), {len(cancelled)} cancelled, {len(problems)} need a person")
    return common.Outcome(summary, {"uploaded": len(uploaded), "since": since.isoformat(), "shipped": recorded + external,
                                    "external": external, "cancelled": cancelled, "problems": problems, "dryRun": args.dry_run,
                                    "shipstationRequests": ss.requests_made},
                          attention=bool(problems), details=[f"{p['orderNumber']}: {p['reason']}: {p['message']}" for p in problems])


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-status-sync", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
