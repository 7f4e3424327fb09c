-- inputs.lua — the data contract on the reading side: for every indicator kind and every
-- report that reads the municipality's own tables, the columns it reads, their types (the
-- vocabulary of qm.lang.types) and value domains, declared once, as plain data. Every run
-- checks what a query gives against it (qm.eval.contract); `qm check` warns about indicator
-- fields a kind does not read; docs/language.md's tables are generated from M.markdown()
-- and tests/e2e/test_docs.sh fails when they differ.
--
-- The shape (documented in docs/language.md, "The data contract"; other tools read it):
--   M.kinds[kind] = { doc = "...", fields = { indicator fields the kind reads },
--                     columns = { column, ... }, any_of = { { "period", "date" } } }
--   M.reports[name] = { doc = "...", tables = { { role =, setting =, default =, optional =,
--                       needed_by = (the one report an optional table is needed by),
--                       check =, columns = { column, ... } }, ... },
--                       queries = { { role =, setting = (the model field holding the SQL),
--                       columns = { column, ... } } } }
--   column = { name = "done", type = "done" (a qm.lang.types name), doc = "...",
--              optional = true   -- the query may leave the column out
--              required = true   -- NULL is outside the domain (qm.lang.types' meaning)
--              null = "..."      -- what NULL means, when it is allowed
--              values = {...}    -- enum: the values allowed
--              values_from = "items" -- enum: the values are the indicator's field of that name
--              min =, max =      -- integer/number bounds }
-- Column names compare without regard to case: `SELECT Done FROM t` gives `done`.
local M = {}

local unit_id = { name = "unit_id", type = "text", optional = true,
  doc = "the unit the row is about: the indicator is evaluated per unit, every unit must achieve it",
  null = "the whole organisation" }

-- what a judgement's verdict may say, and the status each gives
M.verdicts = {
  { "achieved", "achieved" }, { "opfyldt", "achieved" }, { "nået", "achieved" },
  { "on track", "on track" }, { "på vej", "on track" }, { "godt på vej", "on track" },
  { "not achieved", "not achieved" }, { "ikke opfyldt", "not achieved" }, { "ikke nået", "not achieved" },
}
local verdict_words = {}
for _, v in ipairs(M.verdicts) do verdict_words[#verdict_words + 1] = v[1] end

local value_kind = {
  doc = "the latest value against `min`/`max`",
  fields = { "min", "max", "inclusive" },
  columns = {
    { name = "value", type = "number", doc = "the measurement", null = "left out" },
    { name = "date", type = "date", optional = true, doc = "when it was measured: the latest counts; later than --as-of is not known yet" },
    unit_id,
  },
}

M.kinds = {
  value = value_kind,
  target = value_kind,
  documentation = {
    doc = "the latest value, shown without a target",
    fields = {},
    columns = {
      { name = "value", type = "text", doc = "what is documented (a number or a text)", null = "left out" },
      { name = "date", type = "date", optional = true, doc = "when: the latest counts" },
      unit_id,
    },
  },
  direction = {
    doc = "the latest value against the `baseline` in the `direction` wanted",
    fields = { "direction", "baseline" },
    any_of = { { "period", "date" } },
    columns = {
      { name = "value", type = "number", doc = "the measurement", null = "left out" },
      { name = "period", type = "period", optional = true, doc = "the period measured (2013, 2016-Q3, ...): orders the values and finds the baseline" },
      { name = "date", type = "date", optional = true, doc = "or the date measured" },
      unit_id,
    },
  },
  completion = {
    doc = "every unit done by each `deadline` (a list of deadlines: once in each interval)",
    fields = { "deadline", "units" },
    columns = {
      { name = "unit_id", type = "text", required = true, doc = "a unit that must complete (one row per completion, or a row with done NULL)" },
      { name = "done", type = "date", doc = "the date it was done", null = "not done" },
    },
  },
  frequency = {
    doc = "at least `count` per `per` (or `every`) in each period of the `window`",
    fields = { "count", "per", "every", "window" },
    columns = {
      { name = "date", type = "date", required = true, doc = "one row per event" },
      unit_id,
    },
  },
  max_gap = {
    doc = "no gap between events longer than `max_gap` within the `window`",
    fields = { "max_gap", "every", "window" },
    columns = {
      { name = "date", type = "date", required = true, doc = "one row per event" },
      unit_id,
    },
  },
  share = {
    doc = "the share of applicable cases that meet the criterion against `threshold` (0-1)",
    fields = { "threshold", "inclusive" },
    columns = {
      { name = "met", type = "boolean", doc = "whether the case meets the criterion", null = "not applicable, left out" },
      unit_id,
    },
  },
  checklist = {
    doc = "every one of `items` done (by the `deadline`, when given)",
    fields = { "items", "deadline" },
    columns = {
      { name = "item", type = "enum", values_from = "items", required = true, doc = "one of the indicator's items" },
      { name = "done", type = "done", doc = "a date (done that day) or yes/no", null = "not done" },
      unit_id,
    },
  },
  judgement = {
    doc = "the latest judgement by `body`",
    fields = { "body", "deadline" },
    columns = {
      { name = "body", type = "text", required = true, doc = "who judged; rows of other bodies are left out" },
      { name = "date", type = "date", required = true, doc = "when" },
      { name = "verdict", type = "enum", values = verdict_words, required = true, doc = "the judgement" },
      { name = "note", type = "text", optional = true, doc = "the judgement in words" },
      unit_id,
    },
  },
  prepost = {
    doc = "the mean after against the mean before, `better` higher or lower",
    fields = {},
    columns = {
      { name = "phase", type = "enum", values = { "pre", "før", "post", "efter" }, required = true, doc = "before or after" },
      { name = "value", type = "number", doc = "a measurement", null = "left out" },
      unit_id,
    },
  },
  conditional = {
    doc = "pending until the `condition` is recorded; then done by its `deadline`",
    fields = { "condition", "deadline" },
    columns = {
      { name = "decided", type = "date", doc = "when the condition was recorded", null = "not (yet)" },
      { name = "done", type = "date", optional = true, doc = "when it was done", null = "not done" },
      unit_id,
    },
  },
}

M.kind_names = { "value", "target", "documentation", "direction", "completion", "frequency", "max_gap",
  "share", "checklist", "judgement", "prepost", "conditional" }

-- the indicator fields that belong to one kind or another (the rest — title, sql, scope,
-- hard, unit, better, ... — mean the same for every kind)
M.kind_fields = {}
for _, k in pairs(M.kinds) do for _, f in ipairs(k.fields) do M.kind_fields[f] = true end end

-- the kinds that read a field, for messages ("threshold is read by share")
function M.kinds_reading(field)
  local out = {}
  for _, name in ipairs(M.kind_names) do
    for _, f in ipairs(M.kinds[name].fields) do if f == field then out[#out + 1] = name end end
  end
  return out
end

-- ---------------------------------------------------------------- reports

M.reports = {
  audit = {
    doc = "case audits (god sagsbehandling): reports audit and audit_prioritering",
    tables = {
      { role = "answers", setting = "audit.table", default = "audit_answers", check = "values", columns = {
        { name = "round", type = "text", required = true, doc = "the audit round (before / with the method)" },
        { name = "case_id", type = "text", required = true, doc = "the audited case" },
        { name = "criterion", type = "element", of = "question", required = true, doc = "the criterion: a question of the model" },
        { name = "answer", type = "boolean", doc = "whether the case meets the criterion", null = "not applicable" },
      } },
    },
  },
  prioriteter = {
    doc = "the score-based order beside a recorded prioritisation (report prioriteter)",
    queries = {
      { role = "survey", setting = "survey_sql", columns = {
        { name = "element", type = "element", required = true, doc = "the element scored: an id of the model" },
        { name = "score", type = "number", doc = "a score", null = "left out" },
      } },
    },
  },
  progression = {
    doc = "job-centre progression: reports progression, stagnation, completeness, fokus, indsatser, borger, coverage",
    tables = {
      { role = "citizens", setting = "progression.tables.citizens", default = "jc_citizens", columns = {
        { name = "id", type = "text", required = true, doc = "the citizen" },
        { name = "caseworker_id", type = "text", doc = "the caseworker (a unit in qm_units for team results)" },
        { name = "target_group", type = "text", doc = "the target group (progression.target_group chooses)" },
        { name = "start_date", type = "date", doc = "when the citizen came to the job centre" },
        { name = "end_date", type = "date", doc = "when the citizen left", null = "still there" },
      } },
      { role = "conversations", setting = "progression.tables.conversations", default = "jc_conversations", columns = {
        { name = "id", type = "text", required = true, doc = "the conversation" },
        { name = "citizen_id", type = "text", required = true, doc = "the citizen" },
        { name = "date", type = "date", required = true, doc = "when" },
      } },
      { role = "scores", setting = "progression.tables.scores", default = "jc_scores", columns = {
        { name = "conversation_id", type = "text", required = true, doc = "the conversation" },
        { name = "indicator", type = "element", of = "question", required = true, doc = "the indicator scored: a question of the model" },
        { name = "score", type = "scale", doc = "the score on the model's scale", null = "not scored" },
        { name = "hidden", type = "boolean", doc = "kept from the citizen", null = "no" },
      } },
      { role = "focus", setting = "progression.tables.focus", default = "jc_focus", optional = true, needed_by = "fokus", columns = {
        { name = "citizen_id", type = "text", required = true, doc = "the citizen" },
        { name = "indicator", type = "element", of = "question", required = true, doc = "the focus point" },
        { name = "opened", type = "date", required = true, doc = "chosen" },
        { name = "closed", type = "date", doc = "closed", null = "open" },
        { name = "reason", type = "text", doc = "why it was closed" },
      } },
      { role = "interventions", setting = "progression.tables.interventions", default = "jc_interventions", optional = true, needed_by = "indsatser", columns = {
        { name = "citizen_id", type = "text", required = true, doc = "the citizen" },
        { name = "intervention", type = "text", required = true, doc = "the intervention" },
        { name = "start_date", type = "date", doc = "started" },
        { name = "end_date", type = "date", doc = "ended", null = "still running" },
      } },
    },
  },
}

-- ---------------------------------------------------------------- for people

-- the column as qm.lang.types sees it, with an indicator's field as its domain
function M.column_for(col, ind)
  if col.values_from then
    local vals = ind and ind[col.values_from]
    if type(vals) == "string" then vals = { vals } end
    local c = {}
    for k, v in pairs(col) do c[k] = v end
    c.values = vals or {}
    return c
  end
  return col
end

local function describe(col)
  local types = require "qm.lang.types"
  if col.values_from and col.values then return ("one of the %s (%s)"):format(col.values_from, table.concat(col.values, ", ")) end
  if col.values_from then return "one of the indicator's `" .. col.values_from .. "`" end
  if col.type == "element" then return col.of and ("the id of a " .. col.of .. " of the model") or "the id of an element of the model" end
  return types.describe(col)
end
M.describe = describe

local function column_cell(col)
  local s = "`" .. col.name .. "`"
  if col.optional then s = "[" .. s .. "]" end
  return s
end

local function column_line(col)
  local s = ("%s %s"):format(column_cell(col), describe(col))
  if col.null then s = s .. " (NULL: " .. col.null .. ")"
  elseif col.required then s = s .. ", not NULL" end
  return s
end

-- The markdown tables docs/language.md shows (between its "inputs:kinds" and "inputs:reports"
-- markers), made from the declarations above.
function M.markdown(which)
  local out = {}
  if which == "kinds" then
    out[#out + 1] = "| `type` | evaluation | reads columns (`[optional]`) and their domains |"
    out[#out + 1] = "| --- | --- | --- |"
    local done = {}
    for _, name in ipairs(M.kind_names) do
      local k = M.kinds[name]
      if not done[k] then
        done[k] = true
        local names = { "`" .. name .. "`" }
        for _, other in ipairs(M.kind_names) do
          if other ~= name and M.kinds[other] == k then names[#names + 1] = "`" .. other .. "`" end
        end
        local cols = {}
        for _, c in ipairs(k.columns) do cols[#cols + 1] = column_line(c) end
        local extra = ""
        for _, g in ipairs(k.any_of or {}) do
          extra = extra .. ("; at least one of %s"):format("`" .. table.concat(g, "`, `") .. "`")
        end
        out[#out + 1] = ("| %s | %s | %s%s |"):format(table.concat(names, " / "), k.doc, table.concat(cols, "; "), extra)
      end
    end
  elseif which == "reports" then
    out[#out + 1] = "| reports | table (setting, default) | columns |"
    out[#out + 1] = "| --- | --- | --- |"
    for _, name in ipairs({ "audit", "prioriteter", "progression" }) do
      local r = M.reports[name]
      for _, q in ipairs(r.queries or {}) do
        local cols = {}
        for _, c in ipairs(q.columns) do cols[#cols + 1] = column_line(c) end
        out[#out + 1] = ("| %s | the query in `%s` | %s |"):format(name, q.setting, table.concat(cols, "; "))
      end
      for _, t in ipairs(r.tables or {}) do
        local cols = {}
        for _, c in ipairs(t.columns) do cols[#cols + 1] = column_line(c) end
        out[#out + 1] = ("| %s | %s (`%s`, default `%s`)%s | %s |"):format(name, t.role, t.setting, t.default,
          t.optional and (", optional" .. (t.needed_by and (" (the " .. t.needed_by .. " report needs it)") or "")) or "",
          table.concat(cols, "; "))
      end
    end
  else
    error("inputs.markdown(\"kinds\" or \"reports\")", 2)
  end
  return table.concat(out, "\n") .. "\n"
end

-- near_misses(have, columns) -> { { given, meant }, ... }: the columns a query gives (names,
-- any case) that the kind does not read but that are named like one it reads and the query
-- does not give — one letter off (dato, unitid, don) or one the other's beginning (unit,
-- done_at). Left out silently, they would make an indicator one for the whole organisation,
-- or its rows undated.
function M.near_misses(have, columns)
  local distance = require("qm.lang.schema").distance
  local given, absent, declared = {}, {}, {}
  for _, c in ipairs(have) do given[c:lower()] = true end
  for _, col in ipairs(columns or {}) do
    declared[col.name] = true
    if not given[col.name] then absent[#absent + 1] = col.name end
  end
  local out = {}
  for _, c in ipairs(have) do
    local lc = c:lower()
    if not declared[lc] then
      for _, k in ipairs(absent) do
        if distance(lc, k) <= 1 or (#lc >= 4 and #k >= 4 and (k:sub(1, #lc) == lc or lc:sub(1, #k) == k)) then
          out[#out + 1] = { given = c, meant = k }
          break
        end
      end
    end
  end
  return out
end

return M
