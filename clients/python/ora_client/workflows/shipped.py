"""Orders as ShipStation shipped them, for the commands that bring ORA to ShipStation's truth
(ora-daily-shipments, ora-manual-sync, ora-status-sync, ora-reconcile). WORKFLOWS.md, "ShipStation
as it really behaves":

- An order may ship in several shipments (boxes, a backorder) on several days. ORA holds it as the
  sum of the items of all of its non-voided shipments, on the date of the latest of them; an order
  whose every label is voided is taken back (removeShipment).
- To see an order's other boxes a command reads from a window of days before the day it works on
  up to tomorrow, in a few paged requests (never one per order). An order ORA holds otherwise
  than the window shows it (on a date before the window, with other lines, or with only voided
  labels in view) is looked up by its number before it is changed.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..client import Client, JSONObject, OraError
from ..shipstation import ShipStation
from ..shipstation.types import Shipment
from . import common

log = logging.getLogger("ora.workflows")

def ship_day(s: Shipment) -> str:
    """A shipment's date: `shipDate`, a date or a date-time whose date part counts."""
    return (s.get("shipDate") or "")[:10]


def slim(s: Shipment) -> JSONObject:
    """What reconcileDate reads of a shipment, and nothing else (a day of thousands fits one line)."""
    return {"orderNumber": s.get("orderNumber"), "shipDate": ship_day(s), "voided": bool(s.get("voided")),
            "shipmentItems": [{"sku": i.get("sku") or "", "quantity": int(i.get("quantity") or 0)} for i in (s.get("shipmentItems") or [])]}


@dataclass
class ShippedOrder:
    """One order's shipments as ShipStation lists them, voided ones included."""
    number: str
    shipments: list[Shipment] = field(default_factory=list)

    @property
    def counted(self) -> list[Shipment]:
        return [s for s in self.shipments if not s.get("voided")]

    @property
    def all_voided(self) -> bool:
        return bool(self.shipments) and not self.counted

    @property
    def date(self) -> str:
        """The date of the latest non-voided shipment."""
        return max(ship_day(s) for s in self.counted)

    def lines(self) -> Counter[tuple[str, str | None]]:
        """Units by (SKU, lot) of the non-voided boxes, as ORA would hold them."""
        units: Counter[tuple[str, str | None]] = Counter()
        for item in self.items:
            units[sku_key(item["sku"])] += item["quantity"]
        return units

    @property
    def items(self) -> list[JSONObject]:
        """Every non-voided box's items, concatenated: ORA adds lines of one SKU and lot together."""
        return [{"sku": i.get("sku") or "", "quantity": int(i["quantity"])}
                for s in self.counted for i in (s.get("shipmentItems") or []) if i.get("quantity")]


class ShipmentSet:
    """Shipments read from ShipStation, each counted once (by shipmentId), grouped by order."""

    def __init__(self) -> None:
        self.orders: dict[str, ShippedOrder] = {}
        self._seen: set[Any] = set()
        self.lookups = 0

    def add(self, shipments: Iterable[Shipment]) -> None:
        for s in shipments:
            number = s.get("orderNumber")
            ident = s.get("shipmentId")
            if not number or (ident is not None and ident in self._seen):
                continue
            if ident is not None:
                self._seen.add(ident)
            self.orders.setdefault(number, ShippedOrder(number)).shipments.append(s)

    def numbers_on(self, first: str, last: str) -> set[str]:
        """Orders with a shipment (voided or not) dated from `first` to `last`."""
        return {n for n, o in self.orders.items() if any(first <= ship_day(s) <= last for s in o.shipments)}

    def complete(self, ss: ShipStation, ora: Client, numbers: Iterable[str], start: str) -> None:
        """Makes sure each order of `numbers` the window showed is there with every shipment of
        it: one ORA holds is looked up by its number when what was read cannot be all there is:
        ORA holds it on a date before the window, or with other lines than the window's boxes
        (a box before the window), or the window shows only voided labels of it. An order ORA
        holds as the window shows it costs no request."""
        wanted = sorted(n for n in set(numbers) if n in self.orders)
        for n, (date, lines) in held_orders(ora, wanted).items():
            order = self.orders[n]
            if date < start or order.all_voided or order.lines() != lines:
                log.info("order %s: ORA holds it on %s otherwise than the window shows: reading its every shipment", n, date)
                self.add(ss.shipments(orderNumber=n))
                self.lookups += 1


