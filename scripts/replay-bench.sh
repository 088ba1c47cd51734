#!/usr/bin/env bash
# Opening a large capture in the window (issue "Replay and analysis"): how long the reading takes,
# the heap it leaves, and the window's frames while it reads, under Xvfb with the software
# renderer. The window opens on the demo; after 11 s (past the frame statistics' 10 s warm-up) the
# capture is opened, and the next FRAMES pulses are measured: they cover the reading and the
# replay's start. The same run without a capture is the baseline, and tshark's MPTCP analysis of
# the same file the reference for the reading.
# Usage: scripts/replay-bench.sh [PACKETS] [FRAMES]   (defaults 1000000 and 600, 10 s at 60 frames/s)
set -euo pipefail
cd "$(dirname "$0")/.."
PACKETS=${1:-1000000}
FRAMES=${2:-600}
JAR=app/target/mptcp-lab.jar
CAP=$(mktemp --suffix=.pcap)
trap 'rm -f "$CAP"' EXIT
java -jar "$JAR" bench-analyze --packets "$PACKETS" --out "$CAP" --runs 1 --warmup 0 --no-tshark >/dev/null 2>&1
echo "capture: $PACKETS packets, $(( $(stat -c %s "$CAP") / 1048576 )) MiB (the synthetic capture of bench-analyze)"
run() {
  local label=$1; shift
  printf '%-34s ' "$label"
  local out
  out=$(timeout -s TERM 90 xvfb-run -a -s "-screen 0 1440x900x24" \
    java -Dprism.order=sw -Dmptcplab.frames="$FRAMES" "$@" -jar "$JAR" 2>&1 || true)
  grep -E '^frames' <<<"$out" || echo "(no result)"
  grep -E '^mptcp-lab: ' <<<"$out" | sed 's/^/    /' || true
}
run "demo only (baseline)"
run "demo, then the capture at 11 s" -Dmptcplab.capture="$CAP" -Dmptcplab.captureDelay=11000
echo "outside the window (ReplayIndex.load in a plain JVM):"
java -cp "$JAR" scripts/ReplayLoadBench.java "$CAP" | sed 's/^/    /'
if command -v tshark >/dev/null; then
  start=$(date +%s.%N)
  tshark -r "$CAP" -o mptcp.analyze_mappings:TRUE -q -z conv,tcp >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  printf 'tshark MPTCP analysis of the same file: %.1f s\n' "$(echo "$end - $start" | bc)"
fi
