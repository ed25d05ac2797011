-- Public tracking for wrk: `GET /api/v1/track/{code}` over the dossier codes in the file named
-- by BENCH_CODES_FILE (one per line; written by `motcua_bench_dossier http … <codes file>`),
-- in a fixed pseudo-random order, so that the lookups spread over every dossier the run made
-- rather than repeating one.
local codes = {}
for line in io.lines(os.getenv("BENCH_CODES_FILE")) do
  if line ~= "" then codes[#codes + 1] = line end
end
assert(#codes > 0, "no dossier codes in BENCH_CODES_FILE")
math.randomseed(20261205)

request = function()
  return wrk.format("GET", "/api/v1/track/" .. codes[math.random(#codes)])
end
