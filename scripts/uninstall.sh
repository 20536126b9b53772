#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Removes Lull's service: stops and disables it, removes the binary and the unit. The configuration
# (/etc/lull) and the session journal (/var/lib/lull: the therapist's records) are kept unless
# --purge says otherwise. Running it twice is harmless.
#
# Usage: scripts/uninstall.sh [--purge] [--root DIR]
#   --purge     also delete /etc/lull, /var/lib/lull (every recorded session) and the group
#               lull-control.
#   --root DIR  remove from DIR as if it were / (a staging root); no systemctl.
set -euo pipefail

root=""
purge=0
while [ $# -gt 0 ]; do
    case "$1" in
        --purge) purge=1; shift ;;
        --root) root="${2:?--root needs a folder}"; shift 2 ;;
        -h|--help) sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "uninstall.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { echo "lull uninstall: $*"; }
sudo=""
if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

if [ -z "$root" ] && [ -d /run/systemd/system ]; then
    if systemctl list-unit-files lull.service --no-legend 2>/dev/null | grep -q '^lull.service'; then
        $sudo systemctl disable --now lull
        say "stopped and disabled lull"
    else
        say "no lull service is installed"
    fi
fi

for path in "$root/usr/local/bin/lull" "$root/etc/systemd/system/lull.service"; do
    if [ -e "$path" ]; then
        $sudo rm -f "$path"
        say "removed $path"
    fi
done
if [ -z "$root" ] && [ -d /run/systemd/system ]; then $sudo systemctl daemon-reload; fi

# DynamicUser= keeps the state in /var/lib/private/lull, with /var/lib/lull a link to it.
state=("$root/var/lib/lull" "$root/var/lib/private/lull")
if [ "$purge" -eq 1 ]; then
    for path in "$root/etc/lull" "${state[@]}"; do
        if [ -e "$path" ] || [ -L "$path" ]; then
            $sudo rm -rf "$path"
            say "deleted $path"
        fi
    done
    # The group install.sh made for the control socket: nothing else uses it.
    if [ -z "$root" ] && getent group lull-control >/dev/null; then
        $sudo groupdel lull-control
        say "deleted the group lull-control"
    fi
else
    say "kept $root/etc/lull (configuration) and $root/var/lib/lull (the session journal); --purge deletes them"
fi
