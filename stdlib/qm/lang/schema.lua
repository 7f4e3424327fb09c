-- schema.lua — every construct of the model language and its fields, declared once. The
-- language validates against this, `qm check` reports from it, the REPL completes from it
-- and docs/language.md must name every field (tests/e2e/test_docs.sh checks it).
local M = {}

local common = {
  { name = "title", type = "string", doc = "the name people see" },
  { name = "description", type = "string", doc = "a longer explanation" },
  { name = "source", type = "string", doc = "where the element comes from (document, page)" },
  { name = "quote", type = "string", doc = "the source's own words (Danish text)" },
  { name = "aliases", type = "strings", doc = "other ids the element is known by" },
  { name = "meta", type = "table", doc = "free metadata (owner, notes, ...)" },
}

local function with_common(list)
  local out = {}
  for _, f in ipairs(common) do out[#out + 1] = f end
  for _, f in ipairs(list) do out[#out + 1] = f end
  return out
end

M.constructs = {
  model = {
    doc = "a quality model: themes, questions, indicators and the rules that score them",
    children = { theme = true, question = true, indicator = true, dataset = true, report = true },
    fields = with_common {
      { name = "scale", type = "scale", doc = "the scale questions are answered on, unless a theme or question says otherwise" },
      { name = "scales", type = "table", doc = "named scales for reuse (a warning when one is unused)" },
      { name = "max_participants", type = "integer", doc = "most participants in one assessment round (KIK: 10, the leader included)" },
      { name = "consensus", type = "rule", doc = "proposes a consensus score per question and flags disagreement" },
      { name = "prioritise", type = "rule", doc = "orders improvement areas" },
      { name = "scoring", type = "rule", doc = "how theme scores roll up into the model's (default: mean)" },
      { name = "extends", type = "any", doc = "a model (from use \"file.lua\") this one adapts" },
      { name = "remove", type = "strings", doc = "with extends: ids of elements to leave out" },
      { name = "replace", type = "table", doc = "with extends: elements that replace the base's element with the same id" },
      { name = "change", type = "table", doc = "with extends: { [id] = { field = value } } changes to the base's elements" },
      { name = "structure", type = "string", doc = "a YAML file with the themes, questions and indicators" },
      { name = "version", type = "string", doc = "the model's version" },
      { name = "target", type = "number", doc = "the target score improvement areas are measured against" },
      { name = "default_report", type = "string", doc = "the report qm run produces without --report" },
      { name = "as_of", type = "date", doc = "the date indicators are evaluated as of, unless --as-of is given" },
      { name = "parties", type = "table", doc = "who agreed the model (goal agreements): { center =, counterparty =, agreed = }", fields = {
        { name = "center", type = "string", doc = "the unit whose agreement it is" },
        { name = "counterparty", type = "string", doc = "who it is agreed with" },
        { name = "agreed", type = "date", doc = "when it was agreed (YYYY-MM-DD)" } } },
      { name = "contributions", type = "table", doc = "contributions to other units' agreements (goal agreements): { { to = unit, goal = text, efforts = { ids } }, ... }" },
      { name = "plan", type = "table", doc = "an action plan declared in the model: { { id, title, owner, time, links = { ... } }, ... }" },
      { name = "priorities", type = "table", doc = "a prioritisation recorded with reasons: { { id = element, reason = \"...\" }, ... }" },
      { name = "audit", type = "table", doc = "case audits: { table = name (round, case_id, criterion, answer 1/0/NULL), rounds = { in order }, baseline = round }", fields = {
        { name = "table", type = "name", doc = "the table of answers (default audit_answers)" },
        { name = "rounds", type = "list", doc = "the rounds in order (default: as found, sorted)" },
        { name = "baseline", type = "string", doc = "the round themes are prioritised from (default: the first)" } } },
      { name = "coverage_of", type = "string", doc = "the theme whose sub-themes the plan's coverage report counts (default: the top themes)" },
      { name = "survey_sql", type = "string", doc = "a query giving (element, score) from a survey, for a score-based prioritisation" },
      { name = "progression", type = "table", doc = "progression settings (resultatbaseret styring): window, focus_max, coverage, target_group, tables", fields = {
        { name = "window", type = "integer", min = 2, doc = "how many conversations without progression raise a flag (default 3)" },
        { name = "focus_max", type = "integer", min = 1, doc = "the most focus points open at a time" },
        { name = "coverage", type = "string", doc = "citizens in the job centre more than this length of time must be scored, in calendar months (\"et halvt år\", the default; \"et år\")" },
        { name = "coverage_days", type = "integer", min = 0, doc = "instead of coverage: more than this many days" },
        { name = "coverage_goal", type = "number", min = 0, max = 1, doc = "the share (0-1) of those citizens that must be scored (default 1)" },
        { name = "target_group", type = "values", doc = "the target group, or a list of them, the reports are about" },
        { name = "tables", type = "table", doc = "the municipality's table names", fields = {
          { name = "citizens", type = "name", doc = "default jc_citizens" },
          { name = "conversations", type = "name", doc = "default jc_conversations" },
          { name = "scores", type = "name", doc = "default jc_scores" },
          { name = "focus", type = "name", doc = "default jc_focus" },
          { name = "interventions", type = "name", doc = "default jc_interventions" } } } } },
      { name = "min_group", type = "integer", doc = "the smallest group whose figures a report that leaves the unit may show (roll-ups, benchmarks; default 5; --min-group overrides)" },
      { name = "stable_labels", type = "boolean", doc = "svarrapport: give each participant the same P-label in every question (a reader can then follow one person; docs/reports.md)" },
      { name = "wording", type = "table", doc = "report words this model changes: { da = { [\"key\"] = \"text\" }, en = { ... } } (keys from the report catalogue, docs/reports.md)" },
    },
  },
  theme = {
    doc = "a group of questions, indicators and sub-themes",
    children = { theme = true, question = true, indicator = true },
    fields = with_common {
      { name = "side", type = "string", doc = "which side of the model (KIK: indsats or resultater; CAF: enablers or results)" },
      { name = "scale", type = "scale", doc = "the scale for the theme's questions" },
      { name = "weight", type = "number", doc = "weight in the parent's score (with a rule that uses weights)" },
      { name = "scoring", type = "rule", doc = "how this theme's children roll up (default: the parent's rule, else mean)" },
      { name = "scored", type = "boolean", doc = "false for themes that are not scored (characteristics, efforts)", default = true },
      { name = "owner", type = "string", doc = "who is responsible" },
      { name = "effect", type = "string", doc = "the effect the theme aims at (goal agreements)" },
      { name = "target_group", type = "string", doc = "who the theme is for (målgruppe)" },
      { name = "depends_on", type = "strings", doc = "ids of elements this one needs first (forudsætninger); the status report shows theirs" },
      { name = "related", type = "strings", doc = "ids of elements this one hangs together with (hænger sammen med)" },
    },
  },
  question = {
    doc = "something participants answer on a scale",
    children = nil,
    fields = with_common {
      { name = "text", type = "string", required = true, doc = "the question as participants read it" },
      { name = "scale", type = "scale", doc = "the question's own scale" },
      { name = "weight", type = "number", doc = "weight in the theme's score (with a rule that uses weights)" },
      { name = "help", type = "string", doc = "guidance for answering" },
      { name = "target", type = "number", doc = "the score this question should reach" },
      { name = "example", type = "boolean", doc = "true when the wording is an example, not an official text" },
    },
  },
  indicator = {
    doc = "a measure from data, evaluated to a status",
    children = nil,
    fields = with_common {
      { name = "type", type = "enum", values = { "value", "target", "direction", "completion", "frequency", "max_gap",
        "share", "checklist", "judgement", "prepost", "conditional", "documentation" }, default = "value",
        doc = "how the indicator is evaluated (see the indicator kinds)" },
      { name = "unit", type = "string", doc = "what the value counts (count, percent, days, ...)" },
      { name = "better", type = "enum", values = { "higher", "lower" }, doc = "which direction is better" },
      { name = "sql", type = "string", doc = "the query giving the data; named parameters (:year) come from --param" },
      { name = "data", type = "function", doc = "a Lua function(view, params) giving the data rows, instead of sql; view = { db, params, as_of, warn }, read-only" },
      { name = "params", type = "table", doc = "default values for the query's parameters" },
      { name = "min", type = "number", doc = "target: the lowest acceptable value" },
      { name = "max", type = "number", doc = "target: the highest acceptable value" },
      { name = "inclusive", type = "boolean", default = true, doc = "target: whether min and max themselves meet it" },
      { name = "hard", type = "boolean", default = true, doc = "false: missing the target is a warning, not a failure (\"som udgangspunkt\")" },
      { name = "direction", type = "enum", values = { "increase", "decrease" }, doc = "direction: the change wanted against the baseline" },
      { name = "baseline", type = "any", doc = "direction: the baseline value, or a period/date whose value is the baseline" },
      { name = "deadline", type = "deadline", doc = "when it must be done: a date or a Danish phrase (\"ultimo 2017\"), or a list of them" },
      { name = "units", type = "string", doc = "completion: the kind of organisation unit that must all complete (e.g. \"område\")" },
      { name = "count", type = "integer", doc = "frequency: how many events per period" },
      { name = "per", type = "enum", values = { "month", "quarter", "half", "year" }, doc = "frequency: the period" },
      { name = "window", type = "string", doc = "frequency and max_gap: when the rule applies (\"fra 3. kvartal 2016 til udgangen af 2017\")" },
      { name = "max_gap", type = "string", doc = "max_gap: the longest allowed gap (\"hver anden måned\", \"6 uger\")" },
      { name = "every", type = "string", doc = "recurrence in Danish (\"hvert ½ år\", \"2x/året\")" },
      { name = "threshold", type = "number", doc = "share: the share (0-1) of cases that must meet the criterion" },
      { name = "items", type = "strings", doc = "checklist: the items that must all be done" },
      { name = "body", type = "string", doc = "judgement: who judges (e.g. \"chefgruppen\")" },
      { name = "condition", type = "string", doc = "conditional: the decision that activates it" },
      { name = "scope", type = "string", doc = "evaluate per unit of this kind as well as overall (e.g. \"center\")" },
      { name = "weight", type = "number", doc = "weight in the theme's score" },
      { name = "owner", type = "string", doc = "who is responsible" },
      { name = "uses", type = "string", doc = "the id of another indicator this one shares (one measurement serving several efforts)" },
      { name = "quantifier", type = "string", doc = "what an undefined quantifier means (\"størstedelen\" = more than half)" },
    },
  },
}

-- a model's own data: the tables its SQL reads, declared so that `qm import --table NAME`
-- loads them typed and checked, and so that checks of what indicators read use the same
-- vocabulary (qm.lang.types). Datasets and columns are not elements of the model's tree.
M.constructs.dataset = {
  doc = "a table of the municipality's own data the model reads: its columns, their types and value domains",
  children = { column = true },
  fields = with_common {
    { name = "key", type = "strings", doc = "the column or columns that identify a row: no two rows may have the same" },
  },
}

M.constructs.column = {
  doc = "a column of a dataset: its type and the values it may hold",
  children = nil,
  fields = with_common {
    { name = "type", type = "enum", values = require("qm.lang.types").names, required = true,
      doc = "the type of the column's values (the types are listed in docs/import.md)" },
    { name = "required", type = "boolean", default = false, doc = "true: a row must give a value (a blank is an error)" },
    { name = "min", type = "number", doc = "integer and number: the smallest value allowed" },
    { name = "max", type = "number", doc = "integer and number: the largest value allowed" },
    { name = "values", type = "strings", doc = "enum: the values allowed" },
    { name = "scale", type = "any", doc = "scale: the scale of the values (a scale, or the name of one in the model's scales; default: the model's scale)" },
    { name = "of", type = "enum", values = { "question", "indicator", "theme" }, doc = "element: the kind of element the id must name" },
    { name = "references", type = "string", doc = "another dataset whose key the value must be (\"jc_citizens\" or \"jc_citizens.id\")" },
    { name = "default", type = "any", doc = "the value stored when a row leaves the column blank" },
  },
}

-- Words a newcomer writes for a field of another name, where spelling alone points elsewhere
-- (the guides speak of an indicator's kind; the field is type: "kind" is 2 edits from "min")
M.field_aliases = {
  indicator = { kind = "type" },
}

-- What a report needs of a model (and, with --db, of its database) before it applies: the
-- bundled reports declare it when they register (qm.engine.reports), a model's own reports
-- with `needs = { ... }`. `--report list` shows only the reports whose needs the model meets;
-- qm.engine.reports holds the test of each name.
M.needs = {
  { name = "questions", doc = "the model has questions" },
  { name = "indicators", doc = "the model has indicators" },
  { name = "rounds", doc = "assessment rounds of the model in the database (qm import --what responses); without --db the report is listed as needing one" },
  { name = "audit", doc = "case-audit settings: audit = { table = ..., rounds = ... }" },
  { name = "progression", doc = "progression settings: progression = { ... } (the job-centre models)" },
  { name = "plan", doc = "an action plan in the model: plan = { ... }" },
  { name = "priorities", doc = "a recorded prioritisation (priorities = { ... }) or a survey (survey_sql)" },
  { name = "db", doc = "a database (--db)" },
}
M.need_names = {}
for _, n in ipairs(M.needs) do M.need_names[#M.need_names + 1] = n.name end

-- a model's own reports: a title, sections with text, a table from SQL or Lua and a chart
-- from the same vocabulary as the bundled reports' (qm.reports.charts, docs/reports.md).
-- Reports and sections are not elements of the model's tree (like datasets and columns).
M.constructs.report = {
  doc = "a report the model declares: a title and sections, each with text, a table from SQL or Lua, and a chart",
  children = { section = true },
  fields = with_common {
    { name = "subtitle", type = "string", doc = "the line under the title" },
    { name = "needs", type = "strings", doc = "what the report needs to apply (" .. table.concat(M.need_names, ", ") .. "): --report list leaves it out of the list for a model or database without it" },
    { name = "params", type = "table", doc = "default values of the SQL's named parameters (:name), which --param overrides" },
  },
}

M.constructs.section = {
  doc = "a part of a model's report: a heading, text, one table (from sql or rows) and a chart of the table's rows",
  children = nil,
  fields = with_common {
    { name = "text", type = "string", doc = "a paragraph under the heading" },
    { name = "sql", type = "string", doc = "the query giving the table's rows; named parameters from the report's params, --param, :as_of and :year" },
    { name = "rows", type = "function", doc = "a Lua function(view) returning the table's rows (an array of records), instead of sql; view = { db, params, as_of, warn }" },
    { name = "columns", type = "table", doc = "the columns shown, in order: { { \"key\", \"Title\", format = ..., decimals = ..., element = true }, ... } (default: every column of the query)" },
    { name = "chart", type = "table", doc = "a chart of the table's rows: { type = \"bars\", label = \"column\", values = { ... }, ... } (the chart fields below)" },
    { name = "empty", type = "string", doc = "the text shown when the table has no rows" },
  },
}

-- the fields of a section's column: { "key", "Title", ... } or { key = , title = , ... }
M.report_column = {
  { name = "key", type = "string", doc = "the row's key: the query's column name (or the first item)" },
  { name = "title", type = "string", doc = "the column's heading (or the second item; default the key)" },
  { name = "format", type = "enum", values = { "number", "percent", "integer", "text" }, doc = "how a number is shown: number (decimals, default 2), percent (a share 0-1 as 45%), integer; JSON and CSV keep the value" },
  { name = "decimals", type = "integer", doc = "the decimals a number or percent is shown with" },
  { name = "element", type = "boolean", doc = "the value is an element id of the model: shown with the element's title" },
}

-- a section's chart: the chart vocabulary (docs/reports.md), with column names of the
-- section's rows where the data goes. The fields each chart type reads:
M.report_chart = {
  common = {
    { name = "type", type = "enum", values = { "radar", "dots", "bars", "lights", "lines" }, required = true, doc = "the kind of chart" },
    { name = "title", type = "string", doc = "the chart's title (default the section's)" },
    { name = "desc", type = "string", doc = "the text alternative (default: every label with its value)" },
    { name = "min", type = "number", doc = "the scale's lowest value (default 0)" },
    { name = "max", type = "number", doc = "the scale's highest value (default the largest value)" },
    { name = "target", type = "number", doc = "a target drawn as a dashed ring or line (radar, dots, bars)" },
    { name = "labels", type = "table", doc = "the legend's words and the data table's column titles (docs/reports.md)" },
    { name = "percent", type = "boolean", doc = "the values are shares 0-1, shown as percentages" },
    { name = "decimals", type = "integer", doc = "the decimals numbers are shown with (default 1)" },
    { name = "label", type = "string", doc = "the column with each item's, axis' or category's label (not lines)" },
  },
  radar = { { name = "value", type = "string", required = true, doc = "radar: the column with each axis' value" } },
  bars = {
    { name = "values", type = "strings", required = true, doc = "bars: the columns of the bars in each category (before, after, ...)" },
    { name = "series", type = "strings", doc = "bars: the series' names (default the columns' titles)" },
    { name = "change", type = "boolean", doc = "bars: add last - first to the data table" },
  },
  dots = {
    { name = "scores", type = "string", required = true, doc = "dots: the column with each item's scores, as a list of numbers (\"40,55,60\", group_concat)" },
    { name = "agreed", type = "string", doc = "dots: the column with the agreed score" },
  },
  lights = {
    { name = "status", type = "string", required = true, doc = "lights: the column with each item's status key (achieved, on_track, at_risk, failed, ...)" },
    { name = "word", type = "string", doc = "lights: the column with the status word shown beside the light (default the key)" },
  },
  lines = {
    { name = "x", type = "string", required = true, doc = "lines: the column with the x value (a date, a month), in order" },
    { name = "series", type = "string", required = true, doc = "lines: the column naming each line" },
    { name = "value", type = "string", required = true, doc = "lines: the column with the value" },
  },
}
for _, list in pairs(M.report_chart) do
  list.by_name = {}
  for _, f in ipairs(list) do list.by_name[f.name] = f end
end
M.report_column.by_name = {}
for _, f in ipairs(M.report_column) do M.report_column.by_name[f.name] = f end

for _, c in pairs(M.constructs) do
  c.by_name, c.names = {}, {}
  for _, f in ipairs(c.fields) do
    c.by_name[f.name] = f
    c.names[#c.names + 1] = f.name
  end
  table.sort(c.names)
end

-- The rule libraries a model names (`consensus.median { max_range = 30 }`), declared like the
-- fields above: each constructor with its settings (name, type, default, doc). dsl.lua checks
-- every call against them, so an unknown rule or setting is an error at the model's line with
-- "did you mean"; docs/language.md's rule reference is generated from them (test_docs.sh) and
-- editors complete from them. `helpers` are the library's other names a model may use;
-- `items` says what a constructor takes without names ({ 0, 100 }), and how many: any other
-- value without a name is an error ({ 0, 100, 5 } meant step = 5).
local top = { name = "top", type = "integer", doc = "how many areas are in focus (the rest are ranked too)" }
local max = { name = "max", type = "integer", doc = "the same as top" }
local asc = { name = "asc", type = "boolean", default = false, doc = "rank the lowest value first" }
local flag = { name = "flag", type = "function", doc = "function(q) returning true or a reason: also flag the question" }
local k = { name = "k", type = "number", doc = "the distance for within_k (\"within ±k of the median\"), in the scale's unit; default one step of the question's scale" }
local inherit = { name = "inherit", type = "boolean", default = false, doc = "also apply the rule to every element below without a rule of its own" }
local labels = { name = "labels", type = "table", doc = "{ [score] = \"label\" }: anchor texts" }
local range = {
  { name = "min", type = "number", doc = "the lowest value (or the first number: { 0, 100 })" },
  { name = "max", type = "number", doc = "the highest value (or the second number)" },
}
local function with(list, ...)
  local out = {}
  for _, f in ipairs(list) do out[#out + 1] = f end
  for _, f in ipairs({ ... }) do out[#out + 1] = f end
  return out
end

M.rules = {
  scale = {
    doc = "the scale a question is answered on",
    helpers = { "dontknow", "na", "is_scale", "caf_labels", "caf_parts" },
    constructors = {
      { name = "points", example = "scale.points { 0, 100, step = 5 }", doc = "scores from min to max in steps (KIK and CAF points)",
        items = { max = 2, doc = "the minimum and the maximum first" },
        options = with(range, { name = "step", type = "number", default = 1, doc = "the distance between two scores" }, labels) },
      { name = "ordinal", example = "scale.ordinal { 1, 5, labels = { [1] = \"...\", [5] = \"...\" } }", doc = "whole steps with anchor labels",
        items = { max = 2, doc = "the minimum and the maximum first" },
        options = with(range, labels) },
      { name = "yesno", example = "scale.yesno { na = true }", doc = "1 = ja, 0 = nej",
        options = { { name = "na", type = "boolean", default = false, doc = "allow scale.na, \"ikke relevant\"" } } },
      { name = "percent", example = "scale.percent {}", doc = "any number from 0 to 100", options = { labels } },
      { name = "count", example = "scale.count {}", doc = "whole numbers from 0", options = { labels } },
      { name = "text", example = "scale.text {}", doc = "free text",
        options = { { name = "max_length", type = "integer", doc = "the longest text allowed, in characters" } } },
      { name = "caf_classic", example = "scale.caf_classic { panel = \"enablers\" }", doc = "CAF classical 0-5 with the PDCA labels",
        options = { { name = "panel", type = "enum", values = { "enablers", "results" }, default = "enablers", doc = "which CAF panel's labels" } } },
      { name = "caf_fine", example = "scale.caf_fine { panel = \"enablers\" }", doc = "CAF fine-tuned: each part 0-100, the score their mean",
        options = { { name = "panel", type = "enum", values = { "enablers", "results" }, default = "enablers", doc = "PLAN/DO/CHECK/ACT (enablers) or TRENDS/TARGETS (results)" } } },
    },
  },
  scoring = {
    doc = "how an element's score rolls up from its questions and sub-themes",
    helpers = { "is_rule", "apply", "band", "keys", "names", "inherits" },
    constructors = {
      { name = "mean", example = "scoring.mean()", doc = "the plain mean", options = { inherit } },
      { name = "weighted_mean", example = "scoring.weighted_mean()", doc = "Σ wₖ sₖ / Σ wₖ (weight 1 when none is set)", options = { inherit } },
      { name = "median", example = "scoring.median()", doc = "the median (ignores weights)", options = { inherit } },
      { name = "sum", example = "scoring.sum()", doc = "the sum",
        options = { { name = "weighted", type = "boolean", default = false, doc = "Σ wₖ sₖ instead of the plain sum" }, inherit } },
      { name = "bands", example = "scoring.bands { {0, 10, points = 0}, {11, 30, points = 1} }", doc = "the band the value falls in gives the points",
        items = { max = math.huge, doc = "the bands" },
        options = { { name = "of", type = "rule", doc = "the rule that gives the value (default scoring.mean())" }, inherit } },
      { name = "efqm", example = "scoring.efqm { points = { [\"1\"] = 100, [\"4\"] = 200 } }", doc = "Σ awarded % × available points / 100 (EFQM RADAR)",
        options = { { name = "points", type = "table", doc = "{ [id] = available points }; without it each element's weight" }, inherit } },
    },
  },
  consensus = {
    doc = "proposes a consensus score per question and flags the questions to discuss",
    helpers = { "on_scale", "k_of", "ties_of", "apply", "agenda" },
    constructors = {
      { name = "median", example = "consensus.median { max_range = 30 }", doc = "the median; flagged when the range is wider than max_range",
        options = { { name = "max_range", type = "number", doc = "the widest range of scores that needs no discussion" }, k, flag } },
      { name = "mean", example = "consensus.mean { max_sd = 15 }", doc = "the mean; flagged when the standard deviation is above max_sd",
        options = { { name = "max_sd", type = "number", doc = "the largest standard deviation that needs no discussion" }, k, flag } },
      { name = "mode_rule", example = "consensus.mode_rule {}", doc = "the mode; flagged unless at most 2 (8-10 raters) or 3 (11-13) fall outside it",
        options = { { name = "ties", type = "enum", values = { "median", "lowest", "highest", "flag" }, default = "median", doc = "what tied modes give: their middle, the lowest, the highest, or a flag" }, k, flag } },
      { name = "rwg", example = "consensus.rwg { cutoff = 0.70 }", doc = "the median; flagged when rwg is below the cutoff",
        options = { { name = "cutoff", type = "number", default = 0.70, doc = "the lowest rwg that counts as agreement" }, k, flag } },
      { name = "percent_agreement", example = "consensus.percent_agreement { k = 10, threshold = 0.75 }", doc = "the median; flagged when fewer than threshold of the scores lie within ±k of it",
        options = { { name = "threshold", type = "number", default = 0.75, doc = "the share (0-1) that must lie within ±k" }, k, flag } },
    },
  },
  prioritise = {
    doc = "orders the improvement areas and marks those in focus",
    helpers = { "apply" },
    constructors = {
      { name = "gap", example = "prioritise.gap { target = 75, top = 5 }", doc = "the largest gap between target and agreed score first",
        options = { { name = "target", type = "number", doc = "the score areas are measured against (an area's own target wins)" }, top, max, asc } },
      { name = "impact_effort", example = "prioritise.impact_effort { threshold = 3 }", doc = "quick wins first, then major projects, fill-ins, thankless tasks",
        options = { { name = "threshold", type = "number", default = 3, doc = "where high impact and high effort begin" }, top, max, asc } },
      { name = "ipa", example = "prioritise.ipa { crosshair = \"midpoint\" }", doc = "importance-performance analysis: \"concentrate here\" first",
        options = {
          { name = "crosshair", type = "enum", values = { "midpoint", "mean" }, default = "midpoint", doc = "where the quadrants divide: fixed midpoints, or the areas' means" },
          { name = "midpoint", type = "number", doc = "both midpoints at once" },
          { name = "importance_midpoint", type = "number", default = 3, doc = "where high importance begins" },
          { name = "performance_midpoint", type = "number", default = 50, doc = "where high performance begins" },
          top, max, asc } },
      { name = "weighted", example = "prioritise.weighted { weights = { impact = 2, importance = 1 } }", doc = "Σ wₖ sₖ / Σ wₖ over each area's criteria (impact, effort, importance, reach, confidence: qm area records them); an area without one of them is not ranked",
        options = { { name = "weights", type = "table", required = true, doc = "{ criterion = weight }" }, top, max, asc } },
      { name = "rice", example = "prioritise.rice {}", doc = "reach × impact × confidence ÷ effort", options = { top, max, asc } },
      { name = "moscow", example = "prioritise.moscow {}", doc = "must, should, could, won't", options = { top, max, asc } },
    },
  },
}

for _, lib in pairs(M.rules) do
  lib.by_name, lib.names = {}, {}
  for _, c in ipairs(lib.constructors) do
    lib.by_name[c.name] = c
    lib.names[#lib.names + 1] = c.name
    c.by_name, c.names = {}, {}
    for _, o in ipairs(c.options) do c.by_name[o.name] = o; c.names[#c.names + 1] = o.name end
  end
end

local function is_rule(v)
  if type(v) == "function" then return true end
  local mt = getmetatable(v)
  return type(v) == "table" and (mt == "scoring rule" or mt == "consensus rule" or mt == "prioritise rule")
end

-- check_type(field, value) -> true, or false and "must be ..."
function M.check_type(f, v)
  local t = f.type
  if t == "any" then return true end
  if t == "string" then return type(v) == "string", "must be text in quotes" end
  if t == "number" then return type(v) == "number", "must be a number" end
  if t == "integer" then return math.type(v) == "integer", "must be a whole number" end
  if t == "boolean" then return type(v) == "boolean", "must be true or false" end
  if t == "table" then return type(v) == "table", "must be a table { ... }" end
  if t == "function" then return type(v) == "function", "must be a function" end
  if t == "scale" then
    return require("qm.rules.scale").is_scale(v), "must be a scale, like scale.points { 0, 100, step = 5 }"
  end
  if t == "rule" then return is_rule(v), "must be a rule: a function, or one of scoring.*, consensus.*, prioritise.*" end
  if t == "strings" then
    if type(v) == "string" then return true end
    if type(v) ~= "table" then return false, "must be a list of texts" end
    local seen = {}
    for _, x in ipairs(v) do
      if type(x) ~= "string" then return false, "must be a list of texts" end
      if seen[x] then return false, ("must list each text once, not \"%s\" twice"):format(x) end
      seen[x] = true
    end
    return true
  end
  if t == "enum" then
    for _, x in ipairs(f.values) do if x == v then return true end end
    return false, "must be one of " .. table.concat(f.values, ", ") .. (type(v) == "string" and (", not \"" .. v .. "\"") or "")
  end
  if t == "date" then
    return type(v) == "string" and v:match("^%d%d%d%d%-%d%d%-%d%d$") ~= nil and pcall(require("qm.eval.time").parse_date, v),
      "must be a date like \"2016-10-01\""
  end
  if t == "name" then
    return type(v) == "string" and v:match("^[%a_][%w_]*$") ~= nil, "must be a table name (letters, digits and _)"
  end
  if t == "values" then
    local function one(x) return type(x) == "string" or type(x) == "number" end
    if one(v) then return true end
    if type(v) ~= "table" or #v == 0 then return false, "must be a text or number, or a list of them" end
    for _, x in ipairs(v) do if not one(x) then return false, "must be a text or number, or a list of them" end end
    return true
  end
  if t == "list" then
    if type(v) ~= "table" then return false, "must be a list { \"a\", \"b\" }" end
    for _, x in ipairs(v) do if type(x) ~= "string" then return false, "must be a list of texts" end end
    return true
  end
  if t == "deadline" then
    if type(v) == "string" then return true end
    if type(v) == "table" then
      for _, x in ipairs(v) do if type(x) ~= "string" then return false, "must be a date or phrase, or a list of them" end end
      return true
    end
    return false, "must be a date or a Danish phrase like \"ultimo 2017\", or a list of them"
  end
  return false, "has an unknown type " .. tostring(t)
end

-- check_nested(field, value) -> a list of messages for a table field whose sub-fields are
-- declared (`fields`): an unknown key (with "did you mean"), a value of the wrong type, a
-- number outside its min/max. Messages start with the path: "progression.focus_max must ...".
function M.check_nested(f, v, path, out)
  out = out or {}
  path = path or f.name
  if not f.fields or type(v) ~= "table" then return out end
  local by = {}
  for _, sf in ipairs(f.fields) do by[sf.name] = sf end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local x = v[k]
    local sf = type(k) == "string" and by[k]
    if not sf then
      local names, best, bestd = {}, nil, nil
      for _, s2 in ipairs(f.fields) do
        names[#names + 1] = s2.name
        local d = type(k) == "string" and M.distance(k, s2.name) or 99
        if d <= math.max(2, #s2.name // 3) and (bestd == nil or d < bestd) then best, bestd = s2.name, d end
      end
      out[#out + 1] = ("%s: unknown field \"%s\"%s"):format(path, tostring(k),
        best and (" (did you mean \"" .. best .. "\"?)") or (" (fields: " .. table.concat(names, ", ") .. ")"))
    else
      local ok, msg = M.check_type(sf, x)
      if not ok then out[#out + 1] = ("%s.%s %s"):format(path, k, msg)
      else
        if type(x) == "number" and sf.min ~= nil and x < sf.min then out[#out + 1] = ("%s.%s must be at least %s, not %s"):format(path, k, sf.min, x) end
        if type(x) == "number" and sf.max ~= nil and x > sf.max then out[#out + 1] = ("%s.%s must be at most %s, not %s"):format(path, k, sf.max, x) end
        M.check_nested(sf, x, path .. "." .. k, out)
      end
    end
  end
  return out
end

-- Levenshtein distance, for "did you mean"
function M.distance(a, b)
  local la, lb = #a, #b
  local prev = {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    local cur = { [0] = i }
    for j = 1, lb do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[lb]
end

return M
