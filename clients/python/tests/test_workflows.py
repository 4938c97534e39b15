"""The nine workflow commands, run as cron runs them, against a spawned ora-server and a fake
ShipStation (fake_shipstation.py): paging, throttling, transient failures, dry runs, re-runs,
missing credentials, ORA down, and each rule of WORKFLOWS.md."""

import datetime
import fcntl
import json
import os
import signal
import sysconfig

import pytest

from conftest import COMMANDS, SAMPLE, TODAY, day
from ora_client import Client


def shipment(number, date, items, voided=False, sid=[0]):
    sid[0] += 1
    return {"shipmentId": sid[0], "orderNumber": number, "shipDate": date, "voided": voided,
            "shipmentItems": [{"sku": s, "quantity": q} for s, q in items]}


def test_every_command_has_help_and_is_installed(run):
    for command in COMMANDS:
        r = run(command, "--help")
        assert r.returncode == 0 and "usage:" in r.stdout, command
    # `pip install ./clients/python` (make test does it) puts them on PATH as console scripts.
    scripts = sysconfig.get_path("scripts")
    installed = [c for c in COMMANDS if os.path.exists(os.path.join(scripts, c))]
    if os.environ.get("ORA_REQUIRE_INSTALLED_COMMANDS"):
        assert installed == list(COMMANDS)


def test_configuration_and_reachability_exit_codes(run, seeded, shipstation):
    missing = run("ora-daily-shipments", ora=seeded, creds=False)
    assert missing.returncode == 2 and "SHIPSTATION_API_KEY" in missing.stderr
    down = run("ora-cleanup", "--ora", "127.0.0.1:1")
    assert down.returncode == 3 and "unreachable" in down.stderr
    gone = run("ora-daily-shipments", ora=seeded, env={"SHIPSTATION_URL": "http://127.0.0.1:1"})
    assert gone.returncode == 3
    bad = run("ora-weekly-report", "--timezone", "Mars/Olympus", ora=seeded)
    assert bad.returncode == 2


def test_daily_shipments_pages_skips_voids_sums_boxes(run, seeded, shipstation):
    with open(SAMPLE) as f:
        shipstation.shipments = json.load(f)["shipments"]
    dry = run("ora-daily-shipments", "--date", "2025-10-06", "--backfill", "--dry-run", ora=seeded)
    assert dry.returncode == 0 and "would be recorded" in dry.stdout
    with Client(seeded.address) as ora:
        assert ora.shipped_items(date="2025-10-06")["totalLines"] == 0
    # A throttled answer and a transient 503 are waited out and retried.
    shipstation.fail_next("GET", "/shipments", 429)
    shipstation.fail_next("GET", "/shipments", 503)
    r = run("ora-daily-shipments", "--date", "2025-10-06", "--backfill", "--json", ora=seeded)
    assert r.returncode == 1, r.stderr  # 100236 names an unknown SKU: refused, quarantined
    result = json.loads(r.stdout)
    # 100233's only label is voided: nothing to take back, it is unchanged.
    assert result["voided"] == 1 and result["counts"] == {"created": 4, "updated": 0, "unchanged": 1, "removed": 0}
    assert [x["orderNumber"] for x in result["refused"]] == ["100236"]
    pages = [q["page"] for m, p, q in shipstation.requests if p == "/shipments"]
    assert pages.count("1") >= 3 and "3" in pages  # small pages were all read, page 1 three times (429, 503, then served)
    with Client(seeded.address) as ora:
        assert ora.shipped_items(order_number="100234")["totalUnits"] == 3  # two boxes, one order
        assert ora.order_history("100231")[0]["source"] == "daily_processor"
    again = run("ora-daily-shipments", "--date", "2025-10-06", "--backfill", ora=seeded)
    assert "0 created, 0 updated, 5 unchanged, 0 removed (every label voided), 1 refused" in again.stdout


XML = """<?xml version="1.0" encoding="UTF-8"?>
<orders>
  <order number="X1" date="2025-10-06">
    <item sku="17612" quantity="2" unitPriceCents="1299"/>
    <item sku="B-PAIR" quantity="1"/>
  </order>
  <order number="X2" date="2025-10-07"><item sku="18795" quantity="3"/></order>
</orders>
"""


