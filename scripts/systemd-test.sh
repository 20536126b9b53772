#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Lull's kiosk under a real systemd: boots a minimal Debian 12 with systemd as PID 1 in a
# systemd-nspawn container (no Bluetooth, no sound card, a private network), installs Lull there
# the README's way (scripts/install.sh, given the release binary built on this machine) and checks,
# as an operator would, each promise of README "Operating a kiosk" and "The daemon". One line per
# promise, PASS or FAIL; the exit status is the number of FAILs (0: all passed).
#
# Usage: sudo scripts/systemd-test.sh [--binary PATH] [--keep]
#   --binary PATH  the lull to install (default $LULL, else .build-tests/release/lull: the CI build).
#   --keep         leave the container's files in the work folder it names, for a post-mortem.
# The Debian 12 tree is made once with debootstrap and cached in /var/cache/lull-systemd-test
# ($LULL_SYSTEMD_TEST_CACHE); each run boots a throw-away overlay of it. The Swift runtime is
# the host's /opt/swift (the binary's RPATH), bind-mounted read-only: the kiosk's own Swift install.
# Needs root, debootstrap and systemd-container (installed if missing); the host's PID 1 need
# not be systemd.
# shellcheck disable=SC2317  # functions called through check, wait_for and the trap
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

binary=${LULL:-.build-tests/release/lull}
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "systemd-test.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "systemd-test.sh: needs root (debootstrap, systemd-nspawn)" >&2; exit 2; }
[ -x "$binary" ] || { echo "systemd-test.sh: no lull binary at $binary (build it, or pass --binary)" >&2; exit 2; }
binary=$(readlink -f "$binary")
swift_lib=$(ldd "$binary" | awk '/libswiftCore.so/ { print $3 }')
swift_root=${swift_lib%/usr/lib/swift/linux/libswiftCore.so}
if [ -z "$swift_lib" ] || [ "$swift_root" = "$swift_lib" ]; then
    echo "systemd-test.sh: cannot find the Swift runtime of $binary (ldd: $swift_lib)" >&2
    exit 2
fi

started=$(date +%s)
say() { echo "systemd-test: $*"; }
indent() { sed 's/^/    /'; }
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v systemd-nspawn >/dev/null || need+=(systemd-container)
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# ---- the cached Debian 12 tree ----
cache=${LULL_SYSTEMD_TEST_CACHE:-/var/cache/lull-systemd-test}
# systemd, sqlite3 (the journal's integrity check) and what scripts/deps.sh installs, so install.sh
# finds them (the container has no network).
packages="systemd,systemd-sysv,dbus,sudo,sqlite3,pkg-config,libasound2-dev,libbluetooth-dev,libsqlite3-dev,alsa-utils,shellcheck,pulseaudio,libasound2-plugins"
tree="$cache/bookworm"
if [ "$(cat "$tree/.lull-packages" 2>/dev/null)" != "$packages" ]; then
    say "making the Debian 12 tree in $tree (debootstrap, once; a few minutes)"
    rm -rf "$tree" "$tree.tmp"
    mkdir -p "$cache"
    debootstrap --variant=minbase --include="$packages" bookworm "$tree.tmp" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
        >"$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log" >&2; exit 2; }
    echo "$packages" >"$tree.tmp/.lull-packages"
    mv "$tree.tmp" "$tree"
fi

