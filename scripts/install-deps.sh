#!/usr/bin/env bash
# Installs the system packages ORA builds and tests with, only those that are missing.
#   libuv1-dev, libsqlite3-dev   the C foundations the server links
#   pkg-config                   how SwiftPM finds them
#   sqlite3                      the shell the tests use to damage files behind the server's back
#   pytest, jsonschema, openrpc  the Python client's and the protocol document's tests (from PyPI)
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

if [ "${1:-}" = "--test" ]; then
  wanted=()
  for module in pytest jsonschema openrpc; do
    python3 -c "import $module" 2>/dev/null || wanted+=("$module")
  done
  if [ ${#wanted[@]} -gt 0 ]; then
    echo "installing from PyPI: ${wanted[*]}" >&2
    python3 -m pip install -q --root-user-action=ignore "${wanted[@]}"
  fi
fi
