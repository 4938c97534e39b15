"""Spawns the real, built ora-server on a free port and a temp database for each test."""

import datetime
import os
import re
import signal
import subprocess
import sys
import threading
import zoneinfo

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SAMPLE = os.path.join(REPO, "samples", "shipstation-shipments-2025-10-06.json")


def server_binary():
    directory = os.environ.get("ORA_BIN_DIR") or os.path.join(REPO, ".build", "debug")
    path = os.path.join(directory, "ora-server")
    if not os.path.exists(path):
        pytest.fail(f"ora-server is not built at {path}: run `swift build` (or set ORA_BIN_DIR)")
    return path


class Server:
    def __init__(self, database, args=(), listen="127.0.0.1:0"):
        self.listen = listen
        self.database = database
        self.args = list(args)
        self.process = None
        self.port = None
        self.log = []

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [server_binary(), "--database", self.database, "--listen", self.listen, "--timezone", "UTC", *self.args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        found = threading.Event()

        def drain():
            for line in self.process.stderr:
                self.log.append(line)
                m = re.search(r"listen=127\.0\.0\.1:(\d+)", line)
                if m:
                    self.port = int(m.group(1))
                    found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(20):
            self.stop(signal.SIGKILL)
            pytest.fail("ora-server did not start: " + "".join(self.log))

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(30)
        return self.process.returncode


@pytest.fixture
def server(tmp_path):
    s = Server(str(tmp_path / "ora.db"))
    s.start()
    yield s
    s.stop(signal.SIGKILL)


@pytest.fixture
def seeded(server):
    from ora_client import Client
    with Client(server.address) as ora:
        for sku in ["17612", "18795", "17904", "17914", "18675"]:
            ora.upsert_sku(sku, f"Product {sku}")
        ora.upsert_lot("17612", "250300", received_date="2025-01-10", initial_qty=1000)
    return server


# --- the workflow commands, run as cron runs them, against a fake ShipStation ---

PACKAGE = os.path.abspath(os.path.join(HERE, ".."))
COMMANDS = {"ora-import-xml": "import_xml", "ora-upload-orders": "upload_orders", "ora-daily-shipments": "daily_shipments",
            "ora-status-sync": "status_sync", "ora-manual-sync": "manual_sync", "ora-reconcile": "reconcile",
            "ora-weekly-report": "weekly_report", "ora-cleanup": "cleanup", "ora-units-refresh": "units_refresh",
            "ora-health-check": "health_check"}
TODAY = datetime.datetime.now(zoneinfo.ZoneInfo("America/Los_Angeles")).date()


@pytest.fixture
def shipstation():
    from fake_shipstation import FakeShipStation
    fake = FakeShipStation()
    yield fake
    fake.close()


def command_line(tmp_path, shipstation, command, *args, ora=None, env=None, creds=True):
    """(argv, environment) of a workflow command as cron runs it, against the fake ShipStation."""
    full = dict(os.environ, PYTHONPATH=PACKAGE, ORA_LOCK_DIR=str(tmp_path))
    for k in ("SHIPSTATION_URL", "SHIPSTATION_API_KEY", "SHIPSTATION_API_SECRET", "ORA_ADDRESS", "ORA_TOKEN_FILE"):
        full.pop(k, None)
    if creds:
        full.update(shipstation.env())
    full.update(env or {})
    argv = [sys.executable, "-m", f"ora_client.workflows.{COMMANDS[command]}", *args]
    if ora:
        argv += ["--ora", ora.address]
    return argv, full


@pytest.fixture
def run(tmp_path, shipstation):
    def run(command, *args, ora=None, env=None, creds=True):
        argv, full = command_line(tmp_path, shipstation, command, *args, ora=ora, env=env, creds=creds)
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=full)
    return run


def day(offset=0):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()
