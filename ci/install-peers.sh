#!/usr/bin/env bash
# Installs the real peers pbxlab tests against, from Debian's packages (PEERS.md).
# Idempotent and non-interactive: packages already present are not fetched again.
set -euo pipefail

packages=(sip-tester baresip tshark sipsak sipvicious sngrep kamailio chromium sox libsox-fmt-mp3)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-peers: all present (${packages[*]})"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-peers: needs root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-peers: installed ${missing[*]}"
