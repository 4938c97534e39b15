#!/usr/bin/env python3
"""Nightly health check: runs ORA's validate and exits 1 when any check is in error.

Warnings (overdrawn lots, lots not yet received, quarantined requests) are printed but do not fail.
"""

import argparse
import sys

from _common import add_address
from ora_client import Client


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="full integrity_check (slower) instead of quick_check")
    add_address(parser)
    args = parser.parse_args(argv)

    with Client(args.address, timeout=600) as ora:
        result = ora.validate(full=args.full)
    for check in result["checks"]:
        mark = {"ok": "ok  ", "warning": "warn", "error": "FAIL"}[check["status"]]
        print(f"{mark}  {check['name']:<18} {check['message']}")
        if check["status"] != "ok":
            for sample in check["samples"]:
                print(f"        {sample}")
    print("healthy" if result["ok"] else "NOT healthy")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
