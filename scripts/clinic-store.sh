#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The clinic store's server side: schema and login roles on a PostgreSQL server.
#
# Usage (run as the database's owner; URL as libpq writes it, e.g. postgres://lull_owner@/lull?host=/run/postgresql):
#   scripts/clinic-store.sh URL migrate                         lull store migrate: tables, policies, group roles
#   scripts/clinic-store.sh URL kiosk ROLE KIOSK_ID [PWFILE]     a kiosk's login: inserts and reads its own kiosk id only
#   scripts/clinic-store.sh URL therapist ROLE [PWFILE]          a therapist's login: reads every session, writes nothing
#
# ROLE gets LOGIN and, with PWFILE, the password on its first line (sent to the server inside one
# psql script read from stdin, never on a command line; set log_statement to none or ddl). Without
# PWFILE the role logs in by peer or certificate authentication (pg_hba.conf). The kiosk's id must
# be its kiosk.id (or the kiosk-... id derived from /etc/machine-id). `lull forget --db URL` runs as
# the owner (who alone may delete). $LULL is the lull binary (default .build-tests/release/lull,
# then lull on PATH).
set -euo pipefail

usage() { sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
[ $# -ge 2 ] || usage
url=$1 verb=$2
shift 2
lull=${LULL:-.build-tests/release/lull}
[ -x "$lull" ] || lull=lull

ident_ok() { [[ $1 =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "clinic-store: role '$1': use a-z, 0-9, _ (at most 63)" >&2; exit 65; }; }

# Runs a psql script from stdin with ROLE, KIOSK and the password as psql variables (quoted by psql).
apply() {
    local role=$1 pwfile=${2:-} kiosk=${3:-}
    local password=""
    if [ -n "$pwfile" ]; then
        [ -r "$pwfile" ] || { echo "clinic-store: $pwfile: cannot read the password file" >&2; exit 66; }
        IFS= read -r password <"$pwfile" || true
        [ -n "$password" ] || { echo "clinic-store: $pwfile: empty first line" >&2; exit 65; }
    fi
    psql -X -q -v ON_ERROR_STOP=1 -v role="$role" -v password="$password" -v haspw="${pwfile:+1}" -v kiosk="$kiosk" "$url"
}

case "$verb" in
migrate)
    "$lull" store migrate --db "$url"
    ;;
kiosk)
    [ $# -ge 2 ] || usage
    ident_ok "$1"
    apply "$1" "${3:-}" "$2" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'password') WHERE :'haspw' = '1' \gexec
SELECT format('GRANT lull_kiosk TO %I', :'role') \gexec
INSERT INTO kiosk_logins (role, kiosk_id) VALUES (:'role', :'kiosk')
    ON CONFLICT (role) DO UPDATE SET kiosk_id = EXCLUDED.kiosk_id;
SQL
    echo "clinic-store: role $1 may insert and read sessions of kiosk $2 only"
    ;;
therapist)
    [ $# -ge 1 ] || usage
    ident_ok "$1"
    apply "$1" "${2:-}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'password') WHERE :'haspw' = '1' \gexec
SELECT format('GRANT lull_therapist TO %I', :'role') \gexec
SQL
    echo "clinic-store: role $1 may read every session and write nothing"
    ;;
*) usage ;;
esac
