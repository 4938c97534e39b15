"""The stock ledger through the Python client: adjustments, counts, the statement, a lot's trace."""

import datetime

import pytest

from ora_client import Client, OraError

TODAY = datetime.datetime.now(datetime.timezone.utc).date()


def day(offset):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


def test_ledger_balances_and_trace(seeded):
    with Client(seeded.address) as ora:
        ora.upsert_lot("17612", "250500", received_date=day(-20), initial_qty=100)
        ora.record_shipment("P1", day(-10), [{"sku": "17612 - 250500", "quantity": 15}])
        assert ora.adjust_inventory("17612", -5, "damage", lot_number="250500", date=day(-8), note="wet")["remaining"] == 80
        count = ora.count_inventory("17612", "250500", 72, date=day(-1))
        assert (count["expected"], count["adjustment"]) == (80, -8)
        again = ora.count_inventory("17612", "250500", 72)
        assert again["adjustment"] == 0 and again["entryId"] is None

        ledger = ora.inventory_ledger("17612", lot_number="250500")
        assert [(e["kind"], e["quantity"], e["balance"]) for e in ledger["entries"]] == [
            ("receipt", 100, 100), ("shipped", -15, 85), ("adjustment", -5, 80), ("adjustment", -8, 72)]
        assert ledger["closing"] == 72
        window = ora.inventory_ledger("17612", lot_number="250500", date_from=day(-9), date_to=day(-2))
        assert (window["opening"], window["closing"], len(window["entries"])) == (85, 80, 1)

        lot = next(l for l in ora.lot_inventory("17612")[0]["lots"] if l["lotNumber"] == "250500")
        assert (lot["remaining"], lot["adjustments"]) == (72, -13)
        trace = ora.lot_trace("17612", "250500")
        assert trace["orders"] == [{"orderNumber": "P1", "shipDate": day(-10), "quantity": 15}] and trace["remaining"] == 72


def test_ledger_refusals(seeded):
    with Client(seeded.address) as ora:
        for kwargs, field in [({"quantity": 0, "reason": "damage"}, "/quantity"),
                              ({"quantity": 3, "reason": "theft"}, "/reason"),
                              ({"quantity": 3, "reason": "return", "lot_number": "404"}, "/lotNumber")]:
            with pytest.raises(OraError) as e:
                ora.adjust_inventory("17612", **kwargs)
            assert e.value.code == -32602 and e.value.data["field"] == field
        assert ora.inventory_ledger("17612", lot_number="250300")["closing"] == 1000
