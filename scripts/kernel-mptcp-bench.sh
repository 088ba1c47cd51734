#!/usr/bin/env bash
# Kernel MPTCP reference for `bench-stack --kernel`: one MPTCP v1 connection between two network
# namespaces joined by N veth pairs, N bytes from a python3 client to a python3 sink, goodput
# measured at the receiver (from accept() to the end of the stream).
#
#   scripts/kernel-mptcp-bench.sh [--bytes N] [--paths N] [--rate R1,R2,...] [--timeout S]
#
# Path K joins client 10.K.0.1/24 to server 10.K.0.2/24. The client connects on path 1 and has a
# `subflow` endpoint on every other path (one join per extra path); both sides have
# `limits set subflows 4 add_addr_accepted 4`. Offloads (TSO/GSO/GRO) are left on: kernel to
# kernel with offloads is the fair throughput reference. --rate puts `tbf rate R burst 32kb
# latency 50ms` on both ends of each path (R as tc reads it, e.g. 40mbit). netem is not in this
# kernel, so the paths have no added delay.
#
# stdout: one line `kernel_goodput_bps=<n> bytes=<n> seconds=<x>`. stderr: progress, the kernel's
# MPTCP counters (MPCapable/MPJoin at the server) and the IP bytes each path carried to the server
# (`path K rx_bytes=<n>`).
# Exit status: 0 done, 1 the transfer failed, 2 bad arguments, 3 not root or MPTCP unavailable.
set -euo pipefail

NAME=kernel-mptcp-bench
PREFIX=mptcplab-kb-
BYTES=1000000000
PATHS=2
RATES=""
TIMEOUT=300
PORT=5201

