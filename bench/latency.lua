-- wrk's report of a run, one line the benchmark reads: requests per second, p95 and p50 in ms,
-- errors, requests.
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(95) / 1000,
    latency:percentile(50) / 1000, errors, summary.requests))
end
