-- time.lua — calendar dates, periods, deadlines and recurrences, and a parser for the
-- Danish phrases goal agreements use ("ultimo 2016", "udgangen af 3. kvartal 2016",
-- "inden 1. oktober 2016", "hvert ½ år", ...). Plain calendar dates: no clock, no time
-- zone. Every convention is in docs/time.md and tested in tests/lua/test_time.lua.
local M = {}

-- ---------------------------------------------------------------- dates

local Date = {}
Date.__index = Date
Date.__metatable = "date"
local dates = setmetatable({}, { __mode = "k" })

-- days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil)
local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp + (mp < 10 and 3 or -9)
  return m <= 2 and y + 1 or y, m, d
end

local function leap(y) return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0 end
function M.days_in_month(y, m)
  local n = ({ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 })[m]
  if m == 2 and leap(y) then n = 29 end
  return n
end

local function make(days)
  local y, m, d = civil_from_days(days)
  local t = setmetatable({ y = y, m = m, d = d, days = days }, Date)
  dates[t] = true
  return t
end

function M.is_date(v) return dates[v] == true end

--- time.date(y, m, d)
function M.date(y, m, d)
  if math.tointeger(y) == nil or math.tointeger(m) == nil or math.tointeger(d) == nil then
    error("time.date needs a year, month and day as whole numbers", 2)
  end
  if m < 1 or m > 12 or d < 1 or d > M.days_in_month(y, m) then
    error(("%04d-%02d-%02d is not a date"):format(y, m, d), 2)
  end
  return make(days_from_civil(y, m, d))
end

--- time.parse_date("2016-10-01") (also a Date, returned as it is)
function M.parse_date(s)
  if dates[s] then return s end
  if type(s) ~= "string" then error("expected a date like 2016-10-01, got " .. type(s), 2) end
  local y, m, d = s:match("^%s*(%d%d%d%d)%-(%d%d?)%-(%d%d?)%s*$")
  if not y then error(("\"%s\" is not a date (write it as YYYY-MM-DD)"):format(s), 2) end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 or d > M.days_in_month(y, m) then
    error(("\"%s\" is not a date"):format(s), 2)
  end
  return make(days_from_civil(y, m, d))
end

function Date.__tostring(a) return ("%04d-%02d-%02d"):format(a.y, a.m, a.d) end
function Date.__eq(a, b) return a.days == b.days end
function Date.__lt(a, b) return a.days < b.days end
function Date.__le(a, b) return a.days <= b.days end
function Date:add_days(n) return make(self.days + n) end
function Date:add_months(n)
  local total = self.y * 12 + (self.m - 1) + n
  local y, m = total // 12, total % 12 + 1
  return M.date(y, m, math.min(self.d, M.days_in_month(y, m)))
end
function Date:weekday() return (self.days + 3) % 7 + 1 end  -- 1970-01-01 was a Thursday
function Date:quarter() return (self.m - 1) // 3 + 1 end
function Date:half() return self.m <= 6 and 1 or 2 end
function Date:iso_week()
  local thursday = self:add_days(4 - self:weekday())
  local jan1 = M.date(thursday.y, 1, 1)
  return thursday.y, (thursday.days - jan1.days) // 7 + 1
end
function M.days_between(a, b) return M.parse_date(b).days - M.parse_date(a).days end

-- today's date, from the machine's clock (only when no --as-of is given)
function M.today()
  local t = os.date("*t")
  return M.date(t.year, t.month, t.day)
end

-- ---------------------------------------------------------------- periods

local Period = {}
Period.__index = Period
Period.__metatable = "period"
local periods = setmetatable({}, { __mode = "k" })
function M.is_period(v) return periods[v] == true end

local da_months = { "januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
                    "september", "oktober", "november", "december" }
local en_months = { "January", "February", "March", "April", "May", "June", "July", "August",
                    "September", "October", "November", "December" }

local function period(kind, first, last, fields)
  local p = setmetatable(fields or {}, Period)
  p.kind, p.first, p.last = kind, first, last
  periods[p] = true
  return p
end

function M.year(y) return period("year", M.date(y, 1, 1), M.date(y, 12, 31), { y = y }) end
function M.half(y, h)
  if h ~= 1 and h ~= 2 then error("a year has halves 1 and 2", 2) end
  return period("half", M.date(y, h == 1 and 1 or 7, 1), M.date(y, h == 1 and 6 or 12, h == 1 and 30 or 31), { y = y, n = h })
