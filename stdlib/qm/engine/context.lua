-- context.lua — what one run of a model has: options, the database handle, the output,
-- warnings, and the sandboxed environment model files run in.
local host = require "qm.host"
local sandbox = require "qm.sandbox"

local M = {}
local Context = {}
Context.__index = Context

local function dirname(path)
  local dir = path:match("^(.*)/[^/]*$")
  return dir == "" and "/" or dir or "."
end
M.dirname = dirname

-- ctx = context.new(opts): opts as parsed by qm.engine.cli
function M.new(opts)
  local ctx = setmetatable({ opts = opts or {}, warnings = {}, models = {}, files = {} }, Context)
  ctx.params = ctx.opts.params or {}
  return ctx
end

-- The engine's connection to --db (read-only unless --write); nil without --db.
function Context:database()
  if self.db ~= nil or not self.opts.db then return self.db end
  local path = self.opts.db
  local f = io.open(path, "rb")
  if not f and not self.opts.write then
    host.raise(host.exit.io, ("cannot open database %s: no such file (give --write to create one)"):format(path), 0)
  end
  if f then
    local _, rerr = f:read(0)   -- a folder opens, and cannot be read (SQLite: "disk I/O error")
    f:close()
    if rerr and rerr:match("[Ii]s a directory") then
      host.raise(host.exit.io, ("cannot open database %s: is a folder (--db must be an SQLite database file)"):format(path), 0)
    end
  end
  -- the binding's error names the engine's line: the user's --db is the news
  local ok, db = pcall(host.opendb, path, { write = self.opts.write, create = self.opts.write })
  if not ok then
    local why = tostring(db):match("cannot open database .-: (.*)$") or tostring(db)
    host.rethrow(db, ("cannot open database %s: %s (--db must be an SQLite database file)"):format(path, why), 0)
  end
  self.db = db
  return self.db
end

