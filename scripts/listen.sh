#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Renders a two-minute sample of every palette at a tense and at a calm setting into a folder, so
# anyone can hear what the palettes are and what tension does to each:
#   tense: tension 0.9 (aeolian, a chord every bar, a dense high melody), 78 BPM, -23 LUFS
#   calm:  tension 0.1 (ionian, chords held for bars, a sparse low melody), 56 BPM, -27 LUFS
# both with a 3 LU breath swell (tense at 12 breaths a minute, calm at 6).
# Usage: scripts/listen.sh [FOLDER]   (default: listen/)
set -euo pipefail
cd "$(dirname "$0")/.."
folder=${1:-listen}
mkdir -p "$folder"

scripts/deps.sh
swift build -c release --product lull >&2
lull=.build/release/lull
"$lull" render --list-palettes
for palette in $("$lull" render --list-palettes | cut -d' ' -f1); do
    "$lull" render --minutes 2 --palette "$palette" --tension 0.9 --tempo 78 --loudness -23 --breath 12 --swell 3 \
        --out "$folder/$palette-tense.wav" | sed "s/^/$palette tense: /"
    "$lull" render --minutes 2 --palette "$palette" --tension 0.1 --tempo 56 --loudness -27 --breath 6 --swell 3 \
        --out "$folder/$palette-calm.wav" | sed "s/^/$palette calm: /"
done
echo "listen: $(ls "$folder"/*.wav | wc -l) samples in $folder/"