end
function M.quarter(y, q)
  if math.tointeger(q) == nil or q < 1 or q > 4 then error("a year has quarters 1 to 4", 2) end
  local m1 = (q - 1) * 3 + 1
  return period("quarter", M.date(y, m1, 1), M.date(y, m1 + 2, M.days_in_month(y, m1 + 2)), { y = y, n = q })
end
function M.month(y, m)
  return period("month", M.date(y, m, 1), M.date(y, m, M.days_in_month(y, m)), { y = y, n = m })
end
function M.week(y, w)
  local jan4 = M.date(y, 1, 4)
  local monday = jan4:add_days(1 - jan4:weekday() + (w - 1) * 7)
  local p = period("week", monday, monday:add_days(6), { y = y, n = w })
  local yy, ww = monday:iso_week()
  if yy ~= y or ww ~= w then error(("%d has no ISO week %d"):format(y, w), 2) end
  return p
end
function M.range(a, b)
  a, b = M.parse_date(a), M.parse_date(b)
  if b < a then error(("the range %s to %s ends before it starts"):format(tostring(a), tostring(b)), 2) end
  return period("range", a, b)
end

function M.period_of(kind, d)
  d = M.parse_date(d)
  if kind == "year" then return M.year(d.y)
  elseif kind == "half" then return M.half(d.y, d:half())
  elseif kind == "quarter" then return M.quarter(d.y, d:quarter())
  elseif kind == "month" then return M.month(d.y, d.m)
  elseif kind == "week" then local y, w = d:iso_week() return M.week(y, w)
  end
  error("unknown period kind " .. tostring(kind), 2)
end

function Period:contains(d) d = M.parse_date(d) return self.first <= d and d <= self.last end
function Period:days() return self.last.days - self.first.days + 1 end
function Period:next() return M.period_of(self.kind, self.last:add_days(1)) end
function Period:previous() return M.period_of(self.kind, self.first:add_days(-1)) end
function Period:label(lang)
  local da = lang ~= "en"
  if self.kind == "year" then return tostring(self.y)
  elseif self.kind == "half" then return da and ("%d. halvår %d"):format(self.n, self.y) or ("H%d %d"):format(self.n, self.y)
  elseif self.kind == "quarter" then return da and ("%d. kvartal %d"):format(self.n, self.y) or ("Q%d %d"):format(self.n, self.y)
  elseif self.kind == "month" then return (da and da_months or en_months)[self.n] .. " " .. self.y
  elseif self.kind == "week" then return (da and "uge %d %d" or "week %d %d"):format(self.n, self.y)
  end
  return tostring(self.first) .. (da and " til " or " to ") .. tostring(self.last)
end
Period.__tostring = function(p) return p:label("da") end

-- ---------------------------------------------------------------- deadlines

local Deadline = {}
Deadline.__index = Deadline
Deadline.__metatable = "deadline"
Deadline.__tostring = function(d)
  if d.year_missing then return d.phrase .. " (no year)" end
  return (d.exclusive and "before " or "by ") .. tostring(d.exclusive and d.date:add_days(1) or d.date)
end

local function deadline(date, fields)
  local d = setmetatable(fields or {}, Deadline)
  d.what = "deadline"
  d.date = date
  return d
end

--- time.deadline(date_or_phrase) -> Deadline
function M.deadline(v)
  if dates[v] then return deadline(v, { phrase = tostring(v) }) end
  local r, err = M.parse(v)
  if not r then error(err, 2) end
  if r.what == "deadline" then return r end
  if r.what == "window" then return deadline(r.period.last, { phrase = v, window = r.period }) end
  error(("\"%s\" is not a deadline but a %s"):format(v, r.what), 2)
end

function Deadline:met_by(done)
  if self.year_missing or done == nil then return false end
  return M.parse_date(done) <= self.date
end

--- status(as_of, done) -> status, reason. Statuses: achieved, on track, not achieved,
--- pending, not evaluable (docs/time.md).
function Deadline:status(as_of, done)
  if self.year_missing then return "not evaluable", "deadline has no year" end
  as_of = M.parse_date(as_of)
  if done ~= nil then
    done = M.parse_date(done)
    if done > as_of then done = nil  -- not known yet as of that date
    elseif done <= self.date then return "achieved", "done " .. tostring(done)
    else return "not achieved", ("done %s, after the deadline %s"):format(tostring(done), tostring(self.date)) end
  end
  if as_of > self.date then return "not achieved", "not done by " .. tostring(self.date) end
  return "pending", "due " .. tostring(self.date)
