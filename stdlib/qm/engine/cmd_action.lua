-- cmd_action.lua — `qm action`: add an action to a round's action plan (handleplan), or
-- change one; every change is kept in qm_action_history with who, when and why.
local host = require "qm.host"
local cli = require "qm.engine.cli"
local context = require "qm.engine.context"
local store = require "qm.engine.store"
local time = require "qm.eval.time"

local M = {
  usage = "action --db FILE --write --round R (--add TITLE | --id N) [fields]",
  summary = "add or change an action in a round's action plan",
  options = {
    { name = "add", kind = "string", arg = "TITLE", doc = "add an action with this title" },
    { name = "id", kind = "number", arg = "N", doc = "the action to change" },
    { name = "area", kind = "number", arg = "N", doc = "the improvement area the action serves" },
    { name = "owner", kind = "string", arg = "NAME", doc = "who is responsible" },
    { name = "start", kind = "string", arg = "DATE", doc = "start date" },
    { name = "deadline", kind = "string", arg = "DATE", doc = "deadline (YYYY-MM-DD)" },
    { name = "status", kind = "string", arg = "S", doc = "planned, started, done or cancelled",
      choices = { "planned", "started", "done", "cancelled" } },
    { name = "resources", kind = "string", arg = "TEXT", doc = "resources set aside" },
    { name = "themes", kind = "string", arg = "IDS", doc = "linked themes, comma-separated" },
    { name = "comment", kind = "string", arg = "TEXT", doc = "why (kept in the history)" },
    { name = "by", kind = "string", arg = "NAME", doc = "who made the change" },
  },
}

local function check_date(opt, v)
  if v == nil then return end
  local ok = pcall(time.parse_date, v)
  if not ok then cli.usage_error(("--%s %s: give a date like 2026-03-31"):format(opt, v)) end
end

function M.main(opts)
  if not opts.db or not opts.write then cli.usage_error("qm action needs --db FILE and --write") end
  if (opts.add == nil) == (opts.id == nil) then cli.usage_error("give either --add TITLE or --id N") end
  check_date("start", opts.start)
  check_date("deadline", opts.deadline)
  local ctx = context.new(opts)
  local db = ctx:database()
  store.ensure(db)
  if opts.add then
    if not opts.round then cli.usage_error("adding an action needs --round R") end
    if not store.round(db, opts.round) then host.raise(host.exit.model, ("no round \"%s\""):format(opts.round), 0) end
    local id = db:transaction(function()
      return store.add_action(db, { round = opts.round, area = opts.area and math.tointeger(opts.area), title = opts.add,
        owner = opts.owner, start = opts.start, deadline = opts.deadline, status = opts.status, resources = opts.resources,
        themes = opts.themes, comment = opts.comment, by = opts.by })
    end)
    if not opts.quiet then io.stdout:write(("added action %d\n"):format(id)) end
    return host.exit.ok
  end
  local changes = {}
  for _, f in ipairs({ "owner", "start", "deadline", "status", "resources", "themes" }) do
    if opts[f] ~= nil then changes[f] = opts[f] end
  end
  if opts.status == "done" then changes.done_at = opts["as-of"] or store.now():sub(1, 10) end
  if next(changes) == nil then cli.usage_error("nothing to change: give --status, --owner, --deadline, ...") end
  db:transaction(function() store.update_action(db, math.tointeger(opts.id), changes, opts.by, opts.comment) end)
  if not opts.quiet then io.stdout:write(("changed action %d\n"):format(math.tointeger(opts.id))) end
  return host.exit.ok
end

return M
