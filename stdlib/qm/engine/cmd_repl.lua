-- cmd_repl.lua — `qm repl [--db FILE] [MODEL...]`: the analyst's interactive shell (repl/).

local M = {
  usage = "repl [MODEL...]",
  help = "Lua and SQL over --db and the models given; see docs/repl.md. Without a terminal,\n" ..
    "commands are read from standard input (exit 1 if any failed).",
  summary = "interactive Lua and SQL shell over a database and models",
  options = {},
}

function M.main(opts, args)
  opts.models = args
  return require("qm.terminal").repl(opts)
end

return M
