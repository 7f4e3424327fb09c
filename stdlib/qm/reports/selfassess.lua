-- selfassess.lua — the self-assessment process (KIK, CAF) over the engine's schema:
-- statistics per question in one SQL pass, consensus proposals and the meeting agenda,
-- and the reports: svarrapport, konsensus, konsensusrapport, prioritering, handleplan,
-- opfoelgning, rollup and demo. JSON shapes are documented in docs/selfassessment.md.
local registry = require "qm.engine.reports"
local store = require "qm.engine.store"
local report = require "qm.reports.document"
local consensus = require "qm.rules.consensus"

-- modules only some uses need are loaded at their first use: the konsensusrapport as text
-- loads neither the JSON writer nor the statistics library
local function lazy(name)
  return setmetatable({}, { __index = function(t, k)
    local mod = require(name)
    setmetatable(t, { __index = mod })
    return mod[k]
  end })
end
local json = lazy "qm.reports.json"
local stats = lazy "qm.eval.stats"
local cli = require "qm.engine.cli"
local host = require "qm.host"
local charts = require "qm.reports.charts"
local i18n = require "qm.reports.i18n"

local M = {}

local function null_to_nil(v) if v == host.null then return nil end return v end

local function need_db(ctx)
  local db = ctx:database()
  if not db then cli.usage_error("this report needs a database: give --db FILE") end
  store.ensure(db)
  return db
end

-- ---------------------------------------------------------------- rounds

local function unit_name(db, id)
  return db:scalar("SELECT name FROM qm_units WHERE id = ?", { id }) or id
end

-- the rounds a report is about: --round, or the latest round of each --unit, or the only
-- one, or (for a report about one round) the latest; each scored the way the model is
-- loaded (store.scoring_mismatch)
function M.rounds(ctx, db, m, want_one)
  local list = M.find_rounds(ctx, db, m, want_one)
  for _, r in ipairs(list) do
    local why = store.scoring_mismatch(r, m)
    if why then host.raise(host.exit.model, why, 0) end
  end
  return list
end