say() { echo "$NAME: $*" >&2; }
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; }
bad() { say "$*"; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --bytes) [ $# -ge 2 ] || bad "--bytes needs a value"; BYTES=$2; shift 2 ;;
    --paths) [ $# -ge 2 ] || bad "--paths needs a value"; PATHS=$2; shift 2 ;;
    --rate) [ $# -ge 2 ] || bad "--rate needs a value"; RATES=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || bad "--timeout needs a value"; TIMEOUT=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) bad "unknown argument '$1' (use --bytes, --paths, --rate, --timeout)" ;;
  esac
done
[[ "$BYTES" =~ ^[1-9][0-9]{0,14}$ ]] || bad "--bytes must be a whole number of bytes, 1 or more, got '$BYTES'"
[[ "$PATHS" =~ ^[1-8]$ ]] || bad "--paths must be from 1 to 8, got '$PATHS'"
[[ "$TIMEOUT" =~ ^[1-9][0-9]{0,5}$ ]] || bad "--timeout must be a whole number of seconds, 1 or more, got '$TIMEOUT'"
RATE=()
if [ -n "$RATES" ]; then
  IFS=, read -r -a RATE <<<"$RATES"
  [ ${#RATE[@]} -eq "$PATHS" ] || bad "--rate gives ${#RATE[@]} rate(s) for $PATHS path(s) (one per path, e.g. 40mbit,20mbit)"
  for r in "${RATE[@]}"; do
    [[ "$r" =~ ^[0-9]+(\.[0-9]+)?[kmg]?bit$ ]] || bad "--rate '$r' is not a rate as tc reads it (e.g. 40mbit)"
  done
fi

if [ "$(id -u)" -ne 0 ]; then
  say "needs root (network namespaces, veth, tc); run it as root"
  exit 3
fi
if [ "$(sysctl -n net.mptcp.enabled 2>/dev/null || echo missing)" != 1 ]; then
  say "kernel MPTCP is not available (sysctl net.mptcp.enabled is '$(sysctl -n net.mptcp.enabled 2>/dev/null || echo absent)')"
  exit 3
fi
for tool in ip python3 timeout; do
  command -v "$tool" >/dev/null || { say "$tool is not installed"; exit 3; }
done
if [ ${#RATE[@]} -gt 0 ] && ! command -v tc >/dev/null; then
  say "tc is not installed (needed for --rate)"
  exit 3
fi

# Namespaces of earlier runs that died without cleaning up: their pid is gone.
for ns in $(ip netns list | awk '{print $1}' | grep "^$PREFIX" || true); do
  pid=${ns#"$PREFIX"}
  pid=${pid%%-*}
  if ! kill -0 "$pid" 2>/dev/null; then
    say "deleting stale namespace $ns"
    ip netns del "$ns" 2>/dev/null || true
  fi
done

C=$PREFIX$$-c
S=$PREFIX$$-s
WORK=$(mktemp -d /tmp/$NAME.XXXXXX)
SERVER_PID=""
CLIENT_PID=""
cleanup() {
  local rc=$?
  trap '' INT TERM
  for pid in $CLIENT_PID $SERVER_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  ip netns del "$C" 2>/dev/null || true
  ip netns del "$S" 2>/dev/null || true
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$C"
ip netns add "$S"
ip -n "$C" link set lo up
ip -n "$S" link set lo up
for k in $(seq 1 "$PATHS"); do
  ip -n "$C" link add "vc$k" type veth peer name "vs$k" netns "$S"
  ip -n "$C" addr add "10.$k.0.1/24" dev "vc$k"
  ip -n "$S" addr add "10.$k.0.2/24" dev "vs$k"
  ip -n "$C" link set "vc$k" up
  ip -n "$S" link set "vs$k" up
  if [ ${#RATE[@]} -gt 0 ]; then
    r=${RATE[$((k - 1))]}
    ip netns exec "$C" tc qdisc add dev "vc$k" root tbf rate "$r" burst 32kb latency 50ms
    ip netns exec "$S" tc qdisc add dev "vs$k" root tbf rate "$r" burst 32kb latency 50ms
  fi
done
ip -n "$S" mptcp limits set subflows 4 add_addr_accepted 4
ip -n "$C" mptcp limits set subflows 4 add_addr_accepted 4
for k in $(seq 2 "$PATHS"); do
  ip -n "$C" mptcp endpoint add "10.$k.0.1" dev "vc$k" subflow
done
say "namespaces $C (client) and $S (server), $PATHS path(s)${RATES:+, tbf $RATES}; sending $BYTES bytes"

cat >"$WORK/server.py" <<'EOF'
import socket, sys, time
port, ready = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)  # IPPROTO_MPTCP
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
s.listen(1)
open(ready, "w").close()
c, _ = s.accept()
t0 = time.monotonic()
buf = bytearray(1 << 20)
n = 0
while True:
    k = c.recv_into(buf)
    if k == 0:
        break
    n += k
t1 = time.monotonic()
c.close()
print(n, "%.6f" % (t1 - t0))
EOF
cat >"$WORK/client.py" <<'EOF'
import socket, sys
host, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)  # IPPROTO_MPTCP
s.connect((host, port))
block = memoryview(bytes(range(256)) * 4096)  # 1 MiB
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

timeout "$TIMEOUT" ip netns exec "$S" python3 "$WORK/server.py" "$PORT" "$WORK/ready" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  [ -e "$WORK/ready" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.05
done
if [ ! -e "$WORK/ready" ]; then
  say "the MPTCP server did not start: $(tail -n 3 "$WORK/server.err" | tr '\n' ' ')"
  exit 1
fi
# In the background, so that a signal reaches the trap at once (bash runs traps only between
# foreground commands).
timeout "$TIMEOUT" ip netns exec "$C" python3 "$WORK/client.py" 10.1.0.2 "$PORT" "$BYTES" 2>"$WORK/client.err" &
CLIENT_PID=$!
if ! wait "$CLIENT_PID"; then
  CLIENT_PID=""
  say "the MPTCP client failed or timed out after ${TIMEOUT}s: $(tail -n 3 "$WORK/client.err" | tr '\n' ' ')"
  exit 1
fi
CLIENT_PID=""
if ! wait "$SERVER_PID"; then
  SERVER_PID=""
  say "the MPTCP server failed: $(tail -n 3 "$WORK/server.err" | tr '\n' ' ')"
  exit 1
fi
SERVER_PID=""
read -r got secs <"$WORK/server.out"
if [ "$got" != "$BYTES" ]; then
  say "the server received $got bytes, $BYTES were sent"
  exit 1
fi

# Evidence that it was MPTCP with joins, and how the bytes split over the paths.
counters=$(ip netns exec "$S" nstat -asz 2>/dev/null \
  | awk '$1 ~ /^MPTcpExt(MPCapableSYNRX|MPCapableACKRX|MPJoinSynRx|MPJoinAckRx|MPFallbackTokenInit)$/ {printf " %s=%s", substr($1, 9), $2}')
say "server MPTCP counters:${counters:- none}"
for k in $(seq 1 "$PATHS"); do
  rx=$(ip -n "$S" -s -j link show dev "vs$k" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["bytes"])')
  say "path $k rx_bytes=$rx"
done
python3 - "$got" "$secs" <<'EOF'
import sys
n, s = int(sys.argv[1]), float(sys.argv[2])
print("kernel_goodput_bps=%d bytes=%d seconds=%.6f" % (round(n * 8 / s) if s > 0 else 0, n, s))
EOF
