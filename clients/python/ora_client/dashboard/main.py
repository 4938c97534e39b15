"""ora-dashboard [--listen HOST:PORT]: serves the dashboard with waitress (a production WSGI server)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import waitress

from .. import cli
from ..client import resolve_address
from . import create_app


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="ora-dashboard", description=__doc__)
    p.add_argument("--listen", default="127.0.0.1:5000", help="HOST:PORT to serve on (default 127.0.0.1:5000)")
    cli.add_ora_options(p)
    cli.add_timezone_option(p)
    p.add_argument("--threads", type=int, default=4, help="request threads (default 4)")
    p.add_argument("--max-lag", type=cli.int_in(1, 86_400), default=30, help="replication lag /readyz allows, seconds (default 30)")
    args = p.parse_args(argv)
    host, _, port = args.listen.rpartition(":")
    try:
        if not host or not port.isdigit():
            raise cli.Usage(f"--listen must be HOST:PORT, got {args.listen}")
        token = cli.ora_token(args)
        cli.zone(args)
    except cli.Usage as e:
        print(f"ora-dashboard: {e}", file=sys.stderr)
        return cli.USAGE
    cli.setup_logging()
    address = resolve_address(args.ora)
    app = create_app(address, token=token, timezone=args.timezone, tls=args.ora_tls, cafile=args.ora_ca, max_lag=args.max_lag)
    logging.getLogger("ora.dashboard").info("ora-dashboard serving http://%s:%s/ (ORA at %s)", host, port, address)
    waitress.serve(app, host=host.strip("[]"), port=int(port), threads=args.threads, ident="ora-dashboard")
    return 0


if __name__ == "__main__":
    sys.exit(main())
