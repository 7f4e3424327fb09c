-- cmd_consensus.lua — `qm consensus`: record the agreed score of a question, with a comment.
-- Recording starts consensus for the round, which locks its individual responses; every
-- change is kept in qm_consensus_history (who, when, old, new, comment).
local host = require "qm.host"
local cli = require "qm.engine.cli"
local context = require "qm.engine.context"
local store = require "qm.engine.store"
local scale = require "qm.rules.scale"

local M = {
  usage = "consensus --db FILE --write --model MODEL --round R --question Q (--score S | --dontknow)",
  summary = "record an agreed (consensus) score with a comment",
  options = {
    { name = "model", kind = "string", arg = "MODEL", doc = "the model file" },
    { name = "question", kind = "string", arg = "ID", doc = "the question" },
    { name = "score", kind = "string", arg = "S", doc = "the agreed score" },
    { name = "dontknow", kind = "flag", doc = "the group agrees it cannot score the question" },
    { name = "comment", kind = "string", arg = "TEXT", doc = "why (required when changing a recorded score)" },
    { name = "by", kind = "string", arg = "NAME", doc = "who decided" },
    { name = "strengths", kind = "string", arg = "TEXT", doc = "agreed strengths" },
    { name = "improvements", kind = "string", arg = "TEXT", doc = "agreed improvement areas" },
  },
}

function M.main(opts, args)
  for _, need in ipairs({ "db", "model", "round", "question" }) do
    if not opts[need] then cli.usage_error(("qm consensus needs --%s"):format(need)) end
  end
  if not opts.write then cli.usage_error("qm consensus writes to the database: give --write") end
  if (opts.score == nil) == (opts.dontknow == nil) then cli.usage_error("give either --score S or --dontknow") end
  local ctx = context.new(opts)
  local db = ctx:database()
  store.ensure(db)
  local m = ctx:load_model(opts.model)
  local q = m and m:find(opts.question)
  if not q or q.kind ~= "question" then host.raise(host.exit.model, ("model %s has no question \"%s\""):format(m and m.id or "?", opts.question), 0) end
  local r = store.round(db, opts.round)
  if not r then host.raise(host.exit.model, ("no round \"%s\""):format(opts.round), 0) end
  local x = { round = r.id, question = q.id, comment = opts.comment, by = opts.by, strengths = opts.strengths, improvements = opts.improvements }
  if opts.dontknow then x.dontknow = true
  else
    local v, msg = q:scale_of():check(tonumber(opts.score) or opts.score)
    if v == nil or v == scale.dontknow then host.raise(host.exit.model, ("question \"%s\": %s"):format(q.id, msg or "not a score"), 0) end
    x.score = v
  end
  local old = db:first("SELECT score FROM qm_consensus WHERE round_id = ? AND question = ?", { r.id, q.id })
  if old and not opts.comment then
    cli.usage_error(("question %s already has an agreed score (%s): changing it needs --comment saying why"):format(q.id, tostring(old.score)))
  end
  db:transaction(function() store.record_consensus(db, x) end)
  if not opts.quiet then
    io.stdout:write(("recorded %s = %s in round %s%s\n"):format(q.id, x.dontknow and "don't know" or tostring(x.score), r.id,
      old and (" (was " .. tostring(old.score) .. ")") or ""))
  end
  return host.exit.ok
end

return M
