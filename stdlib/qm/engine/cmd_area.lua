-- cmd_area.lua — `qm area`: record an improvement area of a round (from the consensus), its
-- group (areas that hang together or depend on each other) and the criteria prioritisation
-- rules use (impact, effort, importance, reach, confidence, MoSCoW).
local host = require "qm.host"
local cli = require "qm.engine.cli"
local context = require "qm.engine.context"
local store = require "qm.engine.store"

local M = {
  usage = "area --db FILE --write --round R --add TEXT [--question Q] [--group NAME] [criteria]",
  summary = "record an improvement area with its group and prioritisation criteria",
  options = {
    { name = "add", kind = "string", arg = "TEXT", doc = "the improvement area" },
    { name = "question", kind = "string", arg = "ID", doc = "the question it comes from" },
    { name = "group", kind = "string", arg = "NAME", doc = "the group it belongs to (created when new)" },
    { name = "depends-on", kind = "string", arg = "GROUP", doc = "with --group: the group this group depends on" },
    { name = "impact", kind = "number", arg = "N", doc = "impact (e.g. 1-5)" },
    { name = "effort", kind = "number", arg = "N", doc = "effort (e.g. 1-5)" },
    { name = "importance", kind = "number", arg = "N", doc = "importance, for importance-performance analysis" },
    { name = "reach", kind = "number", arg = "N", doc = "RICE: reach" },
    { name = "confidence", kind = "number", arg = "N", doc = "RICE: confidence (0-1)" },
    { name = "moscow", kind = "string", arg = "M", doc = "must, should, could or won't", choices = { "must", "should", "could", "won't" } },
  },
}

function M.main(opts)
  if not opts.db or not opts.write then cli.usage_error("qm area needs --db FILE and --write") end
  if not opts.round or not opts.add then cli.usage_error("qm area needs --round R and --add TEXT") end
  local ctx = context.new(opts)
  local db = ctx:database()
  store.ensure(db)
  if not store.round(db, opts.round) then host.raise(host.exit.model, ("no round \"%s\""):format(opts.round), 0) end
  local id = db:transaction(function()
    local group
    if opts.group then
      group = db:scalar("SELECT id FROM qm_area_groups WHERE round_id = ? AND name = ?", { opts.round, opts.group })
      if not group then
        local dep
        if opts["depends-on"] then
          dep = db:scalar("SELECT id FROM qm_area_groups WHERE round_id = ? AND name = ?", { opts.round, opts["depends-on"] })
          if not dep then host.raise(host.exit.model, ("no group \"%s\" in round %s"):format(opts["depends-on"], opts.round), 0) end
        end
        group = store.add_group(db, { round = opts.round, name = opts.group, depends_on = dep })
      end
    end
    return store.add_area(db, { round = opts.round, question = opts.question, text = opts.add, group = group,
      impact = opts.impact, effort = opts.effort, importance = opts.importance, reach = opts.reach,
      confidence = opts.confidence, moscow = opts.moscow })
  end)
  if not opts.quiet then io.stdout:write(("added area %d\n"):format(id)) end
  return host.exit.ok
end

return M
