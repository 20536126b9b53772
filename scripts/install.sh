#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs Lull as a systemd service: the Debian packages it needs, a release build, the system group
# lull-control (its members may use the control socket), the binary in
# /usr/local/bin, the unit in /etc/systemd/system and the default configuration in /etc/lull (never
# over an operator's own: a changed one is kept and the new default is put beside it as
# lull.yaml.new), then checks the configuration and enables and starts the service.
# Running it again upgrades in place (the service is restarted on the new binary).
#
# Usage: scripts/install.sh [--root DIR] [--no-build] [--binary PATH]
#   --root DIR     install into DIR as if it were / (a staging root or an image): no packages, no
#                  systemctl; what the tests use.
#   --no-build     use the binary already built (.build/release/lull, or --binary).
#   --binary PATH  the lull binary to install (default .build/release/lull).
set -euo pipefail
cd "$(dirname "$0")/.."

root=""
build=1
binary=.build/release/lull
while [ $# -gt 0 ]; do
    case "$1" in
        --root) root="${2:?--root needs a folder}"; shift 2 ;;
        --no-build) build=0; shift ;;
        --binary) binary="${2:?--binary needs a path}"; build=0; shift 2 ;;
        -h|--help) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { echo "lull install: $*"; }
sudo=""
if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

if [ -z "$root" ]; then scripts/deps.sh; fi
if [ "$build" -eq 1 ]; then
    say "building the release binary (swift build -c release)"
    swift build -c release
fi
[ -x "$binary" ] || { echo "lull install: no executable at $binary (build it, or pass --binary)" >&2; exit 1; }

bin_path="$root/usr/local/bin/lull"
unit_path="$root/etc/systemd/system/lull.service"
config_dir="$root/etc/lull"
config_path="$config_dir/lull.yaml"

# Members of group lull-control may use the control socket (lull start/stop/status) without sudo.
if [ -z "$root" ] && ! getent group lull-control >/dev/null; then
    $sudo groupadd --system lull-control
    say "created the system group lull-control (add a user with: sudo usermod -aG lull-control USER)"
fi

$sudo install -D -m 0755 "$binary" "$bin_path"
say "installed $bin_path"
$sudo install -D -m 0644 systemd/lull.service "$unit_path"
say "installed $unit_path"

# The daemon runs as a dynamic user, so the file must be readable by others (0644): put a therapist
# code in a drop-in instead (systemctl edit lull: Environment=LULL_KIOSK_THERAPIST_CODE=...).
$sudo install -d -m 0755 "$config_dir"
if [ ! -e "$config_path" ]; then
    $sudo install -m 0644 Config/lull.yaml "$config_path"
    say "installed the default configuration $config_path"
elif cmp -s Config/lull.yaml "$config_path"; then
    say "kept $config_path (already the default)"
    $sudo rm -f "$config_path.new"
else
    $sudo install -m 0644 Config/lull.yaml "$config_path.new"
    say "kept your $config_path; the new default is beside it as $config_path.new (compare: diff -u $config_path $config_path.new)"
fi

# The same check the daemon makes at start: a broken configuration stops here, not in a restart loop.
if ! "$bin_path" config check --quiet "$config_path" >/dev/null; then
    echo "lull install: $config_path is not valid (above); fix it, then: sudo systemctl restart lull" >&2
    exit 78
fi
say "$config_path: ok"

if [ -n "$root" ]; then
    say "installed into $root; systemctl was not run"
    exit 0
fi
if [ ! -d /run/systemd/system ]; then
    echo "lull install: systemd is not running on this machine (no /run/systemd/system); the files are installed but the service was not started" >&2
    exit 1
fi
$sudo systemctl daemon-reload
if systemctl is-active --quiet lull; then
    $sudo systemctl enable lull
    $sudo systemctl restart lull
    say "restarted lull on the new binary"
else
    $sudo systemctl enable --now lull
    say "enabled and started lull"
fi
say "follow it with: journalctl -u lull -f    (state: systemctl status lull)"
