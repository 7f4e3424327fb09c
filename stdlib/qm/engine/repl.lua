-- repl.lua — the analyst's shell, the part written in Lua: evaluating Lua and SQL, the
-- dot-commands and completion. repl/repl.c does the terminal (readline, history, Ctrl-C) and
-- calls M.start, M.execute, M.complete_input, M.complete, M.prompt; qm.engine.printer does
-- the printing. See docs/repl.md.
local host = require "qm.host"
local context = require "qm.engine.context"
local printer = require "qm.engine.printer"
local qmdb = require "qm.db"

local has_terminal, terminal = pcall(require, "qm.terminal")
if not has_terminal then terminal = {} end

local M = {}

local S = {}        -- the session: ctx, env, db, mode, settings, output
M.state = S

-- first words that make an input SQL
local sql_words = { "SELECT", "WITH", "PRAGMA", "EXPLAIN", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP",
  "ALTER", "VALUES", "REPLACE", "BEGIN", "COMMIT", "END", "ROLLBACK", "ANALYZE", "VACUUM", "SAVEPOINT", "RELEASE",
  "REINDEX" }
local sql_keywords = { "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING", "LIMIT", "OFFSET", "JOIN",
  "LEFT", "INNER", "ON", "AS", "AND", "OR", "NOT", "NULL", "IS", "IN", "BETWEEN", "LIKE", "DISTINCT", "COUNT",
  "WITH", "RECURSIVE", "UNION", "ALL", "CASE", "WHEN", "THEN", "ELSE", "END", "INSERT", "INTO", "VALUES",
  "UPDATE", "SET", "DELETE", "CREATE", "TABLE", "VIEW", "INDEX", "PRAGMA", "EXPLAIN", "QUERY", "PLAN", "DESC", "ASC",
  "median", "percentile", "stddev", "variance", "mode", "modes", "iqr", "rwg", "pct_within_median", "consensus_stats" }

-- ---------------------------------------------------------------- output

local function out(s)
  if S.once then S.once:write(s) elseif S.output then S.output:write(s) else io.stdout:write(s) end
end

local function finish_once()
  if S.once then S.once:close(); S.once = nil end
end

-- a printer for one result set, with the session's settings
local function new_printer(cols)
  return printer.new(cols, {
    mode = S.mode, write = out, null = S.nullvalue, headers = S.headers,
    -- shorten to the terminal only when the output is the terminal
    fit = (S.tty and not S.once and not S.output) and (host.term_width and host.term_width() or 80) or nil,
  })
end

local function print_rows(cols, rows)
  local p = new_printer(cols)
  for _, r in ipairs(rows) do p.row(r) end
  p.finish()
end
M.print_rows = print_rows

local function print_values(n, ...)
  for i = 1, n do
    local v = select(i, ...)
    local cols, rows = printer.records(v)
    if cols then print_rows(cols, rows) else out(printer.show(v) .. "\n") end
  end
end

-- an error for the stderr: "qm: " unless it says where
local function report(err)
  local msg = tostring(err)
  if not msg:match("^[^\n]-:%d+: ") then msg = "qm: " .. msg end
  io.stderr:write(msg, "\n")
  io.stderr:flush()
end

-- ---------------------------------------------------------------- where an input came from

-- where = { name = "stdin" or a file's name, line = the input's first line (nil at a
-- terminal) }. Lua numbers the lines of each chunk from 1, so a chunk from a script is named
-- "NAME:LINE" (the line it began on), and a position "NAME:LINE:N:" in a message, from this
-- chunk or from a function an earlier one defined, is the script's line LINE + N - 1:
-- "stdin:42:", the script's own line.
local sources = {}   -- the names chunks were given (stdin, .read files), for relocate

local function chunk_name(where)
  if not where.line then return where.name end
  sources[where.name] = true
  return where.name .. ":" .. where.line
end

local function relocate(err)
  local msg = tostring(err)
  for name in pairs(sources) do
    local pat = name:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0") .. ":(%d+):(%d+):"
    msg = msg:gsub(pat, function(first, n) return ("%s:%d:"):format(name, tonumber(first) + tonumber(n) - 1) end)
  end
  return msg
end

-- a position for an error about the input as a whole (an SQL statement), at line k of it;
-- at a terminal the input is on the screen and needs none
local function position(src, k)
  if not src.line then return "" end
  return ("%s:%d: "):format(src.name, src.line + (k or 1) - 1)
end

-- an error raised by the database binding says where in the engine it was called: drop it
local function strip_engine_position(msg)
  return (msg:gsub("^stdlib/[^:\n]*:%d+: ", ""))
end

-- ---------------------------------------------------------------- Lua

-- `local x = 1` at the top level becomes `x = 1` in the session's environment, so names
-- typed on one line are there on the next (docs/repl.md)
local function globalise(src)
  src = src:gsub("^%s*local%s+function%s+", "function ")
  local names, rest = src:match("^%s*local%s+([%a_][%w_%s,<>]*)=(.*)$")
  if names and not names:find("<") then return names .. "=" .. rest end
  local only = src:match("^%s*local%s+([%a_][%w_%s,]*)%s*$")
  if only then return only .. " = nil" end
  return src
end