function M.find_rounds(ctx, db, m, want_one)
  if ctx.opts.round then
    local r = store.round(db, ctx.opts.round)
    if not r then host.raise(host.exit.model, ("no round \"%s\" in the database"):format(ctx.opts.round), 0) end
    if r.model_id ~= m.id then
      host.raise(host.exit.model, ("round \"%s\" is a round of model \"%s\", not \"%s\""):format(r.id, r.model_id, m.id), 0)
    end
    return { r }
  end
  local out = {}
  if ctx.opts.unit then
    for _, u in ipairs(ctx.opts.unit) do
      local r = db:first([[SELECT * FROM qm_rounds WHERE model_id = :m AND unit_id = :u
                           ORDER BY coalesce(started, '') DESC, id DESC LIMIT 1]], { m = m.id, u = u })
      if not r then host.raise(host.exit.model, ("unit \"%s\" has no round of model \"%s\""):format(u, m.id), 0) end
      out[#out + 1] = r
    end
    return out
  end
  local all = db:rows("SELECT * FROM qm_rounds WHERE model_id = ? ORDER BY id", { m.id })
  if #all == 0 then host.raise(host.exit.model, ("the database has no rounds of model \"%s\""):format(m.id), 0) end
  if want_one and #all > 1 then
    -- no --round: the latest round (by start date, then id), and a word on stderr about
    -- which one it is and how to choose another
    local latest = db:first([[SELECT * FROM qm_rounds WHERE model_id = ?
                              ORDER BY coalesce(started, '') DESC, id LIMIT 1]], { m.id })
    if not ctx.opts.quiet then
      local others = {}
      for _, r in ipairs(db:rows([[SELECT id FROM qm_rounds WHERE model_id = ? AND id <> ?
                                   ORDER BY coalesce(started, '') DESC, id LIMIT 6]], { m.id, latest.id })) do
        others[#others + 1] = r.id
      end
      io.stderr:write(("qm: no --round given: reporting on round %s (%s%s), the latest of %d; others: %s%s (choose with --round ID)\n")
        :format(latest.id, unit_name(db, latest.unit_id), latest.started and (", started " .. latest.started) or "",
                #all, table.concat(others, ", "), #all - 1 > #others and ", ..." or ""))
    end
    return { latest }
  end
  return all
end


-- ---------------------------------------------------------------- statistics

-- the statistics' parameters of every question, from the question's own scale (question,
-- else theme, else model; docs/statistics.md): A = its number of answer options (nil when it
-- has no countable set: rwg is then null with the reason), step, k and the ties rule
function M.question_params(m)
  local rule = m.consensus or consensus.median {}
  local by_id, ids = {}, {}
  for _, q in ipairs(m:questions()) do
    local s = q:scale_of()
    by_id[q.id] = { A = s and s.options or nil, step = s and s.step or 1, k = consensus.k_of(rule, s),
                    ties = consensus.ties_of(rule) }
    ids[#ids + 1] = q.id
  end
  return by_id, ids
end

-- "WITH qp(question, A, step, k, ties) AS (VALUES ...)" for the model's questions, and its
-- parameters; nil when the model has no questions
local function params_cte(m)
  local by_id, ids = M.question_params(m)
  if #ids == 0 then return nil end
  local rows, args = {}, {}
  for _, id in ipairs(ids) do
    local p = by_id[id]
    rows[#rows + 1] = "(?, ?, ?, ?, ?)"
    for _, v in ipairs { id, p.A or host.null, p.step, p.k, p.ties } do args[#args + 1] = v end
  end
  return "WITH qp(question, A, step, k, ties) AS (VALUES " .. table.concat(rows, ", ") .. ") ", args
end

-- one row per question of a round with its responses: question, n = count(score), dontknow, and
-- s = agg(score, A, k, step, ties), an aggregate over the scores with the question's
-- parameters; nil when the model has no questions. When every question has the same
-- parameters (one scale: the common case), they are bound once and the questions listed: a
-- shorter statement, without a VALUES table joined to every response.
local function per_question_sql(m, round_id, agg)
  local by_id, ids = M.question_params(m)
  if #ids == 0 then return nil end
  local first, same, seen = by_id[ids[1]], true, {}
  for _, id in ipairs(ids) do
    local p = by_id[id]
    if seen[id] or p.A ~= first.A or p.step ~= first.step or p.k ~= first.k or p.ties ~= first.ties
       or math.type(p.A) ~= math.type(first.A) or math.type(p.step) ~= math.type(first.step)
       or math.type(p.k) ~= math.type(first.k) then
      same = false
      break
    end
    seen[id] = true
  end
  local select = "SELECT r.question, count(r.score) AS n, sum(r.dontknow) AS dontknow, " .. agg
  if not same then
    local cte, args = params_cte(m)
    args[#args + 1] = round_id
    return cte .. select .. [[(r.score, qp.A, qp.k, qp.step, qp.ties) AS s
      FROM qm_responses r JOIN qp ON qp.question = r.question WHERE r.round_id = ? GROUP BY r.question]], args
  end
  local args, marks = { first.A or host.null, first.k, first.step, first.ties, round_id }, {}
  for i, id in ipairs(ids) do marks[i] = "?"; args[#args + 1] = id end
  return select .. "(r.score, ?, ?, ?, ?) AS s FROM qm_responses r WHERE r.round_id = ? AND r.question IN (" ..
    table.concat(marks, ", ") .. ") GROUP BY r.question", args
end

-- statistics of every question of a round, from one SQL pass over its responses, each
-- question on its own scale
function M.round_stats(db, m, round_id)
  local out = {}
  local sql, args = per_question_sql(m, round_id, "consensus_stats")
  if not sql then return out end
  for r in db:query(sql, args) do
    local q = r.s ~= host.null and json.decode(r.s, nil) or { n = 0, reasons = { n = "nobody scored it" } }
    q.n, q.dontknow = r.n, r.dontknow
    q.mode_rule_ok = q.n > 0 and q.mode_outside <= stats.mode_rule_allows(q.n)
    out[r.question] = q
  end
  return out
end

-- the spread of every question of a round as the formats for people show it: n, and min, max
-- and sd (nil where undefined). The same statistics as round_stats, computed by the same C
-- (consensus_blob packs consensus_stats' numbers as doubles): without the JSON text per
-- question and its decoding, which JSON output needs whole, with its numbers' types
local function finite(x)
  if x ~= x or x == math.huge or x == -math.huge then return nil end
  return x
end
function M.round_spread(db, m, round_id)
  local out = {}
  local sql, args = per_question_sql(m, round_id, "consensus_blob")
  if not sql then return out end
  for r in db:query(sql, args) do
    local q = { n = r.n }
    if r.n > 0 and r.s ~= host.null then
      -- n, nulls, mean, median, sd, rwg, iqr, min, max, ... (docs/db.md, consensus_blob)
      local _, _, _, _, sd, _, _, min, max = string.unpack("<ddddddddd", r.s)
      q.sd, q.min, q.max = finite(sd), finite(min), finite(max)
    end
    out[r.question] = q
  end
  return out
end

local function state_conventions(doc, m, L)
  doc:paragraph(M.conventions_text(m, L))
end

-- the conventions of the statistics as one sentence for people, in the report's language
function M.conventions_text(m, L)
  local ties = consensus.ties_of(m.consensus)
  return L("conventions.text", { ties = L("ties." .. ties) })
end

local function fmtnum(v, d)
  if v == nil or v == host.null then return nil end
  if math.type(v) == "integer" then return v end
  if v == math.floor(v) then return math.tointeger(v) end
  return tonumber(("%." .. (d or 1) .. "f"):format(v))
end

-- a number for people, or "–" when there is none
local function shown(L, v, d)
  if v == nil or v == host.null or v ~= v then return "–" end
  return L:num(v, d or 1)
end

-- charts: numbers with the report language's decimal mark, and the model's scale as their axis
local function chart_format(L, decimals)
  return charts.number { decimals = decimals or 1, decimal = L.decimal }
end

-- the charts' axis: the model's scale, else the span of its questions' own scales (CAF puts
-- its 0-5 scales on the themes: an axis of 0-100 squeezed every score into its first 5 %)
local function scale_bounds(m)
  local s = m.scale
  if s and type(s.min) == "number" and type(s.max) == "number" then return s.min, s.max end
  local lo, hi
  for _, q in ipairs(m:questions()) do
    local qs = q.scale_of and q:scale_of()
    if qs and type(qs.min) == "number" and type(qs.max) == "number" then
      lo = lo and math.min(lo, qs.min) or qs.min
      hi = hi and math.max(hi, qs.max) or qs.max
    end
  end
  if lo and hi and hi > lo then return lo, hi end
  return (s and s.min) or 0, (s and s.max) or 100
end

-- a question as people read it: its id and its words (the model's text, as written)
local function question_words(m, id)
  local q = id and m:find(id)
  if q and q.text then return id .. " " .. q.text end
  return id
end
M.question_words = question_words

-- every participant's score per question of a round (not "ved ikke"), for the spread charts
local function individual_scores(db, round_id)
  local out = {}
  -- the columns as the loop's values, no table per row (question is never NULL: a key)
  for question, score in db:query([[SELECT question, score FROM qm_responses WHERE round_id = ? AND coalesce(dontknow, 0) = 0
                      AND score IS NOT NULL ORDER BY question, score]], { round_id }, "values") do
    local l = out[question] or {}
    l[#l + 1] = score
    out[question] = l
  end
  return out
end

-- the themes' scores: a radar with the target ring (bars when a model has under three themes)
local function themes_chart(L, m, title, values)
  local lo, hi = scale_bounds(m)
  local axes = {}
  for _, th in ipairs(m:themes()) do axes[#axes + 1] = { label = th.title or th.id, value = values[th.id] } end
  if #axes >= 3 then
    return { type = "radar", title = title, min = lo, max = hi, target = m.target, format = chart_format(L),
      labels = { axis = L("col.theme"), value = L("chart.agreed_score"), target = L("chart.target") }, axes = axes }
  end
  local cats = {}
  for i, a in ipairs(axes) do cats[i] = { label = a.label, values = { a.value } } end
  return { type = "bars", title = title, min = lo, max = hi, target = m.target, format = chart_format(L),
    series = { L("chart.agreed_score") }, labels = { category = L("col.theme") }, categories = cats }
end

local function proposal(m, q, qs)
  local rule = m.consensus or consensus.median {}
  local p = consensus.apply(rule, qs, q:scale_of())
  return p
end

local function score_text(L)
  return function(v)
    if v == "dontknow" then return L("word.dontknow") end
    return v
  end
end

-- a question's statistics for JSON: every key present, unrounded (rounding is for people),
-- null with the reason in `reasons` when undefined (docs/statistics.md)
M.stats_keys = { "n", "dontknow", "mean", "median", "mode", "modes", "mode_outside", "mode_rule_ok", "min", "max",
                 "range", "sd", "variance", "q1", "q3", "iqr", "within_k", "k", "rwg", "A", "step", "reasons" }
function M.stats_data(qs)
  local o = {}
  for _, key in ipairs(M.stats_keys) do
    local v = qs[key]
    if v == nil or v ~= v then v = host.null end
    o[key] = v
  end
  o.modes = qs.modes and json.array(qs.modes) or json.array({})
  o.mode_rule_ok = qs.mode_rule_ok or false
  o.dontknow = qs.dontknow or 0
  local reasons = {}
  for k, why in pairs(qs.reasons or {}) do reasons[k] = why end
  o.reasons = json.object(reasons, {})
  return json.object(o, M.stats_keys)
end

-- the conventions of the statistics, for JSON and once in text (docs/statistics.md)
function M.conventions(m)
  local c = stats.conventions { ties = consensus.ties_of(m.consensus) }
  return json.object(c, stats.convention_keys)
end

-- ---------------------------------------------------------------- konsensusrapport

-- agreed scores of a round, and theme/model scores rolled up by the model's rules; for an
-- element scored by a points-based rule (scoring.efqm) also its breakdown: each part's
-- percent, points and maximum, and the total out of the maximum
function M.agreed(db, m, round_id)
  local scoring = require("qm.rules.scoring")
  local breakdown = {}
  local agreed = {}
  for c in db:query("SELECT * FROM qm_consensus WHERE round_id = ?", { round_id }) do agreed[c.question] = c end
  local scores = {}
  local function score_of(e)
    if e.kind == "question" then
      local c = agreed[e.id]
      if c and c.dontknow == 0 and c.score ~= host.null then return c.score end
      return nil
    end
    local items = {}
    for _, ch in ipairs(e.children) do
      if ch.kind ~= "indicator" then
        local v = score_of(ch)
        if v ~= nil then items[#items + 1] = { id = ch.id, value = v, weight = ch.weight } end
      end
    end
    local r = e:scoring_of()
    local v = scoring.apply(r, items)
    if scoring.is_rule(r) and r.breakdown and #items > 0 then breakdown[e] = r.breakdown(items) end
    scores[e.id] = v
    return v
  end
  local total = score_of(m)
  return agreed, scores, total, breakdown
end

function M.konsensusrapport(ctx, m, out, doc_in)
  local L = i18n.of(ctx, m)
  local db = need_db(ctx)
  local r = doc_in and doc_in.round or M.rounds(ctx, db, m, true)[1]
  -- the JSON data is written only as JSON (or handed to the demo report); the CSV table only
  -- as CSV: the formats for people skip building them (a JSON object per question), and read
  -- only the spread of each question's scores
  local format = ctx.opts.format or "text"
  local want_data, want_csv = doc_in ~= nil or format == "json", doc_in == nil and format == "csv"
  local st = (want_data or want_csv) and M.round_stats(db, m, r.id) or M.round_spread(db, m, r.id)
  local agreed, tscores, total, breakdown = M.agreed(db, m, r.id)
  local pts = breakdown[m]   -- a points-based model: points, percent and maximum per theme
  local pts_of = {}
  if pts then for _, c in ipairs(pts.criteria) do pts_of[c.id] = c end end
  local unit = unit_name(db, r.unit_id)
  local doc = doc_in and doc_in.doc or report.document { lang = L.lang, title = L("konsensusrapport.title", { model = m.title or m.id }),
    subtitle = L("sa.round_unit", { round = r.id, unit = unit }) }
  local data = want_data and json.object({ model = m.id, round = r.id, unit = r.unit_id, score = total,
    max = pts and pts.max or nil, conventions = M.conventions(m), themes = json.array({}) },
    { "model", "round", "unit", "score", "max", "conventions", "themes" }) or nil
  local csv = {}
  local summary = {}
  for _, th in ipairs(m:themes()) do
    local c = pts_of[th.id]
    summary[#summary + 1] = { theme = th.id, title = th.title, side = th.side, score = fmtnum(tscores[th.id], 1),
      points = c and fmtnum(c.points, 1), max = c and fmtnum(c.max, 1) }
  end
  if doc_in then doc:heading(L("konsensusrapport.heading"), 2) end
  state_conventions(doc, m, L)
  local total_text = shown(L, total, 1)
  if pts then total_text = L("konsensusrapport.points_of", { score = total_text, max = shown(L, pts.max, 1) }) end
  doc:keyvalues { { L("konsensusrapport.total"), total_text }, { L("col.unit"), unit }, { L("col.round"), r.id } }
  local cols = { { key = "theme", title = L("col.theme") }, { key = "title", title = L("col.title") },
    { key = "side", title = L("col.side") }, { key = "score", title = pts and L("konsensusrapport.col.score_pct") or L("col.score") } }
  if pts then
    cols[#cols + 1] = { key = "points", title = L("col.points") }
    cols[#cols + 1] = { key = "max", title = L("col.max") }
  end
  doc:table { name = "themes", sheet = L("konsensusrapport.sheet.themes"), columns = cols, rows = summary }
  doc:chart(themes_chart(L, m, L("konsensusrapport.chart.themes"), tscores))
  local individual = individual_scores(db, r.id)
  local lo, hi = scale_bounds(m)
  local qcols = { { key = "question", title = L("col.question"), text = function(v) return question_words(m, v) end, wrap = 40 },
    { key = "agreed", title = L("col.agreed"), align = "right",
      text = function(v) if v == nil then return L("konsensusrapport.not_agreed") end return score_text(L)(v) end },
    { key = "spread", title = L("konsensusrapport.col.spread") }, { key = "strengths", title = L("col.strengths"), wrap = 28 },
    { key = "improvements", title = L("col.improvements"), wrap = 28 }, { key = "comment", title = L("col.comment"), wrap = 28 } }
  for _, th in ipairs(m:themes()) do
    local dots = {}
    local c = pts_of[th.id]
    local tdata = want_data and json.object({ id = th.id, title = th.title, side = th.side, score = tscores[th.id],
      points = c and c.points or nil, max = c and c.max or nil, questions = json.array({}) },
      { "id", "title", "side", "score", "points", "max", "questions" }) or nil
    local rows = {}
    for _, q in ipairs(th.children) do
      if q.kind == "question" then
        local c, qs = agreed[q.id], st[q.id] or { n = 0 }
        local score = c and (c.dontknow == 1 and "dontknow" or fmtnum(null_to_nil(c.score))) or nil
        local spread = qs.n > 0 and L("konsensusrapport.spread", { min = shown(L, qs.min), max = shown(L, qs.max),
          sd = shown(L, qs.sd), n = qs.n }) or "–"
        local row = { question = q.id, agreed = score, spread = spread, strengths = c and null_to_nil(c.strengths),
                      improvements = c and null_to_nil(c.improvements), comment = c and null_to_nil(c.comment) }
        rows[#rows + 1] = row
        dots[#dots + 1] = { label = q.id .. " " .. (q.text or ""), scores = individual[q.id] or {},
          agreed = c and c.dontknow == 0 and null_to_nil(c.score) or nil }
        -- the CSV table is for programs: numbers unrounded, as in JSON
        if want_csv then
          csv[#csv + 1] = { theme = th.id, question = q.id, agreed = score, min = qs.min, max = qs.max,
            sd = qs.sd, n = qs.n, strengths = row.strengths, improvements = row.improvements, comment = row.comment }
        end
        if tdata then
          tdata.questions[#tdata.questions + 1] = json.object({ id = q.id, text = q.text,
            agreed = c and (c.dontknow == 1 and "dontknow" or null_to_nil(c.score)) or nil, comment = row.comment,
            strengths = row.strengths, improvements = row.improvements, spread = M.stats_data(qs) },
            { "id", "text", "agreed", "comment", "strengths", "improvements", "spread" })
        end
      end
    end
    doc:heading(("%s %s — %s"):format(th.id, th.title or "", shown(L, tscores[th.id], 1)), 3, { break_before = true })
    doc:table { name = "theme_" .. th.id, columns = qcols, rows = rows }
    if #dots > 0 then
      doc:chart { type = "dots", title = L("konsensusrapport.chart.dots", { theme = th.title or th.id }), min = lo, max = hi,
        target = m.target, format = chart_format(L), rows = dots,
        labels = { item = L("col.question"), scores = L("chart.individual_scores"), agreed = L("col.agreed"), target = L("chart.target") } }
    end
    if data then data.themes[#data.themes + 1] = tdata end
  end
  if doc_in then return data end
  doc.data = data
  if want_csv then
    doc = report.document { lang = L.lang }
    doc:table { columns = { { key = "theme" }, { key = "question" }, { key = "agreed" }, { key = "min" }, { key = "max" }, { key = "sd" },
      { key = "n" }, { key = "strengths" }, { key = "improvements" }, { key = "comment" } }, rows = csv }
  end
  report.write(doc, ctx.opts.format, out)
end

registry.register("konsensusrapport", function(ctx, m, out) return M.konsensusrapport(ctx, m, out) end, "agreed scores, strengths and improvement areas per theme, with the spread", { "questions", "rounds" })

-- the other reports of the process (svarrapport, konsensus, prioritering, handleplan,
-- opfoelgning, rollup, skema, statistik, landsoversigt, demo) and the functions only they use
-- are in qm.reports.selfassess_more, loaded at the first use of one of its functions here
-- (a konsensusrapport does not load it); it finds these helpers in M.helpers
M.helpers = { null_to_nil = null_to_nil, need_db = need_db, unit_name = unit_name, state_conventions = state_conventions, fmtnum = fmtnum, shown = shown, chart_format = chart_format, scale_bounds = scale_bounds, question_words = question_words, individual_scores = individual_scores, themes_chart = themes_chart, proposal = proposal, score_text = score_text }
setmetatable(M, { __index = function(t, k)
  setmetatable(t, nil)   -- loading it reads M: an absent field is then just absent
  require "qm.reports.selfassess_more"
  return rawget(t, k)
end })

return M
