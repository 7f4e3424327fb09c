string.rep = function() return "pwned" end
