"""Shared bits of the example scripts: the address flag and reading ShipStation JSON."""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def add_address(parser):
    parser.add_argument("--address", default=None,
                        help="ora-server address, HOST:PORT or unix:PATH (default: $ORA_ADDRESS, else 127.0.0.1:7420)")


def read_shipments(path):
    """ShipStation's GET /shipments response ({shipments:[...], page, pages}) or a bare list; '-' is stdin."""
    document = json.load(sys.stdin if path == "-" else open(path, encoding="utf-8"))
    if isinstance(document, dict):
        document = document.get("shipments")
    if not isinstance(document, list):
        raise SystemExit(f"{path}: expected ShipStation's shipments response or a list of shipments")
    return document
