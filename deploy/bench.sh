#!/usr/bin/env bash
# The benchmark, run by hand (never by CI; nothing here fails on time). Builds Release with
# the benchmarks, then for each scenario starts a fresh server on loopback (any free port) with
# a fresh database in a temp folder, writes a corpus of distinct signed deliveries right before
# the run (so every signature is inside the timestamp window), drives it with wrk, and prints
# req/s, p50/p99 latency, the server's peak RSS (VmHWM) and the ratio to the baseline measured
# in the same run. Then the Google Benchmark micro-benchmarks.
#
#   deploy/bench.sh                    # whole run, under 5 minutes once built
#   GEBI_BENCH_SECONDS=5 deploy/bench.sh
#   GEBI_BENCH_DIR=/dev/shm deploy/bench.sh   # databases in memory: what the disk's flushes cost
#
# Scenarios: baseline (cpp-httplib, same server settings, fixed reply); help in plaintext and
# safe mode (route + template reply); retry (the same MsgIds again: the stored reply);
# repair (报修: ticket + timeline + outbox rows, when the grid commands are built in);
# (e) help while one sender floods 2,000-character texts at 10/s (wrk's figures are the
# others'); (f) a notice to 5,000 members: the micro-benchmark OutboxDrain at the end
# (enqueue_ms: a circle owner's 「是」 confirming a real 通知 to a circle of 5,000 members, its
# one transaction; pushes/s at push.concurrency 1, 4, 8).
#
# The per-sender limits stay switched on (each delivery pays for its checks) but set out of
# reach: 1,000 senders at thousands of messages a second would otherwise be told to slow down,
# and the flood of (e) is the worst case only when nothing refuses it early.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds="${GEBI_BENCH_SECONDS:-10}"
connections="${GEBI_BENCH_CONNECTIONS:-64}"
wrk_threads="${GEBI_BENCH_WRK_THREADS:-2}"
# Corpus lines per second of run: above the fastest gebi scenario, so no MsgId repeats.
# The run reports "wrapped" if the corpus ran out anyway.
max_rate="${GEBI_BENCH_MAX_RATE:-20000}"
retry_distinct=2000  # distinct MsgIds the retry scenario delivers over and over

GEBI_WITH_BROWSER=0 GEBI_WITH_BENCH=1 deploy/install-deps.sh
if [[ -n "${GEBI_BENCH_BUILD:-}" ]]; then
  # An existing build folder configured with -DGEBI_BUILD_BENCH=ON (e.g. build/dev, for
  # profiling with symbols): only brought up to date.
  build=$(cd "$GEBI_BENCH_BUILD" && pwd)
else
  build="$root/build/bench"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGEBI_BUILD_TESTS=OFF \
    -DGEBI_BUILD_BENCH=ON >/dev/null
fi
ninja -C "$build" gebi gebi_bench baseline_server gebi_corpus >&2

# The bench config must come from its own file only.
unset GEBI_WECHAT_TOKEN GEBI_WECHAT_APPSECRET GEBI_WECHAT_AES_KEY
tmp=$(mktemp -d "${GEBI_BENCH_DIR:-/tmp}/gebi-bench.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# A config for scenario folder $1: loopback, any free port, fresh database, server.* defaults
# but for threads: one per connection wrk and the flood hold open, as a deployment sets it
# (a connection beyond them waits for a thread, and busy ones are closed to let it in).
threads=$((connections + 8 > 64 ? connections + 8 : 64))
write_config() {
  local dir=$1
  mkdir -p "$dir"
  cat >"$dir/gebi.toml" <<TOML
[server]
host = "127.0.0.1"
port = 0
threads = $threads
[wechat]
token = "gebibenchtoken"
appid = "wxd0000000000demo"
encoding_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
account_id = "gh_gebi_demo"
[storage]
sqlite = "$dir/gebi.db"
data_dir = "$dir/var"
[paths]
templates = "$root/templates"
[log]
level = "info"
[limits]
messages_per_minute = 100000
open_tickets_per_resident = 100000
repairs_per_hour = 100000
repeat_repair_minutes = 0
TOML
}

# Starts "$@" in the background with its output in $log; waits for its "listening on" line
# and sets server_pid and port.
start_server() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 200); do
    port=$(grep -o 'listening on [a-z:/]*127\.0\.0\.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    if [[ -n "$port" ]]; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "bench: server did not start:" >&2
  cat "$log" >&2
  exit 1
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}

peak_rss_mib() {
  awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status"
}

