#!/usr/bin/env bash
# Regenerates tests/data/schema.v<N>.sql (the golden schema of the latest version) from a fresh
# database migrated by the given gebi binary. Run after adding a migration step; commit the file.
set -euo pipefail
cd "$(dirname "$0")/../.."
gebi="${1:-build/dev/gebi}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e "s|^sqlite = .*|sqlite = \"$tmp/g.db\"|" deploy/gebi.example.toml > "$tmp/c.toml"
"$gebi" migrate --config "$tmp/c.toml" >/dev/null
version=$(sqlite3 "$tmp/g.db" "PRAGMA user_version")
sqlite3 "$tmp/g.db" "SELECT sql || ';' FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name" > "tests/data/schema.v$version.sql"
echo "wrote tests/data/schema.v$version.sql"
