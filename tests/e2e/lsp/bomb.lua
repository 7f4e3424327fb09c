-- a model that eats memory while it is checked
local t = {}
for i = 1, 1e9 do t[i] = ("x"):rep(8 << 20) .. i end   -- 8 MB a step: the memory limit, not the time limit, stops it
