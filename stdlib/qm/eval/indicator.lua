-- indicator.lua — evaluates indicators to a status as of a date. The status vocabulary:
--   achieved      the target or deadline is met
--   on track      not finished, but nothing has failed so far
--   not achieved  a target or deadline was missed (severity "warning" for soft targets)
--   pending       not due yet, or inactive until its condition is recorded
--   not evaluable cannot be judged, with the reason (no baseline, deadline has no year, no data)
-- Data comes from the indicator's `sql` (named parameters from --param, plus :as_of and
-- :year) or its `data` function; the columns each kind reads are in docs/language.md.
local time = require "qm.eval.time"

local M = {}
M.statuses = { "achieved", "on track", "not achieved", "pending", "not evaluable" }

local null_value
local function present(v) return v ~= nil and v ~= null_value end

-- the rows of an indicator's data as of a date
local function fetch(ctx, ind, as_of)
  null_value = require("qm.host").null
  local params = { as_of = tostring(as_of), year = as_of.y }
  for k, v in pairs(ind.params or {}) do params[k] = v end
  for k, v in pairs(ctx.params or {}) do params[k] = v end
  -- a model's data function gets a small read-only view made for it, never the run's context
  if ind.data then return ind.data(ctx:callback_view(as_of), params) or {} end
  if not ind.sql then return nil, "no data: give the indicator sql or data" end
  local db = ctx:model_database()
  if not db then return nil, "no database (give --db)" end
  return db:rows(ind.sql, params)
end

local function date_of(v) if present(v) then return time.parse_date(tostring(v):sub(1, 10)) end end

