"""The example workflows, run as a person would run them, against a real server."""

import os
import subprocess
import sys

from conftest import SAMPLE
from ora_client import Client

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")


def run(script, *args, stdin=None):
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_every_example_has_help():
    for script in ["daily_processor.py", "reconcile.py", "health_check.py"]:
        r = run(script, "--help")
        assert r.returncode == 0 and "usage:" in r.stdout


def test_daily_processor_records_the_sample_page(seeded):
    r = run("daily_processor.py", SAMPLE, "--backfill", "--address", seeded.address)
    # 6 orders count (the voided label is skipped; 100234 in two boxes is one order); 100236 has an unknown SKU.
    assert r.returncode == 1, r.stderr
    assert "6 orders: 5 created, 0 updated, 0 unchanged, 1 refused" in r.stdout
    assert "100236" in r.stderr and "unknown_sku" in r.stderr
    with Client(seeded.address) as ora:
        assert ora.shipped_items(order_number="100234")["totalUnits"] == 3
        assert ora.shipped_items(order_number="099871")["items"][0]["shipDate"] == "2024-04-16"
    again = run("daily_processor.py", SAMPLE, "--backfill", "--address", seeded.address)
    assert "0 created, 0 updated, 5 unchanged, 1 refused" in again.stdout


def test_daily_processor_reads_stdin(seeded):
    with open(SAMPLE) as f:
        r = run("daily_processor.py", "--backfill", "--address", seeded.address, stdin=f.read())
    assert "5 created" in r.stdout


def test_reconcile_dry_run_then_apply(seeded):
    with Client(seeded.address) as ora:
        ora.record_shipment("100231", "2025-10-06", [{"sku": "17612 - 250300", "quantity": 9}], backfill=True)
        ora.record_shipment("GHOST", "2025-10-06", [{"sku": "18795", "quantity": 1}], backfill=True)
    dry = run("reconcile.py", "--date", "2025-10-06", "--shipments", SAMPLE, "--address", seeded.address)
    assert "quantity  100231" in dry.stdout and "removed   GHOST" in dry.stdout and "dry run" in dry.stdout
    assert dry.returncode == 1  # 100236 needs a person
    applied = run("reconcile.py", "--date", "2025-10-06", "--shipments", SAMPLE, "--apply", "--address", seeded.address)
    assert "applied" in applied.stdout
    with Client(seeded.address) as ora:
        assert ora.shipped_items(date="2025-10-06")["totalUnits"] == 13


def test_health_check_exit_status(seeded):
    ok = run("health_check.py", "--address", seeded.address)
    assert ok.returncode == 0 and "healthy" in ok.stdout
    seeded.stop()
    import sqlite3
    db = sqlite3.connect(seeded.database)
    db.execute("DROP INDEX shipped_orders_ship_date")
    db.commit()
    db.close()
    seeded.start()
    bad = run("health_check.py", "--full", "--address", seeded.address)
    assert bad.returncode == 1 and "FAIL  indexes" in bad.stdout
