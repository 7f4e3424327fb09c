-- The rule libraries' declarations (schema.rules) agree with the libraries: every declared
-- constructor exists, every function of a library is declared (a constructor or a helper),
-- every declared option is one the constructor itself accepts, every example runs in a
-- model; and through a model's environment an unknown rule or option is an error at the
-- model's line with "did you mean". Runs in the engine's own state (qm_engine_test).
local t = require "testing"
local schema = require "qm.lang.schema"
local context = require "qm.engine.context"

local libs = {
  scale = require "qm.rules.scale", scoring = require "qm.rules.scoring",
  consensus = require "qm.rules.consensus", prioritise = require "qm.rules.prioritise",
}

t.test("every declared constructor is a function of its library, and every function is declared", function()
  for libname, lib in pairs(libs) do
    local decl = schema.rules[libname]
    t.truthy(decl, libname .. " is declared")
    for _, c in ipairs(decl.constructors) do
      t.eq(type(lib[c.name]), "function", libname .. "." .. c.name .. " exists")
      t.truthy(c.doc and c.doc ~= "", libname .. "." .. c.name .. " has a doc")
      t.truthy(c.example and c.example:find(libname .. "." .. c.name, 1, true), libname .. "." .. c.name .. " has an example")
    end
    local helpers = {}
    for _, h in ipairs(decl.helpers or {}) do helpers[h] = true end
    for k, v in pairs(lib) do
      if type(v) == "function" then
        t.truthy(decl.by_name[k] or helpers[k], ("%s.%s is declared as a constructor or a helper"):format(libname, k))
      end
    end
  end
end)

-- a value of each declared type, for calling a constructor with every option it declares
local function sample(o)
  if o.type == "enum" then return o.default or o.values[1] end
  if o.type == "number" or o.type == "integer" then return o.name == "cutoff" and 0.7 or (o.name == "threshold" and 0.5 or 1) end
  if o.type == "boolean" then return false end
  if o.type == "function" then return function() return false end end
  if o.type == "rule" then return libs.scoring.mean() end
  if o.type == "table" then
    if o.name == "weights" then return { impact = 1 } end
    return {}
  end
  return "x"
end

-- what a constructor needs besides its options
local base = {
  scale = { points = { 0, 100 }, ordinal = { 1, 5 } },
  scoring = { bands = { { 0, 10, points = 0 } } },
}

t.test("the library accepts every option declared for it", function()
  for libname, lib in pairs(libs) do
    for _, c in ipairs(schema.rules[libname].constructors) do
      for _, o in ipairs(c.options) do
        local opts = {}
        for k, v in pairs((base[libname] or {})[c.name] or {}) do opts[k] = v end
        for _, r in ipairs(c.options) do if r.required then opts[r.name] = sample(r) end end
        if not (libname == "scale" and (o.name == "min" or o.name == "max")) then opts[o.name] = sample(o) end
        local ok, err = pcall(lib[c.name], opts)
        t.truthy(ok, ("%s.%s { %s = ... }: %s"):format(libname, c.name, o.name, tostring(err)))
      end
    end
  end
end)

-- a model file in a fresh folder, loaded as qm check does
local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p '" .. dir .. "'"))
local function check_file(name, text)
  local path = dir .. "/" .. name
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  local ctx = context.new({})
  ctx.checking = true
  local ok, err = pcall(ctx.dofile, ctx, path)
  return ok, tostring(err), path
end

t.test("every declared example runs in a model", function()
  for libname in pairs(libs) do
    for _, c in ipairs(schema.rules[libname].constructors) do
      local ok, err = check_file("ex.lua", "local r = " .. c.example .. "\n")
      t.truthy(ok, c.example .. ": " .. err)
    end
  end
end)

t.test("an unknown option is an error at the model's line with the option meant", function()
  local ok, err, path = check_file("typo.lua", 'local x = 1\nlocal r = prioritise.impact_effort { treshold = 3 }\n')
  t.falsy(ok)
  t.eq(err, path .. ":2: prioritise.impact_effort: unknown option treshold (did you mean threshold?)")
  ok, err = check_file("case.lua", 'local r = consensus.median { MAX_RANGE = 30 }\n')
  t.falsy(ok, "option names are compared exactly: MAX_RANGE is not max_range")
  t.truthy(err:find("unknown option MAX_RANGE (did you mean max_range?)", 1, true), err)
  ok, err = check_file("far.lua", 'local r = consensus.median { zzz = 30 }\n')
  t.truthy(err:find("unknown option zzz (options: max_range, k, flag)", 1, true), err)
end)

t.test("a wrong type or a missing required option is an error at the model's line", function()
  local ok, err, path = check_file("type.lua", 'local r = consensus.rwg { cutoff = "høj" }\n')
  t.falsy(ok)
  t.eq(err, path .. ":1: consensus.rwg: cutoff must be a number")
  ok, err, path = check_file("enum.lua", '\n\nlocal r = consensus.mode_rule { ties = "smallest" }\n')
  t.truthy(err:find(path .. ":3: consensus.mode_rule: ties must be one of median, lowest, highest, flag", 1, true), err)
  ok, err, path = check_file("req.lua", 'local r = prioritise.weighted {}\n')
  t.truthy(err:find(path .. ":1: prioritise.weighted: needs weights", 1, true), err)
end)

t.test("an unknown rule name is an error at the model's line with the rule meant", function()
  local ok, err, path = check_file("name.lua", 'model "m" {\n  title = "M",\n  consensus = consensus.percentagreement { k = 10 },\n}\n')
  t.falsy(ok)
  t.truthy(err:find(path .. ":3: consensus.percentagreement: no such consensus rule (did you mean consensus.percent_agreement?)", 1, true), err)
  ok, err = check_file("name2.lua", 'local s = scale.Points { 0, 100 }\n')
  t.truthy(err:find("no such scale rule (did you mean scale.points?)", 1, true), err)
end)

t.test("a library's own errors still point at the model's line", function()
  local ok, err, path = check_file("range.lua", '\nlocal s = scale.points { 100, 0 }\n')
  t.falsy(ok)
  t.truthy(err:find(path .. ":2: scale.points: the minimum 100 must be below the maximum 0", 1, true), err)
end)

t.test("values and helpers of a library pass through, and the libraries are read-only", function()
  local ok, err = check_file("vals.lua", 'assert(scale.dontknow ~= nil)\nassert(type(scoring.apply) == "function")\n'
    .. 'assert(require("qm.consensus") == consensus)\n')
  t.truthy(ok, err)
  ok, err = check_file("ro.lua", 'consensus.median = nil\n')
  t.falsy(ok)
  t.truthy(err:find("cannot change consensus.median: shared library tables are read-only", 1, true), err)
end)

os.execute("rm -rf '" .. dir .. "'")
t.done()
