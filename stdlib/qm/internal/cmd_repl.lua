-- cmd_repl.lua — `qm repl [--db FILE] [MODEL...]`: the analyst's interactive shell (repl/).
local host = require "qm.host"

local M = {
  usage = "repl [MODEL...]",
  summary = "interactive Lua and SQL shell over a database and models",
  options = {},
}

function M.main(opts, args)
  opts.models = args
  return host.repl(opts)
end

return M
