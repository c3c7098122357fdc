-- wrk script for bench/ratings.py: POST /api/v1/ratings, each token from the token file used once.
--
-- Run with ONE wrk thread (-t1; one thread easily drives tens of thousands of requests a second).
-- Environment: BENCH_TOKENS (file, one token a line), BENCH_OFFSET (lines to skip), BENCH_COUNT (tokens
-- to send), BENCH_OUT (JSON result file).
-- The run is count-bound: when every token has had its answer, the thread stops and wrk is interrupted
-- (SIGINT to itself), so wrk's duration is the time taken to ingest BENCH_COUNT ratings and every
-- rating sent has been answered: the ratings table must then hold exactly the 201s.
-- While the last answers are outstanding, idle connections send a filler `GET /api/v1/ratings`
-- (staff only, so 401, never written) instead of a rating; fillers are counted apart.
local ffi = require("ffi")
ffi.cdef [[ int kill(int pid, int sig); int getpid(void); ]]

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

-- A plausible mix: mostly good, 1 in 100 bad (差评; real systems see far fewer, ~0.01 %).
local LEVELS = { "very_satisfied", "satisfied", "very_satisfied", "basic", "satisfied" }
local tokens = {}
local filler

sent, answered, ok, fillers, fillers_answered = 0, 0, 0, 0, 0
ids = {}
statuses = {}

function init(args)
  local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
  local count = tonumber(os.getenv("BENCH_COUNT") or "0")
  local i = 0
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    i = i + 1
    if i > offset + count then break end
    if i > offset then tokens[#tokens + 1] = line end
  end
  wrk.headers["Content-Type"] = "application/json"
  filler = wrk.format("GET", "/api/v1/ratings")
end

local verified = false

function request()
  if not verified then
    -- wrk calls request() once on thread 1's state to check the request before the run starts and never
    -- sends what it returns: hand it a filler, not a token.
    verified = true
    return filler
  end
  if sent >= #tokens then
    fillers = fillers + 1
    return filler
  end
  sent = sent + 1
  local level = (sent % 100 == 0) and "dissatisfied" or LEVELS[sent % 5 + 1]
  local body = '{"token":"' .. tokens[sent] .. '","level":"' .. level .. '"}'
  return wrk.format("POST", "/api/v1/ratings", nil, body)
end

function response(status, headers, body)
  if status == 401 then
    fillers_answered = fillers_answered + 1
    return
  end
  answered = answered + 1
  if status == 201 then
    ok = ok + 1
    ids[#ids + 1] = tonumber(string.match(body, '"id":%s*(%d+)'))
  else
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  end
  if answered >= #tokens then
    wrk.thread:stop()
    ffi.C.kill(ffi.C.getpid(), 2) -- SIGINT: wrk stops sleeping and reports the real duration
  end
end

local function json_list(list)
  local parts = {}
  for i, v in ipairs(list) do parts[i] = string.format("%d", v) end
  return "[" .. table.concat(parts, ",") .. "]"
end

local function json_map(map)
  local parts = {}
  for k, v in pairs(map) do parts[#parts + 1] = string.format('"%s":%d', k, v) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local t = threads[1]
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"duration_us":%d,"sent":%d,"answered":%d,"ok":%d,"fillers":%d,"fillers_answered":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d},"statuses":%s,"ids":%s}',
    summary.duration, t:get("sent"), t:get("answered"), t:get("ok"), t:get("fillers"), t:get("fillers_answered"),
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    json_map(t:get("statuses")), json_list(t:get("ids"))))
  out:close()
end