# run_wrk CORPUS MODE: drives the running server; sets the w_* variables from the GEBI_WRK line.
run_wrk() {
  local out
  out=$(wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --timeout 10s \
    -s "$root/tests/bench/corpus.lua" "http://127.0.0.1:$port" -- "$1" "$wrk_threads" "$2")
  local line
  line=$(grep '^GEBI_WRK' <<<"$out") || {
    echo "$out" >&2
    exit 1
  }
  for kv in ${line#GEBI_WRK }; do
    printf -v "w_${kv%%=*}" '%s' "${kv#*=}"
  done
}

corpus() {  # corpus DIR OUT COUNT [gebi_corpus options...]
  local dir=$1 out=$2 count=$3
  shift 3
  "$build/gebi_corpus" --config "$dir/gebi.toml" --out "$out" --count "$count" "$@"
}

rows=()
baseline_rps=""
# record NAME CHECK: one table row from the w_* variables and the peak RSS.
record() {
  local name=$1 check=$2 ratio="-"
  if [[ -n "$baseline_rps" ]]; then
    ratio=$(awk -v a="$w_req_s" -v b="$baseline_rps" 'BEGIN { printf "%.2f", a / b }')
  fi
  rows+=("$(printf '%-22s %10.0f %9.2f %9.2f %7s %9s  %s' "$name" "$w_req_s" \
    "$(awk -v u="$w_p50_us" 'BEGIN { print u / 1000 }')" \
    "$(awk -v u="$w_p99_us" 'BEGIN { print u / 1000 }')" "$ratio" "$rss" "$check")")
  echo "bench: $name done: $w_req_s req/s" >&2
}

sql() { sqlite3 "$1/gebi.db" "$2"; }

# wrk's own counters: any non-2xx, socket error or timeout is a failed check.
wrk_check() {
  if [[ "$w_non2xx" != 0 || "$w_errors" != 0 || "$w_timeouts" != 0 || "$w_wrapped" != 0 ]]; then
    echo "FAIL non2xx=$w_non2xx errors=$w_errors timeouts=$w_timeouts wrapped=$w_wrapped"
    return 1
  fi
}

count=$((max_rate * seconds))

# (d) baseline: same settings, fixed reply; it ignores the body, so the corpus just cycles.
dir="$tmp/baseline"
write_config "$dir"
corpus "$dir" "$dir/corpus" 20000
start_server "$dir/server.log" "$build/baseline_server" --config "$dir/gebi.toml"
run_wrk "$dir/corpus" cycle
rss=$(peak_rss_mib)
stop_server
baseline_rps=$w_req_s
record "baseline (httplib)" "$(wrk_check || true)"

# (a) help: keyword rule -> help handler -> template reply, one ledger row per delivery.
for mode in plain safe; do
  dir="$tmp/help-$mode"
  write_config "$dir"
  "$build/gebi" migrate --config "$dir/gebi.toml" >/dev/null
  flag=()
  if [[ $mode == safe ]]; then flag=(--safe); fi
  corpus "$dir" "$dir/corpus" "$count" --text 帮助 "${flag[@]}"
  start_server "$dir/server.log" "$build/gebi" serve --demo --config "$dir/gebi.toml"
  run_wrk "$dir/corpus" once
  rss=$(peak_rss_mib)
  stop_server
  ledger=$(sql "$dir" "SELECT count(*) FROM inbound_ledger WHERE outcome = 'ok' AND route LIKE '%:help'")
  check=$(wrk_check) || true
  # Every answered delivery is in the ledger; at most the requests in flight at the end more.
  if [[ -z "$check" ]]; then
    if ((ledger >= w_requests && ledger <= w_requests + connections)); then
      check="ok: $ledger ledger rows"
    else
      check="FAIL: $ledger ledger rows for $w_requests replies"
    fi
  fi
  record "(a) help $mode" "$check"
done

# (e) help (plain) while one sender sends 2,000-character texts at 10/s for the whole run. The
# flood is a second wrk (one connection, 100 ms between requests, tests/bench/flood.lua), so
# the first wrk's latencies are only the other residents'. Compare with "(a) help plain" above.
dir="$tmp/flood"
write_config "$dir"
"$build/gebi" migrate --config "$dir/gebi.toml" >/dev/null
corpus "$dir" "$dir/corpus" "$count" --text 帮助
long_text=$(printf '灯%.0s' $(seq 1 2000))
corpus "$dir" "$dir/flood" $((seconds * 10 + 20)) --text "$long_text" --senders 1 \
  --sender-prefix o_flood_ --msgid-base 900000000
start_server "$dir/server.log" "$build/gebi" serve --demo --config "$dir/gebi.toml"
wrk -t1 -c1 -d"${seconds}s" --timeout 10s -s "$root/tests/bench/flood.lua" \
  "http://127.0.0.1:$port" -- "$dir/flood" 1 once 100 >"$dir/flood.out" &
flood_pid=$!
run_wrk "$dir/corpus" once
wait "$flood_pid" || true
rss=$(peak_rss_mib)
stop_server
# 2,000 characters is server.max_text_chars itself: the longest text that is still routed.
flooded=$(sql "$dir" "SELECT count(*) FROM inbound_ledger WHERE openid LIKE 'o_flood_%'")
ledger=$(sql "$dir" "SELECT count(*) FROM inbound_ledger WHERE outcome = 'ok' AND route LIKE '%:help'")
check=$(wrk_check) || true
if [[ -z "$check" ]]; then
  if ((flooded >= seconds * 8 && ledger >= w_requests && ledger <= w_requests + connections)); then
    check="ok: $flooded long texts answered, $ledger help rows"
  else
    check="FAIL: $flooded long texts recorded, $ledger help rows for $w_requests replies"
  fi
fi
record "(e) help + 2000-char flood" "$check"

# (c) WeChat retries: $retry_distinct MsgIds (safe mode) delivered over and over; after the first
# round every delivery is a duplicate answered from the ledger.
dir="$tmp/retry"
write_config "$dir"
"$build/gebi" migrate --config "$dir/gebi.toml" >/dev/null
corpus "$dir" "$dir/corpus" "$retry_distinct" --text 帮助 --safe
start_server "$dir/server.log" "$build/gebi" serve --demo --config "$dir/gebi.toml"
run_wrk "$dir/corpus" cycle
rss=$(peak_rss_mib)
stop_server
ledger=$(sql "$dir" "SELECT count(*) FROM inbound_ledger")
dups=$(grep -c 'outcome=duplicate' "$dir/server.log" || true)
check=$(wrk_check) || true
if [[ -z "$check" ]]; then
  if ((ledger == retry_distinct)); then
    check="ok: $ledger ledger rows, $dups duplicates answered"
  else
    check="FAIL: $ledger ledger rows for $retry_distinct MsgIds"
  fi
fi
record "(c) retry safe" "$check"

# (b) 报修: each delivery creates a ticket in the sender's grid, its timeline row and outbox
# rows for the grid's worker and matching volunteers, all in the delivery's transaction. The
# demo community supplies grids, workers and volunteers; $repair_senders bench residents join
# the grids that have a worker (SQL: the bench's own setup, like a CSV import would).
repair_senders=1000
dir="$tmp/repair"
write_config "$dir"
"$build/gebi" migrate --config "$dir/gebi.toml" >/dev/null
"$build/gebi" demo --config "$dir/gebi.toml" >/dev/null
sql "$dir" "
  CREATE TEMP TABLE worker_grids AS
    SELECT row_number() OVER (ORDER BY unit_id) - 1 AS k, unit_id AS id
    FROM (SELECT DISTINCT unit_id FROM role_grants WHERE role = 'grid_worker');
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $repair_senders - 1)
  INSERT INTO residents(openid, grid_id, name, building, room, joined_at, updated_at)
    SELECT printf('o_bench_%06d', i), g.id,
           '住户' || i, (i % 20 + 1) || '幢', (i % 6 + 1) * 100 + i % 4 + 1,
           strftime('%s', 'now'), strftime('%s', 'now')
    FROM n JOIN worker_grids g ON g.k = i % (SELECT count(*) FROM worker_grids);"
