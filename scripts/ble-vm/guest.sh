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

# The guest's own procfs and sysfs, whatever the initramfs could move: without them /proc is the
# host's folder seen through 9p (empty files), and Swift programs, which read their arguments from
# /proc/self/cmdline, start with none (lull printed its overview, or trapped).
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sys /sys 2>/dev/null
mount -t devpts devpts /dev/pts 2>/dev/null
hostname lull-ble-vm 2>/dev/null
modprobe hci_vhci || { fail "modprobe hci_vhci"; exit 1; }

mkdir -p /run/dbus
dbus-daemon --system --fork --nopidfile || { fail "dbus-daemon"; exit 1; }

case "$LULL_MODE" in
le4) btvirt -L -l2 >/tmp/btvirt.log 2>&1 & ;;
*) btvirt -l2 >/tmp/btvirt.log 2>&1 & ;;
esac
for _ in $(seq 150); do [ -e /sys/class/bluetooth/hci1 ] && break; sleep 0.2; done
if [ ! -e /sys/class/bluetooth/hci1 ]; then
    fail "btvirt made no hci1 in 30 s"
    sed "s/^/INFO btvirt: /" /tmp/btvirt.log
    ls /sys/class/bluetooth /dev/vhci 2>&1 | sed "s/^/INFO /"
    dmesg | tail -n 5 | sed "s/^/INFO dmesg: /"
    info "btvirt alive: $(pgrep -a btvirt || echo no); mounts: $(grep -E ' /(proc|sys|dev|tmp) ' /proc/mounts | tr '\n' ';')"
    timeout 5 btvirt -L -l2 2>&1 | head -n 5 | sed "s/^/INFO btvirt again: /"
    exit 1
fi

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

# What the checks rest on, for reading a failed run: lull's own arguments reach it, /proc is there.
info "lull scan --help: $("$LULL" scan --help 2>&1 | head -n 1); /proc/self/cmdline: $(tr '\0' ' ' </proc/self/cmdline 2>&1)"

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
# Every RR value the peripheral sent, exactly and in order, in lull's JSON lines. Where the strap
# dropped its link ("# drop" in its log), the value it had just handed to bluetoothd, and any it
# handed before the central subscribed again ("# subscribed"), may have gone with the link: those
# may be missing (and are counted); every other value must be there, in order.
check_every_value() { # tag
    python3 - "$1" <<'PY'
import json, sys
tag = sys.argv[1]
sent, may_lose, drops, resubscribed, window = [], set(), 0, 0, False
for line in open("/tmp/sent.txt"):
    line = line.strip()
    if line == "# drop":
        drops += 1
        window = True
        if sent:
            may_lose.add(len(sent) - 1)
    elif line == "# subscribed":
        resubscribed += 1
        window = False
    elif line:
        if window:
            may_lose.add(len(sent))
        sent.append(int(line))
got = []
for line in open(f"/tmp/lull-{tag}.out"):
    try:
        got += json.loads(line)["rr_1024"]
    except ValueError:
        pass
# Match in order, letting only the values that may have gone with a link be skipped.
i = 0
lost, bad = [], None
for j, value in enumerate(sent):
    if i < len(got) and got[i] == value:
        i += 1
    elif j in may_lose:
        lost.append(j)
    else:
        bad = j
        break
if bad is None and i < len(got):
    bad = len(sent)
if drops and resubscribed < drops:
    print(f"FAIL {tag}: the strap dropped {drops} links but saw only {resubscribed} new subscriptions")
elif sent and bad is None:
    note = f"; {len(lost)} value(s) handed over as a link dropped did not arrive" if lost else ""
    print(f"PASS {tag}: every RR value sent arrived, in order ({len(sent)} values, {drops} drops{note})")
else:
    print(f"FAIL {tag}: sent {len(sent)} values, lull printed {len(got)}; first difference at value {bad}")
PY
}

wanted() { [ "$LULL_CHECKS" = all ] || [[ ",$LULL_CHECKS," == *",$1,"* ]]; }

if wanted scan; then
    start_peripheral 1000 1
    out=$(timeout 20 "$LULL" scan --seconds 4 2>&1)
    if grep -q "^$strap_address .*Lull VM Strap" <<<"$out"; then pass "scan: lists the strap $strap_address with its name"
    else
        fail "scan: strap $strap_address with its name not listed: $(tr '\n' '|' <<<"$out")"
        sed "s/^/INFO scan peripheral: /" /tmp/peripheral.log | tail -n 10
    fi
    stop_peripheral
fi

stream_check() { # tag strap-argument
    start_peripheral 40 0.25
    start_lull_strap "$2" "$1"
    if wait_played 60; then sleep 1; else
        fail "$1: the peripheral did not play its values within 60 s"
        sed "s/^/INFO $1 peripheral: /" /tmp/peripheral.log | tail -n 10
    fi
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
