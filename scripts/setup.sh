#!/usr/bin/env bash
# Installs what MPTCP Lab needs on a fresh Debian/Ubuntu machine: idempotent, non-interactive.
# Java 17 and Maven are expected (checked below); the Debian packages are installed when missing.
set -euo pipefail

PACKAGES=(xvfb xauth libgtk-3-0 libpcap0.8 libpcap-dev tshark nftables ethtool iproute2 mptcpd imagemagick xdotool)

need_java() {
  if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
    echo "setup: Java 17 and Maven are needed (apt-get install openjdk-17-jdk maven)" >&2
    PACKAGES+=(openjdk-17-jdk-headless maven)
  fi
}

missing=()
need_java
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all system packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: missing packages (${missing[*]}) and not root; run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
# tshark asks whether non-root users may capture; answer before installing.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
