#!/usr/bin/env bash
# The hardening half of CI, run by .ci/run after deploy/test.sh: the whole test suite under
# ASan + UBSan, then every fuzz target for a short while on its seed corpus. Arguments: the
# seconds per fuzz target (default 30; 7 targets, about 4 minutes of fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/sanitize.sh
deploy/fuzz.sh "${1:-30}"
