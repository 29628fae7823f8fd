#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to every test passing: installs what is missing,
# builds (with tests), and runs them all through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
dir=$(deploy/build.sh RelWithDebInfo -DGEBI_BUILD_TESTS=ON)
ctest --test-dir "$dir" --output-on-failure -j2 "$@"
