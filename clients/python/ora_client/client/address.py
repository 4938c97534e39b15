"""Where ORA listens, and the token it may ask for."""

from __future__ import annotations

import os
import re
import socket
from typing import Any

DEFAULT_ADDRESS = "127.0.0.1:7420"


def resolve_address(address: str | None) -> str:
    """`address`, else $ORA_ADDRESS, else DEFAULT_ADDRESS."""
    return address or os.environ.get("ORA_ADDRESS") or DEFAULT_ADDRESS


def parse_address(address: str) -> tuple[socket.AddressFamily, Any]:
    """HOST:PORT ([::1]:PORT for IPv6) or unix:PATH, as socket family and connect() target."""
    if address.startswith("unix:"):
        if not address[5:]:
            raise ValueError(f"address must be HOST:PORT or unix:PATH, got {address!r}")
        return socket.AF_UNIX, address[5:]
    host, _, port = address.rpartition(":")
    if not host or not re.fullmatch(r"[0-9]{1,5}", port) or not 1 <= int(port) <= 65535 or "/" in host or " " in host:
        raise ValueError(f"address must be HOST:PORT (port 1 to 65535) or unix:PATH, got {address!r}")
    return socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET, (host.strip("[]"), int(port))


def read_token_file(path: str) -> str:
    """The token in `path` (for a server started with --token-file), stripped of whitespace."""
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def token_from_file_or_env(path: str | None) -> str | None:
    """The token in `path`, else in the file $ORA_TOKEN_FILE names; None when neither is given.
    OSError (its .filename says which file) when the file cannot be read."""
    path = path or os.environ.get("ORA_TOKEN_FILE")
    return read_token_file(path) if path else None
