-- The boundaries of every status (docs/language.md, "Statuses"): the day before, on and
-- after a deadline; a period just started, on its last day and after it; a window not yet
-- started; a condition recorded; and the structured fields each result carries. Indicators
-- here are plain tables with a `data` function, evaluated by qm.eval.indicator as a run would.
local t = require "testing"
local indicator = require "qm.eval.indicator"
local time = require "qm.eval.time"

local function eval(ind, as_of, rows)
  ind.data = function() return rows or {} end
  ind.id = ind.id or "x"
  return indicator.evaluate({ params = {} }, ind, time.parse_date(as_of))
end

local function statuses(ind, rows, dates)
  local out = {}
  for _, d in ipairs(dates) do out[#out + 1] = eval(ind, d, rows).status end
  return out
end

-- ---------------------------------------------------------------- completion

t.test("completion: the day before and on the deadline it is on track, the day after not achieved", function()
  local ind = { type = "completion", deadline = "ultimo 2016" }
  local rows = { { unit_id = "A", done = "2016-06-01" }, { unit_id = "B", done = null } }
  t.eq(statuses(ind, rows, { "2016-12-30", "2016-12-31", "2017-01-01" }), { "on track", "on track", "not achieved" })
  local r = eval(ind, "2017-01-01", rows)
  t.eq(r.deadline, "2016-12-31")
  t.eq(r.open, { "B" })
  t.truthy(r.reason:find("2016-12-31 (ultimo 2016): B", 1, true), r.reason)
  t.eq(r.severity, "hard")
end)

t.test("completion: done on the deadline day is on time; the next day is late", function()
  local ind = { type = "completion", deadline = "2016-10-01" }
  t.eq(eval(ind, "2016-12-01", { { unit_id = "A", done = "2016-10-01" } }).status, "achieved")
  t.eq(eval(ind, "2016-12-01", { { unit_id = "A", done = "2016-10-02" } }).status, "not achieved")
end)

t.test("completion: 'inden 1. oktober 2016' means by 30 September", function()
  local ind = { type = "completion", deadline = "inden 1. oktober 2016" }
  local rows = { { unit_id = "A", done = "2016-10-01" } }
  t.eq(statuses(ind, rows, { "2016-09-30", "2016-10-01" }), { "on track", "not achieved" })
end)

t.test("completion: a completion dated after the as-of date is not known yet", function()
  local ind = { type = "completion", deadline = "ultimo 2016" }
  local rows = { { unit_id = "A", done = "2016-11-01" } }
  t.eq(statuses(ind, rows, { "2016-10-31", "2016-11-01" }), { "on track", "achieved" })
end)

t.test("completion: recurring deadlines give one entry each, with its status", function()
  local ind = { type = "completion", deadline = "ultimo 2016, ultimo 2017" }
  local rows = { { unit_id = "A", done = "2016-05-01" }, { unit_id = "B", done = "2016-06-01" }, { unit_id = "A", done = "2017-03-01" } }
  local r = eval(ind, "2017-06-30", rows)
  t.eq(r.status, "on track")
  t.eq(#r.deadlines, 2)
  t.eq(r.deadlines[1].status, "achieved")
  t.eq(r.deadlines[2].status, "on track")
  t.eq(r.deadlines[2].open, { "B" })
  t.eq(r.due, "2017-12-31")
  r = eval(ind, "2018-01-01", rows)
  t.eq(r.status, "not achieved")
  t.eq(r.deadline, "2017-12-31")
  t.eq(r.deadlines[1].status, "achieved")
  t.eq(r.deadlines[2].status, "not achieved")
  r = eval(ind, "2016-07-01", rows)
  t.eq(r.status, "on track", "all done for the first deadline, the second still to come")
  t.eq(r.deadlines[2].status, "pending")
end)

-- ---------------------------------------------------------------- frequency

local freq = { type = "frequency", count = 2, per = "quarter", window = "2016" }

t.test("frequency: pending before the window, on track in it, a period missed only after its last day", function()
  local rows = { { date = "2016-01-10" }, { date = "2016-02-10" }, { date = "2016-04-05" } }
  t.eq(statuses(freq, rows, { "2015-12-31", "2016-01-01" }), { "pending", "on track" })
  -- Q2 2016 has one event: on its last day still on track, the next day not achieved
  t.eq(statuses(freq, rows, { "2016-06-29", "2016-06-30", "2016-07-01" }), { "on track", "on track", "not achieved" })
end)

t.test("frequency: a period just started is open, not missed", function()
  local rows = { { date = "2016-01-10" }, { date = "2016-02-10" } }
  local r = eval(freq, "2016-04-01", rows)
  t.eq(r.status, "on track")
  t.eq(#r.periods, 2)
  t.eq(r.periods[1], { label = "1. kvartal 2016", first = "2016-01-01", last = "2016-03-31", count = 2, required = 2,
                       ok = true, complete = true, status = "met" })
  t.eq(r.periods[2].status, "open")
  t.eq(r.periods[2].count, 0)
  t.eq(r.periods[2].complete, false)
end)

t.test("frequency: the failing period is named in the reason and marked missed", function()
  local rows = { { date = "2016-01-10" }, { date = "2016-02-10" }, { date = "2016-04-05" } }
  local r = eval(freq, "2016-08-01", rows)
  t.eq(r.status, "not achieved")
  t.truthy(r.reason:find("2. kvartal 2016 (1)", 1, true), r.reason)
  t.eq(r.periods[2].status, "missed")
  t.eq(r.required, { count = 2, per = "quarter" })
end)

t.test("frequency: achieved once the window's last day is reached with every period met", function()
  local rows = {}
  for _, d in ipairs { "01-10", "02-10", "04-10", "05-10", "07-10", "08-10", "10-10", "11-10" } do rows[#rows + 1] = { date = "2016-" .. d } end
  t.eq(statuses(freq, rows, { "2016-12-30", "2016-12-31", "2017-01-01" }), { "on track", "achieved", "achieved" })
end)

t.test("frequency: a soft rule missed is a warning (severity soft)", function()
  local r = eval({ type = "frequency", count = 2, per = "quarter", window = "2016", hard = false }, "2016-08-01", {})
  t.eq(r.status, "not achieved")
  t.eq(r.severity, "soft")
end)

-- ---------------------------------------------------------------- max_gap

t.test("max_gap: the running gap is late only after the day the next event was due", function()
  local ind = { type = "max_gap", max_gap = "6 uger", window = "2016" }
  local rows = { { date = "2016-01-01" } }
  -- 6 weeks after 2016-01-01 is 2016-02-12
  t.eq(statuses(ind, rows, { "2015-12-31", "2016-02-12", "2016-02-13" }), { "pending", "on track", "not achieved" })
  local r = eval(ind, "2016-02-13", rows)
  t.eq(r.late, { from = "2016-01-01", to = "2016-02-13", days = 43, running = true })
  t.truthy(r.reason:find("no event from 2016-01-01 to 2016-02-13", 1, true), r.reason)
end)

-- ---------------------------------------------------------------- checklist

t.test("checklist: open items with a deadline: on track to the deadline day, not achieved after", function()
  local ind = { type = "checklist", items = { "a", "b" }, deadline = "2016-06-30" }
  local rows = { { item = "a", done = "2016-05-01" }, { item = "b", done = null } }
  t.eq(statuses(ind, rows, { "2016-06-29", "2016-06-30", "2016-07-01" }), { "on track", "on track", "not achieved" })
  local r = eval(ind, "2016-07-01", rows)
  t.eq(r.open, { "b" })
  t.eq(r.done, { "a" })
end)

t.test("checklist: an item done after the deadline is done, but late: not achieved", function()
  local ind = { type = "checklist", items = { "a", "b" }, deadline = "2016-06-30" }
  local r = eval(ind, "2016-12-01", { { item = "a", done = "2016-05-01" }, { item = "b", done = "2016-07-15" } })
  t.eq(r.status, "not achieved")
  t.eq(r.value, "2 of 2")
  t.eq(r.done_late, { "b" })
  t.truthy(r.reason:find("done after 2016-06-30: b", 1, true), r.reason)
end)

t.test("checklist: 0, nej, no, false count as not done; ja, yes, true and a date as done", function()
  local ind = { type = "checklist", items = { "a", "b", "c", "d", "e", "f", "g", "h" } }
  local rows = { { item = "a", done = "0" }, { item = "b", done = "nej" }, { item = "c", done = "no" }, { item = "d", done = "FALSE" },
                 { item = "e", done = "ja" }, { item = "f", done = "Yes" }, { item = "g", done = "true" }, { item = "h", done = "2016-01-01" } }
  local r = eval(ind, "2016-06-01", rows)
  t.eq(r.value, "4 of 8")
  t.eq(r.open, { "a", "b", "c", "d" })
end)

-- ---------------------------------------------------------------- judgement, conditional

t.test("judgement: pending until judged, not achieved once its deadline passed without one", function()
  local ind = { type = "judgement", body = "chefgruppen", deadline = "2016-12-31" }
  t.eq(statuses(ind, {}, { "2016-12-31", "2017-01-01" }), { "pending", "not achieved" })
  local rows = { { body = "chefgruppen", date = "2016-11-01", verdict = "opfyldt", note = "godt" },
                 { body = "andre", date = "2016-12-01", verdict = "ikke opfyldt" } }
  local r = eval(ind, "2017-01-01", rows)
  t.eq(r.status, "achieved")
  t.eq(r.judgement, { body = "chefgruppen", date = "2016-11-01", verdict = "opfyldt", note = "godt" })
  t.eq(eval(ind, "2016-10-31", rows).status, "pending", "a judgement dated later is not known yet")
end)

t.test("conditional: pending until decided, then on track to its deadline day, not achieved after", function()
  local ind = { type = "conditional", condition = "aftale", deadline = "2017-12-31" }
  local rows = { { decided = "2017-03-01", done = null } }
  t.eq(statuses(ind, rows, { "2017-02-28", "2017-03-01", "2017-12-31", "2018-01-01" }),
       { "pending", "on track", "on track", "not achieved" })
  local r = eval(ind, "2018-02-01", { { decided = "2017-03-01", done = "2018-01-15" } })
  t.eq(r.status, "not achieved")
  t.eq(r.done, "2018-01-15")
  t.eq(r.decided, "2017-03-01")
  t.eq(eval(ind, "2018-02-01", { { decided = "2017-03-01", done = "2017-12-31" } }).status, "achieved")
end)

t.test("conditional per unit: each unit pending until its own decision (a unit_id column was ignored)", function()
  local ind = { type = "conditional", condition = "aftale", deadline = "ultimo 2016" }
  local rows = { { unit_id = "A", decided = null, done = null }, { unit_id = "B", decided = "2016-09-01", done = null } }
  local r = eval(ind, "2016-11-15", rows)
  t.eq(#r.units, 2)
  t.eq(r.units[1].unit, "A")
  t.eq(r.units[1].status, "pending")
  t.eq(r.units[2].status, "on track")
  t.eq(r.status, "on track")
  t.eq(r.value, "0 of 2 units")
  r = eval(ind, "2017-01-01", rows)
  t.eq({ r.units[1].status, r.units[2].status, r.status }, { "pending", "not achieved", "not achieved" })
end)

-- ---------------------------------------------------------------- value, share, direction

t.test("target: inclusive = false makes the bound itself miss", function()
  local rows = { { value = 15 } }
  t.eq(eval({ type = "target", min = 15 }, "2016-01-01", rows).status, "achieved")
  local r = eval({ type = "target", min = 15, inclusive = false }, "2016-01-01", rows)
  t.eq(r.status, "not achieved")
  t.eq(r.target, { min = 15, inclusive = false })
  t.truthy(r.reason:find("> 15", 1, true), r.reason)
end)

t.test("share: the threshold is a share, shown as a percentage; inclusive = false needs more than it", function()
  local rows = { { met = 1 }, { met = 0 }, { met = "ja" }, { met = "nej" }, { met = null } }
  local r = eval({ type = "share", threshold = 0.5 }, "2016-01-01", rows)
  t.eq(r.status, "achieved")
  t.eq(r.value, "2 of 4 (50%)")
  t.eq({ r.yes, r.applicable, r.threshold }, { 2, 4, 0.5 })
  r = eval({ type = "share", threshold = 0.5, inclusive = false }, "2016-01-01", rows)
  t.eq(r.status, "not achieved")
  t.falsy(r.reason:find("5000", 1, true), r.reason)
end)

t.test("direction: a baseline phrase 'ultimo 2013' finds the 2013 measurement", function()
  local rows = { { period = "2012", value = 6.0 }, { period = "2013", value = 5.1 }, { period = "2016", value = 4.2 } }
  local r = eval({ type = "direction", direction = "decrease", baseline = "ultimo 2013" }, "2017-01-01", rows)
  t.eq(r.status, "achieved")
  t.eq(r.baseline, { value = 5.1, at = "2013", from = "baseline", phrase = "ultimo 2013" })
  t.eq(r.change, -0.9)
  r = eval({ type = "direction", direction = "decrease", baseline = "2014" }, "2017-01-01", rows)
  t.eq(r.status, "not evaluable")
  t.truthy(r.reason:find("no measurement for the baseline", 1, true), r.reason)
end)

t.test("direction: quarters as periods; a period not in its stored form is not evaluable, named", function()
  local rows = { { period = "2016-Q3", value = 10 }, { period = "2016-Q4", value = 8 } }
  local r = eval({ type = "direction", direction = "decrease" }, "2017-01-01", rows)
  t.eq(r.status, "achieved")
  t.eq(r.baseline.at, "2016-Q3")
  r = eval({ type = "direction", direction = "decrease" }, "2017-01-01", { { period = "2016-K3", value = 10 }, { period = "2016-Q4", value = 8 } })
  t.eq(r.status, "not evaluable")
  t.eq(r.problem.column, "period")
  t.eq(r.problem.got, 'the text "2016-K3"')
end)

-- ---------------------------------------------------------------- per unit

t.test("rows with a unit_id are evaluated per unit; the worst unit decides and is named", function()
  local rows = { { unit_id = "A", value = 1 }, { unit_id = "B", value = 9 } }
  local r = eval({ type = "target", max = 5 }, "2016-01-01", rows)
  t.eq(r.status, "not achieved")
  t.eq(#r.units, 2)
  t.eq(r.units[2].unit, "B")
  t.eq(r.units[2].status, "not achieved")
  t.truthy(r.reason:find("not achieved: B", 1, true), r.reason)
end)

t.test("the statuses are disjoint: every result has exactly one of the five", function()
  local seen = {}
  for _, s in ipairs(indicator.statuses) do seen[s] = true end
  for _, d in ipairs { "2015-06-01", "2016-03-01", "2016-08-01", "2017-06-01" } do
    for _, ind in ipairs { freq, { type = "completion", deadline = "ultimo 2016" }, { type = "checklist", items = { "a" } } } do
      local r = eval(ind, d, {})
      t.truthy(seen[r.status], "status " .. tostring(r.status))
    end
  end
end)

t.done()