-- compile Lua: returns fn, or nil + "incomplete", or nil + message
function M.compile_lua(src, name)
  local chunk = "=" .. (name or "stdin")   -- name: "stdin", or "stdin:LINE" (chunk_name)
  local env = S.env
  local fn = load("return " .. src, chunk, "t", env)
  if fn then
    -- evaluate the expressions as arguments, not as a tail call, so an error a function
    -- raises for its caller (error(msg, 2)) points at stdin, not at the REPL's own code
    -- (the ")" on the same line, so positions stay on the input's line; after a -- comment
    -- it needs a line of its own)
    local kept = load("return (function(...) return ... end)(" .. src .. ")", chunk, "t", env)
      or load("return (function(...) return ... end)(" .. src .. "\n)", chunk, "t", env)
    return kept or fn
  end
  local fn2, err = load(globalise(src), chunk, "t", env)
  if fn2 then return fn2 end
  if err:match("<eof>$") then return nil, "incomplete" end
  return nil, err
end

local function eval_lua(src, where)
  local fn, err = M.compile_lua(src, chunk_name(where))
  if not fn then error(err, 0) end
  local res = table.pack(fn())
  print_values(res.n, table.unpack(res, 1, res.n))
end

-- ---------------------------------------------------------------- SQL

function M.is_sql(line)
  -- "/*" cannot begin Lua, so a leading block comment is SQL's
  if line:match("^%s*/%*") then return true end
  local w = line:match("^%s*(%a+)")
  if not w then return false end
  w = w:upper()
  for _, s in ipairs(sql_words) do if s == w then return true end end
  return false
end

-- a piece of SQL with nothing but blanks, comments and ";" in it (nothing to run)
local function only_comments(s)
  local prev
  repeat
    prev = s
    s = s:gsub("^[%s;]+", ""):gsub("^%-%-[^\n]*", ""):gsub("^/%*.-%*/", "")
  until s == prev
  return s == ""
end

local function lines_in(s)
  local _, n = s:gsub("\n", "")
  return n
end

-- the database SQL runs on: the session's (an in-memory one when qm started without --db)
local function database()
  if not S.db then error("no database open: use .open FILE", 0) end
  return S.db
end

-- run SQL, each statement as SQLite splits it (a ";" inside a string or a comment does not
-- end one); :name parameters come from .parameter (and --param)
local function eval_sql(sql, where)
  local db = database()
  local line = 1   -- the line of the input the statement starts on
  for _, stmt_sql in ipairs(qmdb.split(sql)) do
    local lead = stmt_sql:match("^%s*")
    local at = line + lines_in(lead)
    if not only_comments(stmt_sql) then
      local ok, err = pcall(function()
        local st <close> = db:prepare(stmt_sql)
        if st then
          local cols = st:columns()
          local p = #cols > 0 and new_printer(cols) or nil
          for r in st:query(S.params, "array") do if p then p.row(r) end end
          if p then p.finish() end
        end
      end)
      if not ok then
        host.rethrow(err, position(where, at) .. strip_engine_position(tostring(err)), 0)
      end
    end
    line = line + lines_in(stmt_sql)
  end
end

-- Levenshtein distance, for "did you mean"
local function distance(a, b)
  return require("qm.lang.schema").distance(a, b)
end

-- Input that is not valid Lua and ends in ";" may be SQL whose first word qm does not know
-- or that is misspelt (`SELEC * FROM t;`): SQLite is asked. Valid SQL runs as SQL; for a
-- misspelt SQL word SQLite's message (and the word meant) is more use than Lua's.
local function lua_or_sql(src, where, lua_err)
  if not src:match(";%s*$") then
    -- no ";": it stays Lua's error, with a hint when it begins with a misspelt SQL word
    -- (`SELEC * FROM t`) that is not a name the session knows
    local word = src:match("^%s*(%a+)")
    if word and #word >= 4 and S.env[word] == nil then
      for _, w in ipairs(sql_words) do
        if #w >= 5 and w ~= word:upper() and distance(word:upper(), w) <= (#word >= 5 and 2 or 1) then
          error(tostring(lua_err) .. (" (if this is SQL: did you mean %s? SQL ends with ;)"):format(w), 0)
        end
      end
    end
    return nil
  end
  if not S.db then return nil end
  local first = qmdb.split(src)[1]
  local ok, err = pcall(function() local st <close> = S.db:prepare(first) end)
  if ok then return "sql" end
  local word = src:match("^%s*(%a+)")
  if not word or #word < 3 then return nil end
  local meant
  for _, w in ipairs(sql_words) do
    if distance(word:upper(), w) <= 2 then meant = w break end
  end
  if not meant then return nil end
  error(position(where, 1) .. strip_engine_position(tostring(err)) .. (" (did you mean %s?)"):format(meant), 0)
end

-- ---------------------------------------------------------------- dot-commands

local dots, dot_list = {}, {}

