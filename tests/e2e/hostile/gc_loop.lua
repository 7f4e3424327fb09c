-- a finalizer that never returns: hooks do not run inside __gc
setmetatable({}, { __gc = function() while true do end end })
print("done")
