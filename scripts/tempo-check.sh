#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The tempo an independent beat tracker (librosa, in a test-tooling venv beside the project,
# .venv-audio, never part of Lull itself) hears in `lull render` glides from 90 to 45 BPM at a tense,
# the default and a calm tension, and at fixed tempos; scripts/tempo-check.py says how it reads them.
# Usage: scripts/tempo-check.sh [OUT_DIR]   (LULL=PATH, default .build-tests/release/lull)
set -euo pipefail
cd "$(dirname "$0")/.."
lull="${LULL:-.build-tests/release/lull}"
out="${1:-/tmp/lull-tempo-check}"
mkdir -p "$out"
python3 -c "import venv, ensurepip" 2>/dev/null || scripts/deps.sh python3-venv
venv=.venv-audio
if ! "$venv/bin/python" -c "import librosa" 2>/dev/null; then
    echo "lull: making $venv with librosa (test tooling only)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "librosa==0.11.0" soundfile
fi
status=0
for tension in 1 0.3 0; do
    "$lull" render --minutes 10 --tempo 90:45 --tension "$tension" --out "$out/glide-$tension.wav" >/dev/null
    "$venv/bin/python" scripts/tempo-check.py "$out/glide-$tension.wav" --tempo 90:45 --label "tension $tension: " || status=1
done
for bpm in 90 60 45; do
    "$lull" render --minutes 1 --tempo "$bpm" --out "$out/fixed-$bpm.wav" >/dev/null
    "$venv/bin/python" scripts/tempo-check.py "$out/fixed-$bpm.wav" --tempo "$bpm" --label "$bpm BPM: " || status=1
done
exit $status
