-- wrk script for deploy/bench.sh's scenario (e): replays a corpus as corpus.lua does, but each
-- connection waits DELAY_MS between its requests (wrk's delay()). One wrk process keeps the
-- flood at a steady rate without starting a client process per request, whose start-up would
-- take CPU from the server being measured.
--
--   wrk -t1 -c1 -d10s -s tests/bench/flood.lua http://127.0.0.1:PORT -- CORPUS 1 once DELAY_MS
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "corpus.lua")

local corpus_init = init
local delay_ms = 0

function init(args)
  delay_ms = tonumber(args[4]) or error("usage: -s flood.lua URL -- CORPUS THREADS MODE DELAY_MS")
  corpus_init(args)
end

function delay()
  return delay_ms
end
