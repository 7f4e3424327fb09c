-- time.lua — fuzz target "time": the Danish time parser (qm.eval.time), its user-text entries.
-- time.parse, time.parse_list, time.parse_date and time.deadline (docs/time.md). The contract:
-- parse and parse_list never raise and say what they did not understand; parse_date and
-- deadline raise only messages written for people; whatever is read is a well-formed deadline,
-- window, recurrence or start (a window does not end before it starts). See docs/fuzzing.md.
-- fuzz.sh options: -max_len=256
local fuzz = ...
local time = require "qm.eval.time"

local AS_OF = "2020-06-15"
local statuses = { achieved = true, ["not achieved"] = true, pending = true, ["not evaluable"] = true }
local unit_days = { day = 1, week = 7, month = 31, quarter = 92, half = 184, year = 366 }

local function finding(fmt, ...)
  error("finding: " .. fmt:format(...), 0)
end

local function check_message(msg, what, input)
  local why = fuzz.improper(msg, input)
  if why then finding("%s(%q): %s: %s", what, input, why, tostring(msg)) end
end

local function check_deadline(d, what, input)
  if getmetatable(d) ~= "deadline" then finding("%s(%q) gave a deadline without its type", what, input) end
  if d.year_missing then
    local st, why = d:status(AS_OF)
    if st ~= "not evaluable" then finding("%s(%q): a deadline without a year has status %s", what, input, tostring(st)) end
    return
  end
  if not time.is_date(d.date) then finding("%s(%q) gave a deadline without a date", what, input) end
  local st = d:status(AS_OF)
  if not statuses[st] then finding("%s(%q): status %s", what, input, tostring(st)) end
  tostring(d)
end

local function check_period(p, what, input)
  if not time.is_period(p) then finding("%s(%q) gave a window without a period", what, input) end
  if p.last < p.first then
    finding("%s(%q) gave a window that ends (%s) before it starts (%s)", what, input, tostring(p.last), tostring(p.first))
  end
  tostring(p)
end

local function check_gap(g, what, input, field)
  if g == nil then return nil end
  local n, unit = g[1], g[2]
  if type(n) ~= "number" or n < 1 or n ~= n or not unit_days[unit] then
    finding("%s(%q): %s is not a positive count of a known unit", what, input, field)
  end
  return n * unit_days[unit]
end

local function check_reading(r, what, input)
  if r.what == "deadline" then check_deadline(r, what, input)
  elseif r.what == "window" then check_period(r.period, what, input)
  elseif r.what == "recurrence" then
    if r.count ~= nil and (math.type(r.count) ~= "integer" or r.count < 1) then
      finding("%s(%q): a recurrence of %s times", what, input, tostring(r.count))
    end
    local lo = check_gap(r.min_gap, what, input, "min_gap")
    local hi = check_gap(r.max_gap, what, input, "max_gap")
    check_gap(r.every, what, input, "every")
    if lo and hi and r.min_gap[2] == r.max_gap[2] and r.min_gap[1] > r.max_gap[1] then
      finding("%s(%q): at least %d but at most %d %ss apart", what, input, r.min_gap[1], r.max_gap[1], r.min_gap[2])
    end
    if r.window then check_period(r.window, what, input) end
    if r.from ~= nil and not time.is_date(r.from) then finding("%s(%q): a recurrence from no date", what, input) end
    tostring(r)
  elseif r.what == "start" then
    if not time.is_date(r.date) then finding("%s(%q) gave a start without a date", what, input) end
  else
    finding("%s(%q) gave a reading of kind %s", what, input, tostring(r.what))
  end
end

return {
  timeout = 10,
  run = function(input)
    -- time.parse never raises: a reading, or nil and why
    local ok, r, err = pcall(time.parse, input)
    if not ok then finding("time.parse(%q) raised: %s", input, tostring(r)) end
    if r == nil then check_message(err, "time.parse", input) else check_reading(r, "time.parse", input) end

    local ok2, list, lerr = pcall(time.parse_list, input)
    if not ok2 then finding("time.parse_list(%q) raised: %s", input, tostring(list)) end
    if list == nil then check_message(lerr, "time.parse_list", input)
    else for _, d in ipairs(list) do check_deadline(d, "time.parse_list", input) end end

    -- these two raise for text they cannot read, with a message for people
    local ok3, d = pcall(time.parse_date, input)
    if ok3 then
      if not time.is_date(d) then finding("time.parse_date(%q) gave no date", input) end
    else
      check_message(d, "time.parse_date", input)
    end
    local ok4, dl = pcall(time.deadline, input)
    if ok4 then check_deadline(dl, "time.deadline", input) else check_message(dl, "time.deadline", input) end
  end,
}
