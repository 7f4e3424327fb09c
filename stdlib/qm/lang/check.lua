-- check.lua — what `qm check` finds in a finished model beyond each construct's own fields:
-- questions without a scale, targets off the scale, weights a rule ignores, unused scales,
-- indicators' time phrases (each read as the kind of time its field takes), thresholds and
-- fields a kind does not read, settings naming what the model lacks, dependencies and links
-- to elements the model does not have, cycles, and the plan's times, declared
-- datasets and the model's own reports (qm.lang.reports). Problems are collected on the run.
local scoring = require "qm.rules.scoring"
local construct = require "qm.lang.construct"
local inputs = require "qm.lang.inputs"
local schema = require "qm.lang.schema"

-- qm.eval.time and qm.eval.indicator are loaded when a model has a time to read (a
-- deadline, window, baseline, ...): a model without one does not load them
local function lazy(name)
  return setmetatable({}, { __index = function(t, k)
    local mod = require(name)
    setmetatable(t, { __index = mod })
    return mod[k]
  end })
end
local time = lazy "qm.eval.time"
local indicator = lazy "qm.eval.indicator"

-- the indicator fields read_times reads: without any of them it has nothing to read
local TIME_FIELDS = { "deadline", "window", "max_gap", "every" }
local function has_times(ind)
  for _, f in ipairs(TIME_FIELDS) do if ind[f] ~= nil then return true end end
  return false
end

