-- Refresh-token grants for wrk. Refresh tokens rotate and a reused one revokes its family, so
-- every request must spend a token that no other request is spending: the script keeps a pool
-- of unspent tokens (at least one per connection, read from BENCH_TOKENS_FILE), takes one per request and
-- puts back the token each answer returns.
local pool = {}
local client_id = os.getenv("BENCH_CLIENT_ID")

function init(args)
  for line in io.lines(os.getenv("BENCH_TOKENS_FILE")) do
    if line ~= "" then table.insert(pool, line) end
  end
end

function request()
  local token = table.remove(pool)
  if token == nil then token = "pool-empty" end
  local body = "grant_type=refresh_token&client_id=" .. client_id .. "&refresh_token=" .. token
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function response(status, headers, body)
  local token = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
  if token then table.insert(pool, token) end
end
