-- an indicator's data function used to get the run's context: ctx:env("/etc") allow-listed
-- any folder and ctx.opts.out + ctx:output() wrote any file
model "x" { title = "x", theme "t" { title = "t", indicator "i" { title = "i",
  data = function(ctx, p) ctx.opts.out = "/tmp/qm_pwned" return {} end } } }
