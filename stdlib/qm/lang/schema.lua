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
    children = { theme = true, question = true, indicator = true },
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
      { name = "as_of", type = "string", doc = "the date indicators are evaluated as of, unless --as-of is given" },
      { name = "parties", type = "table", doc = "who agreed the model (goal agreements): { center =, counterparty =, agreed = }" },
      { name = "contributions", type = "table", doc = "contributions to other units' agreements (goal agreements): { { to = unit, goal = text, efforts = { ids } }, ... }" },
      { name = "plan", type = "table", doc = "an action plan declared in the model: { { id, title, owner, time, links = { ... } }, ... }" },
      { name = "priorities", type = "table", doc = "a prioritisation recorded with reasons: { { id = element, reason = \"...\" }, ... }" },
      { name = "audit", type = "table", doc = "case audits: { table = name (round, case_id, criterion, answer 1/0/NULL), rounds = { in order }, baseline = round }" },
      { name = "coverage_of", type = "string", doc = "the theme whose sub-themes the plan's coverage report counts (default: the top themes)" },
      { name = "survey_sql", type = "string", doc = "a query giving (element, score) from a survey, for a score-based prioritisation" },
      { name = "progression", type = "table", doc = "progression settings (resultatbaseret styring): window, focus_max, coverage, target_group, tables" },
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
      { name = "data", type = "function", doc = "a Lua function(ctx, params) giving the data rows, instead of sql" },
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

for _, c in pairs(M.constructs) do
  c.by_name, c.names = {}, {}
  for _, f in ipairs(c.fields) do
    c.by_name[f.name] = f
    c.names[#c.names + 1] = f.name
  end
  table.sort(c.names)
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
    for _, x in ipairs(v) do if type(x) ~= "string" then return false, "must be a list of texts" end end
    return true
  end
  if t == "enum" then
    for _, x in ipairs(f.values) do if x == v then return true end end
    return false, "must be one of " .. table.concat(f.values, ", ") .. (type(v) == "string" and (", not \"" .. v .. "\"") or "")
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