-- The connection a model's `db` global is: the same file, but the engine's own qm_* tables
-- are read-only to it (the authorizer), whatever --write says. It opens the file at its first
-- use (most models never query `db`: the reports use the engine's connection); the engine's
-- connection, opened first, has already checked that the file is a database.
function Context:model_database()
  if self.mdb ~= nil or not self.opts.db then return self.mdb end
  self:database()
  self.mdb = host.opendb(self.opts.db, { write = self.opts.write, engine = false, defer = true })
  return self.mdb
end

function Context:warn(msg)
  self.warnings[#self.warnings + 1] = msg
  if not self.opts.quiet then io.stderr:write("warning: ", msg, "\n") end
end

-- Data that does not fit what an indicator reads (qm.eval.contract): once per indicator and
-- run, "file:line: warning: indicator "id" is not evaluable: reason" on stderr at the
-- indicator's line in the model. `qm run --strict` ends with exit 1 when there was any.
function Context:data_problem(ind, p)
  self.data_problems = self.data_problems or {}
  self.data_problem_seen = self.data_problem_seen or {}
  if self.data_problem_seen[ind] then return end
  self.data_problem_seen[ind] = true
  local msg = ("indicator \"%s\" is not evaluable: %s"):format(ind.id, p.message)
  self.data_problems[#self.data_problems + 1] = { where = ind.where, id = ind.id, msg = msg, problem = p }
  if not self.opts.quiet then io.stderr:write(("%s: warning: %s\n"):format(ind.where or "?", msg)) end
end

-- A column an indicator's query gives that its kind does not read, named like one it reads
-- (qm.lang.inputs.near_misses): once per indicator and run, "file:line: warning: indicator
-- "id": the query gives column unitid, ..." on stderr; `qm run --strict` ends with exit 1.
function Context:data_warning(ind, msg)
  self.data_warnings = self.data_warnings or {}
  self.data_warning_seen = self.data_warning_seen or {}
  local key = tostring(ind) .. "\0" .. msg
  if self.data_warning_seen[key] then return end
  self.data_warning_seen[key] = true
  self.data_warnings[#self.data_warnings + 1] = { where = ind.where, id = ind.id, msg = msg }
  if not self.opts.quiet then io.stderr:write(("%s: warning: indicator \"%s\": %s\n"):format(ind.where or "?", ind.id, msg)) end
end

-- Globals a model file sees besides the sandbox's allow-list. Other stdlib modules add to
-- them through qm.lang.dsl.globals(ctx) (the model language).
function Context:globals(scope)
  local g = {}
  g.yaml = scope.modules["qm.yaml"]
  g.params = self.params
  g.null = host.null
  g.db = self:model_database()
  if self.checking and not self.opts.db then
    -- qm check runs without data: a file that uses db or store is a script that needs one
    g.db, g.store = self:needs_database("db"), self:needs_database("store")
  end
  if self.opts.db then
    -- the store checks scores against the round's model: the latest loaded one with its id
    g.store = require("qm.engine.store").api(self:database(), function(id)
      local list = self.models or {}
      for i = #list, 1, -1 do if list[i].id == id then return list[i] end end
    end)
  end
  -- not in a pcall: a broken stdlib module must say so, not surface later as "attempt to
  -- call a nil value (global 'model')"
  for k, v in pairs(require("qm.lang.dsl").globals(self, scope)) do g[k] = v end
  return g
end

-- What `db` and `store` are when a file is checked without --db: touching them is an error
-- at the file's line, and the run remembers where (qm check then says the file is a data
-- script, not a model).
function Context:needs_database(name)
  local ctx = self
  return setmetatable({}, {
    __index = function(_, k)
      -- the model's frame: the first file chunk up the stack that is not the stdlib (a
      -- frozen proxy's C frame may sit between)
      local where = require("qm.lang.construct").model_where(1) or "?"
      ctx.needs_db = ctx.needs_db or { name = name, where = where }
      error(("%s: %s.%s needs a database, and qm check runs without one (give --db FILE to check against data)")
        :format(where, name, tostring(k)), 0)
    end,
    __metatable = name .. " (no database)",
  })
end

-- The environment for files in folder `dir`; one per run and folder. What its files may read
-- is fixed here: the folder and below, and the files named on the command line (--db).
function Context:env(dir)
  self.envs = self.envs or {}
  if not self.envs[dir] then
    local scope = sandbox.scope { dir = dir, files = { self.opts.db } }
    scope.named = dir
    self.scopes = self.scopes or {}
    self.scopes[dir] = scope
    self.envs[dir] = sandbox.newenv { scope = scope, globals = self:globals(scope) }
    if self.print_to_output then
      -- `print` in a run writes to the run's output (--out FILE, or stdout), in order with
      -- the report; with --format xlsx, where the output is a spreadsheet, to stderr
      local ctx = self
      rawset(self.envs[dir], "print", function(...)
        local parts = table.pack(...)
        for i = 1, parts.n do parts[i] = tostring(parts[i]) end
        local text = table.concat(parts, "\t", 1, parts.n) .. "\n"
        if ctx.opts.format == "xlsx" then io.stderr:write(text) else ctx:output():write(text) end
      end)
    end
  end
  return self.envs[dir]
end

-- Load and run a model file in the sandbox; returns what the chunk returned.
function Context:dofile(path, ...)
  local env = self:env(dirname(path))
  self.files[#self.files + 1] = path
  local fn = sandbox.loadfile(path, env)
  return fn(...)
end

-- Run a model file's text (not read from disk: an editor's unsaved buffer) in the sandbox as
-- if it were the file at `path`: its folder's environment, its name in every position. Text
-- only (a binary chunk is refused), a first line "#..." skipped as loadfile does.
function Context:dotext(path, text, ...)
  local env = self:env(dirname(path))
  self.files[#self.files + 1] = path
  if text:sub(1, 1) == "#" then text = "--" .. text end
  local fn, err = load(text, "@" .. path, "t", env)
  if not fn then error(err, 0) end
  return fn(...)
end

-- What a model's callback (an indicator's `data = function(view, params)`) gets instead of
-- this context: a read-only table { db = the model's own connection (or nil), params = the
-- run's --param values, as_of = "YYYY-MM-DD", warn = function(msg) }. One per date.
function Context:callback_view(as_of)
  local key = tostring(as_of)
  self.views = self.views or {}
  if not self.views[key] then
    local params = {}
    for k, v in pairs(self.params or {}) do params[k] = v end
    self.views[key] = sandbox.view { db = self:model_database(), params = params, as_of = key,
      warn = function(msg) self:warn(tostring(msg)) end }
  end
  return self.views[key]
end

-- The models this run declared (not those only loaded with use), in order.
function Context:declared_models()
  return require("qm.lang.dsl").models(self)
end

-- Load a model file (or a bundled model by name: --model kik) and return its (last) model.
function Context:load_model(path)
  self:dofile(require("qm.lang.dsl").model_file(path))
  local ms = self:declared_models()
  return ms[#ms]
end

-- Print the problems found so far (errors; warnings too when asked) as "file:line: level:
-- message", at the line the problem concerns and in qm check's order (qm.engine.findings);
-- returns the number of errors.
function Context:print_problems(stream, show_warnings)
  if self.problems == nil or #self.problems == 0 then return 0 end   -- (qm.engine.findings not loaded)
  local found = require("qm.engine.findings").new()
  found:add_problems(self.problems)
  stream:write(found:text(show_warnings))
  return found:count("error")
end

-- The evaluation date: --as-of, else the model's as_of, else today.
function Context:as_of(m)
  local time = require "qm.eval.time"
  local s = self.opts["as-of"] or (m and m.as_of)
  if s then
    local ok, d = pcall(time.parse_date, s)
    if not ok then require("qm.engine.cli").usage_error(("--as-of %s: give a date like 2016-10-01"):format(s)) end
    return d
  end
  return time.today()
end

-- Where a run's standard output goes: the REPL points it at its .output/.once file while
-- a .run command runs (nil = the process's stdout).
M.stdout = nil

-- The files --out must never replace: the database (and its journal files), every model
-- file the run loaded, and every file its models read (a module they required, a YAML
-- structure or data file, a database opened with qm.db.open, and its journal files):
-- { path, what } pairs.
function Context:precious_files()
  local list = {}
  local journals = { "-wal", "-shm", "-journal" }
  if self.opts.db then
    list[#list + 1] = { self.opts.db, "is the database given with --db" }
    for _, suffix in ipairs(journals) do
      list[#list + 1] = { self.opts.db .. suffix, "is the database's journal file" }
    end
  end
  for _, f in ipairs(self.files) do list[#list + 1] = { f, "is the model file " .. f } end
  local read = {}
  for _, scope in pairs(self.scopes or {}) do
    for f in pairs(scope.read or {}) do read[#read + 1] = f end
  end
  table.sort(read)
  for _, f in ipairs(read) do
    list[#list + 1] = { f, "is a file the model read (" .. f .. ")" }
    for _, suffix in ipairs(journals) do
      list[#list + 1] = { f .. suffix, "is the journal file of a database the model read (" .. f .. ")" }
    end
  end
  return list
end

-- Raise (class io) unless `path` may take a report: a new file, or a regular file that is not
-- the database or a loaded model file. Symlinks, folders, FIFOs and devices are refused: qm
-- replaces the file by renaming over it, which would not write where a FIFO or device leads
-- and would replace a symlink rather than what it names.
function Context:check_out(path)
  local function refuse(why)
    host.raise("io", ("--out %s: %s; qm writes a report only to a new file or a regular file"):format(path, why), 0)
  end
  local st = host.stat(path)
  if st == nil then return end
  self:check_not_precious(path, "--out")
  if st.kind == "link" then refuse("is a symbolic link") end
  if st.kind ~= "file" then
    refuse(({ dir = "is a folder", fifo = "is a FIFO", char = "is a device", block = "is a device",
              socket = "is a socket" })[st.kind] or ("is a " .. st.kind))
  end
end

-- Raise (class io) when `path` (or what a symlink there names) is the database or a loaded
-- model file: the REPL's .output and .once write in place, and check this.
function Context:check_not_precious(path, what)
  local st = host.stat(path)
  if st == nil or st.id == nil then return end
  for _, p in ipairs(self:precious_files()) do
    local ps = host.stat(p[1])
    if ps and ps.id == st.id then
      host.raise("io", ("%s %s: %s; qm will not write over it"):format(what, path, p[2]), 0)
    end
  end
end

-- An output that is written to --out only when the run succeeds (commit), else stdout.
-- With --out it streams into FILE.tmp (created new, never through a symlink) and renames it
-- on commit, so memory does not grow with the size of a report and a failed run leaves no
-- file behind. Every write is checked: a failed one (a full disk) is an I/O error (exit 3).
function Context:output()
  if self.out then return self.out end
  local path = self.opts.out
  if not path then
    local to = M.stdout or io.stdout
    local name = M.stdout and "the output file" or "standard output"
    local function check(ok, err)   -- io's files return nil, message on failure
      if ok == nil and err ~= nil then host.raise("io", ("cannot write to %s: %s"):format(name, tostring(err)), 0) end
    end
    self.out = {
      write = function(_, ...) check(to:write(...)) end,
      commit = function() if to.flush then check(to:flush()) end end,
    }
    return self.out
  end
  self:check_out(path)
  local tmp = path .. ".tmp"
  if host.stat(tmp) then os.remove(tmp) end   -- a leftover (or a planted symlink): the name, not its target
  -- the guard is armed by create_new itself: a signal between the two would leave FILE.tmp
  local f, err = host.create_new(tmp, self.tmp_guard)
  if not f then
    -- the user's FILE and why, not qm's FILE.tmp: "cannot write out/r.txt: no folder out"
    local why = tostring(err)
    if why:sub(1, #tmp + 2) == tmp .. ": " then why = why:sub(#tmp + 3) end
    local dir = path:match("^(.+)/[^/]*$")
    if dir and not host.stat(dir) then why = "no folder " .. dir end
    host.raise("io", ("cannot write %s: %s"):format(path, why), 0)
  end
  self.out = {
    write = function(_, ...)
      local ok, werr = f:write(...)
      if not ok then host.raise("io", ("cannot write %s: %s"):format(path, werr), 0) end
    end,
    commit = function()
      local fok, ferr = f:flush()
      local ok, cerr = f:close()
      if not fok or not ok then os.remove(tmp) host.raise("io", ("cannot write %s: %s"):format(path, ferr or cerr), 0) end
      -- the model may have read the file since --out was first checked (a YAML file it
      -- loaded after the report began): checked again before replacing it
      local pok, perr = pcall(self.check_not_precious, self, path, "--out")
      if not pok then os.remove(tmp) error(perr, 0) end
      local rok, rerr = os.rename(tmp, path)
      if not rok then
        os.remove(tmp)
        host.raise("io", ("cannot write %s: %s"):format(path, rerr), 0)
      end
    end,
    abandon = function() pcall(f.close, f) os.remove(tmp) end,
  }
  return self.out
end

return M
