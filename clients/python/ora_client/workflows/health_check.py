"""ora-health-check: one check that says whether ORA and its workflows are healthy, and alerts.

Unhealthy when any of: ORA unreachable; validate has an error; replication configured and not
running, or lagging past --max-lag seconds; a workflow failing or late; orders stuck uploaded;
open allocations a lot can no longer cover; the last ora-units-refresh run found a difference;
and, with --reconcile-days N (ShipStation's credentials needed), any of the last N complete days
whose reconciliation dry run finds a difference. Exit 0 healthy, 1 unhealthy, 2 configuration,
3 ORA unreachable.

Alerts (every --alert-email and --alert-webhook) go out when the set of problems changes, and
again every --remind-hours while unhealthy; what was last alerted is kept in --state-file, so
this holds while ORA is down too. E-mail: $ORA_SMTP_URL (smtp://user:password@host:port, STARTTLS
when offered; smtps:// for TLS from the start) and $ORA_ALERT_FROM. Webhook: a JSON POST of
{"text", "healthy", "problems"}. --heartbeat-url U: GET U after a healthy run, U/fail after an
unhealthy one. A failing alert channel is reported and makes the exit status at least 1; it never
hides the health result.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import smtplib
import ssl
import sys
import time
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlparse

import requests

from .. import cli
from ..client import Client, TransportError
from ..shipstation import ShipStationConfigError, ShipStationError, ShipStationUnavailable
from . import common, reconcile

log = logging.getLogger("ora.health")

#: validate's checks that make ORA unhealthy even as warnings: orders stuck uploaded, and open
#: allocations a lot can no longer cover.
WARNINGS_THAT_COUNT = ("stuck_uploaded", "allocation_exceeds_stock")


def default_state_file() -> str:
    base = os.environ.get("STATE_DIRECTORY") or os.path.join(os.path.expanduser("~"), ".local", "state", "ora")
    return os.path.join(base.split(":")[0], "health.json")


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-health-check", __doc__, writes=False)
    p.add_argument("--max-lag", type=cli.int_in(1, 86_400), default=30, help="replication lag allowed, seconds (default 30)")
    p.add_argument("--reconcile-days", type=cli.int_in(0, 31), default=0,
                   help="also reconcile (dry run) each of the last N complete days against ShipStation (default 0: off)")
    p.add_argument("--alert-email", action="append", default=[], metavar="ADDR", help="e-mail an alert here (repeat for more)")
    p.add_argument("--alert-webhook", action="append", default=[], metavar="URL", help="POST an alert here (repeat for more)")
    p.add_argument("--heartbeat-url", default=None, help="GET this after a healthy run, URL/fail after an unhealthy one")
    p.add_argument("--remind-hours", type=cli.int_in(1, 8760), default=24, help="alert again while unhealthy after this long (default 24)")
    p.add_argument("--state-file", default=None, help="what was last alerted (default $STATE_DIRECTORY/health.json, else ~/.local/state/ora/health.json)")
    return p


def problem(key: str, text: str) -> dict[str, str]:
    """A problem: `key` says which (compared between runs), `text` what a person reads."""
    return {"key": key, "text": text}


def replication_problems(status: Any, max_lag: int) -> list[dict[str, str]]:
    """What `status` says is wrong with replication (nothing when it is not configured)."""
    replication = status.get("replication")
    if not isinstance(replication, dict):
        return []
    if not replication.get("running"):
        return [problem("replication:stopped", f"replication is not running: {replication.get('lastError') or 'stopped'}")]
    if (replication.get("lagSeconds") or 0) > max_lag:
        return [problem("replication:lag", f"replication is {replication['lagSeconds']} s behind (more than {max_lag} s)")]
    return []


def ora_problems(ora: Client, max_lag: int) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for check in ora.validate()["checks"]:
        if check["status"] == "error" or (check["name"] in WARNINGS_THAT_COUNT and check["status"] != "ok"):
            found.append(problem(f"validate:{check['name']}", f"validate {check['name']}: {check['message']}"
                                 + (f" ({', '.join(map(str, check['samples'][:3]))})" if check["samples"] else "")))
    found += replication_problems(ora.status(), max_lag)
    for w in ora.automation_status()["workflows"]:
        if w["state"] in ("failing", "late"):
            last = w["lastRun"]
            found.append(problem(f"workflow:{w['workflow']}:{w['state']}", f"{w['workflow']} is {w['state']}"
                                 + (f": last run exited {last['exitStatus']}: {last['summary']}" if last and last["exitStatus"] is not None else "")
                                 + (f" (last success {w['lastSuccessAt']})" if w["lastSuccessAt"] else " (never succeeded)")))
    refresh = ora.list_runs("ora-units-refresh", limit=1)["runs"]
    if refresh and refresh[0]["exitStatus"] == 1:
        found.append(problem("units-refresh", f"the last ora-units-refresh found a difference: {refresh[0]['summary']}"))
    return found


def reconcile_problems(args: argparse.Namespace, ora: Client) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    ss = common.shipstation(args)
    today = cli.today(args)
    for back in range(1, args.reconcile_days + 1):
        day = today - datetime.timedelta(days=back)
        report = reconcile.reconcile_day(ss, ora, day, 30, today, apply=False)
        if reconcile.differs(report) or report["manualIntervention"]:
            counts = {"missing": len(report["missing"]), "quantityFixed": len(report["quantityFixed"]), "dateFixed": len(report["dateFixed"]),
                      "removed": len(report["removed"]), "manualIntervention": len(report["manualIntervention"])}
            found.append(problem(f"reconcile:{day.isoformat()}", f"{day.isoformat()} differs from ShipStation: "
                                 + ", ".join(f"{n} {k}" for k, n in counts.items() if n) + f" (ora-reconcile --date {day.isoformat()})"))
    return found


class Alerts:
    """What was last alerted, kept in a file, and the channels an alert goes to."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.path = args.state_file or default_state_file()
        try:
            with open(self.path) as f:
                self.last: dict[str, Any] = json.load(f)
        except (OSError, ValueError):
            self.last = {}

    def due(self, keys: list[str], now: float) -> bool:
        """An alert is due when the problems changed, or while unhealthy after --remind-hours."""
        if sorted(self.last.get("problems", [])) != sorted(keys):
            return bool(keys) or "problems" in self.last
        return bool(keys) and now - float(self.last.get("at", 0)) >= self.args.remind_hours * 3600

    def send(self, text: str, healthy: bool, problems: list[dict[str, str]]) -> list[str]:
        """Every channel; returns the failures, one line each."""
        failures: list[str] = []
        for url in self.args.alert_webhook:
            try:
                r = requests.post(url, json={"text": text, "healthy": healthy, "problems": [p["text"] for p in problems]}, timeout=15)
                r.raise_for_status()
            except requests.RequestException as e:
                failures.append(f"webhook {url}: {e}")
        if self.args.alert_email:
            try:
                send_mail(self.args.alert_email, ("ORA healthy again" if healthy else "ORA unhealthy: " + problems[0]["text"])[:200], text)
            except (OSError, smtplib.SMTPException, ValueError) as e:
                failures.append(f"e-mail to {', '.join(self.args.alert_email)}: {e}")
        return failures

    def remember(self, keys: list[str], now: float) -> str | None:
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                json.dump({"problems": sorted(keys), "at": now}, f)
            os.replace(tmp, self.path)
            return None
        except OSError as e:
            return f"cannot keep the alert state in {self.path}: {e}"