end

-- ---------------------------------------------------------------- recurrences

local Recurrence = {}
Recurrence.__index = Recurrence
Recurrence.__metatable = "recurrence"
Recurrence.__tostring = function(r) return r.phrase or "recurrence" end

local function recurrence(fields)
  fields.what = "recurrence"
  return setmetatable(fields, Recurrence)
end

-- ---------------------------------------------------------------- the Danish parser

local month_names = {}
for i, n in ipairs(da_months) do
  month_names[n] = i
  month_names[n:sub(1, 3)] = i
  month_names[n:sub(1, 3) .. "."] = i
  month_names[en_months[i]:lower()] = i
end
month_names["sept"] = 9; month_names["sept."] = 9

local number_words = { en = 1, et = 1, ["én"] = 1, to = 2, tre = 3, fire = 4, fem = 5, seks = 6 }

local function norm(s)
  s = s:lower():gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""):gsub("%.$", "")
  s = s:gsub("^ved ", ""):gsub("^senest ved ", "senest ")
  return s
end

local function two_digit_year(y)
  y = tonumber(y)
  if y < 100 then y = y + (y < 70 and 2000 or 1900) end
  return y
end

-- seasons: forår = March-May, sommer = June-August, efterår = September-November,
-- vinter Y/Y+1 = December Y - February Y+1
local seasons = {
  ["forår"] = { 3, 5 }, ["foråret"] = { 3, 5 }, sommer = { 6, 8 }, sommeren = { 6, 8 },
  ["efterår"] = { 9, 11 }, ["efteråret"] = { 9, 11 },
}

local function window(p, phrase, extra)
  local r = extra or {}
  r.what, r.period, r.phrase = "window", p, phrase
  return r
end

local function month_window(y, m1, m2)
  return period("range", M.date(y, m1, 1), M.date(y, m2, M.days_in_month(y, m2)))
end

local no_year = { what = "deadline", year_missing = true }

