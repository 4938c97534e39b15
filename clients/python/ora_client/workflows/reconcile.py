"""ora-reconcile --date D [--apply]: one ship date of ShipStation against ORA.

Every page of D's shipments goes to reconcileDate: a dry run unless --apply (--dry-run says the
same). Prints what differs, as `ora-client reconcile` does; exit status 1 when something differs
and was not applied, or when orders need a person (unknown or unparseable SKUs).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import cli
from ..client import types
from . import common


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-reconcile", __doc__)
    p.add_argument("--date", type=cli.date_arg, required=True, help="ship date YYYY-MM-DD")
    p.add_argument("--apply", action="store_true", help="write the fixes (default: dry run)")
    return p


def lines(report: types.ReconcileDateResult) -> list[str]:
    out = [f"missing   {e['orderNumber']:<12} {e['sku']:<18} insert {e['quantity']}" for e in report["missing"]]
    out += [f"quantity  {e['orderNumber']:<12} {e['sku']:<18} {e['from']} -> {e['to']}" for e in report["quantityFixed"]]
    out += [f"date      {e['orderNumber']:<12} {'-':<18} {e['from']} -> {e['to']}" for e in report["dateFixed"]]
    out += [f"removed   {e['orderNumber']:<12} {e['sku']:<18} delete {e['quantity']} ({e['reason']})" for e in report["removed"]]
    out += [f"manual    {e['orderNumber']:<12} {e['sku']:<18} {e['reason']}: {e['message']}" for e in report["manualIntervention"]]
    out += [f"external  {e['orderNumber']:<12} {'-':<18} kept: {e['units']} units" for e in report["keptExternal"]]
    return out


def work(args: argparse.Namespace) -> common.Outcome:
    day = args.date.isoformat()
    shipments = common.shipstation(args).shipments(shipDateStart=day, shipDateEnd=day)
    apply = args.apply and not args.dry_run
    with cli.ora_client(args) as ora:
        report = ora.reconcile_date(day, shipments, apply=apply)
    def t(totals: types.Totals) -> str:
        return f"{totals['orders']} orders, {totals['units']} units"
    differs = bool(report["missing"] or report["quantityFixed"] or report["dateFixed"] or report["removed"])
    summary = (f"{day}: ShipStation {t(report['shipstation'])}; database before {t(report['databaseBefore'])}, "
               f"after {t(report['databaseAfter'])}; "
               + ("applied" if report["applied"] else "dry run: nothing was written" + ("; run again with --apply to fix" if differs else "")))
    return common.Outcome(summary, report, attention=bool(report["manualIntervention"]) or (differs and not report["applied"]), details=lines(report))


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-reconcile", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
