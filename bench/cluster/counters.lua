-- wrk script of the cluster scenario: requests to sharded counters, spread over many entities.
--   COUNTER_METHOD  GET (read the count) or POST (add one: a journal write) [GET]
--   COUNTER_IDS     a file with the entity ids to use, one per line (the cross-node hop: local or remote ids)
--   COUNTER_ENTITIES  when COUNTER_IDS is not set: ids b1..bN, picked at random [1000]
local method = os.getenv("COUNTER_METHOD") or "GET"
local ids = {}
local file = os.getenv("COUNTER_IDS")
if file and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then ids[#ids + 1] = line end
  end
else
  for i = 1, tonumber(os.getenv("COUNTER_ENTITIES") or "1000") do ids[i] = "b" .. i end
end
assert(#ids > 0, "no entity ids")

local requests = {}

function setup(thread)
  thread:set("seed", math.random(1, 1e9))
end

-- Built here, not when the script loads: wrk sets the Host header just before it calls init.
function init(args)
  math.randomseed(seed)
  for i, id in ipairs(ids) do
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    requests[i] = wrk.format(method, "/counter/" .. id, headers, method == "POST" and "" or nil)
  end
end

function request()
  return requests[math.random(#requests)]
end
