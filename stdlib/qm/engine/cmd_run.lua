-- cmd_run.lua — `qm run FILE [args]`: runs a Lua file in the sandbox with db, yaml, params
-- and the model language; a file that declares a model is then evaluated and reported.
local host = require "qm.host"
local cli = require "qm.engine.cli"
local context = require "qm.engine.context"
local reports = require "qm.engine.reports"

local M = {
  usage = "run FILE [ARGS...]",
  summary = "run a model or script in the sandbox and print its report",
  help = "FILE is a Lua model or script, or a bundled model by name (qm run kik) when there is\n" ..
    "no such file. ARGS are passed to it as `...`.\n" ..
    "With --db the database is opened read-only unless --write is given.\n" ..
    "Data that does not fit what an indicator reads (a missing table or column, a value of the\n" ..
    "wrong type or outside its domain) makes it not evaluable, with a warning on stderr at the\n" ..
    "indicator's line; with --strict any such warning ends the run with exit code 1.",
  options = {
    { name = "strict", kind = "flag", doc = "exit 1 when any indicator's data does not fit what it reads (the warnings on stderr)" },
  },
}

-- With --format xlsx a report must write a document (qm.reports.document's write finds the
-- real output as out.xlsx); one that writes its own lines has nothing to put in a sheet.
local function xlsx_guard(out, name, format)
  if format ~= "xlsx" then return out end
  return { xlsx = out, write = function()
    cli.usage_error(("the report \"%s\" writes lines, not tables: it cannot be a spreadsheet (use --format csv or text)"):format(name))
  end }
end

-- after the file ran: report problems, then produce the requested report of the model
local function report_model(ctx)
  local errors = ctx:print_problems(io.stderr, not ctx.opts.quiet)
  if errors > 0 then
    io.stderr:write(("%d error%s in the model: nothing was run (see qm check)\n"):format(errors, errors == 1 and "" or "s"))
    return host.exit.model
  end
  local models = ctx:declared_models()
  if #models == 0 then return nil end
  local m = models[#models]
  local name = ctx.opts.report or (ctx.opts.db and (m.default_report or (#m:indicators() > 0 and "status"))) or "summary"
  if name == "list" then
    -- --report list: the reports that apply to this model (its own marked), one line each
    local out = xlsx_guard(ctx:output(), name, ctx.opts.format)
    for _, e in ipairs(reports.applicable(ctx, m)) do
      local note = {}
      if e.own then note[#note + 1] = e.replaces and "the model's own, in place of the bundled one" or "the model's own" end
      if e.pending then note[#note + 1] = e.pending end
      out:write(("%-20s %s%s\n"):format(e.name, e.doc, #note > 0 and (" (" .. table.concat(note, "; ") .. ")") or ""))
    end
    return host.exit.ok
  end
  local r = reports.find(ctx, m, name)
  return r.fn(ctx, m, xlsx_guard(ctx:output(), name, ctx.opts.format))
end

function M.main(opts, args)
  local path = args[1]
  if not path then cli.usage_error("qm run needs a FILE (see qm run --help)") end
  path = require("qm.lang.dsl").model_file(path)   -- a file, else a bundled model (qm run kik)
  if opts.format == "xlsx" and not opts.out and not context.stdout and host.isatty(1) then
    cli.usage_error("--format xlsx writes a binary file: give --out FILE.xlsx (or send it to a pipe)")
  end
  local ctx = context.new(opts)
  ctx.print_to_output = true
  ctx.files[#ctx.files + 1] = path
  if opts.out then ctx:check_out(opts.out) end   -- before anything runs; again when writing
  -- leaving by an error removes a half-written --out file (a to-be-closed guard keeps the
  -- error's traceback intact, unlike a pcall). The host's guard removes it even after a
  -- limit, when no Lua code can run any more; the Lua one closes the file first when it can.
  local tmp_guard <close> = opts.out and host.remove_on_error(opts.out .. ".tmp") or nil
  ctx.tmp_guard = tmp_guard   -- armed by host.create_new in Context:output as it creates the file
  local guard <close> = setmetatable({}, { __close = function(_, err)
    if err ~= nil and ctx.out and ctx.out.abandon then ctx.out.abandon() end
  end })
  ctx:dofile(path, table.unpack(args, 2))
  local result = report_model(ctx) or host.exit.ok
  if result == host.exit.ok and opts.strict then
    local n, w = #(ctx.data_problems or {}), #(ctx.data_warnings or {})
    if n > 0 then
      io.stderr:write(("%d indicator%s not evaluable because of the data (--strict)\n"):format(n, n == 1 and " is" or "s are"))
    end
    if w > 0 then
      io.stderr:write(("%d column%s an indicator does not read, named like one it reads (--strict)\n"):format(w, w == 1 and "" or "s"))
    end
    if n + w > 0 then result = host.exit.model end
  end
  if result ~= host.exit.ok then
    if ctx.out and ctx.out.abandon then ctx.out.abandon() end
    return result
  end
  ctx:output():commit()
  return result
end

return M
