#!/usr/bin/env python3
"""The Python-era baseline: what the old scripts did, writing shipments straight into SQLite.

The legacy schema (text-keyed, see shared/contract/LEGACY.md), WAL and synchronous=FULL, one
transaction per shipment (or --per-transaction N). Reads the same shipment stream as ORA's
variants (JSON lines of recordShipment params) and prints {"shipments", "seconds"} as JSON.
"""

import argparse
import json
import sqlite3
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--stream", required=True, help="JSON lines of recordShipment params")
    parser.add_argument("--per-transaction", type=int, default=1)
    args = parser.parse_args()

    shipments = [json.loads(line) for line in open(args.stream)]
    db = sqlite3.connect(args.database, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript("""
        CREATE TABLE IF NOT EXISTS shipped_orders (id INTEGER PRIMARY KEY, order_number TEXT, ship_date TEXT, created_at TEXT);
        CREATE TABLE IF NOT EXISTS shipped_items (id INTEGER PRIMARY KEY, ship_date TEXT, order_number TEXT, base_sku TEXT,
            sku_lot TEXT, quantity_shipped INTEGER, created_at TEXT);
        CREATE UNIQUE INDEX IF NOT EXISTS shipped_items_key ON shipped_items(order_number, base_sku, sku_lot);
        CREATE INDEX IF NOT EXISTS shipped_items_date ON shipped_items(ship_date);
    """)
    started = time.perf_counter()
    pending = 0
    for s in shipments:
        if pending == 0:
            db.execute("BEGIN")
        now = time.strftime("%Y-%m-%d %H:%M:%S")
        db.execute("INSERT INTO shipped_orders (order_number, ship_date, created_at) VALUES (?, ?, ?)",
                   (s["orderNumber"], s["shipDate"], now))
        for item in s["items"]:
            raw = item["sku"].strip()
            base = raw.split("-")[0].strip()
            db.execute("INSERT OR REPLACE INTO shipped_items (ship_date, order_number, base_sku, sku_lot, quantity_shipped, created_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)", (s["shipDate"], s["orderNumber"], base, raw if "-" in raw else "", item["quantity"], now))
        pending += 1
        if pending == args.per_transaction:
            db.execute("COMMIT")
            pending = 0
    if pending:
        db.execute("COMMIT")
    seconds = time.perf_counter() - started
    print(json.dumps({"shipments": len(shipments), "seconds": seconds}))


if __name__ == "__main__":
    main()
