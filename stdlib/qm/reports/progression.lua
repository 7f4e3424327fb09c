-- progression.lua — results-based management (resultatbaseret styring, job centres): citizens
-- scored at every conversation on the model's indicators; progression since the previous and
-- the first conversation; no-progression flags over a window; completeness; focus points;
-- interventions; coverage. All aggregation happens in SQL (window functions), never in Lua
-- loops over rows; first/previous/latest come from the engine's first_by, last_by and
-- nth_last_by aggregates in one GROUP BY. Hidden scores (kept from the citizen) count in every
-- aggregate. The municipality's tables, named in the model's `progression.tables`:
--   citizens(id, caseworker_id, target_group, start_date, end_date)
--   conversations(id, citizen_id, date)
--   scores(conversation_id, indicator, score, hidden)
--   focus(citizen_id, indicator, opened, closed, reason)            (optional)
--   interventions(citizen_id, intervention, start_date, end_date)   (optional)
-- and the engine's qm_units for job centre → team → caseworker.
local registry = require "qm.engine.reports"
local report = require "qm.reports.document"
local json = require "qm.reports.json"
local host = require "qm.host"
local charts = require "qm.reports.charts"
local cli = require "qm.engine.cli"
local contract = require "qm.eval.contract"
local time = require "qm.eval.time"
local i18n = require "qm.reports.i18n"
local groups = require "qm.reports.groups"

local M = {}

local defaults = { citizens = "jc_citizens", conversations = "jc_conversations", scores = "jc_scores",
                   focus = "jc_focus", interventions = "jc_interventions" }

