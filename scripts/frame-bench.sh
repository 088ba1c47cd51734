#!/usr/bin/env bash
# The window's frame time under Xvfb with the software renderer: the running lab (the demo, charts
# tab) beside the empty window (the shell with no session), in the same run. Prints one line each.
# Usage: scripts/frame-bench.sh [FRAMES]   (default 900, about 15 s at 60 frames/s)
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=${1:-900}
JAR=app/target/mptcp-lab.jar
for mode in empty lab; do
  extra=""
  [ "$mode" = empty ] && extra="-Dmptcplab.empty=true"
  # The app prints its frame line after FRAMES pulses; it is stopped a little after that.
  secs=$(( FRAMES / 50 + 8 ))
  timeout -s TERM "$secs" xvfb-run -a -s "-screen 0 1440x900x24" \
    java -Dprism.order=sw -Dmptcplab.frames="$FRAMES" $extra -jar "$JAR" 2>&1 | grep '^frames' || true
done