-- rows known as of the date: a row dated after it, or for a period that has not started by
-- it ("2017" as of 2016-10-15), is not known yet; rows without either are always known
local function known(rows, as_of)
  local out = {}
  for _, r in ipairs(rows) do
    local d = r.date and present(r.date) and date_of(r.date)
    if not d and r.period and present(r.period) then
      local w = time.read(tostring(r.period), "window")
      d = w and not w.year_missing and w.period.first or nil
    end
    if not d or d <= as_of then out[#out + 1] = r end
  end
  return out
end

local function by_unit(rows)
  local groups, order = {}, {}
  for _, r in ipairs(rows) do
    local u = present(r.unit_id) and tostring(r.unit_id) or ""
    if not groups[u] then groups[u] = {}; order[#order + 1] = u end
    table.insert(groups[u], r)
  end
  table.sort(order)
  return groups, order
end

local function latest(rows)
  local best
  for _, r in ipairs(rows) do
    if present(r.value) and (best == nil or tostring(r.date or "") >= tostring(best.date or "")) then best = r end
  end
  return best
end

local function meets(ind, v)
  local incl = ind.inclusive ~= false
  if ind.min ~= nil and (incl and v < ind.min or not incl and v <= ind.min) then return false end
  if ind.max ~= nil and (incl and v > ind.max or not incl and v >= ind.max) then return false end
  return true
end

local function target_text(ind)
  local incl = ind.inclusive ~= false
  local parts = {}
  if ind.min ~= nil then parts[#parts + 1] = (incl and "≥ " or "> ") .. tostring(ind.min) end
  if ind.max ~= nil then parts[#parts + 1] = (incl and "≤ " or "< ") .. tostring(ind.max) end
  return table.concat(parts, " and ")
end

-- ---------------------------------------------------------------- kinds

local kinds = {}

-- value / target: the latest value against min/max
function kinds.value(ind, rows)
  local r = latest(rows)
  if not r then return { status = "not evaluable", reason = "no data" } end
  local v = r.value
  if ind.min == nil and ind.max == nil then
    return { status = "not evaluable", reason = "no target (documentation only)", value = v }
  end
  if meets(ind, v) then return { status = "achieved", value = v, reason = "target " .. target_text(ind) } end
  return { status = "not achieved", value = v, severity = ind.hard == false and "warning" or "failure",
           reason = ("%s misses the target %s%s"):format(tostring(v), target_text(ind), ind.hard == false and " (soft target: a warning)" or "") }
end
kinds.target = kinds.value
kinds.documentation = kinds.value

-- direction: the latest value against the baseline (the earliest value, or the baseline period's)
function kinds.direction(ind, rows)
  local base
  if type(ind.baseline) == "number" then base = { value = ind.baseline, date = "baseline" } end
  local sorted = {}
  for _, r in ipairs(rows) do if present(r.value) then sorted[#sorted + 1] = r end end
  table.sort(sorted, function(a, b) return tostring(a.date or a.period or "") < tostring(b.date or b.period or "") end)
  if type(ind.baseline) == "string" then
    for _, r in ipairs(sorted) do
      if tostring(r.period or r.date or ""):sub(1, #ind.baseline) == ind.baseline then base = r break end
    end
  end
  if not base then base = ind.baseline == nil and #sorted >= 2 and sorted[1] or nil end
  if not base then return { status = "not evaluable", reason = "no baseline" } end
  local cur = sorted[#sorted]
  if not cur or cur == base then return { status = "not evaluable", reason = "no measurement after the baseline", value = base.value } end
  local want = ind.direction or (ind.better == "lower" and "decrease" or "increase")
  local change = cur.value - base.value
  local ok = (want == "decrease" and change < 0) or (want == "increase" and change > 0)
  return { status = ok and "achieved" or "not achieved", value = cur.value, baseline = base.value,
           reason = ("%s → %s (%s wanted)"):format(tostring(base.value), tostring(cur.value), want) }
end

-- Every time field of an indicator, read by the one reader (time.read) as the kind of time
-- the field holds; `qm check` calls the same. Returns { deadlines = {...}, window =, every =,
-- gap = } (a phrase without a year reads with year_missing = true), or nil and a message
-- naming the field.
function M.read_times(ind)
  local out = {}
  local function read(field, phrase, kind)
    if type(phrase) ~= "string" then return nil, ("%s: expected a date or phrase in quotes"):format(field) end
    local r, err = time.read(phrase, kind)
    if not r then return nil, field .. ": " .. err end
    return r
  end
  if ind.deadline ~= nil then
    out.deadlines = {}
    for _, p in ipairs(type(ind.deadline) == "table" and ind.deadline or { ind.deadline }) do
      local ds, err = read("deadline", p, "deadlines")
      if not ds then return nil, err end
      for _, d in ipairs(ds) do out.deadlines[#out.deadlines + 1] = d end
    end
  end
  local err
  if ind.window ~= nil then
    out.window, err = read("window", ind.window, "window")
    if not out.window then return nil, err end
  end
  if ind.max_gap ~= nil then
    out.gap, err = read("max_gap", ind.max_gap, "gap")
    if not out.gap then return nil, err end
  end
  if ind.every ~= nil then
    -- every is the gap of a max_gap indicator without max_gap, else a count per period
    local as_gap = ind.type == "max_gap" and ind.max_gap == nil
    out.every, err = read("every", ind.every, as_gap and "gap" or "recurrence")
    if not out.every then return nil, err end
    if as_gap then out.gap = out.every end
    if ind.type == "frequency" and not out.every.year_missing and not (out.every.count or ind.count) then
      return nil, ("every: \"%s\" has no count per period: a frequency needs one, like \"2 gange årligt\" (or give count and per)"):format(ind.every)
    end
  end
  return out
end

-- the first time field whose phrase has no year, as a reason; nil when every one has a year
function M.no_year(times)
  for _, key in ipairs { "window", "every", "gap" } do
    local r = times[key]
    if r and r.year_missing then return ("no year (\"%s\")"):format(r.phrase) end
  end
  for _, d in ipairs(times.deadlines or {}) do
    if d.year_missing then return ("deadline has no year (\"%s\")"):format(d.phrase) end
  end
  return nil
end

function M.deadlines_of(ind)
  local t = M.read_times(ind)
  return t and t.deadlines or {}
end

-- completion: every unit (rows: unit_id, done = date or null; one row per completion) by
-- each deadline. With recurring deadlines every unit must complete once in each interval
-- (after the previous deadline, up to and including this one).
function kinds.completion(ind, rows, as_of)
  local ds = M.deadlines_of(ind)
  if #ds == 0 then return { status = "not evaluable", reason = "no deadline" } end
  for _, x in ipairs(ds) do
    if x.year_missing then return { status = "not evaluable", reason = "deadline has no year" } end
  end
  local units, order, done = {}, {}, {}
  for _, r in ipairs(rows) do
    local u = tostring(r.unit_id)
    if not units[u] then units[u] = true; order[#order + 1] = u; done[u] = {} end
    local when = r.done and present(r.done) and date_of(r.done)
    if when and when <= as_of then table.insert(done[u], when) end
  end
  table.sort(order)
  if #order == 0 then return { status = "not evaluable", reason = "no units to complete" } end
  local prev
  for i, d in ipairs(ds) do
    local ok_units, open = 0, {}
    for _, u in ipairs(order) do
      local hit = false
      for _, w in ipairs(done[u]) do
        if (prev == nil or w > prev) and d:met_by(w) then hit = true end
      end
      if hit then ok_units = ok_units + 1 else open[#open + 1] = u end
    end
    local progress = ("%d of %d"):format(ok_units, #order)
    local label = d.phrase or tostring(d.date)
    if as_of > d.date then
      if #open > 0 then
        return { status = "not achieved", value = progress,
                 reason = ("not done by %s (%s): %s"):format(tostring(d.date), label, table.concat(open, ", ")) }
      end
      if i == #ds then return { status = "achieved", value = progress, reason = "all done by every deadline" } end
    else
      if #open == 0 and i == #ds then return { status = "achieved", value = progress, reason = "all done by " .. tostring(d.date) } end
      return { status = #open == 0 and "on track" or "on track", value = progress, due = d.date,
               reason = ("due %s (%s)%s"):format(tostring(d.date), label, #open > 0 and ("; open: " .. table.concat(open, ", ")) or "; all done so far") }
    end
    prev = d.date
  end
  return { status = "achieved", reason = "all done" }
end

local function event_dates(rows)
  local out = {}
  for _, r in ipairs(rows) do if present(r.date) then out[#out + 1] = tostring(r.date):sub(1, 10) end end
  return out
end

-- the window a rule applies in: the window field, else the recurrence's own ("løbende
-- 2009-2011"); a recurrence with only a start ("2 gange årligt fra 2009") runs from its start
-- to the as-of date and never ends (open)
local function window_of(ind, rec, as_of)
  local t = M.read_times(ind) or {}
  if t.window then return t.window.period end
  if rec and rec.window then return rec.window end
  if rec and rec.from then
    local asd = time.parse_date(as_of)
    return time.range(rec.from, asd < rec.from and rec.from or asd), true
  end
  return nil
end

-- frequency: at least `count` events per `per` within the window (rows: date)
function kinds.frequency(ind, rows, as_of)
  local count, per = ind.count, ind.per
  local t = M.read_times(ind) or {}
  local rec = t.every
  if rec then count, per = count or rec.count, per or rec.per end
  if not count or not per then return { status = "not evaluable", reason = "give count and per (or every)" } end
  local win, open = window_of(ind, rec, as_of)
  if not win then return { status = "not evaluable", reason = "no window" } end
  local r = time.check_frequency(event_dates(rows), { count = count, per = per, window = win, open = open }, as_of)
  local last = r.periods and r.periods[#r.periods]
  r.value = last and (last.count .. " in " .. last.label) or nil
  if r.status == "not achieved" and ind.hard == false then r.severity = "warning" end
  return r
end

-- max_gap: no longer than max_gap between events (rows: date)
function kinds.max_gap(ind, rows, as_of)
  local t = M.read_times(ind) or {}
  local rec = t.gap
  if not rec or not rec.max_gap then return { status = "not evaluable", reason = "no longest gap: give max_gap (or every)" } end
  local dates = event_dates(rows)
  local r = time.check_max_gap(dates, rec.max_gap, (window_of(ind, rec, as_of)), as_of)
  r.value = r.largest and (r.largest .. " days") or nil
  -- a cadence with a shortest gap too ("hver 4.-6. uge"): when the next one is due
  if rec.min_gap and #dates > 0 then
    table.sort(dates)
    local from, to = time.due_window(dates[#dates], rec.min_gap, rec.max_gap)
    r.due_from, r.due_to = tostring(from), tostring(to)
    local asd = time.parse_date(as_of)
    if asd > to then
      r.status, r.reason = "not achieved", ("overdue: the next was due %s to %s"):format(tostring(from), tostring(to))
    else
      r.reason = (r.reason or "") .. ("; next due %s to %s"):format(tostring(from), tostring(to))
    end
  end
  if r.status == "not achieved" and ind.hard == false then r.severity = "warning" end
  return r
end

-- share: of audited cases where the criterion applies, the share that meets it (rows: met = 1/0/null)
function kinds.share(ind, rows)
  local yes, applicable = 0, 0
  for _, r in ipairs(rows) do
    if present(r.met) then
      applicable = applicable + 1
      if r.met == 1 or r.met == true or r.met == "yes" or r.met == "ja" then yes = yes + 1 end
    end
  end
  if applicable == 0 then return { status = "not evaluable", reason = "no applicable cases" } end
  local share = yes / applicable
  local value = ("%d of %d (%.0f%%)"):format(yes, applicable, share * 100)
  if not ind.threshold then return { status = "not evaluable", reason = "no threshold", value = value, share = share } end
  local ok = share >= ind.threshold
  return { status = ok and "achieved" or "not achieved", value = value, share = share,
           reason = ("%.0f%% %s the threshold %.0f%%"):format(share * 100, ok and "meets" or "is below", ind.threshold * 100) }
end

-- checklist: every item done (rows: item, done = date/1 or null/0)
function kinds.checklist(ind, rows, as_of)
  local items = type(ind.items) == "string" and { ind.items } or ind.items or {}
  local done = {}
  for _, r in ipairs(rows) do
    local d = r.done
    if present(d) and d ~= 0 and d ~= false then
      local when = type(d) == "string" and d:match("^%d%d%d%d%-") and date_of(d)
      if not when or when <= as_of then done[tostring(r.item)] = true end
    end
  end
  local open, n = {}, 0
  for _, it in ipairs(items) do if done[it] then n = n + 1 else open[#open + 1] = it end end
  if #items == 0 then return { status = "not evaluable", reason = "no items" } end
  local value = ("%d of %d"):format(n, #items)
  if n == #items then return { status = "achieved", value = value, reason = "all items done" } end
  local st = "on track"
  if ind.deadline then
    local d = M.deadlines_of(ind)[1]
    if d and d.year_missing then st = "not evaluable"
    elseif d and as_of > d.date then st = "not achieved" end
  end
  return { status = st, value = value, reason = "open: " .. table.concat(open, "; ") }
end

-- judgement: the latest judgement by the named body (rows: body, date, verdict, note)
function kinds.judgement(ind, rows)
  local best
  for _, r in ipairs(rows) do
    if (ind.body == nil or r.body == ind.body) and (best == nil or tostring(r.date) > tostring(best.date)) then best = r end
  end
  if not best then return { status = "pending", reason = "no judgement recorded by " .. (ind.body or "anyone") } end
  local verdict = tostring(best.verdict)
  local map = { achieved = "achieved", opfyldt = "achieved", ["on track"] = "on track", ["not achieved"] = "not achieved", ["ikke opfyldt"] = "not achieved" }
  return { status = map[verdict] or "not evaluable", value = verdict,
           reason = ("judged by %s on %s%s"):format(tostring(best.body), tostring(best.date), present(best.note) and (": " .. best.note) or "") }
end

-- prepost: mean after against mean before (rows: phase = pre/post or før/efter, value)
function kinds.prepost(ind, rows)
  local sum, n = { pre = 0, post = 0 }, { pre = 0, post = 0 }
  local map = { pre = "pre", ["før"] = "pre", post = "post", efter = "post" }
  for _, r in ipairs(rows) do
    local ph = map[tostring(r.phase)]
    if ph and present(r.value) then sum[ph] = sum[ph] + r.value; n[ph] = n[ph] + 1 end
  end
  if n.pre == 0 or n.post == 0 then return { status = "not evaluable", reason = "needs measurements before and after" } end
  local pre, post = sum.pre / n.pre, sum.post / n.post
  local better = ind.better or "higher"
  local ok = better == "higher" and post > pre or better == "lower" and post < pre
  return { status = ok and "achieved" or "not achieved", value = ("%.2f → %.2f"):format(pre, post),
           reason = ("mean before %.2f, after %.2f (%s is better)"):format(pre, post, better) }
end

-- conditional: inactive (pending) until the condition is recorded (rows: decided = date),
-- then judged by its deadline (rows: done = date)
function kinds.conditional(ind, rows, as_of)
  local decided, done
  for _, r in ipairs(rows) do
    if present(r.decided) and date_of(r.decided) <= as_of then decided = date_of(r.decided) end
    if present(r.done) and date_of(r.done) <= as_of then done = date_of(r.done) end
  end
  if not decided then return { status = "pending", reason = "inactive until recorded: " .. (ind.condition or "its condition") } end
  if not ind.deadline then
    return { status = done and "achieved" or "on track", reason = "activated " .. tostring(decided) }
  end
  local d = M.deadlines_of(ind)[1]
  local st, why = d:status(as_of, done and tostring(done))
  return { status = st, reason = why .. " (activated " .. tostring(decided) .. ")" }
end

M.kinds = kinds

-- ---------------------------------------------------------------- evaluation

-- evaluate(ctx, ind, as_of) -> { status, reason, value, ..., units = { {unit, status, ...} } }
function M.evaluate(ctx, ind, as_of)
  -- a shared indicator: the other one's measurement, evaluated once per run
  if ind.uses then
    local m = ind
    while m.parent do m = m.parent end
    local other = m:find(ind.uses)
    if not other or other.kind ~= "indicator" then return { status = "not evaluable", reason = "uses \"" .. ind.uses .. "\", which is not an indicator" } end
    ctx.shared_results = ctx.shared_results or {}
    local r = ctx.shared_results[other] or M.evaluate(ctx, other, as_of)
    ctx.shared_results[other] = r
    local copy = {}
    for k, v in pairs(r) do copy[k] = v end
    copy.reason = (r.reason or "") .. " (shared with " .. other.id .. ")"
    return copy
  end
  -- a time phrase that cannot be read, or whose year was lost, makes any kind of indicator
  -- not evaluable (qm check reports both with the same reader)
  local times, terr = M.read_times(ind)
  if not times then return { status = "not evaluable", reason = terr } end
  local ny = M.no_year(times)
  if ny then return { status = "not evaluable", reason = ny } end
  local rows, err = fetch(ctx, ind, as_of)
  if not rows then return { status = "not evaluable", reason = err } end
  rows = known(rows, as_of)
  local eval = kinds[ind.type or "value"]
  if ind.deadline and (ind.type == "value" or ind.type == nil) then eval = kinds.completion end
  local per_unit = ind.scope and ind.type ~= "completion"
  if not per_unit then return eval(ind, rows, as_of) end
  local groups, order = by_unit(rows)
  local units = {}
  for _, u in ipairs(order) do
    if u ~= "" then
      local r = eval(ind, groups[u], as_of)
      r.unit = u
      units[#units + 1] = r
    end
  end
  local overall
  if groups[""] then
    overall = eval(ind, groups[""], as_of)   -- rows for the whole organisation (unit_id NULL)
  else
    -- no whole-organisation rows: the units decide; every unit must achieve it
    local count, worst = {}, nil
    local rank = { ["not achieved"] = 1, ["not evaluable"] = 2, pending = 3, ["on track"] = 4, achieved = 5 }
    for _, r in ipairs(units) do
      count[r.status] = (count[r.status] or 0) + 1
      if worst == nil or rank[r.status] < rank[worst] then worst = r.status end
    end
    overall = { status = worst or "not evaluable", value = ("%d of %d units"):format(count.achieved or 0, #units),
                reason = #units == 0 and "no data" or ("%d of %d %s achieved it"):format(count.achieved or 0, #units, ind.scope) }
  end
  overall.units = units
  return overall
end

return M
