#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The power-cut proof of the session journal. RUNS times (default 20): a real-time session replays a
# known RR recording into a fresh journal and is killed with SIGKILL at a random moment 1.5-6 s in.
# Then, with sqlite3 beside Lull:
#   - PRAGMA integrity_check says ok;
#   - the stored beats are the recording's first beats, in order, value for value;
#   - every beat the session delivered (printed by --json) before the last second before the kill
#     is stored (the journal commits every 0.5 s, and between beats at least every 0.2 s);
#   - the next `lull sessions` lists the session as interrupted.
# Usage: scripts/kill-test.sh [RUNS]   (LULL=path/to/lull to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-20}
scripts/deps.sh sqlite3
lull=${LULL:-}
if [ -z "$lull" ]; then
    swift build -c release --product lull >/dev/null
    lull=.build/release/lull
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# 30 minutes of beats around 800 ms with a 6-per-minute swing, in ms with 3 decimals.
awk 'BEGIN { t = 0; for (i = 0; i < 2400; i++) {
    rr = 800 + 60 * sin(2 * 3.141592653589793 * 0.1 * t) + (i % 7) * 3
    printf "%.3f\n", rr; t += rr / 1000 } }' >"$work/rr.txt"

failures=0
fail() {
    echo "run $run: FAIL: $*" >&2
    failures=$((failures + 1))
}

for run in $(seq 1 "$runs"); do
    db="$work/run$run.sqlite"
    out="$work/out$run.jsonl"
    "$lull" session --source "replay:$work/rr.txt" --audio none --minutes 30 --json --db "$db" \
        >"$out" 2>"$work/err$run.txt" &
    pid=$!
    sleep "$(awk -v seed="$RANDOM$run" 'BEGIN { srand(seed); printf "%.3f", 1.5 + 4.5 * rand() }')"
    kill_at=$(date +%s.%N)
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true

    integrity=$(sqlite3 "$db" "PRAGMA integrity_check")
    [ "$integrity" = ok ] || fail "integrity_check: $integrity"
    started=$(sqlite3 "$db" "SELECT started_at FROM sessions WHERE id = 1")
    if [ -z "$started" ]; then
        fail "no session row (killed before it started?)"
        continue
    fi
    # Session seconds at the kill, at most (the session clock starts just after started_at).
    at=$(awk -v k="$kill_at" -v s="$(date -d "$started" +%s.%N)" 'BEGIN { printf "%.3f", k - s }')
    sqlite3 "$db" "SELECT rr_ms FROM beats WHERE session_id = 1 ORDER BY rowid" >"$work/stored$run.txt"
    stored=$(wc -l <"$work/stored$run.txt")
    # Stored beats are the recording's first beats, value for value.
    if ! awk 'NR == FNR { want[FNR] = $1; next } { if (($1 - want[FNR]) ^ 2 > 1e-12) { bad = FNR; exit 1 } }
        END { exit bad ? 1 : 0 }' "$work/rr.txt" "$work/stored$run.txt"; then
        fail "stored beats differ from the recording"
    fi
    # Beats delivered (printed) with a beat time at least 1 s before the kill.
    required=$(awk -v limit="$at" -F'"t_s":' '/"t_s":/ { split($2, v, ","); if (v[1] + 1 <= limit) n++ }
        END { print n + 0 }' "$out")
    printed=$(grep -c '"t_s":' "$out" || true)
    [ "$stored" -ge "$required" ] || fail "$stored beats stored, $required delivered before the last second"
    outcome=$("$lull" sessions --db "$db" --json | sed -n 's/.*"outcome":"\([a-z_]*\)".*/\1/p')
    [ "$outcome" = interrupted ] || fail "listed as '$outcome', not interrupted"
    [ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after recovery"
    printf 'run %2d: killed at %5.2f s, %3d beats delivered, %3d stored (%3d required), integrity ok, %s\n' \
        "$run" "$at" "$printed" "$stored" "$required" "$outcome"
done

if [ "$failures" -gt 0 ]; then
    echo "kill-test: $failures failure(s) in $runs runs" >&2
    exit 1
fi
echo "kill-test: $runs runs, every journal intact, every beat older than 1 s kept, every session interrupted"
