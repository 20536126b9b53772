#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Lull's main job on its embedded default. Until the guided session lands, that is the HRV analysis
# of a bundled chest-strap recording (a Polar H10 session with slow breathing).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
swift build -c release --product lull >&2
exec .build/release/lull hrv Tests/HRVCoreTests/Fixtures/rr/polar_h10_slow_breathing_brennan.txt "$@"
