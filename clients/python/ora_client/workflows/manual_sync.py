"""ora-manual-sync [--days N] [--lookback-days 30]: orders created by hand in ShipStation (not in
ORA's inbox) with a shipment in the last N days, recorded in ORA with source manual_sync.

As ora-daily-shipments: each such order is recorded as all of its non-voided boxes summed, on the
latest box's date (the window read reaches --lookback-days before the first day), and an order
whose every label is voided is taken back (removeShipment).
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence

from .. import cli
from . import common, shipped


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-manual-sync", __doc__)
    p.add_argument("--days", type=cli.int_in(1, 366), default=1, help="shipments of the last N days (default 1: today)")
    p.add_argument("--lookback-days", type=cli.int_in(0, 366), default=30, help="days before the first one read for the orders' other boxes (default 30)")
    return p


def work(args: argparse.Namespace) -> common.Outcome:
    end = cli.today(args)
    first = end - datetime.timedelta(days=args.days - 1)
    ss = common.shipstation(args)
    found, start = shipped.read_window(ss, first, args.lookback_days, end)
    numbers = sorted(found.numbers_on(first.isoformat(), end.isoformat()))
    with cli.ora_client(args) as ora:
        known = common.pipelined(ora, [("listOrders", {"orderNumber": n, "limit": 1}) for n in numbers], raise_errors=True)
        manual = [n for n, r in zip(numbers, known) if not r["orders"]]
        found.complete(ss, ora, manual, start)
        done = shipped.settle(ora, found.orders, manual, "manual_sync", args.dry_run)
    span = first.isoformat() if args.days == 1 else f"{first.isoformat()}..{end.isoformat()}"
    c = done.counts
    if args.dry_run:
        summary = (f"dry run: {span}: {len(numbers)} orders shipped, {len(manual)} created by hand: "
                   f"{len(done.recorded)} would be recorded, {len(done.removed)} taken back (every label voided)")
    else:
        summary = (f"{span}: {len(numbers)} orders shipped, {len(manual)} created by hand: {c['created']} created, "
                   f"{c['updated']} updated, {c['unchanged']} unchanged, {c['removed']} removed (every label voided), "
                   f"{len(done.refused)} refused")
    return common.Outcome(summary, {"from": first.isoformat(), "to": end.isoformat(), "orders": len(numbers), "manual": manual,
                                    "counts": c, "removed": done.removed, "refused": done.refusals(), "dryRun": args.dry_run,
                                    "shipstationRequests": ss.requests_made},
                          attention=bool(done.refused), details=[f"refused {r['orderNumber']}: {r['reason']}: {r['message']}" for r in done.refusals()])


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-manual-sync", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