-- d = { name, args, short, long, complete = { kind per argument }, rest = kind of the
-- arguments after those, fn = function(args) }. Completion kinds: file, table, mode, onoff,
-- dot, parameter, subcommand (with d.subcommands)
local function dot(d)
  dots[d.name] = d
  dot_list[#dot_list + 1] = d
end

local function onoff(args, name)
  if args[1] == "on" then return true elseif args[1] == "off" then return false end
  error(("usage: .%s on|off"):format(name), 0)
end

local function in_memory()
  return host.opendb(":memory:", { write = true, create = true, engine = false })
end

-- a fresh run context over opts.db (or an in-memory database), its environment, the models
local function open_session(opts)
  S.opts = opts
  S.ctx = context.new(opts)
  if not opts.db then
    S.memory = in_memory()
    S.ctx.mdb = S.memory   -- the environment's `db` is this connection
  else
    S.memory = nil
  end
  S.env = S.ctx:env(".")
  S.db = S.ctx:model_database()
  M.load_models(opts.models or {})
end

local function open_db(path)
  local opts = {}
  for k, v in pairs(S.opts) do opts[k] = v end
  if path == ":memory:" then
    opts.db = nil
  else
    local f = io.open(path, "rb")
    if not f and not S.opts.write then error(("cannot open %s: no such file (start qm with --write to create one)"):format(path), 0) end
    if f then f:close() end
    opts.db = path
  end
  open_session(opts)
end

-- SQL literal of a name: bare when it is a plain identifier
local function ident(name)
  if name:match("^[%a_][%w_]*$") then return name end
  return '"' .. name:gsub('"', '""') .. '"'
end

dot { name = "help", args = "[NAME]", complete = { "dot" }, short = "list the dot-commands, or explain one",
  long = "Without NAME: one line per command. With NAME: what it does.", fn = function(args)
  if args[1] then
    local d = dots[(args[1]:gsub("^%.", ""))]
    if not d then error(("no dot-command .%s (see .help)"):format(args[1]:gsub("^%.", "")), 0) end
    out((".%s %s\n  %s\n  %s\n"):format(d.name, d.args, d.short, d.long))
    return
  end
  for _, d in ipairs(dot_list) do out(("%-26s %s\n"):format("." .. d.name .. (d.args ~= "" and (" " .. d.args) or ""), d.short)) end
  out("Lua: type an expression or statement. SQL: a statement starting with SELECT, WITH, PRAGMA, ... ending in ;\n")
end }

dot { name = "open", args = "FILE", complete = { "file" }, short = "open a database (read-only unless qm was started with --write)",
  long = "Replaces the session's database; models are loaded again against it. .open :memory: opens a new empty in-memory database.",
  fn = function(args)
  if not args[1] then error("usage: .open FILE", 0) end
  open_db(args[1])
  out(("opened %s\n"):format(args[1] == ":memory:" and "an in-memory database" or args[1]))
end }

dot { name = "tables", args = "", short = "list the tables and views of the database", long = "Tables and views, sorted.", fn = function()
  for _, t in ipairs(database():tables()) do out(t .. "\n") end
end }

dot { name = "schema", args = "[TABLE]", complete = { "table" }, short = "show CREATE statements",
  long = "Every table's, view's, index's and trigger's CREATE statement, or one table's with its indexes and triggers.", fn = function(args)
  local db = database()
  local rows = args[1] and db:rows("SELECT sql FROM sqlite_schema WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type = 'table' DESC, name", { args[1] })
    or db:rows("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY tbl_name, type = 'table' DESC, name")
  if args[1] and #rows == 0 then error(("no table %s"):format(args[1]), 0) end
  for _, r in ipairs(rows) do out(r.sql .. ";\n") end
end }

dot { name = "indexes", args = "[TABLE]", complete = { "table" }, short = "list the indexes (of one table)",
  long = "Index names, sorted; those SQLite makes for UNIQUE and PRIMARY KEY constraints too.", fn = function(args)
  local db = database()
  if args[1] and not db:first("SELECT 1 FROM sqlite_schema WHERE name = ? AND type IN ('table', 'view')", { args[1] }) then
    error(("no table %s"):format(args[1]), 0)
  end
  local rows = args[1] and db:rows("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? ORDER BY name", { args[1] })
    or db:rows("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
  for _, r in ipairs(rows) do out(r.name .. "\n") end
end }

dot { name = "dump", args = "[TABLE...]", rest = "table", short = "the database (or tables) as SQL text",
  long = "CREATE and INSERT statements in one transaction, as sqlite3's .dump, and the database's user_version (qm's schema version): .output backup.sql, then .dump, then .read backup.sql into another database. A database with qm's own tables (qm_*) is restored outside qm (sqlite3 copy.db < backup.sql): qm's tables are written only by qm's commands. sqlite_sequence is left out.",
  fn = function(args)
  local db = database()
  local wanted
  if #args > 0 then
    wanted = {}
    for _, t in ipairs(args) do
      if not db:first("SELECT 1 FROM sqlite_schema WHERE name = ? AND type = 'table'", { t }) then error(("no table %s"):format(t), 0) end
      wanted[t] = true
    end
  end
  out("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n")
  -- the whole database keeps its schema version (qm's is PRAGMA user_version): without it
  -- a restored qm database reads as one with no qm data
  local version = not wanted and db:scalar("PRAGMA user_version") or 0
  if version ~= 0 then out(("PRAGMA user_version=%d;\n"):format(version)) end
  local tables = db:rows("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
  for _, t in ipairs(tables) do
    if not wanted or wanted[t.name] then
      out(t.sql .. ";\n")
      if not t.sql:match("^%s*[Cc][Rr][Ee][Aa][Tt][Ee]%s+[Vv][Ii][Rr][Tt][Uu][Aa][Ll]") then
        local cols = db:columns(t.name)
        local quoted = {}
        for i, c in ipairs(cols) do quoted[i] = "quote(" .. ident(c) .. ")" end
        if #quoted > 0 then
          local sql = ("SELECT %s FROM %s"):format(table.concat(quoted, " || ',' || "), ident(t.name))
          for values in db:query(sql, nil, "values") do
            -- quote() writes an infinite REAL as Inf, which SQL does not read back
            values = values:gsub("%f[%w%-]%-?Inf%f[^%w]", function(s) return s:sub(1, 1) == "-" and "-1e999" or "1e999" end)
            out(("INSERT INTO %s VALUES(%s);\n"):format(ident(t.name), values))
          end
        end
      end
    end
  end
  local rest = db:rows("SELECT tbl_name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL ORDER BY rowid")
  for _, r in ipairs(rest) do
    if not wanted or wanted[r.tbl_name] then out(r.sql .. ";\n") end
  end
  out("COMMIT;\n")
end }

-- a CSV field as .import stores it: empty is NULL; a number written plainly (no leading zero
-- or sign, so "007" and "+45" stay text) is a number, with a decimal comma in ; and tab
-- files as Danish Excel writes them; anything else is the text as it is
local function import_value(text, decimal)
  if text == nil or text == "" then return nil end
  if text:match("^%-?0%d") or text:match("^%+") then return text end
  if not text:match("^%-?%d") then return text end
  local n = require("qm.lang.types").number(text, decimal)
  return n or text
end

dot { name = "import", args = "FILE TABLE", complete = { "file", "table" }, short = "load a CSV file into a table (made from its header when new)",
  long = "Reads FILE as qm import does (the delimiter , ; or tab found from the header, a UTF-8 byte order mark skipped, decimal commas in ; and tab files, RFC 4180 quotes, text that is not UTF-8 refused), in one transaction: a bad row (more or fewer fields than the header) writes nothing. The header names the columns: a new TABLE gets them; an existing one must have each (in any order). Empty fields are NULL, plain numbers numbers (\"007\" stays text), everything else text. Needs a writable database (--write, or the in-memory one).",
  fn = function(args)
  if not args[1] or not args[2] then error("usage: .import FILE TABLE", 0) end
  local path, tname = args[1], args[2]
  local db = database()
  if db:readonly() then error("the database is open read-only: .import needs qm started with --write (or no --db: an in-memory database)", 0) end
  local csv = require "qm.csv"
  local reader, err = csv.open(path, { name = path })
  if not reader then error(err, 0) end
  local closing <close> = reader
  local header, herr = reader:header()
  if header == false then error(herr, 0) end
  if not header or #header == 0 then error(("%s: nothing to import (the file is empty)"):format(path), 0) end
  for i, h in ipairs(header) do
    if h == "" then error(("%s:1:%d: column %d of the header has no name"):format(path, i, i), 0) end
  end
  local decimal = require("qm.lang.types").decimal_of(reader:dialect().delimiter)
  local exists = db:first("SELECT type FROM sqlite_schema WHERE name = ? AND type IN ('table', 'view')", { tname })
  local cols = {}
  if exists then
    local have, lower = db:columns(tname), {}
    for _, c in ipairs(have) do lower[c:lower()] = c end
    for i, h in ipairs(header) do
      cols[i] = lower[h:lower()]
      if not cols[i] then
        local hint = require("qm.lang.construct").did_you_mean(h, have)
        error(("%s:1:%d: %s has no column %s%s (its columns: %s)"):format(path, i, tname, h,
          hint and (", did you mean " .. hint .. "?") or "", table.concat(have, ", ")), 0)
      end
    end
  else
    for i, h in ipairs(header) do cols[i] = h end
  end
  local quoted, marks = {}, {}
  for i, c in ipairs(cols) do quoted[i] = ident(c); marks[i] = "?" end
  local n = 0
  db:transaction(function()
    if not exists then db:exec(("CREATE TABLE %s(%s)"):format(ident(tname), table.concat(quoted, ", "))) end
    local st <close> = db:prepare(("INSERT INTO %s(%s) VALUES (%s)"):format(ident(tname), table.concat(quoted, ", "), table.concat(marks, ", ")))
    local row, values = {}, {}
    while true do
      local fields, line = reader:read(row)
      if fields == nil then break end
      if fields == false then error(line, 0) end
      local count = 0
      for k in pairs(fields) do if math.type(k) == "integer" and k > count then count = k end end
      if count ~= #cols then   -- as qm import: a short row is not filled up with NULLs
        error(("%s:%d: %d field%s, but the header names %d columns"):format(path, line, count, count == 1 and "" or "s", #cols), 0)
      end
      for i = 1, #cols do values[i] = import_value(fields[i], decimal) end
      local ok, why = st:try(table.unpack(values, 1, #cols))
      if not ok then error(("%s:%d: %s"):format(path, line, why), 0) end
      n = n + 1
    end
  end)
  out(("imported %d row%s into %s\n"):format(n, n == 1 and "" or "s", tname))
end }

dot { name = "models", args = "", short = "list the loaded models", long = "Each loaded model with its id (also its variable name).", fn = function()
  local ms = S.ctx:declared_models()
  if #ms == 0 then out("(no models loaded: .load FILE)\n") end
  for _, m in ipairs(ms) do out(tostring(m) .. "  " .. (m.title or "") .. "\n") end
end }

dot { name = "load", args = "MODEL", complete = { "file" }, short = "load a model file; it is then available by its id",
  long = "The model's id becomes a variable: kik:themes(). A bundled model loads by name too: .load kik.", fn = function(args)
  if not args[1] then error("usage: .load MODEL", 0) end
  local m = M.load_models({ args[1] })
  if m then out(tostring(m) .. "\n") end
end }

dot { name = "run", args = "MODEL [ARGS]", complete = { "file" }, rest = "file", short = "run a model as `qm run` does (same options)",
  long = "Example: .run models/kik/kik.lua --report konsensusrapport --round 2025-aeblet. The session's --db is passed on; the output follows .output and .once.",
  fn = function(args)
  local argv = { "run" }
  for _, a in ipairs(args) do argv[#argv + 1] = a end
  if S.opts.db and not table.concat(args, " "):find("--db", 1, true) then argv[#argv + 1] = "--db"; argv[#argv + 1] = S.opts.db end
  io.stdout:flush()
  -- the run's output follows .output/.once like everything else the REPL prints
  context.stdout = (S.once or S.output) and { write = function(_, ...) out(table.concat({ ... })) end } or nil
  local ok, code = pcall(require("qm.engine.runner").main, argv)
  context.stdout = nil
  if not ok then error(code, 0) end
  if code ~= 0 then error(("the run ended with exit code %d"):format(code), 0) end
end }

-- why FILE cannot be opened, in qm's words: "no such file", "no folder out" (io.open's
-- message repeats the name: "FILE: No such file or directory")
local function open_error(path, err)
  local why = tostring(err)
  if why:sub(1, #path + 2) == path .. ": " then why = why:sub(#path + 3) end
  local dir = path:match("^(.+)/[^/]*$")
  if dir and not host.stat(dir) then return "no folder " .. dir end
  if why == "No such file or directory" then return "no such file" end
  if why == "Is a directory" then return "is a folder" end
  return why
end

dot { name = "read", args = "FILE", complete = { "file" }, short = "run the commands in FILE",
  long = "Each line as if typed (Lua, SQL or dot-commands); an error names FILE:LINE, and the rest still runs unless .bail is on.",
  fn = function(args)
  if not args[1] then error("usage: .read FILE", 0) end
  local f, err = io.open(args[1], "r")
  if not f then error("cannot read " .. args[1] .. ": " .. open_error(args[1], err), 0) end
  local text, rerr = f:read("a")
  f:close()
  if not text then error("cannot read " .. args[1] .. ": " .. open_error(args[1], rerr or "is a folder"), 0) end
  return M.run_script(text, args[1])
end }

dot { name = "mode", args = "MODE", complete = { "mode" }, short = "output mode: " .. table.concat(printer.modes, ", "),
  long = (function()
    local t = { "How query results and arrays of records print:" }
    for _, m in ipairs(printer.modes) do t[#t + 1] = ("    %-9s %s"):format(m, printer.about[m]) end
    return table.concat(t, "\n")
  end)(), fn = function(args)
  if not args[1] then out(S.mode .. "\n") return end
  for _, m in ipairs(printer.modes) do if m == args[1] then S.mode = m return end end
  error(("unknown mode %s (modes: %s)"):format(args[1], table.concat(printer.modes, ", ")), 0)
end }

dot { name = "headers", args = "on|off", complete = { "onoff" }, short = "show column names above results (on by default)",
  long = "Applies to box, table, column and csv; markdown, line and json always name the columns.", fn = function(args)
  S.headers = onoff(args, "headers")
end }

dot { name = "nullvalue", args = "[TEXT]", short = "the text NULL shows as (default: nothing)",
  long = "In every mode but json (which writes null). Without TEXT: the current text. .nullvalue '' goes back to nothing.", fn = function(args)
  if #args == 0 then out(("%q\n"):format(S.nullvalue)) return end
  S.nullvalue = args[1]
end }

-- a parameter's value as typed: a number, NULL, 'text' or "text" in quotes, else the text
local function parameter_value(s)
  local n = math.tointeger(tonumber(s)) or tonumber(s)
  if n and s:match("^%s*[%-+]?[%d.]") then return n end
  if s:upper() == "NULL" then return host.null end
  return s
end

dot { name = "parameter", args = "set NAME VALUE|list|clear", complete = { "subcommand", "parameter" },
  rest = "parameter", subcommands = { "set", "list", "clear", "unset" },
  short = "values for :NAME in SQL (--param sets them too)",
  long = ".parameter set year 2025 makes :year (also @year, $year) 2025 in every statement; VALUE is a number when it reads as one, NULL, or text ('in quotes' to keep spaces or make a number text). .parameter list shows them; .parameter clear forgets all (or the NAMEs); unset is clear.",
  fn = function(args)
  local sub = args[1] or "list"
  if sub == "set" then
    if not args[2] or args[3] == nil then error("usage: .parameter set NAME VALUE", 0) end
    local name = args[2]:gsub("^[:@$]", "")
    if not name:match("^[%a_][%w_]*$") then error(("parameter name %s: use letters, digits and _"):format(args[2]), 0) end
    S.params[name] = S.raw_args[3] and S.raw_args[3]:match("^['\"]") and args[3] or parameter_value(args[3])
  elseif sub == "list" then
    local names = {}
    for k in pairs(S.params) do if type(k) == "string" then names[#names + 1] = k end end
    table.sort(names)
    if #names == 0 then out("(no parameters: .parameter set NAME VALUE)\n") return end
    for _, k in ipairs(names) do
      local v = S.params[k]
      out((":%s = %s\n"):format(k, type(v) == "string" and ("'" .. v:gsub("'", "''") .. "'") or tostring(v)))
    end
  elseif sub == "clear" or sub == "unset" then
    if #args == 1 then S.params = {} return end
    for i = 2, #args do
      local name = args[i]:gsub("^[:@$]", "")
      if S.params[name] == nil then error(("no parameter %s"):format(name), 0) end
      S.params[name] = nil
    end
  else
    error(("unknown .parameter %s (set, list, clear)"):format(sub), 0)
  end
end }

dot { name = "bail", args = "on|off", complete = { "onoff" }, short = "stop at the first error (in scripts and .read)",
  long = "With bail on, a script fed on standard input ends at the first command that fails (exit 1), and .read stops there.", fn = function(args)
  S.bail = onoff(args, "bail")
end }

dot { name = "echo", args = "on|off", complete = { "onoff" }, short = "print each command before it runs",
  long = "Useful in scripts: the output then shows which command printed what.", fn = function(args)
  S.echo = onoff(args, "echo")
end }

dot { name = "timer", args = "on|off", complete = { "onoff" }, short = "print each command's time: real, user and sys",
  long = "Run Time: real (wall clock), user and sys (CPU time of qm) in seconds, after the command's output.", fn = function(args)
  S.timer = onoff(args, "timer")
end }

dot { name = "output", args = "[FILE]", complete = { "file" }, short = "send output to FILE (no FILE: back to the screen)",
  long = "The file is created or truncated.", fn = function(args)
  if S.output then S.output:close(); S.output = nil end
  if args[1] then
    S.ctx:check_not_precious(args[1], ".output")
    local f, err = io.open(args[1], "w")
    if not f then error("cannot write " .. args[1] .. ": " .. open_error(args[1], err), 0) end
    S.output = f
  end
end }

dot { name = "once", args = "FILE", complete = { "file" }, short = "send the next command's output to FILE", long = "Then output goes back where it was.", fn = function(args)
  if not args[1] then error("usage: .once FILE", 0) end
  S.ctx:check_not_precious(args[1], ".once")
  local f, err = io.open(args[1], "w")
  if not f then error("cannot write " .. args[1] .. ": " .. open_error(args[1], err), 0) end
  S.once = f
end }

dot { name = "show", args = "", short = "the current settings", long = "Mode, headers, nullvalue, timer, bail, echo, output and database.", fn = function()
  local rows = {
    { "mode", S.mode }, { "headers", S.headers and "on" or "off" }, { "nullvalue", ("%q"):format(S.nullvalue) },
    { "timer", S.timer and "on" or "off" }, { "bail", S.bail and "on" or "off" }, { "echo", S.echo and "on" or "off" },
    { "output", S.output_name or "stdout" }, { "database", S.opts.db or "in memory" },
  }
  for _, r in ipairs(rows) do out(("%10s: %s\n"):format(r[1], r[2])) end
end }

dot { name = "sql", args = "", short = "toggle SQL mode: every input is SQL until .sql again", long = "In SQL mode input ends at ; and the prompt says sql>.", fn = function()
  S.sql_mode = not S.sql_mode
  out(S.sql_mode and "SQL mode: input is SQL until .sql\n" or "Lua mode\n")
end }

dot { name = "quit", args = "", short = "leave qm", long = "Ctrl-D does the same.", fn = function() S.quit = true end }

-- the argument kinds completion knows, exported for tests and docs
M.dots = dots

-- a dot-command's arguments split at white space; 'single' or "double" quotes keep spaces
-- in one argument (`.load 'Kvalitet 2026/kik.lua'`), as in the sqlite3 shell. Also returns
-- each argument as typed (to tell '42' from 42).
local function split_args(rest)
  local args, raw, i, n = {}, {}, 1, #rest
  while true do
    i = rest:find("%S", i)
    if not i then return args, raw end
    local parts, start = {}, i
    while i <= n and not rest:sub(i, i):match("%s") do
      local c = rest:sub(i, i)
      if c == "'" or c == '"' then
        local j = rest:find(c, i + 1, true)
        if not j then error(("unterminated %s quote in: %s"):format(c, rest), 0) end
        parts[#parts + 1] = rest:sub(i + 1, j - 1)
        i = j + 1
      else
        local j = rest:find("[%s'\"]", i) or n + 1
        parts[#parts + 1] = rest:sub(i, j - 1)
        i = j
      end
    end
    args[#args + 1] = table.concat(parts)
    raw[#raw + 1] = rest:sub(start, i - 1)
  end
end
M.split_args = split_args

function M.dot(line)
  local name, rest = line:match("^%.(%S+)%s*(.*)$")
  if not name then error("empty dot-command (see .help)", 0) end
  local args, raw = split_args(rest)
  local d = dots[name]
  if not d then
    local names = {}
    for _, x in ipairs(dot_list) do names[#names + 1] = x.name end
    local best = require("qm.lang.construct").did_you_mean(name, names)
    error(("unknown command .%s%s (see .help)"):format(name, best and (", did you mean ." .. best .. "?") or ""), 0)
  end
  S.raw_args = raw
  if name == "output" then S.output_name = args[1] end
  return d.fn(args)
end

function M.dot_names()
  local list = {}
  for _, d in ipairs(dot_list) do list[#list + 1] = "." .. d.name end
  return list
end

-- ---------------------------------------------------------------- models

-- a model by file name, or a bundled model by name (.load kik)
local function model_path(p)
  return require("qm.lang.dsl").model_file(p)
end

function M.load_models(paths)
  local last
  for _, p in ipairs(paths) do
    local before = #(S.ctx.models or {})
    S.ctx:dofile(model_path(p))
    local errors = S.ctx:print_problems(io.stderr, false)
    if errors > 0 then S.ctx.problems = {} error(("%s has errors (see qm check %s)"):format(p, p), 0) end
    S.ctx.problems = {}
    for i = before + 1, #(S.ctx.models or {}) do
      local m = S.ctx.models[i]
      if not m._used then rawset(S.env, (m.id:gsub("[^%w_]", "_")), m); last = m end
    end
  end
  return last
end

-- ---------------------------------------------------------------- completion

local function methods_of(v)
  local mt = debug.getmetatable(v)
  return mt and type(mt.__index) == "table" and mt.__index or nil
end

-- the names after `v.` or `v:`; the engine's internals of model objects (_file, _index) and
-- of anything else (a leading _) are not offered
local function fields_of(v)
  local names = {}
  local function add(t)
    if type(t) ~= "table" then return end
    for k in pairs(t) do if type(k) == "string" and k:sub(1, 1) ~= "_" then names[k] = true end end
  end
  if type(v) == "table" then
    local mt = getmetatable(v)
    if mt == "model" or mt == "model element" then
      add(v)
      for _, name in ipairs({ "themes", "questions", "indicators", "walk", "find", "scale_of", "scoring_of", "path" }) do names[name] = true end
      names.parent, names.children = v.parent ~= nil or nil, v.children ~= nil or nil
    elseif mt == "model collection" then
      for id in pairs(v) do names[id] = true end
    else
      add(v)
      add(methods_of(v))
    end
  elseif type(v) == "string" then
    add(string)
  elseif type(v) == "userdata" then
    add(methods_of(v))
  end
  return names
end

-- the value of a chain of names (kik.themes, db): completing must never call a function
local function lookup(expr)
  if not (expr:match("^[%a_][%w_]*$") or expr:match("^[%a_][%w_]*[%.%w_]*[%w_]$")) then return nil end
  local fn = load("return " .. expr, "=complete", "t", S.env)
  if not fn then return nil end
  local ok, v = pcall(fn)
  if ok then return v end
end

local function sorted(set)
  local list = {}
  for k in pairs(set) do list[#list + 1] = k end
  table.sort(list)
  return list
end

-- candidates for a dot-command's argument of the given kind; nil = file names (readline's)
local function argument_candidates(kind, d, args)
  if kind == "file" then return nil end
  if kind == "mode" then return printer.modes end
  if kind == "onoff" then return { "on", "off" } end
  if kind == "dot" then
    local list = {}
    for _, x in ipairs(dot_list) do list[#list + 1] = x.name end
    return list
  end
  if kind == "table" then return S.db and S.db:tables() or {} end
  if kind == "subcommand" then return d.subcommands or {} end
  if kind == "parameter" then
    if args[1] == "list" then return {} end
    return sorted(S.params)
  end
  return {}
end

-- candidates for the word `text` (readline's word) given the line up to the cursor
function M.complete(text, line)
  local list, seen = {}, {}
  local function add(s) if not seen[s] and s:sub(1, #text) == text then seen[s] = true; list[#list + 1] = s end end
  local function add_all(t) for _, s in ipairs(t) do add(s) end end
  local first = line:match("^%s*(%S*)")
  if line:match("^%s*%.%S*$") then
    add_all(M.dot_names())
  elseif first:match("^%.") then
    local d = dots[first:sub(2)]
    if not d then return {} end
    local rest = line:match("^%s*%S+%s+(.*)$") or ""
    local ok, args = pcall(split_args, rest)
    if not ok then args = {} end
    local index = rest:match("%s$") and #args + 1 or math.max(#args, 1)
    if rest == "" then index = 1 end
    local kind = (d.complete and d.complete[index]) or d.rest
    if not kind then return {} end
    local cands = argument_candidates(kind, d, args)
    if cands == nil then return nil end
    add_all(cands)
  elseif S.sql_mode or M.is_sql(line) then
    for _, k in ipairs(sql_keywords) do add(k); add(k:lower()) end
    if S.db then
      for _, t in ipairs(S.db:tables()) do
        add(t)
        for _, c in ipairs(S.db:columns(t)) do add(c) end
      end
    end
  else
    -- kik.questions["1<TAB>: the ids of a collection, or the string keys of a table
    local expr, quote, partial = line:match("([%a_][%w_%.]*)%[%s*([\"'])([^\"']*)$")
    if expr and partial == text then
      local v = lookup(expr)
      if type(v) == "table" then
        local keys = {}
        for k in pairs(v) do if type(k) == "string" then keys[#keys + 1] = k end end
        table.sort(keys)
        for _, k in ipairs(keys) do add(k .. quote .. "]") end
      end
      table.sort(list)
      return list
    end
    local base, sep = text:match("^(.*)([%.:])[%w_]*$")
    if base then
      local v = lookup(base)
      if v ~= nil then
        for _, k in ipairs(sorted(fields_of(v))) do
          if k:match("^[%a_][%w_]*$") then add(base .. sep .. k) end
        end
      end
    else
      local names = {}
      for k in pairs(S.env) do if type(k) == "string" then names[k] = true end end
      for k in pairs(S.base) do names[k] = true end
      for _, kw in ipairs({ "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while" }) do names[kw] = true end
      add_all(sorted(names))
      -- model element ids, quoted, inside find("...")
      if line:match("find%(%s*[\"']?[%w%._]*$") then
        for _, m in ipairs(S.ctx:declared_models()) do
          for _, e in ipairs(m:walk()) do add(e.id) end
        end
      end
    end
  end
  table.sort(list)
  return list
end

-- ---------------------------------------------------------------- sessions

-- the names a fresh environment can see (for completion of globals)
local function base_names()
  local names = {}
  local lists = require("qm.sandbox").lists()
  for _, list in ipairs({ lists.globals, lists.libs, lists.own_globals, lists.model_globals }) do
    for _, k in ipairs(list or {}) do names[k] = true end
  end
  names._G = nil
  if not S.opts.db then names.store = nil end
  return names
end

function M.start(opts, tty)
  S.tty = tty
  S.mode = tty and "box" or "column"
  if opts.format and opts.format ~= "text" then
    S.mode = opts.format == "html" and "box" or opts.format
  end
  S.headers, S.nullvalue, S.timer, S.bail, S.echo = true, "", false, false, false
  S.params = {}
  for k, v in pairs(opts.params or {}) do S.params[k] = v end
  open_session(opts)
  S.base = base_names()
end

function M.banner()
  local ms = {}
  for _, m in ipairs(S.ctx:declared_models()) do ms[#ms + 1] = m.id end
  return ("qm %s — database: %s — models: %s — .help for help, Ctrl-D to leave\n"):format(
    host.version, S.opts.db or "in memory (.open FILE for a file)", #ms > 0 and table.concat(ms, ", ") or "(none)")
end

local function cpu()
  if terminal.cputime then return terminal.cputime() end
  return os.clock(), 0
end

-- one complete input (Lua chunk, SQL statement(s) or dot-command)
local function run_input(input, where)
  if input:match("^%s*%.") then
    -- a dot-command's own error says what, not where: in a script it gets the script's line
    -- (an error that already names a place, a model's or a .read file's, keeps it)
    local ok, res = pcall(M.dot, input:match("^%s*(.-)%s*$"))
    if ok then return res end
    local msg = tostring(res)
    if where.line and not msg:match("^[^\n]-:%d+: ") then host.rethrow(res, position(where) .. msg, 0) end
    error(res, 0)
  end
  if S.sql_mode or M.is_sql(input) then return eval_sql(input, where) end
  if not input:match("%S") then return end
  local _, err = M.compile_lua(input, chunk_name(where))
  if err and err ~= "incomplete" and lua_or_sql(input, where, err) == "sql" then return eval_sql(input, where) end
  return eval_lua(input, where)
end

-- run one input from `where`; returns whether everything in it succeeded (a .read may
-- report its own errors and go on), raises the input's error
local function run(input, where)
  if S.echo then out(input .. "\n") end
  local t0, u0, s0 = host.now(), cpu()
  local ok, res = xpcall(run_input, host.msghandler or debug.traceback, input, where)
  if not input:match("^%s*%.once%s") then finish_once() end   -- .once: for the next command
  -- problems the model language recorded (a rule's unknown option typed at the prompt)
  local failed = false
  if S.ctx.problems and #S.ctx.problems > 0 then
    failed = S.ctx:print_problems(io.stderr, true) > 0
    S.ctx.problems = {}
  end
  if S.timer and not input:match("^%s*%.") then
    local u1, s1 = cpu()
    out(("Run Time: real %.3f user %.6f sys %.6f\n"):format(host.now() - t0, u1 - u0, s1 - s0))
  end
  if not ok then
    if S.bail and not S.tty then S.quit = true end
    host.rethrow(res, relocate(res), 0)
  end
  return res ~= false and not failed
end

-- C calls this with the input and, in a script, the line it began on
function M.execute(input, line)
  return run(input, { name = "stdin", line = line and line > 0 and line or nil })
end

-- is the input complete? "sql" inputs need a final ;, Lua inputs must compile
function M.complete_input(input, sql_complete)
  if input:match("^%s*%.") or not input:match("%S") then return true end
  if S.sql_mode or M.is_sql(input) then return sql_complete(input) end
  local _, err = M.compile_lua(input)
  return err ~= "incomplete"
end

function M.prompt(continuing)
  if continuing then return S.sql_mode and "   ...> " or "  ...> " end
  return S.sql_mode and "sql> " or "qm> "
end

-- commands from a file (.read), each line as if typed; an error is reported as FILE:LINE
-- and the rest runs, unless .bail is on. Returns false when any command failed.
function M.run_script(text, name)
  local buf, first, n, all_ok = "", 1, 0, true
  local complete = terminal.sql_complete or function(s) return s:match(";%s*$") ~= nil end
  local function one(input)
    local ok, err = pcall(run, input, { name = name, line = first })
    if not ok then
      if S.bail then error(err, 0) end
      report(err)
      all_ok = false
    elseif err == false then
      all_ok = false
    end
  end
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do
    n = n + 1
    if buf == "" then first = n end
    buf = buf == "" and line or (buf .. "\n" .. line)
    if M.complete_input(buf, complete) then
      one(buf)
      buf = ""
      if S.quit then break end
    end
  end
  if buf:match("%S") then one(buf) end
  return all_ok
end

function M.quitting() return S.quit == true end

function M.close()
  if S.output then S.output:close(); S.output = nil end
  finish_once()
end

return M
