#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to every test passing: installs what is missing,
# builds (with tests), installs the browser tests' npm lockfile, and runs them all through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/check-layout.sh
# CI builds with warnings as errors: the tree stays at zero warnings.
werror=OFF
if [[ "${CI:-}" == true ]]; then werror=ON; fi
dir=$(deploy/build.sh RelWithDebInfo -DGEBI_BUILD_TESTS=ON -DGEBI_WERROR="$werror")
# The admin console's browser tests: playwright-core from the committed lockfile (no browser
# download; they drive Debian's /usr/bin/chromium).
(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
ctest --test-dir "$dir" --output-on-failure -j2 "$@"
