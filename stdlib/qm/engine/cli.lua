-- cli.lua — parses qm's command line from declared options, and writes --help from the same
-- declarations, so an option cannot exist in one place and not the other.
local M = {}

-- Options every command accepts. kind: "flag", "string", "number", "list" (repeatable),
-- "param" (name=value, repeatable). --max-memory and --timeout are taken by the C host
-- before the runner sees the command line; they are declared here for --help.
M.global_options = {
  { name = "db", kind = "string", arg = "FILE", doc = "SQLite database to read (opened read-only unless --write)" },
  { name = "write", kind = "flag", doc = "open the database for writing (import, recording decisions)" },
  { name = "param", kind = "param", arg = "NAME=VALUE", doc = "a named parameter for the model's SQL and rules (repeatable)" },
  { name = "as-of", kind = "string", arg = "DATE", doc = "evaluate as of this date (YYYY-MM-DD)" },
  { name = "unit", kind = "list", arg = "ID", doc = "organisation unit to evaluate (repeatable)" },
  { name = "round", kind = "string", arg = "ID", doc = "assessment round to report on" },
  { name = "format", kind = "string", arg = "FMT", doc = "output format: text, json, csv, markdown, html (a printable page with charts), xlsx (needs --out or a pipe)", default = "text",
    choices = { "text", "json", "csv", "markdown", "html", "xlsx" } },
  { name = "out", kind = "string", arg = "FILE", doc = "write the output to FILE (written only when the run succeeds)" },
  { name = "report", kind = "string", arg = "NAME", doc = "which report to produce; --report list shows the reports that apply to the model" },
  { name = "lang", kind = "string", arg = "LANG", fold = true, doc = "the reports' language: da (Danish, the default) or en (English); JSON and CSV are the same in both" },
  { name = "min-group", kind = "number", arg = "N", doc = "smallest group whose figures a roll-up or a benchmark (progression per team) may show (default: the model's min_group, else 5)" },
  { name = "quiet", kind = "flag", doc = "no warnings on stderr" },
  { name = "max-memory", kind = "host", arg = "SIZE", doc = "one memory budget for Lua and SQLite, 1M to 1T, e.g. 256M (default 512M)" },
  { name = "timeout", kind = "host", arg = "SECONDS", doc = "time limit per command, 0 = none, at most 1000000 (default 300)" },
}

-- A usage error ends qm with exit code 2 and the message, without a position.
local function usage_error(msg)
  local host = require "qm.host"
  host.raise(host.exit.usage, msg, 0)
end
M.usage_error = usage_error

-- " (did you mean X?)" for a misspelt NAME among KNOWN, or "" (loaded only on this error path)
local function meant(name, known)
  local m = require("qm.lang.construct").did_you_mean(name, known)
  return m and (" (did you mean %s?)"):format(m) or ""
end
M.meant = meant

local function find_option(specs, name)
  for _, list in ipairs(specs) do
    for _, o in ipairs(list) do
      if o.name == name then return o end
    end
  end
end

local function convert(o, value, opts)
  local key = o.name
  if o.kind == "number" then
    local n = tonumber(value)
    if not n then usage_error(("--%s %s: expected a number"):format(key, value)) end
    opts[key] = n
  elseif o.kind == "list" then
    opts[key] = opts[key] or {}
    table.insert(opts[key], value)
  elseif o.kind == "param" then
    local name, v = value:match("^([%a_][%w_]*)=(.*)$")
    if not name then usage_error(("--param %s: expected NAME=VALUE, like year=2026"):format(value)) end
    opts.params = opts.params or {}
    opts.params[name] = math.tointeger(tonumber(v)) or tonumber(v) or v
  else
    -- names of formats and languages are matched in any case (--format HTML, --lang EN)
    if o.fold then value = value:lower() end
    if o.choices then
      local ok = false
      for _, c in ipairs(o.choices) do if c == value:lower() then ok, value = true, c end end
      if not ok then
        usage_error(("--%s %s: expected one of %s"):format(key, value, table.concat(o.choices, ", ")))
      end
    end
    opts[key] = value
  end
end

