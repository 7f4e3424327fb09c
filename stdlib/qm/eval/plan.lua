-- plan.lua — the time of an action in a model's plan (`plan = { ... }`): what kind of time it
-- has ("efterår 2009" a window, "2 gange om året fra 2009" a recurrence, "løbende" ongoing,
-- ...) and its status as of a date. The "plan" report and `qm check` use these.
local time = require "qm.eval.time"

local M = {}

-- what kind of time an action has: start, deadline, window, recurrence, ongoing, none
function M.time_of(phrase)
  if phrase == nil or phrase == "" or phrase == "—" then return { kind = "none" } end
  local rec_from = phrase:match("^(.-)%s+fra%s+(.+)$")
  if rec_from then
    local body, from = phrase:match("^(.-)%s+fra%s+(.+)$")
    local r = time.parse(body)
    local w = time.parse(from)
    if r and r.what == "recurrence" and w and w.period then
      r.window = time.range(w.period.first, time.date(w.period.first.y + 2, 12, 31))
      return { kind = "recurrence", rec = r, starts = w.period.first }
    end
  end
  local r, err = time.parse(phrase)
  if not r then return { kind = "unreadable", error = err } end
  if r.what == "recurrence" then return { kind = r.ongoing and "ongoing" or "recurrence", rec = r } end
  if r.year_missing then return { kind = "no year", warning = r.warning } end
  if r.what == "window" then return { kind = "window", first = r.period.first, last = r.period.last } end
  if r.what == "deadline" then return { kind = "deadline", date = r.date } end
  return { kind = "unreadable" }
end

function M.status_of(t, as_of)
  if t.kind == "window" then
    if as_of < t.first then return "pending", "starts " .. tostring(t.first) end
    if as_of <= t.last then return "on track", "running until " .. tostring(t.last) end
    return "due", "should be done by " .. tostring(t.last)
  elseif t.kind == "deadline" then
    if as_of <= t.date then return "pending", "due " .. tostring(t.date) end
    return "due", "deadline " .. tostring(t.date) .. " has passed"
  elseif t.kind == "recurrence" then
    return "recurring", t.rec.count and ("%d per %s"):format(t.rec.count, t.rec.per) or (t.rec.max_gap and ("at most %d %s apart"):format(t.rec.max_gap[1], t.rec.max_gap[2])) or t.rec.phrase
  elseif t.kind == "ongoing" then return "ongoing", t.rec.window and ("until " .. tostring(t.rec.window.last)) or "no end"
  elseif t.kind == "no year" then return "not evaluable", "time has no year"
  elseif t.kind == "unreadable" then return "not evaluable", "time cannot be read"
  end
  return "not evaluable", "no time given"
end

return M
