-- replacing an engine report (which the engine then called with its run context)
require("qm.lang").register_report("summary", function(ctx) ctx:env("/") end)
