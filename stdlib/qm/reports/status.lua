-- status.lua — the "status" report: every indicator of a model evaluated as of a date, with
-- the reasons, what is due next, dependencies between efforts and contributions to other
-- units' agreements.
local registry = require "qm.engine.reports"
local indicator = require "qm.eval.indicator"
local report = require "qm.reports.document"
local json = require "qm.reports.json"
local i18n = require "qm.reports.i18n"

local function id_list(v) if v == nil then return {} end return type(v) == "table" and v or { v } end

local function theme_path(e)
  local p = e.parent
  local names = {}
  while p and p.kind ~= "model" do table.insert(names, 1, p.title or p.id); p = p.parent end
  return table.concat(names, " / ")
end

-- the keys every result may carry (qm.eval.indicator), in the order JSON shows them; keys
-- whose value is a list even when empty
local RESULT_KEYS = { "unit", "status", "severity", "value", "reason", "problem", "date", "at", "target", "baseline",
  "change", "wanted", "deadline", "due", "deadlines", "open", "done", "done_late", "periods", "required", "window",
  "largest", "from", "to", "late", "max_gap", "due_from", "due_to", "share", "yes", "applicable", "threshold",
  "inclusive", "judgement", "pre", "post", "better", "decided", "shared_with", "scope", "units" }
local LISTS = { open = true, done = true, done_late = true, deadlines = true, periods = true, units = true }
local PROBLEM_KEYS = { "kind", "message", "table", "column", "parameter", "row", "unit", "expected", "got", "where" }

local function to_json(v, key)
  if type(v) ~= "table" or getmetatable(v) ~= nil then return v end
  if #v > 0 or (next(v) == nil and LISTS[key]) then
    local a = json.array({})
    for i, x in ipairs(v) do a[i] = to_json(x) end
    return a
  end
  local o = {}
  for k, x in pairs(v) do o[k] = to_json(x, k) end
  return json.object(o, key == "problem" and PROBLEM_KEYS or RESULT_KEYS)
end

-- an indicator's result as JSON: what its reason says in words, in fields
local function result_json(r)
  local o = {}
  for k, v in pairs(r) do o[k] = to_json(v, k) end
  return o
end

local function status_text(r) return r.status .. (r.severity == "soft" and " (warning)" or "") end

-- a value as the text report shows it: 90.0 -> "90", 6.4 -> "6.4"
local function shown(v)
  if v == nil then return "" end
  if math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 2^53 then return tostring(math.tointeger(v)) end
  return tostring(v)
end

-- the kind an indicator's result is of: a shared one's (uses = "lirk") is the other's, whose
-- result and fields it carries
local function kind_of(m, ind)
  local other = ind.uses and m:find(ind.uses)
  if other and other.kind == "indicator" then return other.type or "value" end
  return ind.type or "value"
end

