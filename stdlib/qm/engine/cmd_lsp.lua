-- cmd_lsp.lua — `qm lsp`: the Language Server Protocol over stdio, for editors: diagnostics
-- from qm check as the author types, completion and hover from the language's declarations
-- (qm.engine.lsp; docs/editors.md has the VS Code and Neovim set-up).
local host = require "qm.host"
local cli = require "qm.engine.cli"

local M = {
  usage = "lsp",
  summary = "the Language Server Protocol over stdio, for editors (docs/editors.md)",
  help = "Speaks LSP (JSON-RPC with Content-Length headers) on standard input and output:\n" ..
    "diagnostics from qm check on the unsaved text, completion of fields, rule constructors,\n" ..
    "scale kinds and element ids, hover with each field's documentation. Each message is\n" ..
    "handled under --timeout and --max-memory of its own (editors: give --timeout 10).\n" ..
    "With --db FILE the SQL of the model is checked against that database too (qm check --db).\n" ..
    "Exit 0 after the client's shutdown and exit, 1 when the input ends without them.",
  options = {},
}

function M.main(opts, args)
  if #args > 0 then cli.usage_error("qm lsp takes no arguments: an editor starts it and speaks LSP on stdin and stdout") end
  require "qm.lang.dsl"   -- the language loads before the first message: a broken stdlib is the engine's error
  local lsp = require "qm.engine.lsp"
  local out, err = host.take_stdout()
  if not out then host.raise(host.exit.io, "qm lsp: " .. tostring(err), 0) end
  local server = lsp.new(opts, out)
  local code = server:run(io.stdin)
  out:close()
  return code
end

return M
