#!/usr/bin/env bash
# The README's first command: install Gamestorm into .venv and start the board.
#
# Works on a fresh Debian or Ubuntu, whose python3 refuses `pip install` outside a venv
# ("externally managed environment"): installs python3-venv with apt-get (sudo when not
# root) only if `python3 -m venv` fails, creates .venv if missing, installs this folder
# into it, then runs `gamestorm serve` with the arguments given (e.g. --host 0.0.0.0).
# GAMESTORM_PORT, GAMESTORM_HOST, GAMESTORM_PUBLIC_URL set the port, address and link.
set -euo pipefail
cd "$(dirname "$0")"

venv_works() { [ -x .venv/bin/python ] && .venv/bin/python -m pip --version >/dev/null 2>&1; }

if ! venv_works; then
  rm -rf .venv
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    echo "serve.sh: python3 -m venv failed; installing python3-venv with apt-get" >&2
    rm -rf .venv
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends python3-venv
    python3 -m venv .venv
  fi
fi

# Installed again on every start, so the board runs this folder's code. Offline (a venue
# without internet) with an earlier install in place, that install is used.
if ! .venv/bin/python -m pip install -q --disable-pip-version-check . ; then
  if [ -x .venv/bin/gamestorm ]; then
    echo "serve.sh: pip install failed; starting the version installed before" >&2
  else
    exit 1
  fi
fi

exec .venv/bin/gamestorm serve "$@"
