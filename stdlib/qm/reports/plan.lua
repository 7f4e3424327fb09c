-- plan.lua — action plans declared in a model (`plan = { ... }`) and prioritisations
-- recorded with reasons (`priorities = { ... }`): the learning organisation's trin 2 plan, the
-- case-audit activity plan. Each action has an id, a title, an owner, a time in Danish
-- ("efterår 2009", "2 gange om året fra 2009", "løbende 2009-2011", "årligt") and links to
-- model elements (`links = { "10", "5" }`) and to other goals (`goals = { ... }`).
-- Reports: "plan" (each action with the kind of time it has and what is due as of a date),
-- "daekning" (which elements have actions, and how many), "prioriteter" (the recorded choice
-- with reasons, beside a score-based order when the model has a survey).
local registry = require "qm.engine.reports"
local report = require "qm.reports.document"
local json = require "qm.reports.json"
local i18n = require "qm.reports.i18n"
local evalplan = require "qm.eval.plan"
local time_of, status_of = evalplan.time_of, evalplan.status_of

local M = {}

local function list(v) if type(v) == "string" then return { v } end return v or {} end

function M.plan(ctx, m, out)
  local L = i18n.of(ctx, m)
  local as_of = ctx:as_of(m)
  local rows, data = {}, json.array({})
  for i, a in ipairs(m.plan or {}) do
    local t = time_of(a.time)
    local st, why = status_of(t, as_of)
    rows[#rows + 1] = { id = a.id or i, title = a.title, owner = a.owner or "", time = a.time or "", kind = t.kind,
                        status = st, why = why, links = table.concat(list(a.links), ", "), goals = table.concat(list(a.goals), ", ") }
    data[#data + 1] = json.object({ id = a.id or i, title = a.title, owner = a.owner, group = a.group, time = a.time, time_kind = t.kind,
      status = st, reason = why, links = json.array(list(a.links)), goals = json.array(list(a.goals)) },
      { "id", "title", "owner", "group", "time", "time_kind", "status", "reason", "links", "goals" })
  end
  local doc = report.document { lang = L.lang, title = L("plan.title", { model = m.title or m.id }),
    subtitle = L("plan.subtitle", { date = tostring(as_of) }),
    data = json.object({ model = m.id, as_of = tostring(as_of), actions = data }, { "model", "as_of", "actions" }) }
  doc:table { name = "plan", columns = { { key = "id", title = "#" }, { key = "title", title = L("col.action"), wrap = 40 },
    { key = "owner", title = L("col.owner"), wrap = 24 }, { key = "time", title = L("plan.col.time"), wrap = 24 },
    { key = "kind", title = L("plan.col.kind"), text = function(v) return L("plan.kind." .. v:gsub(" ", "_")) end },
    { key = "status", title = L("col.status"), text = function(v) return L:status(v) end },
    { key = "why", title = L("col.reason"), text = function(v) return L:reason(v) end }, { key = "links", title = L("plan.col.links") },
    { key = "goals", title = L("plan.col.goals") } }, rows = rows }
  report.write(doc, ctx.opts.format, out)
end

