"""ora-weekly-report [--weeks N] [--html FILE] [--csv FILE]: units shipped per SKU per week, for
the last N complete weeks (Monday to Sunday; default 4), from weeklyShipped. Optionally a
self-contained HTML page (inline SVG, nothing fetched) and a CSV file.
"""

from __future__ import annotations

import argparse
import csv
import html
import sys
from collections.abc import Sequence

from .. import cli, weekly
from ..client import types
from . import common


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-weekly-report", __doc__, writes=False, shipstation=False)
    p.add_argument("--weeks", type=cli.int_in(1, 52), default=4, help="complete weeks to show (default 4)")
    p.add_argument("--html", default=None, metavar="FILE", help="also write an HTML page with a chart")
    p.add_argument("--csv", default=None, metavar="FILE", help="also write a CSV file")
    return p


def page(weeks: list[types.ShippedWeek]) -> str:
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>Units shipped per week</title>",
             "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right}</style></head><body>",
             f"<h1>Units shipped per week, {html.escape(weeks[0]['weekStart'])} to {html.escape(weeks[-1]['weekEnd'])}</h1>"]
    for sku, bars in weekly.bars_by_sku(weeks):
        svg = "".join(f"<rect x='{10 + i * 60}' y='{110 - b['h']}' width='40' height='{b['h']}' fill='#36c'>"
                      f"<title>{html.escape(b['week'])}: {b['units']}</title></rect>"
                      f"<text x='{30 + i * 60}' y='125' font-size='10' text-anchor='middle'>{b['units']}</text>" for i, b in enumerate(bars))
        parts.append(f"<h2>SKU {html.escape(sku)}</h2><svg width='{20 + 60 * len(weeks)}' height='130' role='img'>{svg}</svg>")
    rows = "".join(f"<tr><td>{html.escape(w['weekStart'])}</td><td>{w['totalUnits']}</td></tr>" for w in weeks)
    parts.append(f"<table><tr><th>week</th><th>units</th></tr>{rows}</table></body></html>")
    return "".join(parts)


def work(args: argparse.Namespace) -> common.Outcome:
    if args.weeks < 1:
        raise cli.Usage("--weeks must be at least 1")
    start = weekly.first_week(cli.today(args), args.weeks)
    with cli.ora_client(args) as ora:
        weeks = ora.weekly_shipped(week_start=start.isoformat(), weeks=args.weeks)
    table = [f"{'WEEK':<10} {'SKU':<8} {'UNITS':>7}"]
    for w in weeks:
        for s in w["skus"]:
            table.append(f"{w['weekStart']:<10} {s['skuCode']:<8} {s['units']:>7}")
        table.append(f"{w['weekStart']:<10} {'total':<8} {w['totalUnits']:>7}")
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["week", "sku", "product", "units"])
            for w in weeks:
                for s in w["skus"]:
                    writer.writerow([w["weekStart"], s["skuCode"], s["productName"], s["units"]])
    if args.html:
        with open(args.html, "w", encoding="utf-8") as f:
            f.write(page(weeks))
    total = sum(w["totalUnits"] for w in weeks)
    summary = f"{args.weeks} weeks from {start.isoformat()}: {total} units" + "".join(f"; wrote {p}" for p in (args.csv, args.html) if p)
    return common.Outcome(summary, {"weekStart": start.isoformat(), "weeks": weeks}, details=table)


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-weekly-report", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
