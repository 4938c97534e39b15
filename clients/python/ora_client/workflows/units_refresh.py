"""ora-units-refresh: units still to ship in ShipStation, per SKU, against ORA's uploaded units.

GET /orders?orderStatus=awaiting_shipment and ?orderStatus=on_hold (every page: an order on hold
is still uploaded, not shipped), units per base SKU (the SKU of each item's
text, its lot dropped), beside inboxSummary's uploadedUnits. Prints both and the differences;
exit status 1 when they differ.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any

from .. import cli
from . import common

_BASE = re.compile(r"^\s*(\d+)\s*(?:-\s*\d+\s*)?$")


def base_sku(text: str | None) -> str:
    m = _BASE.match(text or "")
    return m.group(1) if m else (text or "").strip()


def build() -> argparse.ArgumentParser:
    return common.parser("ora-units-refresh", __doc__, writes=False)


def work(args: argparse.Namespace) -> common.Outcome:
    ss = common.shipstation(args)
    orders = ss.orders(orderStatus="awaiting_shipment") + ss.orders(orderStatus="on_hold")
    shipstation: dict[str, int] = {}
    for order in orders:
        for item in order.get("items") or []:
            sku = base_sku(item.get("sku"))
            shipstation[sku] = shipstation.get(sku, 0) + int(item.get("quantity") or 0)
    with cli.ora_client(args) as ora:
        ora_units = {s["skuCode"]: s["uploadedUnits"] for s in ora.inbox_summary()["skus"]}
    rows: list[dict[str, Any]] = []
    differences: list[dict[str, Any]] = []
    for sku in sorted(set(shipstation) | {k for k, v in ora_units.items() if v}):
        a, b = shipstation.get(sku, 0), ora_units.get(sku, 0)
        rows.append({"skuCode": sku, "shipstation": a, "ora": b, "difference": a - b})
        if a != b:
            differences.append(rows[-1])
    details = [f"{'SKU':<10} {'SHIPSTATION':>12} {'ORA':>8} {'DIFF':>6}"]
    details += [f"{r['skuCode']:<10} {r['shipstation']:>12} {r['ora']:>8} {r['difference']:>+6}" for r in rows]
    summary = (f"{len(orders)} orders awaiting shipment or on hold in ShipStation; {len(rows)} SKUs, "
               + (f"{len(differences)} differ from ORA" if differences else "all agree with ORA"))
    return common.Outcome(summary, {"orders": len(orders), "skus": rows, "differences": differences}, attention=bool(differences), details=details)


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-units-refresh", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