function M.coverage(ctx, m, out)
  local L = i18n.of(ctx, m)
  local counts, actions = {}, {}
  for _, a in ipairs(m.plan or {}) do
    for _, l in ipairs(list(a.links)) do
      local e = m:find(l)
      if e then
        counts[e.id] = (counts[e.id] or 0) + 1
        actions[e.id] = actions[e.id] or {}
        table.insert(actions[e.id], tostring(a.id or a.title))
      end
    end
  end
  local rows, data, uncovered = {}, json.array({}), 0
  local parent = m.coverage_of and m:find(m.coverage_of) or m
  for _, th in ipairs(parent.children) do
    if th.kind == "theme" then
      local n = counts[th.id] or 0
      if n == 0 then uncovered = uncovered + 1 end
      rows[#rows + 1] = { id = th.id, title = th.title, actions = n, which = table.concat(actions[th.id] or {}, ", ") }
      data[#data + 1] = json.object({ id = th.id, title = th.title, actions = n, action_ids = json.array(actions[th.id] or {}) },
        { "id", "title", "actions", "action_ids" })
    end
  end
  local doc = report.document { lang = L.lang, title = L("daekning.title", { model = m.title or m.id }),
    subtitle = L("daekning.subtitle"),
    data = json.object({ model = m.id, uncovered = uncovered, elements = data }, { "model", "uncovered", "elements" }) }
  doc:keyvalues { { L("daekning.uncovered"), uncovered } }
  doc:table { name = "coverage", columns = { { key = "id", title = "#" }, { key = "title", title = L("col.element") },
    { key = "actions", title = L("daekning.col.actions") }, { key = "which", title = L("daekning.col.which") } }, rows = rows }
  report.write(doc, ctx.opts.format, out)
end

-- the recorded prioritisation, with reasons; with a survey (survey_sql giving element and
-- score) and a database, the score-based order beside it: the lowest mean score first
function M.priorities(ctx, m, out)
  local L = i18n.of(ctx, m)
  local rows, data = {}, json.array({})
  for i, p in ipairs(m.priorities or {}) do
    local e = m:find(p.id)
    rows[#rows + 1] = { rank = i, id = p.id, title = e and e.title or "", reason = p.reason or "" }
    data[#data + 1] = json.object({ rank = i, id = p.id, title = e and e.title, reason = p.reason }, { "rank", "id", "title", "reason" })
  end
  local doc = report.document { lang = L.lang, title = L("prioriteter.title", { model = m.title or m.id }),
    subtitle = L("prioriteter.subtitle") }
  doc:table { name = "recorded", columns = { { key = "rank", title = "#" }, { key = "id", title = "Id" }, { key = "title", title = L("col.element") },
    { key = "reason", title = L("col.reason"), wrap = 60 } }, rows = rows }
  local scored = json.array({})
  local db = ctx:model_database()
  if m.survey_sql and db then
    require("qm.eval.contract").check_query(db, m, "prioriteter", "survey", m.survey_sql, ctx.params)
    local srows = {}
    for r in db:query("SELECT element, avg(score) AS mean, count(*) AS n FROM (" .. m.survey_sql .. ") GROUP BY element ORDER BY mean, element", ctx.params) do
      local e = m:find(tostring(r.element))
      srows[#srows + 1] = { rank = #srows + 1, id = tostring(r.element), title = e and e.title or "", mean = r.mean, n = r.n }
      scored[#scored + 1] = json.object({ rank = #srows, id = tostring(r.element), mean = r.mean, n = r.n },
        { "rank", "id", "mean", "n" })
    end
    doc:heading(L("prioriteter.by_survey"), 3)
    doc:table { name = "scored", columns = { { key = "rank", title = "#" }, { key = "id", title = "Id" }, { key = "title", title = L("col.element") },
      { key = "mean", title = L("col.mean"), align = "right", format = function(v) return ("%.2f"):format(v) end,
        text = function(v) return L:num(v, 2, true) end }, { key = "n", title = L("prioriteter.col.answers") } }, rows = srows }
  elseif m.survey_sql then
    doc:paragraph(L("prioriteter.with_db"))
  end
  doc.data = json.object({ model = m.id, recorded = data, by_survey = scored }, { "model", "recorded", "by_survey" })
  report.write(doc, ctx.opts.format, out)
end

registry.register("plan", M.plan, "the model's action plan: owners, the kind of time each action has, what is due as of --as-of", { "plan" })
registry.register("daekning", M.coverage, "which themes have actions in the plan, and how many", { "plan" })
registry.register("prioriteter", M.priorities, "the prioritisation recorded with reasons, and a survey-based order beside it", { "priorities" })

return M
