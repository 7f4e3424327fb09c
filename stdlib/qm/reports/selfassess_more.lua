-- selfassess_more.lua — the self-assessment's reports other than the konsensusrapport:
-- svarrapport, konsensus (the meeting's agenda), prioritering, handleplan, opfoelgning,
-- rollup, skema, statistik, landsoversigt and demo, and the functions only they use
-- (docs/selfassessment.md). They are functions of qm.reports.selfassess (M below is that
-- module): this file is loaded by the first use of one of them, so the konsensusrapport,
-- the report a consultant runs most, loads only what it runs.
local M = require "qm.reports.selfassess"
local registry = require "qm.engine.reports"
local store = require "qm.engine.store"
local report = require "qm.reports.document"
local json = require "qm.reports.json"
local consensus = require "qm.rules.consensus"
local prioritise = require "qm.rules.prioritise"
local stats = require "qm.eval.stats"
local time = require "qm.eval.time"
local host = require "qm.host"
local i18n = require "qm.reports.i18n"
local rows = require "qm.rows"

local null_to_nil = M.helpers.null_to_nil
local need_db = M.helpers.need_db
local unit_name = M.helpers.unit_name
local state_conventions = M.helpers.state_conventions
local fmtnum = M.helpers.fmtnum
local shown = M.helpers.shown
local chart_format = M.helpers.chart_format
local scale_bounds = M.helpers.scale_bounds
local question_words = M.helpers.question_words
local proposal = M.helpers.proposal
local score_text = M.helpers.score_text

-- ---------------------------------------------------------------- svarrapport

-- the participants' labels: "names" (anonymise=false) their names, "stable" (the model's
-- stable_labels = true) P1..Pn by participant code, the same in every question; "none" (the
-- default when anonymised) no label at all
local function participants(db, round_id, mode)
  local label = {}
  for i, p in ipairs(db:rows("SELECT code, name, role FROM qm_participants WHERE round_id = ? ORDER BY code", { round_id })) do
    label[p.code] = mode == "stable" and ("P" .. i) or mode == "names" and (null_to_nil(p.name) or p.code) or nil
  end
  return label
end

local function anonymise_of(ctx)
  local v = ctx.params.anonymise
  return not (v == false or v == "false" or v == 0 or v == "nej" or v == "no")
end

-- how the svarrapport labels participants (docs/reports.md, "Small groups")
function M.label_mode(ctx, m)
  if not anonymise_of(ctx) then return "names" end
  if m.stable_labels == true then return "stable" end
  return "none"
end

-- value order: the scores from lowest to highest, then "ved ikke", then no score; equal
-- scores by their texts, so the order says nothing about who answered
local function value_order(a, b)
  local function rank(x)
    if x.dontknow == 1 then return 2 end
    if x.score == nil or x.score == host.null then return 3 end
    return 1
  end
  local ra, rb = rank(a), rank(b)
  if ra ~= rb then return ra < rb end
  if ra == 1 and a.score ~= b.score then return a.score < b.score end
  for _, k in ipairs { "strengths", "improvements", "suggestions" } do
    local x, y = tostring(null_to_nil(a[k]) or ""), tostring(null_to_nil(b[k]) or "")
    if x ~= y then return x < y end
  end
  return false
end


-- the parts of composite scores (CAF fine-tuned) of a round: question -> participant ->
-- { PLAN = 60, ... }; empty when the round has none
function M.parts(db, round_id)
  local out = {}
  for x in db:query("SELECT question, participant, part, value FROM qm_response_parts WHERE round_id = ?", { round_id }) do
    out[x.question] = out[x.question] or {}
    out[x.question][x.participant] = out[x.question][x.participant] or {}
    out[x.question][x.participant][x.part] = x.value
  end
  return out
end