def test_import_xml(run, seeded, tmp_path):
    with Client(seeded.address) as ora:
        ora.upsert_bundle("B-PAIR", [("17612", 2), ("17904", 1)])
    good = tmp_path / "orders.xml"
    good.write_text(XML)
    assert run("ora-import-xml", str(good), "--dry-run", ora=seeded).returncode == 0
    with Client(seeded.address) as ora:
        assert ora.list_orders()["orders"] == []
    r = run("ora-import-xml", str(good), ora=seeded)
    assert r.returncode == 0 and "2 created" in r.stdout
    with Client(seeded.address) as ora:
        x1 = ora.list_orders(order_number="X1")["orders"][0]
        assert [(i["skuCode"], i["quantity"], i["bundleSku"]) for i in x1["items"]] == [("17612", 4, None), ("17904", 1, "B-PAIR")]
    assert "2 unchanged" in run("ora-import-xml", str(good), ora=seeded).stdout

    malformed = tmp_path / "bad.xml"
    malformed.write_text('<orders>\n  <order number="M1" date="2025-10-06">\n    <item sku="17612" quantity="1">\n</orders>\n')
    format_error = tmp_path / "format.xml"
    format_error.write_text('<orders>\n<order number="M2" date="2025-10-06">\n<item sku="17612"/>\n</order>\n</orders>\n')
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
                    '<orders><order number="&lol2;" date="2025-10-06"><item sku="17612" quantity="1"/></order></orders>\n')
    external = tmp_path / "external.xml"
    external.write_text('<?xml version="1.0"?>\n<!DOCTYPE orders [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<orders>&x;</orders>\n')
    r = run("ora-import-xml", str(malformed), str(format_error), str(bomb), str(external), "--json", ora=seeded)
    assert r.returncode == 1
    refused = {os.path.basename(f["file"]): f for f in json.loads(r.stdout)["refusedFiles"]}
    assert refused["bad.xml"]["line"] == 4 and "not well-formed" in refused["bad.xml"]["error"]
    assert refused["format.xml"]["line"] == 3 and "quantity" in refused["format.xml"]["error"]
    assert "hostile" in refused["bomb.xml"]["error"] and "hostile" in refused["external.xml"]["error"]
    with Client(seeded.address) as ora:
        assert sorted(o["orderNumber"] for o in ora.list_orders()["orders"]) == ["X1", "X2"]


def import_orders(address, orders):
    with Client(address) as ora:
        for number, items in orders:
            ora.import_order(number, "2025-10-06", [{"sku": s, "quantity": q, "unitPriceCents": 500} for s, q in items])


def test_upload_orders_allocates_uploads_and_skips_shortage(run, seeded, shipstation):
    import_orders(seeded.address, [("U1", [("17612", 2)]), ("U2", [("18795", 1)]), ("U3", [("17612", 5000)])])
    assert run("ora-upload-orders", "--dry-run", ora=seeded).returncode == 0 and not shipstation.orders
    r = run("ora-upload-orders", "--json", ora=seeded)
    assert r.returncode == 1  # U3 cannot be covered: skipped and reported
    result = json.loads(r.stdout)
    assert [u["orderNumber"] for u in result["uploaded"]] == ["U1", "U2"] and result["skipped"][0]["orderNumber"] == "U3"
    assert shipstation.orders["U1"]["items"] == [{"sku": "17612 - 250300", "quantity": 2, "name": "17612 - 250300", "unitPrice": 5.0}]
    assert shipstation.orders["U1"]["orderStatus"] == "awaiting_shipment" and shipstation.orders["U1"]["orderKey"] == "U1"
    with Client(seeded.address) as ora:
        assert {o["orderNumber"]: o["orderStatus"] for o in ora.iter_orders()} == {"U1": "uploaded", "U2": "uploaded", "U3": "pending"}
        assert ora.list_orders(order_number="U1")["orders"][0]["shipstationOrderId"] == str(shipstation.orders["U1"]["orderId"])
    again = run("ora-upload-orders", ora=seeded)
    assert again.returncode == 1 and "0 uploaded, 0 already in ShipStation, 1 skipped (stock)" in again.stdout and len(shipstation.orders) == 2


