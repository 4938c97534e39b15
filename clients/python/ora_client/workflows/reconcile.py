"""ora-reconcile --date D [--apply] [--lookback-days 30]: one ship date of ShipStation against ORA.

Reads every shipment from D - lookback to tomorrow (a few paged requests). The orders of D (a
shipment on D) and the orders ORA holds on D go to reconcileDate with every shipment of theirs, in
the slim shape ORA reads; one ORA holds otherwise than the window shows it is looked up by its
number first. An order ORA holds on D that ShipStation shows nowhere in the window is removed
(kept when it was recorded external), without a request of its own. A dry run unless --apply (--dry-run says the same). Prints what differs, as `ora-client reconcile` does; exit status 1 when something differs
and was not applied, or when orders need a person (unknown or unparseable SKUs).
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence

from .. import cli
from ..client import Client, types
from ..shipstation import ShipStation
from . import common, shipped


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-reconcile", __doc__)
    p.add_argument("--date", type=cli.date_arg, required=True, help="ship date YYYY-MM-DD")
    p.add_argument("--apply", action="store_true", help="write the fixes (default: dry run)")
    p.add_argument("--lookback-days", type=cli.int_in(0, 366), default=30, help="days before --date read for the day's orders' other boxes (default 30)")
    return p


def lines(report: types.ReconcileDateResult) -> list[str]:
    out = [f"missing   {e['orderNumber']:<12} {e['sku']:<18} insert {e['quantity']}" for e in report["missing"]]
    out += [f"quantity  {e['orderNumber']:<12} {e['sku']:<18} {e['from']} -> {e['to']}" for e in report["quantityFixed"]]
    out += [f"date      {e['orderNumber']:<12} {'-':<18} {e['from']} -> {e['to']}" for e in report["dateFixed"]]
    out += [f"removed   {e['orderNumber']:<12} {e['sku']:<18} delete {e['quantity']} ({e['reason']})" for e in report["removed"]]
    out += [f"manual    {e['orderNumber']:<12} {e['sku']:<18} {e['reason']}: {e['message']}" for e in report["manualIntervention"]]
    out += [f"external  {e['orderNumber']:<12} {'-':<18} kept: {e['units']} units" for e in report["keptExternal"]]
    return out


def reconcile_day(ss: ShipStation, ora: Client, date: datetime.date, lookback_days: int, today: datetime.date,
                  apply: bool) -> types.ReconcileDateResult:
    """reconcileDate of `date` with the orders of the day and those ORA holds on it, each with
    every shipment of theirs (also ora-health-check's daily verification, as a dry run)."""
    day = date.isoformat()
    found, start = shipped.read_window(ss, date, lookback_days, today)
    numbers = found.numbers_on(day, day) | {line["orderNumber"] for line in ora.iter_shipped_items(date=day, limit=10_000)}
    found.complete(ss, ora, numbers, start)
    shipments = [shipped.slim(s) for n in sorted(numbers) if n in found.orders for s in found.orders[n].shipments]
    return ora.reconcile_date(day, shipments, apply=apply)


def differs(report: types.ReconcileDateResult) -> bool:
    return bool(report["missing"] or report["quantityFixed"] or report["dateFixed"] or report["removed"])


def work(args: argparse.Namespace) -> common.Outcome:
    day = args.date.isoformat()
    apply = args.apply and not args.dry_run
    with cli.ora_client(args) as ora:
        report = reconcile_day(common.shipstation(args), ora, args.date, args.lookback_days, cli.today(args), apply)
    def t(totals: types.Totals) -> str:
        return f"{totals['orders']} orders, {totals['units']} units"
    different = differs(report)
    summary = (f"{day}: ShipStation {t(report['shipstation'])}; database before {t(report['databaseBefore'])}, "
               f"after {t(report['databaseAfter'])}; "
               + ("applied" if report["applied"] else "dry run: nothing was written" + ("; run again with --apply to fix" if different else "")))
    return common.Outcome(summary, report, attention=bool(report["manualIntervention"]) or (different and not report["applied"]), details=lines(report))


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-reconcile", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
