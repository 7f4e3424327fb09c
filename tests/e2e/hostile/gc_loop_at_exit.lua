-- the issue's own example: a finalizer that never returns, on an object still alive when the
-- run ends (qm closes the state then, because a model set a finalizer, under the time limit)
setmetatable({}, { __gc = function() while true do end end })
print("done")
