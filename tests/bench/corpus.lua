-- wrk script for deploy/bench.sh: replays a corpus written by gebi_corpus, one POST per line
-- ("<path>?<query>\t<escaped body>"). wrk thread t of n sends lines t, t+n, t+2n, ... so no
-- line (no MsgId) is sent twice in a run. Running out of lines wraps around and is reported,
-- unless the mode is "cycle" (the retry scenario wants the same MsgIds again).
--
--   wrk -t2 -c64 -d10s -s tests/bench/corpus.lua http://127.0.0.1:PORT -- CORPUS THREADS [once|cycle]
-- Prints one line: GEBI_WRK requests=.. req_s=.. p50_us=.. p99_us=.. non2xx=.. errors=.. wrapped=..

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local unescape_map = { ["\\"] = "\\", n = "\n", r = "\r", t = "\t" }

local requests = {}
local pos = 0
wrapped = 0

function init(args)
  local file, nthreads, mode = args[1], tonumber(args[2]), args[3] or "once"
  if file == nil or nthreads == nil then
    error("usage: -s corpus.lua URL -- CORPUS THREADS [once|cycle]")
  end
  cycle = mode == "cycle"
  local headers = { ["Content-Type"] = "text/xml" }
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == tid then
      local tab = line:find("\t", 1, true)
      local path = line:sub(1, tab - 1)
      local body = line:sub(tab + 1):gsub("\\(.)", unescape_map)
      requests[#requests + 1] = wrk.format("POST", path, headers, body)
    end
    i = i + 1
  end
  if #requests == 0 then error("corpus " .. file .. " has no line for thread " .. tid) end
end

function request()
  pos = pos + 1
  if pos > #requests then
    pos = 1
    wrapped = wrapped + 1
  end
  return requests[pos]
end

function done(summary, latency, requests)
  local wraps, cycling = 0, false
  for _, t in ipairs(threads) do
    wraps = wraps + (t:get("wrapped") or 0)
    cycling = cycling or t:get("cycle")
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "GEBI_WRK requests=%d req_s=%.1f p50_us=%d p99_us=%d max_us=%d non2xx=%d errors=%d " ..
    "timeouts=%d wrapped=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write, e.timeout,
    cycling and 0 or wraps))
end
