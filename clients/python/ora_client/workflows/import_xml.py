"""ora-import-xml FILE...: order files into ORA's inbox (importOrder; bundles expand in ORA).

A file that is not well-formed or not in the format is refused whole, with its line number, and
nothing of it is imported; a hostile file (a DTD, entities, external references) is refused,
never expanded. `date` is exactly YYYY-MM-DD; `quantity` and `unitPriceCents` are ASCII digits;
one order number appears once in a file. Orders already imported are `unchanged`; an order ORA
has shipped or cancelled (also after ora-cleanup purged it) is never imported again, and counted
as such, not as an error.

    <orders>
      <order number="100231" date="2025-10-06">
        <item sku="17612" quantity="2" unitPriceCents="1299"/>
        <item sku="B-GIFT" quantity="1"/>
      </order>
    </orders>
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.sax
import xml.sax.xmlreader
from collections.abc import Sequence
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from .. import cli
from ..client import JSONObject, OraError
from . import common


#: quantity and unitPriceCents: ASCII digits only (str.isdigit also takes "²" and "٣").
DIGITS = re.compile(r"[0-9]+")


class FormatError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class _Orders(xml.sax.handler.ContentHandler):
    """Collects <order>/<item> elements, checking the format as it goes."""

    def __init__(self) -> None:
        super().__init__()
        self.orders: list[JSONObject] = []
        self.depth = 0
        self.order: JSONObject | None = None
        self.numbers: dict[str, int] = {}
        self.locator: xml.sax.xmlreader.Locator | None = None

    def setDocumentLocator(self, locator: xml.sax.xmlreader.Locator) -> None:
        self.locator = locator

    def line(self) -> int:
        return (self.locator.getLineNumber() or 0) if self.locator else 0

    def startElement(self, name: str, attrs: xml.sax.xmlreader.AttributesImpl) -> None:
        self.depth += 1
        if self.depth == 1 and name != "orders":
            raise FormatError(self.line(), f"the root element must be <orders>, not <{name}>")
        if name == "order" and self.depth == 2:
            number, date = (attrs.get("number") or "").strip(), attrs.get("date") or ""
            if not number:
                raise FormatError(self.line(), "<order> needs a number")
            if cli.parse_date(date) is None:
                raise FormatError(self.line(), f"order {number}: date {date!r} is not a date written YYYY-MM-DD")
            if number in self.numbers:
                raise FormatError(self.line(), f"order {number} is in the file twice (first on line {self.numbers[number]})")
            self.numbers[number] = self.line()
            self.order = {"orderNumber": number, "orderDate": date, "items": [], "line": self.line()}
        elif name == "item" and self.depth == 3 and self.order is not None:
            sku, quantity = attrs.get("sku"), attrs.get("quantity")
            if not sku or not sku.strip():
                raise FormatError(self.line(), f"an item of order {self.order['orderNumber']} has no sku")
            if quantity is None or not DIGITS.fullmatch(quantity) or int(quantity) < 1:
                raise FormatError(self.line(), f"item {sku} of order {self.order['orderNumber']}: quantity {quantity!r} is not a positive integer")
            item: JSONObject = {"sku": sku, "quantity": int(quantity)}
            price = attrs.get("unitPriceCents")
            if price is not None:
                if not DIGITS.fullmatch(price):
                    raise FormatError(self.line(), f"item {sku} of order {self.order['orderNumber']}: unitPriceCents {price!r} is not a whole number of cents")
                item["unitPriceCents"] = int(price)
            self.order["items"].append(item)

    def endElement(self, name: str) -> None:
        if name == "order" and self.depth == 2 and self.order is not None:
            if not self.order["items"]:
                raise FormatError(self.order["line"], f"order {self.order['orderNumber']} has no item")
            self.orders.append(self.order)
            self.order = None
        self.depth -= 1


def read_orders(path: str) -> list[JSONObject]:
    """The file's orders, or raises FormatError / DefusedXmlException / SAXParseException."""
    handler = _Orders()
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(handler)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    with open(path, "rb") as f:
        parser.parse(f)
    return [{k: v for k, v in o.items() if k != "line"} for o in handler.orders]


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-import-xml", __doc__, shipstation=False)
    p.add_argument("files", nargs="+", metavar="FILE", help="order files")
    return p


def work(args: argparse.Namespace) -> common.Outcome:
    counts = {"created": 0, "updated": 0, "unchanged": 0, "done": 0}
    refused_files: list[dict[str, Any]] = []
    refused_orders: list[dict[str, Any]] = []
    would: list[str] = []
    parsed: list[tuple[str, list[JSONObject]]] = []
    for path in args.files:
        try:
            parsed.append((path, read_orders(path)))
        except FormatError as e:
            refused_files.append({"file": path, "line": e.line, "error": str(e)})
        except xml.sax.SAXParseException as e:
            refused_files.append({"file": path, "line": e.getLineNumber(), "error": f"line {e.getLineNumber()}: not well-formed XML: {e.getMessage()}"})
        except DefusedXmlException as e:
            refused_files.append({"file": path, "line": None, "error": f"hostile XML refused, not expanded: {type(e).__name__}"})
        except OSError as e:
            refused_files.append({"file": path, "line": None, "error": f"cannot read: {e.strerror}"})
    client = None if args.dry_run else cli.ora_client(args)
    try:
        for path, orders in parsed:
            for order in orders:
                if client is None:
                    would.append(order["orderNumber"])
                    continue
                try:
                    r = client.call("importOrder", dict(order, source="xml_import"))
                    # An order ORA has shipped or cancelled (also purged since) is never imported again.
                    counts["done" if r["orderStatus"] in ("purged", "shipped") and r["status"] == "unchanged" and not r["items"] else r["status"]] += 1
                except OraError as e:
                    refused_orders.append({"file": path, "orderNumber": order["orderNumber"], "code": e.code, "reason": e.reason, "message": e.message})
    finally:
        if client:
            client.close()
    details = [f"refused file {f['file']}: {f['error']}" for f in refused_files]
    details += [f"refused order {o['orderNumber']} ({o['file']}): {o['reason']}: {o['message']}" for o in refused_orders]
    orders_read = sum(len(o) for _, o in parsed)
    if args.dry_run:
        summary = f"dry run: {orders_read} orders in {len(parsed)} files would be imported; {len(refused_files)} files refused"
    else:
        summary = (f"{orders_read} orders from {len(parsed)} files: {counts['created']} created, {counts['updated']} updated, "
                   f"{counts['unchanged']} unchanged, {counts['done']} already shipped or purged, {len(refused_orders)} refused; "
                   f"{len(refused_files)} files refused")
    result = {"files": len(args.files), "orders": orders_read, "counts": counts, "refusedFiles": refused_files,
              "refusedOrders": refused_orders, "dryRun": args.dry_run, "wouldImport": would}
    return common.Outcome(summary, result, attention=bool(refused_files or refused_orders), details=details)


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-import-xml", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
