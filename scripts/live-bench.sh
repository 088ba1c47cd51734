#!/usr/bin/env bash
# Live benchmarks, side by side in the same run and over the same lab paths: our stack through pcap
# (`connect` in the lab's client namespace) and the Linux kernel's MPTCP as client, both sending to
# the same kernel MPTCP receiver in the lab's server namespace, which measures both the same way.
#
#   scripts/live-bench.sh [--mode goodput|aggregation|handover] [--bytes N] [--runs N] [--mtu N] [--jar PATH]
#                         [--policy "OPTIONS"]
#
#   --policy "OPTIONS"  our connect's policy options, e.g. "--cc lia --scheduler blest" (default:
#                the defaults, newreno and minrtt); the kernel client keeps its own (its sysctls)
#
#   --mtu N      the veths' MTU (lab up --mtu; default 1500): both stacks take their MSS from it
#
#   goodput      2 paths, no rate limit (veth, offloads off as the lab sets them), default 1 GB
#   aggregation  tbf 40mbit and 20mbit, default 200 MB; ratio to the 60 Mbit/s sum
#   handover     tbf 20mbit and 20mbit, default 20 MB; path 1's link goes down (`ip link set mlc1
#                down` in the client namespace) 1.5 s into the transfer; longest delivery stall;
#                ours runs twice: with its link watcher (the default) and with --no-link-watch
#
# The receiver (python3, IPPROTO_MPTCP, port 5301) times each connection from accept() to the end
# of the stream and records the longest gap between two reads that returned data (the delivery
# stall). The kernel client runs in the lab's client namespace on addresses 10.K.0.3/24 added to
# the lab's veths for its runs only, with a `subflow` endpoint per extra path (one join per path,
# as our full-mesh client makes) and no ADD_ADDR acceptance; they are removed afterwards.
#
# Brings the lab up (replacing a running one) and down at the end, also on errors and Ctrl-C.
# stdout: one line per run, `who=ours|kernel run=K bytes=N seconds=S goodput_bps=G stall_ms=M`,
# then a summary. Exit status: 0 done, 1 a run failed, 2 bad arguments, 3 not root / no MPTCP.
set -euo pipefail

NAME=live-bench
MODE=goodput
BYTES=""
RUNS=3
POLICY=""
MTU=""
HERE=$(cd "$(dirname "$0")/.." && pwd)
JAR=$HERE/app/target/mptcp-lab.jar
PORT=5301
C=mptcplab-c
S=mptcplab-s

say() { echo "$NAME: $*" >&2; }
bad() { say "$*"; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) [ $# -ge 2 ] || bad "--mode needs a value"; MODE=$2; shift 2 ;;
    --bytes) [ $# -ge 2 ] || bad "--bytes needs a value"; BYTES=$2; shift 2 ;;
    --runs) [ $# -ge 2 ] || bad "--runs needs a value"; RUNS=$2; shift 2 ;;
    --jar) [ $# -ge 2 ] || bad "--jar needs a value"; JAR=$2; shift 2 ;;
    --mtu) [ $# -ge 2 ] || bad "--mtu needs a value"; MTU=$2; shift 2 ;;
    --policy) [ $# -ge 2 ] || bad "--policy needs a value"; POLICY=$2; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) bad "unknown argument '$1' (use --mode, --bytes, --runs, --mtu, --jar, --policy)" ;;
  esac
done
case "$MODE" in
  goodput) RATES=""; DEFAULT_BYTES=1000000000 ;;
  aggregation) RATES="40mbit,20mbit"; DEFAULT_BYTES=200000000 ;;
  handover) RATES="20mbit,20mbit"; DEFAULT_BYTES=20000000 ;;
  *) bad "--mode '$MODE': use goodput, aggregation or handover" ;;
esac
BYTES=${BYTES:-$DEFAULT_BYTES}
[[ "$BYTES" =~ ^[1-9][0-9]{0,12}$ ]] || bad "--bytes must be a whole number of bytes, 1 or more, got '$BYTES'"
[[ "$RUNS" =~ ^[1-9]$ ]] || bad "--runs must be 1 to 9, got '$RUNS'"
[ -f "$JAR" ] || bad "no jar at $JAR (build it: mvn -B -q package -DskipTests)"
[ "$(id -u)" -eq 0 ] || { say "needs root (the lab's namespaces and veths); run it as root"; exit 3; }
[ "$(sysctl -n net.mptcp.enabled 2>/dev/null || echo 0)" = 1 ] || { say "kernel MPTCP is not enabled"; exit 3; }