-- the indicator's fields in their declared order (messages come out in a stable order)
local construct_fields = {}
for _, f in ipairs(schema.constructs.indicator.fields) do construct_fields[#construct_fields + 1] = f.name end

local problem, label = construct.problem, construct.label

local M = {}

local function list(v) if type(v) == "string" then return { v } end return v or {} end

local function kinds_text(field)
  local ks = inputs.kinds_reading(field)
  return #ks == 1 and ("only " .. ks[1] .. " reads it") or ("it is read by " .. table.concat(ks, ", "))
end

local function check_indicators(ctx, m)
  for _, ind in ipairs(m:indicators()) do
    local kind = ind.type or "value"
    local decl = inputs.kinds[kind]
    local what = ("indicator \"%s\""):format(ind.id)
    -- fields this kind does not read: a mistake, or a kind that was meant to be another
    if decl and not ind.uses then
      local reads = {}
      for _, f in ipairs(decl.fields) do reads[f] = true end
      -- (the indicator's own fields, read raw: no field is named like an element's method)
      for _, f in ipairs(construct_fields) do
        local v = rawget(ind, f)
        if v ~= nil and inputs.kind_fields[f] and not reads[f] and not (f == "inclusive" and v == true) then
          problem(ctx, "warning", ind.where, ("%s: %s has no meaning for a %s indicator (%s)"):format(what, f, kind, kinds_text(f)), { kind = "indicator", id = ind.id, field = f })
        end
      end
    end
    -- every time field, read by the same reader the run uses (eval/indicator.read_times)
    local times, err
    if has_times(ind) then times, err = indicator.read_times(ind) else times = {} end
    if not times then
      problem(ctx, "error", ind.where, ("%s: %s"):format(what, err), { kind = "indicator", id = ind.id })
    else
      local phrases = {}
      for _, key in ipairs { "window", "every", "gap" } do
        if times[key] and times[key].year_missing then phrases[times[key].phrase] = key == "gap" and "max_gap" or key end
      end
      for _, d in ipairs(times.deadlines or {}) do if d.year_missing then phrases[d.phrase] = "deadline" end end
      local sorted = {}
      for p in pairs(phrases) do sorted[#sorted + 1] = p end
      table.sort(sorted)
      for _, p in ipairs(sorted) do
        problem(ctx, "warning", ind.where, ("%s: %s \"%s\" has no year: it will be not evaluable"):format(what, phrases[p], p), { kind = "indicator", id = ind.id, field = phrases[p] })
      end
    end
    if ind.baseline ~= nil and type(ind.baseline) ~= "number" then
      local r = type(ind.baseline) == "string" and time.read(ind.baseline) or nil
      if r and r.year_missing then
        problem(ctx, "warning", ind.where, ("%s: baseline \"%s\" has no year: it will be not evaluable"):format(what, ind.baseline), { kind = "indicator", id = ind.id, field = "baseline" })
      else
        local w, err = indicator.baseline_window(ind.baseline)
        if not w then problem(ctx, "error", ind.where, ("%s: baseline: %s"):format(what, err), { kind = "indicator", id = ind.id, field = "baseline" }) end
      end
    end
    if ind.min ~= nil and ind.max ~= nil and ind.min > ind.max then
      problem(ctx, "error", ind.where, ("%s: min %s is above max %s: no value can meet it"):format(what, tostring(ind.min), tostring(ind.max)), { kind = "indicator", id = ind.id, field = "min" })
    end
    if (kind == "value" or kind == "target") and ind.inclusive == false and ind.min == nil and ind.max == nil then
      problem(ctx, "warning", ind.where, ("%s: inclusive = false, but there is no min or max it could apply to"):format(what), { kind = "indicator", id = ind.id, field = "inclusive" })
    end
    if ind.threshold ~= nil then
      local t = ind.threshold
      if t > 1 and t <= 100 then
        problem(ctx, "error", ind.where, ("%s: threshold %s is a share from 0 to 1: write %s for %s %%"):format(what, tostring(t),
          tostring(t / 100), tostring(t)), { kind = "indicator", id = ind.id, field = "threshold" })
      elseif t <= 0 or t > 1 then
        problem(ctx, "error", ind.where, ("%s: threshold %s must be a share above 0 and at most 1 (0.9 = 90 %%)"):format(what, tostring(t)), { kind = "indicator", id = ind.id, field = "threshold" })
      end
    end
    if ind.count ~= nil and ind.count < 1 then
      problem(ctx, "error", ind.where, ("%s: count must be at least 1"):format(what), { kind = "indicator", id = ind.id, field = "count" })
    end
    if kind == "frequency" and not ind.every and not (ind.count and ind.per) then
      problem(ctx, "error", ind.where, ("%s: a frequency needs count and per, or every"):format(what), { kind = "indicator", id = ind.id })
    end
    local every = times and times.every
    if kind == "frequency" and not ind.window and not (every and (every.window or every.from or every.year_missing)) then
      problem(ctx, "warning", ind.where, ("%s: a frequency without a window (or an every with a start, \"2 gange årligt fra 2009\") will be not evaluable"):format(what), { kind = "indicator", id = ind.id })
    end
    if kind == "max_gap" and not ind.max_gap and not ind.every then
      problem(ctx, "error", ind.where, ("%s: a max_gap needs max_gap (\"hver anden måned\")"):format(what), { kind = "indicator", id = ind.id })
    end
    if kind == "checklist" and not ind.items then
      problem(ctx, "error", ind.where, ("%s: a checklist needs items"):format(what), { kind = "indicator", id = ind.id })
    end
    if kind == "completion" and not ind.deadline then
      problem(ctx, "error", ind.where, ("%s: a completion needs a deadline"):format(what), { kind = "indicator", id = ind.id })
    end
    if kind == "share" and ind.threshold == nil then
      problem(ctx, "warning", ind.where, ("%s: a share without a threshold will be not evaluable"):format(what), { kind = "indicator", id = ind.id, field = "threshold" })
    end
    if ind.uses then
      local other = m:find(ind.uses)
      if not other or other.kind ~= "indicator" then
        problem(ctx, "error", ind.where, ("%s: uses \"%s\", which is not an indicator of the model"):format(what, ind.uses), { kind = "indicator", id = ind.id, field = "uses" })
      end
    elseif not ind.sql and not ind.data then
      problem(ctx, "warning", ind.where, ("%s has no sql or data: it will be not evaluable"):format(what), { kind = "indicator", id = ind.id })
    end
    -- a query parameter is one value: a list here would pass and only fail when run
    if type(ind.params) == "table" then
      local names = {}
      for k in pairs(ind.params) do names[#names + 1] = k end
      table.sort(names, function(a, b) return tostring(a) < tostring(b) end)
      for _, k in ipairs(names) do
        local v = ind.params[k]
        if type(k) ~= "string" then
          problem(ctx, "error", ind.where, ("%s: params are { name = value }, a parameter's name is a word"):format(what), { kind = "indicator", id = ind.id, field = "params" })
        elseif type(v) ~= "string" and type(v) ~= "number" and type(v) ~= "boolean" then
          problem(ctx, "error", ind.where, ("%s: params.%s is a %s: a query parameter is one value (text, a number or true/false)"):format(what, k, type(v)),
            { kind = "indicator", id = ind.id, field = "params" })
        end
      end
    end
    if ind.sql and ind.data then
      problem(ctx, "error", ind.where, ("%s: give sql or data, not both"):format(what), { kind = "indicator", id = ind.id, field = "data" })
    end
  end
end

-- the model's own settings whose domain is known beyond their type
local function check_settings(ctx, m)
  if m.coverage_of ~= nil then
    local e = m:find(m.coverage_of)
    if not e then
      problem(ctx, "error", m.where, ("model \"%s\": coverage_of \"%s\" is not an element of the model"):format(m.id, m.coverage_of), { kind = "model", id = m.id, field = "coverage_of" })
    elseif e.kind ~= "theme" then
      problem(ctx, "error", m.where, ("model \"%s\": coverage_of \"%s\" is a %s, not a theme"):format(m.id, m.coverage_of, e.kind), { kind = "model", id = m.id, field = "coverage_of" })
    end
  end
  local p = m.progression
  if type(p) == "table" and type(p.coverage) == "string" then
    local r, err = time.read(p.coverage, "gap")
    -- a length of time, not a recurrence ("hvert kvartal": "more than every quarter")
    if not r or r.year_missing or not r.max_gap or r.min_gap or not r.duration then
      problem(ctx, "error", m.where, ("model \"%s\": progression.coverage: %s"):format(m.id,
        err or ("\"" .. p.coverage .. "\" is not a length of time like \"et halvt år\", \"et år\" or \"6 måneder\"")),
        { kind = "model", id = m.id, field = "progression" })
    end
  end
  local a = m.audit
  if type(a) == "table" and a.baseline ~= nil and type(a.rounds) == "table" then
    local found = false
    for _, r in ipairs(a.rounds) do if r == a.baseline then found = true end end
    if not found then
      problem(ctx, "error", m.where, ("model \"%s\": audit.baseline \"%s\" is not one of audit.rounds (%s)"):format(m.id,
        tostring(a.baseline), table.concat(a.rounds, ", ")), { kind = "model", id = m.id, field = "audit" })
    end
  end
end

-- goal agreements: what an effort depends on or hangs together with, and the agreement's
-- contributions to other units' agreements, all naming elements that must exist
local function id_list(v) if v == nil then return {} end return type(v) == "table" and v or { v } end

local function check_agreements(ctx, m)
  for _, e in ipairs(m:walk()) do
    for _, field in ipairs({ "depends_on", "related" }) do
      for _, id in ipairs(id_list(e[field])) do
        local other = m:find(id)
        if not other then
          problem(ctx, "error", e.where, ("%s \"%s\": %s \"%s\", which the model does not have"):format(e.kind, e.id, field, id), { kind = e.kind, id = e.id, field = field })
        elseif other == e then
          problem(ctx, "error", e.where, ("%s \"%s\": %s names itself"):format(e.kind, e.id, field), { kind = e.kind, id = e.id, field = field })
        end
      end
    end
  end
  -- a cycle of depends_on: nothing could ever start
  local state = {}
  local function visit(e, path)
    if state[e] == "done" then return end
    if state[e] == "visiting" then
      local ids = {}
      for i = #path, 1, -1 do table.insert(ids, 1, path[i].id); if path[i] == e then break end end
      ids[#ids + 1] = e.id
      problem(ctx, "error", e.where, ("depends_on goes round in a circle: %s"):format(table.concat(ids, " → ")), { kind = e.kind, id = e.id, field = "depends_on" })
      return true
    end
    state[e] = "visiting"
    path[#path + 1] = e
    for _, id in ipairs(id_list(e.depends_on)) do
      local other = m:find(id)
      if other and other ~= e and visit(other, path) then state[e] = "done"; path[#path] = nil; return true end
    end
    path[#path] = nil
    state[e] = "done"
  end
  for _, e in ipairs(m:walk()) do if e.depends_on then visit(e, {}) end end
  if m.contributions ~= nil then
    for i, c in ipairs(m.contributions) do
      local label = ("contributions[%d]"):format(i)
      if type(c) ~= "table" then problem(ctx, "error", m.where, label .. " must be a table { to = ..., goal = ... }", { kind = "model", id = m.id, field = "contributions" })
      else
        if type(c.to) ~= "string" then problem(ctx, "error", m.where, label .. ": to (the unit whose agreement it is) must be a text", { kind = "model", id = m.id, field = "contributions" }) end
        if type(c.goal) ~= "string" then problem(ctx, "error", m.where, label .. ": goal must be a text", { kind = "model", id = m.id, field = "contributions" }) end
        for _, id in ipairs(id_list(c.efforts)) do
          if not m:find(id) then problem(ctx, "error", m.where, ("%s: efforts names \"%s\", which the model does not have"):format(label, id), { kind = "model", id = m.id, field = "contributions" }) end
        end
      end
    end
  end
end


-- checks: unreadable times and links to elements that do not exist
local function check_plan(ctx, m)
  for i, a in ipairs(m.plan or {}) do
    local where = m.where
    if type(a) ~= "table" or not a.title then
      problem(ctx, "error", where, ("plan item %d: needs a title"):format(i), { kind = "model", id = m.id, field = "plan" })
    else
      local t = require("qm.eval.plan").time_of(a.time)  -- loaded only for a model with a plan
      if t.kind == "unreadable" then problem(ctx, "error", where, ("plan \"%s\": time: %s"):format(a.id or a.title, t.error), { kind = "model", id = m.id, field = "plan" }) end
      if t.kind == "no year" then problem(ctx, "warning", where, ("plan \"%s\": time \"%s\" has no year"):format(a.id or a.title, a.time), { kind = "model", id = m.id, field = "plan" }) end
      for _, l in ipairs(list(a.links)) do
        if not m:find(l) then problem(ctx, "error", where, ("plan \"%s\": links to \"%s\", which the model does not have"):format(a.id or a.title, l), { kind = "model", id = m.id, field = "plan" }) end
      end
    end
  end
  for _, p in ipairs(m.priorities or {}) do
    if not m:find(p.id or "") then problem(ctx, "error", m.where, ("priorities: \"%s\" is not an element of the model"):format(tostring(p.id)), { kind = "model", id = m.id, field = "priorities" }) end
    if not p.reason then problem(ctx, "warning", m.where, ("priorities: \"%s\" has no reason"):format(tostring(p.id)), { kind = "model", id = m.id, field = "priorities" }) end
  end
end


-- datasets: a table name SQL can use, columns whose options fit their type, a key of its
-- own columns, references to a declared dataset's column, scales that exist
local type_options = { min = { integer = true, number = true }, max = { integer = true, number = true },
  values = { enum = true }, scale = { scale = true }, of = { element = true } }

local function check_datasets(ctx, m)
  local seen = {}
  for _, d in ipairs(m.datasets or {}) do
    local dl = label("dataset", d.id)
    if not d.id:match("^[%a_][%w_]*$") then
      problem(ctx, "error", d.where, ("%s: a table name is letters, digits and _ (not starting with a digit)"):format(dl), { kind = "dataset", id = d.id })
    end
    if d.id:lower():match("^qm_") or d.id:lower():match("^sqlite_") then
      problem(ctx, "error", d.where, ("%s: names starting with qm_ or sqlite_ are the engine's"):format(dl), { kind = "dataset", id = d.id })
    end
    if seen[d.id] then problem(ctx, "error", d.where, ("%s is declared twice (first at %s)"):format(dl, seen[d.id].where), { kind = "dataset", id = d.id }) end
    seen[d.id] = d
    local cols = {}
    if not d.columns or #d.columns == 0 then
      problem(ctx, "error", d.where, ("%s has no columns: add column \"name\" { type = \"text\" }"):format(dl), { kind = "dataset", id = d.id })
    end
    for _, c in ipairs(d.columns or {}) do
      local cl = ("%s: column \"%s\""):format(dl, c.id)
      if not c.id:match("^[%a_][%w_]*$") then
        problem(ctx, "error", c.where, ("%s: a column name is letters, digits and _"):format(cl), { kind = "column", id = c.id })
      end
      if cols[c.id:lower()] then problem(ctx, "error", c.where, ("%s is declared twice"):format(cl), { kind = "column", id = c.id }) end
      cols[c.id:lower()] = c
      for opt, allowed in pairs(type_options) do
        if c[opt] ~= nil and c.type and not allowed[c.type] then
          local kinds = {}
          for k in pairs(allowed) do kinds[#kinds + 1] = k end
          table.sort(kinds)
          problem(ctx, "error", c.where, ("%s: %s applies to a column of type %s, not %s"):format(cl, opt, table.concat(kinds, " or "), c.type), { kind = "column", id = c.id })
        end
      end
      if c.type == "enum" and (c.values == nil or #c.values == 0) then
        problem(ctx, "error", c.where, ("%s: an enum needs values = { ... }"):format(cl), { kind = "column", id = c.id })
      end
      if c.min and c.max and c.min > c.max then
        problem(ctx, "error", c.where, ("%s: min %s is above max %s"):format(cl, tostring(c.min), tostring(c.max)), { kind = "column", id = c.id })
      end
      if c.type == "scale" then
        local sc = c.scale
        if type(sc) == "string" then sc = type(m.scales) == "table" and m.scales[sc] or nil
          if not sc then problem(ctx, "error", c.where, ("%s: scale \"%s\" is not one of the model's scales"):format(cl, c.scale), { kind = "column", id = c.id }) end
        elseif sc ~= nil and not require("qm.rules.scale").is_scale(sc) then
          problem(ctx, "error", c.where, ("%s: scale must be a scale or the name of one of the model's scales"):format(cl), { kind = "column", id = c.id })
        elseif sc == nil and not m.scale then
          problem(ctx, "error", c.where, ("%s: the model has no scale: give the column one"):format(cl), { kind = "column", id = c.id })
        end
      end
      if c.default ~= nil and c.type then
        local ok, msg = require("qm.lang.types").check({ type = c.type, min = c.min, max = c.max, values = c.values,
          scale = c.scale, of = c.of }, c.default, { model = m })
        if not ok then problem(ctx, "error", c.where, ("%s: default %s"):format(cl, msg), { kind = "column", id = c.id }) end
      end
    end
    for _, k in ipairs(list(d.key)) do
      if not cols[k:lower()] then problem(ctx, "error", d.where, ("%s: key names \"%s\", which is not one of its columns"):format(dl, k), { kind = "dataset", id = d.id }) end
    end
  end
  for _, d in ipairs(m.datasets or {}) do
    for _, c in ipairs(d.columns or {}) do
      if c.references then
        local t, col = c.references:match("^([%a_][%w_]*)%.([%a_][%w_]*)$")
        t = t or c.references
        local target = seen[t]
        if not target then
          problem(ctx, "error", c.where, ("dataset \"%s\": column \"%s\": references \"%s\", which is not a dataset of the model"):format(d.id, c.id, t), { kind = "column", id = c.id })
        else
          local key = col or (type(target.key) == "string" and target.key) or (type(target.key) == "table" and #target.key == 1 and target.key[1])
          local found = false
          for _, tc in ipairs(target.columns or {}) do if tc.id == key then found = true end end
          if not key then
            problem(ctx, "error", c.where, ("dataset \"%s\": column \"%s\": references \"%s\", which has no one-column key: name the column (\"%s.id\")"):format(d.id, c.id, t, t), { kind = "column", id = c.id })
          elseif not found then
            problem(ctx, "error", c.where, ("dataset \"%s\": column \"%s\": references \"%s.%s\", which is not a column"):format(d.id, c.id, t, key), { kind = "column", id = c.id })
          end
        end
      end
    end
  end
end

-- the questions whose score reaches a value unchanged in kind: the element itself when it is
-- a question, else the questions below it through rules that keep the scale (mean, weighted
-- mean, median); a sum, bands, efqm or a function of one's own changes the unit: not followed
local keeps_scale = { mean = true, weighted_mean = true, median = true }
local function scale_questions(e, out)
  if e.kind == "question" then out[#out + 1] = e; return out end
  if e.kind ~= "theme" and e.kind ~= "model" then return out end
  local r = e:scoring_of()
  if not (scoring.is_rule(r) and keeps_scale[r.name]) then return out end
  for _, ch in ipairs(e.children or {}) do scale_questions(ch, out) end
  return out
end

-- a scale that gives percentages (what efqm reads each value as): from 0 or more up to 100
local function percent_scale(sc)
  return sc.kind ~= "text" and type(sc.min) == "number" and sc.min >= 0 and sc.max == 100
end

-- scoring rules keyed by element ids (scoring.efqm's points): every key must be an id the
-- rule will score, and every element it scores must have its points; the values it reads
-- must be percentages (a 3 on 1-5 would count as 3 % of the points, without a word)
local function check_scoring(ctx, m)
  local elements = { m }
  for _, e in ipairs(m:walk()) do elements[#elements + 1] = e end
  local receives = {}   -- rule -> { ids = {id -> true}, list = {ids}, at = element }
  for _, e in ipairs(elements) do
    -- (an element without children scores nothing: its rule is not asked for)
    local r = e.children and #e.children > 0 and e:scoring_of()
    if r and scoring.is_rule(r) and r.points_based then
      local rec = receives[r] or { ids = {}, list = {}, at = e }
      receives[r] = rec
      for _, ch in ipairs(e.children) do
        if ch.kind ~= "indicator" and not rec.ids[ch.id] then
          rec.ids[ch.id] = ch
          rec.list[#rec.list + 1] = ch.id
        end
      end
    end
  end
  for r, rec in pairs(receives) do
    local where = r.where or rec.at.where
    local what = ("scoring.%s on %s"):format(r.name, label(rec.at.kind, rec.at.id))
    if r.points then
      local missing = {}
      for _, id in ipairs(rec.list) do if r.points[id] == nil then missing[#missing + 1] = id end end
      for _, key in ipairs(scoring.keys(r)) do
        if not rec.ids[key] then
          -- the likely meaning: the one element without points, else the nearest id
          local hint = #missing == 1 and missing[1] or construct.did_you_mean(key, #missing > 0 and missing or rec.list)
          problem(ctx, "error", where, ("%s: points are given for \"%s\", which it does not score%s (it scores %s)")
            :format(what, key, hint and (" (did you mean \"" .. hint .. "\"?)") or "", table.concat(rec.list, ", ")),
            { token = "scoring", suggestion = hint })
        end
      end
    end
    local off = {}   -- scale description -> { questions }, in the order met
    local order = {}
    for _, id in ipairs(rec.list) do
      for _, q in ipairs(scale_questions(rec.ids[id], {})) do
        local sc = q:scale_of()
        if sc and not percent_scale(sc) then
          local d = sc:describe()
          if not off[d] then off[d] = {}; order[#order + 1] = d end
          table.insert(off[d], q.id)
        end
      end
    end
    for _, d in ipairs(order) do
      local qs = off[d]
      local names = {}
      for i = 1, math.min(#qs, 3) do names[i] = "\"" .. qs[i] .. "\"" end
      local who = (#qs == 1 and "question " or "questions ") .. table.concat(names, ", ")
        .. (#qs > 3 and (" and %d more"):format(#qs - 3) or "")
      problem(ctx, "warning", where, ("%s: %s %s scored on %s, but efqm reads each value as a percentage (0-100): give %s a percent scale (scale.percent {} or scale.points { 0, 100 })")
        :format(what, who, #qs == 1 and "is" or "are", d, #qs == 1 and "it" or "them"), { token = "scoring" })
    end
    for _, id in ipairs(rec.list) do
      local ch = rec.ids[id]
      if r.points and r.points[id] == nil then
        problem(ctx, "error", where, ("%s: %s has no points (points are given for: %s)")
          :format(what, label(ch.kind, id), table.concat(scoring.keys(r), ", ")), { token = "scoring" })
      elseif not r.points and ch.weight == nil then
        problem(ctx, "error", ch.where, ("%s: %s has no available points: give it a weight, or the rule points = { ... }")
          :format(what, label(ch.kind, id)), { kind = ch.kind, id = ch.id })
      end
    end
  end
end

-- a target must be a score the question's scale can give
local function check_target(ctx, e, sc, where_label)
  if e.target == nil or not sc or type(e.target) ~= "number" then return end
  local v, msg = sc:check(e.target)
  if v == nil or type(v) ~= "number" then
    msg = msg or "is not a score on the scale"
    local t = tostring(e.target)
    if msg:sub(1, #t + 1) == t .. " " then msg = msg:sub(#t + 2) end  -- "120 is outside ..." -> "is outside ..."
    problem(ctx, "error", e.where, ("%s: target %s %s"):format(where_label, t, msg), { kind = e.kind, id = e.id, field = "target" })
  end
end

function M.model(ctx, m)
  for _, q in ipairs(m:questions()) do
    if not q:scale_of() then
      problem(ctx, "error", q.where, ("question \"%s\" has no scale: give the model, its theme or the question a scale"):format(q.id), { kind = "question", id = q.id })
    end
    if q.target ~= nil then   -- (the label is made only for a question with a target to check)
      local where_label = ("question \"%s\""):format(q.id)
      if q.parent and q.parent.kind == "theme" then where_label = ("theme \"%s\": %s"):format(q.parent.id, where_label) end
      check_target(ctx, q, q:scale_of(), where_label)
    end
  end
  check_target(ctx, m, m.scale, ("model \"%s\""):format(m.id))
  for _, e in ipairs(m:walk()) do
    if e.kind == "theme" and #e.children == 0 and e.scored ~= false then
      problem(ctx, "warning", e.where, ("theme \"%s\" has no questions, indicators or sub-themes"):format(e.id), { kind = "theme", id = e.id })
    end
    if e.weight ~= nil and e.parent then
      local r = e.parent:scoring_of()
      if scoring.is_rule(r) and not r.uses_weights then
        -- a sum keeps its kind: the weighted form of a sum is a weighted sum, not a mean
        local use = r.name == "sum" and "scoring.sum { weighted = true }" or "scoring.weighted_mean()"
        problem(ctx, "warning", e.where, ("%s: weight %s given but %s scores by %s, which ignores weights (use scoring = %s)")
          :format(label(e.kind, e.id), tostring(e.weight), label(e.parent.kind, e.parent.id), r.name, use), { kind = e.kind, id = e.id, field = "weight" })
      end
    end
  end
  -- named scales declared on the model but used by nothing
  if type(m.scales) == "table" then
    local used = {}
    for _, e in ipairs(m:walk()) do if e.scale then used[e.scale] = true end end
    if m.scale then used[m.scale] = true end
    for name, s in pairs(m.scales) do
      if not used[s] then problem(ctx, "warning", m.where, ("scale \"%s\" is defined but no element uses it"):format(name), { kind = "model", id = m.id, field = "scales" }) end
    end
  end
  if m.max_participants ~= nil and m.max_participants < 1 then
    problem(ctx, "error", m.where, ("model \"%s\": max_participants must be at least 1"):format(m.id), { kind = "model", id = m.id, field = "max_participants" })
  end
  if m.min_group ~= nil and m.min_group < 1 then
    problem(ctx, "error", m.where, ("model \"%s\": min_group must be at least 1"):format(m.id))
  end
  check_indicators(ctx, m)
  check_settings(ctx, m)
  check_agreements(ctx, m)
  check_plan(ctx, m)
  check_scoring(ctx, m)
  check_datasets(ctx, m)
  -- a model's own reports (qm.lang.reports is loaded only for a model that declares one)
  if m.reports ~= nil then require("qm.lang.reports").check(ctx, m) end
end

return M
