#!/usr/bin/env bash
# Runs every test of MPTCP Lab: installs what is missing, then the Maven build with all tests.
# UI tests run headless (Monocle); tshark is the referee for the wire format.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
mvn -B install "$@"
