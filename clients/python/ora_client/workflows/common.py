"""What every workflow command shares beyond the package's command-line helper (ora_client.cli):
its options, the lock that keeps two copies of a command from overlapping, the summary or --json,
exit statuses. (Turning ShipStation's shipments into what ORA holds is shipped.py.)

Exit status: 0 done; 1 done but something needs a person; 2 usage or configuration; 3 ORA or
ShipStation unreachable after retries.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .. import cli
from ..client import Client, ClientError, JSONObject, OraError, TransportError
from .lock import Lock, lock_dir
from ..shipstation import ShipStation, ShipStationConfigError, ShipStationError, ShipStationUnavailable

DONE, ATTENTION, USAGE, UNREACHABLE = 0, 1, cli.USAGE, 3
log = logging.getLogger("ora.workflows")


class Outcome:
    """What a command did: a line a person reads, the whole result for --json, and whether a
    person needs to look."""

    def __init__(self, summary: str, result: Any, attention: bool = False, details: Iterable[str] = ()) -> None:
        self.summary = summary
        self.result = result
        self.attention = attention
        self.details = list(details)


def parser(name: str, description: str | None, writes: bool = True, shipstation: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=name, description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_ora_options(p)
    if shipstation:
        p.add_argument("--shipstation-url", default=None, help="ShipStation API base URL (default: $SHIPSTATION_URL, else https://ssapi.shipstation.com)")
    if writes:
        p.add_argument("--dry-run", action="store_true", help="show what would happen; change nothing")
    cli.add_timezone_option(p)
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    p.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR (logs go to stderr)")
    return p


def shipstation(args: argparse.Namespace) -> ShipStation:
    return ShipStation(base_url=args.shipstation_url)


#: ORA's answer to a call made without a token it accepts.
UNAUTHORIZED = -32010


#: ORA calls sent in one pipeline at a time (a pipeline's requests are encoded before any is sent).
CHUNK = 500


def pipelined(ora: Client, calls: Sequence[tuple[str, JSONObject]], raise_errors: bool = False) -> list[Any]:
    """Each call's result, in order, in pipelines of CHUNK calls; a refused call's entry is its
    OraError (raised with raise_errors). A lost connection raises TransportError."""
    results: list[Any] = []
    for i in range(0, len(calls), CHUNK):
        results += ora.call_many(calls[i:i + CHUNK], raise_errors=raise_errors)
    return results


def event_dates(ora: Client, numbers: Sequence[str], action: str, newest: bool = True) -> dict[str, datetime.date]:
    """{orderNumber: the date (UTC) of its newest, or first, `action` event} from the orders'
    histories, read in pipelined calls."""
    dates: dict[str, datetime.date] = {}
    histories = pipelined(ora, [("orderHistory", {"orderNumber": n}) for n in numbers], raise_errors=True)
    for number, history in zip(numbers, histories):
        found = [e["at"][:10] for e in history["events"] if e["action"] == action]
        if found:
            dates[number] = datetime.date.fromisoformat(max(found) if newest else min(found))
    return dates


class Stopped(Exception):
    """The run stopped part way (ORA or ShipStation unreachable: exit 3; ShipStation refusing the
    credentials: exit 2): what was done so far is still reported (`outcome`)."""

    def __init__(self, outcome: Outcome, cause: Exception) -> None:
        super().__init__(str(cause))
        self.outcome = outcome
        self.cause = cause
        self.status = USAGE if isinstance(cause, ShipStationConfigError) else UNREACHABLE


class Journal:
    """This run in ORA's run journal (OPERATIONS.md), and the pause switch. Best effort: a journal
    that cannot be written is logged, never the reason a command fails its own work."""

    def __init__(self, name: str, args: argparse.Namespace, argv: Sequence[str]) -> None:
        self.name, self.args = name, args
        self.argv = " ".join(argv)[:1000]
        self.run_id: int | None = None

    def start(self) -> str | None:
        """Records the start; returns the pause's reason when this workflow is paused."""
        try:
            with cli.ora_client(self.args, timeout=10, reconnect=False) as ora:
                status = ora.automation_status()
                mine = next((w for w in status["workflows"] if w["workflow"] == self.name), None)
                self.run_id = ora.start_run(self.name, args=self.argv, dry_run=bool(getattr(self.args, "dry_run", False)))["runId"]
                if mine is not None and mine["paused"]:
                    return mine["pausedReason"] or "paused"
        except (ClientError, cli.Usage) as e:
            log.warning("the run journal cannot record this run: %s", e)
        return None

    def finish(self, status: int, summary: str, counts: dict[str, int]) -> None:
        if self.run_id is None:
            return
        try:
            with cli.ora_client(self.args, timeout=10, reconnect=False) as ora:
                ora.finish_run(self.run_id, status, summary[:10_000], counts)
        except (ClientError, cli.Usage) as e:
            log.warning("the run journal cannot record how this run ended: %s", e)


