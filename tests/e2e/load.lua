-- A mix of what raters do, for tests/e2e/test_load.sh: open their link,
-- look at a page, save a page of answers. Links and form tokens come from
-- $LINKS (lines "token csrf"); every reply must be 200 or 303.
local links, items = {}, {}
local bad = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("LINKS")) do
    local tok, csrf = line:match("^(%S+) (%S+)")
    links[#links + 1] = { tok, csrf }
  end
  for line in io.lines(os.getenv("ITEMS")) do items[#items + 1] = line end
end

function request()
  local l = links[math.random(#links)]
  local r = math.random(3)
  if r == 1 then
    return wrk.format("GET", "/r/" .. l[1])
  elseif r == 2 then
    return wrk.format("GET", "/r/" .. l[1] .. "?p=" .. math.random(3))
  end
  local body = { "csrf=", l[2], "&step=1&go=next&o_aanwezig=Bij+de+wijkavond." }
  for i = 1, 4 do body[#body + 1] = "&a_" .. items[i] .. "=" .. math.random(5) end
  return wrk.format("POST", "/r/" .. l[1], { ["Content-Type"] = "application/x-www-form-urlencoded" },
                    table.concat(body))
end

function response(status, headers, body)
  if status ~= 200 and status ~= 303 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("bad") or 0) end
  io.write(string.format("bad replies: %d\n", total))
  io.write(string.format("p99 ms: %.2f\n", latency:percentile(99) / 1000))
end
