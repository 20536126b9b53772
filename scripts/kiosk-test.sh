#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The kiosk page in a real browser: Debian's headless Chromium, driven through Selenium (in a venv beside
# the project, .venv-kiosk, never part of Lull itself), against a real `lull daemon` that runs a simulated
# listener at session.time_scale 10 with a temporary config, journal and port (Tests/kiosk/kiosk_test.py
# says what is checked). Screenshots of the start, session and summary screens at 1280x800 and 800x480
# go to SHOTS_DIR.
# Usage: scripts/kiosk-test.sh [SHOTS_DIR]   (default /tmp/lull-kiosk-shots)
#   LULL=PATH uses that binary and builds nothing; else LULL_SCRATCH_PATH=.build-NAME builds into
#   another folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
shots="${1:-/tmp/lull-kiosk-shots}"
scratch="${LULL_SCRATCH_PATH:-.build}"

scripts/deps.sh chromium chromium-driver
python3 -c "import venv, ensurepip" 2>/dev/null || scripts/deps.sh python3-venv

venv=.venv-kiosk
if ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
    echo "lull: making $venv with Selenium (test tooling only)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "selenium==4.51.0"
fi

# LULL names a binary already built (scripts/test.sh passes its own build, so CI builds once).
lull="${LULL:-}"
if [ -z "$lull" ]; then
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    if ! swift build -c release --product lull --scratch-path "$scratch" >"$log" 2>&1; then
        cat "$log" >&2
        echo "lull: the release build failed" >&2
        exit 1
    fi
    lull="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/lull"
fi
"$venv/bin/python" Tests/kiosk/kiosk_test.py --lull "$lull" --shots "$shots"
