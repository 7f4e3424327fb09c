-- catching the memory error and going on must not help
local t = {}
while true do
  pcall(function() for i = 1, 1e7 do t[#t + 1] = ("y"):rep(100) .. i end end)
end
