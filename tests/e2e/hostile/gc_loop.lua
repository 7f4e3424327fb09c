-- a finalizer that never returns: hooks do not run inside __gc (finalizers of objects left
-- when the run ends do not run at all: qm leaves its memory to the system)
setmetatable({}, { __gc = function() while true do end end })
collectgarbage()
print("done")
