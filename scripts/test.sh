#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The whole test run, from a clean clone: system packages, a release build (which also proves the
# render path's real-time checks and shows any warnings), then every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
swift build -c release 2>&1 | tee .build-release.log | grep -E "warning:|error:" | grep -v "/.build/checkouts/" || true
if grep -E "^/.*(Sources|Tests)/.*(warning|error):" .build-release.log >/dev/null; then
    echo "lull: the release build printed warnings or errors from Lull's own code (see above)" >&2
    exit 1
fi
rm -f .build-release.log
swift test --parallel --num-workers 2
