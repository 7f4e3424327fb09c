-- a model whose own code never ends: checking it must cost that check only
local n = 0
while true do n = n + 1 end
