-- modeltest.lua — `qm test`: test files beside a model. A test file (NAME.test.lua, beside
-- the model or in a tests/ folder beside it) runs in the sandbox like a model and declares
-- test cases:
--
--   test "Sygefravær over 5 % er ikke nået" {
--     as_of = "2025-12-31", params = { year = 2025 },
--     data = { kik_sygefravaer = { { unit_id = "aeblet", year = 2025, procent = 6.1 } } },
--     indicator "sygefravaer" { unit = "aeblet", status = "not achieved", value = 6.1 },
--   }
--
-- Each case gets a fresh in-memory database with the engine's schema, its fixture data
-- loaded through the import machinery (the same kinds, columns, types and checks as `qm
-- import`: Lua rows, or CSV/YAML files beside the test file), the model loaded into it, and
-- its expectations checked as of its date: an indicator's status, value and structured fields
-- (per unit too), a question's consensus statistics and proposal in a round, and the rows of
-- a report's JSON. docs/testing.md is the reference.
local host = require "qm.host"
local sandbox = require "qm.sandbox"
local context = require "qm.engine.context"
local construct = require "qm.lang.construct"
local importer = require "qm.engine.importer"

local M = {}

local null = host.null

-- ---------------------------------------------------------------- values and matchers

local MATCHER = { __metatable = "matcher" }

local function is_matcher(v) return type(v) == "table" and rawget(v, "__qm_matcher") ~= nil and getmetatable(v) == "matcher" end

local function show(v)
  if v == nil or v == null then return "null" end
  if type(v) == "string" then return ("%q"):format(v):gsub("\\\n", "\\n") end
  if math.type(v) == "float" then
    for prec = 15, 17 do
      local t = ("%." .. prec .. "g"):format(v)
      if tonumber(t) == v then return t end
    end
  end
  if is_matcher(v) then return v.__qm_show end
  if type(v) == "table" then
    local ok, s = pcall(require("qm.reports.json").encode, v)
    if ok then return #s > 400 and (s:sub(1, 397) .. "...") or s end
  end
  return tostring(v)
end
M.show = show

-- does the value got match the expected one? (objects: every expected key; lists: element by
-- element, same length; numbers: equal within 1e-9, relative; null: nil or null)
local function matches(want, got)
  if is_matcher(want) then return want.__qm_test(got) end
  if want == null then return got == nil or got == null end
  if type(want) == "number" and type(got) == "number" then
    if want == got then return true end
    return math.abs(want - got) <= 1e-9 * math.max(1, math.abs(want), math.abs(got))
  end
  if type(want) == "table" then
    if type(got) ~= "table" then return false end
    if #want > 0 then
      if #got ~= #want then return false end
      for i = 1, #want do if not matches(want[i], got[i]) then return false end end
    end
    for k, v in pairs(want) do
      if math.type(k) ~= "integer" and not matches(v, got[k]) then return false end
    end
    return true
  end
  return want == got
end
M.matches = matches

-- the matchers a test file may use: contains("text"), near(x, tolerance)
local function matcher(showtext, test)
  return setmetatable({ __qm_matcher = true, __qm_show = showtext, __qm_test = test }, MATCHER)
end

local function contains(text)
  if type(text) ~= "string" then error("contains needs a text: contains(\"medhold\")", 2) end
  return matcher(("contains(%s)"):format(show(text)), function(got) return type(got) == "string" and got:find(text, 1, true) ~= nil end)
end

local function near(x, tolerance)
  if type(x) ~= "number" or type(tolerance) ~= "number" or tolerance < 0 then
    error("near needs a number and a tolerance: near(4.5, 0.01)", 2)
  end
  return matcher(("near(%s, %s)"):format(show(x), show(tolerance)), function(got)
    return type(got) == "number" and math.abs(got - x) <= tolerance
  end)
end

-- ---------------------------------------------------------------- the test file's language

local CASE_FIELDS = { "model", "as_of", "params", "round", "unit", "data" }
local EXPECT_FIELDS = {
  indicator = "an indicator's result: status, value, reason, severity and its other fields; unit = ID for one unit's",
  consensus = "a question's statistics in a round (n, median, range, sd, rwg, ...), proposal, flag and reason",
  report = "a report's JSON: at = \"path\" to a list, rows = { ... } found there in order, count = N; or json = { ... }",
}

