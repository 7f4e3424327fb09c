-- a model that eats memory while it is checked
local t = {}
for i = 1, 1e9 do t[i] = ("x"):rep(1 << 20) .. i end   -- a megabyte a step: the memory limit, not the time limit, stops it