-- a point or window in time (no "inden"/"senest"/recurrences): returns a table or nil
local function parse_when(s, phrase)
  local y
  -- ISO date
  local iy, im, id = s:match("^(%d%d%d%d)%-(%d%d?)%-(%d%d?)$")
  if iy then return deadline(M.date(tonumber(iy), tonumber(im), tonumber(id)), { phrase = phrase, kind = "date" }) end
  -- 1/10 2016, 1/10-2016, 1.10.2016
  local dd, mm, yy = s:match("^(%d%d?)[/%.](%d%d?)[%s%-%./]+(%d%d%d?%d?)$")
  if dd then return deadline(M.date(two_digit_year(yy), tonumber(mm), tonumber(dd)), { phrase = phrase, kind = "date" }) end
  -- 1. oktober 2016
  local d2, mname, y2 = s:match("^(%d%d?)%.? ([%a\128-\255]+%.?) (%d%d%d%d)$")
  if d2 and month_names[mname] then
    return deadline(M.date(tonumber(y2), month_names[mname], tonumber(d2)), { phrase = phrase, kind = "date" })
  end
  -- primo/medio/ultimo [month] [year]
  local pmu, rest = s:match("^([%a\128-\255]+) ?(.*)$")
  if pmu == "primo" or pmu == "medio" or pmu == "ultimo" then
    local mn, yr = rest:match("^([%a\128-\255]+%.?) (%d%d%d%d)$")
    if not mn then mn = rest:match("^([%a\128-\255]+%.?)$") end
    if not mn then yr = rest:match("^(%d%d%d%d)$") end
    if rest == "" or (mn and not yr) then
      local r = setmetatable({ phrase = phrase, kind = pmu, year_missing = true,
        warning = ("\"%s\" has no year: it cannot be evaluated"):format(phrase) }, Deadline)
      r.what = "deadline"
      return r
    end
    if mn and not month_names[mn] then return nil end
    if not yr then return nil end   -- "ultimo 20166": not a year we can read
    y = tonumber(yr)
    if mn then
      local m = month_names[mn]
      local last = M.days_in_month(y, m)
      if pmu == "primo" then return window(period("range", M.date(y, m, 1), M.date(y, m, 10)), phrase, { kind = pmu })
      elseif pmu == "medio" then return window(period("range", M.date(y, m, 11), M.date(y, m, 20)), phrase, { kind = pmu })
      else return window(period("range", M.date(y, m, 21), M.date(y, m, last)), phrase, { kind = pmu }) end
    end
    if pmu == "primo" then return window(month_window(y, 1, 1), phrase, { kind = pmu })
    elseif pmu == "medio" then return window(month_window(y, 6, 7), phrase, { kind = pmu })
    else return window(month_window(y, 12, 12), phrase, { kind = pmu }) end
  end
  -- udgangen af 3. kvartal 2016 / udgangen af 2017 / udgangen af oktober 2016
  local inner = s:match("^udgangen af (.+)$")
  if inner then
    local r = parse_when(inner, phrase)
    if not r then return nil end
    if r.what == "window" then return deadline(r.period.last, { phrase = phrase, kind = "end", window = r.period }) end
    return r
  end
  -- 3. kvartal 2016, 2. halvår 2016
  local n, unit, yr = s:match("^(%d)%.? ([%a\128-\255]+) (%d%d%d%d)$")
  if n then
    if unit == "kvartal" then return window(M.quarter(tonumber(yr), tonumber(n)), phrase) end
    if unit == "halvår" then return window(M.half(tonumber(yr), tonumber(n)), phrase) end
  end
  -- a year
  if s:match("^%d%d%d%d$") then return window(M.year(tonumber(s)), phrase) end
  -- oktober 2016, i løbet af november 2009
  local mn2, yr2 = (s:gsub("^i løbet af ", "")):match("^([%a\128-\255]+%.?) (%d%d%d%d)$")
  if mn2 and month_names[mn2] then return window(M.month(tonumber(yr2), month_names[mn2]), phrase) end
  -- seasons: foråret 2017, efterår/vinter 2009, vinter 2009/2010, vinteren 08/09
  local season, sy = s:match("^([%a\128-\255]+) (%d%d%d%d)$")
  if season and seasons[season] then
    local mm2 = seasons[season]
    return window(month_window(tonumber(sy), mm2[1], mm2[2]), phrase, { kind = "season" })
  end
  local wy1, wy2 = s:match("^vinter[en]* (%d%d%d?%d?)/(%d%d%d?%d?)$")
  if wy1 then
    local a = two_digit_year(wy1)
    return window(period("range", M.date(a, 12, 1), M.date(a + 1, 2, M.days_in_month(a + 1, 2))), phrase, { kind = "season" })
  end
  local ey = s:match("^efterår[et]*/vinter[en]* (%d%d%d%d)$")
  if ey then
    ey = tonumber(ey)
    return window(period("range", M.date(ey, 9, 1), M.date(ey + 1, 2, M.days_in_month(ey + 1, 2))), phrase, { kind = "season" })
  end
  -- a month or season without a year
  local lone = s:gsub("^i ", ""):gsub("^i løbet af ", "")
  if month_names[lone] or seasons[lone] or lone:match("^vinter") then
    local r = setmetatable({ phrase = phrase, year_missing = true,
      warning = ("\"%s\" has no year: it cannot be evaluated"):format(phrase) }, Deadline)
    r.what = "deadline"
    return r
  end
  return nil
end

local units = { uge = "week", uger = "week", ["måned"] = "month", ["måneder"] = "month",
                ["år"] = "year", kvartal = "quarter", ["halvår"] = "half", dag = "day", dage = "day" }

