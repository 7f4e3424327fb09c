-- indicator.lua — evaluates indicators to a status as of a date. The statuses are disjoint;
-- docs/language.md ("Statuses") defines each exactly, per kind:
--   pending       the rule does not apply yet: its window has not started, its condition is
--                 not recorded, or (judgement) nothing is judged yet and no deadline has passed
--   on track      the rule applies, nothing due so far was missed, and something is still due
--   achieved      everything required is met and nothing more is due
--   not achieved  something due was missed (severity "soft" for hard = false, else "hard")
--   not evaluable cannot be judged; the reason says why (and `problem` when the data does not
--                 fit what the kind reads: the column, what was expected, what came)
-- A deadline or period is missed only once the as-of date is past its last day. Rows come
-- from qm.eval.contract, checked against the kind's declared inputs (qm.lang.inputs).
-- Every result carries in fields what its reason says in words (docs/language.md lists them).
local time = require "qm.eval.time"
local inputs = require "qm.lang.inputs"
local host = require "qm.host"

local M = {}
M.statuses = { "achieved", "on track", "not achieved", "pending", "not evaluable" }

local null = host.null
local function present(v) return v ~= nil and v ~= null end

-- numbers as people read them: 6.4, 12, 0.5
local function num(v)
  if math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 2^53 then return tostring(math.tointeger(v)) end
  if type(v) == "number" then return (("%.6g"):format(v)) end
  return tostring(v)
end

-- a share as a percentage without misleading rounding: 0.5 -> "50%", 0.899 -> "89.9%"
local function pct(x)
  local s = ("%.1f"):format(x * 100):gsub("%.0$", "")
  return s .. "%"
end
M.pct = pct

local function date_of(v) if present(v) then return time.parse_date(v) end end


local function meets(ind, v, lo, hi)
  local incl = ind.inclusive ~= false
  if lo ~= nil and (incl and v < lo or not incl and v <= lo) then return false end
  if hi ~= nil and (incl and v > hi or not incl and v >= hi) then return false end
  return true
end

