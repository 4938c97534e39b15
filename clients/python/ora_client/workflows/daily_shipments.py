"""ora-daily-shipments [--date D] [--lookback-days 30]: a day's ShipStation shipments recorded in ORA.

Reads every shipment from D - lookback to tomorrow (a few paged requests); for each order with a
shipment on D: one recordShipment of all its non-voided boxes summed, on the latest box's date
(source daily_processor), or removeShipment when every label of it is voided. An order ORA holds
otherwise than the window shows it is looked up by its number first. Orders ORA refuses (unknown or
unparseable SKU) are kept in its quarantine and make the exit status 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from .. import cli
from . import common, shipped


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-daily-shipments", __doc__)
    p.add_argument("--date", type=cli.date_arg, default=None, help="ship date YYYY-MM-DD (default: today in --timezone)")
    p.add_argument("--lookback-days", type=cli.int_in(0, 366), default=30, help="days before --date read for the day's orders' other boxes (default 30)")
    p.add_argument("--backfill", action="store_true", help="allow a date older than ORA's freshness window")
    return p


def work(args: argparse.Namespace) -> common.Outcome:
    date = args.date or cli.today(args)
    day = date.isoformat()
    ss = common.shipstation(args)
    began = time.monotonic()
    found, start = shipped.read_window(ss, date, args.lookback_days, cli.today(args))
    numbers = found.numbers_on(day, day)
    with cli.ora_client(args) as ora:
        found.complete(ss, ora, numbers, start)
        ora_began = time.monotonic()
        done = shipped.settle(ora, found.orders, numbers, "daily_processor", args.dry_run, backfill=args.backfill)
        ora_seconds = time.monotonic() - ora_began
    of_day = [s for n in numbers for s in found.orders[n].shipments if shipped.ship_day(s) == day]
    voided = sum(1 for s in of_day if s.get("voided"))
    elsewhere = sorted({d for n, d in done.recorded if d != day})
    c = done.counts
    if args.dry_run:
        summary = (f"dry run: {day}: {len(of_day)} shipments ({voided} voided), {len(numbers)} orders: "
                   f"{len(done.recorded)} would be recorded, {len(done.removed)} taken back (every label voided)")
    else:
        summary = (f"{day}: {len(of_day)} shipments ({voided} voided), {len(numbers)} orders: {c['created']} created, "
                   f"{c['updated']} updated, {c['unchanged']} unchanged, {c['removed']} removed (every label voided), "
                   f"{len(done.refused)} refused")
    result = {"date": day, "lookbackFrom": start, "shipments": len(of_day), "voided": voided, "orders": len(numbers),
              "counts": c, "recorded": [{"orderNumber": n, "shipDate": d} for n, d in done.recorded], "removed": done.removed,
              "keptExternal": done.kept_external,
              "refused": done.refusals(), "dryRun": args.dry_run,
              "shipstationRequests": ss.requests_made, "lookups": found.lookups,
              "seconds": round(time.monotonic() - began, 3), "oraSeconds": round(ora_seconds, 3),
              "rateLimitWaitSeconds": ss.rate_limit_waited}
    details = [f"refused {r['orderNumber']}: {r['reason']}: {r['message']}" for r in result["refused"]]
    if elsewhere:
        details.append(f"orders whose latest box is on another day were recorded there: {', '.join(elsewhere)}")
    return common.Outcome(summary, result, attention=bool(done.refused), details=details)


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-daily-shipments", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