def send_mail(to: list[str], subject: str, body: str) -> None:
    """Over $ORA_SMTP_URL: smtp://user:password@host:port (STARTTLS when offered) or smtps://."""
    url = urlparse(os.environ.get("ORA_SMTP_URL") or "")
    sender = os.environ.get("ORA_ALERT_FROM")
    if url.scheme not in ("smtp", "smtps") or not url.hostname or not sender:
        raise ValueError("set ORA_SMTP_URL (smtp://user:password@host:port) and ORA_ALERT_FROM to send e-mail")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(to), subject
    message.set_content(body)
    context = ssl.create_default_context()
    if url.scheme == "smtps":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=30, context=context)
    else:
        smtp = smtplib.SMTP(url.hostname, url.port or 25, timeout=30)
    with smtp:
        smtp.ehlo()
        if url.scheme == "smtp" and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def work(args: argparse.Namespace) -> common.Outcome:
    problems: list[dict[str, str]] = []
    unreachable: Exception | None = None
    try:
        with cli.ora_client(args, timeout=60) as ora:
            problems += ora_problems(ora, args.max_lag)
            if args.reconcile_days:
                try:
                    problems += reconcile_problems(args, ora)
                except ShipStationUnavailable as e:
                    problems.append(problem("shipstation", f"ShipStation unreachable, the reconciliation was not done: {e}"))
                except ShipStationError as e:
                    problems.append(problem("shipstation", f"ShipStation refused the reconciliation's reads: {e}"))
    except TransportError as e:
        unreachable = e
        problems.append(problem("ora:unreachable", f"ORA unreachable: {e}"))
    except ShipStationConfigError:
        raise
    healthy = not problems
    now = time.time()
    text = ("ORA is healthy." if healthy else "ORA is unhealthy:\n" + "\n".join(f"- {p['text']}" for p in problems))
    alerts = Alerts(args)
    keys = [p["key"] for p in problems]
    channel_failures: list[str] = []
    alerted = False
    if (args.alert_email or args.alert_webhook) and alerts.due(keys, now):
        channel_failures = alerts.send(text, healthy, problems)
        alerted = not channel_failures
        if alerted:
            failure = alerts.remember(keys, now)
            if failure:
                channel_failures.append(failure)
    if args.heartbeat_url:
        try:
            requests.get(args.heartbeat_url.rstrip("/") + ("" if healthy else "/fail"), timeout=15).raise_for_status()
        except requests.RequestException as e:
            channel_failures.append(f"heartbeat {args.heartbeat_url}: {e}")
    summary = ("healthy" if healthy else f"unhealthy: {len(problems)} problem(s)") + (f"; {len(channel_failures)} alert channel(s) failed" if channel_failures else "")
    result = {"healthy": healthy, "problems": problems, "alerted": alerted, "alertFailures": channel_failures,
              "counts": {"problems": len(problems), "alertFailures": len(channel_failures)}}
    outcome = common.Outcome(summary, result, attention=not healthy or bool(channel_failures),
                             details=[p["text"] for p in problems] + [f"alert failed: {f}" for f in channel_failures])
    if unreachable is not None:
        raise common.Stopped(outcome, unreachable)
    return outcome


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-health-check", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