local function parse_recurrence(s, phrase)
  local body = s:gsub("^minimum ", ""):gsub("^mindst ", ""):gsub("^som minimum ", "")
  local hard = body ~= s
  -- hvert ½ år / hvert halve år / hvert halvår
  if body == "hvert ½ år" or body == "hvert halve år" or body == "hvert halvår" or body == "halvårligt" then
    return recurrence({ phrase = phrase, count = 1, per = "half", max_gap = { 6, "month" }, hard = hard })
  end
  if body == "årligt" or body == "hvert år" or body == "1 gang årligt" or body == "en gang om året"
    or body == "1 gang om året" or body == "1x/året" or body == "én gang årligt" or body == "en gang årligt" then
    return recurrence({ phrase = phrase, count = 1, per = "year", hard = hard })
  end
  if body == "hver måned" or body == "månedligt" then return recurrence({ phrase = phrase, count = 1, per = "month", max_gap = { 1, "month" }, hard = hard }) end
  if body == "hvert kvartal" or body == "kvartalsvis" then return recurrence({ phrase = phrase, count = 1, per = "quarter", hard = hard }) end
  -- 2x/året, 2 gange om året, to gange årligt
  local n = body:match("^(%d+)x/året$") or body:match("^(%d+) ?x årligt$")
  if not n then
    local w = body:match("^(%S+) gange om året$") or body:match("^(%S+) gange årligt$")
    n = w and (tonumber(w) or number_words[w])
  end
  if n then return recurrence({ phrase = phrase, count = tonumber(n), per = "year", hard = hard }) end
  -- 4 pr. kvartal, 4 forløb pr. kvartal, 6 kurser om året
  local c, per = body:match("^(%d+) ?[%a\128-\255]* pr%.? ([%a\128-\255]+)$")
  if not c then c, per = body:match("^(%d+) ?[%a\128-\255]* om ([%a\128-\255]+)et$") end
  if not c then c, per = body:match("^(%d+) ?[%a\128-\255]* om ([%a\128-\255]+)$") end
  if c and units[per] then return recurrence({ phrase = phrase, count = tonumber(c), per = units[per], hard = hard }) end
  -- hver anden måned, hver 3. uge, hver 4.-6. uge
  local lo, hi, u = body:match("^hver (%d+)%.?%-(%d+)%.? ([%a\128-\255]+)$")
  if lo and units[u] then
    return recurrence({ phrase = phrase, min_gap = { tonumber(lo), units[u] }, max_gap = { tonumber(hi), units[u] }, hard = hard })
  end
  local k, u2 = body:match("^hver (%S+) ([%a\128-\255]+)$")
  if k and units[u2] then
    local words = { anden = 2, andet = 2, tredje = 3, fjerde = 4 }
    local num = words[k] or tonumber((k:gsub("%.$", "")))
    if num then return recurrence({ phrase = phrase, max_gap = { num, units[u2] }, every = { num, units[u2] }, hard = hard }) end
  end
  if body == "løbende" then return recurrence({ phrase = phrase, ongoing = true }) end
  local ly1, ly2 = body:match("^løbende (%d%d%d%d)%-(%d%d%d%d)$")
  if ly1 then
    return recurrence({ phrase = phrase, ongoing = true, window = period("range", M.date(tonumber(ly1), 1, 1), M.date(tonumber(ly2), 12, 31)) })
  end
  return nil
end

--- time.parse(phrase) -> a deadline, window or recurrence (field `what`), or nil + message
local function parse_phrase(phrase)
  if type(phrase) ~= "string" then return nil, "expected a date or phrase in quotes" end
  local s = norm(phrase)
  -- inden X: strictly before X; senest X: on or before X
  local before = s:match("^inden (.+)$") or s:match("^før (.+)$")
  if before then
    local r = parse_when(before, phrase)
    if not r then return nil, ("cannot read the date in \"%s\""):format(phrase) end
    if r.year_missing then return r end
    local first = r.what == "window" and r.period.first or r.date
    return deadline(first:add_days(-1), { phrase = phrase, exclusive = true, kind = "before" })
  end
  local latest = s:match("^senest (.+)$") or s:match("^inden udgangen af (.+)$")
  if latest then
    local r = parse_when(latest, phrase)
    if not r then return nil, ("cannot read the date in \"%s\""):format(phrase) end
    if r.year_missing then return r end
    return deadline(r.what == "window" and r.period.last or r.date, { phrase = phrase, kind = "latest" })
  end
  -- fra X til Y
  local from, to = s:match("^fra (.+) til (.+)$")
  if from then
    local a, b = parse_when(from, phrase), parse_when(to, phrase)
    if not a or not b then return nil, ("cannot read the window \"%s\""):format(phrase) end
    if a.year_missing or b.year_missing then return a.year_missing and a or b end
    local first = a.what == "window" and a.period.first or a.date
    local last = b.what == "window" and b.period.last or b.date
    return window(period("range", first, last), phrase)
  end
  local rec = parse_recurrence(s, phrase)
  if rec then return rec end
  local r = parse_when(s, phrase)
  if r then return r end
  return nil, ("cannot read \"%s\" as a date, deadline or recurrence (see docs/time.md for the phrases qm knows)"):format(phrase)
end

M.try_parse = M.parse

--- time.parse_list("Udgangen af 3. kvartal 2016, Ultimo 2017, Ultimo 2018") -> deadlines
-- time.parse(phrase) -> a deadline, window or recurrence, or nil and why. A phrase that
-- names an impossible date ("31. februar 2017", "ultimo 20166") is a reading error, never a
-- raised error.
function M.parse(phrase)
  local ok, r, err = pcall(parse_phrase, phrase)
  if ok then return r, err end
  local why = tostring(r):gsub("^[^:]*stdlib/[^:]+:%d+: ", ""):gsub("^stdlib/[^:]+:%d+: ", "")
  return nil, ("cannot read \"%s\": %s"):format(tostring(phrase), why)
