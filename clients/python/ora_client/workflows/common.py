"""What every workflow command shares beyond the package's command-line helper (ora_client.cli):
its options, the lock that keeps two copies of a command from overlapping, the summary or --json,
exit statuses. (Turning ShipStation's shipments into what ORA holds is shipped.py.)

Exit status: 0 done; 1 done but something needs a person; 2 usage or configuration; 3 ORA or
ShipStation unreachable after retries.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .. import cli
from ..client import OraError, TransportError
from ..shipstation import MissingCredentials, ShipStation, ShipStationError, ShipStationUnavailable

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


class _Lock:
    """An exclusive lock per command (and ORA address), so cron never runs two copies at once."""

    def __init__(self, name: str, args: argparse.Namespace) -> None:
        where = os.environ.get("ORA_LOCK_DIR") or os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
        target = (args.ora or os.environ.get("ORA_ADDRESS") or "default").replace("/", "_").replace(":", "_")
        self.path = os.path.join(where, f"{name}-{target}.lock")
        self.fd: int | None = None

    def acquire(self) -> bool:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            os.close(self.fd)
            self.fd = None
            return False

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)


def run(name: str, build_parser: Callable[[], argparse.ArgumentParser], work: Callable[[argparse.Namespace], Outcome],
        argv: Sequence[str] | None = None) -> int:
    """Parses options, takes the command's lock, runs `work(args)` and turns what happened into
    output and an exit status."""
    p = build_parser()
    args = p.parse_args(argv)
    cli.setup_logging(str(args.log_level))
    lock = _Lock(name, args)
    if not lock.acquire():
        log.warning("another %s is running (lock %s); this one does nothing", name, lock.path)
        print(f"{name}: another copy is running; nothing done")
        return DONE
    try:
        outcome = work(args)
    except cli.Usage as e:
        print(f"{name}: {e}", file=sys.stderr)
        return USAGE
    except MissingCredentials as e:
        print(f"{name}: {e}", file=sys.stderr)
        return USAGE
    except (TransportError, ShipStationUnavailable) as e:
        print(f"{name}: unreachable: {e}", file=sys.stderr)
        return UNREACHABLE
    except (OraError, ShipStationError) as e:
        print(f"{name}: {e}", file=sys.stderr)
        return ATTENTION
    finally:
        lock.release()
    if args.json:
        print(json.dumps(outcome.result, indent=2, sort_keys=True, default=str))
    else:
        print(outcome.summary)
        for line in outcome.details:
            print("  " + line)
    return ATTENTION if outcome.attention else DONE
