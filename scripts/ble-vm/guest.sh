#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs as PID 1 inside the VM that scripts/ble-vm-test.sh boots: the host's root is mounted
# read-only, /tmp /run /var/lib/bluetooth are tmpfs. LULL_ROOT, LULL, LULL_MODE (le4: LE-only
# 4.x controllers, dual5: dual-mode 5.x) and LULL_CHECKS come from the kernel command line.
# Prints one "PASS name", "FAIL name: why" or "INFO ..." line per check, then "ble-vm: done".
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
peripheral=$LULL_ROOT/scripts/ble-vm/hr-peripheral.py
finish() {
    echo "ble-vm: done"
    sync
    echo o >/proc/sysrq-trigger
    sleep 10
}
trap finish EXIT
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; }
info() { echo "INFO $*"; }

mount -t devpts devpts /dev/pts 2>/dev/null
hostname lull-ble-vm 2>/dev/null
modprobe hci_vhci || { fail "modprobe hci_vhci"; exit 1; }

mkdir -p /run/dbus
dbus-daemon --system --fork --nopidfile || { fail "dbus-daemon"; exit 1; }

case "$LULL_MODE" in
le4) btvirt -L -l2 >/tmp/btvirt.log 2>&1 & ;;
*) btvirt -l2 >/tmp/btvirt.log 2>&1 & ;;
esac
for _ in $(seq 50); do [ -e /sys/class/bluetooth/hci1 ] && break; sleep 0.2; done
[ -e /sys/class/bluetooth/hci1 ] || { fail "btvirt made no hci1"; cat /tmp/btvirt.log; exit 1; }

start_bluetoothd() {
    /usr/libexec/bluetooth/bluetoothd -n >>/tmp/bluetoothd.log 2>&1 &
    bluetoothd_pid=$!
    for _ in $(seq 50); do busctl --system status org.bluez >/dev/null 2>&1 && break; sleep 0.2; done
}
start_bluetoothd
for _ in $(seq 50); do btmgmt --index 0 info 2>/dev/null | grep -q 'current settings:.*powered' && break; sleep 0.2; done
strap_address=$(btmgmt --index 1 info | sed -n 's/^\taddr \([0-9A-F:]*\) .*/\1/p')
kiosk_address=$(btmgmt --index 0 info | sed -n 's/^\taddr \([0-9A-F:]*\) .*/\1/p')
info "$LULL_MODE: kernel $(uname -r); kiosk hci0 $kiosk_address; strap hci1 $strap_address; $(btmgmt --index 0 info | grep -m1 'version')"