registry.register("status", function(ctx, m, out)
  local L = i18n.of(ctx, m)
  local as_of = ctx:as_of(m)
  -- a status for people: the word, and "(warning)" for a soft target missed
  local function status_words(_, row)
    return L:status(row.status_key) .. (row.warning and (" (" .. L("status.warning") .. ")") or "")
  end
  local rows, data = {}, json.array({})
  local counts = {}
  local lights = {}   -- the traffic lights: one per indicator (and milestone), with its word
  for _, ind in ipairs(m:indicators()) do
    local r = indicator.evaluate(ctx, ind, as_of)
    counts[r.status] = (counts[r.status] or 0) + 1
    local warning = r.severity == "soft"
    lights[#lights + 1] = { label = ind.title or ind.id, word = status_words(nil, { status_key = r.status, warning = warning }),
      status = (warning and r.status == "not achieved") and "warning" or r.status }
    rows[#rows + 1] = { theme = theme_path(ind), id = ind.id, title = ind.title or ind.id, kind = kind_of(m, ind),
                        value = shown(r.value), status = status_text(r), status_key = r.status, warning = warning,
                        reason = r.reason or "" }
    for _, u in ipairs(r.units or {}) do
      rows[#rows + 1] = { theme = "", id = "  " .. u.unit, title = "", kind = "", value = shown(u.value),
                          status = status_text(u), status_key = u.status, warning = u.severity == "soft", reason = u.reason or "" }
    end
    local o = result_json(r)
    o.id, o.title, o.theme, o.kind, o.source, o.quote = ind.id, ind.title, theme_path(ind), kind_of(m, ind), ind.source, ind.quote
    local keys = { "id", "title", "theme", "kind" }
    for _, k in ipairs(RESULT_KEYS) do keys[#keys + 1] = k end
    keys[#keys + 1] = "source"; keys[#keys + 1] = "quote"
    data[#data + 1] = json.object(o, keys)
  end
  local summary = {}
  for _, s in ipairs(indicator.statuses) do summary[#summary + 1] = { L:status(s), counts[s] or 0 } end
  -- what is due next: the next deadline of every indicator that has one still ahead
  local due = {}
  for _, ind in ipairs(m:indicators()) do
    local list = ind.deadline and indicator.deadlines_of(ind) or {}
    for _, d in ipairs(list) do
      if not d.year_missing and d.date >= as_of then
        due[#due + 1] = { date = tostring(d.date), id = ind.id, title = ind.title or ind.id, phrase = d.phrase or "" }
        break
      end
    end
  end
  table.sort(due, function(a, b) if a.date ~= b.date then return a.date < b.date end return a.id < b.id end)
  -- efforts that depend on others: the worst status among what they depend on
  local worst_of = {}
  local rank = { ["not achieved"] = 1, pending = 2, ["not evaluable"] = 3, ["on track"] = 4, achieved = 5 }
  for _, d in ipairs(data) do
    local e = m:find(d.id)
    local p = e
    while p do
      local w = worst_of[p]
      if w == nil or (rank[d.status] or 3) < (rank[w] or 3) then worst_of[p] = d.status end
      p = p.parent
    end
  end
  local deps, deps_data = {}, json.array({})
  for _, e in ipairs(m:walk()) do
    for _, field in ipairs({ "depends_on", "related" }) do
      for _, id in ipairs(id_list(e[field])) do
        local other = m:find(id)
        if other then
          local st = worst_of[other]
          deps[#deps + 1] = { effort = e.title or e.id, relation = field,
                              other = other.title or other.id, status = st }
          deps_data[#deps_data + 1] = json.object({ id = e.id, relation = field, other = other.id, status = st },
            { "id", "relation", "other", "status" })
        end
      end
    end
  end
  local contributions, contrib_data = {}, json.array({})
  for _, c in ipairs(type(m.contributions) == "table" and m.contributions or {}) do
    local efforts = {}
    for _, id in ipairs(id_list(c.efforts)) do local e = m:find(id); efforts[#efforts + 1] = e and (e.title or e.id) or id end
    contributions[#contributions + 1] = { to = c.to, goal = c.goal, efforts = table.concat(efforts, ", ") }
    contrib_data[#contrib_data + 1] = json.object({ to = c.to, goal = c.goal, efforts = json.array(id_list(c.efforts)) },
      { "to", "goal", "efforts" })
  end
  local parties = m.parties and L("status.parties", { center = m.parties.center or "?", counterparty = m.parties.counterparty or "?",
    agreed = m.parties.agreed or "?" }) or ""
  local doc = report.document { lang = L.lang, title = L("status.title", { model = m.title or m.id }),
    subtitle = L("status.subtitle", { date = tostring(as_of) }) .. parties,
    data = json.object({ model = m.id, as_of = tostring(as_of), parties = m.parties, indicators = data, due_next = json.array(due),
      dependencies = deps_data, contributions = contrib_data },
      { "model", "as_of", "parties", "indicators", "due_next", "dependencies", "contributions" }) }
  doc.csv_table = "indicators"
  doc:keyvalues(summary)
  if #lights > 0 then
    doc:chart { type = "lights", title = L("status.chart"), labels = { item = L("col.indicator"), status = L("col.status") }, items = lights }
  end
  if #due > 0 then
    doc:heading(L("status.due_next"), 3)
    doc:table { name = "due", columns = { { key = "date", title = L("col.date") }, { key = "id", title = "Id" },
      { key = "title", title = L("col.indicator") }, { key = "phrase", title = L("status.col.as_written") } }, rows = due }
  end
  doc:heading(L("status.indicators"), 3)
  doc:table { name = "indicators", columns = {
    { key = "theme", title = L("col.theme") }, { key = "id", title = "Id" }, { key = "title", title = L("col.indicator"), wrap = 40 },
    { key = "value", title = L("col.value"), align = "left", text = function(v) return L:reason(v) end },
    { key = "status", title = L("col.status"), text = status_words },
    { key = "reason", title = L("status.col.why"), text = function(v) return L:reason(v) end, wrap = 50 } }, rows = rows }
  doc:section(L("status.dependencies"), { name = "dependencies", columns = { { key = "effort", title = L("status.col.effort") },
    { key = "relation", title = "", text = function(v) return L("status.relation." .. v) end }, { key = "other", title = L("status.col.other") },
    { key = "status", title = L("status.col.its_status"), text = function(v) return v and L:status(v) or L("status.no_indicators") end } },
    rows = deps })
  doc:section(L("status.contributions"), { name = "contributions", columns = { { key = "to", title = L("status.col.to") },
    { key = "goal", title = L("status.col.goal") }, { key = "efforts", title = L("status.col.through") } }, rows = contributions })
  report.write(doc, ctx.opts.format, out)
end, "every indicator's status as of --as-of, with reasons", { "indicators" })

