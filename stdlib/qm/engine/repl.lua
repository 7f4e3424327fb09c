-- repl.lua — the analyst's shell, the part written in Lua: evaluating Lua and SQL, printing
-- values and result sets in the chosen mode, dot-commands and completion. repl/repl.c does
-- the terminal (readline, history, Ctrl-C) and calls these functions; see docs/repl.md.
local host = require "qm.host"
local context = require "qm.engine.context"
local report = require "qm.reports.document"
local json = require "qm.reports.json"

local M = {}

local S = {}        -- the session: ctx, env, db, mode, timer, output
M.state = S

local modes = { "table", "box", "column", "csv", "json", "markdown", "line" }
local sql_words = { "SELECT", "WITH", "PRAGMA", "EXPLAIN", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP",
  "ALTER", "VALUES", "REPLACE", "BEGIN", "COMMIT", "ROLLBACK", "ANALYZE", "VACUUM", "SAVEPOINT", "RELEASE" }
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

local function width_limit()
  if S.tty then return host.term_width and host.term_width() or 80 end
  return nil
end

local function shorten(s, w)
  if report.width(s) <= w then return s end
  if w <= 1 then return "…" end
  local cut = utf8.offset(s, w) or (#s + 1)
  return s:sub(1, cut - 1) .. "…"
end

-- Result sets print through a printer: printer(cols) then p.row(r) for each row (an array)
-- and p.finish(). csv, json and line write each row at once; the aligned modes (box,
-- table, column, markdown) hold the first ALIGN_ROWS rows to choose column widths, then
-- stream the rest at those widths (on a terminal longer text is shortened with …;
-- otherwise a longer value widens its row), so a query of millions of rows prints in
-- constant memory.
local ALIGN_ROWS = 1000

local function printer(cols)
  local mode = S.mode
  local function cell(v)
    if v == nil or v == host.null then return mode == "json" and nil or (mode == "line" and "NULL" or "") end
    if type(v) == "number" and math.type(v) == "float" then return ("%.15g"):format(v) end
    return report.sanitize(tostring(v))
  end
  local n = 0
  if mode == "json" then
    return {
      row = function(r)
        local o = {}
        for i, c in ipairs(cols) do local v = r[i]; if v ~= host.null then o[c] = v end end
        local text = json.encode(json.object(o, cols), { indent = "  " }):gsub("\n", "\n  ")
        out((n == 0 and "[\n  " or ",\n  ") .. text)
        n = n + 1
      end,
      finish = function() out(n == 0 and "[]\n" or "\n]\n") end }
  end
  if mode == "csv" then
    local line = {}
    for i, c in ipairs(cols) do line[i] = report.csv_field(c) end
    out(table.concat(line, ",") .. "\n")
    return {
      row = function(r)
        for i = 1, #cols do line[i] = report.csv_field(cell(r[i]) or "") end
        out(table.concat(line, ",") .. "\n")
      end,
      finish = function() end }
  end
  if mode == "line" then
    local w = 0
    for _, c in ipairs(cols) do w = math.max(w, report.width(c)) end
    return {
      row = function(r)
        if n > 0 then out("\n") end
        n = n + 1
        for i, c in ipairs(cols) do out(report.pad(c, w, true) .. " = " .. (cell(r[i]) or "") .. "\n") end
      end,
      finish = function() end }
  end
  -- aligned modes: box (Unicode lines), table (ASCII, as sqlite3's), column, markdown
  local w, numeric, held, streaming = {}, {}, {}, false
  for i, c in ipairs(cols) do w[i] = report.width(c); numeric[i] = true end
  local function cells_of(r)
    local t = {}
    for i = 1, #cols do t[i] = (cell(r[i]) or ""):gsub("\n", "\\n") end
    return t
  end
  -- values are shortened to the column's width on a terminal, or when they came after the
  -- widths were fixed and the terminal is the limit; a number is never shortened (a longer
  -- one after the first ALIGN_ROWS rows makes its row wider instead)
  local fit = width_limit() ~= nil
  local function row_line(vals, left, mid, right, header)
    local parts = {}
    for i = 1, #cols do
      local s = vals[i]
      if (fit or not streaming) and not (numeric[i] and not header) then s = shorten(s, w[i]) end
      parts[i] = report.pad(s, w[i], numeric[i] and not header)
    end
    return left .. table.concat(parts, mid) .. right
  end
  local ascii = mode == "table"
  local h, v = ascii and "-" or "─", ascii and "|" or "│"
  local function rule(l, m, r)
    local d = {}
    for i = 1, #cols do d[i] = string.rep(h, w[i] + 2) end
    return l .. table.concat(d, m) .. r .. "\n"
  end
  local top, mid, bottom = { "┌", "┬", "┐" }, { "├", "┼", "┤" }, { "└", "┴", "┘" }
  if ascii then top = { "+", "+", "+" }; mid, bottom = top, top end
  local function body_line(t)
    if mode == "column" then return (row_line(t, "", "  ", ""):gsub("%s+$", "")) .. "\n" end
    if mode == "markdown" then return row_line(t, "| ", " | ", " |") .. "\n" end
    return row_line(t, v .. " ", " " .. v .. " ", " " .. v) .. "\n"
  end
  -- widths from the rows held so far, fitted to the terminal; then the header
  local function start_streaming()
    streaming = true
    local limit = width_limit()
    if limit then
      local sep = (mode == "column") and 2 or 3
      local total = function() local t = 1 for i = 1, #w do t = t + w[i] + sep end return t end
      while total() > limit do
        local wi, best = nil, 0
        for i = 1, #w do if w[i] > best then best, wi = w[i], i end end
        if best <= 4 then break end
        w[wi] = w[wi] - 1
      end
    end
    if mode == "column" then
      out((row_line(cols, "", "  ", "", true):gsub("%s+$", "")) .. "\n")
      local d = {}
      for i = 1, #cols do d[i] = string.rep("-", w[i]) end
      out(table.concat(d, "  ") .. "\n")
    elseif mode == "markdown" then
      out(row_line(cols, "| ", " | ", " |", true) .. "\n")
      local d = {}
      for i = 1, #cols do d[i] = numeric[i] and (string.rep("-", math.max(w[i] - 1, 2)) .. ":") or string.rep("-", math.max(w[i], 3)) end
      out("| " .. table.concat(d, " | ") .. " |\n")
    else
      out(rule(top[1], top[2], top[3]))
      out(row_line(cols, v .. " ", " " .. v .. " ", " " .. v, true) .. "\n")
      out(rule(mid[1], mid[2], mid[3]))
    end
    for _, t in ipairs(held) do out(body_line(t)) end
    held = nil
  end
  return {
    row = function(r)
      if streaming then out(body_line(cells_of(r))) return end
      local t = cells_of(r)
      for i = 1, #cols do
        if type(r[i]) ~= "number" and r[i] ~= host.null and r[i] ~= nil then numeric[i] = false end
        if report.width(t[i]) > w[i] then w[i] = report.width(t[i]) end
      end
      held[#held + 1] = t
      if #held >= ALIGN_ROWS then start_streaming() end
    end,
    finish = function()
      if not streaming then start_streaming() end
      if mode ~= "column" and mode ~= "markdown" then out(rule(bottom[1], bottom[2], bottom[3])) end
    end }
end

-- print rows (array of arrays) with column names in the session's mode
local function print_rows(cols, rows)
  local p = printer(cols)
  for _, r in ipairs(rows) do p.row(r) end
  p.finish()
end
M.print_rows = print_rows

-- ---------------------------------------------------------------- Lua values

local function is_model_object(v)
  local mt = getmetatable(v)
  return mt == "model" or mt == "model element" or mt == "model collection" or mt == "scale" or mt == "date"
    or mt == "period" or mt == "deadline"
end

local function key_text(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return k end
  return "[" .. (type(k) == "string" and ("%q"):format(k) or tostring(k)) .. "]"
end

local MAX_DEPTH, MAX_ITEMS = 4, 40

local function show(v, depth, seen)
  local t = type(v)
  if t == "string" then return ("%q"):format(v):gsub("\\\n", "\\n") end
  if t ~= "table" or is_model_object(v) then
    local ok, s = pcall(tostring, v)
    return ok and report.sanitize(s) or ("<" .. t .. ">")
  end
  if seen[v] then return "<cycle>" end
  if depth >= MAX_DEPTH then return "{...}" end
  seen[v] = true
  local keys, n = {}, #v
  for k in pairs(v) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b)
    if type(a) == type(b) and (type(a) == "string" or type(a) == "number") then return a < b end
    return type(a) < type(b)
  end)
  local parts, count = {}, 0
  for i = 1, n do
    count = count + 1
    if count > MAX_ITEMS then parts[#parts + 1] = ("... (%d more)"):format(n + #keys - MAX_ITEMS) break end
    parts[#parts + 1] = show(v[i], depth + 1, seen)
  end
  if count <= MAX_ITEMS then
    for _, k in ipairs(keys) do
      count = count + 1
      if count > MAX_ITEMS then parts[#parts + 1] = ("... (%d more)"):format(n + #keys - MAX_ITEMS) break end
      parts[#parts + 1] = key_text(k) .. " = " .. show(v[k], depth + 1, seen)
    end
  end
  seen[v] = nil
  local s = "{ " .. table.concat(parts, ", ") .. " }"
  if #s > 100 and depth == 0 then s = "{\n  " .. table.concat(parts, ",\n  ") .. "\n}" end
  if #parts == 0 then s = "{}" end
  return s
end
M.show = show

-- an array of records with the same keys prints as a table
local function as_records(v)
  if type(v) ~= "table" or is_model_object(v) or #v == 0 then return nil end
  local cols, set = {}, {}
  for i, r in ipairs(v) do
    if type(r) ~= "table" or is_model_object(r) then return nil end
    for k in pairs(r) do
      if type(k) ~= "string" then return nil end
      if not set[k] then set[k] = true; cols[#cols + 1] = k end
    end
    if i > 200 then break end
  end
  if #cols == 0 then return nil end
  table.sort(cols)
  local rows = {}
  for i, r in ipairs(v) do
    local row = {}
    for j, c in ipairs(cols) do
      local x = r[c]
      row[j] = (type(x) == "table" and not is_model_object(x)) and show(x, 1, {}) or (x == nil and host.null or x)
    end
    rows[i] = row
  end
  return cols, rows
end

local function print_values(n, ...)
  for i = 1, n do
    local v = select(i, ...)
    local cols, rows = as_records(v)
    if cols then print_rows(cols, rows) else out(show(v, 0, {}) .. "\n") end
  end
end

-- ---------------------------------------------------------------- evaluation

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
function M.compile_lua(src)
  local env = S.env
  local fn = load("return " .. src, "=stdin", "t", env)
  if fn then
    -- evaluate the expressions as arguments, not as a tail call, so an error a function
    -- raises for its caller (error(msg, 2)) points at stdin, not at the REPL's own code
    local kept = load("return (function(...) return ... end)(" .. src .. "\n)", "=stdin", "t", env)
    return kept or fn
  end
  local fn2, err = load(globalise(src), "=stdin", "t", env)
  if fn2 then return fn2 end
  if err:match("<eof>$") then return nil, "incomplete" end
  return nil, err
end

function M.eval_lua(src)
  local fn, err = M.compile_lua(src)
  if not fn then error(err, 0) end
  local res = table.pack(fn())
  print_values(res.n, table.unpack(res, 1, res.n))
  finish_once()
end

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

function M.eval_sql(sql)
  local db = S.db
  if not db then error("no database open: start with --db FILE or use .open FILE", 0) end
  -- split as SQLite reads it: a ";" inside a string or a comment does not end a statement
  for _, stmt_sql in ipairs(require("qm.db").split(sql)) do
    if not only_comments(stmt_sql) then
      local st <close> = db:prepare(stmt_sql)
      if st then
        local cols = st:columns()
        local p = #cols > 0 and printer(cols) or nil
        for r in st:query(nil, "array") do if p then p.row(r) end end
        if p then p.finish() end
      end
    end
  end
  finish_once()
end

-- ---------------------------------------------------------------- dot-commands

local dots = {}
local dot_help = {}

local function dot(name, args, short, long, fn)
  dots[name] = fn
  dot_help[#dot_help + 1] = { name = name, args = args, short = short, long = long }
end

local function open_db(path)
  local f = io.open(path, "rb")
  if not f and not S.opts.write then error(("cannot open %s: no such file (start qm with --write to create one)"):format(path), 0) end
  if f then f:close() end
  S.opts.db = path
  S.ctx = context.new(S.opts)
  S.env = S.ctx:env(".")
  S.db = S.ctx:model_database()
  M.load_models(S.opts.models or {})
end

dot("help", "[NAME]", "list the dot-commands, or explain one", "Without NAME: one line per command. With NAME: this text.", function(args)
  if args[1] then
    local name = args[1]:gsub("^%.", "")
    for _, h in ipairs(dot_help) do
      if h.name == name then out((".%s %s\n  %s\n  %s\n"):format(h.name, h.args, h.short, h.long)) return end
    end
    error(("no dot-command .%s (see .help)"):format(name), 0)
  end
  for _, h in ipairs(dot_help) do out(("%-24s %s\n"):format("." .. h.name .. (h.args ~= "" and (" " .. h.args) or ""), h.short)) end
  out("Lua: type an expression or statement. SQL: a statement starting with SELECT, WITH, PRAGMA, ... ending in ;\n")
end)
dot("open", "FILE", "open a database (read-only unless qm was started with --write)",
  "Replaces the session's database; models are loaded again against it.", function(args)
  if not args[1] then error("usage: .open FILE", 0) end
  open_db(args[1])
  out(("opened %s\n"):format(args[1]))
end)
dot("tables", "", "list the tables and views of the database", "Tables and views, sorted.", function()
  if not S.db then error("no database open", 0) end
  for _, t in ipairs(S.db:tables()) do out(t .. "\n") end
end)
dot("schema", "[TABLE]", "show CREATE statements", "Every table's, or one table's, CREATE statement.", function(args)
  if not S.db then error("no database open", 0) end
  local rows = args[1] and S.db:rows("SELECT sql FROM sqlite_schema WHERE name = ? AND sql IS NOT NULL", { args[1] })
    or S.db:rows("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name")
  if args[1] and #rows == 0 then error(("no table %s"):format(args[1]), 0) end
  for _, r in ipairs(rows) do out(r.sql .. ";\n") end
end)
dot("models", "", "list the loaded models", "Each loaded model with its id (also its variable name).", function()
  local ms = S.ctx:declared_models()
  if #ms == 0 then out("(no models loaded: .load FILE)\n") end
  for _, m in ipairs(ms) do out(tostring(m) .. "  " .. (m.title or "") .. "\n") end
end)
dot("load", "MODEL", "load a model file; it is then available by its id", "The model's id becomes a variable: kik:themes().", function(args)
  if not args[1] then error("usage: .load MODEL", 0) end
  local m = M.load_models({ args[1] })
  if m then out(tostring(m) .. "\n") end
end)
dot("run", "MODEL [ARGS]", "run a model as `qm run` does (same options)", "Example: .run models/kik/kik.lua --report konsensus --round r1", function(args)
  local argv = { "run" }
  for _, a in ipairs(args) do argv[#argv + 1] = a end
  if S.opts.db and not table.concat(args, " "):find("--db", 1, true) then argv[#argv + 1] = "--db"; argv[#argv + 1] = S.opts.db end
  io.stdout:flush()
  -- the run's output follows .output/.once like everything else the REPL prints
  local context = require "qm.engine.context"
  context.stdout = (S.once or S.output) and { write = function(_, ...) out(table.concat({ ... })) end } or nil
  local ok, code = pcall(require("qm.engine.runner").main, argv)
  context.stdout = nil
  if not ok then error(code, 0) end
  if code ~= 0 then error(("the run ended with exit code %d"):format(code), 0) end
end)
dot("read", "FILE", "run the commands in FILE", "Each line as if typed (Lua, SQL or dot-commands).", function(args)
  if not args[1] then error("usage: .read FILE", 0) end
  local f, err = io.open(args[1], "r")
  if not f then error("cannot read " .. args[1] .. ": " .. tostring(err), 0) end
  local text = f:read("a")
  f:close()
  M.run_script(text)
end)
dot("mode", "MODE", "output mode: " .. table.concat(modes, ", "), "How query results and arrays of records print.", function(args)
  if not args[1] then out(S.mode .. "\n") return end
  for _, m in ipairs(modes) do if m == args[1] then S.mode = m return end end
  error(("unknown mode %s (modes: %s)"):format(args[1], table.concat(modes, ", ")), 0)
end)
dot("timer", "on|off", "print the wall time of each command", "Measured around evaluation, printed after the output.", function(args)
  if args[1] ~= "on" and args[1] ~= "off" then error("usage: .timer on|off", 0) end
  S.timer = args[1] == "on"
end)
dot("output", "[FILE]", "send output to FILE (no FILE: back to the screen)", "The file is created or truncated.", function(args)
  if S.output then S.output:close(); S.output = nil end
  if args[1] then
    S.ctx:check_not_precious(args[1], ".output")
    local f, err = io.open(args[1], "w")
    if not f then error("cannot write " .. args[1] .. ": " .. tostring(err), 0) end
    S.output = f
  end
end)
dot("once", "FILE", "send the next command's output to FILE", "Then output goes back where it was.", function(args)
  if not args[1] then error("usage: .once FILE", 0) end
  S.ctx:check_not_precious(args[1], ".once")
  local f, err = io.open(args[1], "w")
  if not f then error("cannot write " .. args[1] .. ": " .. tostring(err), 0) end
  S.once = f
end)
dot("sql", "", "toggle SQL mode: every input is SQL until .sql again", "In SQL mode input ends at ; and the prompt says sql>.", function()
  S.sql_mode = not S.sql_mode
  out(S.sql_mode and "SQL mode: input is SQL until .sql\n" or "Lua mode\n")
end)
dot("quit", "", "leave qm", "Ctrl-D does the same.", function() S.quit = true end)

-- a dot-command's arguments split at white space; 'single' or "double" quotes keep spaces
-- in one argument (`.load 'Kvalitet 2026/kik.lua'`), as in the sqlite3 shell
local function split_args(rest)
  local args, i, n = {}, 1, #rest
  while true do
    i = rest:find("%S", i)
    if not i then return args end
    local parts = {}
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
  end
end
M.split_args = split_args

function M.dot(line)
  local name, rest = line:match("^%.(%S+)%s*(.*)$")
  if not name then error("empty dot-command (see .help)", 0) end
  local args = split_args(rest)
  local fn = dots[name]
  if not fn then error(("unknown command .%s (see .help)"):format(name), 0) end
  fn(args)
  if name ~= "once" then finish_once() end
end

function M.dot_names()
  local out_ = {}
  for _, h in ipairs(dot_help) do out_[#out_ + 1] = "." .. h.name end
  return out_
end

-- ---------------------------------------------------------------- models

function M.load_models(paths)
  local last
  for _, p in ipairs(paths) do
    local before = #(S.ctx.models or {})
    S.ctx:dofile(p)
    local errors = S.ctx:print_problems(io.stderr, false)
    if errors > 0 then S.ctx.problems = {} error(("%s has errors (see qm check %s)"):format(p, p), 0) end
    S.ctx.problems = {}
    for i = before + 1, #(S.ctx.models or {}) do
      local m = S.ctx.models[i]
      if not m._used then rawset(S.env, m.id:gsub("[^%w_]", "_"), m); last = m end
    end
  end
  return last
end

-- ---------------------------------------------------------------- completion

local function fields_of(v)
  local names = {}
  local function add(t)
    if type(t) ~= "table" then return end
    for k in pairs(t) do if type(k) == "string" then names[k] = true end end
  end
  if type(v) == "table" then
    local mt = getmetatable(v)
    if mt == "model" or mt == "model element" then
      add(v)
      for _, name in ipairs({ "themes", "questions", "indicators", "walk", "find", "scale_of", "path" }) do names[name] = true end
      for _, c in ipairs(v.children or {}) do names[c.id] = nil end
    else
      add(v)
      local ok, m = pcall(getmetatable, v)
      if ok and type(m) == "table" and type(m.__index) == "table" then add(m.__index) end
    end
  elseif type(v) == "string" then
    add(string)
  elseif type(v) == "userdata" then
    for _, n in ipairs({ "query", "rows", "first", "scalar", "exec", "prepare", "transaction", "tables", "columns", "close", "path" }) do names[n] = true end
  end
  return names
end

-- candidates for the word `text` (readline's word) given the line up to the cursor
function M.complete(text, line)
  local out_, seen = {}, {}
  local function add(s) if not seen[s] and s:sub(1, #text) == text then seen[s] = true; out_[#out_ + 1] = s end end
  local first = line:match("^%s*(%S*)")
  if line:match("^%s*%.%S*$") then
    for _, d in ipairs(M.dot_names()) do add(d) end
  elseif first and first:match("^%.(%a+)$") and (first == ".load" or first == ".read" or first == ".output" or first == ".once" or first == ".open" or first == ".run") then
    return nil  -- file names: readline's own completer
  elseif S.sql_mode or M.is_sql(line) then
    for _, k in ipairs(sql_keywords) do add(k); add(k:lower()) end
    if S.db then
      for _, t in ipairs(S.db:tables()) do
        add(t)
        for _, c in ipairs(S.db:columns(t)) do add(c) end
      end
    end
  else
    local base, sep, partial = text:match("^(.*)([%.:])([%w_]*)$")
    -- only a chain of names is looked up: completing must never call a function
    if base and not base:match("^[%a_][%w_]*$") and not base:match("^[%a_][%w_]*[%.%w_]*[%w_]$") then base = nil end
    if base then
      local fn = load("return " .. base, "=complete", "t", S.env)
      local ok, v = false, nil
      if fn then ok, v = pcall(fn) end
      if ok and v ~= nil then
        local names = fields_of(v)
        -- element ids of a model or theme, as kik.ledelse would not work: offer find
        local list = {}
        for k in pairs(names) do list[#list + 1] = k end
        table.sort(list)
        for _, k in ipairs(list) do
          if k:match("^[%a_][%w_]*$") then add(base .. sep .. k) end
        end
      end
    else
      local names = {}
      for k in pairs(S.env) do if type(k) == "string" then names[k] = true end end
      for k in pairs(fields_of(S.base)) do names[k] = true end
      for _, kw in ipairs({ "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while" }) do names[kw] = true end
      local list = {}
      for k in pairs(names) do list[#list + 1] = k end
      table.sort(list)
      for _, k in ipairs(list) do add(k) end
      -- model element ids, quoted, inside find("...")
      if line:match("find%(%s*[\"']?[%w%._]*$") then
        for _, m in ipairs(S.ctx:declared_models()) do
          for _, e in ipairs(m:walk()) do add(e.id) end
        end
      end
    end
  end
  table.sort(out_)
  return out_
end

-- ---------------------------------------------------------------- sessions

-- the names a fresh environment can see (for completion of globals)
local function base_names()
  local g = S.ctx:globals(S.ctx.scopes["."])
  local names = {}
  for k in pairs(g) do names[k] = true end
  for _, k in ipairs(require("qm.sandbox").lists().globals) do names[k] = true end
  for _, k in ipairs(require("qm.sandbox").lists().libs) do names[k] = true end
  names.os = true; names.require = true; names.load = true
  return names
end

function M.start(opts, tty)
  S.opts = opts
  S.tty = tty
  S.mode = tty and "box" or "column"
  if opts.format and opts.format ~= "text" then S.mode = opts.format == "html" and "box" or opts.format end
  S.ctx = context.new(opts)
  S.env = S.ctx:env(".")
  S.db = S.ctx:model_database()
  S.base = base_names()
  M.load_models(opts.models or {})
end

function M.banner()
  local ms = {}
  for _, m in ipairs(S.ctx:declared_models()) do ms[#ms + 1] = m.id end
  return ("qm %s — database: %s — models: %s — .help for help, Ctrl-D to leave\n"):format(
    host.version, S.opts.db or "(none)", #ms > 0 and table.concat(ms, ", ") or "(none)")
end

-- one complete input (Lua chunk, SQL statement(s) or dot-command)
function M.execute(input)
  local t0 = host.now()
  if input:match("^%s*%.") then M.dot(input:match("^%s*(.-)%s*$"))
  elseif S.sql_mode or M.is_sql(input) then M.eval_sql(input)
  elseif input:match("%S") then M.eval_lua(input) end
  if S.timer then out(("Run time: %.3f s\n"):format(host.now() - t0)) end
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

-- commands from a string (.read), each line as if typed
function M.run_script(text)
  local buf = ""
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do
    buf = buf == "" and line or (buf .. "\n" .. line)
    if M.complete_input(buf, function(s) return s:match(";%s*$") ~= nil end) then
      M.execute(buf)
      buf = ""
    end
  end
  if buf:match("%S") then M.execute(buf) end
end

function M.quitting() return S.quit == true end

function M.close()
  if S.output then S.output:close(); S.output = nil end
  finish_once()
end

return M
