-- wrk script: request the paths given after "--" in turn, and print the
-- result as one JSON line that bench/run.py reads.
--   wrk -t2 -c10 -d10s -s bench/rotate.lua http://127.0.0.1:8000 -- /a /b

local paths = {}
local counter = 0

function init(args)
  for i, path in ipairs(args) do
    paths[i] = path
  end
  if #paths == 0 then
    paths[1] = "/"
  end
  -- Threads start at different places in the list.
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
