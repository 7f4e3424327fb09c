local mt = getmetatable("")
mt.__index.rep = function() return "pwned" end
