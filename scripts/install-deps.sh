#!/usr/bin/env bash
# Installs the system packages ORA builds and tests with, only those that are missing.
#   libuv1-dev, libsqlite3-dev   the C foundations the server links
#   pkg-config                   how SwiftPM finds them
#   sqlite3                      the shell the tests use to damage files behind the server's back
#   python3-pip / pytest         the Python client's tests (pytest from PyPI if the system has none)
set -euo pipefail

packages=(libuv1-dev libsqlite3-dev pkg-config sqlite3)
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

if [ "${1:-}" = "--test" ] && ! python3 -c 'import pytest' 2>/dev/null; then
  echo "installing: pytest" >&2
  python3 -m pip install -q pytest
fi