end

function M.parse_list(s)
  local out = {}
  for part in (s .. ","):gmatch("([^,]+),") do
    local d, err = M.parse(part)
    if not d then return nil, err end
    if d.what == "window" then d = deadline(d.period.last, { phrase = part:gsub("^%s+", ""), window = d.period }) end
    out[#out + 1] = d
  end
  return out
end

-- ---------------------------------------------------------------- checks on events

local function gap_days(g, from)
  if g[2] == "day" then return g[1] end
  if g[2] == "week" then return g[1] * 7 end
  if g[2] == "month" then return from:add_months(g[1]).days - from.days end
  if g[2] == "year" then return from:add_months(12 * g[1]).days - from.days end
  if g[2] == "half" then return from:add_months(6 * g[1]).days - from.days end
  if g[2] == "quarter" then return from:add_months(3 * g[1]).days - from.days end
  error("unknown unit " .. tostring(g[2]))
end

local function sorted_dates(events, as_of)
  local out = {}
  for _, e in ipairs(events) do
    local d = M.parse_date(e)
    if as_of == nil or d <= as_of then out[#out + 1] = d end
  end
  table.sort(out)
  return out
end

--- check_frequency(events, {count=, per=, window=Period}, as_of) -> result
--- { status, reason, periods = { {label, count, ok, complete} } }
function M.check_frequency(events, rule, as_of)
  as_of = M.parse_date(as_of)
  local evs = sorted_dates(events, as_of)
  local win = rule.window
  if not win then return { status = "not evaluable", reason = "no window given" } end
  local p = M.period_of(rule.per, win.first)
  local result = { periods = {} }
  local missed, open = 0, false
  while p.first <= win.last do
    local n = 0
    for _, d in ipairs(evs) do if p:contains(d) and win:contains(d) then n = n + 1 end end
    local complete = p.last <= as_of
    local ok = n >= rule.count
    if p.first <= as_of then
      result.periods[#result.periods + 1] = { label = p:label("da"), count = n, ok = ok, complete = complete }
      if complete and not ok then missed = missed + 1 end
      if not complete then open = true end
    end
    p = p:next()
  end
  if missed > 0 then
    result.status, result.reason = "not achieved", ("%d period%s with fewer than %d"):format(missed, missed == 1 and "" or "s", rule.count)
  elseif as_of < win.first then
    result.status, result.reason = "pending", "the window starts " .. tostring(win.first)
  elseif as_of >= win.last and not open then
    result.status, result.reason = "achieved", "every period had at least " .. rule.count
  else
    result.status, result.reason = "on track", "every finished period had at least " .. rule.count
  end
  return result
end

--- check_max_gap(events, gap {n, unit}, window, as_of) -> { status, reason, largest (days) }
function M.check_max_gap(events, gap, win, as_of)
  as_of = M.parse_date(as_of)
  local evs = sorted_dates(events, as_of)
  local start = win and win.first or (evs[1] or as_of)
  local stop = win and (win.last < as_of and win.last or as_of) or as_of
  if as_of < start then return { status = "pending", reason = "the window starts " .. tostring(start), largest = 0 } end
  local prev, largest, worst_from = start, 0, nil
  local inside = {}
  for _, d in ipairs(evs) do if d >= start and d <= stop then inside[#inside + 1] = d end end
  inside[#inside + 1] = stop
  local late = false
  for _, d in ipairs(inside) do
    local g = d.days - prev.days
    if g > largest then largest, worst_from = g, prev end
    if g > gap_days(gap, prev) then late = true end
    prev = d
  end
  if late then
    return { status = "not achieved", largest = largest,
             reason = ("a gap of %d days from %s, more than %d %s"):format(largest, tostring(worst_from), gap[1], gap[2]) }
  end
  local done = win and as_of >= win.last
  return { status = done and "achieved" or "on track", largest = largest, reason = ("largest gap %d days"):format(largest) }
end

--- due_window(last_event, min_gap, max_gap) -> from, to (dates); overdue when as_of > to
function M.due_window(last, min_gap, max_gap)
  last = M.parse_date(last)
  return last:add_days(gap_days(min_gap, last)), last:add_days(gap_days(max_gap, last))
end

function M.is_deadline(v) return getmetatable(v) == "deadline" end

return M
