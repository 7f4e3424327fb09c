-- one call to string.find that backtracks for hours: no Lua instruction runs inside it
local s = string.rep("a", 200000)
return string.find(s, ".-.-.-.-b")