# ---- a throw-away overlay of it, booted ----
work=$(mktemp -d /tmp/lull-systemd-test.XXXXXX)
root="$work/root"
mkdir -p "$work/upper" "$work/work" "$root"
mount -t overlay overlay -o "lowerdir=$tree,upperdir=$work/upper,workdir=$work/work" "$root"
machine="lull-test-$$"
nspawn_pid=""
cleanup() {
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$nspawn_pid" 2>/dev/null || true
        wait "$nspawn_pid" 2>/dev/null || true
    fi
    umount "$root" 2>/dev/null || umount -l "$root" 2>/dev/null || true
    if [ "$keep" -eq 1 ]; then say "kept $work (upper: the container's changes)"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --register=no and --keep-unit: no machined or host systemd bus is needed (the host may have neither).
# The project as a kiosk's clone holds it, and the binary install.sh is given.
mkdir -p "$root/root/lull"
cp -r "$repo/scripts" "$repo/systemd" "$repo/Config" "$root/root/lull/"
install -m 0755 "$binary" "$root/root/lull/lull"
echo "$machine" >"$root/etc/hostname"
# An operator's desktop user, and someone else.
chroot "$root" useradd -m kiosk >/dev/null
chroot "$root" useradd -m visitor >/dev/null

systemd-nspawn --quiet --boot --directory="$root" --machine="$machine" --register=no --keep-unit --private-network \
    --bind-ro="$swift_root" --console=passive >"$work/nspawn.log" 2>&1 &
nspawn_pid=$!

# The container's PID 1: the process whose innermost PID is 1, below systemd-nspawn.
leader=""
for _ in $(seq 100); do
    for child in $(pgrep -P "$nspawn_pid" 2>/dev/null) ; do
        if awk '/^NSpid:/ { exit !($NF == 1) }' "/proc/$child/status" 2>/dev/null; then leader=$child; fi
    done
    [ -n "$leader" ] && break
    sleep 0.1
done
[ -n "$leader" ] || { cat "$work/nspawn.log" >&2; echo "systemd-test.sh: the container did not start" >&2; exit 2; }

# Runs a command in the container as root, with a login-like environment.
ct() { nsenter --target "$leader" --mount --uts --ipc --net --pid --cgroup -- \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
ct_sh() { ct bash -c "$1"; }

for _ in $(seq 300); do
    state=$(ct systemctl is-system-running 2>/dev/null || true)
    case "$state" in running|degraded) break ;; esac
    sleep 0.2
done
say "booted Debian 12 with systemd $(ct systemctl --version | awk 'NR == 1 { print $2 }') as PID 1 (system: $state) after $(($(date +%s) - started)) s"

failures=0
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }
check() { # check "promise" command...: PASS when the command succeeds
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
# Seconds (with milliseconds) since the epoch, in the container (the same clock).
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
show() { ct systemctl show -p "$1" --value lull; }
wait_for() { # wait_for SECONDS command...: polls every 0.1 s
    local deadline; deadline=$(awk -v s="$1" -v n="$(now)" 'BEGIN { printf "%.3f", n + s }'); shift
    while awk -v d="$deadline" -v n="$(now)" 'BEGIN { exit !(n < d) }'; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}
status_answers() { ct lull status >/dev/null 2>&1; }

# ---- install, default configuration: no Bluetooth, no sound card ----
install_out=$(ct_sh 'cd /root/lull && bash scripts/install.sh --binary /root/lull/lull' 2>&1) && rc=0 || rc=$?
install_started=$(now)
check "install.sh exits 0 on a machine without Bluetooth or a sound card (exit $rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || indent <<<"$install_out"
check "the unit is active after install (READY=1 reached)" [ "$(show ActiveState)/$(show SubState)" = active/running ]
# READY=1 carries "idle"; the line naming what is missing follows within a second or two.
status_has_waiting() { show StatusText | grep -q '^idle; no Bluetooth adapter hci0: waiting for one'; }
wait_for 5 status_has_waiting || true
status_text=$(show StatusText)
check "systemd's status line reads idle and what the kiosk waits for: \"$status_text\"" \
    grep -q '^idle; no Bluetooth adapter hci0: waiting for one' <<<"$status_text"
lull_status=$(ct lull status 2>&1 || true)
check "lull status (root) says what the strap waits for: \"$lull_status\"" \
    grep -q 'strap unavailable (no Bluetooth adapter hci0: waiting for one)' <<<"$lull_status"
check "lull status says the sound card is missing" grep -q 'audio unavailable (no sound card for audio.device default' <<<"$lull_status"

# ---- files, modes, group access ----
check "the control socket is 0660 root:lull-control" [ "$(ct stat -c '%a %G' /run/lull/control.sock)" = "660 lull-control" ]
check "the state folder is 0700" [ "$(ct stat -L -c '%a' /var/lib/lull)" = 700 ]
check "the session journal is 0600" [ "$(ct stat -L -c '%a' /var/lib/lull/lull.sqlite)" = 600 ]
check "the configuration is 0644 and the binary 0755" \
    [ "$(ct stat -c '%a' /etc/lull/lull.yaml)/$(ct stat -c '%a' /usr/local/bin/lull)" = 644/755 ]
ct usermod -aG lull-control kiosk
check "a member of lull-control runs lull status" ct runuser -u kiosk -- lull status
visitor_out=$(ct runuser -u visitor -- lull status 2>&1) && rc=0 || rc=$?
check "anyone else is refused (exit $rc: $(head -1 <<<"$visitor_out"))" [ "$rc" -ne 0 ]

# ---- 60 s after start: still up, never restarted, one plain line per missing thing ----
while awk -v s="$install_started" -v n="$(now)" 'BEGIN { exit !(n - s < 60) }'; do sleep 1; done
check "60 s later the unit is active (running) with NRestarts=0 ($(show ActiveState)/$(show SubState), NRestarts=$(show NRestarts))" \
    [ "$(show ActiveState)/$(show SubState)/$(show NRestarts)" = active/running/0 ]
warnings=$(ct journalctl -u lull -p warning -o cat --no-pager)
indent <<<"$warnings"
check "journalctl -p warning: one line \"no Bluetooth adapter hci0: waiting for one\"" \
    [ "$(grep -c '^no Bluetooth adapter hci0: waiting for one$' <<<"$warnings")" -eq 1 ]
check "journalctl -p warning: one line for the missing sound card" \
    [ "$(grep -c '^no sound card for audio.device default (ALSA: .*): waiting for one$' <<<"$warnings")" -eq 1 ]
check "journalctl -p warning: nothing else" [ "$(grep -c . <<<"$warnings")" -eq 2 ]
# LimitNICE=-4 lets libdispatch renice its workers; a host without CAP_SYS_RESOURCE in its bounding set
# cannot raise that hard limit for the container, and systemd then sets the closest it can.
nice_limit=$(ct cat "/proc/$(show MainPID)/limits" | awk '/^Max nice priority/ { print $4 }')
if [ "$nice_limit" = 24 ]; then
    check "no libdispatch thread-priority complaint in the journal (RLIMIT_NICE 24)" \
        bash -c "! nsenter --target $leader --mount --pid -- journalctl -u lull -o cat --no-pager | grep -q 'Failed to set thread priority'"
else
    echo "SKIP  libdispatch's thread priority: this host cannot grant LimitNICE=-4 (RLIMIT_NICE hard limit $nice_limit, no CAP_SYS_RESOURCE)"
fi
check "a session without a sound card is refused with the reason" \
    bash -c "nsenter --target $leader --mount --net --pid -- /usr/local/bin/lull start 2>&1 | grep -q 'no sound card for audio.device default'"

# ---- a simulated listener for the session promises (a drop-in, as README says) ----
ct_sh 'mkdir -p /etc/systemd/system/lull.service.d && cat >/etc/systemd/system/lull.service.d/test.conf <<EOF
[Service]
Environment=LULL_STRAP_ADDRESS=simulate LULL_AUDIO_DEVICE=none LULL_SESSION_TIME_SCALE=60
EOF
systemctl daemon-reload'
t0=$(now)
ct systemctl restart lull && rc=0 || rc=$?
check "systemctl restart lull returns after READY=1 ($(elapsed "$t0") s, exit $rc)" [ "$rc" -eq 0 ]
check "the restarted daemon answers at once (status line \"$(show StatusText)\")" [ "$(show StatusText)" = idle ]

started_out=$(ct runuser -u kiosk -- lull start --minutes 5 --client T1 2>&1 || true)
session_id=$(sed -n 's/^started session \([0-9]*\)$/\1/p' <<<"$started_out")
check "lull start (a lull-control member) starts a session: \"$started_out\"" [ -n "$session_id" ]
follow=$(ct timeout 60 lull status --follow 2>&1 || true)
check "lull status --follow follows it to its summary" grep -q "session $session_id complete after" <<<"$follow"
sessions=$(ct lull sessions --db /var/lib/lull/lull.sqlite 2>&1 || true)
check "the session is in the journal, complete" grep -Eq "^ *$session_id +T1 .* complete " <<<"$sessions"
ct lull report --session "$session_id" --db /var/lib/lull/lull.sqlite --out /root/report.html >/dev/null 2>&1 || true
check "the report has it" ct grep -q T1 /root/report.html
# One definition of first -> last: the live summary's figures are those of lull sessions.
live=$(grep "session $session_id complete after" <<<"$follow" | grep -o 'RMSSD [0-9.]*→[0-9.]*' | head -1)
listed=$(grep -Eo 'RMSSD [0-9.]*→[0-9.]*' <<<"$(grep -E "^ *$session_id " <<<"$sessions")" | head -1)
check "the live summary and lull sessions agree on RMSSD first→last ($live / $listed)" [ -n "$live" -a "$live" = "$listed" ]

# ---- SIGKILL mid-session: restarted, the session marked interrupted, the journal intact ----
ct lull start --minutes 60 >/dev/null
sleep 2
pid_before=$(show MainPID)
ct systemctl kill -s SIGKILL lull
check "after SIGKILL a new daemon answers within 15 s" wait_for 15 status_answers
check "the new daemon has a new PID ($pid_before -> $(show MainPID))" [ "$(show MainPID)" != "$pid_before" ]
last=$(ct lull sessions --db /var/lib/lull/lull.sqlite 2>&1 | tail -1)
check "the killed session is listed as interrupted: \"$(cut -c1-60 <<<"$last")\"" grep -q interrupted <<<"$last"
integrity=$(ct sqlite3 /var/lib/lull/lull.sqlite 'PRAGMA integrity_check' 2>/dev/null || echo "no sqlite3")
[ "$integrity" = "no sqlite3" ] || check "the journal passes integrity_check" [ "$integrity" = ok ]

# ---- soft stops ----
ct lull start --minutes 60 >/dev/null
sleep 2
t0=$(now)
ct lull stop >/dev/null
check "lull stop ends the session softly (ended early, summary)" wait_for 10 bash -c \
    "nsenter --target $leader --mount --net --pid -- lull status | grep -q 'ended early'"
t0=$(now); ct systemctl stop lull; idle_stop=$(elapsed "$t0")
check "systemctl stop lull when idle returns within 2 s ($idle_stop s)" awk -v t="$idle_stop" 'BEGIN { exit !(t < 2) }'
ct systemctl start lull
ct lull start --minutes 60 >/dev/null
sleep 3
t0=$(now); ct systemctl stop lull; session_stop=$(elapsed "$t0")
check "systemctl stop lull mid-session returns within 5 s ($session_stop s)" awk -v t="$session_stop" 'BEGIN { exit !(t < 5) }'
last=$(ct lull sessions --db /var/lib/lull/lull.sqlite 2>&1 | tail -1)
check "the stopped session ended softly (ended early, not interrupted)" grep -q 'ended_early' <<<"$last"
ct systemctl start lull

# ---- a hung daemon (SIGSTOP) is replaced by the watchdog ----
pid_before=$(show MainPID)
t0=$(now)
ct bash -c "kill -STOP $pid_before"
replaced() { [ "$(show MainPID)" != "$pid_before" ] && [ "$(show MainPID)" != 0 ] && status_answers; }
if wait_for 60 replaced; then
    took=$(elapsed "$t0")
    check "kill -STOP: a new daemon answers lull status within 40 s ($took s)" awk -v t="$took" 'BEGIN { exit !(t <= 40) }'
else
    fail "kill -STOP: no new daemon within 60 s"
fi

# ---- a configuration error: exit 78, no restart loop, err priority ----
since=$(ct date '+%Y-%m-%d %H:%M:%S')
sleep 1
ct_sh 'printf "audio:\n  period_frames: 17\n" >/etc/lull/lull.yaml'
ct systemctl restart lull 2>/dev/null || true
sleep 8
check "a configuration error stops the unit with exit 78 ($(show ExecMainStatus), $(show ActiveState))" \
    [ "$(show ExecMainStatus)/$(show ActiveState)" = 78/failed ]
# systemctl restart sets NRestarts to 0; an automatic restart would count.
check "...and no restart loop (NRestarts=$(show NRestarts) 8 s later)" [ "$(show NRestarts)" = 0 ]
errors=$(ct journalctl -u lull -p err -o cat --no-pager --since "$since")
indent <<<"$errors"
check "journalctl -u lull -p err shows one line naming the file and key" \
    [ "$(grep -c '^lull: /etc/lull/lull.yaml: key audio.period_frames: 17 is out of range' <<<"$errors")" -eq 1 ]
ct cp /root/lull/Config/lull.yaml /etc/lull/lull.yaml
ct systemctl restart lull

# ---- the sandbox's score, online ----
score=$(ct systemd-analyze security lull --no-pager 2>/dev/null | sed -n 's/.*Overall exposure level for lull.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security lull rates the running unit at most 2.0 ($score)" \
    awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'

# ---- upgrade: the operator's configuration kept ----
ct sed -i 's/^  default_minutes: 20$/  default_minutes: 10/' /etc/lull/lull.yaml
mine=$(ct sha256sum /etc/lull/lull.yaml)
upgrade_out=$(ct_sh 'cd /root/lull && bash scripts/install.sh --binary /root/lull/lull' 2>&1) && rc=0 || rc=$?
upgraded=no; grep -q "restarted lull" <<<"$upgrade_out" && upgraded=yes
check "a second install.sh exits 0 and restarts lull (exit $rc, restarted: $upgraded)" [ "$rc/$upgraded" = 0/yes ]
kept=no; [ "$(ct sha256sum /etc/lull/lull.yaml)" = "$mine" ] && ct test -e /etc/lull/lull.yaml.new && kept=yes
check "it keeps the operator's lull.yaml and puts lull.yaml.new beside it" [ "$kept" = yes ]
check "the service is active after the upgrade" [ "$(show ActiveState)" = active ]

# ---- uninstall, twice, then purge ----
u1=$(ct_sh 'cd /root/lull && bash scripts/uninstall.sh' 2>&1) && rc1=0 || rc1=$?
u2=$(ct_sh 'cd /root/lull && bash scripts/uninstall.sh' 2>&1) && rc2=0 || rc2=$?
left=$(ct bash -c 'ls -d /usr/local/bin/lull /etc/systemd/system/lull.service 2>/dev/null; systemctl is-active lull' | tr '\n' ' ' || true)
check "uninstall.sh stops and removes lull, and a second run is harmless (exit $rc1, $rc2; left: $left)" \
    [ "$rc1/$rc2/$left" = "0/0/inactive " ]
check "uninstall.sh keeps the configuration and the journal" ct test -e /etc/lull/lull.yaml -a -e /var/lib/lull/lull.sqlite
purge_out=$(ct_sh 'cd /root/lull && bash scripts/uninstall.sh --purge' 2>&1) && rc=0 || rc=$?
left=$(ct bash -c 'ls -d /etc/lull /var/lib/lull /var/lib/private/lull 2>/dev/null; getent group lull-control' | tr '\n' ' ' || true)
check "uninstall.sh --purge deletes /etc/lull, /var/lib/lull and the group lull-control (exit $rc; left: $left)" \
    [ "$rc/$left" = "0/" ]
[ "$failures" -eq 0 ] || printf '%s\n' "$u1" "$u2" "$purge_out" | indent

say "$failures failed; $(($(date +%s) - started)) s"
exit "$failures"