peripheral_pid=
# Starts the heart-rate peripheral on hci1 with a fresh log of what it sent.
start_peripheral() { # count interval [extra args]
    local count=$1 interval=$2
    shift 2
    : >/tmp/sent.txt
    python3 "$peripheral" --adapter hci1 --count "$count" --interval "$interval" --log /tmp/sent.txt "$@" >>/tmp/peripheral.log 2>&1 &
    peripheral_pid=$!
    for _ in $(seq 50); do grep -q advertising /tmp/peripheral.log 2>/dev/null && break; sleep 0.2; done
}
stop_peripheral() {
    [ -n "$peripheral_pid" ] && kill "$peripheral_pid" 2>/dev/null && wait "$peripheral_pid" 2>/dev/null
    peripheral_pid=
    : >/tmp/peripheral.log
}
# Waits until the peripheral has played every value (at most $1 s).
wait_played() {
    for _ in $(seq $(($1 * 5))); do grep -q "played every value" /tmp/peripheral.log && return 0; sleep 0.2; done
    return 1
}
lull_pid=
start_lull_strap() { # strap-argument tag
    "$LULL" strap --strap "$1" --json >/tmp/lull-$2.out 2>/tmp/lull-$2.err &
    lull_pid=$!
}
# SIGINT must end `lull strap` within 1 s.
stop_lull_strap() { # tag
    local started ended
    started=$(date +%s%N)
    kill -INT "$lull_pid"
    for _ in $(seq 40); do kill -0 "$lull_pid" 2>/dev/null || break; sleep 0.05; done
    ended=$(date +%s%N)
    if kill -0 "$lull_pid" 2>/dev/null; then
        fail "$1: SIGINT did not end lull strap within 2 s"
        kill -9 "$lull_pid"
    elif [ $(((ended - started) / 1000000)) -gt 1000 ]; then
        fail "$1: SIGINT ended lull strap after $(((ended - started) / 1000000)) ms"
    else
        pass "$1: SIGINT ended lull strap in $(((ended - started) / 1000000)) ms"
    fi
    wait "$lull_pid" 2>/dev/null
}
# Every RR value the peripheral sent, exactly and in order, in lull's JSON lines.
check_every_value() { # tag
    python3 - "$1" <<'PY'
import json, sys
tag = sys.argv[1]
sent = [int(line) for line in open("/tmp/sent.txt") if line.strip()]
got = []
for line in open(f"/tmp/lull-{tag}.out"):
    try:
        got += json.loads(line)["rr_1024"]
    except ValueError:
        pass
if sent and got == sent:
    print(f"PASS {tag}: every RR value sent arrived, in order ({len(sent)} values)")
else:
    missing = [v for v in sent if v not in got]
    print(f"FAIL {tag}: sent {len(sent)} values, lull printed {len(got)}; first difference at "
          f"{next((i for i, (a, b) in enumerate(zip(sent, got)) if a != b), min(len(sent), len(got)))}")
PY
}

wanted() { [ "$LULL_CHECKS" = all ] || [[ ",$LULL_CHECKS," == *",$1,"* ]]; }

if wanted scan; then
    start_peripheral 1000 1
    out=$(timeout 20 "$LULL" scan --seconds 4 2>&1)
    if grep -q "^$strap_address .*Lull VM Strap" <<<"$out"; then pass "scan: lists the strap $strap_address with its name"
    else fail "scan: strap $strap_address with its name not listed: $(tr '\n' '|' <<<"$out")"; fi
    stop_peripheral
fi

stream_check() { # tag strap-argument
    start_peripheral 40 0.25
    start_lull_strap "$2" "$1"
    if wait_played 60; then sleep 1; else fail "$1: the peripheral did not play its values within 60 s"; fi
    stop_lull_strap "$1"
    check_every_value "$1"
    stop_peripheral
    grep -q streaming "/tmp/lull-$1.err" || sed "s/^/INFO $1 stderr: /" "/tmp/lull-$1.err" | tail -n 5
}
wanted address && stream_check address "$strap_address"
wanted auto && stream_check auto auto
wanted name && stream_check name "Lull VM*"

if wanted drops; then
    # The strap drops the link 10 times; each time lull must stream again within 5 s.
    start_peripheral 120 0.25
    start_lull_strap "$strap_address" drops
    for _ in $(seq 50); do grep -q streaming /tmp/lull-drops.err && break; sleep 0.2; done
    for drop in $(seq 10); do
        sleep 1.5
        links=$(grep -c streaming /tmp/lull-drops.err)
        kill -USR1 "$peripheral_pid"
        dropped=$(date +%s%N)
        back=
        for _ in $(seq 100); do
            if [ "$(grep -c streaming /tmp/lull-drops.err)" -gt "$links" ]; then back=$(date +%s%N); break; fi
            sleep 0.1
        done
        if [ -z "$back" ]; then fail "drops: not streaming again within 10 s of drop $drop"; break; fi
        [ $(((back - dropped) / 1000000)) -le 5000 ] || fail "drops: drop $drop took $(((back - dropped) / 1000000)) ms to stream again"
    done
    info "drops: $(grep -c streaming /tmp/lull-drops.err) links; $(grep 'streaming (' /tmp/lull-drops.err | tail -n 1)"
    wait_played 90 && sleep 1
    stop_lull_strap drops
    check_every_value drops
    stop_peripheral
fi
