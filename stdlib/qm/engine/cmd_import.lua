-- cmd_import.lua — `qm import`: data into the database, validated and all or nothing.
-- The kinds of data (--what) are declared in qm.engine.import_kinds (the engine's tables:
-- responses, units, consensus, audit, plan, measurements) and qm.engine.import_tables (a
-- model's own tables, --table NAME, and the job centre's: citizens, conversations, scores,
-- focus, interventions); qm.engine.importer streams the rows (CSV through the C reader,
-- YAML) and lists every bad one as file:line:column. Validation and writing are one pass in
-- one transaction, rolled back on any error; a database the import created is removed again
-- when it fails, so a failed import into a new path leaves no file.
local host = require "qm.host"
local cli = require "qm.engine.cli"
local context = require "qm.engine.context"
local store = require "qm.engine.store"
local importer = require "qm.engine.importer"
local kinds = require "qm.engine.import_kinds"

local ROLES = { "citizens", "conversations", "scores", "focus", "interventions" }

local function what_choices()
  local out = {}
  for _, k in ipairs(kinds.order) do out[#out + 1] = k end
  for _, r in ipairs(ROLES) do out[#out + 1] = r end
  return out
end

local function help_text()
  local lines = {
    "Loads CSV (.csv; the delimiter , ; or tab is detected from the header; a UTF-8 BOM, CR LF and",
    "decimal commas in ; and tab files are read as Danish Excel writes them) or YAML (.yaml, .yml).",
    "Every row is checked; on any bad row nothing is written and each is listed as",
    "file:line:column: name: message. An empty or header-only file is \"nothing to import\" (exit 1).",
    "",
    "What is imported (--what KIND, default responses), with the columns a file may have",
    "(any order, any case; Danish names in brackets are read too):",
  }
  for _, k in ipairs(kinds.order) do
    local decl = kinds[k]
    lines[#lines + 1] = ("  %s: %s"):format(k, decl.doc)
    local cols = {}
    for _, c in ipairs(decl.columns) do
      if not (k == "responses" and c.doc and c.doc:match("^CAF fine%-tuned: the")) then
        local a = c.aliases and #c.aliases > 0 and (" [" .. c.aliases[1] .. "]") or ""
        cols[#cols + 1] = c.name .. (c.required and "*" or "") .. a
      end
    end
    if k == "responses" then cols[#cols + 1] = "plan, do, check, act / trends, targets (CAF fine-tuned parts)" end
    -- wrapped at about 96 characters
    local line = "   "
    for i, c in ipairs(cols) do
      local piece = " " .. c .. (i < #cols and "," or "")
      if #line + #piece > 96 and line ~= "   " then lines[#lines + 1] = line; line = "   " end
      line = line .. piece
    end
    lines[#lines + 1] = line
  end
  lines[#lines + 1] = "  citizens, conversations, scores, focus, interventions: the job centre's tables (resultatbaseret"
  lines[#lines + 1] = "    styring) named in the model's progression.tables; scores on the model's scale, indicators"
  lines[#lines + 1] = "    from its catalogue, focus points over focus_max listed as warnings."
  lines[#lines + 1] = "  --table NAME: a table the model declares with dataset \"NAME\" { column ... }, typed and"
  lines[#lines + 1] = "    checked; created from the declaration when the database has no such table."
  lines[#lines + 1] = "(* = required.) Responses: the YAML per-participant form `participant: P3` with"
  lines[#lines + 1] = "`answers: { \"1.1\": 70, \"1.2\": { PLAN: 60, DO: 50, CHECK: 40, ACT: 30 } }` works too."
  lines[#lines + 1] = "A new round is created when --round R and --unit U are given and R does not exist."
  lines[#lines + 1] = "See docs/import.md."
  return table.concat(lines, "\n")
end

local M = {
  usage = "import --db FILE --write [--model MODEL] [--what KIND | --table NAME] FILE...",
  summary = "import data: responses, units, consensus, audits, plans, measurements, a model's tables (checked, all or nothing)",
  help = help_text(),
  options = {
    { name = "model", kind = "string", arg = "MODEL", doc = "the model file the data belongs to" },
    { name = "what", kind = "string", arg = "KIND", doc = "what the files hold (default responses): " .. table.concat(what_choices(), ", "),
      choices = what_choices() },
    { name = "table", kind = "string", arg = "NAME", doc = "a table the model declares (dataset \"NAME\")" },
    { name = "started", kind = "string", arg = "DATE", doc = "start date of a round created by the import" },
    { name = "strict", kind = "flag", doc = "warnings (focus points over the maximum) are errors" },
  },
}

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

local DB_FILES = { "", "-wal", "-shm", "-journal" }

function M.main(opts, args)
  if #args == 0 then cli.usage_error("qm import needs at least one FILE (see qm import --help)") end
  if not opts.db then cli.usage_error("qm import needs --db FILE") end
  if not opts.write then cli.usage_error("qm import writes to the database: give --write") end
  if opts.what and opts.table then cli.usage_error("give --what KIND or --table NAME, not both") end
  local what = opts.what or (opts.table and "table") or "responses"
  local role = false
  for _, r in ipairs(ROLES) do if r == what then role = true end end
  local needs_model = role or what == "table" or (kinds[what] and kinds[what].needs_model)
  if needs_model and not opts.model then
    cli.usage_error(("importing %s needs --model MODEL"):format(what == "table" and ("table " .. opts.table) or what))
  end
  if opts.started and not (opts.round and opts.unit) then
    cli.usage_error("--started is the start of a round the import creates: give it with --round R --unit U")
  end
  for _, path in ipairs(args) do
    local l = path:lower()
    if not (l:match("%.csv$") or l:match("%.txt$") or l:match("%.ya?ml$")) then
      cli.usage_error(("%s: give a .csv, .yaml or .yml file"):format(path))
    end
    if not exists(path) then host.raise(host.exit.io, ("cannot open %s: no such file"):format(path), 0) end
  end
  -- the model first, without the database: a broken model creates nothing
  local m
  if opts.model then
    local mopts = {}
    for k, v in pairs(opts) do mopts[k] = v end
    mopts.db, mopts.write = nil, nil
    local mctx = context.new(mopts)
    m = mctx:load_model(opts.model)
    if mctx:print_problems(io.stderr, false) > 0 then return host.exit.model end
    if not m then host.raise(host.exit.model, ("%s declares no model"):format(opts.model), 0) end
  end
  local decl
  if what == "table" then
    local err
    decl, err = require("qm.engine.import_tables").find(m, opts.table)
    if not decl then host.raise(host.exit.model, err, 0) end
  elseif role then
    if not m.progression then
      host.raise(host.exit.model, ("model %s has no progression settings: %s are the job centre's data (resultatbaseret styring)"):format(m.id, what), 0)
    end
    decl = require("qm.engine.import_tables").for_role(m, what)
  end
  -- a database this import creates is removed again if the import fails, also when a limit
  -- ends it (the guards run in C)
  local created = not exists(opts.db)
  local g1 <close> = created and host.remove_on_error(opts.db) or nil
  local g2 <close> = created and host.remove_on_error(opts.db .. "-wal") or nil
  local g3 <close> = created and host.remove_on_error(opts.db .. "-shm") or nil
  local g4 <close> = created and host.remove_on_error(opts.db .. "-journal") or nil
  -- armed before the database is made: armed after, a signal (Ctrl-C, SIGTERM) or a limit in
  -- the few instructions between could leave the new file behind
  if created then g1:arm() g2:arm() g3:arm() g4:arm() end
  local ctx = context.new(opts)
  local db = ctx:database()
  store.migrate(db)
  local imp = importer.new { model = m, strict = opts.strict }
  local msg
  imp:run(db, function()
    if decl then msg = require("qm.engine.import_tables").run(imp, db, ctx, m, decl, args)
    else msg = kinds[what].run(imp, db, ctx, m, args) end
    if imp.rows == 0 and imp.nerrors == 0 then
      imp:error(("%s: nothing to import (no rows below the header)"):format(table.concat(args, ", ")))
    end
  end, { foreign_keys = not (not decl and kinds[what].own_foreign_keys) })
  local code = imp:report(io.stderr, opts.quiet)
  if code ~= host.exit.ok then
    if created then
      db:close()
      if ctx.mdb then ctx.mdb:close() end
      for _, s in ipairs(DB_FILES) do os.remove(opts.db .. s) end
    end
    return code
  end
  if not opts.quiet then io.stdout:write(msg, "\n") end
  return host.exit.ok
end

return M
