#!/usr/bin/env bash
# The layout's two promises, checked before every build by deploy/test.sh:
# 1. folders are layers and includes point one way: bot -> handlers -> storage (storage/ never
#    includes handlers/ or bot/; handlers/ never includes bot/);
# 2. README.md's "Where things live" table names every header under bot/, handlers/ and
#    storage/, and every header it names exists.
# Exits 1 naming each offending line or file.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
bad=$( { grep -rnE '^\s*#\s*include\s*"(bot|handlers)/' storage || true
         grep -rnE '^\s*#\s*include\s*"bot/' handlers || true; } )
if [[ -n "$bad" ]]; then
  echo "check-layout: an include points up the layers (bot -> handlers -> storage only):" >&2
  echo "$bad" >&2
  status=1
fi
in_tree=$(find bot handlers storage -name '*.h' | sort)
in_readme=$(sed -n '/^## Where things live/,/^## /p' README.md |
            grep -oE '^\| `(bot|handlers|storage)/[^`]*\.h`' | tr -d '|` ' | sort)
missing=$(comm -23 <(echo "$in_tree") <(echo "$in_readme"))
stale=$(comm -13 <(echo "$in_tree") <(echo "$in_readme"))
if [[ -n "$missing" ]]; then
  echo "check-layout: headers missing from README.md's \"Where things live\":" >&2
  echo "$missing" >&2
  status=1
fi
if [[ -n "$stale" ]]; then
  echo "check-layout: README.md's \"Where things live\" names headers that do not exist:" >&2
  echo "$stale" >&2
  status=1
fi
if [[ $status -eq 0 ]]; then
  echo "check-layout: bot -> handlers -> storage holds; README names all $(echo "$in_tree" | wc -l) headers"
fi
exit $status
