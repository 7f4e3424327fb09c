-- an error in a finalizer that runs only when the run ends is reported, not swallowed
keep = setmetatable({}, { __gc = function() error("finalizer failed at exit") end })
print("done")
