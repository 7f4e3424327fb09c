-- cmd_check.lua — `qm check FILE...`: loads each file in the sandbox without data and reports
-- every problem found as file:line: message (or, with --format json, as records with file,
-- line, column, severity, message and suggestion); exit 1 when there are errors. The editor
-- server (qm lsp) checks an unsaved buffer through M.check.
local host = require "qm.host"
local cli = require "qm.engine.cli"
local context = require "qm.engine.context"
local findings = require "qm.engine.findings"

local M = {
  usage = "check FILE...",
  summary = "check models for errors without running them against data",
  help = "Every problem is reported as FILE:LINE: error|warning: message, in a stable order.\n" ..
    "--format json gives the same findings as JSON (file, line, column, severity, message,\n" ..
    "suggestion; docs/cli.md). Exit 1 when there are errors.",
  options = {},
}

-- Check one model file; text = its unsaved text (nil: read the file). Adds to `found` (a
-- qm.engine.findings set) and returns the run's context.
function M.check(opts, path, text, found)
  local ctx = context.new(opts)
  ctx.checking = true
  local ok, err
  if text then ok, err = pcall(ctx.dotext, ctx, path, text)
  else ok, err = pcall(ctx.dofile, ctx, path) end
  found:add_problems(ctx.problems)
  if not ok then found:add_error(err, path) end
  return ctx, ok
end

function M.main(opts, args)
  if #args == 0 then cli.usage_error("qm check needs at least one FILE (see qm check --help)") end
  if opts.format ~= "text" and opts.format ~= "json" then
    cli.usage_error(("qm check --format %s: qm check writes text or json"):format(opts.format))
  end
  -- the language loads outside the pcall below: a broken stdlib is the engine's error (on
  -- stderr), not a problem of the model being checked
  require "qm.lang.dsl"
  local found = findings.new()
  for _, path in ipairs(args) do
    local f = io.open(path, "rb")
    if not f then host.raise(host.exit.io, ("cannot open %s: no such file"):format(path), 0) end
    f:close()
    local ctx, ok = M.check(opts, path, nil, found)
    if ok and #ctx:declared_models() == 0 and #found.list == 0 and ctx.opts.verbose then io.stdout:write("note: no model declared\n") end
  end
  local errors = found:count("error")
  if opts.format == "json" then
    io.stdout:write(found:json(args))
  else
    io.stdout:write(found:text(true))
    if errors == 0 and not opts.quiet then io.stdout:write("ok: ", table.concat(args, ", "), "\n") end
  end
  if errors > 0 then return host.exit.model end
  return host.exit.ok
end

return M