def test_upload_orders_survives_a_crash_between_shipstation_and_mark_uploaded(run, seeded, shipstation):
    import_orders(seeded.address, [(f"C{i:03d}", [("18795", 1)]) for i in range(101)])
    shipstation.on_create = lambda: seeded.stop(signal.SIGKILL)   # ORA dies right after ShipStation answered
    crashed = run("ora-upload-orders", "--json", ora=seeded)
    assert crashed.returncode == 3
    # Every order's fate is reported, also when the run ends early.
    fates = json.loads(crashed.stdout)["orders"]
    # ShipStation holds the first 100 (ORA could not be told), the 101st was never sent.
    assert [f["fate"] for f in fates] == ["in_shipstation_not_marked"] * 100 + ["not_reached"]
    assert len(shipstation.created) == 100
    shipstation.on_create = None
    seeded.start()
    r = run("ora-upload-orders", "--json", ora=seeded)
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads(r.stdout)
    # The 100 ShipStation holds are marked with its ids, not sent again; the 101st is sent.
    assert len(result["alreadyInShipStation"]) == 100 and [u["orderNumber"] for u in result["uploaded"]] == ["C100"]
    assert shipstation.created.count("C000") == 1 and len(shipstation.created) == 101 and len(shipstation.orders) == 101
    with Client(seeded.address) as ora:
        orders = list(ora.iter_orders())
        assert all(o["orderStatus"] == "uploaded" for o in orders)
        assert all(o["shipstationOrderId"] == str(shipstation.orders[o["orderNumber"]]["orderId"]) for o in orders)


def test_status_sync_cancels_records_and_reports_stale(run, seeded, shipstation):
    import_orders(seeded.address, [("S1", [("17612", 1)]), ("S2", [("17612", 2)]), ("S3", [("18795", 1)]), ("S4", [("18795", 1)])])
    with Client(seeded.address) as ora:
        for n in ("S1", "S2", "S3", "S4"):
            ora.mark_uploaded(n, "id-" + n)
    shipstation.add_order("S1", "cancelled", [], day())
    shipstation.add_order("S2", "shipped", [], day())
    shipstation.add_order("S3", "shipped", [], day())
    shipstation.add_order("S4", "shipped", [], day(-30))  # modified too long ago: not looked at
    shipstation.shipments = [shipment("S2", day(), [("17612 - 250300", 2)]), shipment("S3", "2024-01-02", [("18795", 1)])]
    assert run("ora-status-sync", "--dry-run", ora=seeded).returncode == 0
    with Client(seeded.address) as ora:
        assert {o["orderNumber"] for o in ora.iter_orders(status="uploaded")} == {"S1", "S2", "S3", "S4"}
    r = run("ora-status-sync", "--json", ora=seeded)
    assert r.returncode == 1  # S3's ship date is stale: reported, never forced
    result = json.loads(r.stdout)
    assert result["cancelled"] == ["S1"] and result["shipped"] == ["S2"]
    assert result["problems"][0]["orderNumber"] == "S3" and result["problems"][0]["reason"] == "stale_ship_date"
    with Client(seeded.address) as ora:
        statuses = {o["orderNumber"]: o["orderStatus"] for o in ora.iter_orders()}
        assert statuses == {"S1": "cancelled", "S2": "shipped", "S3": "uploaded", "S4": "uploaded"}
        assert ora.shipped_items(order_number="S2")["totalUnits"] == 2
        assert ora.inbox_summary()["skus"][0]["allocatedUnits"] == 0  # S1 released, S2 shipped


