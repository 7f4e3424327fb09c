-- Tests of qm.time: dates, periods, the Danish phrases and their conventions (docs/time.md).
local t = require "testing"
local time = require "qm.time"

local function window(p) local r = assert(time.parse(p)) return tostring(r.period.first) .. ".." .. tostring(r.period.last) end
local function due(p) local r = assert(time.parse(p)) return tostring(r.date) end

t.test("dates: arithmetic, weekdays, ISO weeks, invalid dates", function()
  local d = time.date(2016, 10, 1)
  t.eq(tostring(d), "2016-10-01"); t.eq(d:weekday(), 6)
  t.eq(tostring(d:add_days(31)), "2016-11-01"); t.eq(tostring(time.date(2016, 1, 31):add_months(1)), "2016-02-29")
  t.eq(select(2, time.date(2016, 1, 4):iso_week()), 1); t.eq(d:quarter(), 4); t.eq(d:half(), 2)
  t.eq(time.days_between("2016-01-01", "2017-01-01"), 366)
  t.truthy(time.date(2016, 1, 1) < time.date(2016, 1, 2))
  t.raises(function() time.date(2016, 2, 30) end, "2016-02-30 is not a date")
  t.raises(function() time.parse_date("1/10/2016") end, "is not a date")
end)

t.test("periods and their Danish labels", function()
  t.eq(time.quarter(2016, 3):label("da"), "3. kvartal 2016")
  t.eq(time.half(2017, 1):label("da"), "1. halvår 2017")
  t.eq(tostring(time.quarter(2016, 4):next().first), "2017-01-01")
  t.eq(time.month(2016, 2):days(), 29)
  t.truthy(time.year(2016):contains("2016-12-31"))
  t.eq(tostring(time.week(2016, 40).first), "2016-10-03")
end)

t.test("ultimo/primo/medio with a year or a month", function()
  t.eq(window("ultimo 2016"), "2016-12-01..2016-12-31")
  t.eq(tostring(time.deadline("ultimo 2016").date), "2016-12-31")
  t.eq(window("primo 2017"), "2017-01-01..2017-01-31")
  t.eq(window("medio 2017"), "2017-06-01..2017-07-31")
  t.eq(window("primo marts 2017"), "2017-03-01..2017-03-10")
  t.eq(window("medio marts 2017"), "2017-03-11..2017-03-20")
  t.eq(window("ultimo marts 2017"), "2017-03-21..2017-03-31")
end)

t.test("udgangen af ... is the last day, inclusive", function()
  t.eq(due("udgangen af 3. kvartal 2016"), "2016-09-30")
  t.eq(due("Ved udgangen af 2016"), "2016-12-31")
  t.eq(due("udgangen af oktober 2016"), "2016-10-31")
end)

t.test("inden is strictly before; senest is on or before", function()
  local d = time.deadline("inden 1. oktober 2016")
  t.eq(tostring(d.date), "2016-09-30"); t.eq(d.exclusive, true)
  t.eq(d:status("2016-12-01", "2016-09-30"), "achieved")
  t.eq(d:status("2016-12-01", "2016-10-01"), "not achieved")
  t.eq(due("senest 1. oktober 2016"), "2016-10-01")
  t.eq(due("senest 1/10 2016"), "2016-10-01")
end)

t.test("quarters, halves, seasons, months", function()
  t.eq(window("1. kvartal 2017"), "2017-01-01..2017-03-31")
  t.eq(window("2. halvår 2016"), "2016-07-01..2016-12-31")
  t.eq(window("foråret 2017"), "2017-03-01..2017-05-31")
  t.eq(window("efteråret 2016"), "2016-09-01..2016-11-30")
  t.eq(window("sommeren 2011"), "2011-06-01..2011-08-31")
  t.eq(window("vinter 2009/2010"), "2009-12-01..2010-02-28")
  t.eq(window("vinteren 08/09"), "2008-12-01..2009-02-28")
  t.eq(window("efterår/vinter 2009"), "2009-09-01..2010-02-28")
  t.eq(window("i løbet af november 2009"), "2009-11-01..2009-11-30")
end)

t.test("windows from ... til ...", function()
  t.eq(window("fra 3. kvartal 2016 til udgangen af 2017"), "2016-07-01..2017-12-31")
end)

t.test("recurrences", function()
  local r = time.parse("hvert ½ år"); t.eq(r.what, "recurrence"); t.eq(r.count, 1); t.eq(r.per, "half")
  t.eq(time.parse("hvert halve år").per, "half")
  t.eq(time.parse("2x/året").count, 2); t.eq(time.parse("2 gange om året").count, 2); t.eq(time.parse("to gange årligt").count, 2)
  t.eq(time.parse("årligt").per, "year")
  t.eq(time.parse("hver anden måned").max_gap, { 2, "month" })
  local w = time.parse("hver 4.-6. uge"); t.eq(w.min_gap, { 4, "week" }); t.eq(w.max_gap, { 6, "week" })
  local q = time.parse("4 pr. kvartal"); t.eq(q.count, 4); t.eq(q.per, "quarter")
  local m = time.parse("Minimum 6 kurser om året"); t.eq(m.count, 6); t.eq(m.hard, true)
  t.eq(time.parse("løbende").ongoing, true)
  t.eq(tostring(time.parse("løbende 2009-2011").window.last), "2011-12-31")
end)

t.test("a phrase without a year is not evaluable, never guessed", function()
  for _, p in ipairs({ "ultimo", "primo marts", "september", "i september" }) do
    local r = time.parse(p)
    t.truthy(r and r.year_missing, p)
    t.truthy(r.warning:find("has no year", 1, true), p)
  end
  local d = time.deadline("ultimo")
  t.eq({ d:status("2016-10-01") }, { "not evaluable", "deadline has no year" })
end)

