"""The accounting, kept exact by a stateful property test against the spawned server.

hypothesis drives random sequences of the writes that move stock or promise it (SKUs and lots,
shipments new, re-sent, moved and refused, inbox orders with bundles, named lots and re-imports,
allocation, upload, cancellation, shipping an inbox order, ledger adjustments and counts,
reconciliation, purges). The test keeps its own small model of the contract's arithmetic
(INBOUND.md, PROTOCOL.md): per lot, initial + ledger - shipped, less what open orders are
allocated; per SKU, the sum over its received lots plus what moved without a lot; allocation
named lots first, then FIFO. After every step lotInventory, inboxSummary, lotTrace,
inventoryLedger and validate must agree with the model and with each other.

`make test` runs a bounded number of sequences (under a minute); ORA_PROPERTY_EXAMPLES=2000 makes
a long soak. A failure prints the shrunk sequence of calls.
"""

from __future__ import annotations

import datetime
import os
import signal

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, settings, strategies as st  # noqa: E402
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule  # noqa: E402

from conftest import Server  # noqa: E402
from ora_client import Client, OraError  # noqa: E402

TRACKED = ["1001", "1002"]   # SKUs that get lots
PLAIN = "1003"               # a SKU that never has lots: not lot-tracked, never short
LOTS = ["101", "102", "103", "104"]
TODAY = datetime.date.today()
DATES = [(TODAY - datetime.timedelta(days=d)).isoformat() for d in (0, 1, 2)]
RECEIVED = [None, "2025-01-01", "2025-02-01", "2025-03-01"]
SHIPMENTS = ["S1", "S2", "S3", "S4"]
ORDERS = [f"O{i}" for i in range(1, 13)]
BUNDLE = {"BX": [("1001", 1), (PLAIN, 2)]}


class Model:
    """The contract's arithmetic, independently of the server."""

    def __init__(self) -> None:
        self.lots: dict[tuple[str, str], dict] = {}        # (sku, lot) -> id, received, initial, ledger
        self.next_lot_id = 0
        self.loose: dict[str, int] = {s: 0 for s in TRACKED + [PLAIN]}  # ledger entries without a lot
        self.shipped: dict[str, dict] = {}                  # order -> {date, lines: {(sku, lot|None): qty}}
        self.inbox: dict[str, dict] = {}                    # order -> {status, date, content, lines, alloc}
        self.retired: set[str] = set()                      # inbox numbers purged: never imported again here
        self.reorder: dict[str, int] = {}                   # SKU -> reorder point

    # -- lots ---------------------------------------------------------------------------------
    def lot(self, sku: str, number: str) -> dict:
        key = (sku, number)
        if key not in self.lots:
            self.lots[key] = {"id": self.next_lot_id, "received": None, "initial": None, "ledger": 0}
            self.next_lot_id += 1
        return self.lots[key]

    def tracked(self, sku: str) -> bool:
        return any(s == sku for s, _ in self.lots)

    def shipped_units(self, sku: str, lot: str | None) -> int:
        return sum(q for o in self.shipped.values() for (s, l), q in o["lines"].items() if s == sku and l == lot)

    def allocated_units(self, sku: str, lot: str) -> int:
        return sum(q for o in self.inbox.values() if o["status"] in ("pending", "uploaded") and o["alloc"]
                   for s, l, q in o["alloc"] if s == sku and l == lot)

    def remaining(self, sku: str, lot: str) -> int | None:
        facts = self.lots[(sku, lot)]
        if facts["initial"] is None:
            return None
        return facts["initial"] + facts["ledger"] - self.shipped_units(sku, lot)

    def available(self, sku: str, lot: str) -> int:
        remaining = self.remaining(sku, lot)
        return 0 if remaining is None else remaining - self.allocated_units(sku, lot)

    def sku_remaining(self, sku: str) -> int:
        lots = sum(self.remaining(s, l) or 0 for s, l in self.lots if s == sku)
        return lots + self.loose[sku] - self.shipped_units(sku, None)

    def fifo(self, sku: str) -> list[str]:
        known = [(l, f) for (s, l), f in self.lots.items() if s == sku and f["initial"] is not None]
        known.sort(key=lambda lf: (lf[1]["received"] is None, lf[1]["received"] or "", lf[1]["id"]))
        return [l for l, _ in known]

    # -- allocation (INBOUND.md: named lines first, then FIFO; all or nothing) ------------------
    def allocate(self, lines: list[tuple[str, str | None, int]]):
        left: dict[str, dict[str, int]] = {}
        for sku in {s for s, _, _ in lines}:
            left[sku] = {l: self.available(sku, l) for (s, l) in self.lots if s == sku}
        pieces: list[tuple[int, int, str, str | None, int]] = []
        short: list[str] = []
        order = sorted(range(len(lines)), key=lambda i: (lines[i][1] is None, i))
        for i in order:
            sku, lot, qty = lines[i]
            if not self.tracked(sku):
                pieces.append((i, 0, sku, None, qty))
                continue
            if lot is not None:
                if left[sku].get(lot, 0) >= qty:
                    left[sku][lot] -= qty
                    pieces.append((i, 0, sku, lot, qty))
                elif sku not in short:
                    short.append(sku)
                continue
            need = qty
            for n, l in enumerate(self.fifo(sku)):
                take = min(need, max(0, left[sku][l]))
                if take > 0:
                    left[sku][l] -= take
                    need -= take
                    pieces.append((i, n + 1, sku, l, take))
                if need == 0:
                    break
            if need > 0 and sku not in short:
                short.append(sku)
        if short:
            first = {sku: min(i for i, (s, _, _) in enumerate(lines) if s == sku) for sku in short}
            report = []
            for sku in sorted(short, key=first.get):
                stock = {l: self.available(sku, l) for l in self.fifo(sku)}
                for s, l, _ in lines:
                    if s == sku and l is not None:
                        stock[l] = self.available(sku, l)
                report.append({"skuCode": sku, "wanted": sum(q for s, _, q in lines if s == sku),
                               "available": sum(max(0, v) for v in stock.values())})
            return None, report
        pieces.sort(key=lambda p: (p[0], p[1]))
        return [(s, l, q) for _, _, s, l, q in pieces], None