-- "PLAN 60 · DO 50 · CHECK 40 · ACT 30" in the scale's order
local function parts_text(sc, values, fmt)
  if not values or not sc or not sc.parts then return nil end
  local bits = {}
  for _, p in ipairs(sc.parts) do
    local v = values[p:upper()]
    if v ~= nil then bits[#bits + 1] = ("%s %s"):format(p:upper(), tostring(fmt(v))) end
  end
  return #bits > 0 and table.concat(bits, " · ") or nil
end

local function parts_json(sc, values, each)
  if not values or not sc or not sc.parts then return nil end
  local keys, o = {}, {}
  for _, p in ipairs(sc.parts) do
    local k = p:upper()
    if values[k] ~= nil then keys[#keys + 1] = k; o[k] = each and each(values[k]) or values[k] end
  end
  return json.object(o, keys)
end

function M.svarrapport(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db = need_db(ctx)
  local r = M.rounds(ctx, db, m, true)[1]
  local mode = M.label_mode(ctx, m)
  local label = participants(db, r.id, mode)
  local st = M.round_stats(db, m, r.id)
  local doc = report.document { lang = L.lang, title = L("svarrapport.title", { model = m.title or m.id }),
    subtitle = L("svarrapport.subtitle." .. mode, { round = r.id, unit = unit_name(db, r.unit_id) }) }
  local data = json.object({ model = m.id, round = r.id, unit = r.unit_id, anonymised = mode ~= "names", labels = mode,
    conventions = M.conventions(m), themes = json.array({}) },
    { "model", "round", "unit", "anonymised", "labels", "conventions", "themes" })
  state_conventions(doc, m, L)
  if mode == "none" then doc:paragraph(L("svarrapport.value_order")) end
  local responses = {}
  for x in db:query("SELECT * FROM qm_responses WHERE round_id = ? ORDER BY question, participant", { r.id }) do
    responses[x.question] = responses[x.question] or {}
    table.insert(responses[x.question], x)
  end
  local parts = M.parts(db, r.id)
  local csv_rows = {}
  local cols = {}
  if mode ~= "none" then cols[#cols + 1] = { key = "participant", title = L("col.participant") } end
  cols[#cols + 1] = { key = "score", title = L("col.points"), align = "right", text = score_text(L) }
  cols[#cols + 1] = { key = "strengths", title = L("col.strengths"), wrap = 40 }
  cols[#cols + 1] = { key = "improvements", title = L("col.improvements"), wrap = 40 }
  for _, th in ipairs(m:themes()) do
    local tdata = json.object({ id = th.id, title = th.title, questions = json.array({}) }, { "id", "title", "questions" })
    doc:heading(("%s %s"):format(th.id, th.title or ""))
    for _, q in ipairs(th.children) do
      if q.kind == "question" then
        local qs = st[q.id] or { n = 0, dontknow = 0 }
        doc:paragraph(("%s  %s"):format(q.id, q.text))
        local rows = {}
        local answers = json.array({})
        local list = responses[q.id] or {}
        if mode == "none" then table.sort(list, value_order)
        else table.sort(list, function(a, b) return label[a.participant] < label[b.participant] end) end
        local sc = q:scale_of()
        local qparts = sc and sc.parts and parts[q.id] or nil
        for _, x in ipairs(list) do
          local score = x.dontknow == 1 and "dontknow" or fmtnum(null_to_nil(x.score))
          local who = label[x.participant]
          local pv = qparts and qparts[x.participant]
          local row = { participant = who, score = score, parts = parts_text(sc, pv, fmtnum), pv = pv,
                        strengths = null_to_nil(x.strengths),
                        improvements = null_to_nil(x.improvements), suggestions = null_to_nil(x.suggestions) }
          rows[#rows + 1] = row
          answers[#answers + 1] = json.object({ participant = who or host.null, score = score,
            parts = parts_json(sc, pv), strengths = row.strengths, improvements = row.improvements, suggestions = row.suggestions },
            { "participant", "score", "parts", "strengths", "improvements", "suggestions" })
          csv_rows[#csv_rows + 1] = { theme = th.id, question = q.id, participant = who, score = score,
            parts = row.parts, strengths = row.strengths, improvements = row.improvements, suggestions = row.suggestions }
        end
        local columns = {}
        for _, c in ipairs(cols) do
          columns[#columns + 1] = c
          if c.key == "score" and qparts then
            columns[#columns + 1] = { key = "parts", title = L("col.parts"),
              text = function(_, row) return parts_text(sc, row.pv, function(v) return L:num(v, 1) end) end }
          end
        end
        doc:table { name = "q" .. q.id, columns = columns, rows = rows }
        local modes = {}
        for i, v in ipairs(qs.modes or {}) do modes[i] = L:num(v, 1) end
        doc:paragraph(L("svarrapport.stats", { n = qs.n, dontknow = qs.dontknow or 0, mean = shown(L, qs.mean),
          median = shown(L, qs.median), modes = #modes > 0 and table.concat(modes, "/") or "–",
          min = shown(L, qs.min), max = shown(L, qs.max), sd = shown(L, qs.sd) }))
        tdata.questions[#tdata.questions + 1] = json.object({ id = q.id, text = q.text, answers = answers,
          stats = M.stats_data(qs) }, { "id", "text", "answers", "stats" })
      end
    end
    data.themes[#data.themes + 1] = tdata
  end
  doc.data = data
  if ctx.opts.format == "csv" then
    local d2 = report.document { lang = L.lang }
    local columns = { { key = "theme" }, { key = "question" }, { key = "participant" }, { key = "score" } }
    if next(parts) then columns[#columns + 1] = { key = "parts" } end
    for _, k in ipairs({ "strengths", "improvements", "suggestions" }) do columns[#columns + 1] = { key = k } end
    d2:table { columns = columns, rows = csv_rows }
    doc = d2
  end
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- the agenda

function M.agenda_items(db, m, round_id)
  local st = M.round_stats(db, m, round_id)
  local items = {}
  for i, q in ipairs(m:questions()) do
    local qs = st[q.id] or { n = 0, dontknow = 0 }
    local p = proposal(m, q, qs)
    items[#items + 1] = { question = q, order = i, stats = qs, proposal = p.score, flag = p.flag and true or false, reason = p.reason }
  end
  return items
end

-- per question of a round, the parts' medians and ranges: question -> { PLAN = { median, min, max } }
function M.part_stats(db, round_id)
  local out = {}
  for x in db:query([[SELECT question, part, median(value) AS median, min(value) AS min, max(value) AS max
                      FROM qm_response_parts WHERE round_id = ? GROUP BY question, part]], { round_id }) do
    out[x.question] = out[x.question] or {}
    out[x.question][x.part] = { median = x.median, min = x.min, max = x.max }
  end
  return out
end

function M.konsensus(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db = need_db(ctx)
  local r = M.rounds(ctx, db, m, true)[1]
  local items = consensus.agenda(M.agenda_items(db, m, r.id))
  local pstats = M.part_stats(db, r.id)
  local rows, data = {}, json.array({})
  for i, it in ipairs(items) do
    local qs = it.stats
    local ms = {}
    for k, v in ipairs(qs.modes or {}) do ms[k] = ("%g"):format(v) end
    local sc = it.question:scale_of()
    local ps = pstats[it.question.id]
    local medians
    if ps then
      medians = {}
      for k, v in pairs(ps) do medians[k] = v.median end
    end
    rows[#rows + 1] = { rank = i, question = it.question.id, n = qs.n, dk = qs.dontknow, mean = fmtnum(qs.mean), median = fmtnum(qs.median),
      modes = #ms > 0 and table.concat(ms, "/") or nil, range = fmtnum(qs.range), sd = fmtnum(qs.sd), iqr = fmtnum(qs.iqr),
      within = fmtnum(qs.within_k, 2), k = qs.k, rwg = fmtnum(qs.rwg, 2), proposal = it.proposal,
      parts = parts_text(sc, medians, fmtnum), sc = sc, medians = medians, flag = it.flag and (it.reason or "") or nil }
    data[#data + 1] = json.object({ rank = i, question = it.question.id, text = it.question.text, stats = M.stats_data(qs),
      parts = parts_json(sc, ps, function(v)
        return json.object({ median = v.median, min = v.min, max = v.max }, { "median", "min", "max" })   -- unrounded
      end),
      proposal = it.proposal, flag = it.flag, reason = it.reason }, { "rank", "question", "text", "stats", "parts", "proposal", "flag", "reason" })
  end
  local doc = report.document { lang = L.lang, title = L("konsensus.title"),
    subtitle = L("konsensus.subtitle", { round = r.id, unit = unit_name(db, r.unit_id) }),
    data = json.object({ model = m.id, round = r.id, unit = r.unit_id, conventions = M.conventions(m), agenda = data },
      { "model", "round", "unit", "conventions", "agenda" }) }
  state_conventions(doc, m, L)
  local columns = { { key = "rank", title = "#" },
    { key = "question", title = L("col.question"), text = function(v) return question_words(m, v) end, wrap = 44 },
    { key = "n", title = "n" }, { key = "dk", title = L("konsensus.col.dontknow") }, { key = "mean", title = L("col.mean") },
    { key = "median", title = L("col.median") },
    { key = "modes", title = L("col.modes"), align = "right",
      text = function(v) return v and (v:gsub("%.", L.decimal)) end },
    { key = "range", title = L("col.range") }, { key = "sd", title = L("col.sd") }, { key = "iqr", title = "IQR" },
    { key = "within", title = L("konsensus.col.within"), align = "right",
      text = function(v, row) if v == nil then return nil end return L("konsensus.within", { share = v, k = row.k }) end },
    { key = "rwg", title = "rwg" }, { key = "proposal", title = L("konsensus.col.proposal") } }
  if next(pstats) then
    columns[#columns + 1] = { key = "parts", title = L("konsensus.col.parts"),
      text = function(_, row) return parts_text(row.sc, row.medians, function(v) return L:num(v, 1) end) end }
  end
  columns[#columns + 1] = { key = "flag", title = L("konsensus.col.discuss"), wrap = 36,
    text = function(v) if v == nil then return nil end return "! " .. L:reason(v) end }
  doc:table { name = "agenda", columns = columns, rows = rows }
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- prioritering

-- improvement areas of a round, ordered by the model's rule
function M.areas(db, m, round_id)
  local agreed = M.agreed(db, m, round_id)
  local order = {}
  for i, q in ipairs(m:questions()) do order[q.id] = i end
  local areas = {}
  for a in db:query([[SELECT a.*, g.name AS group_name FROM qm_areas a LEFT JOIN qm_area_groups g ON g.id = a.group_id
                      WHERE a.round_id = ? ORDER BY a.id]], { round_id }) do
    local q = null_to_nil(a.question)
    local c = q and agreed[q]
    areas[#areas + 1] = { id = a.id, question = q, text = a.text, group = null_to_nil(a.group_name), order = q and order[q] or 1e9,
      score = c and c.dontknow == 0 and null_to_nil(c.score) or nil, target = m.target, impact = null_to_nil(a.impact),
      effort = null_to_nil(a.effort), importance = null_to_nil(a.importance), reach = null_to_nil(a.reach),
      confidence = null_to_nil(a.confidence), moscow = null_to_nil(a.moscow) }
  end
  if #areas == 0 then
    -- none recorded: every agreed question below the target is an area
    for q, c in pairs(agreed) do
      if c.dontknow == 0 and c.score ~= host.null and m.target and c.score < m.target then
        local el = m:find(q)
        areas[#areas + 1] = { id = q, question = q, text = null_to_nil(c.improvements) or (el and el.text) or q,
          order = order[q] or 1e9, score = c.score, target = m.target }
      end
    end
  end
  local rule = m.prioritise or prioritise.gap { target = m.target or (m.scale and m.scale.max) }
  return prioritise.apply(rule, areas)
end

function M.prioritering(ctx, m, out, doc_in)
  local L = i18n.of(ctx, m)
  local db = need_db(ctx)
  local r = doc_in and doc_in.round or M.rounds(ctx, db, m, true)[1]
  local areas = M.areas(db, m, r.id)
  local rows, data = {}, json.array({})
  for _, a in ipairs(areas) do
    rows[#rows + 1] = { rank = a.rank, focus = a.in_focus and "*" or "", question = a.question, area = a.text, group = a.group,
                        score = fmtnum(a.score), reason = a.reason }
    data[#data + 1] = json.object({ rank = a.rank, in_focus = a.in_focus, question = a.question, text = a.text, group = a.group,
      score = a.score, quadrant = a.quadrant, reason = a.reason }, { "rank", "in_focus", "question", "text", "group", "score", "quadrant", "reason" })
  end
  local doc = doc_in and doc_in.doc or report.document { lang = L.lang, title = L("prioritering.title"),
    subtitle = L("sa.round_unit", { round = r.id, unit = unit_name(db, r.unit_id) }) }
  if doc_in then doc:heading(L("prioritering.heading"), 2) end
  doc:table { name = "areas", columns = { { key = "rank", title = "#" }, { key = "focus", title = L("prioritering.col.focus") },
    { key = "question", title = L("col.question"), text = function(v) return question_words(m, v) end, wrap = 36 },
    { key = "area", title = L("col.area"), wrap = 36 }, { key = "group", title = L("col.group") }, { key = "score", title = L("col.score") },
    { key = "reason", title = L("col.reason"), text = function(v) return L:reason(v) end, wrap = 36 } }, rows = rows }
  if doc_in then return data end
  doc.data = json.object({ model = m.id, round = r.id, areas = data }, { "model", "round", "areas" })
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- handleplan

function M.actions(db, round_id, as_of)
  local list = {}
  for a in db:query("SELECT * FROM qm_actions WHERE round_id = ? ORDER BY coalesce(deadline, '9999'), id", { round_id }) do
    local deadline = null_to_nil(a.deadline)
    local okd, d = true, nil
    if deadline then okd, d = pcall(time.parse_date, deadline) end
    if not okd then
      host.raise(host.exit.model, ("action %d (%s) has deadline \"%s\", which is not a date (YYYY-MM-DD)"):format(a.id, a.title, deadline), 0)
    end
    local overdue = d and a.status ~= "done" and a.status ~= "cancelled" and d < as_of
    list[#list + 1] = { id = a.id, title = a.title, owner = null_to_nil(a.owner), start = null_to_nil(a.start), deadline = deadline,
      status = a.status, resources = null_to_nil(a.resources), themes = null_to_nil(a.themes), overdue = overdue and true or false }
  end
  return list
end

-- an action's linked themes ("ledelse,ressourcer", as qm action --themes stores them) in
-- words for people: each theme's title (a question: its id and text); an id the model does not
-- have is shown as it is (JSON and CSV keep the ids)
local function element_titles(m, ids)
  if type(ids) ~= "string" then return ids end
  local out = {}
  for id in ids:gmatch("[^,;]+") do
    id = id:match("^%s*(.-)%s*$")
    local e = id ~= "" and m:find(id) or nil
    if e and e.kind == "question" then out[#out + 1] = id .. " " .. (e.text or e.title or "")
    elseif e then out[#out + 1] = e.title or id
    elseif id ~= "" then out[#out + 1] = id end
  end
  return table.concat(out, ", ")
end

function M.handleplan(ctx, m, out, doc_in)
  local L = i18n.of(ctx, m)
  local db = need_db(ctx)
  local r = doc_in and doc_in.round or M.rounds(ctx, db, m, true)[1]
  local as_of = ctx:as_of(m)
  local list = M.actions(db, r.id, as_of)
  local rows, data, overdue = {}, json.array({}), 0
  for _, a in ipairs(list) do
    if a.overdue then overdue = overdue + 1 end
    rows[#rows + 1] = { id = a.id, title = a.title, owner = a.owner, start = a.start, deadline = a.deadline,
      status = a.status, overdue = a.overdue, themes = a.themes }
    data[#data + 1] = json.object(a, { "id", "title", "owner", "start", "deadline", "status", "overdue", "resources", "themes" })
  end
  local doc = doc_in and doc_in.doc or report.document { lang = L.lang, title = L("handleplan.title"),
    subtitle = L("handleplan.subtitle", { round = r.id, unit = unit_name(db, r.unit_id), date = tostring(as_of) }) }
  if doc_in then doc:heading(L("handleplan.heading", { date = tostring(as_of) }), 2) end
  doc:keyvalues { { L("handleplan.actions"), #list }, { L("handleplan.overdue"), overdue } }
  doc:table { name = "actions", columns = { { key = "id", title = "#" }, { key = "title", title = L("col.action"), wrap = 40 },
    { key = "owner", title = L("col.owner") }, { key = "start", title = L("col.start") }, { key = "deadline", title = L("col.deadline") },
    { key = "status", title = L("col.status"), text = function(v) return L:status(v) end },
    { key = "overdue", title = L("handleplan.col.overdue"), text = function(v) return v and L("word.yes") or "" end },
    { key = "themes", title = L("col.themes"), text = function(v) return element_titles(m, v) end } }, rows = rows }
  if doc_in then return data end
  doc.data = json.object({ model = m.id, round = r.id, as_of = tostring(as_of), overdue = overdue, actions = data },
    { "model", "round", "as_of", "overdue", "actions" })
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- opfølgning

function M.opfoelgning(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db = need_db(ctx)
  local r = M.rounds(ctx, db, m, true)[1]
  local prev_id = null_to_nil(r.previous_id)
  if not prev_id then
    prev_id = db:scalar([[SELECT id FROM qm_rounds WHERE model_id = :m AND unit_id = :u AND id <> :r
                          AND coalesce(started, '') < coalesce(:s, '') ORDER BY started DESC LIMIT 1]],
                        { m = m.id, u = r.unit_id, r = r.id, s = r.started })
  end
  if not prev_id then host.raise(host.exit.model, ("round \"%s\" has no previous round to compare with"):format(r.id), 0) end
  local now_agreed, now_t, now_total, now_pts = M.agreed(db, m, r.id)
  local before_agreed, before_t, before_total, before_pts = M.agreed(db, m, prev_id)
  -- a points-based model: each total out of its own maximum (the criteria assessed in it)
  local max_before, max_now = before_pts[m] and before_pts[m].max, now_pts[m] and now_pts[m].max
  local function total_text(v, max)
    local t = fmtnum(fmtnum(v))   -- 67.99 -> 68.0 -> 68
    if t == nil then return "–" end
    if max then return L("konsensusrapport.points_of", { score = shown(L, t, 1), max = shown(L, fmtnum(max, 1), 1) }) end
    return t
  end
  local function v(c) return c and c.dontknow == 0 and null_to_nil(c.score) or nil end
  local rows, data = {}, json.array({})
  for _, th in ipairs(m:themes()) do
    local a, b = before_t[th.id], now_t[th.id]
    rows[#rows + 1] = { element = th.id, title = th.title, before = fmtnum(a), now = fmtnum(b), change = a and b and fmtnum(b - a) or nil }
    for _, q in ipairs(th.children) do
      if q.kind == "question" then
        local qa, qb = v(before_agreed[q.id]), v(now_agreed[q.id])
        rows[#rows + 1] = { element = "  " .. q.id, title = q.text or "", before = fmtnum(qa), now = fmtnum(qb),
                            change = qa and qb and fmtnum(qb - qa) or nil }
        data[#data + 1] = json.object({ question = q.id, theme = th.id, before = qa, now = qb, change = qa and qb and (qb - qa) or nil },
          { "question", "theme", "before", "now", "change" })
      end
    end
  end
  local acts = db:first([[SELECT count(*) AS n, sum(status = 'done') AS done FROM qm_actions WHERE round_id = ?]], { prev_id })
  local doc = report.document { lang = L.lang, title = L("opfoelgning.title"),
    subtitle = L("opfoelgning.subtitle", { round = r.id, previous = prev_id, unit = unit_name(db, r.unit_id) }) }
  doc:keyvalues { { L("opfoelgning.total_before"), total_text(before_total, max_before) }, { L("opfoelgning.total_now"), total_text(now_total, max_now) },
    { L("opfoelgning.actions_before"), L("opfoelgning.actions_done", { n = acts.n, done = null_to_nil(acts.done) or 0 }) } }
  local cats = {}
  for _, th in ipairs(m:themes()) do cats[#cats + 1] = { label = th.title or th.id, values = { before_t[th.id], now_t[th.id] } } end
  local lo, hi = scale_bounds(m)
  doc:chart { type = "bars", title = L("opfoelgning.chart", { previous = prev_id, round = r.id }), min = lo, max = hi,
    target = m.target, format = chart_format(L), series = { L("opfoelgning.series.before", { round = prev_id }),
      L("opfoelgning.series.now", { round = r.id }) }, change = true,
    labels = { category = L("col.theme"), change = L("col.change") }, categories = cats }
  doc:table { name = "changes", columns = { { key = "element", title = L("opfoelgning.col.element") },
    { key = "title", title = L("opfoelgning.col.title"), wrap = 60 },
    { key = "before", title = L("col.before") }, { key = "now", title = L("col.now") },
    { key = "change", title = L("col.change"), text = function(v) return v and ((v > 0 and "+" or "") .. L:num(v, 1)) end } }, rows = rows }
  doc.data = json.object({ model = m.id, round = r.id, previous = prev_id, score_before = before_total, score_now = now_total,
    max_before = max_before, max_now = max_now,
    actions_before = acts.n, actions_done = null_to_nil(acts.done) or 0, questions = data },
    { "model", "round", "previous", "score_before", "score_now", "max_before", "max_now", "actions_before", "actions_done", "questions" })
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- roll-up

-- the smallest group whose figures a report that leaves the unit may show (qm.reports.groups)
M.min_group = function(ctx, m) return require("qm.reports.groups").min_group(ctx, m) end

-- unit results rolled up to a centre or the municipality: no participant data, only agreed
-- scores of each unit's latest round. A unit whose round has fewer respondents than
-- min_group is suppressed: it is listed, but none of its scores is shown, and it is left out
-- of every figure of the roll-up (so no total, median or count can be combined with the
-- others to compute it back)
function M.rollup_data(ctx, db, m)
  local top = ctx.opts.unit and ctx.opts.unit[1]
  local min_group = M.min_group(ctx, m)
  local units = db:rows([[WITH RECURSIVE sub(id) AS (
        SELECT id FROM qm_units WHERE (:top IS NULL AND parent_id IS NULL) OR id = :top
        UNION ALL SELECT u.id FROM qm_units u JOIN sub ON u.parent_id = sub.id)
      SELECT unit_id, id AS round_id,
             (SELECT count(DISTINCT participant) FROM qm_responses x WHERE x.round_id = id) AS respondents FROM (
        SELECT r.unit_id, r.id, row_number() OVER (PARTITION BY r.unit_id
                 ORDER BY coalesce(r.started, '') DESC, r.id DESC) AS latest
        FROM qm_rounds r JOIN sub ON sub.id = r.unit_id WHERE r.model_id = :m)
      WHERE latest = 1 ORDER BY unit_id]], { top = top or host.null, m = m.id })
  local per_theme, totals = {}, {}
  local weak = {}
  -- a points-based model: each criterion's points and available points, each total's maximum
  local points = { criteria = {}, max = {}, maxima = {} }
  for _, u in ipairs(units) do
    local agreed, t, total, breakdown = M.agreed(db, m, u.round_id)
    u.suppressed = u.respondents < min_group
    u.score = total
    if not u.suppressed then
      if total then totals[#totals + 1] = total end
      local pts = breakdown[m]
      if pts then
        points.based = true
        if total then points.maxima[pts.max] = true end
        for _, c in ipairs(pts.criteria) do
          points.criteria[c.id] = points.criteria[c.id] or {}
          if c.points then table.insert(points.criteria[c.id], c.points) end
          points.max[c.id] = c.max
        end
      end
      for id, v in pairs(t) do
        if v then per_theme[id] = per_theme[id] or {}; table.insert(per_theme[id], v) end
      end
      for q, c in pairs(agreed) do
        if c.dontknow == 0 and c.score ~= host.null and m.target and c.score < m.target then weak[q] = (weak[q] or 0) + 1 end
      end
    end
  end
  return units, per_theme, totals, weak, min_group, points.based and points or nil
end

function M.rollup(ctx, m, out, doc_in)
  local L = i18n.of(ctx, m)
  local db = need_db(ctx)
  local units, per_theme, totals, weak, min_group, points = M.rollup_data(ctx, db, m)
  -- the total's maximum, when every unit's total has the same one (the same criteria assessed)
  local total_max, n_maxima = nil, 0
  if points then for mx in pairs(points.maxima) do total_max, n_maxima = mx, n_maxima + 1 end end
  if n_maxima > 1 then total_max = nil end
  local top = ctx.opts.unit and ctx.opts.unit[1]
  local doc = doc_in and doc_in.doc or report.document { lang = L.lang, title = L("rollup.title", { model = m.title or m.id }),
    subtitle = top and L("rollup.under", { unit = unit_name(db, top) }) or L("rollup.everything") }
  if doc_in then doc:heading(L("rollup.heading"), 2) end
  local suppressed = 0
  for _, u in ipairs(units) do if u.suppressed then suppressed = suppressed + 1 end end
  local rows, tdata = {}, json.array({})
  for _, th in ipairs(m:themes()) do
    local v = per_theme[th.id] or {}
    local raw = { min = v[1] and math.min(table.unpack(v)), median = stats.median(v), mean = stats.mean(v),
                  max = v[1] and math.max(table.unpack(v)) }
    local pm, pmax = nil, nil
    if points then pm, pmax = stats.median(points.criteria[th.id] or {}), points.max[th.id] end
    rows[#rows + 1] = { theme = th.id, title = th.title, units = #v, min = fmtnum(raw.min), median = fmtnum(raw.median),
      mean = fmtnum(raw.mean), max = fmtnum(raw.max), points_median = fmtnum(pm), points_max = fmtnum(pmax, 1) }
    local keys = { "theme", "units", "min", "median", "mean", "max" }
    if points then keys[#keys + 1] = "points_median"; keys[#keys + 1] = "points_max" end
    tdata[#tdata + 1] = json.object({ theme = th.id, units = #v, min = raw.min or host.null, median = raw.median or host.null,
      mean = raw.mean or host.null, max = raw.max or host.null,
      points_median = points and (pm or host.null) or nil, points_max = points and (pmax or host.null) or nil }, keys)
  end
  local median_total = stats.median(totals)
  local median_text = fmtnum(fmtnum(median_total))
  if median_text == nil then median_text = "–"
  elseif total_max then
    median_text = L("konsensusrapport.points_of", { score = shown(L, median_text, 1), max = shown(L, fmtnum(total_max, 1), 1) })
  elseif n_maxima > 1 then
    local ms = {}
    for mx in pairs(points.maxima) do ms[#ms + 1] = mx end
    table.sort(ms)
    for i, mx in ipairs(ms) do ms[i] = shown(L, fmtnum(mx, 1), 1) end
    median_text = L("rollup.maxima_differ", { median = shown(L, median_text, 1), maxima = table.concat(ms, ", ") })
  end
  doc:keyvalues { { L("rollup.units"), #units }, { L("rollup.median_total"), median_text } }
  local urows, udata = {}, json.array({})
  for _, u in ipairs(units) do
    urows[#urows + 1] = { unit = unit_name(db, u.unit_id), round = u.round_id, respondents = u.respondents,
      score = not u.suppressed and fmtnum(u.score, 1) or nil, suppressed = u.suppressed }
    udata[#udata + 1] = json.object({ unit = u.unit_id, round = u.round_id, respondents = u.respondents,
      score = (not u.suppressed and u.score) or host.null, suppressed = u.suppressed,
      reason = u.suppressed and ("fewer than %d respondents"):format(min_group) or nil },
      { "unit", "round", "respondents", "score", "suppressed", "reason" })
  end
  doc:heading(L("rollup.units_heading"), 3)
  doc:table { name = "units", columns = { { key = "unit", title = L("col.unit") }, { key = "round", title = L("col.round") },
    { key = "respondents", title = L("rollup.col.respondents") },
    { key = "score", title = L("rollup.col.total"), align = "right",
      text = function(v, row) if row.suppressed then return "–¹" end return v or "–" end } }, rows = urows }
  if suppressed > 0 then
    doc:paragraph(L("rollup.suppressed_note", { n = suppressed, min = min_group }))
  end
  doc:heading(L("rollup.themes_heading"), 3)
  -- a points-based model's theme scores are percentages of their maximum
  local function pct(title) return points and L("rollup.col.percent", { col = title }) or title end
  local cols = { { key = "theme", title = L("col.theme") }, { key = "title", title = L("col.title") },
    { key = "units", title = L("rollup.col.units") }, { key = "min", title = pct(L("col.min")) }, { key = "median", title = pct(L("col.median")) },
    { key = "mean", title = pct(L("col.mean")) }, { key = "max", title = pct(L("col.max")) } }
  if points then
    cols[#cols + 1] = { key = "points_median", title = L("rollup.col.points_median") }
    cols[#cols + 1] = { key = "points_max", title = L("rollup.col.points_max") }
  end
  doc:table { name = "themes", columns = cols, rows = rows }
  local common = {}
  for q, n in pairs(weak) do common[#common + 1] = { question = q, units = n, text = (m:find(q) or {}).text } end
  table.sort(common, function(a, b) if a.units ~= b.units then return a.units > b.units end return a.question < b.question end)
  while #common > 10 do table.remove(common) end
  doc:heading(m.target and L("rollup.common", { target = m.target }) or L("rollup.common_no_target"), 3)
  doc:table { name = "common_areas", columns = { { key = "question", title = L("col.question") }, { key = "units", title = L("rollup.col.units") },
    { key = "text", title = L("col.text"), wrap = 60 } }, rows = common }
  local keys = { "model", "under", "min_group", "units", "suppressed_units", "median_total", "conventions", "unit_scores", "themes", "common_areas" }
  if points then table.insert(keys, 7, "total_max") end
  local data = json.object({ model = m.id, under = top, min_group = min_group, units = #units, suppressed_units = suppressed,
    median_total = median_total or host.null, total_max = points and (total_max or host.null) or nil, conventions = M.conventions(m),
    unit_scores = udata, themes = tdata, common_areas = json.array(common) }, keys)
  if doc_in then return data end
  doc.data = data
  doc.csv_table = "themes"
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- every question of every round

-- One per-question parameter (A, k, step, ties) as SQL: a named parameter when every question
-- has the model's value, else CASE WHEN r.question IN (...) THEN ... ELSE <the model's> END:
-- an IN list is one lookup, where a join to a table of parameters was a scan of it for every
-- response. Values keep their Lua type through SQLite (5 stays an integer, 2.5 a real), as
-- the report shows them. `p` collects the parameters.
local function param_sql(ids, by_id, key, default, p)
  local function name(v)
    -- a tie rule is one of four words: written into the SQL, since a bound text is copied
    -- for every row the aggregate reads it from
    if key == "ties" and type(v) == "string" and v:match("^%a+$") then return "'" .. v .. "'" end
    p.n = p.n + 1
    local k = "qm_p" .. p.n
    p.args[k] = v == nil and host.null or v
    return ":" .. k
  end
  local function tag(v) return v == nil and "nil" or (math.type(v) or type(v)) .. ":" .. tostring(v) end
  local groups, order, dtag = {}, {}, tag(default)
  for _, id in ipairs(ids) do
    local v = by_id[id][key]
    local t = tag(v)
    if t ~= dtag then
      if not groups[t] then groups[t] = { value = v, ids = {} }; order[#order + 1] = t end
      table.insert(groups[t].ids, id)
    end
  end
  if #order == 0 then return name(default) end
  local parts = { "CASE" }
  for _, t in ipairs(order) do
    local g, marks = groups[t], {}
    for i, id in ipairs(g.ids) do marks[i] = name(id) end
    parts[#parts + 1] = (" WHEN r.question IN (%s) THEN %s"):format(table.concat(marks, ", "), name(g.value))
  end
  parts[#parts + 1] = " ELSE " .. name(default) .. " END"
  return table.concat(parts)
end

-- The consensus statistics of every question of every round as a C-level source
-- (qm.rows.consensus): one pass of SQLite, consensus_blob packing each question's
-- statistics, read in C without a Lua value per question; each question's flag decided in C
-- for a built-in rule (rule.decide) or by the rule in Lua. With a model m, each question is
-- taken on its own scale (M.question_params; a question the model no longer has on the
-- model's own) and only the model's rounds count; without (the national benchmark), `spec`
-- { A =, step =, k =, ties = } applies to every question.
function M.question_source(db, m, spec, rule, q)
  local p = { n = 0, args = {} }
  local ids, by_id, d = {}, {}, nil
  if m then
    by_id, ids = M.question_params(m)
    local rule0 = m.consensus or consensus.median {}
    d = { A = m.scale and m.scale.options or nil, step = m.scale and m.scale.step or 1,
          k = consensus.k_of(rule0, m.scale), ties = consensus.ties_of(rule0) }
  else
    d = { A = spec.A, step = spec.step or 1, k = spec.k, ties = spec.ties or "median" }
  end
  local A, k = param_sql(ids, by_id, "A", d.A, p), param_sql(ids, by_id, "k", d.k, p)
  local step, ties = param_sql(ids, by_id, "step", d.step, p), param_sql(ids, by_id, "ties", d.ties, p)
  -- ties = 'median' is the aggregate's own default: left out, it is not read for every answer
  local blob_args = ties == "'median'" and ("%s, %s, %s"):format(A, k, step) or ("%s, %s, %s, %s"):format(A, k, step, ties)
  local where = ""
  if m then
    p.args.qm_model = m.id
    -- the model's rounds as a list SQLite walks (a lookup per round, not per response)
    where = " WHERE r.round_id IN (SELECT id FROM qm_rounds WHERE model_id = :qm_model)"
  end
  local sql = ("SELECT r.round_id, r.question, %s, %s, %s, consensus_blob(r.score, %s) FROM qm_responses r%s "
    .. "GROUP BY r.round_id, r.question ORDER BY r.round_id, r.question"):format(A, k, step, blob_args, where)
  local stmt = db:prepare(sql)
  stmt:bind(p.args)
  local scale_of = {}
  if m then for _, qq in ipairs(m:questions()) do scale_of[qq.id] = qq:scale_of() end end
  local default_scale = (m and m.scale) or (spec and spec.scale)
  -- a rule object has its fast path; a plain function (docs/language.md) is applied
  local object = type(rule) == "table"
  local flags = object and rule.flags
    or function(x, question) return consensus.apply(rule, x, scale_of[question] or default_scale).flag end
  return rows.consensus(stmt, { decide = object and rule.decide or nil, flags = flags, q = q or { reasons = {} },
    fill = q ~= nil })
end

-- Streams every question of every round: fn(round, question, q, flagged) as rows arrive (q,
-- the question's statistics, is one table reused: fn must copy what it keeps). Without fn
-- only the questions and the flagged ones are counted, all in C for a built-in rule.
-- Returns both counts.
function M.each_question(db, m, spec, rule, fn)
  if m and #m:questions() == 0 then return 0, 0 end
  local q = fn and { reasons = {} } or nil
  local src <close> = M.question_source(db, m, spec, rule, q)
  if not fn then return src:count() end
  local n, flagged = 0, 0
  for round, question, flag in src.next, src do
    n = n + 1
    if flag then flagged = flagged + 1 end
    fn(round, question, q, flag)
  end
  return n, flagged
end

local stat_cols = { "round", "question", "n", "dontknow", "mean", "median", "mode", "sd", "variance", "q1", "q3", "iqr",
                    "min", "max", "range", "k", "within_k", "A", "rwg", "flag" }
-- the text format's columns: printf-like widths in bytes (a negative width is left-aligned)
local stat_widths = { -12, -8, 4, 3, 7, 7, 5, 7, 8, 5, 5, 5, 5, 5, 5, 3, 6, 3, 6, 0 }

-- the writer's columns: numbers for machines exact (CSV; JSON as qm.json writes them), for
-- people rounded to 4 significant digits
local function stat_columns(fmt)
  local cols = {}
  for i, c in ipairs(stat_cols) do
    cols[i] = { key = c, number = fmt == "csv" and "exact" or "people", width = math.abs(stat_widths[i]), right = stat_widths[i] > 0 }
  end
  if fmt == "json" then cols[#cols + 1] = { key = "reasons" } end
  return cols
end

-- Every question of every round of the model, streamed from C: the rows are formatted by the
-- engine's row writer (qm.rows) straight from the statement, no Lua value per question or
-- cell (docs/selfassessment.md; bench/README.md for the figures)
function M.statistik(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db = need_db(ctx)
  for r in db:query("SELECT id, scoring FROM qm_rounds WHERE model_id = ? AND scoring IS NOT NULL GROUP BY scoring", { m.id }) do
    local why = store.scoring_mismatch(r, m)
    if why then host.raise(host.exit.model, why, 0) end
  end
  local fmt = ctx.opts.format
  local rule = m.consensus or consensus.median {}
  local layout = ({ csv = "csv", json = "json", markdown = "markdown" })[fmt] or "fixed"
  -- the columns' titles for people (CSV and JSON keep the keys)
  local heads = {}
  for i, c in ipairs(stat_cols) do heads[i] = L("statistik.col." .. c) end
  if fmt == "csv" then out:write(table.concat(stat_cols, ","), "\r\n")
  elseif fmt == "json" then
    out:write('{"model":', json.encode(m.id), ',"conventions":', json.encode(M.conventions(m)), ',"questions":[')
  elseif fmt == "markdown" then
    out:write(M.conventions_text(m, L), "\n\n")
    -- numbers right-aligned, the text columns (round, question, the yes/no flag) not: the
    -- text format's widths say which is which (as the table renderer aligns them)
    local align = {}
    for i = 1, #stat_cols do align[i] = stat_widths[i] > 0 and " ---: |" or " --- |" end
    out:write("| ", table.concat(heads, " | "), " |\n|", table.concat(align), "\n")
  else
    out:write(M.conventions_text(m, L), "\n")
    out:write(("%-12s %-8s %4s %3s %7s %7s %5s %7s %8s %5s %5s %5s %5s %5s %5s %3s %6s %3s %6s %s\n"):format(table.unpack(heads)))
  end
  local n, flagged = 0, 0
  if #m:questions() > 0 then
    local src <close> = M.question_source(db, m, nil, rule)
    local w = rows.writer { format = layout, columns = stat_columns(fmt), sink = function(s) out:write(s) end,
      lead = layout == "json" and "\n" or "", pre = layout == "json" and ",\n" or "",
      post = (layout == "csv" and "\r\n") or (layout == "json" and "" or "\n"),
      -- for people: the language's decimal mark (no grouping: the columns are narrow) and words
      decimal = (layout == "fixed" or layout == "markdown") and L.decimal or nil,
      yes = (layout == "csv" or layout == "json") and "1" or L("word.yes"),
      no = (layout == "csv" or layout == "json") and "0" or L("word.no") }
    n = w:drain(src)
    -- the flagged questions, for the summary line: counted from the same rows
    flagged = src:flagged()
  end
  if fmt == "json" then out:write(n == 0 and "]}\n" or "\n]}\n") end
  if fmt ~= "json" and fmt ~= "csv" and not ctx.opts.quiet then
    io.stderr:write(L("statistik.summary", { n = n, flagged = flagged }), "\n")
  end
end

-- The national summary: the statistik report's pass without writing a row per question —
-- every question's statistics and flag decided in C, counted per round, the rounds gathered
-- by the unit above them (the municipality: the round's unit's parent, or with --param
-- kind=K the nearest unit of that kind above it or the unit itself). Memory grows with the
-- rounds, never with the answers.
function M.landsoversigt(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db = need_db(ctx)
  for r in db:query("SELECT id, scoring FROM qm_rounds WHERE model_id = ? AND scoring IS NOT NULL GROUP BY scoring", { m.id }) do
    local why = store.scoring_mismatch(r, m)
    if why then host.raise(host.exit.model, why, 0) end
  end
  local kind = ctx.params.kind and tostring(ctx.params.kind) or nil
  -- each round's group: the nearest unit of the kind at or above the round's unit, else the
  -- unit's parent (or the unit itself when it has none)
  local group_of = {}
  local sql = kind and [[
    WITH RECURSIVE up(round, unit, kind, parent) AS (
      SELECT r.id, u.id, u.kind, u.parent_id FROM qm_rounds r JOIN qm_units u ON u.id = r.unit_id WHERE r.model_id = :m
      UNION ALL
      SELECT up.round, p.id, p.kind, p.parent_id FROM up JOIN qm_units p ON p.id = up.parent WHERE up.kind IS NOT :kind)
    SELECT round, unit AS grp FROM up WHERE kind = :kind]]
    or [[SELECT r.id AS round, coalesce(u.parent_id, r.unit_id) AS grp FROM qm_rounds r
         LEFT JOIN qm_units u ON u.id = r.unit_id WHERE r.model_id = :m]]
  for r in db:query(sql, { m = m.id, kind = kind }) do group_of[r.round] = r.grp end
  local groups, order = {}, {}
  local n_rounds, n, flagged = 0, 0, 0
  if #m:questions() > 0 then
    local src <close> = M.question_source(db, m, nil, m.consensus or consensus.median {})
    n, flagged = src:count_rounds(function(round, questions, flags)
      n_rounds = n_rounds + 1
      local g = group_of[round] or false
      local e = groups[g]
      if not e then e = { rounds = 0, questions = 0, flagged = 0 }; groups[g] = e; order[#order + 1] = g end
      e.rounds, e.questions, e.flagged = e.rounds + 1, e.questions + questions, e.flagged + flags
    end)
  end
  table.sort(order, function(a, b)
    if a == false or b == false then return b == false and a ~= false end
    return tostring(a) < tostring(b)
  end)
  local names = {}
  for u in db:query("SELECT id, name FROM qm_units") do names[u.id] = u.name end
  -- rounds whose unit has no group: no unit in CSV and JSON, words for people
  local outside = kind and L("landsoversigt.outside_kind", { kind = kind }) or L("landsoversigt.outside")
  local list, data = {}, json.array({})
  for i, g in ipairs(order) do
    local e = groups[g]
    local share = e.questions > 0 and e.flagged / e.questions or nil
    list[i] = { unit = g or nil, name = g and names[g] or "", rounds = e.rounds, questions = e.questions,
                flagged = e.flagged, share = share }
    data[i] = json.object({ unit = g or host.null, name = g and names[g] or host.null, rounds = e.rounds,
      questions = e.questions, flagged = e.flagged, share = share or host.null },
      { "unit", "name", "rounds", "questions", "flagged", "share" })
  end
  local doc = report.document { lang = L.lang, title = L("landsoversigt.title", { model = m.title or m.id }),
    subtitle = L("landsoversigt.subtitle", { by = kind or L("landsoversigt.by_parent") }),
    data = json.object({ model = m.id, by = kind or host.null, rounds = n_rounds, questions = n, flagged = flagged,
      units = data }, { "model", "by", "rounds", "questions", "flagged", "units" }) }
  doc:keyvalues { { L("landsoversigt.rounds"), n_rounds }, { L("landsoversigt.questions"), n },
    { L("landsoversigt.flagged"), flagged }, { L("landsoversigt.share"), n > 0 and L:pct(flagged / n, 1) or "–" } }
  -- the share: a percent with one decimal in CSV ("40.0%", as the machine reads it in every
  -- language), in the language's way for people
  doc:table { name = "units", columns = { { key = "unit", title = kind or L("col.unit"), text = function(v) return v or outside end },
    { key = "name", title = L("landsoversigt.col.name") },
    { key = "rounds", title = L("landsoversigt.col.rounds") }, { key = "questions", title = L("landsoversigt.col.questions") },
    { key = "flagged", title = L("landsoversigt.flagged") },
    { key = "share", title = L("landsoversigt.col.share"), align = "right",
      format = function(v) return v and ("%.1f%%"):format(v * 100) or "" end,
      text = function(v) return v and L:pct(v, 1) or "" end } }, rows = list }
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- demo

-- the README's main job: the konsensusrapport and prioritised action plan of one unit's
-- latest round, and the municipality's roll-up
function M.demo(ctx, m, out)
  local db = need_db(ctx)
  local r
  if ctx.opts.round or ctx.opts.unit then r = M.rounds(ctx, db, m, true)[1]
  else
    r = db:first("SELECT * FROM qm_rounds WHERE model_id = ? ORDER BY unit_id, coalesce(started, '') DESC, id DESC LIMIT 1", { m.id })
    if not r then host.raise(host.exit.model, "the database has no rounds: generate the demo data first", 0) end
  end
  local L = i18n.of(ctx, m)
  local doc = report.document { lang = L.lang, title = L("demo.title", { model = m.title or m.id, unit = unit_name(db, r.unit_id) }),
    subtitle = L("demo.subtitle", { round = r.id }) }
  local parts = { round = r, doc = doc }
  local data = json.object({}, { "konsensusrapport", "prioritering", "handleplan", "rollup" })
  data.konsensusrapport = M.konsensusrapport(ctx, m, out, parts)
  data.prioritering = M.prioritering(ctx, m, out, parts)
  data.handleplan = M.handleplan(ctx, m, out, parts)
  local saved = ctx.opts.unit
  ctx.opts.unit = nil
  data.rollup = M.rollup(ctx, m, out, parts)
  ctx.opts.unit = saved
  doc.data = data
  report.write(doc, ctx.opts.format, out)
end

registry.register("svarrapport", M.svarrapport, "every answer per question in order of score, without participant labels (stable_labels: P1..Pn), and the statistics", { "questions", "rounds" })
registry.register("konsensus", M.konsensus, "the consensus meeting's agenda: statistics, proposals, most disagreement first", { "questions", "rounds" })
registry.register("prioritering", function(ctx, m, out) return M.prioritering(ctx, m, out) end, "improvement areas ordered by the model's rule", { "questions", "rounds" })
registry.register("handleplan", function(ctx, m, out) return M.handleplan(ctx, m, out) end, "actions with owners and deadlines, overdue as of --as-of", { "questions", "rounds" })
registry.register("opfoelgning", M.opfoelgning, "a round compared with the previous round of the same unit", { "questions", "rounds" })
registry.register("rollup", function(ctx, m, out) return M.rollup(ctx, m, out) end, "units rolled up to a centre or the municipality", { "questions", "rounds" })
-- the per-participant form a consultant hands out: fill in, then `qm import`
function M.skema(ctx, m, out)
  local L = i18n.of(ctx, m)
  -- the scale(s) the form is filled in on: the model's, else each distinct question scale's
  local scales = m.scale and L:scale(m.scale) or nil
  if not scales then
    local seen, list = {}, {}
    for _, q in ipairs(m:questions()) do
      local d = q:scale_of() and L:scale(q:scale_of())
      if d and not seen[d] then seen[d] = true; list[#list + 1] = d end
    end
    table.sort(list)
    scales = #list > 0 and table.concat(list, "; ") or L("skema.scale_per_question")
  end
  local lines = { "# " .. L("skema.title", { model = m.title or m.id }) }
  for _, l in ipairs { L("skema.how", { scale = scales }), L("skema.dontknow"), L("skema.hand_in") } do
    for _, part in ipairs(report.wrap_text(l, 88)) do lines[#lines + 1] = "# " .. part end
  end
  lines[#lines + 1] = "participant: P?"
  lines[#lines + 1] = "answers:"
  for _, th in ipairs(m:themes()) do
    lines[#lines + 1] = ("  # %s %s"):format(th.id, th.title or "")
    for _, q in ipairs(th.children) do
      if q.kind == "question" then
        lines[#lines + 1] = ("  # %s"):format(q.text)
        local sc = q:scale_of()
        if sc and sc.parts then
          -- a composite score (CAF fine-tuned): each part 0-100, all blank = don't know
          local parts = {}
          for _, p in ipairs(sc.parts) do parts[#parts + 1] = p:upper() .. ": " end
          lines[#lines + 1] = ("  %q: { %s, strengths: \"\", improvements: \"\" }"):format(q.id, table.concat(parts, ", "))
        else
          lines[#lines + 1] = ("  %q: { score: , strengths: \"\", improvements: \"\" }"):format(q.id)
        end
      end
    end
  end
  out:write(table.concat(lines, "\n"), "\n")
end

registry.register("skema", M.skema, "the per-participant YAML form to hand out (fill in, then qm import)", { "questions" })
registry.register("statistik", M.statistik, "consensus statistics of every question of every round, streamed (national scale)", { "questions", "rounds" })
registry.register("landsoversigt", M.landsoversigt, "the national summary: questions flagged for discussion per municipality (--param kind=K), the statistik pass without its rows", { "questions", "rounds" })
registry.register("demo", M.demo, "konsensusrapport, prioritised action plan and roll-up (the README's demo)", { "questions", "rounds" })
