#!/usr/bin/env bash
# Takes the README's screenshots from the real app under Xvfb (software renderer), driving it with
# keys as a presenter would: docs/screenshot.png (mid-outage, Charts), docs/dsn.png (Data sequence),
# docs/ladder.png (the handshake at 0.05x), docs/presenter.png (presenter mode at 1920x1080),
# docs/handover-ladder.png (the ladder at the moment WiFi went down, from a click on that event),
# docs/replay.png and docs/replay-dsn.png (captures of demo-captures/ replayed).
# Needs Xvfb, xdotool and imagemagick (scripts/setup.sh installs them) and a built jar.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=app/target/mptcp-lab.jar
D=:91

# shot SCREEN "WAIT:KEY:NAME ..." : KEY '-' for none, NAME '-' for no picture.
shot() {
  local screen=$1 plan=$2
  Xvfb $D -screen 0 "${screen}x24" >/dev/null 2>&1 &
  local xp=$!
  sleep 1
  # shellcheck disable=SC2086
  DISPLAY=$D java ${JOPTS:-} -jar "$JAR" >/tmp/mptcplab-screenshots.log 2>&1 &
  local ap=$! w=""
  for _ in $(seq 1 40); do
    w=$(DISPLAY=$D xdotool search --name "MPTCP Lab" 2>/dev/null | head -1) && [ -n "$w" ] && break
    sleep 0.5
  done
  DISPLAY=$D xdotool windowfocus "$w"
  for step in $plan; do
    IFS=: read -r wait key name <<<"$step"
    sleep "$wait"
    if [[ "$key" == click@* ]]; then
      # A click at screen coordinates X,Y (the window sits at 0,0 without a window manager).
      xy=${key#click@}
      DISPLAY=$D xdotool mousemove --sync "${xy%,*}" "${xy#*,}"
      sleep 0.2
      DISPLAY=$D xdotool mousedown 1
      sleep 0.1
      DISPLAY=$D xdotool mouseup 1
    elif [ "$key" != "-" ]; then
      DISPLAY=$D xdotool key --window "$w" "$key"
    fi
    [ "$name" != "-" ] && DISPLAY=$D import -window root "docs/$name.png"
  done
  DISPLAY=$D xdotool key --window "$w" ctrl+q || true
  sleep 2
  kill $ap 2>/dev/null || true
  kill $xp 2>/dev/null || true
  if grep -E "Exception|Error" /tmp/mptcplab-screenshots.log; then
    echo "screenshots: the app logged an exception (above)" >&2
    exit 1
  fi
}

mkdir -p docs
[ -n "${ONLY_LIVE:-}" ] || shot 1440x900 "4.5:-:screenshot"
[ -n "${ONLY_LIVE:-}" ] || shot 1440x900 "5.8:s:dsn"
[ -n "${ONLY_LIVE:-}" ] || shot 1440x900 "0.2:minus:- 0.2:minus:- 0.2:minus:- 0.2:minus:- 0.2:r:- 0.2:bracketright:- 3.2:-:ladder"
[ -n "${ONLY_LIVE:-}" ] || shot 1920x1080 "4:p:- 2:-:presenter"
# The ladder at the moment WiFi went down (8 s), as a click on that event in the log shows it.
[ -n "${ONLY_LIVE:-}" ] || JOPTS=-Dmptcplab.focusAt=8.0 shot 1440x900 "7.5:g:- 2:-:handover-ladder"
# Replays: the handover capture at its stall bookmark (Charts), the kernel-to-kernel capture near its end (Data sequence).
[ -n "${ONLY_LIVE:-}" ] || JOPTS="-Dmptcplab.capture=demo-captures/handover.pcap -Dmptcplab.stall=0" shot 1920x1080 "7:-:replay"
[ -n "${ONLY_LIVE:-}" ] || JOPTS="-Dmptcplab.capture=demo-captures/kernel-to-kernel-4-subflows.pcapng" shot 1920x1080 "8:s:- 2:-:replay-dsn"
# The live lab (root and kernel MPTCP): the window starts it itself; WiFi goes down at 8 s.
if [ "$(id -u)" = 0 ] && [ "$(cat /proc/sys/net/mptcp/enabled 2>/dev/null)" = 1 ]; then
  JOPTS=-Dmptcplab.live=true shot 1440x900 "11:-:live 3:click@666,456:- 1:-:live-kernel"
else
  echo "screenshots: no live shots (they need root and kernel MPTCP)"
fi
echo "screenshots: docs/screenshot.png docs/dsn.png docs/ladder.png docs/presenter.png docs/handover-ladder.png docs/replay.png docs/replay-dsn.png docs/live.png docs/live-kernel.png"