def text(sku: str, lot: str | None) -> str:
    return sku if lot is None else f"{sku} - {lot}"


# Lines of one order mostly share a SKU (1001), so that named and plain lines compete for its lots.
line_strategy = st.one_of(
    st.tuples(st.sampled_from(["1001", "1001", "1001", "1002"]), st.one_of(st.none(), st.sampled_from(LOTS)), st.integers(1, 12)),
    st.tuples(st.just(PLAIN), st.none(), st.integers(1, 5)),
)
# Orders of any lines, and orders where a plain line comes before a line naming a lot of the same
# SKU (the two compete for that lot's units: INBOUND.md serves the named line first).
competing = st.tuples(st.sampled_from(LOTS), st.integers(1, 40), st.integers(1, 4)).map(
    lambda t: [("1001", None, t[1]), ("1001", t[0], t[2])])
order_items = st.one_of(
    st.lists(st.one_of(line_strategy, line_strategy, st.tuples(st.just("BX"), st.none(), st.integers(1, 3))), min_size=1, max_size=4),
    competing)
# Most lots are received with a quantity; about one in five is not (yet).
initial_qty = st.integers(-10, 40).map(lambda v: None if v < 0 else v)


class Accounting(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.model = Model()

    @initialize()
    def start(self) -> None:
        path = os.path.join(TMP.mkdtemp(), "ora.db")
        self.server = Server(path)
        self.server.start()
        self.ora = Client(self.server.address)
        for sku in TRACKED + [PLAIN]:
            self.ora.upsert_sku(sku, f"Product {sku}")
            self.model.reorder[sku] = 50  # created without one: the seed schema's default
        self.ora.upsert_bundle("BX", [{"skuCode": s, "quantity": q} for s, q in BUNDLE["BX"]])

    def teardown(self) -> None:
        if hasattr(self, "ora"):
            self.ora.close()
            self.server.stop(signal.SIGKILL)

    # -- master data and the ledger -----------------------------------------------------------
    @rule(sku=st.sampled_from(TRACKED + [PLAIN]), reorder=st.one_of(st.none(), st.integers(0, 500)))
    def upsert_sku(self, sku: str, reorder: int | None) -> None:
        """An update: a new name, and a reorder point or none (which keeps the one there)."""
        assert self.ora.upsert_sku(sku, f"Renamed {sku}", reorder_point=reorder)["created"] is False
        if reorder is not None:
            self.model.reorder[sku] = reorder

    @rule(sku=st.sampled_from(TRACKED), lot=st.sampled_from(LOTS), received=st.sampled_from(RECEIVED), initial=st.integers(0, 30))
    def receive_lot(self, sku: str, lot: str, received: str | None, initial: int) -> None:
        """A lot received with its quantity (the common case)."""
        self.upsert_lot(sku, lot, received, initial)

    @rule(sku=st.sampled_from(TRACKED), lot=st.sampled_from(LOTS), received=st.sampled_from(RECEIVED),
          initial=initial_qty)
    def upsert_lot(self, sku: str, lot: str, received: str | None, initial: int | None) -> None:
        params = {"skuCode": sku, "lotNumber": lot}
        if received is not None:
            params["receivedDate"] = received
        if initial is not None:
            params["initialQty"] = initial
        self.ora.call("upsertLot", params)
        facts = self.model.lot(sku, lot)
        if received is not None:
            facts["received"] = received
        if initial is not None:
            facts["initial"] = initial

    @rule(sku=st.sampled_from(TRACKED + [PLAIN]), lot=st.one_of(st.none(), st.sampled_from(LOTS)),
          quantity=st.integers(-8, 8).filter(bool), reason=st.sampled_from(["return", "damage", "correction"]))
    def adjust(self, sku: str, lot: str | None, quantity: int, reason: str) -> None:
        params = {"skuCode": sku, "quantity": quantity, "reason": reason}
        if lot is not None:
            params["lotNumber"] = lot
        if lot is not None and (sku, lot) not in self.model.lots:
            with pytest.raises(OraError) as refused:
                self.ora.call("adjustInventory", params)
            assert refused.value.code == -32602
            return
        self.ora.call("adjustInventory", params)
        if lot is None:
            self.model.loose[sku] += quantity
        else:
            self.model.lots[(sku, lot)]["ledger"] += quantity

    @rule(data=st.data())
    def count(self, data: st.DataObject) -> None:
        known = [k for k, f in self.model.lots.items() if f["initial"] is not None]
        if not known:
            return
        sku, lot = data.draw(st.sampled_from(sorted(known)))
        counted = data.draw(st.integers(0, 60))
        result = self.ora.call("countInventory", {"skuCode": sku, "lotNumber": lot, "counted": counted})
        expected = self.model.remaining(sku, lot)
        assert result["expected"] == expected
        self.model.lots[(sku, lot)]["ledger"] += counted - expected

    # -- shipments ------------------------------------------------------------------------------
    @rule(number=st.sampled_from(SHIPMENTS), date=st.sampled_from(DATES), lines=st.lists(line_strategy, min_size=1, max_size=4))
    def record_shipment(self, number: str, date: str, lines: list) -> None:
        self.ora.record_shipment(number, date, [{"sku": text(s, l), "quantity": q} for s, l, q in lines])
        merged: dict = {}
        for s, l, q in lines:
            merged[(s, l)] = merged.get((s, l), 0) + q
            if l is not None:
                self.model.lot(s, l)
        self.model.shipped[number] = {"date": date, "lines": merged}

    @rule(number=st.sampled_from(SHIPMENTS), date=st.sampled_from(DATES))
    def move_shipment(self, number: str, date: str) -> None:
        if number not in self.model.shipped:
            return
        lines = self.model.shipped[number]["lines"]
        result = self.ora.record_shipment(number, date, [{"sku": text(s, l), "quantity": q} for (s, l), q in lines.items()])
        assert result["status"] == ("unchanged" if self.model.shipped[number]["date"] == date else "updated")
        self.model.shipped[number]["date"] = date

    @rule(number=st.sampled_from(SHIPMENTS), date=st.sampled_from(DATES))
    def refused_shipment(self, number: str, date: str) -> None:
        with pytest.raises(OraError) as refused:
            self.ora.record_shipment(number, date, [{"sku": "1001", "quantity": 1}, {"sku": "9999 - 1", "quantity": 2}])
        assert refused.value.code == -32001

    @rule(date=st.sampled_from(DATES), data=st.data())
    def reconcile(self, date: str, data: st.DataObject) -> None:
        """ShipStation's truth for a day: what the model holds there, with one shipment's
        quantities changed or the shipment gone (inbox orders shipped that day stay as they are)."""
        on_day = sorted(n for n, o in self.model.shipped.items() if o["date"] == date)
        truth = {n: dict(self.model.shipped[n]["lines"]) for n in on_day}
        changeable = [n for n in on_day if n in SHIPMENTS]
        if changeable:
            victim = data.draw(st.sampled_from(changeable))
            if data.draw(st.booleans()):
                del truth[victim]
            else:
                key = data.draw(st.sampled_from(sorted(truth[victim], key=str)))
                truth[victim][key] = data.draw(st.integers(1, 9))
        shipments = [{"orderNumber": n, "shipDate": date, "voided": False,
                      "shipmentItems": [{"sku": text(s, l), "quantity": q} for (s, l), q in lines.items()]}
                     for n, lines in truth.items()]
        result = self.ora.reconcile_date(date, shipments, apply=True)
        assert result["manualIntervention"] == []
        for n in on_day:
            if n in truth:
                self.model.shipped[n]["lines"] = truth[n]
            else:
                del self.model.shipped[n]

    # -- the orders inbox -----------------------------------------------------------------------
    def expanded(self, items: list) -> list[tuple[str, str | None, int]]:
        lines: list[tuple[str, str | None, int]] = []
        for sku, lot, qty in items:
            parts = [(s, None, q * qty) for s, q in BUNDLE[sku]] if sku in BUNDLE else [(sku, lot, qty)]
            for s, l, q in parts:
                for i, (s2, l2, q2) in enumerate(lines):
                    if (s2, l2) == (s, l):
                        lines[i] = (s, l, q2 + q)
                        break
                else:
                    lines.append((s, l, q))
        return lines

    @rule(number=st.sampled_from(ORDERS), date=st.sampled_from(DATES), items=order_items)
    def import_order(self, number: str, date: str, items: list) -> None:
        if number in self.model.retired or number in self.model.shipped:
            return
        content = (date, tuple(sorted(self._content(items).items(), key=str)))
        current = self.model.inbox.get(number)
        call = lambda: self.ora.import_order(number, date, [{"sku": text(s, l), "quantity": q} for s, l, q in items])  # noqa: E731
        if current is not None and current["status"] != "pending" and current["content"] != content:
            with pytest.raises(OraError) as refused:
                call()
            assert refused.value.code == -32020
            return
        result = call()
        for s, l, _ in items:
            if l is not None:
                self.model.lot(s, l)
        if current is not None and current["content"] == content:
            assert result["status"] == "unchanged"
            return
        assert result["status"] == ("created" if current is None else "updated")
        self.model.inbox[number] = {"status": "pending", "date": date, "content": content, "lines": self.expanded(items), "alloc": None}

    @staticmethod
    def _content(items: list) -> dict:
        merged: dict = {}
        for s, l, q in items:
            merged[(s, l)] = merged.get((s, l), 0) + q
        return merged

    def _check_allocation(self, number: str, call) -> bool:
        order = self.model.inbox[number]
        if order["alloc"] is not None:
            result = call()
            return True
        predicted, short = self.model.allocate(order["lines"])
        if short is not None:
            with pytest.raises(OraError) as refused:
                call()
            assert refused.value.code == -32021, refused.value
            assert refused.value.data["short"] == short, (refused.value.data["short"], short)
            return False
        result = call()
        order["alloc"] = predicted
        return result

    @rule(number=st.sampled_from(ORDERS), date=st.sampled_from(DATES), items=order_items)
    def import_and_allocate(self, number: str, date: str, items: list) -> None:
        """What the upload command does with a fresh order: import, then allocate at once."""
        self.import_order(number, date, items)
        self.allocate(number)

    @rule(number=st.sampled_from(ORDERS))
    def allocate(self, number: str) -> None:
        order = self.model.inbox.get(number)
        if order is None or order["status"] not in ("pending", "uploaded"):
            return
        before = order["alloc"]
        result = self._check_allocation(number, lambda: self.ora.allocate_order(number))
        if result is not False:
            got = [(i["skuCode"], i["lotNumber"], i["quantity"]) for i in self.ora.allocate_order(number)["items"]]
            assert got == order["alloc"], (got, order["alloc"], before)

    @rule(number=st.sampled_from(ORDERS))
    def upload(self, number: str) -> None:
        order = self.model.inbox.get(number)
        if order is None or order["status"] not in ("pending", "uploaded"):
            return
        if self._check_allocation(number, lambda: self.ora.mark_uploaded(number, f"ss-{number}")) is not False:
            order["status"] = "uploaded"

    @rule(number=st.sampled_from(ORDERS))
    def cancel(self, number: str) -> None:
        order = self.model.inbox.get(number)
        if order is None or order["status"] == "shipped":
            return
        assert self.ora.cancel_order(number)["orderStatus"] == "cancelled"
        order["status"] = "cancelled"

    @rule(number=st.sampled_from(ORDERS), date=st.sampled_from(DATES))
    def ship_inbox_order(self, number: str, date: str) -> None:
        """The daily run records an open inbox order as ShipStation shipped it: its allocated lines."""
        order = self.model.inbox.get(number)
        if order is None or order["status"] not in ("pending", "uploaded") or order["alloc"] is None:
            return
        self.ora.record_shipment(number, date, [{"sku": text(s, l), "quantity": q} for s, l, q in order["alloc"]])
        merged: dict = {}
        for s, l, q in order["alloc"]:
            merged[(s, l)] = merged.get((s, l), 0) + q
        self.model.shipped[number] = {"date": date, "lines": merged}
        order["status"] = "shipped"

    @rule()
    def purge(self) -> None:
        cutoff = (TODAY + datetime.timedelta(days=1)).isoformat()
        result = self.ora.purge_orders(cutoff, apply=True)
        gone = sorted(n for n, o in self.model.inbox.items() if o["status"] in ("shipped", "cancelled"))
        assert sorted(result["orderNumbers"]) == gone
        for n in gone:
            del self.model.inbox[n]
            self.model.retired.add(n)

    # -- what must always hold ------------------------------------------------------------------
    @invariant()
    def agrees(self) -> None:
        if not hasattr(self, "ora"):
            return
        m = self.model
        inventory = {s["skuCode"]: s for s in self.ora.lot_inventory()}
        summary = {s["skuCode"]: s for s in self.ora.inbox_summary()["skus"]}
        for sku in TRACKED + [PLAIN]:
            lots = {l["lotNumber"]: l for l in inventory[sku]["lots"]}
            for (s, l), facts in m.lots.items():
                if s != sku:
                    continue
                assert lots[l]["remaining"] == m.remaining(s, l), (sku, l, lots[l], m.remaining(s, l))
                trace = self.ora.lot_trace(s, l)
                assert trace["shipped"] == m.shipped_units(s, l)
                assert trace["remaining"] == m.remaining(s, l)
                by_order: dict = {}
                for n, o in m.inbox.items():
                    if o["status"] in ("pending", "uploaded") and o["alloc"]:
                        units = sum(q for s2, l2, q in o["alloc"] if (s2, l2) == (s, l))
                        if units:
                            by_order[n] = units
                assert {a["orderNumber"]: a["quantity"] for a in trace["allocatedTo"]} == by_order
                if facts["initial"] is not None:
                    assert self.ora.inventory_ledger(s, l)["closing"] == m.remaining(s, l)
            assert inventory[sku]["remaining"] == m.sku_remaining(sku), (sku, inventory[sku], m.sku_remaining(sku))
            promised = sum(m.allocated_units(sku, l) for s, l in m.lots if s == sku)
            open_units = {"pending": 0, "uploaded": 0}
            for o in m.inbox.values():
                if o["status"] in open_units:
                    open_units[o["status"]] += sum(q for s, _, q in (o["alloc"] or o["lines"]) if s == sku)
            row = summary[sku]
            assert (row["pendingUnits"], row["uploadedUnits"], row["allocatedUnits"], row["onHand"], row["available"]) == \
                (open_units["pending"], open_units["uploaded"], promised, m.sku_remaining(sku), m.sku_remaining(sku) - promised), (sku, row)
        counts = self.ora.inbox_summary()["orders"]
        for status in ("pending", "uploaded", "shipped", "cancelled"):
            assert counts[status] == sum(1 for o in m.inbox.values() if o["status"] == status)
        assert {k["skuCode"]: k["reorderPoint"] for k in self.ora.list_skus()} == m.reorder
        errors = [c for c in self.ora.validate()["checks"] if c["status"] == "error"]
        assert errors == []


class _Tmp:
    def mkdtemp(self) -> str:
        import tempfile
        return tempfile.mkdtemp(prefix="ora-model-")


TMP = _Tmp()
EXAMPLES = int(os.environ.get("ORA_PROPERTY_EXAMPLES", "50"))
Accounting.TestCase.settings = settings(max_examples=EXAMPLES, stateful_step_count=30, deadline=None,
                                        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_accounting_agrees_with_the_model = Accounting.TestCase
