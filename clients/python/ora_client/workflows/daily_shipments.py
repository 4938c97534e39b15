"""ora-daily-shipments [--date D]: a day's ShipStation shipments recorded in ORA.

GET /shipments for the day (every page); voided labels skipped; an order shipped in several boxes
summed into one recordShipment (source daily_processor). Orders ORA refuses (unknown or
unparseable SKU) are kept in its quarantine and make the exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import cli
from . import common


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-daily-shipments", __doc__)
    p.add_argument("--date", type=cli.date_arg, default=None, help="ship date YYYY-MM-DD (default: today in --timezone)")
    p.add_argument("--backfill", action="store_true", help="allow a date older than ORA's freshness window")
    return p


def work(args: argparse.Namespace) -> common.Outcome:
    day = (args.date or cli.today(args)).isoformat()
    shipments = common.shipstation(args).shipments(shipDateStart=day, shipDateEnd=day)
    orders = common.group_shipments(shipments)
    with cli.ora_client(args) as ora:
        counts, refused, calls = common.record_orders(ora, orders, "daily_processor", args.dry_run, backfill=args.backfill)
    voided = sum(1 for s in shipments if s.get("voided"))
    if args.dry_run:
        summary = f"dry run: {day}: {len(shipments)} shipments ({voided} voided), {len(calls)} orders would be recorded"
    else:
        summary = (f"{day}: {len(shipments)} shipments ({voided} voided), {len(orders)} orders: {counts['created']} created, "
                   f"{counts['updated']} updated, {counts['unchanged']} unchanged, {len(refused)} refused")
    return common.Outcome(summary, {"date": day, "shipments": len(shipments), "voided": voided, "orders": len(orders), "counts": counts,
                                    "refused": [{"orderNumber": n, "reason": e.reason, "message": e.message} for n, e in refused],
                                    "dryRun": args.dry_run},
                          attention=bool(refused), details=[f"refused {n}: {e.reason}: {e.message}" for n, e in refused])


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-daily-shipments", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
