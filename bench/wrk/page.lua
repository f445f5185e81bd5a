-- GET a section page of the questionnaire, cycling over the links in
-- $TOKENS (lines "token csrf"); the page is looked up and rendered anew
-- every time.
local tokens = {}
local i = 0
local path_suffix = os.getenv("PAGE") or "?p=3"

function init(args)
  for line in io.lines(os.getenv("TOKENS")) do
    tokens[#tokens + 1] = line:match("^(%S+)")
  end
  i = math.random(#tokens)
end

function request()
  i = i % #tokens + 1
  return wrk.format("GET", "/r/" .. tokens[i] .. path_suffix)
end
