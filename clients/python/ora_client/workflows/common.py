"""What every workflow command shares: its options, logging, the lock that keeps two copies of a
command from overlapping, dates in ShipStation's zone, the summary or --json, and exit statuses.

Exit status: 0 done; 1 done but something needs a person; 2 usage or configuration; 3 ORA or
ShipStation unreachable after retries.
"""

import argparse
import datetime
import fcntl
import json
import logging
import os
import sys
import tempfile
import zoneinfo

from ..client import Client, OraError, TransportError, token_from_file_or_env
from ..shipstation import MissingCredentials, ShipStation, ShipStationError, ShipStationUnavailable

DONE, ATTENTION, USAGE, UNREACHABLE = 0, 1, 2, 3
log = logging.getLogger("ora.workflows")


class Usage(Exception):
    """A bad option or configuration (exit status 2)."""


class Outcome:
    """What a command did: a line a person reads, the whole result for --json, and whether a
    person needs to look."""

    def __init__(self, summary, result, attention=False, details=()):
        self.summary = summary
        self.result = result
        self.attention = attention
        self.details = list(details)


def parser(name, description, writes=True, shipstation=True):
    p = argparse.ArgumentParser(prog=name, description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ora", default=None, help="ORA address, HOST:PORT or unix:PATH (default: $ORA_ADDRESS, else 127.0.0.1:7420)")
    p.add_argument("--ora-token-file", default=None, help="file with ORA's token (default: $ORA_TOKEN_FILE)")
    p.add_argument("--ora-tls", action="store_true", help="speak TLS to ORA (a server started with --tls-cert)")
    p.add_argument("--ora-ca", default=None, help="CA certificates (PEM) to verify ORA with (default: the system's); implies --ora-tls")
    if shipstation:
        p.add_argument("--shipstation-url", default=None, help="ShipStation API base URL (default: $SHIPSTATION_URL, else https://ssapi.shipstation.com)")
    if writes:
        p.add_argument("--dry-run", action="store_true", help="show what would happen; change nothing")
    p.add_argument("--timezone", default="America/Los_Angeles", help="IANA zone that decides today and default dates (ShipStation's: America/Los_Angeles)")
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    p.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR (logs go to stderr)")
    return p


def today(args):
    return datetime.datetime.now(zone(args)).date()


def zone(args):
    try:
        return zoneinfo.ZoneInfo(args.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
        raise Usage(f"--timezone {args.timezone} is not an IANA time zone") from e


def date_arg(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from e


def ora(args):
    try:
        token = token_from_file_or_env(args.ora_token_file)
    except OSError as e:
        raise Usage(f"cannot read the ORA token file {e.filename}: {e}") from e
    return Client(args.ora, token=token, tls=args.ora_tls, cafile=args.ora_ca)


def shipstation(args):
    return ShipStation(base_url=args.shipstation_url)


class _Lock:
    """An exclusive lock per command (and ORA address), so cron never runs two copies at once."""

    def __init__(self, name, args):
        where = os.environ.get("ORA_LOCK_DIR") or os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
        target = (args.ora or os.environ.get("ORA_ADDRESS") or "default").replace("/", "_").replace(":", "_")
        self.path = os.path.join(where, f"{name}-{target}.lock")
        self.fd = None

    def acquire(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            os.close(self.fd)
            self.fd = None
            return False

    def release(self):
        if self.fd is not None:
            os.close(self.fd)


def run(name, build_parser, work, argv=None):
    """Parses options, takes the command's lock, runs `work(args)` and turns what happened into
    output and an exit status."""
    p = build_parser()
    args = p.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, str(args.log_level).upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    lock = _Lock(name, args)
    if not lock.acquire():
        log.warning("another %s is running (lock %s); this one does nothing", name, lock.path)
        print(f"{name}: another copy is running; nothing done")
        return DONE
    try:
        outcome = work(args)
    except Usage as e:
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


def group_shipments(shipments):
    """{orderNumber: (shipDate, items)} of the shipments that count: voided labels skipped, an
    order's boxes summed (ORA adds lines of the same SKU and lot), the latest box's date."""
    orders = {}
    for s in shipments:
        if s.get("voided"):
            continue
        number = s.get("orderNumber")
        if not number:
            continue
        date = (s.get("shipDate") or "")[:10]
        items = [{"sku": i.get("sku") or "", "quantity": i["quantity"]} for i in (s.get("shipmentItems") or []) if i.get("quantity")]
        if number in orders:
            prior_date, prior_items = orders[number]
            date, items = max(prior_date, date), prior_items + items
        orders[number] = (date, items)
    return orders


def record_orders(ora, orders, source, dry_run, backfill=False):
    """recordShipment for each grouped order; returns (counts, refused [(number, error)], calls)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    refused = []
    calls = [("recordShipment", {"orderNumber": n, "shipDate": d, "items": items, "backfill": backfill, "source": source})
             for n, (d, items) in orders.items() if items]
    if dry_run or not calls:
        return counts, refused, calls
    for (_, params), result in zip(calls, ora.call_many(calls, raise_errors=False)):
        if isinstance(result, TransportError):
            raise result
        if isinstance(result, OraError):
            refused.append((params["orderNumber"], result))
        else:
            counts[result["status"]] += 1
    return counts, refused, calls