def counts_of(result: Any) -> dict[str, int]:
    """The flat integer counts of a command's result, for the journal."""
    counts = result.get("counts") if isinstance(result, dict) else None
    return {k: v for k, v in (counts or {}).items() if isinstance(v, int) and not isinstance(v, bool)}


def run(name: str, build_parser: Callable[[], argparse.ArgumentParser], work: Callable[[argparse.Namespace], Outcome],
        argv: Sequence[str] | None = None) -> int:
    """Parses options, takes the command's lock, runs `work(args)` and turns what happened into
    output and an exit status (WORKFLOWS.md, "Exit status, for cron")."""
    p = build_parser()
    given = list(sys.argv[1:] if argv is None else argv)
    args = p.parse_args(given)
    cli.setup_logging(str(args.log_level))

    def fail(status: int, message: str) -> int:
        print(f"{name}: {message}", file=sys.stderr)
        return status

    try:
        lock = Lock(name, args.ora)
        if not lock.acquire():
            log.warning("another %s is running (lock %s); this one does nothing", name, lock.path)
            if args.json:
                print(json.dumps({"command": name, "skipped": True, "reason": "another copy is running", "lock": lock.path}, indent=2))
            else:
                print(f"{name}: another copy is running; nothing done")
            return DONE
    except ValueError as e:
        return fail(USAGE, f"--ora: {e}")
    except OSError as e:
        return fail(USAGE, f"cannot take the lock in {lock_dir()}: {e} (set ORA_LOCK_DIR to a folder this user can write)")
    status = DONE
    journal = Journal(name, args, given)
    try:
        cli.zone(args)  # a bad --timezone is refused even when --date makes today unneeded
        reason = journal.start()
        if reason is not None:
            # Paused for maintenance: touch neither ShipStation nor ORA's data.
            summary = f"paused: {reason}"
            journal.finish(DONE, summary, {})
            print(json.dumps({"command": name, "paused": True, "reason": reason}, indent=2) if args.json else f"{name}: {summary}")
            return DONE
        outcome = work(args)
    except cli.Usage as e:
        return journal_fail(journal, USAGE, name, str(e))
    except ShipStationConfigError as e:
        return journal_fail(journal, USAGE, name, str(e))
    except Stopped as e:
        outcome, status = e.outcome, e.status
        print(f"{name}: stopped early: {e.cause}", file=sys.stderr)
    except (TransportError, ShipStationUnavailable) as e:
        return journal_fail(journal, UNREACHABLE, name, f"unreachable: {e}")
    except OraError as e:
        if e.code == UNAUTHORIZED:
            return journal_fail(journal, USAGE, name, f"ORA refused the token ({e.message}): check --ora-token-file or $ORA_TOKEN_FILE")
        return journal_fail(journal, ATTENTION, name, str(e))
    except ShipStationError as e:
        return journal_fail(journal, ATTENTION, name, str(e))
    finally:
        lock.release()
    if status == DONE and outcome.attention:
        status = ATTENTION
    journal.finish(status, outcome.summary, counts_of(outcome.result))
    if args.json:
        print(json.dumps(outcome.result, indent=2, sort_keys=True, default=str))
    else:
        print(outcome.summary)
        for line in outcome.details:
            print("  " + line)
    return status


def journal_fail(journal: Journal, status: int, name: str, message: str) -> int:
    """A run that ended in an error: said on stderr, and in the journal."""
    print(f"{name}: {message}", file=sys.stderr)
    journal.finish(status, message, {})
    return status
