#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sync throughput into a local PostgreSQL 15 server: a private cluster on a Unix socket (as
# ClinicStoreTests starts it), one 20-minute session, then 20 more in one pass; prints beats per
# second and the store's bytes per session; then the same 20 from a second kiosk through a kiosk
# login (row-level security checks every row, as on a clinic's server). Usage: scripts/clinic-bench.sh [LULL binary]
# (default $LULL, else .build-tests/release/lull). Needs Debian's postgresql (scripts/deps.sh).
set -euo pipefail
lull=$(realpath "${1:-${LULL:-.build-tests/release/lull}}")
bin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/lull-bench-XXXXXX)
as=()
if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; as=(runuser -u postgres --); fi
cleanup() { "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-c listen_addresses='' -c unix_socket_directories='$dir'" start >/dev/null
"$bin/psql" -X -q -h "$dir" -U postgres -d postgres -c "CREATE DATABASE lull"
url="postgres://postgres@/lull?host=$dir"
journal=$dir/kiosk.sqlite
"$lull" store migrate --db "$url" >/dev/null
"$lull" session --fast --minutes 20 --seed 1 --client bench --db "$journal" >/dev/null
echo "one 20-minute session:  $("$lull" sync --db "$journal" --to "$url")"
for seed in $(seq 2 21); do "$lull" session --fast --minutes 20 --seed "$seed" --client bench --db "$journal" >/dev/null; done
line=$("$lull" sync --db "$journal" --to "$url")
echo "twenty more in one pass: $line"
beats=$(sed -E 's/.*\(([0-9]+) beats\).*/\1/' <<<"$line")
ms=$(sed -E 's/.* in ([0-9]+) ms.*/\1/' <<<"$line")
echo "throughput: $(( beats * 1000 / (ms > 0 ? ms : 1) )) beats/s"
read -r sessions total_beats beat_bytes other_bytes < <("$bin/psql" -X -q -A -t -F ' ' -h "$dir" -U postgres -d lull -c "
    SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM beats),
        (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('beats')),
        pg_total_relation_size('sessions') + pg_total_relation_size('snapshots')
            + pg_total_relation_size('music') + pg_total_relation_size('events')")
echo "store: $sessions sessions, $total_beats beats; beats $(( beat_bytes / total_beats )) bytes each with their index;" \
    "$(( (beat_bytes + other_bytes) / sessions )) bytes per session in all"
# The same sessions from a second kiosk, through its own login as a clinic's kiosks sync.
LULL="$lull" bash "$(dirname "$0")/clinic-store.sh" "$url" kiosk bench_kiosk kiosk-bench >/dev/null
second=$dir/kiosk-2.sqlite
for seed in $(seq 2 21); do
    LULL_KIOSK_ID=kiosk-bench "$lull" session --fast --minutes 20 --seed "$seed" --client bench --db "$second" >/dev/null
done
line=$("$lull" sync --db "$second" --to "postgres://bench_kiosk@/lull?host=$dir")
beats=$(sed -E 's/.*\(([0-9]+) beats\).*/\1/' <<<"$line")
ms=$(sed -E 's/.* in ([0-9]+) ms.*/\1/' <<<"$line")
echo "through a kiosk login:   $line"
echo "throughput: $(( beats * 1000 / (ms > 0 ? ms : 1) )) beats/s"

