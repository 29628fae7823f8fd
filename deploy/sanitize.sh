#!/usr/bin/env bash
# Builds gebi and its tests with AddressSanitizer + UBSan (GCC is fine) into build/sanitize and
# runs the ctest suite there. Extra arguments go to ctest. Exits non-zero on any failure or
# sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
dir=build/sanitize
# Debug at -O1: compiles much faster than -O2 under ASan and runs fast enough; -g1 (line
# tables) is all a report's file:line needs and keeps the objects small. At -O1 under ASan,
# GCC 12's -Wmaybe-uninitialized misfires inside libstdc++'s <regex> as cpp-httplib's route
# matching instantiates it (10 warnings, all in std_function.h); the -O2 build of
# deploy/test.sh keeps the warning and fails on any (GEBI_WERROR).
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1 -Wno-maybe-uninitialized" \
  -DGEBI_BUILD_TESTS=ON -DGEBI_SANITIZE=ON >/dev/null
ninja -C "$dir" -j"${GEBI_JOBS:-2}" gebi gebi_tests >&2
# halt_on_error: the first report fails the test that caused it instead of scrolling past.
# detect_leaks: the suite is leak-free, so a new leak is a regression.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# admin_console_browser is left out: it drives headless Chromium through node to test the
# console's JavaScript, which ASan does not see, and needs the npm install of deploy/test.sh.
# serve_lifecycle stays: it runs the sanitized gebi binary through demo, serve and SIGTERM.
ctest --test-dir "$dir" --output-on-failure -j"${GEBI_JOBS:-2}" -E 'admin_console_browser' "$@"
