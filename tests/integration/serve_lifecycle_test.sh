#!/usr/bin/env bash
# `gebi serve` as an operator runs it: starts on a port chosen at run time, answers /healthz
# and `gebi chat`, stops cleanly (exit 0) on SIGTERM. Usage: serve_lifecycle_test.sh GEBI SRC
set -euo pipefail
gebi="$1"
src="$2"
tmp=$(mktemp -d)
cleanup() { [[ -n "${pid:-}" ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
sed -e "s|^sqlite = .*|sqlite = \"$tmp/g.db\"|" -e "s|^port = .*|port = 0|" \
    -e "s|^templates = .*|templates = \"$src/templates\"|" "$src/deploy/gebi.example.toml" > "$tmp/c.toml"
"$gebi" demo --config "$tmp/c.toml" > "$tmp/demo.out"
grep -q "o_demo_resident" "$tmp/demo.out"
# The example config's token and key are public: serve refuses them without --demo (exit 2).
rc=0
"$gebi" serve --config "$tmp/c.toml" 2> "$tmp/refused.log" || rc=$?
[[ $rc -eq 2 ]] || { echo "serve with the demo token exited $rc, not 2"; cat "$tmp/refused.log"; exit 1; }
grep -q -- "--demo" "$tmp/refused.log"
"$gebi" serve --demo --config "$tmp/c.toml" 2> "$tmp/serve.log" &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/wechat.*|\1|p' "$tmp/serve.log" | head -1)
  [[ -n "$port" ]] && break
  sleep 0.05
done
[[ -n "$port" ]] || { echo "server did not start"; cat "$tmp/serve.log"; exit 1; }
curl -sf "http://127.0.0.1:$port/healthz" | grep -q '"ok"'
sed -i "s|^port = .*|port = $port|" "$tmp/c.toml"
"$gebi" chat --config "$tmp/c.toml" --openid o_demo_resident 帮助 | grep -q "你可以发送"
"$gebi" chat --config "$tmp/c.toml" --openid o_demo_resident --safe 办事时间 | grep -q "办事时间"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[[ $rc -eq 0 ]] || { echo "serve exited $rc after SIGTERM"; cat "$tmp/serve.log"; exit 1; }
grep -q "gebi stopped" "$tmp/serve.log"
# Secrets never reach the log.
! grep -q "gebidemotoken\|abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\|o_demo_resident" "$tmp/serve.log"
echo "1 passed, 0 failed"
