#!/usr/bin/env bash
# Configures and builds gebi into build/<type> (default Release). Used by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
type="${1:-Release}"
dir="build/${type,,}"
shift || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
ninja -C "$dir" >&2
echo "$dir"
