-- made (and once resumed) long before the deadline, looping when it comes
local co = coroutine.create(function() coroutine.yield() while true do end end)
coroutine.resume(co)
local x = 0
for i = 1, 1e6 do x = x + i end
coroutine.resume(co)
