-- wrk script of bench/http.py: builds each request of a run (one per call of request()).
-- wrk -s bench/http.lua URL -- <mode> <data file> <first line> <run id>
-- Data lines are tab-separated; their meaning depends on the mode:
--   summary, activities: <resident access token> <resident id>
--   honour:              <resident access token> <resident id> <district code>
--   select:              <resident access token> <resident id>    (reference: one SELECT)
--   adjust, insert:      <admin access token> <resident id>       (Idempotency-Key per request)
--   flow:                <resident access token> <resident id> <activity id> <check-in code> <lat> <lng>
-- `done` prints one JSON line with the counts and the latency percentiles.

local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local function split(line)
  local fields = {}
  for field in string.gmatch(line, "[^\t]+") do
    fields[#fields + 1] = field
  end
  return fields
end

function init(args)
  mode, run = args[1], args[4]
  lines = {}
  for line in io.lines(args[2]) do
    lines[#lines + 1] = split(line)
  end
  -- Each thread takes every `stride`-th line from `first`: no two requests share a resident
  -- where the mode needs it (the check-in flow).
  stride = tonumber(args[5] or "1")
  first = tonumber(args[3]) + tid
  position = first
  sent = 0
  enrolled, checked_in, checked_out = 0, 0, 0
  lag = tonumber(args[6] or "64")
end

local function flow_line(n)
  return lines[((first + n * stride) % #lines) + 1]
end

local function next_line()
  local line = lines[(position % #lines) + 1]
  position = position + stride
  sent = sent + 1
  return line
end

local function json_headers(token)
  return {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
end

function request()
  if tid == 0 and not verified then
    -- wrk calls request() once on the first thread to check what it returns, and never
    -- sends that request: do not spend a resident's step on it.
    verified = true
    return wrk.format("GET", "/healthz")
  end
  local l = next_line()
  if mode == "summary" then
    return wrk.format("GET", "/api/v1/me/summary", json_headers(l[1]))
  elseif mode == "activities" then
    return wrk.format("GET", "/api/v1/activities?limit=20", json_headers(l[1]))
  elseif mode == "honour" then
    return wrk.format("GET", "/api/v1/districts/" .. l[3] .. "/honour-roll", json_headers(l[1]))
  elseif mode == "select" then
    return wrk.format("GET", "/select?id=" .. l[2], json_headers(l[1]))
  elseif mode == "adjust" or mode == "insert" then
    local headers = json_headers(l[1])
    headers["Idempotency-Key"] = "bench-" .. run .. "-" .. tid .. "-" .. sent
    local body = '{"resident":"' .. l[2] .. '","amount":1,"reason":"压测调整"}'
    local path = mode == "adjust" and "/api/v1/credits/adjustments" or "/insert"
    return wrk.format("POST", path, headers, body)
  elseif mode == "flow" then
    -- Enrol, check in, check out, each resident once. A step follows its previous one by
    -- `lag` requests, so with every connection holding one request at most, the previous step
    -- has been answered (a step sent too early would show up as an error).
    local step, n
    if enrolled - checked_in > lag then
      step, n = "/check-in", checked_in
      checked_in = checked_in + 1
    elseif checked_in - checked_out > lag then
      step, n = "/check-out", checked_out
      checked_out = checked_out + 1
    else
      step, n = "/enrollments", enrolled
      enrolled = enrolled + 1
    end
    local f = flow_line(n)
    local headers = json_headers(f[1])
    local path = "/api/v1/activities/" .. f[3] .. step
    if step == "/enrollments" then
      return wrk.format("POST", path, headers, "")
    end
    local body = '{"token":"' .. f[4] .. '","lat":' .. f[5] .. ',"lng":' .. f[6]
    if step == "/check-in" then
      body = body .. ',"device":"bench-' .. f[2] .. '"'
    end
    return wrk.format("POST", path, headers, body .. "}")
  end
  error("unknown mode " .. tostring(mode))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
