#!/usr/bin/env bash
# Runs the MPTCP Lab app (emulated demo by default). Installs what is missing, builds, starts.
# Extra arguments go to the app: ./run.sh decode capture.pcap runs the CLI instead.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
if [ ! -f app/target/mptcp-lab.jar ] || [ -n "$(find stack/src app/src fxml styles pom.xml stack/pom.xml app/pom.xml -newer app/target/mptcp-lab.jar -print -quit)" ]; then
  mvn -q -B install -DskipTests
fi
if [ $# -eq 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run.sh: no display; starting the app under xvfb-run (headless)" >&2
  exec xvfb-run -a -s "-screen 0 1280x1024x24" java -jar app/target/mptcp-lab.jar
fi
exec java -jar app/target/mptcp-lab.jar "$@"
