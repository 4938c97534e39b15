#!/usr/bin/env python3
"""Reconcile one ship date with ShipStation: a dry run by default, --apply to fix the database.

Prints what differs (missing lines, wrong quantities, wrong dates, removals, orders needing a
person) and the totals. Exit status 0, or 1 when orders need manual intervention.
"""

import argparse
import sys

from _common import add_address, read_shipments
from ora_client import Client


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--date", required=True, help="ship date, YYYY-MM-DD")
    parser.add_argument("--shipments", default="-", help="ShipStation shipments JSON for that date (default: stdin)")
    parser.add_argument("--apply", action="store_true", help="write the fixes (default: dry run)")
    add_address(parser)
    args = parser.parse_args(argv)

    with Client(args.address) as ora:
        report = ora.reconcile_date(args.date, read_shipments(args.shipments), apply=args.apply)

    for e in report["missing"]:
        print(f"missing   {e['orderNumber']:<12} {e['sku']:<18} insert {e['quantity']}")
    for e in report["quantityFixed"]:
        print(f"quantity  {e['orderNumber']:<12} {e['sku']:<18} {e['from']} -> {e['to']}")
    for e in report["dateFixed"]:
        print(f"date      {e['orderNumber']:<12} {'':<18} {e['from']} -> {e['to']}")
    for e in report["removed"]:
        print(f"removed   {e['orderNumber']:<12} {e['sku']:<18} {e['quantity']} ({e['reason']})")
    for e in report["manualIntervention"]:
        print(f"MANUAL    {e['orderNumber']:<12} {e['sku']:<18} {e['reason']}")
    for e in report["keptExternal"]:
        print(f"external  {e['orderNumber']:<12} kept ({e['units']} units)")
    t = lambda k: f"{report[k]['orders']} orders, {report[k]['units']} units"
    print(f"ShipStation {t('shipstation')}; database before {t('databaseBefore')}, after {t('databaseAfter')}")
    print("applied" if report["applied"] else "dry run: nothing written (use --apply)")
    return 1 if report["manualIntervention"] else 0


if __name__ == "__main__":
    sys.exit(main())
