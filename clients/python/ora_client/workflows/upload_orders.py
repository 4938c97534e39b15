"""ora-upload-orders: every pending inbox order to ShipStation, never stalling, never diverging.

For each pending order: allocateOrder (FIFO lots), then POST /orders/createorders, at most 100
orders a request, each with orderKey = its order number (a re-send updates, never duplicates),
orderStatus awaiting_shipment and the allocated ShipStation SKU text per line; then markUploaded
with the orderId ShipStation returned and the lines sent. WORKFLOWS.md, "Upload never stalls,
never diverges":

- A request ShipStation refuses whole (a 4xx) is split until the order it refuses is alone: that
  order stays pending and is reported (exit 1); every other order goes on.
- A pending order ShipStation already holds (same orderKey: the run before died between
  ShipStation's answer and markUploaded) is not sent again: it is marked uploaded with that
  orderId, whatever its ShipStation status (an order on hold stays on hold). They are found by
  reading ShipStation's open orders and the orders it created since the oldest pending order
  arrived (a few paged requests), never one request per order.
- markUploaded refuses (order_changed) when the order changed while it was sent (re-imported):
  its current content is sent again and that is marked.
- An order cancelled in ORA while it was sent is sent again as cancelled, so ShipStation never
  ships it; an order ORA cancelled that ShipStation still holds open (a run died before it could
  cancel it there) is found among ShipStation's open orders and cancelled there on the next run.
- One order refused by ORA or ShipStation never stops the others; every order's fate is in the
  summary and in --json, also when the run ends early because ORA or ShipStation stopped
  answering (exit 3).
"""

from __future__ import annotations

import argparse
import datetime
import logging
import sys
from collections.abc import Sequence
from typing import Any

from .. import cli
from ..client import Client, OraError, TransportError, types
from ..shipstation import ShipStation, ShipStationConfigError, ShipStationError, ShipStationUnavailable
from ..shipstation.types import Order
from . import common

log = logging.getLogger("ora.workflows")

#: Orders pending longer than this are looked up in ShipStation one by one (they are few: orders
#: refused or short for a week), so the read of recent ShipStation orders stays short.
RECENT_DAYS = 7
#: How many times an order that keeps changing while it is sent is sent again in one run.
RESENDS = 3


def build() -> argparse.ArgumentParser:
    return common.parser("ora-upload-orders", __doc__)


def shipstation_order(order: types.InboxOrder, allocation: types.AllocateOrderResult, status: str = "awaiting_shipment") -> dict[str, Any]:
    prices: dict[str, int] = {}
    for sent in order["items"]:
        price = sent.get("unitPriceCents")
        if price is not None:
            prices.setdefault(sent["skuCode"], price)
    items: list[dict[str, Any]] = []
    for line in allocation["items"]:
        item: dict[str, Any] = {"sku": line["sku"], "quantity": line["quantity"], "name": line["sku"]}
        if line["skuCode"] in prices:
            item["unitPrice"] = prices[line["skuCode"]] / 100
        items.append(item)
    return {"orderNumber": order["orderNumber"], "orderKey": order["orderNumber"], "orderDate": order["orderDate"] + "T00:00:00",
            "orderStatus": status, "items": items}


def lines(order: dict[str, Any] | Order) -> list[dict[str, Any]]:
    return [{"sku": i.get("sku") or "", "quantity": int(i.get("quantity") or 0)} for i in (order.get("items") or [])]


