-- wrk script of bench/http.py: builds each request of a run (one per call of request()).
-- wrk -s bench/http.lua URL -- <mode> <data file> <first line> <run id>
-- Data lines are tab-separated; their meaning depends on the mode:
--   summary, activities: <resident access token> <resident id>
--   honour:              <resident access token> <resident id> <district code>
--   select:              <resident access token> <resident id>    (reference: one SELECT)
--   adjust, insert:      <admin access token> <resident id>       (Idempotency-Key per request)
--   flow:                <resident access token> <resident id> <activity id> <check-in code> <lat> <lng>
--   zone:                <resident access token> <resident id> <event id> <gate code>  (each line once)
-- `done` prints one JSON line with the counts, the latency percentiles and, for the flow, how
-- many data lines the run used (the next run starts past them).
--
-- The check-in flow sends a resident's next step only once the previous one is answered, as a
-- resident's phone does: each step carries `X-Request-Id: flow-<resident>-<step>`, which the
-- service echoes, and `response()` queues the resident for their next step.

local threads = 0
local all_threads = {}

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
  all_threads[#all_threads + 1] = thread
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
  -- Each thread takes every `stride`-th line from `first`: no two threads share a resident
  -- (the check-in flow), and a thread keeps only its own lines.
  stride = tonumber(args[5] or "1")
  first = tonumber(args[3]) + tid
  lines = {}
  local index = 0
  for line in io.lines(args[2]) do
    if mode ~= "flow" or (index >= first and (index - first) % stride == 0) then
      lines[#lines + 1] = split(line)
    end
    index = index + 1
  end
  position = mode == "flow" and 0 or first
  sent = 0
  enrolled = 0
  ready, head, tail = {}, 1, 0 -- residents answered, waiting for their next step
end

local function flow_line(n)
  if n >= #lines then
    error("out of flow residents")
  end
  return lines[n + 1]
end

local function next_line()
  if mode == "zone" and position >= #lines then
    error("out of zone residents")
  end
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
  elseif mode == "zone" then
    local body = '{"code":"' .. l[4] .. '"}'
    return wrk.format("POST", "/api/v1/events/" .. l[3] .. "/check-in", json_headers(l[1]), body)
  elseif mode == "flow" then
    -- Enrol, check in, check out, each resident once: a step follows its previous one's answer.
    local n, step
    if head <= tail then
      n, step = ready[head][1], ready[head][2]
      ready[head] = nil
      head = head + 1
    else
      n, step = enrolled, 1
      enrolled = enrolled + 1
    end
    local f = flow_line(n)
    local headers = json_headers(f[1])
    headers["X-Request-Id"] = "flow-" .. n .. "-" .. step
    local path = "/api/v1/activities/" .. f[3] .. STEPS[step]
    if step == 1 then
      return wrk.format("POST", path, headers, "")
    end
    local body = '{"token":"' .. f[4] .. '","lat":' .. f[5] .. ',"lng":' .. f[6]
    if step == 2 then
      body = body .. ',"device":"bench-' .. f[2] .. '"'
    end
    return wrk.format("POST", path, headers, body .. "}")
  end
  error("unknown mode " .. tostring(mode))
end

STEPS = {"/enrollments", "/check-in", "/check-out"}

function response(status, headers, body)
  if mode ~= "flow" then
    return
  end
  local id = headers["x-request-id"] or headers["X-Request-Id"]
  local n, step = string.match(id or "", "^flow%-(%d+)%-(%d)$")
  if n and status < 300 and tonumber(step) < 3 then
    tail = tail + 1
    ready[tail] = {tonumber(n), tonumber(step) + 1}
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  -- Data lines used: past the last resident any thread enrolled.
  local used = 0
  for _, thread in ipairs(all_threads) do
    local n = thread:get("enrolled") or 0
    if n > 0 then
      local last = thread:get("tid") + (n - 1) * thread:get("stride") + 1
      if last > used then
        used = last
      end
    end
  end
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50_us":%d,"p99_us":%d,"lines_used":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), used))
end
