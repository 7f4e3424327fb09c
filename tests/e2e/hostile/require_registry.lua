require("qm.engine.reports").register("summary", function(ctx) ctx:env("/") end)
