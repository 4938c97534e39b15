"""Orders as ShipStation shipped them, for the commands that bring ORA to ShipStation's truth
(ora-daily-shipments, ora-manual-sync, ora-status-sync, ora-reconcile). WORKFLOWS.md, "ShipStation
as it really behaves":

- An order may ship in several shipments (boxes, a backorder) on several days. ORA holds it as the
  sum of the items of all of its non-voided shipments, on the date of the latest of them; an order
  whose every label is voided is taken back (removeShipment).
- To see an order's other boxes a command reads a window of days before the day it works on, in
  a few paged requests (never one per order). An order of the day that ORA holds on a date
  outside the window, or that the window did not show at all, is looked up by its number.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..client import Client, JSONObject, OraError, TransportError
from ..shipstation import ShipStation
from ..shipstation.types import Shipment

log = logging.getLogger("ora.workflows")

#: ORA calls sent down one connection at a time (each chunk is sent whole, then its replies read).
CHUNK = 500


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

    def complete(self, ss: ShipStation, ora: Client, numbers: Iterable[str], start: str, end: str) -> None:
        """Looks up by number each order of `numbers` that ORA holds outside [start, end], or that
        ORA holds but the window did not show: so what is sent is the order's every shipment."""
        wanted = sorted(set(numbers))
        held = held_dates(ora, wanted)
        for n in wanted:
            date = held.get(n)
            if date is not None and (date < start or date > end or n not in self.orders):
                log.info("order %s: ORA holds it on %s, outside what was read: reading its shipments", n, date)
                self.add(ss.shipments(orderNumber=n))
                self.lookups += 1


def window_start(day: datetime.date, lookback_days: int) -> str:
    return (day - datetime.timedelta(days=lookback_days)).isoformat()


def held_dates(ora: Client, numbers: Sequence[str]) -> dict[str, str]:
    """{orderNumber: the date ORA holds it on} for those ORA holds as shipped (pipelined reads)."""
    dates: dict[str, str] = {}
    for i in range(0, len(numbers), CHUNK):
        chunk = numbers[i:i + CHUNK]
        results = ora.call_many([("shippedItems", {"orderNumber": n, "limit": 1}) for n in chunk])
        for n, r in zip(chunk, results):
            if r["items"]:
                dates[n] = r["items"][0]["shipDate"]
    return dates


def pipelined(ora: Client, calls: list[tuple[str, JSONObject]]) -> list[Any]:
    """Each call's result or OraError, in order; a lost connection raises."""
    results: list[Any] = []
    for i in range(0, len(calls), CHUNK):
        for r in ora.call_many(calls[i:i + CHUNK], raise_errors=False):
            if isinstance(r, TransportError):
                raise r
            results.append(r)
    return results


@dataclass
class Settled:
    """What bringing a set of orders to ShipStation's truth did."""
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "removed": 0})
    refused: list[tuple[str, OraError]] = field(default_factory=list)
    recorded: list[tuple[str, str]] = field(default_factory=list)  # (orderNumber, shipDate) sent to recordShipment
    removed: list[str] = field(default_factory=list)               # sent to removeShipment

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
    for (_, params), result in zip(calls, pipelined(ora, calls)):
        if isinstance(result, OraError):
            done.refused.append((params["orderNumber"], result))
        elif result["status"] == "removed":
            done.counts["removed"] += 1
        elif result["status"] in done.counts:
            done.counts[result["status"]] += 1
    return done