-- Parse argv (array of strings) against the command's options and the global ones.
-- Returns opts (keyed by option name) and positional arguments. "--" ends options.
function M.parse(argv, command_options)
  local specs = { command_options or {}, M.global_options }
  local opts, args = { params = {} }, {}
  local i = 1
  while i <= #argv do
    local a = argv[i]
    if a == "--" then
      for j = i + 1, #argv do args[#args + 1] = argv[j] end
      break
    elseif a:sub(1, 2) == "--" and #a > 2 then
      local name, value = a:match("^%-%-([^=]+)=(.*)$")
      name = name or a:sub(3)
      local o = find_option(specs, name)
      if not o or o.kind == "host" then
        local known = {}
        for _, list in ipairs(specs) do
          for _, k in ipairs(list) do known[#known + 1] = "--" .. k.name end
        end
        usage_error(("unknown option --%s%s (see qm --help)"):format(name, meant("--" .. name, known)))
      end
      if o.kind == "flag" then
        if value then usage_error(("--%s takes no value"):format(name)) end
        opts[name] = true
      else
        if not value then
          i = i + 1
          value = argv[i]
          if value == nil then usage_error(("--%s needs a value: %s"):format(name, o.arg or "VALUE")) end
        end
        convert(o, value, opts)
      end
    elseif a:sub(1, 1) == "-" and #a > 1 then
      usage_error(("unknown option %s (see qm --help)"):format(a))
    else
      args[#args + 1] = a
    end
    i = i + 1
  end
  for _, list in ipairs(specs) do
    for _, o in ipairs(list) do
      if opts[o.name] == nil and o.default ~= nil then opts[o.name] = o.default end
    end
  end
  return opts, args
end

local function option_lines(list, out)
  for _, o in ipairs(list) do
    local left = "  --" .. o.name .. (o.arg and (" " .. o.arg) or "")
    out[#out + 1] = ("%-28s %s"):format(left, o.doc)
  end
end

-- The text of `qm --help` (commands in their declared order) or `qm help COMMAND`.
function M.help(commands, order, exit_codes, only)
  local out = {}
  if only then
    local c = commands[only]
    out[#out + 1] = "usage: qm " .. c.usage
    out[#out + 1] = ""
    out[#out + 1] = c.summary
    if c.help then out[#out + 1] = ""; out[#out + 1] = c.help end
    if c.options and #c.options > 0 then
      out[#out + 1] = ""
      out[#out + 1] = "options:"
      option_lines(c.options, out)
    end
    out[#out + 1] = ""
    out[#out + 1] = "global options:"
    option_lines(M.global_options, out)
    return table.concat(out, "\n") .. "\n"
  end
  out[#out + 1] = "qm — a scripting engine for municipal quality models"
  out[#out + 1] = ""
  out[#out + 1] = "usage: qm COMMAND [options] [arguments]"
  out[#out + 1] = "       qm                      (on a terminal: the interactive REPL)"
  out[#out + 1] = ""
  out[#out + 1] = "commands:"
  for _, name in ipairs(order) do
    out[#out + 1] = ("  %-26s %s"):format(commands[name].usage, commands[name].summary)
  end
  out[#out + 1] = "  --help, help [COMMAND]     this text, or a command's own options"
  out[#out + 1] = "  --version                  the version"
  out[#out + 1] = ""
  out[#out + 1] = "global options:"
  option_lines(M.global_options, out)
  out[#out + 1] = ""
  out[#out + 1] = "exit codes:"
  for _, e in ipairs(exit_codes) do out[#out + 1] = ("  %-4d %s"):format(e[1], e[2]) end
  out[#out + 1] = ""
  out[#out + 1] = "environment:"
  out[#out + 1] = "  QM_STDLIB_PATH             read the stdlib from this folder instead of the binary"
  out[#out + 1] = "  QM_HISTORY                 REPL history file (default ~/.qm_history)"
  out[#out + 1] = ""
  out[#out + 1] = ("Documentation: man qm; the guides in %s (docs/ in the source tree)."):format(require("qm.host").docs_dir or "share/doc/qm")
  return table.concat(out, "\n") .. "\n"
end

return M