-- The globals of a test file, recording cases on `file` (where_of gives their lines).
local function globals(file, scope)
  local g = { contains = contains, near = near, null = null, yaml = scope.modules["qm.yaml"] }
  local function expectation(kind)
    return function(id)
      local where = construct.where_of(2)
      if type(id) == "number" then id = tostring(id) end
      local bad
      if type(id) ~= "string" or id == "" then
        bad = ("%s needs an id in quotes, like %s \"x\" { ... }"):format(kind, kind)
        id = tostring(id or "")
      end
      return function(spec)
        if type(spec) ~= "table" then bad = bad or ("%s \"%s\": expected { ... } with what to check"):format(kind, id); spec = {} end
        return setmetatable({ kind = kind, id = id, spec = spec, where = where, bad = bad }, { __metatable = "expectation" })
      end
    end
  end
  g.indicator, g.consensus, g.report = expectation("indicator"), expectation("consensus"), expectation("report")
  g.test = function(name)
    local where = construct.where_of(2)
    if type(name) ~= "string" or name == "" then error('test needs a name in quotes, like test "sygefravær under 5 %" { ... }', 2) end
    return function(spec)
      if type(spec) ~= "table" then error(("test \"%s\": expected { ... } after the name"):format(name), 2) end
      local case = { name = name, where = where, expect = {}, problems = {} }
      for i, v in ipairs(spec) do
        if getmetatable(v) == "expectation" and v.bad then
          case.problems[#case.problems + 1] = { msg = v.bad, where = v.where, token = v.kind }
        elseif getmetatable(v) == "expectation" then
          case.expect[#case.expect + 1] = v
        else
          case.problems[#case.problems + 1] = { msg = ("item %d is not an expectation (indicator, consensus or report)"):format(i) }
        end
      end
      for k, v in pairs(spec) do
        if type(k) == "string" then
          local known = false
          for _, f in ipairs(CASE_FIELDS) do if f == k then known = true end end
          if known then case[k] = v
          else
            local hint = construct.did_you_mean(k, CASE_FIELDS)
            case.problems[#case.problems + 1] = { msg = ("unknown field \"%s\"%s"):format(k, hint and (" (did you mean \"" .. hint .. "\"?)")
              or (" (fields: " .. table.concat(CASE_FIELDS, ", ") .. ")")), field = k, suggestion = hint }
          end
        elseif math.type(k) ~= "integer" or k < 1 or k > #spec then
          case.problems[#case.problems + 1] = { msg = ("a key %s: fields are names, expectations are listed"):format(tostring(k)) }
        end
      end
      table.sort(case.problems, function(a, b) return a.msg < b.msg end)
      if #case.expect == 0 and #case.problems == 0 then
        case.problems[1] = { msg = "no expectations: add indicator \"id\" { status = ... }, consensus \"q\" { ... } or report \"name\" { ... }" }
      end
      file.cases[#file.cases + 1] = case
      return case
    end
  end
  return g
end

-- ---------------------------------------------------------------- finding test files

local function dirname(p) return p:match("^(.*)/[^/]*$") or "." end
local function basename(p) return p:match("([^/]*)$") end
local function exists(p) local f = io.open(p, "rb") if f then f:close() return true end return false end
local function is_dir(p) local st = host.stat(p) return st and st.kind == "dir" end

-- the test files of a model NAME in dir (NAME.test.lua, NAME.*.test.lua, beside it and in
-- tests/), or with prefix nil every *.test.lua in dir and the folders below it (not hidden
-- ones, at most MAX_DEPTH deep), in a stable order
local MAX_DEPTH = 6
local function test_files_in(dir, prefix, depth)
  local out = {}
  local names = is_dir(dir) and (host.listdir(dir) or {}) or {}
  local base = dir == "." and "" or (dir .. "/")
  for _, name in ipairs(names) do
    if name:match("%.test%.lua$") and (prefix == nil or name == prefix .. ".test.lua"
        or name:sub(1, #prefix + 1) == prefix .. ".") then
      out[#out + 1] = base .. name
    end
  end
  if prefix then
    if (depth or 0) == 0 then
      for _, p in ipairs(test_files_in(base .. "tests", prefix, 1)) do out[#out + 1] = p end
    end
    return out
  end
  if (depth or 0) >= MAX_DEPTH then return out end
  for _, name in ipairs(names) do
    local sub = base .. name
    if name:sub(1, 1) ~= "." and is_dir(sub) then
      for _, p in ipairs(test_files_in(sub, nil, (depth or 0) + 1)) do out[#out + 1] = p end
    end
  end
  return out
end

-- The test files PATH names: a test file; a model NAME.lua -> NAME.test.lua and
-- NAME.*.test.lua beside it and in tests/ beside it; a folder -> every *.test.lua in it and
-- below it. Raises (usage) for a path that is none of these.
function M.find(path)
  if is_dir(path) then return test_files_in((path:gsub("(.)/+$", "%1")), nil) end
  if not exists(path) then
    -- a bundled model by name (qm test kik), as qm run kik finds it; else its error
    if not path:find("/", 1, true) and not path:match("%.lua$") then
      path = require("qm.lang.dsl").model_file(path)
    else
      host.raise(host.exit.io, ("cannot open %s: no such file or folder"):format(path), 0)
    end
  end
  if path:match("%.test%.lua$") then return { path } end
  if path:match("%.lua$") then
    local stem = basename(path):gsub("%.lua$", "")
    return test_files_in(dirname(path), stem)
  end
  require("qm.engine.cli").usage_error(("%s: give a model (.lua), a test file (.test.lua) or a folder"):format(path))
end

-- the model a test file tests by default: NAME.test.lua or NAME.part.test.lua -> NAME.lua
-- beside it, or in the folder above for a file in tests/
local function default_model(path)
  local dir = dirname(path)
  local stem = basename(path):gsub("%.test%.lua$", "")
  local dirs = { dir }
  if basename(dir) == "tests" then dirs[#dirs + 1] = dirname(dir) end
  while true do
    for _, d in ipairs(dirs) do
      local p = (d == "." and "" or (d .. "/")) .. stem .. ".lua"
      if exists(p) then return p end
    end
    local shorter = stem:match("^(.*)%.[^.]*$")
    if not shorter then return nil end
    stem = shorter
  end
end

-- ---------------------------------------------------------------- one case

local counter = 0

local function list_of(v) if type(v) == "table" then return v end return { v } end

-- where a test's model and files may be: the test file's folder, and the folder above when
-- it is a tests/ folder
local function base_of(path)
  local dir = dirname(path)
  if basename(dir) == "tests" then return dirname(dir) end
  return dir
end

local function resolve(tf, name, what)
  if type(name) ~= "string" or name == "" then return nil, what .. " must be a file name" end
  local dir, base = dirname(tf.path), base_of(tf.path)
  local p = name:sub(1, 1) == "/" and name or ((dir == "." and "" or (dir .. "/")) .. name)
  if not exists(p) then return nil, ("%s \"%s\": no such file (%s)"):format(what, name, p) end
  -- the same file named from the base folder, for the sandbox's check (symlinks resolved)
  local from_base = name:sub(1, 1) == "/" and name or ((dir ~= base and (basename(dir) .. "/") or "") .. name)
  if not sandbox.inside(from_base, base) then
    return nil, ("%s \"%s\" is outside the model's folder (%s): a test reads only files there"):format(what, name, base)
  end
  return p
end

-- the order fixture data loads in: units before rounds before responses, the job centre's
-- citizens before their conversations, a model's tables in the order it declares them
local KIND_ORDER = { "units", "rounds", "responses", "consensus", "audit", "plan", "measurements" }
local ROLES = { "citizens", "conversations", "scores", "focus", "interventions" }

-- a table no dataset declares: from Lua rows only, columns as given, values as written
local function raw_table(imp, db, name, src)
  require("qm.engine.import_kinds").table_name(name, "table")
  local cols, seen = {}, {}
  local list = src.list
  local header = type(list.columns) == "table" and list.columns or nil
  if header then for _, c in ipairs(header) do cols[#cols + 1] = tostring(c); seen[tostring(c)] = true end
  else
    for _, r in ipairs(list) do
      if type(r) == "table" then
        for k in pairs(r) do if type(k) == "string" and not seen[k] then seen[k] = true; cols[#cols + 1] = k end end
      end
    end
    table.sort(cols)
  end
  if #cols == 0 then imp:error(("%s: table %s: no columns"):format(tostring(src), name)) return end
  local q = {}
  for i, c in ipairs(cols) do
    if not c:match("^[%a_][%w_]*$") then imp:error(("%s: table %s: column \"%s\" is not a name"):format(tostring(src), name, c)) return end
    q[i] = '"' .. c .. '"'
  end
  db:exec(("CREATE TABLE \"%s\" (%s)"):format(name, table.concat(q, ", ")))
  local marks = {}
  for i = 1, #cols do marks[i] = "?" end
  local ins = db:prepare(("INSERT INTO \"%s\" (%s) VALUES (%s)"):format(name, table.concat(q, ", "), table.concat(marks, ", ")))
  for i, r in ipairs(list) do
    if type(r) ~= "table" then imp:error(("%s: row %d is not a table"):format(tostring(src), i))
    else
      local vals = {}
      for j, c in ipairs(cols) do
        local v
        if header then v = r[j] else v = r[c] end
        if v == nil then v = null end
        if type(v) == "boolean" then v = v and 1 or 0 end
        if type(v) == "table" and v ~= null then imp:error(("%s: row %d: %s: one value, not a table"):format(tostring(src), i, c)) v = null end
        vals[j] = v
      end
      ins:exec(vals)
      imp.rows = imp.rows + 1
    end
  end
  ins:close()
end

-- load the case's data into db: true, or false and the messages
local function load_data(tf, case, ctx, db, m)
  local data = case.data
  if data == nil then return true end
  if type(data) ~= "table" then return false, { "data must be a table { name = rows or \"file.csv\", ... }" } end
  local kinds = require "qm.engine.import_kinds"
  local tables = require "qm.engine.import_tables"
  local imp = importer.new { model = m }
  local function source(name, v)
    if type(v) == "string" then
      local p, why = resolve(tf, v, ("data %s"):format(name))
      if not p then imp:error(why) return nil end
      local l = p:lower()
      if not (l:match("%.csv$") or l:match("%.txt$") or l:match("%.ya?ml$")) then
        imp:error(("data %s: \"%s\": give a .csv, .yaml or .yml file, or the rows as a Lua table"):format(name, v))
        return nil
      end
      return p
    end
    if type(v) ~= "table" then imp:error(("data %s: give rows { { column = value, ... } } or a file name"):format(name)) return nil end
    return importer.rows(tf.path, tonumber(case.where:match(":(%d+)$")) or 1, v, "data " .. name)
  end
  -- which names are which kind, in loading order
  local order, done = {}, {}
  local function take(name, how)
    if data[name] ~= nil and not done[name] then done[name] = true; order[#order + 1] = { name = name, how = how } end
  end
  for _, k in ipairs(KIND_ORDER) do take(k, "kind") end
  for _, r in ipairs(ROLES) do take(r, "role") end
  for _, d in ipairs(m.datasets or {}) do take(d.id, "table") end
  local rest = {}
  for k in pairs(data) do
    if type(k) ~= "string" then return false, { "data: every key must be a table name or a kind of data (units, responses, ...)" } end
    if not done[k] then rest[#rest + 1] = k end
  end
  table.sort(rest)
  for _, k in ipairs(rest) do take(k, "table") end
  local ok, err = pcall(imp.run, imp, db, function()
    for _, item in ipairs(order) do
      local src = source(item.name, data[item.name])
      if src then
        if item.how == "kind" then kinds[item.name].run(imp, db, ctx, m, { src })
        elseif item.how == "role" then
          if not m.progression then
            imp:error(("data %s: model %s has no progression settings (the job centre's tables)"):format(item.name, m.id))
          else
            tables.run(imp, db, ctx, m, tables.for_role(m, item.name), { src })
          end
        else
          local decl = tables.find(m, item.name)
          if decl then tables.run(imp, db, ctx, m, decl, { src })
          elseif importer.is_rows(src) then raw_table(imp, db, item.name, src)
          else
            imp:error(("data %s: model %s declares no table \"%s\": a file is read by its declaration (dataset \"%s\" { column ... }); without one give the rows as a Lua table")
              :format(item.name, m.id, item.name, item.name))
          end
        end
      end
    end
  end)
  if not ok then return false, { (tostring(err):gsub("^[^\n]-stdlib/[^:]*:%d+: ", "")) } end
  if imp.nerrors > 0 then
    local msgs = {}
    for _, e in ipairs(imp.errors) do msgs[#msgs + 1] = e end
    if imp.unlisted then msgs[#msgs + 1] = ("... and %d more"):format(imp.unlisted) end
    return false, msgs
  end
  return true
end

-- ---------------------------------------------------------------- expectations

-- what of `got` to show beside `want`: for tables, only the keys the expectation names
local function projection(want, got, depth)
  if type(want) ~= "table" or type(got) ~= "table" or is_matcher(want) or (depth or 0) > 8 then return got end
  local out = {}
  if #want > 0 then
    for i = 1, math.max(#want, #got) do
      if got[i] ~= nil then out[i] = want[i] ~= nil and projection(want[i], got[i], (depth or 0) + 1) or got[i] end
    end
    return out
  end
  for k, v in pairs(want) do
    if got[k] ~= nil then out[k] = projection(v, got[k], (depth or 0) + 1) end
  end
  return out
end

local function fail(res, e, field, want, got, note)
  got = projection(want, got)
  res[#res + 1] = { ok = false, where = e.where, what = ("%s \"%s\""):format(e.kind, e.id), field = field,
                    expected = want, got = got, note = note }
end

-- compare each field the expectation gives with the result's
local function compare(res, e, label, result, skip)
  local keys = {}
  for k in pairs(e.spec) do if type(k) == "string" and not (skip and skip[k]) then keys[#keys + 1] = k end end
  table.sort(keys)
  local before = #res
  for _, k in ipairs(keys) do
    local got = result[k]
    if not matches(e.spec[k], got) then
      local note = result.reason and k ~= "reason" and ("reason: " .. tostring(result.reason)) or nil
      if got == nil then
        -- a field the result does not have: most likely a misspelt one (stauts)
        local have = {}
        for rk in pairs(result) do if type(rk) == "string" then have[#have + 1] = rk end end
        table.sort(have)
        local hint = construct.did_you_mean(k, have)
        if hint then note = ("the result has no field %s (did you mean \"%s\"?)"):format(k, hint) end
      end
      fail(res, e, k, e.spec[k], got, note)
      res[#res].what = label
    end
  end
  if #res == before then res[#res + 1] = { ok = true, where = e.where, what = label } end
end

local checks = {}

function checks.indicator(run, e, res)
  local m, ctx = run.model, run.ctx
  local ind = m:find(e.id)
  if not ind or ind.kind ~= "indicator" then
    local ids = {}
    for _, i in ipairs(m:indicators()) do ids[#ids + 1] = i.id end
    local hint = construct.did_you_mean(e.id, ids)
    return fail(res, e, nil, nil, nil, ("model %s has no indicator \"%s\"%s"):format(m.id, e.id,
      hint and (" (did you mean \"" .. hint .. "\"?)") or ""))
  end
  run.results = run.results or {}
  local r = run.results[ind]
  if not r then
    r = require("qm.eval.indicator").evaluate(ctx, ind, run.as_of)
    run.results[ind] = r
  end
  local label = ("indicator \"%s\""):format(e.id)
  local unit = e.spec.unit
  if unit ~= nil then
    label = ("indicator \"%s\" (unit %s)"):format(e.id, tostring(unit))
    local found
    for _, u in ipairs(r.units or {}) do if u.unit == unit then found = u end end
    if not found then
      local have = {}
      for _, u in ipairs(r.units or {}) do have[#have + 1] = tostring(u.unit) end
      return fail(res, e, "unit", unit, nil, #have > 0 and ("its units: " .. table.concat(have, ", "))
        or ("the result has no units (status %s%s)"):format(r.status, r.reason and (": " .. r.reason) or ""))
    end
    r = found
  end
  compare(res, e, label, r, { unit = true })
end

function checks.consensus(run, e, res)
  local m, db = run.model, run.ctx:database()
  local q = m:find(e.id)
  if not q or q.kind ~= "question" then
    return fail(res, e, nil, nil, nil, ("model %s has no question \"%s\""):format(m.id, e.id))
  end
  local round = e.spec.round or run.case.round
  if round == nil then
    local rounds = db:rows("SELECT id FROM qm_rounds WHERE model_id = ? ORDER BY id", { m.id })
    if #rounds ~= 1 then
      return fail(res, e, "round", nil, nil, #rounds == 0 and "the data has no round of the model (give responses with round and unit)"
        or "the data has several rounds: say which with round = \"...\"")
    end
    round = rounds[1].id
  end
  run.agenda = run.agenda or {}
  local items = run.agenda[round]
  if not items then
    items = require("qm.reports.selfassess").agenda_items(db, m, round)
    run.agenda[round] = items
  end
  local item
  for _, it in ipairs(items) do if it.question == q then item = it end end
  local result = {}
  for k, v in pairs(item.stats or {}) do result[k] = v end
  result.proposal, result.flag, result.reason = item.proposal, item.flag, item.reason
  compare(res, e, ("consensus \"%s\" (round %s)"):format(e.id, tostring(round)), result, { round = true })
end

-- a value at "a.b.1.c" in a decoded JSON document
local function at_path(doc, path)
  local v = doc
  for part in tostring(path):gmatch("[^.]+") do
    if type(v) ~= "table" then return nil end
    local n = math.tointeger(tonumber(part))
    if n and v[n] ~= nil then v = v[n] else v = v[part] end
  end
  return v
end

function checks.report(run, e, res)
  local reports = require "qm.engine.reports"
  local json = require "qm.reports.json"
  -- the model's own reports too (report "id" { ... } in the model)
  local all = reports.for_model(run.model)
  local r = all[e.id]
  if not r then
    local names = {}
    for name in pairs(all) do names[#names + 1] = name end
    table.sort(names)
    return fail(res, e, nil, nil, nil, ("no report \"%s\" (reports: %s)"):format(e.id, table.concat(names, ", ")))
  end
  run.reports = run.reports or {}
  local doc = run.reports[e.id]
  if not doc then
    local parts = {}
    local out = { write = function(_, ...) for _, s in ipairs({ ... }) do parts[#parts + 1] = s end end, commit = function() end }
    local ctx = run.ctx
    local format = ctx.opts.format
    ctx.opts.format = "json"
    local ok, err = pcall(r.fn, ctx, run.model, out)
    ctx.opts.format = format
    if not ok then return fail(res, e, nil, nil, nil, ("the report failed: %s"):format(tostring(err):match("^[^\n]*"))) end
    local dok, d = pcall(json.decode, table.concat(parts), null)
    if not dok then return fail(res, e, nil, nil, nil, ("the report's output is not JSON: %s"):format(tostring(d))) end
    doc = d
    run.reports[e.id] = doc
  end
  local spec = e.spec
  local label = ("report \"%s\""):format(e.id)
  local before = #res
  local function bad(field, want, got, note) fail(res, e, field, want, got, note) res[#res].what = label end
  if spec.json ~= nil and not matches(spec.json, doc) then bad("json", spec.json, doc) end
  if spec.rows ~= nil or spec.count ~= nil then
    local list = spec.at and at_path(doc, spec.at) or doc
    if type(list) ~= "table" then
      bad("at", spec.at, nil, ("the report's JSON has no list at \"%s\""):format(tostring(spec.at)))
    else
      if spec.count ~= nil and not matches(spec.count, #list) then bad("count", spec.count, #list) end
      if spec.rows ~= nil then
        -- each expected row is found in the list, after the one before it (the report's order)
        local from = 1
        for i, want in ipairs(list_of(spec.rows)) do
          local found
          for j = from, #list do if matches(want, list[j]) then found = j break end end
          if not found then
            bad(("rows[%d]"):format(i), want, nil, from > 1 and ("not found after the row matching rows[%d]"):format(i - 1)
              or ("not found among the %d rows"):format(#list))
            break
          end
          from = found + 1
        end
      end
    end
  end
  if #res == before then res[#res + 1] = { ok = true, where = e.where, what = label } end
end

-- Run one case: { name, where, status = "pass"|"fail"|"error", results = {...}, messages = {...} }
local function run_case(tf, case, opts)
  local out = { name = case.name, where = case.where, file = tf.path, results = {}, messages = {} }
  if #case.problems > 0 then
    out.status = "error"
    for _, p in ipairs(case.problems) do out.messages[#out.messages + 1] = ("%s: test \"%s\": %s"):format(p.where or case.where, case.name, p.msg) end
    return out
  end
  local model_path, why
  if case.model ~= nil then model_path, why = resolve(tf, case.model, "model")
  else
    model_path = default_model(tf.path)
    why = ("no model for %s: name it after the model (NAME.test.lua tests NAME.lua) or give model = \"file.lua\""):format(tf.path)
  end
  if not model_path then out.status = "error" out.messages[1] = ("%s: %s"):format(case.where, why) return out end
  out.model = model_path
  counter = counter + 1
  local name = ("qmtest%d"):format(counter)
  local copts = {}
  for k, v in pairs(opts) do copts[k] = v end
  copts.db, copts.write, copts.format = nil, nil, "json"
  copts["as-of"] = case.as_of
  copts.round = case.round ~= nil and tostring(case.round) or nil
  copts.unit = case.unit ~= nil and { tostring(case.unit) } or nil
  copts.quiet = true
  local params = {}
  for k, v in pairs(opts.params or {}) do params[k] = v end
  for k, v in pairs(type(case.params) == "table" and case.params or {}) do params[k] = v end
  copts.params = params
  local ctx = context.new(copts)
  local db = host.opendb(name, { memory = true, write = true, create = true })
  local mdb = host.opendb(name, { memory = true, engine = false })
  ctx.db, ctx.mdb = db, mdb
  local run = { ctx = ctx, case = case }
  local ok, err = pcall(function()
    require("qm.engine.store").migrate(db)
    local m = ctx:load_model(model_path)
    local errors = {}
    for _, p in ipairs(ctx.problems or {}) do
      if p.level == "error" then errors[#errors + 1] = ("%s: error: %s"):format(p.where, p.msg) end
    end
    if #errors > 0 then
      out.status = "error"
      out.messages[1] = ("%s: the model %s has errors (see qm check):"):format(case.where, model_path)
      for _, e in ipairs(errors) do out.messages[#out.messages + 1] = "  " .. e end
      return
    end
    if not m then out.status = "error" out.messages[1] = ("%s: %s declares no model"):format(case.where, model_path) return end
    run.model = m
    local lok, msgs = load_data(tf, case, ctx, db, m)
    if not lok then
      out.status = "error"
      out.messages[1] = ("%s: test \"%s\": the data cannot be loaded:"):format(case.where, case.name)
      for _, msg in ipairs(msgs) do out.messages[#out.messages + 1] = "  " .. msg end
      return
    end
    run.as_of = ctx:as_of(m)
    for _, e in ipairs(case.expect) do checks[e.kind](run, e, out.results) end
  end)
  if ctx.mdb then pcall(ctx.mdb.close, ctx.mdb) end
  pcall(db.close, db)
  if not ok then
    out.status = "error"
    out.messages[#out.messages + 1] = ("%s: test \"%s\": %s"):format(case.where, case.name, tostring(err):match("^[^\n]*"))
    return out
  end
  if out.status then return out end
  out.status = "pass"
  for _, r in ipairs(out.results) do if not r.ok then out.status = "fail" end end
  return out
end

-- ---------------------------------------------------------------- a file

-- Load a test file in the sandbox and run its cases: { path, cases = { run results }, error = msg }
-- load a test file (or its unsaved text) in the sandbox: tf = { path, cases }, or nil and
-- the error that stopped it
local function load_file(path, text)
  local tf = { path = path, cases = {} }
  local dir = dirname(path)
  local scope = sandbox.scope { dir = dir, files = {} }
  scope.named = dir
  local env = sandbox.newenv { scope = scope, globals = globals(tf, scope), test = true }
  local ok, err = pcall(function()
    local fn
    if text then
      local lerr
      fn, lerr = load(text:sub(1, 1) == "#" and ("--" .. text) or text, "@" .. path, "t", env)
      if not fn then error(lerr, 0) end
    else
      fn = sandbox.loadfile(path, env)
    end
    fn()
  end)
  if not ok then return nil, err end
  return tf
end

function M.run_file(path, opts)
  local result = { path = path, cases = {} }
  local tf, err = load_file(path)
  if not tf then
    result.error = tostring(err):match("^[^\n]*")
    return result
  end
  if #tf.cases == 0 then result.error = ("%s: declares no tests (test \"name\" { ... })"):format(path) return result end
  for _, case in ipairs(tf.cases) do result.cases[#result.cases + 1] = run_case(tf, case, opts) end
  return result
end

-- What `qm check` (and so an editor, through qm lsp) finds in a test file without running it:
-- the cases' own problems, a model that cannot be found or has errors, expectations naming an
-- indicator, question or report the model does not have. Recorded with construct.problem on
-- run (a context); raises the error that stopped the file.
function M.check_file(run, path, text, opts)
  local tf, err = load_file(path, text)
  if not tf then error(err, 0) end
  local problem = construct.problem
  if #tf.cases == 0 then
    problem(run, "warning", path .. ":1", "declares no tests (test \"name\" { ... })")
  end
  local models = {}
  run.test_models = models   -- for an editor: the ids it may complete
  local reports = require "qm.engine.reports"
  for _, case in ipairs(tf.cases) do
    for _, p in ipairs(case.problems) do
      problem(run, "error", p.where or case.where, ("test \"%s\": %s"):format(case.name, p.msg),
        p.where and { token = p.token } or { kind = "test", id = case.name, field = p.field, suggestion = p.suggestion })
    end
    local model_path, why
    if case.model ~= nil then model_path, why = resolve(tf, case.model, "model")
    else
      model_path = default_model(tf.path)
      why = "no model of this name beside it: name the file after the model (NAME.test.lua tests NAME.lua) or give model = \"file.lua\""
    end
    if not model_path then
      problem(run, "error", case.where, ("test \"%s\": %s"):format(case.name, why), { kind = "test", id = case.name, field = "model" })
    else
      local entry = models[model_path]
      if not entry then
        local mopts = {}
        for k, v in pairs(opts or {}) do mopts[k] = v end
        mopts.db, mopts.write = nil, nil
        local ctx = context.new(mopts)
        ctx.checking = true
        local lok, m = pcall(ctx.load_model, ctx, model_path)
        local errors = 0
        for _, p in ipairs(ctx.problems or {}) do if p.level == "error" then errors = errors + 1 end end
        entry = { model = lok and m or nil, errors = errors, failed = not lok and tostring(m):match("^[^\n]*") or nil }
        models[model_path] = entry
      end
      if entry.failed or entry.errors > 0 or not entry.model then
        problem(run, "warning", case.where, ("test \"%s\": the model %s %s (see qm check %s)"):format(case.name, model_path,
          entry.failed and ("stops: " .. entry.failed) or entry.errors > 0 and "has errors" or "declares no model", model_path),
          { kind = "test", id = case.name })
      else
        local m = entry.model
        for _, e in ipairs(case.expect) do
          local about = { kind = e.kind, id = e.id }
          if e.kind == "indicator" or e.kind == "consensus" then
            local want = e.kind == "indicator" and "indicator" or "question"
            local el = m:find(e.id)
            if not el or el.kind ~= want then
              local ids = {}
              for _, x in ipairs(want == "indicator" and m:indicators() or m:questions()) do ids[#ids + 1] = x.id end
              local hint = construct.did_you_mean(e.id, ids)
              about.suggestion = hint
              problem(run, "error", e.where, ("%s \"%s\": model %s has no %s \"%s\"%s"):format(e.kind, e.id, m.id, want, e.id,
                hint and (" (did you mean \"" .. hint .. "\"?)") or ""), about)
            end
          elseif e.kind == "report" and not reports.for_model(m)[e.id] then
            local names = {}
            for name in pairs(reports.for_model(m)) do names[#names + 1] = name end
            table.sort(names)
            local hint = construct.did_you_mean(e.id, names)
            about.suggestion = hint
            problem(run, "error", e.where, ("report \"%s\": no such report%s"):format(e.id,
              hint and (" (did you mean \"" .. hint .. "\"?)") or (" (reports: " .. table.concat(names, ", ") .. ")")), about)
          end
        end
      end
    end
  end
  return tf
end

M.expectations = EXPECT_FIELDS
M.case_fields = CASE_FIELDS
-- the keys each expectation reads (an editor completes them)
M.expectation_keys = {
  indicator = { "status", "value", "reason", "severity", "unit" },
  consensus = { "round", "proposal", "flag", "reason", "n", "dontknow", "mean", "median", "mode", "modes", "min", "max",
                "range", "sd", "variance", "q1", "q3", "iqr", "within_k", "k", "rwg", "A", "step" },
  report = { "at", "rows", "count", "json" },
}
return M