class Upload:
    """One run: every pending order's fate, kept as it happens so an early end still reports it."""

    def __init__(self, ora: Client, ss: ShipStation, pending: list[types.InboxOrder]) -> None:
        self.ora, self.ss = ora, ss
        self.pending = {o["orderNumber"]: o for o in pending}
        self.fates: dict[str, dict[str, Any]] = {n: {"orderNumber": n, "fate": "not_reached"} for n in self.pending}
        self.sent = 0

    def fate(self, number: str, fate: str, **detail: Any) -> None:
        self.fates[number] = {"orderNumber": number, "fate": fate, **detail}

    def held_by_shipstation(self, today: datetime.date) -> tuple[dict[str, Order], list[Order]]:
        """What ShipStation holds that this run must know, in a few paged reads: ({orderKey: order}
        of the pending orders it already has, the orders it holds open). Open orders
        (awaiting_shipment, on_hold) are read whatever their age; orders of any status created
        since the oldest pending order arrived (the run before may have died after sending them);
        an order pending for more than a week is looked up by its number."""
        open_orders = self.ss.orders(orderStatus="awaiting_shipment") + self.ss.orders(orderStatus="on_hold")
        held = {o["orderKey"]: o for o in open_orders if o.get("orderKey") in self.pending}
        if not self.pending:
            return held, open_orders
        arrived = common.event_dates(self.ora, list(self.pending), "imported", newest=False)
        recent_from = today - datetime.timedelta(days=RECENT_DAYS)
        dates = [d for d in arrived.values() if d >= recent_from]
        if dates:
            since = (min(dates) - datetime.timedelta(days=1)).isoformat()
            for o in self.ss.orders(createDateStart=since):
                if o.get("orderKey") in self.pending:
                    held[o["orderKey"]] = o
        for number, date in arrived.items():
            if date < recent_from and number not in held:
                for o in self.ss.orders(orderNumber=number):
                    if o.get("orderKey") == number:
                        held[number] = o
        return held, open_orders

    def cancelled_but_open(self, open_orders: list[Order]) -> list[dict[str, Any]]:
        """Orders ORA has cancelled that ShipStation still holds open (a run died before it could
        cancel them there): sent again as cancelled, so ShipStation never ships them."""
        candidates = [o for o in open_orders if o.get("orderKey") and o["orderKey"] not in self.pending]
        found = common.pipelined(self.ora, [("listOrders", {"orderNumber": o["orderKey"], "limit": 1}) for o in candidates],
                                 raise_errors=True)
        stale: list[dict[str, Any]] = []
        for o, r in zip(candidates, found):
            if r["orders"] and r["orders"][0]["orderStatus"] == "cancelled":
                stale.append(dict(o, orderStatus="cancelled"))
                self.fates.setdefault(o["orderKey"], {"orderNumber": o["orderKey"], "fate": "not_reached"})
        return stale

    def adopt(self, number: str, order: Order) -> dict[str, Any] | None:
        """A pending order ShipStation already holds: marked uploaded with its orderId and the lines
        ShipStation holds. Returns what to send instead when ORA's order changed since."""
        status = order.get("orderStatus") or "awaiting_shipment"
        try:
            self.ora.mark_uploaded(number, str(order["orderId"]), items=lines(order))
            self.fate(number, "already_in_shipstation", orderId=str(order["orderId"]), shipstationStatus=status)
            return None
        except OraError as e:
            if e.code == -32024 and status in ("awaiting_shipment", "on_hold"):
                return self.current(number, status)
            self.refused_by_ora(number, e)
            return None

    def current(self, number: str, status: str = "awaiting_shipment", order: types.InboxOrder | None = None) -> dict[str, Any] | None:
        """The order as ORA holds it now (`order` when just read), allocated, in ShipStation's
        shape; None when it cannot go."""
        try:
            if order is None:
                order = self.ora.list_orders(order_number=number)["orders"][0]
            return shipstation_order(order, self.ora.allocate_order(number), status)
        except OraError as e:
            if e.code == -32021:
                self.fate(number, "skipped", reason="insufficient_stock", short=e.data.get("short"))
            else:
                self.refused_by_ora(number, e)
            return None

    def refused_by_ora(self, number: str, e: OraError) -> None:
        self.fate(number, "refused_by_ora", reason=e.reason, message=e.message)

    def send(self, batch: list[dict[str, Any]], resends: int = 0, cancelling: bool = False) -> None:
        """createorders for `batch`; a batch ShipStation refuses whole is halved until the order it
        refuses is alone. `cancelling`: the orders are sent as cancelled, nothing to mark."""
        refused = "cancel_refused_by_shipstation" if cancelling else "refused_by_shipstation"
        try:
            answer = self.ss.create_orders(batch)
        except ShipStationError as e:
            if len(batch) == 1:
                self.fate(batch[0]["orderNumber"], refused, status=e.status, message=e.body[:300])
                return
            log.info("ShipStation refused a batch of %d orders (%d): splitting it", len(batch), e.status)
            half = len(batch) // 2
            self.send(batch[:half], resends, cancelling)
            self.send(batch[half:], resends, cancelling)
            return
        by_key = {o["orderKey"]: o for o in batch}
        accepted: list[tuple[dict[str, Any], str]] = []
        for result in answer.get("results") or []:
            number = result.get("orderKey") or result.get("orderNumber")
            if number is None or number not in by_key or number in {sent["orderKey"] for sent, _ in accepted}:
                continue
            if result.get("success") and result.get("orderId") is not None:
                accepted.append((by_key[number], str(result["orderId"])))
            else:
                self.fate(number, refused, message=result.get("errorMessage"))
        answered = {sent["orderKey"] for sent, _ in accepted} | {n for n in by_key if self.fates.get(n, {}).get("fate") == refused}
        for number in by_key.keys() - answered:
            self.fate(number, refused, message="ShipStation's answer has no result for this order")
        try:
            for sent, order_id in accepted:
                if cancelling:
                    self.fate(sent["orderNumber"], "cancelled_in_shipstation", orderId=order_id)
                else:
                    self.mark(sent, order_id, resends)
        except (TransportError, ShipStationUnavailable):
            # ShipStation holds these; ORA could not be told: the next run adopts them.
            for sent, order_id in accepted:
                if self.fates[sent["orderNumber"]]["fate"] == "not_reached":
                    self.fate(sent["orderNumber"], "in_shipstation_not_marked", orderId=order_id)
            raise
        if not cancelling:
            self.sent += len(accepted)
            log.info("sent %d of %d orders", self.sent, len(self.pending))

    def mark(self, sent: dict[str, Any], order_id: str, resends: int) -> None:
        number = sent["orderNumber"]
        try:
            self.ora.mark_uploaded(number, order_id, items=lines(sent))
            self.fate(number, "uploaded", orderId=order_id)
        except OraError as e:
            if e.code == -32024 and resends < RESENDS:
                log.info("order %s changed while it was sent: sending its current content", number)
                again = self.current(number, sent["orderStatus"])
                if again is not None:
                    self.send([again], resends + 1)
            elif e.code == -32022 and e.data.get("status") == "cancelled":
                # Cancelled in ORA meanwhile: ShipStation must not ship it.
                self.send([dict(sent, orderStatus="cancelled")], cancelling=True)
            else:
                self.refused_by_ora(number, e)

    def outcome(self, dry_run: bool = False, would: Sequence[str] = ()) -> common.Outcome:
        fates = [self.fates[n] for n in sorted(self.fates)]
        by = {f: [x for x in fates if x["fate"] == f] for f in ("uploaded", "already_in_shipstation", "skipped", "refused_by_shipstation",
                                                                 "refused_by_ora", "cancelled_in_shipstation", "cancel_refused_by_shipstation",
                                                                 "in_shipstation_not_marked", "not_reached")}
        details = [f"skipped {x['orderNumber']}: not enough stock {x.get('short')}" for x in by["skipped"]]
        details += [f"refused by ShipStation {x['orderNumber']}: {x.get('message')}" for x in by["refused_by_shipstation"]]
        details += [f"refused by ORA {x['orderNumber']}: {x.get('reason')}: {x.get('message')}" for x in by["refused_by_ora"]]
        details += [f"cancelled in ORA, cancelled in ShipStation too: {x['orderNumber']}" for x in by["cancelled_in_shipstation"]]
        details += [f"cancelled in ORA, but ShipStation refused to cancel it (cancel it there by hand): {x['orderNumber']}: {x.get('message')}"
                    for x in by["cancel_refused_by_shipstation"]]
        details += [f"in ShipStation, not yet marked in ORA (the next run does): {x['orderNumber']}" for x in by["in_shipstation_not_marked"]]
        details += [f"not reached (the run stopped): {x['orderNumber']}" for x in by["not_reached"]]
        if dry_run:
            summary = f"dry run: {len(would)} pending orders would be allocated and uploaded"
        else:
            summary = (f"{len(self.pending)} pending orders: {len(by['uploaded'])} uploaded, {len(by['already_in_shipstation'])} already in ShipStation, "
                       f"{len(by['skipped'])} skipped (stock), {len(by['refused_by_shipstation'])} refused by ShipStation, "
                       f"{len(by['refused_by_ora'])} refused by ORA, {len(by['cancelled_in_shipstation'])} cancelled"
                       + (f", {len(by['cancel_refused_by_shipstation'])} not cancelled in ShipStation" if by["cancel_refused_by_shipstation"] else "")
                       + (f", {len(by['in_shipstation_not_marked'])} not marked" if by["in_shipstation_not_marked"] else "")
                       + (f", {len(by['not_reached'])} not reached" if by["not_reached"] else ""))
        result = {"pending": len(self.pending), "orders": fates, "dryRun": dry_run, "wouldUpload": list(would),
                  "uploaded": [{"orderNumber": x["orderNumber"], "orderId": x["orderId"]} for x in by["uploaded"]],
                  "alreadyInShipStation": by["already_in_shipstation"], "skipped": by["skipped"],
                  "refused": by["refused_by_shipstation"] + by["refused_by_ora"] + by["cancel_refused_by_shipstation"],
                  "cancelled": by["cancelled_in_shipstation"],
                  "notReached": [x["orderNumber"] for x in by["not_reached"]], "shipstationRequests": self.ss.requests_made}
        attention = bool(by["skipped"] or by["refused_by_shipstation"] or by["refused_by_ora"] or by["cancelled_in_shipstation"]
                         or by["cancel_refused_by_shipstation"])
        return common.Outcome(summary, result, attention=attention, details=details)


def work(args: argparse.Namespace) -> common.Outcome:
    ss = common.shipstation(args)
    with cli.ora_client(args) as ora:
        pending = list(ora.iter_orders(status="pending"))
        upload = Upload(ora, ss, pending)
        if args.dry_run:
            return upload.outcome(dry_run=True, would=[o["orderNumber"] for o in pending])
        try:
            held, open_orders = upload.held_by_shipstation(cli.today(args))
            stale = upload.cancelled_but_open(open_orders)
            for start in range(0, len(stale), 100):
                upload.send(stale[start:start + 100], cancelling=True)
            ready: list[dict[str, Any]] = []
            for order in pending:
                number = order["orderNumber"]
                prepared = upload.adopt(number, held[number]) if number in held else upload.current(number, order=order)
                if prepared is not None:
                    ready.append(prepared)
            for start in range(0, len(ready), 100):
                upload.send(ready[start:start + 100])
        except (TransportError, ShipStationUnavailable, ShipStationConfigError) as e:
            raise common.Stopped(upload.outcome(), e) from e
    return upload.outcome()


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-upload-orders", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
