"""What every command line of the package shares (the nine workflows and ora-dashboard): how ORA is
reached (--ora, --ora-token-file, --ora-tls, --ora-ca), the business time zone, logging to
stderr, and the usage error that exits with status 2.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import re
import sys
import zoneinfo
from collections.abc import Callable

from .client import Client, token_from_file_or_env
from .client.address import parse_address, resolve_address

#: Exit status for a bad option or configuration.
USAGE = 2


class Usage(Exception):
    """A bad option or configuration (exit status 2)."""


def add_ora_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ora", default=None, help="ORA address, HOST:PORT or unix:PATH (default: $ORA_ADDRESS, else 127.0.0.1:7420)")
    p.add_argument("--ora-token-file", default=None, help="file with ORA's token, when ORA asks for one (default: $ORA_TOKEN_FILE)")
    p.add_argument("--ora-tls", action="store_true", help="speak TLS to ORA (a server started with --tls-cert)")
    p.add_argument("--ora-ca", default=None, help="CA certificates (PEM) to verify ORA with (default: the system's); implies --ora-tls")


def add_timezone_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--timezone", default="America/Los_Angeles",
                   help="IANA zone that decides today and default dates (ShipStation's: America/Los_Angeles)")


def ora_token(args: argparse.Namespace) -> str | None:
    """The token --ora-token-file (or $ORA_TOKEN_FILE) holds; Usage when it cannot be read."""
    try:
        return token_from_file_or_env(args.ora_token_file)
    except OSError as e:
        raise Usage(f"cannot read the ORA token file {e.filename}: {e}") from e


def ora_client(args: argparse.Namespace, timeout: float = 30.0, reconnect: bool = True) -> Client:
    """A client for the ORA the options name (not yet connected); Usage for an address that is
    not HOST:PORT or unix:PATH."""
    address = resolve_address(args.ora)
    try:
        parse_address(address)
    except ValueError as e:
        raise Usage(f"--ora: {e}") from None
    return Client(address, timeout=timeout, token=ora_token(args), tls=args.ora_tls, cafile=args.ora_ca, reconnect=reconnect)


def zone(args: argparse.Namespace) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(args.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
        raise Usage(f"--timezone {args.timezone} is not an IANA time zone") from e


def today(args: argparse.Namespace) -> datetime.date:
    return datetime.datetime.now(zone(args)).date()


def parse_date(text: str) -> datetime.date | None:
    """A real calendar date written exactly YYYY-MM-DD (ASCII digits); None otherwise
    (fromisoformat alone also takes 20251006 and 2025-W41-1)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def date_arg(text: str) -> datetime.date:
    """An argparse type: a date YYYY-MM-DD, from 1970 to 2999 (days before and after it are
    counted from it)."""
    date = parse_date(text)
    if date is None or not 1970 <= date.year <= 2999:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD from 1970 to 2999")
    return date


def int_in(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`."""
    def parse(text: str) -> int:
        if not re.fullmatch(r"[+-]?[0-9]+", text.strip()) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from {low} to {high}")
        return int(text)
    return parse


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
