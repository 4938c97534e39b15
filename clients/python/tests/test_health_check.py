"""ora-health-check against the spawned server, a local SMTP server (aiosmtpd) and a local webhook
and heartbeat receiver: one alert when the health changes, none on the next run, a reminder after
the interval, an alert when ORA is down, heartbeat and /fail pings, and a failing alert channel
that never hides the health result (OPERATIONS.md)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import day
from ora_client import Client


class Receiver:
    """Webhook POSTs and heartbeat GETs, as they arrive; `fail` makes every answer a 500."""

    def __init__(self):
        self.posts, self.gets, self.fail = [], [], False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self):
                self.send_response(500 if receiver.fail else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                receiver.posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.reply()

            def do_GET(self):
                receiver.gets.append(self.path)
                self.reply()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
            return "250 OK"

    import socket
    with socket.socket() as probe:   # a free port (aiosmtpd checks its own with a connection, so not port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    yield inbox
    controller.stop()


def check(run, seeded, receiver, smtp, tmp_path, *extra, ora=True):
    args = ["--alert-webhook", receiver.url + "/hook", "--alert-email", "ops@example.com", "--heartbeat-url", receiver.url + "/ping",
            "--state-file", str(tmp_path / "health.json"), "--json", *extra]
    r = run("ora-health-check", *args, ora=seeded if ora else None, creds=False,
            env={"ORA_SMTP_URL": smtp.url, "ORA_ALERT_FROM": "ora@example.com"})
    return r.returncode, (json.loads(r.stdout) if r.stdout.startswith("{") else r.stdout), r.stderr


def failing_run(address, workflow, exit_status):
    with Client(address) as ora:
        run_id = ora.start_run(workflow)["runId"]
        ora.finish_run(run_id, exit_status, f"exited {exit_status}")


def test_alerts_on_changes_reminders_and_heartbeats(run, seeded, receiver, smtp, tmp_path):
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path)
    assert status == 0 and result["healthy"] is True and result["alerted"] is False
    assert receiver.gets == ["/ping"] and receiver.posts == [] and smtp.messages == []

    failing_run(seeded.address, "ora-daily-shipments", 3)
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path)
    assert status == 1 and result["alerted"] is True
    assert [p["key"] for p in result["problems"]] == ["workflow:ora-daily-shipments:failing"]
    assert receiver.posts[-1]["healthy"] is False and "ora-daily-shipments is failing" in receiver.posts[-1]["text"]
    assert receiver.gets[-1] == "/ping/fail"
    assert len(smtp.messages) == 1 and smtp.messages[0][0] == ["ops@example.com"] and "Subject: ORA unhealthy" in smtp.messages[0][1]

    # The same problems again: no alert.
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path)
    assert status == 1 and result["alerted"] is False and len(receiver.posts) == 1 and len(smtp.messages) == 1
    # Another problem appears: an alert.
    failing_run(seeded.address, "ora-units-refresh", 1)
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path)
    assert result["alerted"] is True and {p["key"] for p in result["problems"]} >= {"units-refresh"} and len(receiver.posts) == 2
    # Still unhealthy after --remind-hours: a reminder.
    state = json.loads((tmp_path / "health.json").read_text())
    state["at"] -= 25 * 3600
    (tmp_path / "health.json").write_text(json.dumps(state))
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path)
    assert result["alerted"] is True and len(receiver.posts) == 3
    # Healthy again: one alert saying so, then silence.
    failing_run(seeded.address, "ora-daily-shipments", 0)
    failing_run(seeded.address, "ora-units-refresh", 0)
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path)
    assert status == 0 and result["alerted"] is True and receiver.posts[-1]["healthy"] is True and receiver.gets[-1] == "/ping"
    assert "Subject: ORA healthy again" in smtp.messages[-1][1]
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path)
    assert status == 0 and result["alerted"] is False and len(receiver.posts) == 4
    # Its own runs are in the journal.
    with Client(seeded.address) as ora:
        assert [r["exitStatus"] for r in ora.list_runs("ora-health-check")["runs"]] == [0, 0, 1, 1, 1, 1, 0]


def test_ora_down_is_alerted_and_exit_3(run, seeded, receiver, smtp, tmp_path):
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path, "--ora", "127.0.0.1:1", ora=False)
    assert status == 3 and result["problems"][0]["key"] == "ora:unreachable" and result["alerted"] is True
    assert receiver.posts[-1]["healthy"] is False and receiver.gets[-1] == "/ping/fail"
    # Still down: no second alert (the state file holds what was said while ORA is away).
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path, "--ora", "127.0.0.1:1", ora=False)
    assert status == 3 and result["alerted"] is False and len(receiver.posts) == 1


def test_a_failing_channel_never_hides_the_health(run, seeded, receiver, smtp, tmp_path):
    receiver.fail = True
    failing_run(seeded.address, "ora-cleanup", 2)
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path)
    assert status == 1 and result["healthy"] is False and result["alerted"] is False
    assert any("webhook" in f for f in result["alertFailures"]) and any("heartbeat" in f for f in result["alertFailures"])
    assert len(smtp.messages) == 1   # the other channel still went
    # Not remembered as alerted: the next run tries again.
    receiver.fail = False
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path)
    assert result["alerted"] is True
    # Healthy, but the heartbeat fails: exit 1, the health still says healthy.
    failing_run(seeded.address, "ora-cleanup", 0)
    receiver.fail = True
    status, result, _ = check(run, seeded, receiver, smtp, tmp_path)
    assert status == 1 and result["healthy"] is True


def test_validate_errors_and_reconciliation(run, seeded, receiver, smtp, tmp_path, shipstation):
    import sqlite3
    shipstation.ship("GONE", day(-1), [("18795", 2)])      # ShipStation shipped it, ORA never recorded it
    r = run("ora-health-check", "--reconcile-days", "2", "--json", "--state-file", str(tmp_path / "h.json"), ora=seeded)
    problems = json.loads(r.stdout)["problems"]
    assert r.returncode == 1 and [p["key"] for p in problems] == [f"reconcile:{day(-1)}"] and "1 missing" in problems[0]["text"]
    assert run("ora-daily-shipments", "--date", day(-1), ora=seeded).returncode == 0
    r = run("ora-health-check", "--reconcile-days", "2", "--json", "--state-file", str(tmp_path / "h.json"), ora=seeded)
    assert r.returncode == 0, r.stdout
    seeded.stop()
    db = sqlite3.connect(seeded.database)
    db.execute("DROP INDEX shipped_orders_ship_date")
    db.commit()
    db.close()
    seeded.start()
    r = run("ora-health-check", "--json", "--state-file", str(tmp_path / "h.json"), ora=seeded, creds=False)
    assert r.returncode == 1 and "validate:indexes" in [p["key"] for p in json.loads(r.stdout)["problems"]]
