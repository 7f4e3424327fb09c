-- cmd_check.lua — `qm check FILE...`: loads each file in the sandbox without data and reports
-- every problem found as file:line: message; exit 1 when there are errors.
local host = require "qm.host"
local cli = require "qm.engine.cli"
local context = require "qm.engine.context"

local M = {
  usage = "check FILE...",
  summary = "check models for errors without running them against data",
  options = {},
}

function M.main(opts, args)
  if #args == 0 then cli.usage_error("qm check needs at least one FILE (see qm check --help)") end
  -- the language loads outside the pcall below: a broken stdlib is the engine's error (on
  -- stderr), not a problem of the model being checked
  require "qm.lang.dsl"
  local errors = 0
  for _, path in ipairs(args) do
    local f = io.open(path, "rb")
    if not f then host.raise(host.exit.io, ("cannot open %s: no such file"):format(path), 0) end
    f:close()
    local ctx = context.new(opts)
    ctx.checking = true
    local ok, err = pcall(ctx.dofile, ctx, path)
    if not ok then
      io.stdout:write(tostring(err), "\n")
      errors = errors + 1
    else
      -- the report words a model changes (`wording`) are checked against the catalogue
      -- (loaded only then: qm check loads no report module otherwise)
      for _, m in ipairs(ctx:declared_models()) do
        if m.wording ~= nil then require("qm.reports.i18n").check_model(ctx, m) end
      end
      local found = ctx:print_problems(io.stdout, true)
      errors = errors + found
      if #ctx:declared_models() == 0 and found == 0 and ctx.opts.verbose then io.stdout:write("note: no model declared\n") end
    end
  end
  if errors > 0 then return host.exit.model end
  if not opts.quiet then io.stdout:write("ok: ", table.concat(args, ", "), "\n") end
  return host.exit.ok
end

return M
