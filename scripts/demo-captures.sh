#!/usr/bin/env bash
# Records demo-captures/: scenarios recorded by the tool itself, each small (under 2 MB), for
# replay and analysis (demo-captures/README.md says what to look for in each).
#
#   scripts/demo-captures.sh [--emulated-only]
#
# Emulated ones need only the jar (deterministic: the same jar writes the same files). The lab
# ones need root and kernel MPTCP (our stack against the kernel, and the kernel against itself
# over 4 paths); without them they are skipped with the reason. Needs a built jar.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=app/target/mptcp-lab.jar
OUT=demo-captures
EMULATED_ONLY=${1:-}
say() { echo "demo-captures: $*" >&2; }
sim() { local name=$1; shift; java -jar "$JAR" simulate --seed 1 --pcap "$OUT/$name" "$@" >/dev/null; say "$OUT/$name $(stat -c %s "$OUT/$name") bytes"; }

mkdir -p "$OUT"
# Emulated: both ends our stack, every path recorded once (pcap, raw IP).
sim handover.pcap --path 8mbit,10ms --path 4mbit,35ms --bytes 1500K --down 1@1s,signalled
sim handover-silent.pcap --path 8mbit,10ms --path 4mbit,35ms --bytes 1500K --down 1@1s
sim backup-takeover.pcap --path 8mbit,10ms --path 8mbit,30ms --backup 2 --bytes 1500K --down 1@1s,signalled
sim lossy-path.pcap --path 8mbit,10ms,loss=2% --path 4mbit,20ms --bytes 1500K
sim shared-bottleneck-lia.pcap --path 100mbit,10ms --path 100mbit,10ms --bottleneck 4mbit --competing-tcp 100mbit,10ms --cc lia --bytes 700K
sim shared-bottleneck-newreno.pcap --path 100mbit,10ms --path 100mbit,10ms --bottleneck 4mbit --competing-tcp 100mbit,10ms --cc newreno --bytes 700K
sim fallback-middlebox.pcap --path 8mbit,10ms --path 4mbit,35ms --middlebox strip-all --bytes 1M
sim add-remove-addr.pcap --path 8mbit,10ms --path 4mbit,35ms --bytes 1500K --down 2@0.5s,signalled --up 2@1s,signalled
sim announce-port-ipv6.pcap --path 8mbit,10ms --path 4mbit,35ms --ipv6 --announce-port 5202 --bytes 1M

[ "$EMULATED_ONLY" = --emulated-only ] && exit 0
if [ "$(id -u)" -ne 0 ] || [ "$(sysctl -n net.mptcp.enabled 2>/dev/null || echo 0)" != 1 ]; then
  say "skipping the lab captures: they need root and kernel MPTCP"
  exit 0
fi
# Our stack against the kernel in the lab: an upload whose first path goes down at 1 s.
java -jar "$JAR" lab up --rate 8mbit,4mbit >/dev/null
trap 'java -jar "$JAR" lab down >/dev/null 2>&1 || true' EXIT
ip netns exec mptcplab-c java -jar "$JAR" connect --lab --bytes 1200K --impair mlc1=delay=10ms --impair mlc2=delay=35ms \
  --path-down mlc1@1s --linger 1s --pcap "$OUT/lab-ours-to-kernel-handover.pcapng" >/dev/null
say "$OUT/lab-ours-to-kernel-handover.pcapng $(stat -c %s "$OUT/lab-ours-to-kernel-handover.pcapng") bytes"
java -jar "$JAR" lab down >/dev/null
trap - EXIT

# The kernel against itself over 4 paths (4 subflows), recorded by dumpcap at the server.
C=mptcplab-dc-c; S=mptcplab-dc-s
cleanup() { ip netns del $C 2>/dev/null || true; ip netns del $S 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add $C; ip netns add $S
ip -n $C link set lo up; ip -n $S link set lo up
for k in 1 2 3 4; do
  ip -n $C link add vc$k type veth peer name vs$k netns $S
  ip -n $C addr add 10.$k.0.1/24 dev vc$k; ip -n $S addr add 10.$k.0.2/24 dev vs$k
  ip -n $C link set vc$k up; ip -n $S link set vs$k up
  # No offloads: the capture shows the segments as sent, not GRO's aggregates.
  ip netns exec $C ethtool -K vc$k tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec $S ethtool -K vs$k tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec $C tc qdisc add dev vc$k root tbf rate 4mbit burst 16kb latency 50ms
  # Each join leaves from its own path: packets from 10.k.0.1 to the server's first address go
  # out vck (policy routing, as on a multihomed host).
  if [ $k -gt 1 ]; then
    ip -n $C route add 10.1.0.0/24 dev vc$k src 10.$k.0.1 table $((100 + k))
    ip -n $C rule add from 10.$k.0.1 table $((100 + k))
  fi
done
ip netns exec $S sysctl -q -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
for k in 1 2 3 4; do ip netns exec $S sysctl -q -w net.ipv4.conf.vs$k.rp_filter=0; done
ip -n $S mptcp limits set subflows 4 add_addr_accepted 4
ip -n $C mptcp limits set subflows 4 add_addr_accepted 4
for k in 2 3 4; do ip -n $C mptcp endpoint add 10.$k.0.1 dev vc$k subflow; done
rm -f "$OUT/kernel-to-kernel-4-subflows.pcapng"
ip netns exec $S dumpcap -q -i vs1 -i vs2 -i vs3 -i vs4 -w "$OUT/kernel-to-kernel-4-subflows.pcapng" 2>/dev/null &
DUMP=$!
sleep 1.5
ip netns exec $S python3 -c "
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_STREAM,262); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('0.0.0.0',5201)); s.listen(1); c,_=s.accept()
while c.recv(65536): pass
c.close()" &
SRV=$!
sleep 0.5
ip netns exec $C python3 -c "
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_STREAM,262); s.connect(('10.1.0.2',5201))
s.sendall(bytes(range(256))*5000); s.shutdown(socket.SHUT_WR)
while s.recv(65536): pass
s.close()"
wait $SRV
sleep 1
kill -INT $DUMP; wait $DUMP || true
say "$OUT/kernel-to-kernel-4-subflows.pcapng $(stat -c %s "$OUT/kernel-to-kernel-4-subflows.pcapng") bytes"