def read_window(ss: ShipStation, first: datetime.date, lookback_days: int, today: datetime.date) -> tuple[ShipmentSet, str]:
    """Every shipment from `lookback_days` before `first` to tomorrow (a later box of an order
    counts, and ShipStation may date a label tomorrow), in a few paged requests; and the window's
    first date."""
    start = (first - datetime.timedelta(days=lookback_days)).isoformat()
    found = ShipmentSet()
    found.add(ss.shipments(shipDateStart=start, shipDateEnd=(today + datetime.timedelta(days=1)).isoformat()))
    return found, start


_SKU = re.compile(r"[ \t]*([0-9]+)(?:[ \t]*-[ \t]*([0-9]+))?[ \t]*")


def sku_key(text: str) -> tuple[str, str | None]:
    """(SKU, lot) as ORA's parseSku reads the text; text ORA would refuse stays whole (it never
    equals a line ORA holds)."""
    m = _SKU.fullmatch(text)
    return (m.group(1), m.group(2)) if m else ("?" + text, None)


def held_orders(ora: Client, numbers: Sequence[str]) -> dict[str, tuple[str, Counter[tuple[str, str | None]]]]:
    """{orderNumber: (date, units by (SKU, lot))} for those ORA holds as shipped (pipelined reads)."""
    held: dict[str, tuple[str, Counter[tuple[str, str | None]]]] = {}
    found = common.pipelined(ora, [("shippedItems", {"orderNumber": n}) for n in numbers], raise_errors=True)
    for n, r in zip(numbers, found):
        if r["items"]:
            units: Counter[tuple[str, str | None]] = Counter()
            for line in r["items"]:
                units[(line["baseSku"], line["lotNumber"])] += line["quantity"]
            held[n] = (r["items"][0]["shipDate"], units)
    return held


@dataclass
class Settled:
    """What bringing a set of orders to ShipStation's truth did."""
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "removed": 0})
    refused: list[tuple[str, OraError]] = field(default_factory=list)
    recorded: list[tuple[str, str]] = field(default_factory=list)  # (orderNumber, shipDate) sent to recordShipment
    removed: list[str] = field(default_factory=list)               # sent to removeShipment
    kept_external: list[str] = field(default_factory=list)         # voided labels of orders shipped by hand: left alone

    def refusals(self) -> list[dict[str, Any]]:
        return [{"orderNumber": n, "reason": e.reason, "message": e.message} for n, e in self.refused]


def settle(ora: Client, orders: dict[str, ShippedOrder], numbers: Iterable[str], source: str, dry_run: bool,
           backfill: bool = False) -> Settled:
    """Each order of `numbers`: recordShipment of all its non-voided boxes summed, on the latest
    box's date; removeShipment when every label of it is voided."""
    done = Settled()
    calls: list[tuple[str, JSONObject]] = []
    for n in sorted(set(numbers)):
        order = orders.get(n)
        if order is None:
            continue
        if order.all_voided:
            done.removed.append(n)
            calls.append(("removeShipment", {"orderNumber": n, "source": source, "reason": "every label voided in ShipStation"}))
        elif order.items:
            done.recorded.append((n, order.date))
            params: JSONObject = {"orderNumber": n, "shipDate": order.date, "items": order.items, "source": source}
            if backfill:
                params["backfill"] = True
            calls.append(("recordShipment", params))
    if dry_run:
        return done
    for (_, params), result in zip(calls, common.pipelined(ora, calls)):
        if isinstance(result, OraError) and result.code == -32022 and result.data.get("status") == "external":
            # Recorded as shipped without a label (by hand): a voided label says nothing against it.
            done.kept_external.append(params["orderNumber"])
            done.removed.remove(params["orderNumber"])
        elif isinstance(result, OraError):
            done.refused.append((params["orderNumber"], result))
        elif result["status"] == "removed":
            done.counts["removed"] += 1
        elif result["status"] in done.counts:
            done.counts[result["status"]] += 1
    return done
