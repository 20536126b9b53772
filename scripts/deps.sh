#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages Lull builds and tests against, only those that are missing.
# Usage: scripts/deps.sh [extra-package ...]
# systemd provides systemd-analyze (the unit's verify and security tests; no running systemd needed), and
# the shellcheck package checks the install scripts. pulseaudio and libasound2-plugins (its ALSA `pulse` PCM)
# let the live-output tests run a private sound server and kill it mid-stream: ALSA's own plugins never fail.
# postgresql: the clinic store tests start a private cluster (initdb, pg_ctl) on a Unix socket.
set -euo pipefail

packages=(pkg-config libasound2-dev libbluetooth-dev libsqlite3-dev alsa-utils systemd shellcheck pulseaudio
    libasound2-plugins "$@")
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "lull: installing Debian packages: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
