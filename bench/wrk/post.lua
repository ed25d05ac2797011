-- A fixed POST for wrk: method, body and headers come from the environment so that one
-- script serves every stateless endpoint of scripts/bench.
--   BENCH_BODY, BENCH_CONTENT_TYPE, BENCH_AUTHORIZATION (optional)
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE")
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then
  wrk.headers["Authorization"] = authorization
end