if [[ $(sql "$dir" "SELECT count(*) FROM rules WHERE pattern = '报修'") == 0 ]]; then
  echo "bench: no 报修 rule in this build: scenario (b) skipped" >&2
else
  corpus "$dir" "$dir/corpus" "$count" --text "报修 楼道灯坏了" --senders "$repair_senders"
  start_server "$dir/server.log" "$build/gebi" serve --demo --config "$dir/gebi.toml"
  run_wrk "$dir/corpus" once
  rss=$(peak_rss_mib)
  stop_server
  tickets=$(sql "$dir" "SELECT count(*) FROM tickets WHERE reporter LIKE 'o_bench_%'")
  events=$(sql "$dir" "SELECT count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
                       WHERE t.reporter LIKE 'o_bench_%'")
  outbox=$(sql "$dir" "SELECT count(*) FROM outbox WHERE kind = 'ticket_new'")
  ledger=$(sql "$dir" "SELECT count(*) FROM inbound_ledger WHERE route LIKE '%:repair'")
  # Tickets without a timeline row or without a push: must be none.
  orphans=$(sql "$dir" "SELECT count(*) FROM tickets WHERE reporter LIKE 'o_bench_%' AND (
             id NOT IN (SELECT ticket_id FROM ticket_events) OR
             id NOT IN (SELECT json_extract(payload, '$.ticket_id') FROM outbox
                        WHERE kind = 'ticket_new'))")
  check=$(wrk_check) || true
  if [[ -z "$check" ]]; then
    if ((tickets == ledger && orphans == 0 && tickets >= w_requests &&
      tickets <= w_requests + connections)); then
      check="ok: $tickets tickets, $events timeline, $outbox outbox rows"
    else
      check="FAIL: $tickets tickets, $ledger ledger, $orphans incomplete, $w_requests replies"
    fi
  fi
  record "(b) repair plain" "$check"
fi

echo
echo "gebi benchmark: $(nproc) cores, $(awk '/model name/ { $1=$2=$3=""; print; exit }' /proc/cpuinfo | sed 's/^ *//'), wrk -t$wrk_threads -c$connections -d${seconds}s on the same machine"
printf '%-22s %10s %9s %9s %7s %9s  %s\n' scenario "req/s" "p50 ms" "p99 ms" ratio "RSS MiB" check
for r in "${rows[@]}"; do echo "$r"; done
echo
"$build/gebi_bench" --benchmark_min_time=0.2
