setmetatable({}, { __gc = function() error("finalizer failed") end })
print("done")
