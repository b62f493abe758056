-- wrk script for scripts/bench-http.sh: POST /api/v1/petitions with a
-- different petitioner and matter on every request (nothing is a repeat),
-- optionally mixed with staff reads (case page, filtered list, search,
-- dashboard) at READ_RATIO, authorised by STAFF_TOKEN. Prints one JSON line.
local counter = 0
local next_tid = 0
tid = 0
local threads = {}
local topics = {"小区逾期交房", "工地拖欠工资", "夜间施工噪音", "村道塌陷", "物业乱收费", "征地补偿不到位", "学校周边交通拥堵", "医保报销困难"}
local reads = {
  "/api/v1/cases?status=handling&limit=20",
  "/api/v1/search?q=%E4%BA%A4%E6%88%BF",
  "/api/v1/stats/overview?from=2026-01-01&to=2026-12-31",
  "/api/v1/cases?limit=20",
}
local ratio = tonumber(os.getenv("READ_RATIO") or "0")
local token = os.getenv("STAFF_TOKEN") or ""
function setup(thread)
  thread:set("tid", next_tid); next_tid = next_tid + 1
  table.insert(threads, thread)
end
function init(args)
  bad = 0
  math.randomseed(tid + 1)
end
function request()
  counter = counter + 1
  if ratio > 0 and math.random() < ratio then
    local path = reads[(counter % #reads) + 1]
    return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token}, nil)
  end
  local n = tid * 10000000 + counter
  local phone = string.format("139%08d", n % 100000000)
  local topic = topics[(n % #topics) + 1]
  local body = string.format('{"petitioners":[{"name":"测试%d","phone":"%s","address":"杭州市上城区某街道%d号"}],"kind":"claim","request":"请求解决%s问题（编号%d）","facts":"%s已持续%d个月，多次反映未果。","reasons":"影响正常生活。","region_code":"330102"}', n, phone, n % 997, topic, n, topic, n % 24 + 1)
  return wrk.format("POST", "/api/v1/petitions", {["Content-Type"] = "application/json"}, body)
end
function response(status, headers, body)
  if status >= 300 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + (t:get("bad") or 0) end
  io.write(string.format('{"requests":%d,"errors":%d,"secs":%.2f,"per_sec":%.0f,"p50_ms":%.2f,"p99_ms":%.2f,"p999_ms":%.2f,"max_ms":%.2f,"read_ratio":%.2f}\n',
    summary.requests, b + summary.errors.status + summary.errors.connect + summary.errors.timeout,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, ratio))
end
