"""ora-dashboard [--listen HOST:PORT]: serves the dashboard with waitress (a production WSGI server)."""

import argparse
import logging
import os
import sys

import waitress

from ..client import DEFAULT_ADDRESS, token_from_file_or_env
from . import create_app


def main(argv=None):
    p = argparse.ArgumentParser(prog="ora-dashboard", description=__doc__)
    p.add_argument("--listen", default="127.0.0.1:5000", help="HOST:PORT to serve on (default 127.0.0.1:5000)")
    p.add_argument("--ora", default=None, help="ORA address, HOST:PORT or unix:PATH (default: $ORA_ADDRESS, else 127.0.0.1:7420)")
    p.add_argument("--ora-token-file", default=None, help="file with ORA's token, when ORA asks for one (default: $ORA_TOKEN_FILE)")
    p.add_argument("--ora-tls", action="store_true", help="speak TLS to ORA (a server started with --tls-cert)")
    p.add_argument("--ora-ca", default=None, help="CA certificates (PEM) to verify ORA with (default: the system's); implies --ora-tls")
    p.add_argument("--timezone", default="America/Los_Angeles", help="IANA zone that decides today (default: ShipStation's)")
    p.add_argument("--threads", type=int, default=4, help="request threads (default 4)")
    args = p.parse_args(argv)
    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit():
        print(f"ora-dashboard: --listen must be HOST:PORT, got {args.listen}", file=sys.stderr)
        return 2
    try:
        token = token_from_file_or_env(args.ora_token_file)
    except OSError as e:
        print(f"ora-dashboard: cannot read {e.filename}: {e}", file=sys.stderr)
        return 2
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    address = args.ora or os.environ.get("ORA_ADDRESS") or DEFAULT_ADDRESS
    app = create_app(address, token=token, timezone=args.timezone, tls=args.ora_tls, cafile=args.ora_ca)
    logging.getLogger("ora.dashboard").info("ora-dashboard serving http://%s:%s/ (ORA at %s)", host, port, address)
    waitress.serve(app, host=host.strip("[]"), port=int(port), threads=args.threads, ident="ora-dashboard")
    return 0


if __name__ == "__main__":
    sys.exit(main())
