"""ora-cleanup [--older-than-days N] [--apply]: inbox orders shipped or cancelled more than N days
ago (order date before today - N; default 90) purged with purgeOrders. A dry run unless --apply;
open orders and shipped items are never touched.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence

from .. import cli
from . import common


#: The run journal keeps 90 days (OPERATIONS.md).
RUNS_KEPT_DAYS = 90


def build() -> argparse.ArgumentParser:
    p = common.parser("ora-cleanup", __doc__, shipstation=False)
    p.add_argument("--older-than-days", type=cli.int_in(0, 36500), default=90, help="purge orders dated more than N days ago (default 90)")
    p.add_argument("--apply", action="store_true", help="really delete (default: dry run)")
    return p


def work(args: argparse.Namespace) -> common.Outcome:
    before = (cli.today(args) - datetime.timedelta(days=args.older_than_days)).isoformat()
    runs_before = (cli.today(args) - datetime.timedelta(days=RUNS_KEPT_DAYS)).isoformat()
    apply = args.apply and not args.dry_run
    with cli.ora_client(args) as ora:
        r = ora.purge_orders(before, apply=apply)
        runs = ora.purge_runs(runs_before, apply=apply)
    summary = (f"purged {r['count']} orders dated before {before} and {runs['count']} workflow runs started before {runs_before}" if r["applied"]
               else f"dry run: {r['count']} orders dated before {before} and {runs['count']} workflow runs started before {runs_before} "
                    "would be purged; run again with --apply")
    return common.Outcome(summary, dict(r, before=before, runs=runs["count"], runsBefore=runs_before,
                                        counts={"orders": r["count"], "runs": runs["count"]}), details=r["orderNumbers"][:50])


def main(argv: Sequence[str] | None = None) -> int:
    return common.run("ora-cleanup", build, work, argv)


if __name__ == "__main__":
    sys.exit(main())
