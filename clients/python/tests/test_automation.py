"""The nine commands record their runs in ORA's journal and obey the pause switch (OPERATIONS.md):
every state automationStatus gives reached by real runs of the commands."""

import json
import os
import signal
import subprocess

from conftest import command_line, day
from ora_client import Client


def state(address, workflow):
    with Client(address) as ora:
        return next(w for w in ora.automation_status()["workflows"] if w["workflow"] == workflow)


def test_runs_are_recorded_with_their_outcome(run, seeded, shipstation):
    shipstation.ship("J1", day(-1), [("18795", 2)])
    assert run("ora-daily-shipments", "--date", day(-1), ora=seeded).returncode == 0
    daily = state(seeded.address, "ora-daily-shipments")
    assert daily["state"] == "ok" and daily["lastRun"]["exitStatus"] == 0 and daily["lastRun"]["counts"]["created"] == 1
    assert daily["lastRun"]["args"] == f"--date {day(-1)} --ora {seeded.address}" and daily["lastSuccessAt"]

    # A dry run is a run, never a success.
    assert run("ora-cleanup", "--dry-run", ora=seeded, creds=False).returncode == 0
    cleanup = state(seeded.address, "ora-cleanup")
    assert cleanup["lastRun"]["dryRun"] is True and cleanup["state"] == "late" and cleanup["lastSuccessAt"] is None

    # ShipStation failing: exit 3, recorded, failing.
    shipstation.fail_next("GET", "/shipments", 503, times=10)
    assert run("ora-manual-sync", ora=seeded).returncode == 3
    manual = state(seeded.address, "ora-manual-sync")
    assert manual["state"] == "failing" and manual["lastRun"]["exitStatus"] == 3 and "unreachable" in manual["lastRun"]["summary"]

    # Something for a person: exit 1, attention once there was a success.
    assert run("ora-units-refresh", ora=seeded).returncode == 0
    shipstation.add_order("HAND", "awaiting_shipment", [{"sku": "17612", "quantity": 2}], day())
    assert run("ora-units-refresh", ora=seeded).returncode == 1
    assert state(seeded.address, "ora-units-refresh")["state"] == "attention"

    # The journal keeps 90 days: ora-cleanup says how many runs it purges.
    r = run("ora-cleanup", "--apply", ora=seeded, creds=False)
    assert r.returncode == 0 and "0 workflow runs" in r.stdout


def test_a_run_killed_half_way_is_running_until_its_window_passes(tmp_path, seeded, shipstation):
    for i in range(3):
        shipstation.ship(f"K{i}", day(-1), [("18795", 1)])
    argv, env = command_line(tmp_path, shipstation, "ora-daily-shipments", "--date", day(-1), ora=seeded)
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    shipstation.between_pages = lambda path, query: os.kill(process.pid, signal.SIGKILL)
    process.wait(60)
    daily = state(seeded.address, "ora-daily-shipments")
    assert daily["state"] == "running" and daily["lastRun"]["finishedAt"] is None


def test_a_paused_command_touches_nothing(run, seeded, shipstation):
    with Client(seeded.address) as ora:
        ora.import_order("PZ1", "2025-10-06", [{"sku": "18795", "quantity": 1}])
        ora.pause_workflows("migrating the database", ["ora-upload-orders"])
    r = run("ora-upload-orders", "--json", ora=seeded)
    assert r.returncode == 0 and json.loads(r.stdout) == {"command": "ora-upload-orders", "paused": True, "reason": "migrating the database"}
    assert shipstation.requests == []
    with Client(seeded.address) as ora:
        assert ora.list_orders(order_number="PZ1")["orders"][0]["orderStatus"] == "pending"
        runs = ora.list_runs("ora-upload-orders")["runs"]
        assert runs[0]["summary"] == "paused: migrating the database" and runs[0]["exitStatus"] == 0
    assert state(seeded.address, "ora-upload-orders")["state"] == "paused"
    # Others run; all paused, none does; resumed, the upload goes.
    assert "paused" not in run("ora-cleanup", ora=seeded, creds=False).stdout
    with Client(seeded.address) as ora:
        ora.pause_workflows("restore drill")
    assert run("ora-cleanup", ora=seeded, creds=False).stdout.strip() == "ora-cleanup: paused: restore drill"
    with Client(seeded.address) as ora:
        ora.resume_workflows()
    r = run("ora-upload-orders", ora=seeded)
    assert r.returncode == 0 and "1 uploaded" in r.stdout
    assert state(seeded.address, "ora-upload-orders")["state"] == "ok"


def test_the_journal_never_fails_the_work(run, seeded, shipstation, tmp_path):
    """ORA unreachable: the command says so (exit 3); the journal only logs that it could not record."""
    r = run("ora-cleanup", "--ora", "127.0.0.1:1", creds=False)
    assert r.returncode == 3 and "run journal" in r.stderr and "Traceback" not in r.stderr