def test_manual_sync_records_orders_made_by_hand(run, seeded, shipstation):
    import_orders(seeded.address, [("IN1", [("18795", 1)])])
    shipstation.shipments = [shipment("IN1", day(), [("18795", 1)]), shipment("HAND1", day(), [("17904", 4)]),
                             shipment("OLD", day(-5), [("17904", 1)])]
    r = run("ora-manual-sync", "--json", ora=seeded)
    assert r.returncode == 0 and json.loads(r.stdout)["manual"] == ["HAND1"]
    with Client(seeded.address) as ora:
        assert ora.order_history("HAND1")[0]["source"] == "manual_sync"
        assert ora.shipped_items(order_number="IN1")["totalLines"] == 0
    assert "1 unchanged" in run("ora-manual-sync", ora=seeded).stdout


def test_reconcile_dry_run_then_apply(run, seeded, shipstation):
    with open(SAMPLE) as f:
        shipstation.shipments = json.load(f)["shipments"]
    dry = run("ora-reconcile", "--date", "2025-10-06", ora=seeded)
    assert dry.returncode == 1 and "missing" in dry.stdout and "dry run" in dry.stdout
    applied = run("ora-reconcile", "--date", "2025-10-06", "--apply", ora=seeded)
    assert "applied" in applied.stdout
    expected = sum(i["quantity"] for x in shipstation.shipments if x["orderNumber"] == "100231" for i in x["shipmentItems"])
    with Client(seeded.address) as ora:
        assert ora.shipped_items(order_number="100231")["totalUnits"] == expected
    again = run("ora-reconcile", "--date", "2025-10-06", "--json", ora=seeded)
    report = json.loads(again.stdout)
    assert not report["missing"] and not report["quantityFixed"]


def test_weekly_report_cleanup_and_units_refresh(run, seeded, shipstation, tmp_path):
    last_monday = TODAY - datetime.timedelta(days=TODAY.weekday() + 7)
    with Client(seeded.address) as ora:
        ora.record_shipment("W1", last_monday.isoformat(), [{"sku": "17612 - 250300", "quantity": 6}])
        ora.import_order("OLD1", "2025-01-02", [{"sku": "18795", "quantity": 1}])
        ora.cancel_order("OLD1")
        ora.import_order("UP1", "2025-10-06", [{"sku": "17612", "quantity": 3}])
        ora.mark_uploaded("UP1", "777")
    html_file, csv_file = tmp_path / "weekly.html", tmp_path / "weekly.csv"
    r = run("ora-weekly-report", "--weeks", "2", "--html", str(html_file), "--csv", str(csv_file), ora=seeded, creds=False)
    assert r.returncode == 0 and "6 units" in r.stdout
    page = html_file.read_text()
    assert "<svg" in page and "17612" in page and "http://" not in page and "https://" not in page
    assert f"{last_monday.isoformat()},17612,Product 17612,6" in csv_file.read_text()

    dry = run("ora-cleanup", "--older-than-days", "30", ora=seeded, creds=False)
    assert dry.returncode == 0 and "1 orders" in dry.stdout and "dry run" in dry.stdout
    assert "purged 1 orders" in run("ora-cleanup", "--older-than-days", "30", "--apply", ora=seeded, creds=False).stdout

    shipstation.add_order("UP1", "awaiting_shipment", [{"sku": "17612 - 250300", "quantity": 3}], day())
    agree = run("ora-units-refresh", ora=seeded)
    assert agree.returncode == 0 and "all agree" in agree.stdout
    shipstation.add_order("HANDMADE", "awaiting_shipment", [{"sku": "17612", "quantity": 2}], day())
    differ = run("ora-units-refresh", "--json", ora=seeded)
    assert differ.returncode == 1 and json.loads(differ.stdout)["differences"] == [{"skuCode": "17612", "shipstation": 5, "ora": 3, "difference": 2}]


def test_two_copies_never_overlap(run, seeded, tmp_path, monkeypatch):
    from ora_client.workflows.lock import lock_path
    monkeypatch.setenv("ORA_LOCK_DIR", str(tmp_path))
    with open(lock_path("ora-cleanup", seeded.address), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        r = run("ora-cleanup", "--apply", ora=seeded, creds=False)
    assert r.returncode == 0 and "another copy is running" in r.stdout
