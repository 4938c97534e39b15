"""ora-upload-orders: every pending inbox order to ShipStation.

For each pending order: allocateOrder (FIFO lots), then POST /orders/createorders, at most 100
orders a request, each with orderKey = its order number (so a re-send after a crash updates the
order instead of duplicating it), orderStatus awaiting_shipment and the allocated ShipStation SKU
text per line; then markUploaded with the orderId ShipStation returned. An order the lots cannot
cover (-32021) is skipped and reported; one ShipStation refuses stays pending and is reported.
"""

import sys

from ..client import OraError, TransportError
from . import common


def build():
    return common.parser("ora-upload-orders", __doc__)


def shipstation_order(order, allocation):
    prices = {}
    for item in order["items"]:
        if item.get("unitPriceCents") is not None:
            prices.setdefault(item["skuCode"], item["unitPriceCents"])
    items = []
    for line in allocation["items"]:
        item = {"sku": line["sku"], "quantity": line["quantity"], "name": line["sku"]}
        if line["skuCode"] in prices:
            item["unitPrice"] = prices[line["skuCode"]] / 100
        items.append(item)
    return {"orderNumber": order["orderNumber"], "orderKey": order["orderNumber"], "orderDate": order["orderDate"] + "T00:00:00",
            "orderStatus": "awaiting_shipment", "items": items}


def work(args):
    ss = common.shipstation(args)
    skipped, refused, uploaded, would = [], [], [], []
    with common.ora(args) as ora:
        pending = []
        cursor = None
        while True:
            page = ora.list_orders(status="pending", cursor=cursor)
            pending += page["orders"]
            cursor = page["nextCursor"]
            if cursor is None:
                break
        ready = []
        for order in pending:
            if args.dry_run:
                would.append(order["orderNumber"])
                continue
            try:
                ready.append(shipstation_order(order, ora.allocate_order(order["orderNumber"])))
            except TransportError:
                raise
            except OraError as e:
                if e.code != -32021:
                    raise
                skipped.append({"orderNumber": order["orderNumber"], "short": e.data.get("short")})
        for start in range(0, len(ready), 100):
            batch = ready[start:start + 100]
            answer = ss.create_orders(batch)
            for result in answer.get("results") or []:
                number = result.get("orderNumber") or result.get("orderKey")
                if result.get("success") and result.get("orderId") is not None:
                    ora.mark_uploaded(number, str(result["orderId"]))
                    uploaded.append({"orderNumber": number, "orderId": str(result["orderId"])})
                else:
                    refused.append({"orderNumber": number, "message": result.get("errorMessage")})
            answered = {r.get("orderNumber") or r.get("orderKey") for r in answer.get("results") or []}
            for order in batch:
                if order["orderNumber"] not in answered:
                    refused.append({"orderNumber": order["orderNumber"], "message": "no result from ShipStation"})
    details = [f"skipped {s['orderNumber']}: not enough stock {s['short']}" for s in skipped]
    details += [f"refused by ShipStation {r['orderNumber']}: {r['message']}" for r in refused]
    if args.dry_run:
        summary = f"dry run: {len(would)} pending orders would be allocated and uploaded"
    else:
        summary = f"{len(pending)} pending orders: {len(uploaded)} uploaded, {len(skipped)} skipped (stock), {len(refused)} refused by ShipStation"
    return common.Outcome(summary, {"pending": len(pending), "uploaded": uploaded, "skipped": skipped, "refused": refused,
                                    "dryRun": args.dry_run, "wouldUpload": would},
                          attention=bool(skipped or refused), details=details)


def main(argv=None):
    return common.run("ora-upload-orders", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
