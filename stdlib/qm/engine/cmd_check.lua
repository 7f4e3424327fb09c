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
  local errors, nomodel = 0, 0
  for _, path in ipairs(args) do
    local f = io.open(path, "rb")
    if not f then host.raise(host.exit.io, ("cannot open %s: no such file"):format(path), 0) end
    local src = f:read("a") or ""
    f:close()
    local ctx = context.new(opts)
    ctx.checking = true
    local ok, err = pcall(ctx.dofile, ctx, path)
    local declared = #ctx:declared_models()
    -- a file with `model "id" {` in its code (not in a comment) is a model that failed early
    local code = src:gsub("%-%-%[%[.-%]%]", ""):gsub("%-%-[^\n]*", "")
    local declares = code:find("%f[%w_]model%s*%(?%s*[\"'][^\"'\n]*[\"']%s*%)?%s*{") ~= nil
    if not ok and ctx.needs_db and declared == 0 and not declares then
      -- a data script (demo_data.lua), not a model: say so, and how to run it
      io.stdout:write(("%s: declares no model: it is a script that uses %s (%s), which needs a database. "
        .. "qm check checks model files; run this one with: qm run %s --db FILE --write\n")
        :format(path, ctx.needs_db.name, ctx.needs_db.where, path))
      errors = errors + 1
    elseif not ok then
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
      if declared == 0 and found == 0 then
        io.stdout:write(("%s: note: declares no model, so there is nothing to check\n"):format(path))
        nomodel = nomodel + 1
      end
    end
  end
  if errors > 0 then return host.exit.model end
  if not opts.quiet and nomodel < #args then io.stdout:write("ok: ", table.concat(args, ", "), "\n") end
  return host.exit.ok
end

return M
