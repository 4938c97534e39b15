"""ora-manual-sync [--days N]: shipments of orders created by hand in ShipStation (not in ORA's
inbox) over the last N days, recorded in ORA with source manual_sync.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence

from .. import cli
from . import common


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-manual-sync", __doc__)
    p.add_argument("--days", type=int, default=1, help="shipments of the last N days (default 1: today)")
    return p


def work(args: argparse.Namespace) -> common.Outcome:
    if args.days < 1:
        raise cli.Usage("--days must be at least 1")
    end = cli.today(args)
    start = end - datetime.timedelta(days=args.days - 1)
    shipments = common.shipstation(args).shipments(shipDateStart=start.isoformat(), shipDateEnd=end.isoformat())
    grouped = common.group_shipments(shipments)
    with cli.ora_client(args) as ora:
        manual = {n: v for n, v in grouped.items() if not ora.list_orders(order_number=n)["orders"]}
        counts, refused, calls = common.record_orders(ora, manual, "manual_sync", args.dry_run)
    span = start.isoformat() if args.days == 1 else f"{start.isoformat()}..{end.isoformat()}"
    if args.dry_run:
        summary = f"dry run: {span}: {len(grouped)} orders shipped, {len(calls)} created by hand would be recorded"
    else:
        summary = (f"{span}: {len(grouped)} orders shipped, {len(manual)} created by hand: {counts['created']} created, "
                   f"{counts['updated']} updated, {counts['unchanged']} unchanged, {len(refused)} refused")
    return common.Outcome(summary, {"from": start.isoformat(), "to": end.isoformat(), "orders": len(grouped), "manual": sorted(manual),
                                    "counts": counts, "refused": [{"orderNumber": n, "reason": e.reason} for n, e in refused], "dryRun": args.dry_run},
                          attention=bool(refused), details=[f"refused {n}: {e.reason}: {e.message}" for n, e in refused])


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-manual-sync", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
