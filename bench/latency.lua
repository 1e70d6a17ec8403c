-- wrk's report of a run, one line the benchmark reads: requests per second, p95 and p50 in ms,
-- errors (answers that were not 2xx or 3xx, and timeouts), socket errors (connect, read,
-- write: with sync workers closing each connection, those of the connections still open when
-- the run stops), requests.
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.timeout
  local sockets = summary.errors.connect + summary.errors.read + summary.errors.write
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(95) / 1000,
    latency:percentile(50) / 1000, errors, summary.requests, sockets))
end
