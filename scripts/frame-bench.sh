#!/usr/bin/env bash
# The window's frame time, CPU and heap under Xvfb with the software renderer, in one run: the
# empty window (the shell with no session) as the baseline, then the lab with the demo (2
# subflows, video) and with eight paths of bulk traffic (8 subflows), each at 1x and at 10x, on
# the Charts tab. Prints one line per case.
# Each case skips 600 pulses of start-up (10 s: class loading, JIT, the charts' first layout),
# then measures FRAMES pulses.
# Usage: scripts/frame-bench.sh [FRAMES]   (default 1800, about 30 s at 60 frames/s)
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=${1:-1800}
JAR=app/target/mptcp-lab.jar
run() {
  local label=$1; shift
  local secs=$(( (FRAMES + 600) / 45 + 10 ))
  printf '%-28s ' "$label"
  local out
  out=$(timeout -s TERM "$secs" xvfb-run -a -s "-screen 0 1440x900x24" \
    java -Dprism.order=sw -Dmptcplab.frames="$FRAMES" "$@" -jar "$JAR" 2>&1 || true)
  grep '^frames' <<<"$out" || echo "(no result)"
}
run "empty window" -Dmptcplab.empty=true
run "demo, 2 subflows, 1x"
run "demo, 2 subflows, 10x" -Dmptcplab.speed=10
run "8 paths bulk, 8 subflows, 1x" -Dmptcplab.spec=docs/specs/eight-paths-bulk.json
run "8 paths bulk, 8 subflows, 10x" -Dmptcplab.spec=docs/specs/eight-paths-bulk.json -Dmptcplab.speed=10
