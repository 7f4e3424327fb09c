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

-- ---------------------------------------------------------------- the Danish phrase reader
-- ONE reader behind every time field (an indicator's deadline, window, every and max_gap, a
-- plan's time) and behind `qm check`: time.read(phrase, want). Grammar and conventions are in
-- docs/time.md; tests/lua/test_time.lua reads the phrases of the five source documents.

local month_names = {}
for i, n in ipairs(da_months) do
  month_names[n] = i
  month_names[n:sub(1, 3)] = i
  month_names[en_months[i]:lower()] = i
end
month_names["sept"] = 9

local number_words = { en = 1, et = 1, ["én"] = 1, ["ét"] = 1, to = 2, tre = 3, fire = 4, fem = 5, seks = 6,
                       syv = 7, otte = 8, ni = 9, ti = 10, tolv = 12 }
local ordinal_words = { anden = 2, andet = 2, tredje = 3, fjerde = 4, femte = 5, sjette = 6 }

local function count_of(w)
  if w == nil then return nil end
  if w:match("^%d+$") then return math.tointeger(tonumber(w)) end
  return number_words[w]
end

-- lower case (also Æ Ø Å), single spaces, no trailing punctuation, no surrounding brackets
local function norm(s)
  s = s:lower():gsub("Æ", "æ"):gsub("Ø", "ø"):gsub("Å", "å")
  s = s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  s = s:gsub("^%((.*)%)$", "%1"):gsub("[%.:,;!]+$", ""):gsub(" $", "")
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

-- words that make a phrase a statement about time: without a year it is "not evaluable"
local time_words = {
  primo = true, medio = true, ultimo = true, udgangen = true, starten = true, midten = true,
  slutningen = true, kvartal = true, ["halvår"] = true, ["årsskiftet"] = true, uge = true, ugen = true,
  vinter = true, vinteren = true, jul = true, ["påske"] = true, ["påsken"] = true,
}
for k in pairs(month_names) do time_words[k] = true end
for k in pairs(seasons) do time_words[k] = true end

local function has_year(s)
  return s:find("%d%d%d%d") ~= nil or s:find("%f[%d]%d%d?[/%.]%d%d?[%-/%. ]%d%d%f[%D]") ~= nil
    or s:find("%f[%d]%d%d/%d%d%f[%D]") ~= nil
end

local function names_time(s)
  for w in s:gmatch("[%a\128-\255]+") do if time_words[w] then return true end end
  return false
end

local function window(p, phrase, extra)
  local r = extra or {}
  r.what, r.period, r.phrase = "window", p, phrase
  return r
end

local function month_window(y, m1, m2)
  return period("range", M.date(y, m1, 1), M.date(y, m2, M.days_in_month(y, m2)))
end

local function no_year(phrase)
  local r = setmetatable({ phrase = phrase, year_missing = true, reason = "no year",
    warning = ("\"%s\" has no year: it cannot be evaluated"):format(phrase) }, Deadline)
  r.what = "deadline"
  return r
end

-- the first and last day of a reading (a date is both)
local function first_of(r) return r.what == "window" and r.period.first or r.date end
local function last_of(r) return r.what == "window" and r.period.last or r.date end

local parse_when

-- "m1 / m2 2010", "juni og november 2017", "2017 og 2018": one window over both
local function parse_pair(s, phrase)
  local a, b = s:match("^(.-) og (.+)$")
  if not a then a, b = s:match("^(.-) ?/ ?(.+)$") end
  if not a then return nil end
  local rb = parse_when(b, phrase)
  if not rb or rb.year_missing then return nil end
  local ra = parse_when(a, phrase)
  if not ra and month_names[a] and rb.what == "window" then
    ra = window(M.month(first_of(rb).y, month_names[a]), phrase)   -- "januar / februar 2010"
  end
  if not ra or ra.year_missing or first_of(ra) > last_of(rb) then return nil end
  return window(period("range", first_of(ra), last_of(rb)), phrase)
end

-- a point or window in time (no "inden"/"senest"/recurrences): a reading or nil
function parse_when(s, phrase)
  -- ISO date
  local iy, im, id = s:match("^(%d%d%d%d)%-(%d%d?)%-(%d%d?)$")
  if iy then return deadline(M.date(tonumber(iy), tonumber(im), tonumber(id)), { phrase = phrase, kind = "date" }) end
  -- 1/10 2016, 1/10-2016, 1.10.2016, 1/10-16
  local dd, mm, yy = s:match("^(%d%d?)[/%.](%d%d?)[%s%-%./]+(%d%d%d?%d?)$")
  if dd then return deadline(M.date(two_digit_year(yy), tonumber(mm), tonumber(dd)), { phrase = phrase, kind = "date" }) end
  -- 1. oktober 2016, den 1. oktober 2016
  local d2, mname, y2 = s:gsub("^den ", ""):match("^(%d%d?)%.? ([%a\128-\255]+%.?) (%d%d%d%d)$")
  if d2 and month_names[(mname:gsub("%.$", ""))] then
    return deadline(M.date(tonumber(y2), month_names[(mname:gsub("%.$", ""))], tonumber(d2)), { phrase = phrase, kind = "date" })
  end
  -- primo/medio/ultimo [month] year; starten/midten/slutningen af [month] year
  local pmu, rest = s:match("^([%a\128-\255]+) (.+)$")
  local alias = { ["starten af"] = "primo", ["midten af"] = "medio", ["slutningen af"] = "ultimo" }
  for words, to in pairs(alias) do
    local r2 = s:match("^" .. words .. " (.+)$")
    if r2 then pmu, rest = to, r2 end
  end
  if pmu == "primo" or pmu == "medio" or pmu == "ultimo" then
    local mn, yr = rest:match("^([%a\128-\255]+%.?) (%d%d%d%d)$")
    if not mn then yr = rest:match("^(%d%d%d%d)$") end
    if not yr then return nil end
    local y = tonumber(yr)
    if mn then
      local m = month_names[(mn:gsub("%.$", ""))]
      if not m then return nil end
      local last = M.days_in_month(y, m)
      if pmu == "primo" then return window(period("range", M.date(y, m, 1), M.date(y, m, 10)), phrase, { kind = pmu }) end
      if pmu == "medio" then return window(period("range", M.date(y, m, 11), M.date(y, m, 20)), phrase, { kind = pmu }) end
      return window(period("range", M.date(y, m, 21), M.date(y, m, last)), phrase, { kind = pmu })
    end
    if pmu == "primo" then return window(month_window(y, 1, 1), phrase, { kind = pmu }) end
    if pmu == "medio" then return window(month_window(y, 6, 7), phrase, { kind = pmu }) end
    return window(month_window(y, 12, 12), phrase, { kind = pmu })
  end
  -- udgangen af X: the last day of X
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
    return nil
  end
  -- a year
  if s:match("^%d%d%d%d$") then return window(M.year(tonumber(s)), phrase) end
  -- 2009-2011: whole years
  local ya, yb = s:match("^(%d%d%d%d) ?%- ?(%d%d%d%d)$")
  if ya and tonumber(ya) <= tonumber(yb) then return window(period("range", M.date(tonumber(ya), 1, 1), M.date(tonumber(yb), 12, 31)), phrase) end
  -- oktober 2016
  local mn2, yr2 = s:match("^([%a\128-\255]+%.?) (%d%d%d%d)$")
  if mn2 and month_names[(mn2:gsub("%.$", ""))] then return window(M.month(tonumber(yr2), month_names[(mn2:gsub("%.$", ""))]), phrase) end
  -- seasons: foråret 2017, efterår/vinter 2009, vinter 2009/2010, vinteren 08/09
  if mn2 and seasons[mn2] then
    local sm = seasons[mn2]
    return window(month_window(tonumber(yr2), sm[1], sm[2]), phrase, { kind = "season" })
  end
  local wy1, wy2 = s:match("^vinter[en]* (%d%d%d?%d?)/(%d%d%d?%d?)$")
  if wy1 then
    local a = two_digit_year(wy1)
    if two_digit_year(wy2) ~= a + 1 then return nil end
    return window(period("range", M.date(a, 12, 1), M.date(a + 1, 2, M.days_in_month(a + 1, 2))), phrase, { kind = "season" })
  end
  local ey = s:match("^efterår[et]* ?/ ?vinter[en]* (%d%d%d%d)$")
  if ey then
    ey = tonumber(ey)
    return window(period("range", M.date(ey, 9, 1), M.date(ey + 1, 2, M.days_in_month(ey + 1, 2))), phrase, { kind = "season" })
  end
  -- i X, i løbet af X
  local body = s:match("^i løbet af (.+)$") or s:match("^i (.+)$")
  if body then return parse_when(body, phrase) end
  return parse_pair(s, phrase)
end

local units = { uge = "week", uger = "week", ugers = "week", ["måned"] = "month", ["måneder"] = "month",
                ["måneders"] = "month", ["måneden"] = "month", ["år"] = "year", ["året"] = "year", ["års"] = "year",
                kvartal = "quarter", kvartalet = "quarter", ["halvår"] = "half", ["halvåret"] = "half",
                dag = "day", dage = "day", dages = "day", dagen = "day" }
local per_word = { ["årligt"] = "year", ["halvårligt"] = "half", kvartalsvis = "quarter", ["månedligt"] = "month",
                   ugentligt = "week", dagligt = "day" }

local function rec(phrase, fields, hard)
  fields.phrase, fields.hard = phrase, hard
  return recurrence(fields)
end

local function parse_recurrence(s, phrase)
  local body = s:gsub("^som minimum ", ""):gsub("^minimum ", ""):gsub("^mindst ", "")
  local hard = body ~= s
  -- hvert ½ år / hvert halve år / hvert halvår / halvårligt
  if body == "hvert ½ år" or body == "hvert halve år" or body == "hvert halvår" or body == "hver ½ år" then
    return rec(phrase, { count = 1, per = "half", max_gap = { 6, "month" } }, hard)
  end
  if body == "hvert år" then return rec(phrase, { count = 1, per = "year" }, hard) end
  if body == "hver måned" then return rec(phrase, { count = 1, per = "month", max_gap = { 1, "month" } }, hard) end
  if body == "hvert kvartal" then return rec(phrase, { count = 1, per = "quarter" }, hard) end
  if body == "hver uge" then return rec(phrase, { count = 1, per = "week", max_gap = { 1, "week" } }, hard) end
  -- årligt, 2 gange årligt, to gange om året, 1 gang om året, 2x/året, 2x årligt, 6 kurser om året,
  -- 4 forløb pr. kvartal, en gang om måneden
  if body == "et halvt år" or body == "halvt år" or body == "et halvår" then
    return rec(phrase, { max_gap = { 6, "month" }, duration = true }, hard)
  end
  local pw = per_word[body]
  if pw then return rec(phrase, { count = 1, per = pw, max_gap = pw == "half" and { 6, "month" } or nil }, hard) end
  local n, tail = body:match("^(%S+) ?x ?/ ?(.+)$")
  if not n then n, tail = body:match("^(%S+) ?x (.+)$") end
  if not n then n, tail = body:match("^(%S+) gange? (.+)$") end
  if not n then n, tail = body:match("^(%S+) (pr%.? .+)$") end
  if not n then n, tail = body:match("^(%S+) (per .+)$") end
  if not n then n, tail = body:match("^(%S+) (om .+)$") end
  if not n then n, tail = body:match("^(%d+) [%a\128-\255%-]+ (.+)$") end
  if not n then n, tail = body:match("^(%a+) [%a\128-\255%-]+ (.+)$") end
  local c = count_of(n)
  if c and tail then
    local per = per_word[tail] or units[tail] or units[tail:match("^pr%.? ([%a\128-\255]+)$") or ""]
      or units[tail:match("^om ([%a\128-\255]+)$") or ""] or units[tail:match("^per ([%a\128-\255]+)$") or ""]
      or units[tail:match("^i ([%a\128-\255]+)$") or ""]
    if per and per ~= "day" and c >= 1 then return rec(phrase, { count = c, per = per }, hard) end
  end
  -- hver 4.-6. uge, med 4-6 ugers mellemrum: between the two gaps
  local lo, hi, u = body:match("^hver (%d+)%.? ?%- ?(%d+)%.? ([%a\128-\255]+)$")
  if not lo then lo, hi, u = body:match("^med (%d+) ?%- ?(%d+) ([%a\128-\255]+) mellemrum$") end
  if lo and units[u] and tonumber(lo) >= 1 and tonumber(lo) <= tonumber(hi) then
    return rec(phrase, { min_gap = { tonumber(lo), units[u] }, max_gap = { tonumber(hi), units[u] } }, hard)
  end
  -- hver anden måned, hvert andet år, hver 3. uge, med 6 ugers mellemrum
  local k, u2 = body:match("^hvert? (%S+) ([%a\128-\255]+)$")
  if not k then k, u2 = body:match("^med (%S+) ([%a\128-\255]+) mellemrum$") end
  if k and units[u2] then
    local num = ordinal_words[k] or (k:match("^%d+%.?$") and count_of((k:gsub("%.$", ""))))
    if num and num > 0 then return rec(phrase, { max_gap = { num, units[u2] }, every = { num, units[u2] } }, hard) end
  end
  -- a longest gap as a duration: 6 uger, 2 måneder, et halvt år, et år
  local dn, du = body:match("^(%S+) ([%a\128-\255]+)$")
  if dn and count_of(dn) and units[du] and count_of(dn) > 0 then
    return rec(phrase, { max_gap = { count_of(dn), units[du] }, duration = true }, hard)
  end
  if body == "løbende" then return recurrence({ phrase = phrase, ongoing = true }) end
  local lw = body:match("^løbende (.+)$") or body:match("^løbende i (.+)$")
  if lw then
    local w = parse_when(lw, phrase)
    if w and w.what == "window" then return recurrence({ phrase = phrase, ongoing = true, window = w.period }) end
  end
  return nil
end

-- the reading of a whole phrase, or nil; may raise for an impossible date (M.parse catches it)
local function parse_phrase(phrase)
  if type(phrase) ~= "string" then return nil, "expected a date or phrase in quotes" end
  local s = norm(phrase)
  if s == "" then return nil, "the phrase is empty" end
  -- by the end of X (inclusive): senest med/ved udgangen af, inden udgangen af, frem mod ...
  for _, pre in ipairs { "senest med udgangen af ", "senest ved udgangen af ", "senest udgangen af ",
                         "inden udgangen af ", "med udgangen af ", "ved udgangen af ", "frem mod udgangen af ",
                         "frem til udgangen af ", "til udgangen af ", "udgangen af " } do
    if s:sub(1, #pre) == pre then
      local r = parse_when(s:sub(#pre + 1), phrase)
      if r then return deadline(last_of(r), { phrase = phrase, kind = "end", window = r.period }) end
      break
    end
  end
  -- senest X: on or before (the last day of a window)
  local latest = s:match("^senest med (.+)$") or s:match("^senest ved (.+)$") or s:match("^senest den (.+)$")
    or s:match("^senest (.+)$") or s:match("^ved (.+)$")
  if latest then
    local r = parse_when(latest, phrase)
    if r then return deadline(last_of(r), { phrase = phrase, kind = "latest" }) end
  end
  -- inden X / før X: strictly before its first day
  local before = s:match("^inden (.+)$") or s:match("^før (.+)$")
  if before then
    local r = parse_when(before, phrase)
    if r then return deadline(first_of(r):add_days(-1), { phrase = phrase, exclusive = true, kind = "before" }) end
  end
  -- fra X til Y: a window
  local from, to = s:match("^fra (.+) til (.+)$")
  if from then
    local a, b = parse_when(from, phrase), parse_when(to:gsub("^og med ", ""), phrase)
    if a and b then
      if last_of(b) < first_of(a) then return nil, ("\"%s\" ends before it starts"):format(phrase) end
      return window(period("range", first_of(a), last_of(b)), phrase)
    end
  end
  -- a recurrence, maybe with a start: "2 gange årligt fra 2009", "2x årligt med start 2. halvår 2016"
  local r = parse_recurrence(s, phrase)
  if r then return r end
  local body, start = s:match("^(.-) med start i? ?(.+)$")
  if not body then body, start = s:match("^(.-) fra (.+)$") end
  if body then
    local rb, w = parse_recurrence(body, phrase), parse_when(start, phrase)
    if rb and w then rb.from = first_of(w); return rb end
  end
  -- fra X: a start
  local only_from = s:match("^fra (.+)$")
  if only_from then
    local w = parse_when(only_from, phrase)
    if w then return { what = "start", date = first_of(w), phrase = phrase } end
  end
  local w = parse_when(s, phrase)
  if w then return w end
  -- nothing read: a statement about time without a year is never guessed
  if names_time(s) and (not has_year(s) or (from and (not has_year(from) or not has_year(to)))) then
    return no_year(phrase)
  end
  return nil, ("cannot read \"%s\" as a date, deadline, window or recurrence (see docs/time.md for the phrases qm knows)"):format(phrase)
end

--- time.parse(phrase) -> a reading (field `what`: "deadline", "window", "recurrence" or
--- "start"; a phrase without a year: a deadline with year_missing = true), or nil and why.
--- Never raises: an impossible date ("31. februar 2017", "ultimo 20166") is a reading error.
function M.parse(phrase)
  local ok, r, err = pcall(parse_phrase, phrase)
  if ok then return r, err end
  local why = tostring(r):gsub("^[^:]*stdlib/[^:]+:%d+: ", ""):gsub("^stdlib/[^:]+:%d+: ", "")
  return nil, ("cannot read \"%s\": %s"):format(tostring(phrase), why)
end
M.try_parse = M.parse

local kind_names = { deadline = "a deadline", window = "a window", recurrence = "a recurrence", start = "a start date" }
local wants = {
  deadline = "a date or a phrase like \"ultimo 2017\" or \"inden 1. oktober 2016\"",
  window = "a period like \"2016\", \"3. kvartal 2016\" or \"fra 3. kvartal 2016 til udgangen af 2017\"",
  recurrence = "a recurrence like \"2 gange årligt\", \"hvert ½ år\" or \"hver 4.-6. uge\"",
  gap = "a longest gap like \"hver anden måned\", \"6 uger\" or \"årligt\"",
}

--- time.read(phrase, want) -> the reading a field of kind `want` uses, or nil and why. want:
--- "deadline" (a window gives its last day), "window", "recurrence", "gap" (a recurrence with
--- a longest gap; once per period = at most one period apart), "deadlines" (a comma list), or
--- nil for any. A phrase without a year reads as { year_missing = true } for every kind: it
--- is "not evaluable: no year", never an error.
function M.read(phrase, want)
  if want == "deadlines" then
    return M.parse_list(phrase)
  end
  local r, err = M.parse(phrase)
  if not r then return nil, err end
  if r.year_missing or want == nil or want == "any" then return r end
  local function wrong()
    return nil, ("\"%s\" is %s, not %s: give %s"):format(phrase, kind_names[r.what] or r.what,
      kind_names[want] or "a longest gap", wants[want])
  end
  if want == "deadline" then
    if r.what == "deadline" then return r end
    if r.what == "window" then return deadline(r.period.last, { phrase = phrase, window = r.period }) end
    return wrong()
  elseif want == "window" then
    if r.what == "window" then return r end
    if r.what == "deadline" and not r.exclusive then return window(period("range", r.date, r.date), phrase) end
    if r.what == "recurrence" and r.window then return window(r.window, phrase) end
    return wrong()
  elseif want == "recurrence" then
    if r.what == "recurrence" then return r end
    return wrong()
  elseif want == "gap" then
    if r.what ~= "recurrence" then return wrong() end
    if r.max_gap then return r end
    if r.count == 1 and r.per then
      local g = ({ half = { 6, "month" }, quarter = { 3, "month" }, year = { 12, "month" }, month = { 1, "month" },
                   week = { 1, "week" } })[r.per]
      local copy = {}
      for k, v in pairs(r) do copy[k] = v end
      copy.max_gap = g
      return recurrence(copy)
    end
    if r.ongoing then return nil, ("\"%s\" is ongoing and has no longest gap: give %s"):format(phrase, wants.gap) end
    return nil, ("\"%s\" is a count per period, not a longest gap: use type = \"frequency\" with every = \"%s\", or give %s")
      :format(phrase, phrase, wants.gap)
  end
  error(("time.read: unknown kind %s"):format(tostring(want)), 2)
end

--- time.parse_list("Udgangen af 3. kvartal 2016, Ultimo 2017, Ultimo 2018") -> deadlines
function M.parse_list(s)
  if type(s) ~= "string" then return nil, "expected a date or phrase in quotes" end
  local out = {}
  for part in (s .. ","):gmatch("([^,]*),") do
    if part:match("^%s*$") then return nil, ("\"%s\" has an empty deadline between commas"):format(s) end
    local d, err = M.read(part:gsub("^%s+", ""):gsub("%s+$", ""), "deadline")
    if not d then return nil, err end
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

--- check_frequency(events, {count=, per=, window=Period, open=}, as_of) -> result
--- { status, reason, periods = { {label, first, last, count, required, ok, complete, status} } }
--- A period is complete once the as-of date is past its last day (on its last day events can
--- still come); its status is "met" (count reached), "missed" (complete and short) or "open".
--- Statuses: pending before the window starts; not achieved when a complete period was
--- missed; achieved when every period of the window is met and the window's last day is
--- reached (never for an open window: one that runs on from its start); on track otherwise.
function M.check_frequency(events, rule, as_of)
  as_of = M.parse_date(as_of)
  local evs = sorted_dates(events, as_of)
  local win = rule.window
  if not win then return { status = "not evaluable", reason = "no window given" } end
  local p = M.period_of(rule.per, win.first)
  local result = { periods = {} }
  local missed, all_met = {}, true
  while p.first <= win.last do
    local n = 0
    for _, d in ipairs(evs) do if p:contains(d) and win:contains(d) then n = n + 1 end end
    local complete = p.last < as_of
    local ok = n >= rule.count
    if not ok then all_met = false end
    if p.first <= as_of then
      local st = ok and "met" or (complete and "missed" or "open")
      result.periods[#result.periods + 1] = { label = p:label("da"), first = tostring(p.first < win.first and win.first or p.first),
        last = tostring((p.last > win.last and not rule.open) and win.last or p.last), count = n, required = rule.count, ok = ok,
        complete = complete, status = st }
      if st == "missed" then missed[#missed + 1] = ("%s (%d)"):format(p:label("da"), n) end
    end
    p = p:next()
  end
  if #missed > 0 then
    result.status, result.reason = "not achieved", ("%d period%s with fewer than %d: %s"):format(#missed,
      #missed == 1 and "" or "s", rule.count, table.concat(missed, ", "))
  elseif as_of < win.first then
    result.status, result.reason = "pending", "the window starts " .. tostring(win.first)
  elseif as_of >= win.last and all_met and not rule.open then
    result.status, result.reason = "achieved", "every period had at least " .. rule.count
  else
    local cur = result.periods[#result.periods]
    result.status, result.reason = "on track", ("every finished period had at least %d%s"):format(rule.count,
      cur and not cur.complete and (("; %s so far: %d"):format(cur.label, cur.count)) or "")
  end
  return result
end

--- check_max_gap(events, gap {n, unit}, window, as_of) -> { status, reason, largest (days),
--- from, to (the largest gap's ends), late = { from, to, days, running } (the first gap too
--- long; running when no event closed it by the as-of date) }. The gap still running at the
--- as-of date counts: it is too long once the as-of date is past the day the next event was due.
function M.check_max_gap(events, gap, win, as_of)
  as_of = M.parse_date(as_of)
  local evs = sorted_dates(events, as_of)
  local start = win and win.first or (evs[1] or as_of)
  local stop = win and (win.last < as_of and win.last or as_of) or as_of
  if as_of < start then return { status = "pending", reason = "the window starts " .. tostring(start), largest = 0 } end
  local prev, largest, worst_from, worst_to = start, 0, nil, nil
  local inside = {}
  for _, d in ipairs(evs) do if d >= start and d <= stop then inside[#inside + 1] = d end end
  local n_events = #inside
  inside[#inside + 1] = stop
  local late
  for i, d in ipairs(inside) do
    local g = d.days - prev.days
    if g > largest then largest, worst_from, worst_to = g, prev, d end
    if not late and g > gap_days(gap, prev) then
      late = { from = tostring(prev), to = tostring(d), days = g, running = i > n_events }
    end
    prev = d
  end
  if late then
    local r = { status = "not achieved", largest = largest, from = tostring(worst_from), to = tostring(worst_to), late = late }
    if late.running then
      r.reason = ("no event from %s to %s (%d days), more than %d %s"):format(late.from, late.to, late.days, gap[1], gap[2])
    else
      r.reason = ("a gap of %d days from %s to %s, more than %d %s"):format(late.days, late.from, late.to, gap[1], gap[2])
    end
    return r
  end
  local done = win and as_of >= win.last
  return { status = done and "achieved" or "on track", largest = largest, from = worst_from and tostring(worst_from),
           to = worst_to and tostring(worst_to), reason = ("largest gap %d days"):format(largest) }
end

--- time.after(date, gap {n, unit}) -> the date `gap` after `date`, in calendar terms: months,
--- quarters, halves and years by the calendar (clamped to the month's end: 2016-02-29 plus a
--- year is 2017-02-28), weeks and days by days
function M.after(d, g)
  d = M.parse_date(d)
  return d:add_days(gap_days(g, d))
end

--- time.longer_than(as_of, gap) -> the date c such that whoever started before c has been
--- there MORE than `gap` as of `as_of` (strictly: exactly six calendar months is not more
--- than half a year), by calendar months, so 29 February counts as one day
function M.longer_than(as_of, g)
  as_of = M.parse_date(as_of)
  local back = { g[1], g[2] }
  local c
  if g[2] == "day" or g[2] == "week" then c = as_of:add_days(-gap_days(back, as_of))
  else
    local months = ({ month = 1, quarter = 3, half = 6, year = 12 })[g[2]] * g[1]
    c = as_of:add_months(-months)
  end
  -- the first start date whose gap does not end before as_of (clamping can move it)
  while M.after(c, g) < as_of do c = c:add_days(1) end
  while M.after(c:add_days(-1), g) >= as_of do c = c:add_days(-1) end
  return c
end

--- due_window(last_event, min_gap, max_gap) -> from, to (dates); overdue when as_of > to
function M.due_window(last, min_gap, max_gap)
  last = M.parse_date(last)
  return last:add_days(gap_days(min_gap, last)), last:add_days(gap_days(max_gap, last))
end

function M.is_deadline(v) return getmetatable(v) == "deadline" end

return M
