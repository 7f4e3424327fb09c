-- plan.lua — the time of an action in a model's plan (`plan = { ... }`): what kind of time it
-- has ("efterår 2009" a window, "2 gange om året fra 2009" a recurrence, "løbende" ongoing,
-- ...) and its status as of a date. The "plan" report and `qm check` use these.
local time = require "qm.eval.time"

local M = {}

-- what kind of time an action has: start, deadline, window, recurrence, ongoing, none; read
-- by the one phrase reader every time field uses (time.read), so "2 gange årligt fra 2009"
-- means the same here as in an indicator's `every`
function M.time_of(phrase)
  if phrase == nil or phrase == "" or phrase == "—" then return { kind = "none" } end
  local r, err = time.read(phrase)
  if not r then return { kind = "unreadable", error = err } end
  if r.year_missing then return { kind = "no year", warning = r.warning } end
  if r.what == "recurrence" then return { kind = r.ongoing and "ongoing" or "recurrence", rec = r, starts = r.from } end
  if r.what == "window" then return { kind = "window", first = r.period.first, last = r.period.last } end
  if r.what == "deadline" then return { kind = "deadline", date = r.date } end
  if r.what == "start" then return { kind = "start", date = r.date } end
  return { kind = "unreadable", error = ("cannot read \"%s\""):format(phrase) }
end

function M.status_of(t, as_of)
  if t.kind == "window" then
    if as_of < t.first then return "pending", "starts " .. tostring(t.first) end
    if as_of <= t.last then return "on track", "running until " .. tostring(t.last) end
    return "due", "should be done by " .. tostring(t.last)
  elseif t.kind == "deadline" then
    if as_of <= t.date then return "pending", "due " .. tostring(t.date) end
    return "due", "deadline " .. tostring(t.date) .. " has passed"
  elseif t.kind == "start" then
    if as_of < t.date then return "pending", "starts " .. tostring(t.date) end
    return "ongoing", "started " .. tostring(t.date)
  elseif t.kind == "recurrence" then
    if t.starts and as_of < t.starts then return "pending", "starts " .. tostring(t.starts) end
    return "recurring", (t.rec.count and ("%d per %s"):format(t.rec.count, t.rec.per) or (t.rec.max_gap and ("at most %d %s apart"):format(t.rec.max_gap[1], t.rec.max_gap[2])) or t.rec.phrase)
      .. (t.starts and (" from " .. tostring(t.starts)) or "")
  elseif t.kind == "ongoing" then return "ongoing", t.rec.window and ("until " .. tostring(t.rec.window.last)) or "no end"
  elseif t.kind == "no year" then return "not evaluable", "time has no year"
  elseif t.kind == "unreadable" then return "not evaluable", "time cannot be read"
  end
  return "not evaluable", "no time given"
end

return M
