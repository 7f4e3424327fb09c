local t = {}
local i = 0
while true do
  i = i + 1
  t[i] = { i, tostring(i), i * 2 }
end
