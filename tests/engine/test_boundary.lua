-- The model boundary (issue 9, point 1): walks every value a model can reach — from its
-- environment, from require of every public module, and from the arguments of every callback
-- the engine calls (an indicator's data function, consensus, scoring and prioritise rules, a
-- section's rows in the model's own report) —
-- the way a model can walk them (pairs and next, getmetatable as it answers, the string
-- metatable), and fails if anything of the engine is among them: the run context, io, debug,
-- package, the real _G, package.loaded, the report registry, qm.host, qm.sandbox, the engine's
-- database connection, raw stdlib modules, unbound readers. Also checks that the environment
-- holds exactly the documented names, and that docs/sandbox.md lists them (sandbox.lists()
-- is the one place they are declared). Runs in the engine's own state (qm_engine_test).
local t = require "testing"
local sandbox = require "qm.sandbox"
local host = require "qm.host"
local context = require "qm.engine.context"
local reports = require "qm.engine.reports"

local lists = sandbox.lists()

-- ---------------------------------------------------------------- a run with every callback

local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p '" .. dir .. "'"))
local dbfile = dir .. "/probe.db"

local probe = dir .. "/probe.lua"
local f = assert(io.open(probe, "w"))
f:write([[
captured = {}
local function keep(name, ...) captured[#captured + 1] = { name, ... } end
model "probe" {
  title = "probe", scale = scale.points { 0, 100 },
  consensus = function(q, s) keep("consensus", q, s) return { score = q.median, flag = false } end,
  scoring = function(items) keep("scoring", items) return 50 end,
  prioritise = function(areas) keep("prioritise", areas) return areas end,
  theme "t" { title = "t",
    question "1" { text = "q" },
    indicator "i" { title = "i", data = function(view, params) keep("data", view, params) return {} end },
  },
  report "own" { title = "own",
    section "s" { title = "s", rows = function(view) keep("rows", view) return { { a = 1 } } end },
  },
}
store.unit { id = "u", kind = "enhed", name = "U" }
store.round { id = "r1", model = "probe", unit = "u", started = "2025-03-01" }
for p = 1, 3 do store.participant("r1", { code = "P" .. p, name = "P" .. p }) end
for p = 1, 3 do store.response { round = "r1", participant = "P" .. p, question = "1", score = 20 * p } end
store.consensus { round = "r1", question = "1", score = 40, by = "test", at = "2025-04-01T10:00:00Z" }
store.area { round = "r1", question = "1", text = "better", impact = 3, effort = 1 }
]])
f:close()

local ctx = context.new { db = dbfile, write = true, quiet = true, round = "r1", ["as-of"] = "2025-10-01" }
ctx:dofile(probe)
local env = ctx.envs[dir]
local m = ctx:declared_models()[1]
local sink = { write = function() end, commit = function() end }
for _, name in ipairs({ "konsensus", "konsensusrapport", "prioritering", "status" }) do
  reports.get(name).fn(ctx, m, sink)
end
reports.find(ctx, m, "own").fn(ctx, m, sink)   -- the model's own report, its section's rows

local captured = rawget(env, "captured")
local kinds = {}
for _, c in ipairs(captured) do kinds[c[1]] = true end

t.test("every callback was called with its arguments", function()
  for _, k in ipairs({ "consensus", "scoring", "prioritise", "data", "rows" }) do
    t.truthy(kinds[k], "callback " .. k .. " was called")
  end
end)

-- ---------------------------------------------------------------- what must not be reachable

local forbidden = {}
local function forbid(v, name) if v ~= nil and forbidden[v] == nil then forbidden[v] = name end end
forbid(_G, "the engine's _G")
forbid(package, "package")
forbid(package.loaded, "package.loaded")
forbid(package.preload, "package.preload")
forbid(package.searchers, "package.searchers")
forbid(debug.getregistry(), "the Lua registry")
forbid(debug.getmetatable(""), "the real string metatable")
forbid(ctx, "the run context")
forbid(getmetatable(ctx), "the run context's class")
forbid(ctx:database(), "the engine's database connection")
forbid(ctx.envs, "the context's environments")
forbid(ctx.scopes, "the context's scopes")
for _, scope in pairs(ctx.scopes) do forbid(scope, "a scope"); forbid(scope.roots, "a scope's roots") end
for _, name in ipairs({ "io", "debug", "os", "string", "table", "math", "utf8", "coroutine" }) do
  forbid(_G[name], "the real " .. name)
end
for _, name in ipairs({ "load", "require", "loadfile", "dofile", "rawset", "collectgarbage", "setmetatable" }) do
  if name ~= "setmetatable" then forbid(_G[name], "the real " .. name) end
end
for k, v in pairs(io) do forbid(v, "io." .. k) end
for k, v in pairs(debug) do forbid(v, "debug." .. k) end
for _, k in ipairs({ "execute", "exit", "remove", "rename", "getenv", "tmpname", "setlocale" }) do forbid(os[k], "os." .. k) end
forbid(string.dump, "string.dump")
t.test("a string's methods do not include dump", function() t.eq(("").dump, nil) end)
-- the public names' modules are reachable through their frozen facades only, never raw; the
-- functions of every other module (host, sandbox, engine, lang, reports) not at all
local backing = {}
for _, mod in pairs(lists.modules) do backing[mod] = true end
for name, mod in pairs(package.loaded) do
  if type(mod) == "table" and name:match("^qm") then
    forbid(mod, "the raw module " .. name)
    if not backing[name] then
      for k, v in pairs(mod) do
        if type(v) == "function" or type(v) == "table" then forbid(v, name .. "." .. tostring(k)) end
      end
    end
  end
end
-- the engine's own (unbound) readers: a model has copies bound to its folder
forbid(require("qm.yaml").load_file, "the unbound yaml.load_file")
forbid(require("qm.db").open, "the unbound db.open")

-- ---------------------------------------------------------------- the walk, as a model walks

local function walk(roots)
  local seen, found = {}, {}
  local queue = {}
  for _, r in ipairs(roots) do queue[#queue + 1] = r end
  local head = 1
  local function push(v, path)
    local tv = type(v)
    if tv ~= "table" and tv ~= "function" and tv ~= "userdata" and tv ~= "thread" then return end
    if seen[v] then return end
    seen[v] = true
    queue[#queue + 1] = { v, path }
  end
  for _, r in ipairs(roots) do seen[r[1]] = true end
  while head <= #queue do
    local v, path = queue[head][1], queue[head][2]
    head = head + 1
    if forbidden[v] then found[#found + 1] = path .. " is " .. forbidden[v] end
    if type(v) == "table" then
      -- pairs as the model's pairs sees it (a frozen proxy's __pairs), and next on the raw table
      local ok = pcall(function()
        for k, x in pairs(v) do
          push(k, path .. "[key]")
          push(x, path .. "." .. tostring(k))
        end
      end)
      if not ok then found[#found + 1] = path .. ": pairs failed" end
      for k, x in next, v do
        push(k, path .. "[key]")
        push(x, path .. "." .. tostring(k))
      end
    end
    -- getmetatable as a model's answers it (__metatable hides the real one)
    local mt = getmetatable(v)
    if mt ~= nil then push(mt, path .. "<metatable>") end
  end
  return found, seen
end

-- what the model's environment has: every documented name, looked up as a model looks it up
local documented = {}
for _, k in ipairs(lists.globals) do documented[k] = true end
for _, k in ipairs(lists.libs) do documented[k] = true end
for _, k in ipairs(lists.model_globals) do documented[k] = true end
for _, k in ipairs(lists.own_globals) do documented[k] = true end

t.test("the environment holds exactly the documented names", function()
  for name in pairs(documented) do
    t.truthy(env[name] ~= nil, "documented global " .. name .. " is in the environment")
  end
  -- every name of the engine's own _G that is not documented is absent (or an error)
  for name in pairs(_G) do
    if not documented[name] then
      local ok, v = pcall(function() return env[name] end)
      t.truthy(not ok or v == nil, "undocumented global " .. tostring(name) .. " is reachable")
    end
  end
  -- and the environment's own raw contents are _G (itself) and the probe's own global
  for name, v in next, env do
    t.truthy(name == "captured" or (name == "_G" and v == env), "unexpected raw global " .. tostring(name))
  end
end)

t.test("require serves exactly the public modules and refuses every other stdlib module", function()
  for name in pairs(lists.modules) do
    local ok, mod = pcall(env.require, name)
    t.truthy(ok and mod ~= nil, "public module " .. name .. " is served")
  end
  for _, name in ipairs(host.modules()) do
    if not lists.modules[name] then
      local ok, err = pcall(env.require, name)
      t.falsy(ok, "engine module " .. name .. " is refused")
      t.truthy(tostring(err):find("internal to qm", 1, true), name .. ": " .. tostring(err))
    end
  end
  for _, name in ipairs({ "qm.host", "qm.sandbox", "qm.terminal", "qm.xlsx" }) do
    t.falsy((pcall(env.require, name)), name .. " is refused")
  end
end)

t.test("a public module is the same read-only table as its global", function()
  t.eq(env.require("qm.time") == env.time, true, "qm.time is time")
  t.eq(env.require("qm.yaml") == env.yaml, true, "qm.yaml is yaml")
  t.eq(env.require("qm.scale") == env.scale, true, "qm.scale is scale")
  t.raises(function() env.time.today = nil end, "cannot change")
end)

t.test("nothing of the engine is reachable from the environment or any callback's arguments", function()
  local roots = {}
  for name in pairs(documented) do
    local ok, v = pcall(function() return env[name] end)
    if ok and v ~= nil then roots[#roots + 1] = { v, name } end
  end
  for name in pairs(lists.modules) do roots[#roots + 1] = { env.require(name), "require(" .. name .. ")" } end
  roots[#roots + 1] = { getmetatable(""), "getmetatable('')" }
  -- every string has the methods of the string metatable's __index: ("").name
  for k in pairs(string) do
    if ("")[k] ~= nil then roots[#roots + 1] = { ("")[k], ('("").' .. k) } end
  end
  roots[#roots + 1] = { env, "_ENV" }
  for i, c in ipairs(captured) do
    for j = 2, #c do roots[#roots + 1] = { c[j], ("%s callback argument %d (#%d)"):format(c[1], j - 1, i) } end
  end
  local found, seen = walk(roots)
  if #found > 0 then error(table.concat(found, "\n     "), 0) end
  -- the walk did see the documented API (a walk that sees nothing proves nothing)
  t.truthy(seen[env.time.parse] and seen[env.db] and seen[env.store.response], "the walk reached the API")
end)

for _, callback in ipairs({ "data", "rows" }) do
t.test("the " .. callback .. " callback gets a read-only view, not the run context", function()
  local view
  for _, c in ipairs(captured) do if c[1] == callback then view = c[2] end end
  t.truthy(view ~= ctx, "not the context")
  t.eq(view.as_of, "2025-10-01")
  if callback == "data" then
    t.eq(view.db == env.db, true, "the model's own connection")
  else
    -- a report's sections read through a read-only connection of the model's (even with --write)
    t.eq(view.db ~= ctx:database() and view.db ~= env.db, true, "a connection of the report's own")
    t.eq(view.db:readonly(), true, "read-only")
    t.raises(function() view.db:exec("DELETE FROM qm_units") end, "read-only")
  end
  t.raises(function() view.opts = {} end, "cannot change")
  t.eq(view.env, nil)
  t.eq(view.output, nil)
  local keys = {}
  for k in pairs(view) do keys[#keys + 1] = k end
  table.sort(keys)
  t.eq(keys, { "as_of", "db", "params", "warn" })
end)
end

-- ---------------------------------------------------------------- docs/sandbox.md

t.test("docs/sandbox.md lists exactly what a model sees", function()
  local docf = assert(io.open("docs/sandbox.md"))
  local doc = docf:read("a")
  docf:close()
  local function line_set(marker)
    local line = doc:match("\n" .. marker .. "([^\n]*)")
    t.truthy(line, "docs/sandbox.md has a line starting " .. marker)
    local set = {}
    for name in line:gmatch("`([^`]+)`") do set[name] = true end
    return set
  end
  local function same(set, list, what)
    local want = {}
    for _, k in ipairs(list) do want[k] = true end
    for k in pairs(want) do t.truthy(set[k], what .. ": docs/sandbox.md does not list " .. k) end
    for k in pairs(set) do t.truthy(want[k], what .. ": docs/sandbox.md lists " .. k .. ", which is not in sandbox.c") end
  end
  same(line_set("%- Globals from Lua: "), lists.globals, "globals")
  same(line_set("%- Made by the sandbox: "), lists.own_globals, "sandbox's own")
  same(line_set("%- Libraries: "), lists.libs, "libraries")
  same(line_set("%- From os: "), lists.os, "os")
  same(line_set("%- Globals from qm: "), lists.model_globals, "qm globals")
  local mods = {}
  for k in pairs(lists.modules) do mods[#mods + 1] = k end
  same(line_set("%- Public modules: "), mods, "public modules")
  same(line_set("%- A callback's view: "), lists.view, "callback view")
  same(line_set("%- A test file's globals from qm: "), lists.test_globals, "test file globals")
end)

os.execute("rm -rf '" .. dir .. "'")
t.done()
