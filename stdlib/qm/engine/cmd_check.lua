-- cmd_check.lua — `qm check FILE...`: loads each file in the sandbox without data and reports
-- every problem found as file:line: message (or, with --format json, as records with file,
-- line, column, severity, message and suggestion); exit 1 when there are errors. The editor
-- server (qm lsp) checks an unsaved buffer through M.check.
local host = require "qm.host"
local cli = require "qm.engine.cli"
local context = require "qm.engine.context"
local findings = require "qm.engine.findings"

local M = {
  usage = "check FILE... [--db FILE]",
  summary = "check models for errors without running them: fields, rules, times, SQL",
  help = "Every problem is reported as FILE:LINE: error|warning: message, in a stable order.\n" ..
    "Every SQL statement of the model is compiled (never run): without --db for its syntax, with\n" ..
    "--db FILE against that database (tables, columns), and the columns each indicator's kind\n" ..
    "reads are checked against what the query gives. Nothing is evaluated or written.\n" ..
    "--format json gives the same findings as JSON (file, line, column, severity, message,\n" ..
    "suggestion; docs/cli.md). Exit 1 when there are errors.",
  options = {},
}

-- Check one model file; text = its unsaved text (nil: read the file); adds to `found` (a
-- qm.engine.findings set). Returns the run's context, whether the file loaded, and how many
-- models it declared.
function M.check(opts, path, text, found)
  local ctx = context.new(opts)
  ctx.checking = true
  if path:match("%.test%.lua$") then
    -- a test file (qm test): its cases and what they name, not run
    local ok, err = pcall(require("qm.engine.modeltest").check_file, ctx, path, text, opts)
    found:add_problems(ctx.problems)
    if not ok then found:add_error(err, path) end
    return ctx, ok, 1
  end
  local ok, err
  if text then ok, err = pcall(ctx.dotext, ctx, path, text)
  else ok, err = pcall(ctx.dofile, ctx, path) end
  local declared = #ctx:declared_models()
  -- the SQL, compiled against --db (or an empty database) without running it
  if ok and declared > 0 then
    local sok, serr = pcall(require("qm.engine.sqlcheck").check, ctx, opts.db and ctx:model_database() or nil)
    if not sok then found:add_error(serr, path) end
    -- the report words a model changes (`wording`) against the report catalogue (loaded
    -- only then: qm check loads no report module otherwise)
    for _, m in ipairs(ctx:declared_models()) do
      if m.wording ~= nil then require("qm.reports.i18n").check_model(ctx, m) end
    end
  end
  found:add_problems(ctx.problems)
  if not ok then
    if not text then
      local f = io.open(path, "rb")
      text = f and f:read("a") or ""
      if f then f:close() end
    end
    -- a file with `model "id" {` in its code (not in a comment) is a model that failed early
    local code = text:gsub("%-%-%[%[.-%]%]", ""):gsub("%-%-[^\n]*", "")
    local declares = code:find("%f[%w_]model%s*%(?%s*[\"'][^\"'\n]*[\"']%s*%)?%s*{") ~= nil
    if ctx.needs_db and declared == 0 and not declares then
      -- a data script (demo_data.lua), not a model: say so, and how to run it
      local f = found:add("error", ("declares no model: it is a script that uses %s (%s), which needs a database. "
        .. "qm check checks model files; run this one with: qm run %s --db FILE --write")
        :format(ctx.needs_db.name, ctx.needs_db.where, path), path, nil)
      f.stopped = true
    else
      found:add_error(err, path, ctx.rule_error)
    end
  elseif declared == 0 and #(ctx.problems or {}) == 0 then
    found:add("note", "declares no model, so there is nothing to check", path, nil)
  end
  return ctx, ok, declared
end

function M.main(opts, args)
  if #args == 0 then cli.usage_error("qm check needs at least one FILE (see qm check --help)") end
  opts.format = opts.format or "text"
  if opts.format ~= "text" and opts.format ~= "json" then
    cli.usage_error(("qm check --format %s: qm check writes text or json"):format(opts.format))
  end
  -- the language loads outside the pcall below: a broken stdlib is the engine's error (on
  -- stderr), not a problem of the model being checked
  require "qm.lang.dsl"
  -- a --db that cannot be opened is the database's error (exit 3, as for qm run), not a
  -- finding in each model: a scheduled `qm check --db` tells the two apart by the exit code
  if opts.db then
    local db = context.new(opts):database()
    db:close()
  end
  local found = findings.new()
  local nomodel = 0
  for i, path in ipairs(args) do
    path = require("qm.lang.dsl").model_file(path)   -- a file, else a bundled model (qm check kik)
    args[i] = path
    local _, ok, declared = M.check(opts, path, nil, found)
    if ok and declared == 0 then nomodel = nomodel + 1 end
  end
  local errors = found:count("error")
  if opts.format == "json" then
    io.stdout:write(found:json(args))
  else
    io.stdout:write(found:text(true))
    if errors == 0 and not opts.quiet and nomodel < #args then io.stdout:write("ok: ", table.concat(args, ", "), "\n") end
  end
  if errors > 0 then return host.exit.model end
  return host.exit.ok
end

return M
