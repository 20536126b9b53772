#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The whole test run, from a clean clone: system packages, one release build (which also proves the
# render path's real-time checks and shows any warnings), then every test suite.
#
# One build serves everything: the suites run on an optimised build (-enable-testing keeps
# @testable imports working), because the audio and HRV suites render and analyse minutes of real
# signal, which in a debug build takes minutes of CPU and starves the socket suites' time limits on a
# 2-core machine; the system scripts can take the same build's binary through LULL.
set -euo pipefail
cd "$(dirname "$0")/.."

# postgresql: the clinic store's tests start a private server (initdb, pg_ctl); a kiosk itself
# needs no server, so install.sh's packages (scripts/deps.sh alone) leave it out. openssl: the
# TLS test makes its own certificate authority.
scripts/deps.sh postgresql openssl
scratch=.build-tests
flags=(-c release -Xswiftc -enable-testing --scratch-path "$scratch")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! swift build "${flags[@]}" --build-tests >"$log" 2>&1; then
    cat "$log" >&2
    echo "lull: the release build failed" >&2
    exit 1
fi
if grep -E "^/.*/(Sources|Tests)/.*: (warning|error):" "$log" | grep -v "/.build" >&2; then
    echo "lull: the release build printed warnings from Lull's own code (above)" >&2
    exit 1
fi
# The kiosk's promises under a real systemd: a booted Debian 12 (systemd-nspawn) installs this
# build's binary with the README's install.sh (about 2 minutes; a first debootstrap about 10 more).
bash scripts/systemd-test.sh --binary "$PWD/$scratch/release/lull"
# The kiosk page in headless Chromium through Selenium (test tooling in .venv-kiosk), against this
# build's daemon (about a minute).
LULL="$PWD/$scratch/release/lull" bash scripts/kiosk-test.sh
# Straps on the kernel's Bluetooth and BlueZ: Debian's kernel under QEMU (software emulation) with
# btvirt's LE-only 4.x and dual-mode 5.x controllers, bluetoothd and a D-Bus heart-rate peripheral;
# lull's scan, strap by address, auto and name pattern, 10 link drops, and faults: in le4 the
# strap's controller powered off and on, the kiosk's adapter down 10 s, a strap that never answers
# ATT, and a daemon session whose music goes on through a drop; in dual5 bluetoothd restarted and a
# real-time 3-minute session whose journal holds every beat (about 12 minutes; it skips, saying so,
# where QEMU cannot run). The random static address check (`static`) is left out until it passes.
common_checks=scan,address,auto,name,drops
LULL="$PWD/$scratch/release/lull" LULL_CHECKS=$common_checks,strap-power,kiosk-down,mute,daemon \
    bash scripts/ble-vm-test.sh le4
LULL="$PWD/$scratch/release/lull" LULL_CHECKS=$common_checks,bluetoothd-restart,session \
    bash scripts/ble-vm-test.sh dual5

# Many tests wait on real processes and sockets synchronously, each holding one of Swift
# concurrency's cooperative threads (one per core). Swift Testing admits up to twice as many test
# cases as cores and starts their time limits on admission, so on a loaded 2-core machine a case
# could time out before it got a thread. Admitting one case per core keeps each time limit a
# measure of that test alone.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-$(nproc)}"
swift test "${flags[@]}" --skip-build
