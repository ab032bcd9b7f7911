-- wrk's script for make bench (bench/load.py). The first argument after `--` names a file of
-- requests, one per line: a path, then a tab and a Cookie header's value, or nothing; the
-- second argument, when it is "close", sends each request on a new connection. Each
-- thread sends them in turn from a place of its own, so that, with the lines shuffled, each
-- request goes to another citizen and another page. At the end one line, "BENCH_JSON {...}",
-- gives what bench/load.py reads: responses, time, latency percentiles, socket errors, and the
-- responses other than 200 by status (wrk itself counts only statuses from 400 up, so an
-- expired session's redirect to the login would pass unnoticed).

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  prepared = {}
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]*)\t?(.*)$")
    local headers = {}
    if args[2] == "close" then
      headers["Connection"] = "close"
    end
    if cookie ~= "" then
      headers["Cookie"] = cookie
    end
    table.insert(prepared, wrk.format("GET", path, headers))
  end
  -- A prime stride apart, so two threads seldom send the same request at once.
  position = (thread_number * 7919) % #prepared
  not_200 = {}
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

function response(status, headers, body)
  if status ~= 200 then
    local key = tostring(status)
    not_200[key] = (not_200[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local statuses = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("not_200")) do
      table.insert(statuses, string.format('["%s", %d]', status, count))
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"responses": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "not_200": [%s]}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, errors.connect, errors.read, errors.write,
    errors.timeout, table.concat(statuses, ", ")))
end
