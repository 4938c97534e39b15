#!/usr/bin/env python3
"""Daily shipment processor: records each order of a ShipStation shipments page in ORA.

Voided labels are skipped; an order shipped in several boxes is sent once with the boxes' items
together (ORA adds lines of the same SKU and lot). Refused orders (unknown or unparseable SKU) are
listed and make the exit status 1; ORA keeps them in its quarantine, so nothing is lost.
"""

import argparse
import sys
from collections import OrderedDict

from _common import add_address, read_shipments
from ora_client import Client, OraError


def group_orders(shipments):
    """{orderNumber: (shipDate, items)} of the shipments that count (not voided)."""
    orders = OrderedDict()
    for s in shipments:
        if s.get("voided"):
            continue
        date = (s.get("shipDate") or "")[:10]
        items = [{"sku": i.get("sku") or "", "quantity": i["quantity"]}
                 for i in (s.get("shipmentItems") or []) if i.get("quantity")]
        prior = orders.get(s["orderNumber"])
        if prior:
            date = max(prior[0], date)
            items = prior[1] + items
        orders[s["orderNumber"]] = (date, items)
    return orders


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("shipments", nargs="?", default="-", help="ShipStation shipments JSON file (default: stdin)")
    parser.add_argument("--backfill", action="store_true", help="allow ship dates older than the freshness window")
    add_address(parser)
    args = parser.parse_args(argv)

    orders = group_orders(read_shipments(args.shipments))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    refused = []
    with Client(args.address) as ora:
        calls = [("recordShipment", {"orderNumber": number, "shipDate": date, "items": items,
                                     "backfill": args.backfill, "source": "daily_processor"})
                 for number, (date, items) in orders.items() if items]
        for (method, params), result in zip(calls, ora.call_many(calls, raise_errors=False)):
            if isinstance(result, OraError):
                refused.append((params["orderNumber"], result))
            else:
                counts[result["status"]] += 1
    print(f"{len(orders)} orders: {counts['created']} created, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged, {len(refused)} refused")
    for number, error in refused:
        print(f"  refused {number}: {error.reason}: {error.message}", file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
