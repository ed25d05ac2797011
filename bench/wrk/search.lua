-- Catalog searches for wrk: one- to four-word queries, with and without diacritics, taken in
-- turn; done() prints the 95th percentile, which wrk's own report leaves out.
local queries = {
  "giay phep", "cấp giấy phép", "dang ky kinh doanh", "Đăng ký khai sinh", "thuong tru",
  "chứng chỉ hành nghề", "an toan thuc pham", "xây dựng", "cap lai giay chung nhan", "lao dong nuoc ngoai",
  "tro cap", "ho tich", "dat dai", "gia han giay phep", "khai thác khoáng sản", "thu y",
}
local i = 0

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  i = i % #queries + 1
  return wrk.format("GET", "/api/v1/procedures?q=" .. encode(queries[i]) .. "&limit=20")
end

done = function(summary, latency, requests)
  io.write(string.format("p95_us=%d\n", latency:percentile(95)))
end
