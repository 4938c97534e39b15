"""ora-upload-orders: every pending inbox order to ShipStation.

For each pending order: allocateOrder (FIFO lots), then POST /orders/createorders, at most 100
orders a request, each with orderKey = its order number (so a re-send after a crash updates the
order instead of duplicating it), orderStatus awaiting_shipment and the allocated ShipStation SKU
text per line; then markUploaded with the orderId ShipStation returned. An order the lots cannot
cover (-32021) is skipped and reported; one ShipStation refuses stays pending and is reported.
"""

from __future__ import annotations

import argparse
import sys

from ..client import OraError, TransportError
from collections.abc import Sequence
from typing import Any

from .. import cli
from ..client import types
from . import common


def build() -> argparse.ArgumentParser:
    return common.parser("ora-upload-orders", __doc__)


def shipstation_order(order: types.InboxOrder, allocation: types.AllocateOrderResult) -> dict[str, Any]:
    prices: dict[str, int] = {}
    for sent in order["items"]:
        price = sent.get("unitPriceCents")
        if price is not None:
            prices.setdefault(sent["skuCode"], price)
    items: list[dict[str, Any]] = []
    for line in allocation["items"]:
        item: dict[str, Any] = {"sku": line["sku"], "quantity": line["quantity"], "name": line["sku"]}
        if line["skuCode"] in prices:
            item["unitPrice"] = prices[line["skuCode"]] / 100
        items.append(item)
    return {"orderNumber": order["orderNumber"], "orderKey": order["orderNumber"], "orderDate": order["orderDate"] + "T00:00:00",
            "orderStatus": "awaiting_shipment", "items": items}


def work(args: argparse.Namespace) -> common.Outcome:
    ss = common.shipstation(args)
    skipped: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    uploaded: list[dict[str, Any]] = []
    would: list[str] = []
    with cli.ora_client(args) as ora:
        pending = list(ora.iter_orders(status="pending"))
        ready: list[dict[str, Any]] = []
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
                if not number:
                    refused.append({"orderNumber": None, "message": "ShipStation answered with a result that names no order"})
                    continue
                if result.get("success") and result.get("orderId") is not None:
                    ora.mark_uploaded(number, str(result["orderId"]))
                    uploaded.append({"orderNumber": number, "orderId": str(result["orderId"])})
                else:
                    refused.append({"orderNumber": number, "message": result.get("errorMessage")})
            answered = {r.get("orderNumber") or r.get("orderKey") for r in answer.get("results") or []}
            for sent in batch:
                if sent["orderNumber"] not in answered:
                    refused.append({"orderNumber": sent["orderNumber"], "message": "no result from ShipStation"})
    details = [f"skipped {s['orderNumber']}: not enough stock {s['short']}" for s in skipped]
    details += [f"refused by ShipStation {r['orderNumber']}: {r['message']}" for r in refused]
    if args.dry_run:
        summary = f"dry run: {len(would)} pending orders would be allocated and uploaded"
    else:
        summary = f"{len(pending)} pending orders: {len(uploaded)} uploaded, {len(skipped)} skipped (stock), {len(refused)} refused by ShipStation"
    return common.Outcome(summary, {"pending": len(pending), "uploaded": uploaded, "skipped": skipped, "refused": refused,
                                    "dryRun": args.dry_run, "wouldUpload": would},
                          attention=bool(skipped or refused), details=details)


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-upload-orders", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
