#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Lull's main job on its embedded default: a whole 20-minute guided session with the simulated
# (anxious) listener, run as fast as the machine allows, the music written to session.wav.
# Extra arguments go to `lull session` (e.g. --profile calm --seed 7 --json).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
swift build -c release --product lull >&2
exec .build/release/lull session --fast --minutes 20 --audio session.wav "$@"
