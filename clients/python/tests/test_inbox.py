"""The orders inbox through the Python client: bundles, import, allocation, life cycle, purge."""

import pytest

from ora_client import Client, OraError


def test_inbox_round_trip(seeded):
    with Client(seeded.address) as ora:
        ora.upsert_lot("17612", "250301", received_date="2025-02-01", initial_qty=10)
        assert ora.upsert_bundle("B-PAIR", [("17612", 2), ("18795", 1)], name="Pair")["created"] is True
        assert ora.list_bundles()[0]["components"] == [{"skuCode": "17612", "quantity": 2}, {"skuCode": "18795", "quantity": 1}]
        r = ora.import_order("300001", "2025-10-06", [{"sku": "B-PAIR", "quantity": 2, "unitPriceCents": 1500}], source="test")
        assert (r["status"], r["orderStatus"]) == ("created", "pending")
        assert ora.import_order("300001", "2025-10-06", [{"sku": " B-PAIR ", "quantity": 2}])["status"] == "unchanged"
        allocation = ora.allocate_order("300001")
        assert [(i["sku"], i["quantity"]) for i in allocation["items"]] == [("17612 - 250300", 4), ("18795", 2)]
        assert ora.mark_uploaded("300001", 987654)["orderStatus"] == "uploaded"
        with pytest.raises(OraError) as e:
            ora.import_order("300001", "2025-10-06", [{"sku": "17612", "quantity": 1}])
        assert e.value.code == -32020 and e.value.data["status"] == "uploaded"
        summary = ora.inbox_summary()
        assert summary["orders"]["uploaded"] == 1
        widget = next(s for s in summary["skus"] if s["skuCode"] == "17612")
        assert (widget["allocatedUnits"], widget["onHand"], widget["available"]) == (4, 1010, 1006)
        ora.import_order("300002", "2025-10-05", [{"sku": "17612", "quantity": 1}])
        assert ora.cancel_order("300002", reason="duplicate")["orderStatus"] == "cancelled"
        assert [o["orderNumber"] for o in ora.iter_orders(status="cancelled")] == ["300002"]
        assert ora.purge_orders("2025-10-06") == {"count": 1, "orderNumbers": ["300002"], "applied": False}
        assert ora.purge_orders("2025-10-06", apply=True)["applied"] is True
        assert [o["orderNumber"] for o in ora.iter_orders()] == ["300001"]


def test_shortage_allocates_nothing(seeded):
    with Client(seeded.address) as ora:
        ora.import_order("300010", "2025-10-06", [{"sku": "17612", "quantity": 5000}])
        with pytest.raises(OraError) as e:
            ora.allocate_order("300010")
        assert e.value.code == -32021 and e.value.data["short"] == [{"skuCode": "17612", "wanted": 5000, "available": 1000}]
        with pytest.raises(OraError) as e:
            ora.cancel_order("nope")
        assert e.value.code == -32023
