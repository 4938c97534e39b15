"""ora-status-sync [--days N]: inbox orders still `uploaded` follow what ShipStation did with them.

Orders ShipStation shows cancelled (modified in the last N days) are cancelled in ORA, releasing
their lots; orders it shows shipped are recorded from their shipments (source status_sync). The
freshness guard applies: a stale ship date is reported, never forced.
"""

from __future__ import annotations

import argparse
import datetime
import sys

from ..client import OraError, TransportError
from collections.abc import Sequence
from typing import Any

from .. import cli
from . import common


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-status-sync", __doc__)
    p.add_argument("--days", type=int, default=3, help="orders modified in ShipStation in the last N days (default 3)")
    return p


def work(args: argparse.Namespace) -> common.Outcome:
    if args.days < 1:
        raise cli.Usage("--days must be at least 1")
    ss = common.shipstation(args)
    since = (cli.today(args) - datetime.timedelta(days=args.days)).isoformat()
    cancelled: list[str] = []
    shipped: list[str] = []
    problems: list[dict[str, Any]] = []
    with cli.ora_client(args) as ora:
        uploaded = {o["orderNumber"] for o in ora.iter_orders(status="uploaded")}
        if uploaded:
            for status in ("cancelled", "shipped"):
                for order in ss.orders(orderStatus=status, modifyDateStart=since):
                    number = order.get("orderNumber")
                    if number not in uploaded:
                        continue
                    if status == "cancelled":
                        if not args.dry_run:
                            ora.cancel_order(number, reason="cancelled in ShipStation")
                        cancelled.append(number)
                        continue
                    grouped = common.group_shipments(ss.shipments(orderNumber=number))
                    if number not in grouped:
                        problems.append({"orderNumber": number, "reason": "no_shipment", "message": "ShipStation says shipped but lists no shipment"})
                        continue
                    date, items = grouped[number]
                    if args.dry_run:
                        shipped.append(number)
                        continue
                    try:
                        ora.record_shipment(number, date, items, source="status_sync")
                        shipped.append(number)
                    except TransportError:
                        raise
                    except OraError as e:
                        problems.append({"orderNumber": number, "reason": e.reason, "message": e.message})
    prefix = "dry run: would have " if args.dry_run else ""
    summary = f"{prefix}{len(uploaded)} uploaded orders checked: {len(shipped)} shipped, {len(cancelled)} cancelled, {len(problems)} need a person"
    return common.Outcome(summary, {"uploaded": len(uploaded), "shipped": shipped, "cancelled": cancelled, "problems": problems, "dryRun": args.dry_run},
                          attention=bool(problems), details=[f"{p['orderNumber']}: {p['reason']}: {p['message']}" for p in problems])


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-status-sync", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