local function target_text(ind)
  local incl = ind.inclusive ~= false
  local parts = {}
  if ind.min ~= nil then parts[#parts + 1] = (incl and "≥ " or "> ") .. num(ind.min) end
  if ind.max ~= nil then parts[#parts + 1] = (incl and "≤ " or "< ") .. num(ind.max) end
  return table.concat(parts, " and ")
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

-- the deadlines of an indicator, in order (a list, or one phrase that may be a comma list)
function M.deadlines_of(ind)
  local t = M.read_times(ind)
  local out = {}
  for _, d in ipairs(t and t.deadlines or {}) do out[#out + 1] = d end
  table.sort(out, function(a, b)
    if a.year_missing or b.year_missing then return false end
    return a.date < b.date
  end)
  return out
end

local function deadline_label(d)
  return d.phrase and d.phrase ~= tostring(d.date) and (tostring(d.date) .. " (" .. d.phrase .. ")") or tostring(d.date)
end

-- ---------------------------------------------------------------- kinds

local kinds = {}

-- value / target: the latest value against min/max
local function latest(rows)
  local best, best_key
  for _, r in ipairs(rows) do
    if present(r.value) then
      local key = present(r.date) and r.date or ""
      if best == nil or key >= best_key then best, best_key = r, key end
    end
  end
  return best
end

function kinds.value(ind, rows)
  local r = latest(rows)
  if not r then return { status = "not evaluable", reason = "no data" } end
  local v = r.value
  local out = { value = v, date = present(r.date) and r.date or nil }
  if ind.min == nil and ind.max == nil then
    out.status, out.reason = "not evaluable", "no target (documentation only)"
    return out
  end
  out.target = { min = ind.min, max = ind.max, inclusive = ind.inclusive ~= false }
  if meets(ind, v, ind.min, ind.max) then
    out.status, out.reason = "achieved", ("%s meets the target %s"):format(num(v), target_text(ind))
  else
    out.status, out.reason = "not achieved", ("%s misses the target %s%s"):format(num(v), target_text(ind),
      ind.hard == false and " (soft target: a warning)" or "")
  end
  return out
end
kinds.target = kinds.value
kinds.documentation = function(ind, rows)
  local r = latest(rows)
  if not r then return { status = "not evaluable", reason = "no data" } end
  return { status = "not evaluable", reason = "no target (documentation only)", value = r.value,
           date = present(r.date) and r.date or nil }
end

-- the span of time a measurement covers: its period, else its date
local function span_of(r)
  if present(r.period) then
    local p = r.period
    local y = tonumber(p:sub(1, 4))
    local q = p:match("^%d%d%d%d%-Q(%d)$")
    local h = p:match("^%d%d%d%d%-H(%d)$")
    local mo = p:match("^%d%d%d%d%-(%d%d)$")
    if q then return time.quarter(y, tonumber(q)) end
    if h then return time.half(y, tonumber(h)) end
    if mo then return time.month(y, tonumber(mo)) end
    return time.year(y)
  end
  if present(r.date) then local d = time.parse_date(r.date) return { first = d, last = d } end
  return nil
end

-- the window a baseline phrase or period names, or nil and why
function M.baseline_window(b)
  if type(b) ~= "string" then return nil, "the baseline is a number or a period/phrase in quotes" end
  local types = require "qm.lang.types"
  local p = types.period(b)
  if p then return span_of({ period = p }) end
  local r, err = time.read(b)
  if not r then return nil, err end
  if r.year_missing then return nil, ("the baseline \"%s\" has no year"):format(b) end
  if r.what == "window" then return r.period end
  if r.what == "deadline" and not r.exclusive then return { first = r.date, last = r.date } end
  return nil, ("the baseline \"%s\" is %s, not a period or a date"):format(b, r.what == "recurrence" and "a recurrence" or "a deadline before a date")
end

-- rows known as of the date: a row dated after it, or for a period that has not started by
-- it ("2017" as of 2016-10-15), is not known yet; rows without either are always known
local function known(rows, as_of)
  local out = {}
  for _, r in ipairs(rows) do
    local d = date_of(r.date)
    if not d and present(r.period) then d = span_of(r).first end
    if not d or d <= as_of then out[#out + 1] = r end
  end
  return out
end

local function when_of(r) return present(r.period) and r.period or (present(r.date) and r.date or nil) end

-- direction: the latest value against the baseline (a number, the measurement of the
-- baseline's period or date, or else the first measurement)
function kinds.direction(ind, rows)
  local sorted = {}
  for i, r in ipairs(rows) do
    if present(r.value) then
      local s = span_of(r)
      if not s then
        return { status = "not evaluable", reason = ("row %d has a value but neither a period nor a date"):format(i),
                 problem = { kind = "value", column = "period or date", row = i, expected = "a period or a date", got = "NULL",
                             message = ("column \"period or date\", row %d: expected a period or a date, got NULL"):format(i) } }
      end
      sorted[#sorted + 1] = { r = r, span = s, i = i }
    end
  end
  table.sort(sorted, function(a, b)
    if a.span.last ~= b.span.last then return a.span.last < b.span.last end
    if a.span.first ~= b.span.first then return a.span.first < b.span.first end
    return a.i < b.i
  end)
  local base, base_info
  if type(ind.baseline) == "number" then
    base = { value = ind.baseline }
    base_info = { value = ind.baseline, from = "number" }
  elseif type(ind.baseline) == "string" then
    local w, err = M.baseline_window(ind.baseline)
    if not w then return { status = "not evaluable", reason = err } end
    for _, x in ipairs(sorted) do
      if x.span.first <= w.last and x.span.last >= w.first then base = x end
    end
    if not base then
      return { status = "not evaluable", reason = ("no measurement for the baseline \"%s\" (%s to %s)")
        :format(ind.baseline, tostring(w.first), tostring(w.last)) }
    end
    base_info = { value = base.r.value, at = when_of(base.r), from = "baseline", phrase = ind.baseline }
  elseif #sorted >= 2 then
    base = sorted[1]
    base_info = { value = base.r.value, at = when_of(base.r), from = "first measurement" }
  else
    return { status = "not evaluable", reason = #sorted == 0 and "no data" or "no baseline: one measurement, and no baseline given" }
  end
  local cur = sorted[#sorted]
  local base_value = base.r and base.r.value or base.value
  if not cur or cur == base or (base.span and cur.span.last <= base.span.last) then
    return { status = "not evaluable", reason = "no measurement after the baseline", baseline = base_info }
  end
  local want = ind.direction or (ind.better == "lower" and "decrease" or "increase")
  local change = tonumber(("%.12g"):format(cur.r.value - base_value))   -- 4.2 - 5.1 is -0.9, not -0.899999...
  local ok = (want == "decrease" and change < 0) or (want == "increase" and change > 0)
  local at = when_of(cur.r)
  return { status = ok and "achieved" or "not achieved", value = cur.r.value, at = at, baseline = base_info,
           change = change, wanted = want,
           reason = ("%s (%s) → %s (%s): %s wanted"):format(num(base_value), base_info.at or "the baseline given",
             num(cur.r.value), at, want) }
end

-- completion: every unit (rows: unit_id, done = date or NULL; one row per completion) by
-- each deadline. With several deadlines every unit must complete once in each interval
-- (after the previous deadline, up to and including this one).
function kinds.completion(ind, rows, as_of)
  local ds = M.deadlines_of(ind)
  if #ds == 0 then return { status = "not evaluable", reason = "no deadline" } end
  local units, order, done = {}, {}, {}
  for _, r in ipairs(rows) do
    local u = tostring(r.unit_id)
    if not units[u] then units[u] = true; order[#order + 1] = u; done[u] = {} end
    local when = date_of(r.done)
    if when and when <= as_of then table.insert(done[u], when) end
  end
  table.sort(order)
  if #order == 0 then return { status = "not evaluable", reason = "no units to complete" } end
  -- each deadline's interval: past ones are met or missed, the first one not past is the
  -- current one, later ones are not due yet
  local list, prev, missed, current = {}, nil, {}, nil
  for _, d in ipairs(ds) do
    local ok_units, open = 0, {}
    for _, u in ipairs(order) do
      local hit = false
      for _, w in ipairs(done[u]) do
        if (prev == nil or w > prev) and d:met_by(w) then hit = true end
      end
      if hit then ok_units = ok_units + 1 else open[#open + 1] = u end
    end
    local entry = { date = tostring(d.date), phrase = d.phrase, done = ok_units, units = #order, open = open, label = deadline_label(d) }
    if as_of > d.date then
      entry.status = #open == 0 and "achieved" or "not achieved"
      if #open > 0 then missed[#missed + 1] = entry end
    elseif current == nil then
      entry.status = #open == 0 and "achieved" or "on track"
      current = entry
    else
      entry.status = "pending"
    end
    list[#list + 1] = entry
    prev = d.date
  end
  local result
  local function progress(e) return ("%d of %d"):format(e.done, e.units) end
  if #missed > 0 then
    local parts = {}
    for _, e in ipairs(missed) do parts[#parts + 1] = ("by %s: %s"):format(e.label, table.concat(e.open, ", ")) end
    result = { status = "not achieved", value = progress(missed[1]), deadline = missed[1].date, open = missed[1].open,
               reason = "not done " .. table.concat(parts, "; ") }
  elseif current == nil then
    result = { status = "achieved", value = progress(list[#list]), open = {}, reason = "all done by every deadline" }
  elseif current.status == "achieved" and current == list[#list] then
    result = { status = "achieved", value = progress(current), open = {}, reason = "all done by " .. current.label }
  elseif current.status == "achieved" then
    local more = #list - #missed
    for i, e in ipairs(list) do if e == current then more = #list - i end end
    result = { status = "on track", value = progress(current), due = current.date, open = {},
               reason = ("all done for %s; %d more deadline%s"):format(current.label, more, more == 1 and "" or "s") }
  else
    result = { status = "on track", value = progress(current), due = current.date, open = current.open,
               reason = ("due %s; open: %s"):format(current.label, table.concat(current.open, ", ")) }
  end
  for _, e in ipairs(list) do e.label = nil end
  result.deadlines = list
  return result
end

local function event_dates(rows)
  local out = {}
  for _, r in ipairs(rows) do if present(r.date) then out[#out + 1] = r.date end end
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
  r.required = { count = count, per = per }
  r.window = { first = tostring(win.first), last = not open and tostring(win.last) or nil }
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
  r.max_gap = ind.max_gap or ind.every
  -- a cadence with a shortest gap too ("hver 4.-6. uge"): when the next one is due
  if rec.min_gap and #dates > 0 then
    table.sort(dates)
    local from, to = time.due_window(dates[#dates], rec.min_gap, rec.max_gap)
    r.due_from, r.due_to = tostring(from), tostring(to)
    if as_of > to then
      r.status, r.reason = "not achieved", ("overdue: the next was due %s to %s"):format(tostring(from), tostring(to))
    elseif r.status ~= "not achieved" then
      r.reason = (r.reason or "") .. ("; next due %s to %s"):format(tostring(from), tostring(to))
    end
  end
  return r
end

-- share: of audited cases where the criterion applies, the share that meets it (rows: met)
function kinds.share(ind, rows)
  local yes, applicable = 0, 0
  for _, r in ipairs(rows) do
    if present(r.met) then
      applicable = applicable + 1
      if r.met == 1 then yes = yes + 1 end
    end
  end
  if applicable == 0 then return { status = "not evaluable", reason = "no applicable cases" } end
  local share = yes / applicable
  local value = ("%d of %d (%s)"):format(yes, applicable, pct(share))
  local out = { value = value, share = share, yes = yes, applicable = applicable }
  if not ind.threshold then out.status, out.reason = "not evaluable", "no threshold"; return out end
  local incl = ind.inclusive ~= false
  out.threshold, out.inclusive = ind.threshold, incl
  local ok = incl and share >= ind.threshold or (not incl and share > ind.threshold)
  out.status = ok and "achieved" or "not achieved"
  out.reason = ("%s %s the threshold %s%s"):format(pct(share), ok and "meets" or "is below", incl and "" or "more than ",
    pct(ind.threshold))
  if not ok and not incl and share == ind.threshold then out.reason = ("%s is not more than %s"):format(pct(share), pct(ind.threshold)) end
  return out
end

-- checklist: every item done (rows: item, done = date, 1/0 or NULL); with a deadline, an
-- item dated after it was done late
function kinds.checklist(ind, rows, as_of)
  local items = type(ind.items) == "string" and { ind.items } or ind.items or {}
  if #items == 0 then return { status = "not evaluable", reason = "no items" } end
  local d = ind.deadline and M.deadlines_of(ind)[1]
  local done, late = {}, {}
  for _, r in ipairs(rows) do
    local v = r.done
    if present(v) and v ~= 0 then
      local when = type(v) == "string" and time.parse_date(v) or nil
      if not when or when <= as_of then
        if when and d and when > d.date then late[r.item] = tostring(when) else done[r.item] = when and tostring(when) or true end
      end
    end
  end
  local open, finished, late_list, n = {}, {}, {}, 0
  for _, it in ipairs(items) do
    if done[it] then n = n + 1; finished[#finished + 1] = it
    elseif late[it] then n = n + 1; finished[#finished + 1] = it; late_list[#late_list + 1] = it
    else open[#open + 1] = it end
  end
  local value = ("%d of %d"):format(n, #items)
  local out = { value = value, done = finished, open = open, done_late = #late_list > 0 and late_list or nil,
                deadline = d and tostring(d.date) or nil }
  if #open == 0 and #late_list == 0 then out.status, out.reason = "achieved", "all items done"; return out end
  if d and (as_of > d.date or #open == 0) then
    -- past the deadline with items open, or every item done but some after the deadline
    out.status = "not achieved"
    local parts = {}
    if #open > 0 then parts[#parts + 1] = ("not done by %s: %s"):format(deadline_label(d), table.concat(open, "; ")) end
    if #late_list > 0 then parts[#parts + 1] = ("done after %s: %s"):format(deadline_label(d), table.concat(late_list, "; ")) end
    out.reason = table.concat(parts, "; ")
  else
    out.status = "on track"
    out.reason = (d and ("due %s; "):format(deadline_label(d)) or "") .. "open: " .. table.concat(open, "; ")
  end
  return out
end

local verdict_status = {}
for _, v in ipairs(inputs.verdicts) do verdict_status[v[1]] = v[2] end

-- judgement: the latest judgement by the named body (rows: body, date, verdict, note)
function kinds.judgement(ind, rows, as_of)
  local best
  for _, r in ipairs(rows) do
    if (ind.body == nil or r.body == ind.body) and (best == nil or r.date >= best.date) then best = r end
  end
  local d = ind.deadline and M.deadlines_of(ind)[1]
  if not best then
    if d and as_of > d.date then
      return { status = "not achieved", deadline = tostring(d.date),
               reason = ("no judgement by %s recorded by %s"):format(ind.body or "anyone", deadline_label(d)) }
    end
    return { status = "pending", deadline = d and tostring(d.date) or nil,
             reason = ("no judgement recorded by %s%s"):format(ind.body or "anyone", d and ("; due " .. deadline_label(d)) or "") }
  end
  local st = verdict_status[best.verdict]
  return { status = st, value = best.verdict, judgement = { body = best.body, date = best.date, verdict = best.verdict,
             note = present(best.note) and best.note or nil },
           reason = ("judged by %s on %s%s"):format(tostring(best.body), best.date, present(best.note) and (": " .. best.note) or "") }
end

-- prepost: mean after against mean before (rows: phase = pre/før or post/efter, value)
function kinds.prepost(ind, rows)
  local sum, n = { pre = 0, post = 0 }, { pre = 0, post = 0 }
  local map = { pre = "pre", ["før"] = "pre", post = "post", efter = "post" }
  for _, r in ipairs(rows) do
    local ph = map[r.phase]
    if ph and present(r.value) then sum[ph] = sum[ph] + r.value; n[ph] = n[ph] + 1 end
  end
  if n.pre == 0 or n.post == 0 then return { status = "not evaluable", reason = "needs measurements before and after" } end
  local pre, post = sum.pre / n.pre, sum.post / n.post
  local better = ind.better or "higher"
  local ok = better == "higher" and post > pre or better == "lower" and post < pre
  return { status = ok and "achieved" or "not achieved", value = ("%.2f → %.2f"):format(pre, post),
           pre = { mean = pre, n = n.pre }, post = { mean = post, n = n.post }, better = better,
           reason = ("mean before %.2f (%d), after %.2f (%d): %s is better"):format(pre, n.pre, post, n.post, better) }
end

-- conditional: pending until the condition is recorded (rows: decided = date), then done by
-- its deadline (rows: done = date)
function kinds.conditional(ind, rows, as_of)
  local decided, done
  for _, r in ipairs(rows) do
    local dd, dn = date_of(r.decided), date_of(r.done)
    if dd and dd <= as_of and (decided == nil or dd < decided) then decided = dd end
    if dn and dn <= as_of and (done == nil or dn < done) then done = dn end
  end
  if not decided then
    return { status = "pending", reason = "inactive until recorded: " .. (ind.condition or "its condition") }
  end
  local out = { decided = tostring(decided), done = done and tostring(done) or nil }
  local d = ind.deadline and M.deadlines_of(ind)[1]
  out.deadline = d and tostring(d.date) or nil
  local act = "; activated " .. tostring(decided)
  if done then
    if d and done > d.date then
      out.status, out.reason = "not achieved", ("done %s, after the deadline %s%s"):format(tostring(done), deadline_label(d), act)
    else
      out.status, out.reason = "achieved", "done " .. tostring(done) .. act
    end
  elseif d and as_of > d.date then
    out.status, out.reason = "not achieved", ("not done by %s%s"):format(deadline_label(d), act)
  else
    out.status, out.reason = "on track", (d and ("due " .. deadline_label(d)) or "not done yet") .. act
  end
  return out
end

M.kinds = kinds

-- ---------------------------------------------------------------- evaluation

local function with_severity(ind, r)
  if r.status == "not achieved" then r.severity = ind.hard == false and "soft" or "hard" end
  for _, u in ipairs(r.units or {}) do with_severity(ind, u) end
  return r
end

local rank = { ["not achieved"] = 1, ["not evaluable"] = 2, ["on track"] = 3, pending = 4, achieved = 5 }
M.rank = rank

-- per unit: the rows of each unit evaluated alone; the whole organisation's rows (unit_id
-- NULL) decide the overall status, else every unit must achieve it (the worst unit decides)
local function per_unit(ind, rows, as_of, eval)
  local groups, order = {}, {}
  for _, r in ipairs(rows) do
    local u = present(r.unit_id) and tostring(r.unit_id) or ""
    if not groups[u] then groups[u] = {}; order[#order + 1] = u end
    table.insert(groups[u], r)
  end
  table.sort(order)
  local units = {}
  for _, u in ipairs(order) do
    if u ~= "" then
      local r = eval(ind, groups[u], as_of)
      r.unit = u
      units[#units + 1] = r
    end
  end
  local overall
  local scope = ind.scope or "units"
  if groups[""] then
    overall = eval(ind, groups[""], as_of)   -- rows for the whole organisation
  else
    local count, worst, worst_units = {}, nil, {}
    for _, r in ipairs(units) do
      count[r.status] = (count[r.status] or 0) + 1
      if worst == nil or rank[r.status] < rank[worst] then worst = r.status end
    end
    for _, r in ipairs(units) do if r.status == worst and worst ~= "achieved" then worst_units[#worst_units + 1] = r.unit end end
    local same = #units > 0
    for _, r in ipairs(units) do if r.status ~= units[1].status or r.reason ~= units[1].reason then same = false end end
    if same and units[1].status == "not evaluable" then
      overall = { status = "not evaluable", reason = ("every one of %d %s: %s"):format(#units, scope, units[1].reason) }
    else
      overall = { status = worst or "not evaluable", value = ("%d of %d units"):format(count.achieved or 0, #units),
                  reason = #units == 0 and "no data" or ("%d of %d %s achieved it%s"):format(count.achieved or 0, #units, scope,
                    #worst_units > 0 and ("; %s: %s"):format(worst, table.concat(worst_units, ", ")) or "") }
    end
  end
  overall.units = units
  overall.scope = scope
  return overall
end

-- a problem with the data: at the indicator's line, once per run, on the run's record
local function report_problem(run, ind, p)
  p.where = ind.where
  if run and run.data_problem then run:data_problem(ind, p) end
end

-- evaluate(run, ind, as_of) -> { status, reason, value, ..., units = { {unit, status, ...} } }
function M.evaluate(run, ind, as_of)
  -- a shared indicator: the other one's measurement, evaluated once per run
  if ind.uses then
    local m = ind
    while m.parent do m = m.parent end
    local other = m:find(ind.uses)
    if not other or other.kind ~= "indicator" then return { status = "not evaluable", reason = "uses \"" .. ind.uses .. "\", which is not an indicator" } end
    run.shared_results = run.shared_results or {}
    local r = run.shared_results[other] or M.evaluate(run, other, as_of)
    run.shared_results[other] = r
    local copy = {}
    for k, v in pairs(r) do copy[k] = v end
    copy.reason = (r.reason or "") .. " (shared with " .. other.id .. ")"
    copy.shared_with = other.id
    return copy
  end
  -- a time phrase that cannot be read, or whose year was lost, makes any kind of indicator
  -- not evaluable (qm check reports both with the same reader)
  local times, terr = M.read_times(ind)
  if not times then return { status = "not evaluable", reason = terr } end
  local ny = M.no_year(times)
  if ny then return { status = "not evaluable", reason = ny } end
  local rows, p = require("qm.eval.contract").rows(run, ind, as_of)  -- loaded at the first evaluation: qm check reads times only
  if not rows then
    local data_problem = p.kind ~= "none" and p.kind ~= "database"
    if data_problem then report_problem(run, ind, p) end
    return { status = "not evaluable", reason = p.message, problem = data_problem and p or nil }
  end
  rows = known(rows, as_of)
  local kind = ind.type or "value"
  local eval = kinds[kind]
  local has_units = false
  if kind ~= "completion" then
    for _, r in ipairs(rows) do if present(r.unit_id) then has_units = true break end end
  end
  if ind.scope or has_units then return with_severity(ind, per_unit(ind, rows, as_of, eval)) end
  return with_severity(ind, eval(ind, rows, as_of))
end

return M