WORK=$(mktemp -d /tmp/$NAME.XXXXXX)
RECV_PID=""
cleanup() {
  local rc=$?
  trap '' INT TERM
  [ -n "$RECV_PID" ] && kill "$RECV_PID" 2>/dev/null || true
  java -jar "$JAR" lab down >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lab_args=(--paths 2)
[ -n "$RATES" ] && lab_args+=(--rate "$RATES")
[ -n "$MTU" ] && lab_args+=(--mtu "$MTU")
java -jar "$JAR" lab up "${lab_args[@]}" >"$WORK/lab.out" 2>&1 || { cat "$WORK/lab.out" >&2; exit 1; }
say "lab up: 2 paths${RATES:+, tbf $RATES}${MTU:+, MTU $MTU}; $BYTES bytes per run, $RUNS run(s) each"

cat >"$WORK/recv.py" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)  # IPPROTO_MPTCP
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(4)
print("ready", flush=True)
buf = bytearray(1 << 20)
while True:
    c, peer = s.accept()
    t0 = time.monotonic()
    n = 0
    last = None
    gap = 0.0
    while True:
        k = c.recv_into(buf)
        if k == 0:
            break
        now = time.monotonic()
        if last is not None:
            gap = max(gap, now - last)
        last = now
        n += k
    t1 = time.monotonic()
    c.close()
    print("peer=%s bytes=%d seconds=%.6f stall_ms=%.1f" % (peer[0], n, t1 - t0, gap * 1000), flush=True)
EOF
cat >"$WORK/send.py" <<'EOF'
import socket, sys
src, host, port, total = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.bind((src, 0))
s.connect((host, port))
block = memoryview(bytes(range(256)) * 4096)
left = total
while left > 0:
    k = min(left, len(block))
    s.sendall(block[:k])
    left -= k
s.shutdown(socket.SHUT_WR)
while s.recv(65536):
    pass
s.close()
EOF
ip netns exec "$S" python3 -u "$WORK/recv.py" "$PORT" >"$WORK/recv.log" 2>&1 &
RECV_PID=$!
for _ in $(seq 1 100); do grep -q ready "$WORK/recv.log" 2>/dev/null && break; sleep 0.05; done
grep -q ready "$WORK/recv.log" || { say "receiver did not start: $(cat "$WORK/recv.log")"; exit 1; }

# The link goes down 1.5 s after the connection is established at the receiver (handover mode;
# counted from there, not from the start of the sender's process); back up afterwards.
flap() {
  if [ "$MODE" = handover ]; then
    (for _ in $(seq 1 600); do
       [ -n "$(ip netns exec "$S" ss -tnH state established "( sport = :$PORT )" 2>/dev/null)" ] && break
       sleep 0.05
     done
     sleep 1.5; ip -n "$C" link set mlc1 down) >/dev/null 2>&1 &
    echo $!
  fi
}
unflap() {
  if [ "$MODE" = handover ]; then
    wait "$1" 2>/dev/null || true
    ip -n "$C" link set mlc1 up
    sleep 1 # the link and our neighbour entries settle before the next run
  fi
}

last_result() {
  local want=$1 before=$2
  for _ in $(seq 1 100); do
    [ "$(grep -c '^peer=' "$WORK/recv.log")" -gt "$before" ] && break
    sleep 0.05
  done
  tail -n 1 "$WORK/recv.log" | grep "^peer=$want " || { say "no receiver record for $want: $(tail -n 2 "$WORK/recv.log")"; exit 1; }
}

report() {
  local who=$1 run=$2 line=$3
  local bytes seconds stall
  bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$line")
  seconds=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' <<<"$line")
  stall=$(sed -n 's/.* stall_ms=\([0-9.]*\).*/\1/p' <<<"$line")
  [ "$bytes" = "$BYTES" ] || { say "$who run $run: the receiver got $bytes bytes of $BYTES"; exit 1; }
  awk -v w="$who" -v r="$run" -v b="$bytes" -v s="$seconds" -v st="$stall" \
    'BEGIN { printf "who=%s run=%d bytes=%d seconds=%.3f goodput_bps=%.0f stall_ms=%.1f\n", w, r, b, s, b * 8 / s, st }' \
    | tee -a "$WORK/results"
}