t.test("unreadable phrases give nil and a message", function()
  local r, err = time.parse("engang i fremtiden")
  t.eq(r, nil); t.truthy(err:find("cannot read", 1, true))
end)

t.test("recurring deadlines as a list", function()
  local list = time.parse_list("Udgangen af 3. kvartal 2016, Ultimo 2017, Ultimo 2018")
  t.eq(#list, 3); t.eq(tostring(list[1].date), "2016-09-30"); t.eq(tostring(list[3].date), "2018-12-31")
end)

t.test("deadline status as of a date", function()
  local d = time.deadline("udgangen af 3. kvartal 2016")
  t.eq(d:status("2016-08-01"), "pending")
  t.eq(d:status("2016-10-01"), "not achieved")
  t.eq(d:status("2016-10-01", "2016-09-15"), "achieved")
  t.eq(d:status("2016-09-01", "2016-09-15"), "pending", "done later than the as-of date is not known yet")
end)

t.test("frequency per period over a window", function()
  local win = time.parse("fra 3. kvartal 2016 til udgangen af 2016").period
  local ok = time.check_frequency({ "2016-07-05", "2016-08-01", "2016-10-03", "2016-11-03" }, { count = 2, per = "quarter", window = win }, "2017-01-15")
  t.eq(ok.status, "achieved")
  local bad = time.check_frequency({ "2016-07-05", "2016-10-03", "2016-11-03" }, { count = 2, per = "quarter", window = win }, "2017-01-15")
  t.eq(bad.status, "not achieved")
  local mid = time.check_frequency({ "2016-07-05", "2016-08-01" }, { count = 2, per = "quarter", window = win }, "2016-11-01")
  t.eq(mid.status, "on track")
end)

t.test("maximum gap between events", function()
  local win = time.range("2016-01-01", "2016-12-31")
  t.eq(time.check_max_gap({ "2016-02-01", "2016-04-01", "2016-06-01", "2016-08-01", "2016-10-01", "2016-12-01" }, { 2, "month" }, win, "2016-12-31").status, "achieved")
  t.eq(time.check_max_gap({ "2016-02-01", "2016-07-01" }, { 2, "month" }, win, "2016-12-31").status, "not achieved")
end)

t.test("due window for every 4-6 weeks", function()
  local from, to = time.due_window("2016-01-04", { 4, "week" }, { 6, "week" })
  t.eq(tostring(from), "2016-02-01"); t.eq(tostring(to), "2016-02-15")
end)

t.test("impossible dates and unreadable years are reading errors, never raised", function()
  for phrase, why in pairs {
    ["ultimo 20166"] = "cannot read \"ultimo 20166\"",
    ["31. februar 2017"] = "2017-02-31 is not a date",
    ["1/13 2016"] = "2016-13-01 is not a date",
    ["2016-02-30"] = "2016-02-30 is not a date",
    ["udgangen af 5. kvartal 2016"] = "a year has quarters 1 to 4",
    ["3. halvår 2017"] = "a year has halves 1 and 2",
    ["inden 32. maj 2016"] = "2016-05-32 is not a date",
  } do
    local r, err = time.parse(phrase)
    t.eq(r, nil)
    t.truthy(err:find(why, 1, true), phrase .. ": " .. tostring(err))
    t.truthy(not err:find("stdlib/", 1, true), err)
  end
end)

-- found by fuzzing (fuzz/time.lua; docs/fuzzing.md): readings that cannot happen are reading
-- errors (or, for a phrase about time without a year, "no year"), never a window that ends
-- before it starts, an impossible recurrence, or a recurrence where a deadline is wanted
t.test("fuzz findings: backwards windows and impossible recurrences are not read as such", function()
  for _, phrase in ipairs { "fra 3. kvartal 2015 til udgangen af 1207", "løbende 2011-2009",
                            "hver 4.-3. uge", "hver 0. uge", "hver 00-6. uge", "med 0-6 ugers mellemrum",
                            "0x/året", "0 gange om året",
                            "99999999999999999999x/året" } do
    local r, err = time.parse(phrase)
    t.truthy(r == nil or r.year_missing, phrase .. " was read as a " .. tostring(r and r.what))
    t.truthy(r ~= nil or (err and not err:find("stdlib/", 1, true)), phrase .. ": " .. tostring(err))
  end
  local _, err = time.parse("fra 3. kvartal 2015 til udgangen af 1207")
  t.truthy(err:find("ends before it starts", 1, true), err)
  -- the same phrases, the right way round, still read
  t.eq(window("fra 2015 til udgangen af 2016"), "2015-01-01..2016-12-31")
  local r = assert(time.parse("hver 4.-6. uge"))
  t.eq(r.min_gap[1], 4); t.eq(r.max_gap[1], 6)
end)

t.test("fuzz findings: a recurrence in a list of deadlines is an error, not a deadline without a date", function()
  local list, err = time.parse_list("hver 4.-6. uge")
  t.eq(list, nil)
  t.truthy(err:find('"hver 4.-6. uge" is a recurrence, not a deadline', 1, true), err)
  list, err = time.parse_list("Ultimo 2017, hver anden måned")
  t.eq(list, nil)
  t.truthy(err:find('"hver anden måned" is a recurrence', 1, true), err)
  t.eq(#assert(time.parse_list("Udgangen af 3. kvartal 2016, Ultimo 2017")), 2)
end)

t.done()
