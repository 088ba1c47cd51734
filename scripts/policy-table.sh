#!/usr/bin/env bash
# The policies table of BENCHMARKS.md: each simulate scenario under each scheduler (with newreno
# and with lia) and each congestion control (with minrtt), seed 1, virtual time (deterministic:
# the same jar prints the same table), and single-path TCP of the same stack (the server without
# MPTCP, so the connection falls back to TCP on path 1) for each. Prints Markdown rows.
# Usage: scripts/policy-table.sh [JAR]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-app/target/mptcp-lab.jar}
row() {
  local scen=$1 sched=$2 cc=$3 label=${4:-$2}
  local extra=()
  [ "$label" = "TCP" ] && extra=(--no-mptcp-server)
  # The handover's silent case: path 1 black-holed at 5 s, nobody told (the RTO must find out).
  [ "$label" = "minrtt, silent" ] && { extra=(--down 1@5s); sched=minrtt; }
  # A run that ends in a reset (single-path TCP through the handover) exits 1 and is still a row.
  { java -jar "$JAR" simulate --scenario "$scen" --scheduler "$sched" --cc "$cc" --seed 1 --json "${extra[@]}" || true; } | python3 -c "
import json, re, sys
d = json.load(sys.stdin)
def rate(p):
    m = re.match(r'([0-9.]+)(k|m|g)?bit', p)
    return float(m.group(1)) * {None: 1, 'k': 1e3, 'm': 1e6, 'g': 1e9}[m.group(2)]
total = sum(rate(p.split('/')[0]) for p in d['paths'])
share = ' / '.join('%.2f' % f['share'] for f in sorted(d['subflows'], key=lambda f: (f['path'], f['id'])))
t = d.get('traffic', {})
video = ('%d stalls, %.0f ms frozen, start %.0f ms' % (t['stalls'], t['stalled_ms'], t['startup_ms'])) if t.get('kind') == 'video' else '-'
h = d.get('handover_stall_ms')
sr = d['handovers'][0]['surviving_srtt_ms'] if d.get('handovers') else None
hs = '-' if h is None else ('%.0f' % h) + ('' if sr is None else ' (srtt %.0f)' % sr)
print('| %s | %s | %s | %s | %.2f | %.3f | %s | %.0f | %s | %s |' % ('$scen', '$label', '$cc', d['status'], d['goodput_bps'] / 1e6,
      d['goodput_bps'] / total, share, d['max_stall_ms'], hs, video))
"
}
echo "| scenario | scheduler | cc | status | goodput Mbit/s | of the paths' sum | share by subflow | max stall ms | handover stall ms | video |"
echo "|---|---|---|---|---:|---:|---|---:|---:|---|"
for scen in aggregate handover lossy asymmetric-rtt satellite; do
  for sched in minrtt roundrobin redundant blest ecf; do
    for cc in newreno lia; do
      row "$scen" "$sched" "$cc"
    done
  done
  for cc in reno cubic olia balia; do
    row "$scen" minrtt "$cc"
  done
  [ "$scen" = handover ] && row "$scen" minrtt newreno "minrtt, silent"
  # Single-path TCP of the same stack (the server without MPTCP: fallback on path 1).
  row "$scen" minrtt newreno TCP
done

# Head-of-line blocking at the receiver (asymmetric-rtt): each scheduler with 4 MiB, 1 MiB and
# 512 KiB receive buffers; what waited out of order, and for how long.
hol_row() {
  local sched=$1 rb=$2 opp=${3:-}
  local extra=()
  [ -n "$opp" ] && extra=(--opportunistic)
  java -jar "$JAR" simulate --scenario asymmetric-rtt --scheduler "$sched" --rcvbuf "$rb" --seed 1 --json "${extra[@]}" | python3 -c "
import json, sys
d = json.load(sys.stdin)
r = d['receive_buffer']
share = ' / '.join('%.2f' % f['share'] for f in sorted(d['subflows'], key=lambda f: (f['path'], f['id'])))
print('| %s | %s | %.2f | %s | %.0f | %.0f | %.1f | %.1f |' % ('$sched' + (' + opportunistic' if '$opp' else ''), '$rb',
      d['goodput_bps'] / 1e6, share, r['peak_out_of_order_bytes'] / 1024, r['mean_out_of_order_bytes'] / 1024,
      r['mean_out_of_order_delay_ms'], r['max_out_of_order_delay_ms']))
"
}
echo
echo "| scheduler | receive buffer | goodput Mbit/s | share by subflow | peak out of order KiB | mean out of order KiB | mean wait ms | max wait ms |"
echo "|---|---|---:|---|---:|---:|---:|---:|"
for rb in 4MiB 1MiB 512KiB; do
  for sched in minrtt roundrobin redundant blest ecf; do
    hol_row "$sched" "$rb"
  done
  hol_row minrtt "$rb" opportunistic
done