for run in $(seq 1 "$RUNS"); do
  # ours: the CLI in the client namespace, its own addresses 10.K.0.1 (the kernel there has none)
  before=$(grep -c '^peer=' "$WORK/recv.log" || true)
  f=$(flap)
  ip netns exec "$C" java -jar "$JAR" connect --iface mlc1=10.1.0.1/24 --iface mlc2=10.2.0.1/24 \
    --to 10.1.0.2:$PORT --bytes "$BYTES" --seed $((8684 + run)) --json --timeout 600s $POLICY >"$WORK/ours.json" 2>"$WORK/ours.err" \
    || { say "our run $run failed: $(tail -c 600 "$WORK/ours.err") $(tail -c 600 "$WORK/ours.json")"; exit 1; }
  unflap "$f"
  report ours "$run" "$(last_result 10.1.0.1 "$before")"
  grep -o '"max_stall_ms":[0-9.]*' "$WORK/ours.json" | sed "s/^/  (our own measure, from data ACK progress) /" >&2 || true

  if [ "$MODE" = handover ]; then
    # ours again without the link watcher: the loss found by RTOs alone, as the kernel does
    before=$(grep -c '^peer=' "$WORK/recv.log" || true)
    f=$(flap)
    ip netns exec "$C" java -jar "$JAR" connect --iface mlc1=10.1.0.1/24 --iface mlc2=10.2.0.1/24 --no-link-watch \
      --to 10.1.0.2:$PORT --bytes "$BYTES" --seed $((9684 + run)) --json --timeout 600s $POLICY >"$WORK/ours.json" 2>"$WORK/ours.err" \
      || { say "our run $run (no link watch) failed: $(tail -c 600 "$WORK/ours.err") $(tail -c 600 "$WORK/ours.json")"; exit 1; }
    unflap "$f"
    report ours-rto "$run" "$(last_result 10.1.0.1 "$before")"
  fi

  # the kernel: addresses .3 on the same veths, one subflow endpoint per extra path
  ip -n "$C" addr add 10.1.0.3/24 dev mlc1
  ip -n "$C" addr add 10.2.0.3/24 dev mlc2
  ip -n "$C" mptcp limits set subflows 8 add_addr_accepted 0
  ip -n "$C" mptcp endpoint add 10.2.0.3 dev mlc2 subflow
  before=$(grep -c '^peer=' "$WORK/recv.log" || true)
  f=$(flap)
  ip netns exec "$C" timeout 600 python3 "$WORK/send.py" 10.1.0.3 10.1.0.2 "$PORT" "$BYTES" 2>"$WORK/kernel.err" \
    || { say "kernel run $run failed: $(tail -n 3 "$WORK/kernel.err")"; exit 1; }
  unflap "$f"
  ip -n "$C" mptcp endpoint flush
  ip -n "$C" addr del 10.1.0.3/24 dev mlc1
  ip -n "$C" addr del 10.2.0.3/24 dev mlc2
  report kernel "$run" "$(last_result 10.1.0.3 "$before")"
done

awk -v mode="$MODE" '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    g[v["who"]] = g[v["who"]] " " v["goodput_bps"]; st[v["who"]] = st[v["who"]] " " v["stall_ms"] }
  function median(list,   a, n, i, j, t) { n = split(list, a, " ");
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END {
    o = median(g["ours"]); k = median(g["kernel"])
    printf "median goodput: ours %.1f Mbit/s, kernel %.1f Mbit/s, ours/kernel %.3f\n", o / 1e6, k / 1e6, o / k
    if (mode == "aggregation") printf "of the 60 Mbit/s sum: ours %.4f, kernel %.4f\n", o / 60e6, k / 60e6
    if (mode == "handover") printf "median longest delivery stall: ours %.1f ms (without the link watcher %.1f ms), kernel %.1f ms\n", median(st["ours"]), median(st["ours-rto"]), median(st["kernel"])
  }' "$WORK/results"
