"""How long ora-daily-shipments takes on a busy day, and how many requests it makes.

A spawned ora-server (the built one), the test suite's fake ShipStation with ShipStation's real
limit simulated by its headers (40 requests a minute by default), one day of --day shipments in
ShipStation's full shape and --per-day shipments on each of the 30 days before. The baseline is
the same day run with --lookback-days 0 (no window) in the same run; the ratio says what reading
the window costs. ORA's share is the time the command spent in ORA's calls.

    python3 clients/python/bench/daily_shipments.py [--day 2000] [--per-day 200] [--limit 40]
"""

import argparse
import copy
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import conftest  # noqa: E402  (the tests' server and command helpers)
from fake_shipstation import FakeShipStation  # noqa: E402
from ora_client import Client  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--day", type=int, default=2000, help="shipments on the day (default 2000)")
    p.add_argument("--per-day", type=int, default=200, help="shipments on each of the 30 days before (default 200)")
    p.add_argument("--limit", type=int, default=40, help="ShipStation requests a minute (default 40)")
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="ora-bench-daily-")
    server = conftest.Server(os.path.join(work, "ora.db"))
    server.start()
    fake = FakeShipStation(page_size=500, limit=args.limit, window=60.0)
    try:
        with Client(server.address) as ora:
            ora.upsert_sku("17612", "Widget")
            ora.upsert_sku("18795", "Gadget")
            ora.upsert_lot("17612", "250300", received_date="2025-01-10", initial_qty=10_000_000)
        with open(conftest.SAMPLE) as f:
            template = json.load(f)["shipments"][0]
        day = conftest.TODAY - datetime.timedelta(days=1)
        sid = 0

        def add(number, date, n_boxes=1):
            nonlocal sid
            for _ in range(n_boxes):
                sid += 1
                s = copy.deepcopy(template)
                s.update(shipmentId=sid, orderId=sid, orderNumber=number, shipDate=date.isoformat(), voided=False,
                         createDate=f"{date.isoformat()}T09:{sid // 60 % 60:02d}:{sid % 60:02d}.0000000")
                s["shipmentItems"] = [dict(s["shipmentItems"][0], sku="17612 - 250300", quantity=1), dict(s["shipmentItems"][1], sku="18795", quantity=2)]
                fake.shipments.append(s)

        for i in range(args.day):
            add(f"D{i:05d}", day)
        for back in range(1, 31):
            for i in range(args.per_day):
                # every tenth order of the day had its first box on an earlier day
                add(f"D{(back * args.per_day + i) % args.day:05d}" if i % 10 == 0 else f"E{back:02d}{i:05d}", day - datetime.timedelta(days=back))

        def run(lookback):
            fake.requests.clear()
            argv, env = conftest.command_line(work, fake, "ora-daily-shipments", "--date", day.isoformat(), "--lookback-days", str(lookback), "--json", ora=server)
            began = time.monotonic()
            r = subprocess.run(argv, env=env, capture_output=True, text=True)
            wall = time.monotonic() - began
            if r.returncode != 0:
                sys.exit(f"exit {r.returncode}: {r.stderr[-2000:]}")
            return json.loads(r.stdout), wall

        baseline, base_wall = run(0)
        with Client(server.address) as ora:  # measure the window run from an empty day again
            for i in range(0, args.day, 500):
                ora.call_many([("removeShipment", {"orderNumber": f"D{j:05d}"}) for j in range(i, min(i + 500, args.day))])
        result, wall = run(30)
        print(f"day of {args.day} shipments, {args.per_day}/day on the 30 days before, ShipStation limit {args.limit}/min")
        for name, r, w in (("lookback 0 (baseline)", baseline, base_wall), ("lookback 30", result, wall)):
            print(f"  {name:22} requests {r['shipstationRequests']:4}  lookups {r['lookups']:3}  wall {w:7.2f} s  "
                  f"rate-limit waits {r['rateLimitWaitSeconds']:6.1f} s  ORA {r['oraSeconds']:6.2f} s ({100 * r['oraSeconds'] / w:4.1f} %)  "
                  f"orders {r['orders']} {r['counts']}")
        print(f"  ratio lookback 30 / baseline: wall {wall / base_wall:.2f}x, requests {result['shipstationRequests'] / baseline['shipstationRequests']:.2f}x")
    finally:
        fake.close()
        server.stop()


if __name__ == "__main__":
    main()
