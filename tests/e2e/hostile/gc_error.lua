setmetatable({}, { __gc = function() error("finalizer failed") end })
collectgarbage()
print("done")