-- The tables these reports read, declared as data in the type vocabulary (qm.lang.types):
-- `qm import --what citizens|conversations|scores|focus|interventions` (or --table with the
-- model's name for it) loads them checked against this, into the table the model's
-- progression.tables names. `references` names another role; its table is the model's.
-- A model that declares a dataset of the same name uses its own declaration instead.
M.tables = {
  citizens = { key = { "id" }, doc = "the citizens in the job centre's care", columns = {
    { name = "id", type = "text", required = true, aliases = { "borger", "borger_id", "citizen" }, doc = "the citizen's id" },
    { name = "caseworker_id", type = "text", aliases = { "sagsbehandler", "caseworker" }, doc = "the caseworker (a unit in qm_units)" },
    { name = "target_group", type = "text", aliases = { "målgruppe", "maalgruppe" }, doc = "the target group" },
    { name = "start_date", type = "date", required = true, aliases = { "start", "startdato" }, doc = "when the course began" },
    { name = "end_date", type = "date", aliases = { "slut", "slutdato" }, doc = "when it ended (blank: still running)" } } },
  conversations = { key = { "id" }, doc = "the conversations at which citizens are scored", columns = {
    { name = "id", type = "text", required = true, aliases = { "samtale", "samtale_id", "conversation" }, doc = "the conversation's id" },
    { name = "citizen_id", type = "text", required = true, references = "citizens", aliases = { "borger", "borger_id", "citizen" }, doc = "the citizen" },
    { name = "date", type = "date", required = true, aliases = { "dato" }, doc = "the day of the conversation" } } },
  scores = { key = { "conversation_id", "indicator" }, doc = "each indicator's score at a conversation", columns = {
    { name = "conversation_id", type = "text", required = true, references = "conversations", aliases = { "samtale", "samtale_id", "conversation" }, doc = "the conversation" },
    { name = "indicator", type = "element", of = "question", required = true, aliases = { "indikator", "område", "omraade", "fokuspunkt" },
      doc = "one of the model's indicators (its questions)" },
    { name = "score", type = "scale", aliases = { "point", "score_1_5" }, doc = "the score on the model's scale (blank: not scored)" },
    { name = "hidden", type = "boolean", default = 0, aliases = { "skjult" }, doc = "kept from the citizen (default no)" } } },
  focus = { doc = "focus points: the indicators a citizen works on, from opened to closed", columns = {
    { name = "citizen_id", type = "text", required = true, references = "citizens", aliases = { "borger", "borger_id", "citizen" }, doc = "the citizen" },
    { name = "indicator", type = "element", of = "question", required = true, aliases = { "indikator", "fokuspunkt", "område" },
      doc = "one of the model's indicators (the catalogue)" },
    { name = "opened", type = "date", required = true, aliases = { "åbnet", "aabnet" }, doc = "when it was chosen" },
    { name = "closed", type = "date", aliases = { "lukket" }, doc = "when it was closed (blank: open)" },
    { name = "reason", type = "text", aliases = { "grund", "årsag" }, doc = "why it was closed (nået, godt på vej, ...)" } } },
  interventions = { doc = "interventions (indsatser) a citizen takes part in", columns = {
    { name = "citizen_id", type = "text", required = true, references = "citizens", aliases = { "borger", "borger_id", "citizen" }, doc = "the citizen" },
    { name = "intervention", type = "text", required = true, aliases = { "indsats" }, doc = "the intervention" },
    { name = "start_date", type = "date", aliases = { "start", "startdato" }, doc = "when it began" },
    { name = "end_date", type = "date", aliases = { "slut", "slutdato" }, doc = "when it ended" } } },
}
M.roles = { "citizens", "conversations", "scores", "focus", "interventions" }

-- focus points: more open at once than the model's focus_max is listed as a warning (the
-- fokus report counts such citizens; the data is kept as it happened). One query over the
-- imported rows (temp.qm_import_rows: rid = the row's rowid), at most one line per row.
M.tables.focus.check = function(m)
  local max = m.progression and m.progression.focus_max
  if not max then return nil end
  return {
    level = "warning", column = "opened",
    -- a join (SQLite indexes the focus table by citizen once), not a subquery per row
    sql = [[SELECT r.rid AS rid, f.citizen_id AS citizen, f.opened AS opened, count(*) AS n
            FROM temp.qm_import_rows r JOIN {tbl} f ON f.rowid = r.rid
            JOIN {tbl} g ON g.citizen_id = f.citizen_id AND g.opened <= f.opened
              AND (g.closed IS NULL OR g.closed > f.opened)
            GROUP BY r.rid HAVING n > :max ORDER BY r.rid]],
    params = { max = max },
    message = function(r)
      return ("citizen %s has %d focus points open from %s, more than the model's focus_max %d")
        :format(tostring(r.citizen), r.n, tostring(r.opened), max)
    end,
  }
end

local function settings(m)
  local p = m.progression or {}
  local t = {}
  for k, v in pairs(defaults) do t[k] = (p.tables and p.tables[k]) or v end
  for _, name in pairs(t) do
    if not name:match("^[%a_][%w_]*$") then error(("progression.tables: %q is not a table name"):format(name), 0) end
  end
  -- coverage: "more than" a period in calendar terms (coverage = "et halvt år"), read by the
  -- time-phrase reader; coverage_days counts days instead
  local cov, cov_err
  if p.coverage_days == nil then
    local phrase = p.coverage or "et halvt år"
    cov, cov_err = time.read(phrase, "gap")
    -- a length of time ("et halvt år", "6 måneder"), not a recurrence ("hvert kvartal" read
    -- as one would print "mere end hvert kvartal")
    if not cov or cov.year_missing or not cov.max_gap or cov.min_gap or not cov.duration then
      error(("progression.coverage: %s"):format(cov_err or ("\"" .. phrase
        .. "\" is not a length of time like \"et halvt år\", \"et år\" or \"6 måneder\"")), 0)
    end
    cov = { phrase = phrase, gap = cov.max_gap }
  end
  return { tables = t, window = p.window or 3, focus_max = p.focus_max, coverage_days = p.coverage_days, coverage = cov,
           target_group = p.target_group }
end

-- the model's table for each role (progression.tables, else the jc_* defaults)
function M.table_names(m)
  return settings(m).tables
end

local function sql(template, t)
  return (template:gsub("{(%w+)}", t))
end

-- the database and settings, with the tables this report reads checked against their
-- declaration (qm.lang.inputs): a missing table or column is named with its setting. subset
-- (optional): the rows the report reads, when it reads only some (contract.check_report);
-- the third value is then what to read each checked role from (a table name, or the kept rows)
local function open(ctx, m, roles, subset)
  local db = ctx:model_database()
  if not db then cli.usage_error("this report needs the job centre's data: give --db FILE") end
  local st = settings(m)
  local sources = contract.check_report(db, m, "progression", st.tables, roles, subset)
  return db, st, sources
end

local function as_of(ctx, m) return tostring(ctx:as_of(m)) end

-- the level results are grouped by: caseworker, team or jobcentre (default)
local function level_expr(ctx)
  local level = ctx.params.level or "jobcentre"
  if level == "caseworker" then return "c.caseworker_id", level end
  if level == "team" then return "(SELECT parent_id FROM qm_units WHERE id = c.caseworker_id)", level end
  if level == "jobcentre" then return "'jobcentre'", level end
  cli.usage_error(("--param level=%s: use caseworker, team or jobcentre"):format(tostring(level)))
end

-- the target group (--param target_group, else progression.target_group): one, or a list
-- A target group no citizen has (a misspelt --param target_group=sygedagpenge) is said on
-- stderr with the groups the table has, once per run: the report would only show (none).
local function warn_unknown_groups(ctx, st, tg, from_param)
  local db = ctx:model_database()
  if not db or ctx.target_groups_checked then return end
  ctx.target_groups_checked = true
  local t = '"' .. st.tables.citizens .. '"'
  local groups = {}
  for r in db:query("SELECT DISTINCT target_group AS g FROM " .. t .. " WHERE target_group IS NOT NULL ORDER BY 1 LIMIT 50") do
    groups[#groups + 1] = tostring(r.g)
  end
  for _, v in ipairs(tg) do
    if not db:first("SELECT 1 AS x FROM " .. t .. " WHERE target_group = ? LIMIT 1", { v }) then
      local hint = require("qm.lang.construct").did_you_mean(tostring(v), groups)
      ctx:warn(("%s \"%s\": no citizen in %s has this target group%s (the table's target groups: %s)")
        :format(from_param and "--param target_group" or "progression.target_group", tostring(v), st.tables.citizens,
          hint and (" — did you mean \"" .. hint .. "\"?") or "", #groups > 0 and table.concat(groups, ", ") or "none"))
    end
  end
end

local function target_filter(st, ctx)
  local tg = ctx.params.target_group or st.target_group
  if tg == nil then return "1", {} end
  if type(tg) ~= "table" then tg = { tg } end
  warn_unknown_groups(ctx, st, tg, ctx.params.target_group ~= nil)
  local marks, p = {}, {}
  for i, v in ipairs(tg) do marks[i] = ":tg" .. i; p["tg" .. i] = v end
  return "c.target_group IN (" .. table.concat(marks, ", ") .. ")", p
end

local function has_table(db, name)
  return db:scalar("SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", { name }) > 0
end

local function params(base, extra) for k, v in pairs(extra) do base[k] = v end return base end

-- per citizen and indicator, as of the date: how many scored conversations, the first, the
-- previous and the latest score (and dates), the latest's hidden flag and how many were
-- hidden. One GROUP BY pass with the engine's first_by/last_by/nth_last_by aggregates
-- (ordered by conversation date, then id): no window function sorts every row again.
-- Queries join s as "{citizens} c CROSS JOIN s": the municipality's tables may have no
-- index, and this order lets SQLite index the materialized s on the fly instead of
-- scanning it once per citizen.
local PER_PAIR = [[
  WITH s AS MATERIALIZED (
    SELECT cv.citizen_id, s.indicator, count(*) AS n,
           first_by(s.score, cv.date, cv.id) AS first, min(cv.date) AS first_date,
           nth_last_by(s.score, 2, cv.date, cv.id) AS prev,
           last_by(s.score, cv.date, cv.id) AS score, max(cv.date) AS date,
           last_by(coalesce(s.hidden, 0), cv.date, cv.id) AS hidden,
           sum(coalesce(s.hidden, 0)) AS hidden_n{extra}
    FROM {scores} s JOIN {conversations} cv ON cv.id = s.conversation_id
    WHERE cv.date <= :as_of AND s.score IS NOT NULL{inner}
    GROUP BY cv.citizen_id, s.indicator)
]]

-- extra: more aggregate columns; inner: a filter on the scored rows (" AND ...")
local function per_pair(t, extra, inner)
  return sql(PER_PAIR, setmetatable({ extra = extra or "", inner = inner or "" }, { __index = t }))
end

-- ---------------------------------------------------------------- progression

-- the lines chart of the progression report: mean score per indicator per month (the
-- conversations' months up to --as-of), of the citizens the report covers
function M.monthly_chart(ctx, m, db, st, tf, tp)
  local L = i18n.of(ctx, m)
  local q = sql([[
    SELECT substr(cv.date, 1, 7) AS month, s.indicator, avg(s.score) AS mean
    FROM {scores} s JOIN {conversations} cv ON cv.id = s.conversation_id JOIN {citizens} c ON c.id = cv.citizen_id
    WHERE cv.date <= :as_of AND s.score IS NOT NULL AND ]] .. tf .. [[
    GROUP BY month, s.indicator ORDER BY month]], st.tables)
  local months, seen, by = {}, {}, {}
  for r in db:query(q, params({ as_of = as_of(ctx, m) }, tp)) do
    if not seen[r.month] then seen[r.month] = true; months[#months + 1] = r.month end
    by[r.indicator] = by[r.indicator] or {}
    by[r.indicator][r.month] = r.mean
  end
  if #months == 0 then return nil end
  local series = {}
  for _, e in ipairs(m:questions()) do
    if by[e.id] then series[#series + 1] = { label = e.title or e.text or e.id, values = by[e.id] } end
  end
  local sc = m.scale
  return { type = "lines", title = L("progression.chart"), x = months, series = series,
    min = (sc and sc.min) or 1, max = (sc and sc.max) or 5, labels = { x = L("progression.col.month") },
    format = charts.number { decimals = 2, decimal = L.decimal } }
end

-- a mean change for people: two decimals, the language's decimal mark
local function change_text(L) return function(v) return v ~= nil and L:num(v, 2, true) or nil end end

function M.progression(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db, st = open(ctx, m, { "citizens", "conversations", "scores" })
  local group, level = level_expr(ctx)
  local tf, tp = target_filter(st, ctx)
  local q = per_pair(st.tables) .. sql([[
    SELECT ]] .. group .. [[ AS grp, s.indicator,
           count(*) AS citizens,
           sum(s.score > s.prev) AS forward_prev, sum(s.score < s.prev) AS backward_prev, sum(s.score = s.prev) AS same_prev,
           sum(s.score > s.first) AS forward_first, sum(s.score < s.first) AS backward_first, sum(s.score = s.first) AS same_first,
           avg(s.score - s.prev) AS mean_change_prev, avg(s.score - s.first) AS mean_change_first,
           sum(s.hidden) AS hidden,
           sum(s.score = 1) AS s1, sum(s.score = 2) AS s2, sum(s.score = 3) AS s3, sum(s.score = 4) AS s4, sum(s.score = 5) AS s5
    FROM {citizens} c CROSS JOIN s ON s.citizen_id = c.id
    WHERE s.prev IS NOT NULL AND ]] .. tf .. [[
    GROUP BY grp, s.indicator ORDER BY grp, s.indicator]], st.tables)
  local order = {}
  for i, e in ipairs(m:questions()) do order[e.id] = i end
  local rows = db:rows(q, params({ as_of = as_of(ctx, m) }, tp))
  table.sort(rows, function(a, b)
    if a.grp ~= b.grp then return tostring(a.grp) < tostring(b.grp) end
    return (order[a.indicator] or 1e9) < (order[b.indicator] or 1e9)
  end)
  -- small groups (docs/reports.md): a caseworker's or team's figures over fewer than
  -- min_group citizens are not shown, nor those of the smallest others under the same team
  -- (or job centre) until the hidden ones hold min_group citizens together: the level above
  -- has the totals, so one hidden group alone could be worked out from them
  local min = groups.min_group(ctx, m)
  local team_of = {}
  if level == "caseworker" and has_table(db, "qm_units") then
    for u in db:query("SELECT id, parent_id FROM qm_units") do team_of[tostring(u.id)] = tostring(u.parent_id) end
  end
  -- (the job centre's own figures, level=jobcentre, are the unit's and stay complete)
  local n_suppressed = level == "jobcentre" and 0 or groups.suppress(rows, min, function(r) return r.citizens end,
    function(r) return (level == "caseworker" and (team_of[tostring(r.grp)] or "") or "") .. "\0" .. r.indicator end)
  local why = { primary = ("fewer than %d citizens"):format(min),
                secondary = ("hidden with a smaller group, so that it cannot be worked out from the totals (secondary suppression)") }
  local data, trows = json.array({}), {}
  for _, r in ipairs(rows) do
    local e = m:find(r.indicator)
    local mc = r.mean_change_prev ~= host.null and r.mean_change_prev or nil
    local mf = r.mean_change_first ~= host.null and r.mean_change_first or nil
    if r.suppressed then
      trows[#trows + 1] = { grp = r.grp, indicator = e and (e.title or e.text) or r.indicator, citizens = r.citizens,
        suppressed = r.suppressed }
      data[#data + 1] = json.object({ group = r.grp, indicator = r.indicator, citizens = r.citizens, since_previous = host.null,
        since_first = host.null, distribution = host.null, hidden = host.null, suppressed = r.suppressed, reason = why[r.suppressed] },
        { "group", "indicator", "citizens", "since_previous", "since_first", "distribution", "hidden", "suppressed", "reason" })
    else
      trows[#trows + 1] = { grp = r.grp, indicator = e and (e.title or e.text) or r.indicator, citizens = r.citizens,
        fwd = r.forward_prev, bwd = r.backward_prev, same = r.same_prev, change = mc,
        fwd1 = r.forward_first, bwd1 = r.backward_first, change1 = mf,
        dist = ("%d/%d/%d/%d/%d"):format(r.s1, r.s2, r.s3, r.s4, r.s5), hidden = r.hidden }
      data[#data + 1] = json.object({ group = r.grp, indicator = r.indicator, citizens = r.citizens,
        since_previous = json.object({ forward = r.forward_prev, backward = r.backward_prev, unchanged = r.same_prev,
          mean_change = mc }, { "forward", "backward", "unchanged", "mean_change" }),
        since_first = json.object({ forward = r.forward_first, backward = r.backward_first, unchanged = r.same_first,
          mean_change = mf }, { "forward", "backward", "unchanged", "mean_change" }),
        distribution = json.array({ r.s1, r.s2, r.s3, r.s4, r.s5 }), hidden = r.hidden },
        { "group", "indicator", "citizens", "since_previous", "since_first", "distribution", "hidden" })
    end
  end
  local doc = report.document { lang = L.lang, title = L("progression.title", { model = m.title or m.id }),
    subtitle = L("progression.subtitle", { date = as_of(ctx, m), level = L("progression.level." .. level) }),
    data = json.object({ model = m.id, as_of = as_of(ctx, m), level = level, min_group = min, suppressed = n_suppressed, rows = data },
      { "model", "as_of", "level", "min_group", "suppressed", "rows" }) }
  -- a suppressed row: its figures "–", its group marked for the footnote
  local function hide(f) return function(v, row) if row.suppressed then return "–" end if f then return f(v, row) end return v end end
  doc:table { name = "progression", columns = {
    { key = "grp", title = L("progression.col." .. level),
      text = function(v, row)
        if v == "jobcentre" then v = L("progression.level.jobcentre") end
        return row.suppressed and (tostring(v) .. " ¹") or v
      end },
    { key = "indicator", title = L("col.indicator") }, { key = "citizens", title = L("progression.col.citizens") },
    { key = "fwd", title = L("progression.col.forward"), align = "right", text = hide() },
    { key = "bwd", title = L("progression.col.backward"), align = "right", text = hide() },
    { key = "same", title = L("progression.col.unchanged"), align = "right", text = hide() },
    { key = "change", title = L("progression.col.mean_change"), align = "right", text = hide(change_text(L)) },
    { key = "fwd1", title = L("progression.col.forward_first"), align = "right", text = hide() },
    { key = "bwd1", title = L("progression.col.backward_first"), align = "right", text = hide() },
    { key = "change1", title = L("progression.col.change_first"), align = "right", text = hide(change_text(L)) },
    { key = "dist", title = L("progression.col.distribution"), align = "right", text = hide() },
    { key = "hidden", title = L("progression.col.hidden"), align = "right", text = hide() } },
    rows = trows }
  if n_suppressed > 0 then doc:paragraph(L("progression.suppressed_note", { n = n_suppressed, min = min })) end
  -- progression over time: the mean score per indicator and month, one line per indicator.
  -- For people's formats only (another pass over the scores); JSON and CSV keep their shape.
  if ctx.opts.format ~= "json" and ctx.opts.format ~= "csv" then
    local spec = M.monthly_chart(ctx, m, db, st, tf, tp)
    if spec then doc:chart(spec) end
  end
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- no progression

-- citizens whose latest score on an indicator is no higher than it was `window`
-- conversations earlier: the signal to reconsider the intervention
function M.stagnation(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db, st = open(ctx, m, { "citizens", "conversations", "scores" })
  local w = math.tointeger(ctx.params.window or st.window)
  if not w or w < 1 then cli.usage_error("the window must be a whole number of conversations") end
  local tf, tp = target_filter(st, ctx)
  if w > 31 then cli.usage_error("the window can be at most 31 conversations") end
  local q = per_pair(st.tables, [[,
           nth_last_by(s.score, :w + 1, cv.date, cv.id) AS score_then,
           nth_last_by(cv.date, :w + 1, cv.date, cv.id) AS since]]) .. sql([[
    SELECT s.citizen_id, c.caseworker_id, s.indicator, s.since, s.score_then, s.score AS score_now
    FROM {citizens} c CROSS JOIN s ON s.citizen_id = c.id
    WHERE s.score_then IS NOT NULL AND s.score <= s.score_then AND s.score < :top AND ]] .. tf .. [[
    ORDER BY c.caseworker_id, s.citizen_id, s.indicator]], st.tables)
  -- a citizen already at the top of the scale cannot move forward: not a flag.
  -- The list can run to hundreds of thousands of rows nationally: it is kept in a temporary
  -- table (counted for the summary, then streamed to the output), never in Lua.
  db:exec("DROP TABLE IF EXISTS temp.qm_stagnation")
  db:exec("CREATE TEMP TABLE qm_stagnation AS " .. q,
    params({ as_of = as_of(ctx, m), w = w, top = m.scale and m.scale.max or 5 }, tp))
  local n = db:scalar("SELECT count(*) FROM temp.qm_stagnation")
  local function rows()
    return db:query([[SELECT citizen_id, caseworker_id, indicator, since, score_then, score_now
                      FROM temp.qm_stagnation ORDER BY rowid]])
  end
  local doc = report.document { lang = L.lang, title = L("stagnation.title", { model = m.title or m.id }),
    subtitle = L("stagnation.subtitle", { n = w, date = as_of(ctx, m) }),
    data = json.object({ model = m.id, window = w, citizens = json.stream(rows) }, { "model", "window", "citizens" }) }
  doc:keyvalues { { L("stagnation.count"), n } }
  doc:table { name = "stagnation", columns = { { key = "caseworker_id", title = L("progression.col.caseworker") },
    { key = "citizen_id", title = L("progression.col.citizen") },
    { key = "indicator", title = L("col.indicator") }, { key = "since", title = L("stagnation.col.since") },
    { key = "score_then", title = L("stagnation.col.then") }, { key = "score_now", title = L("col.now") } }, rows = rows }
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- completeness

function M.completeness(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db, st = open(ctx, m, { "citizens", "conversations", "scores" })
  local n = #m:questions()
  local q = sql([[SELECT c.caseworker_id, count(*) AS conversations, sum(k.scored = :n) AS complete,
      sum(k.scored < :n) AS incomplete FROM (
        SELECT cv.id, cv.citizen_id, count(s.score) AS scored FROM {conversations} cv
        LEFT JOIN {scores} s ON s.conversation_id = cv.id WHERE cv.date <= :as_of GROUP BY cv.id) k
      JOIN {citizens} c ON c.id = k.citizen_id GROUP BY c.caseworker_id ORDER BY c.caseworker_id]], st.tables)
  local rows = db:rows(q, { n = n, as_of = as_of(ctx, m) })
  local total, complete, shown = 0, 0, {}
  for i, r in ipairs(rows) do
    local c = r.complete ~= host.null and r.complete or 0
    total = total + r.conversations
    complete = complete + c
    shown[i] = { caseworker_id = r.caseworker_id, conversations = r.conversations, complete = c,
                 incomplete = r.conversations - c, share = c / r.conversations }
  end
  local doc = report.document { lang = L.lang, title = L("completeness.title", { model = m.title or m.id }),
    subtitle = L("completeness.subtitle", { n = n }),
    data = json.object({ model = m.id, indicators = n, conversations = total, complete = complete, caseworkers = json.array(rows) },
      { "model", "indicators", "conversations", "complete", "caseworkers" }) }
  doc:keyvalues { { L("progression.col.conversations"), total }, { L("completeness.col.complete"), complete } }
  doc:table { name = "completeness", columns = { { key = "caseworker_id", title = L("progression.col.caseworker") },
    { key = "conversations", title = L("progression.col.conversations") },
    { key = "complete", title = L("completeness.col.complete") }, { key = "incomplete", title = L("completeness.col.incomplete") },
    { key = "share", title = L("col.share"), align = "right", text = function(v) return L:pct(v) end } }, rows = shown }
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- focus points

function M.focus(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db, st = open(ctx, m, { "focus" })
  local t = as_of(ctx, m)
  local max = st.focus_max
  -- the citizens with open focus points counted in SQLite; only those over the maximum
  -- become Lua rows (memory flat however many citizens have focus points)
  local n_open = db:scalar(sql([[SELECT count(DISTINCT citizen_id) FROM {focus}
    WHERE opened <= :as_of AND (closed IS NULL OR closed > :as_of)]], st.tables), { as_of = t })
  local over = {}
  if max then
    over = db:rows(sql([[SELECT citizen_id, count(*) AS open, group_concat(indicator, ', ') AS indicators
      FROM (SELECT * FROM {focus} WHERE opened <= :as_of AND (closed IS NULL OR closed > :as_of) ORDER BY indicator)
      GROUP BY citizen_id HAVING count(*) > :max ORDER BY citizen_id]], st.tables), { as_of = t, max = max })
  end
  -- a focus point closed without a reason: null in JSON and CSV, words for people
  local reasons = db:rows(sql([[SELECT reason, count(*) AS closed FROM {focus}
    WHERE closed IS NOT NULL AND closed <= :as_of GROUP BY 1 ORDER BY 2 DESC, reason IS NULL, 1]], st.tables), { as_of = t })
  -- renewed: opened on or after one of the citizen's focus points closed (the first closing
  -- per citizen, joined once, not a subquery per row)
  local renewed = db:scalar(sql([[WITH first_closed AS MATERIALIZED (
      SELECT citizen_id, min(closed) AS closed FROM {focus} WHERE closed IS NOT NULL GROUP BY citizen_id)
    SELECT count(*) FROM {focus} f JOIN first_closed g ON g.citizen_id = f.citizen_id
    WHERE f.opened <= :as_of AND g.closed <= f.opened]], st.tables), { as_of = t })
  local doc = report.document { lang = L.lang, title = L("fokus.title", { model = m.title or m.id }),
    subtitle = L("progression.as_of", { date = t }),
    data = json.object({ model = m.id, as_of = t, max_open = max, citizens_with_focus = n_open, over_max = json.array(over),
      closed_by_reason = json.array(reasons), renewed = renewed },
      { "model", "as_of", "max_open", "citizens_with_focus", "over_max", "closed_by_reason", "renewed" }) }
  doc:keyvalues { { L("fokus.citizens_open"), n_open }, { L("fokus.max_open"), max or L("fokus.no_limit") },
    { L("fokus.over"), #over }, { L("fokus.renewed"), renewed } }
  doc:heading(L("fokus.by_reason"), 3)
  doc:table { name = "reasons", columns = { { key = "reason", title = L("fokus.col.reason"),
      text = function(v) if v == nil or v == host.null then return L("fokus.no_reason") end return v end },
    { key = "closed", title = L("fokus.col.closed") } }, rows = reasons }
  doc:section(max and L("fokus.over_heading", { max = max }) or L("fokus.over"), { name = "over",
    columns = { { key = "citizen_id", title = L("progression.col.citizen") }, { key = "open", title = L("fokus.col.open") },
      { key = "indicators", title = L("fokus.col.focus_points") } }, rows = over })
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- interventions

-- mean change since the first score for citizens in each intervention (while enrolled)
function M.interventions(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db, st = open(ctx, m, { "citizens", "conversations", "scores", "interventions" })
  local q = per_pair(st.tables) .. sql([[
    SELECT i.intervention, count(DISTINCT s.citizen_id) AS citizens, count(*) AS scores,
           avg(s.score - s.first) AS mean_change, sum(s.score > s.first) AS forward, sum(s.score < s.first) AS backward
    -- CROSS JOIN keeps interventions outside, so SQLite indexes s on the fly (the tables
    -- may have no index of their own)
    FROM {interventions} i CROSS JOIN s ON s.citizen_id = i.citizen_id
      AND s.date >= i.start_date AND (i.end_date IS NULL OR s.date <= i.end_date)
    GROUP BY i.intervention ORDER BY mean_change DESC, i.intervention]], st.tables)
  local rows = db:rows(q, { as_of = as_of(ctx, m) })
  local shown = {}
  for i, r in ipairs(rows) do
    shown[i] = { intervention = r.intervention, citizens = r.citizens, forward = r.forward, backward = r.backward,
                 change = r.mean_change ~= host.null and r.mean_change or nil }
  end
  local doc = report.document { lang = L.lang, title = L("indsatser.title", { model = m.title or m.id }),
    subtitle = L("indsatser.subtitle"),
    data = json.object({ model = m.id, interventions = json.array(rows) }, { "model", "interventions" }) }
  doc:table { name = "interventions", columns = { { key = "intervention", title = L("indsatser.col.intervention") },
    { key = "citizens", title = L("progression.col.citizens") },
    { key = "change", title = L("progression.col.mean_change"), align = "right", text = change_text(L) },
    { key = "forward", title = L("progression.col.forward") }, { key = "backward", title = L("progression.col.backward") } }, rows = shown }
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- one citizen, a caseload


local function num(v) if v == host.null then return nil end return v end
local function change(a, b) if a == nil or b == nil then return nil end return a - b end
local function signed(v) if v == nil then return "" end return v > 0 and ("+" .. v) or tostring(v) end

-- per citizen and indicator, as of the date: how many scored conversations, the first, the
-- previous and the latest score, the change since the previous and since the first, and how
-- many of the scores were hidden from the citizen
local PER_CITIZEN = [[
  SELECT s.citizen_id, c.caseworker_id, s.indicator, s.n AS conversations, s.first_date, s.first,
         s.prev AS previous, s.date AS latest_date, s.score AS latest, s.hidden_n AS hidden
  FROM {citizens} c CROSS JOIN s ON s.citizen_id = c.id
  WHERE {where}
  ORDER BY CAST(c.caseworker_id AS TEXT), s.citizen_id, {byindicator}]]

-- one row of PER_CITIZEN as the JSON shape (docs/models) ...
local JSON_KEYS = { "citizen_id", "caseworker_id", "indicator", "conversations", "first_date", "first",
  "previous", "latest_date", "latest", "since_previous", "since_first", "hidden" }
local function per_citizen_json(r)
  local prev = num(r.previous)
  local since_previous = change(r.latest, prev)
  return json.object({ citizen_id = r.citizen_id, caseworker_id = num(r.caseworker_id), indicator = r.indicator,
    conversations = r.conversations, first_date = r.first_date, first = r.first,
    previous = prev == nil and host.null or prev, latest_date = r.latest_date, latest = r.latest,
    since_previous = since_previous == nil and host.null or since_previous,
    since_first = change(r.latest, r.first), hidden = r.hidden }, JSON_KEYS)
end

-- ... and as the report table shows it
local function per_citizen_shown(m, r)
  local prev = num(r.previous)
  local e = m:find(r.indicator)
  return { citizen_id = r.citizen_id, caseworker_id = num(r.caseworker_id), indicator = e and e.title or r.indicator,
    conversations = r.conversations, first = ("%d (%s)"):format(r.first, r.first_date), previous = prev,
    latest = ("%d (%s)"):format(r.latest, r.latest_date), since_previous = signed(change(r.latest, prev)),
    since_first = signed(change(r.latest, r.first)), hidden = r.hidden }
end

-- the rows per citizen and indicator, by caseworker, citizen and the model's indicator
-- order, streamed from SQLite: (JSON rows as a json.stream, a report table's row source)
local function per_citizen_rows(db, st, m, where, p, inner)
  local whens = {}
  for i, e in ipairs(m:questions()) do
    whens[#whens + 1] = (" WHEN :qm_ind%d THEN %d"):format(i, i)
    p["qm_ind" .. i] = e.id
  end
  local order = #whens > 0 and ("CASE s.indicator" .. table.concat(whens) .. " ELSE 1000000000 END") or "0"
  local q = per_pair(st.tables, nil, inner) ..
    sql(PER_CITIZEN, setmetatable({ where = where, byindicator = order }, { __index = st.tables }))
  local function source(shape)
    return function()
      local it, state, ctl, closing = db:query(q, p)
      return function()
        local r = it(state, ctl)
        if r == nil then return nil end
        return shape(r)
      end, nil, nil, closing
    end
  end
  return json.stream(source(per_citizen_json)), source(function(r) return per_citizen_shown(m, r) end)
end

local function per_citizen_columns(L)
  return {
    { key = "indicator", title = L("col.indicator") }, { key = "conversations", title = L("progression.col.conversations") },
    { key = "first", title = L("borger.col.first") }, { key = "previous", title = L("borger.col.previous") },
    { key = "latest", title = L("borger.col.latest") },
    { key = "since_previous", title = L("borger.col.since_previous"), align = "right" },
    { key = "since_first", title = L("borger.col.since_first"), align = "right" }, { key = "hidden", title = L("progression.col.hidden") } }
end

-- one citizen: every conversation with its scores (a row per conversation, a column per
-- indicator; * = hidden from the citizen, - = not scored), progression per indicator, and the
-- focus points and interventions when those tables exist
-- The citizen's rows of citizens, conversations and scores were kept when they were checked
-- (open's subset: one pass over the scores, no index needed); src reads them from there.
local function one_citizen(ctx, m, out, db, st, id, src)
  local L = i18n.of(ctx, m)
  local t = as_of(ctx, m)
  local tables = {}
  for k, v in pairs(st.tables) do tables[k] = src[k] or v end
  local c = db:first(sql("SELECT * FROM {citizens} WHERE id = :id", tables), { id = id })
  if not c then error(("--param citizen=%s: no such citizen in %s"):format(id, st.tables.citizens), 0) end
  local qs = m:questions()
  -- the citizen's scores picked by conversation id
  local mine = sql(" AND s.conversation_id IN (SELECT id FROM {conversations} WHERE citizen_id = :id)", tables)
  local convs = db:rows(sql([[WITH mine AS MATERIALIZED (SELECT * FROM {scores} s WHERE 1]] .. mine .. [[)
    SELECT cv.id, cv.date, s.indicator, s.score, s.hidden FROM {conversations} cv
    LEFT JOIN mine s ON s.conversation_id = cv.id
    WHERE cv.citizen_id = :id AND cv.date <= :as_of ORDER BY cv.date, cv.id]], tables), { id = id, as_of = t })
  local timeline, trows, by_id = json.array({}), {}, {}
  for _, r in ipairs(convs) do
    local conv = by_id[r.id]
    if not conv then
      conv = { id = r.id, date = r.date, scores = {} }
      by_id[r.id] = conv
      timeline[#timeline + 1] = conv
      trows[#trows + 1] = { date = r.date, conversation = r.id }
    end
    if num(r.indicator) and num(r.score) then
      conv.scores[r.indicator] = json.object({ score = r.score, hidden = r.hidden == 1 }, { "score", "hidden" })
      trows[#trows][r.indicator] = r.score .. (r.hidden == 1 and "*" or "")
    end
  end
  local cols = { { key = "date", title = L("col.date") }, { key = "conversation", title = L("borger.col.conversation") } }
  for _, q in ipairs(qs) do
    cols[#cols + 1] = { key = q.id, title = q.title or q.id, align = "right" }
    for _, row in ipairs(trows) do row[q.id] = row[q.id] or "-" end
  end
  for i, conv in ipairs(timeline) do
    timeline[i] = json.object({ id = conv.id, date = conv.date, scores = json.object(conv.scores) }, { "id", "date", "scores" })
  end
  local data, shown = per_citizen_rows(db, setmetatable({ tables = tables }, { __index = st }), m, "s.citizen_id = :id",
    { id = id, as_of = t }, " AND cv.citizen_id = :id" .. mine)
  local focus, interventions = json.array({}), json.array({})
  if has_table(db, st.tables.focus) then
    focus = json.array(db:rows(sql([[SELECT indicator, opened, closed, reason FROM {focus}
      WHERE citizen_id = :id AND opened <= :as_of ORDER BY opened, indicator]], st.tables), { id = id, as_of = t }))
  end
  if has_table(db, st.tables.interventions) then
    interventions = json.array(db:rows(sql([[SELECT intervention, start_date, end_date FROM {interventions}
      WHERE citizen_id = :id AND start_date <= :as_of ORDER BY start_date, intervention]], st.tables), { id = id, as_of = t }))
  end
  local doc = report.document { lang = L.lang, title = L("borger.title", { model = m.title or m.id, id = id }),
    subtitle = L("borger.subtitle", { date = t }),
    data = json.object({ model = m.id, as_of = t, citizen = id, caseworker_id = num(c.caseworker_id),
      target_group = num(c.target_group), start_date = num(c.start_date), end_date = num(c.end_date),
      conversations = timeline, indicators = data, focus = focus, interventions = interventions },
      { "model", "as_of", "citizen", "caseworker_id", "target_group", "start_date", "end_date", "conversations",
        "indicators", "focus", "interventions" }) }
  doc.csv_table = "conversations"
  doc:keyvalues { { L("progression.col.caseworker"), num(c.caseworker_id) or "–" }, { L("borger.target_group"), num(c.target_group) or "–" },
    { L("col.start"), num(c.start_date) or "–" }, { L("col.end"), num(c.end_date) or "–" }, { L("progression.col.conversations"), #timeline } }
  doc:heading(L("progression.col.conversations"), 3)
  doc:table { name = "conversations", columns = cols, rows = trows }
  doc:heading(L("borger.per_indicator"), 3)
  doc:table { name = "indicators", columns = per_citizen_columns(L), rows = shown }
  doc:section(L("fokus.col.focus_points"), { name = "focus", columns = { { key = "indicator", title = L("borger.col.focus_point") },
    { key = "opened", title = L("borger.col.opened") }, { key = "closed", title = L("fokus.col.closed") },
    { key = "reason", title = L("fokus.col.reason") } }, rows = focus })
  doc:section(L("borger.interventions"), { name = "interventions", columns = { { key = "intervention", title = L("indsatser.col.intervention") },
    { key = "start_date", title = L("col.start") }, { key = "end_date", title = L("col.end") } }, rows = interventions })
  report.write(doc, ctx.opts.format, out)
end

-- --param citizen=ID: that citizen; otherwise a caseload (--param caseworker=ID) or every
-- citizen, one row per citizen and indicator
function M.citizen(ctx, m, out)
  local L = i18n.of(ctx, m)
  local id = ctx.params.citizen ~= nil and tostring(ctx.params.citizen) or nil
  -- one citizen: only that citizen's rows are checked (and kept for the report to read); a
  -- bad value in another citizen's rows does not stop it. Every citizen: every row.
  local subset = id and { citizens = { where = "id = :id", params = { id = id } },
    conversations = { where = "citizen_id = :id", params = { id = id } },
    scores = { where = "conversation_id IN (SELECT id FROM {conversations})" } }
  local db, st, src = open(ctx, m, { "citizens", "conversations", "scores" }, subset)
  if id then return one_citizen(ctx, m, out, db, st, id, src) end
  local t = as_of(ctx, m)
  local tf, tp = target_filter(st, ctx)
  local where, p = tf, params({ as_of = t }, tp)
  local cw = ctx.params.caseworker
  local inner
  if cw then
    where, p.cw = where .. " AND c.caseworker_id = :cw", tostring(cw)
    inner = sql(" AND cv.citizen_id IN (SELECT id FROM {citizens} WHERE caseworker_id = :cw)", st.tables)
  end
  local data, shown = per_citizen_rows(db, st, m, where, p, inner)
  local doc = report.document { lang = L.lang, title = L("borger.list_title", { model = m.title or m.id }),
    subtitle = cw and L("borger.list_subtitle_caseworker", { date = t, caseworker = tostring(cw) }) or L("borger.list_subtitle", { date = t }),
    data = json.object({ model = m.id, as_of = t, caseworker = cw and tostring(cw), rows = data },
      { "model", "as_of", "caseworker", "rows" }) }
  local cols = { { key = "caseworker_id", title = L("progression.col.caseworker") }, { key = "citizen_id", title = L("progression.col.citizen") } }
  for _, c in ipairs(per_citizen_columns(L)) do cols[#cols + 1] = c end
  doc:table { name = "citizens", columns = cols, rows = shown }
  report.write(doc, ctx.opts.format, out)
end

-- ---------------------------------------------------------------- coverage

-- the coverage goal: every citizen in the job centre MORE than half a year (strictly) should
-- be scored; coverage = those with at least one scored conversation
function M.coverage(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db, st = open(ctx, m, { "citizens", "conversations", "scores" })
  local t = as_of(ctx, m)
  local tf, tp = target_filter(st, ctx)
  -- the scored citizens as one set (IN), not a subquery per citizen
  local q = sql([[SELECT count(*) AS eligible, sum(c.id IN (SELECT cv.citizen_id FROM {conversations} cv
      JOIN {scores} s ON s.conversation_id = cv.id WHERE cv.date <= :as_of AND s.score IS NOT NULL)) AS covered
    FROM {citizens} c WHERE ]] .. (st.coverage and "c.start_date < :before" or "julianday(:as_of) - julianday(c.start_date) > :days") .. [[
      AND (c.end_date IS NULL OR c.end_date > :as_of) AND ]] .. tf, st.tables)
  local before = st.coverage and tostring(time.longer_than(t, st.coverage.gap)) or nil
  local r = db:first(q, params({ as_of = t, days = st.coverage_days, before = before }, tp))
  local covered = r.covered ~= host.null and r.covered or 0
  local share = r.eligible > 0 and covered / r.eligible or nil
  local goal = m.progression and m.progression.coverage_goal or 1.0
  local status = share == nil and "not evaluable" or (share >= goal and "achieved" or "not achieved")
  local doc = report.document { lang = L.lang, title = L("coverage.title", { model = m.title or m.id }),
    subtitle = st.coverage and L("coverage.subtitle", { phrase = st.coverage.phrase, before = before, date = t })
      or L("coverage.subtitle_days", { n = st.coverage_days, date = t }),
    data = json.object({ model = m.id, as_of = t, more_than = st.coverage and st.coverage.phrase or nil,
      more_than_days = st.coverage_days, started_before = before, eligible = r.eligible, covered = covered, share = share,
      goal = goal, status = status }, { "model", "as_of", "more_than", "more_than_days", "started_before", "eligible", "covered",
      "share", "goal", "status" }) }
  doc:keyvalues { { L("coverage.eligible"), r.eligible }, { L("coverage.covered"), covered },
    { L("coverage.share"), share and L:pct(share, 1) or "–" }, { L("coverage.goal"), L:pct(goal) }, { L("col.status"), L:status(status) } }
  report.write(doc, ctx.opts.format, out)
end

registry.register("progression", M.progression, "forward/backward/unchanged and mean change per indicator (--param level=caseworker|team|jobcentre)", { "progression", "db" })
registry.register("stagnation", M.stagnation, "citizens with no progression over the model's window of conversations", { "progression", "db" })
registry.register("completeness", M.completeness, "conversations where every indicator was scored, per caseworker", { "progression", "db" })
registry.register("fokus", M.focus, "open focus points, the maximum at a time, closing reasons, renewals", { "progression", "db" })
registry.register("indsatser", M.interventions, "which interventions go with progression", { "progression", "db" })
registry.register("borger", M.citizen, "progression per citizen and indicator: one citizen's conversations (--param citizen=ID), a caseload (--param caseworker=ID) or all", { "progression", "db" })
registry.register("coverage", M.coverage, "the coverage goal: citizens more than half a year in the job centre who are scored", { "progression", "db" })

return M
