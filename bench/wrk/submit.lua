-- POST one complete response (every item of $ITEMS, an open answer) per
-- link in $TOKENS; each wrk thread takes its own share of the links, so no
-- link is used twice while there are enough. Counts the replies that are
-- not the 303 of an accepted submission.
local links = {}
local items = {}
local next_link = 0
local bad = 0
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("THREADS") or "2")
  local k = 0
  for line in io.lines(os.getenv("TOKENS")) do
    if k % n == id then
      local tok, csrf = line:match("^(%S+) (%S+)")
      links[#links + 1] = { tok, csrf }
    end
    k = k + 1
  end
  for line in io.lines(os.getenv("ITEMS")) do items[#items + 1] = line end
end

function request()
  next_link = next_link + 1
  local l = links[(next_link - 1) % #links + 1]
  local body = { "csrf=", l[2], "&step=4&go=submit&o_aanwezig=Bij+de+wijkavond." }
  for _, it in ipairs(items) do
    local v = math.random(6)
    body[#body + 1] = "&a_" .. it .. "=" .. (v == 6 and "x" or tostring(v))
  end
  return wrk.format("POST", "/r/" .. l[1], { ["Content-Type"] = "application/x-www-form-urlencoded" },
                    table.concat(body))
end

function response(status, headers, body)
  if status ~= 303 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("bad") or 0) end
  io.write(string.format("not accepted: %d\n", total))
end
