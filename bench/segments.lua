-- wrk script: GETs /videos/ID/N.m4s for N = FIRST..LAST in turn, each
-- thread starting at its own offset. Arguments: ID FIRST LAST.
local id, first, last
local counter = 0
local thread_index = 0

function setup(thread)
  thread:set("offset", thread_index)
  thread_index = thread_index + 1
end

function init(args)
  id = args[1]
  first = tonumber(args[2])
  last = tonumber(args[3])
  counter = (offset or 0) * 7
end

function request()
  local n = first + counter % (last - first + 1)
  counter = counter + 1
  return wrk.format("GET", "/videos/" .. id .. "/" .. n .. ".m4s")
end
