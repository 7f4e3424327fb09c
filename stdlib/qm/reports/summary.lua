-- summary.lua — the "summary" report: a model's structure (themes, questions, indicators,
-- scales) as a document, for `qm run model.lua` without data.
local registry = require "qm.engine.reports"
local report = require "qm.reports.document"
local json = require "qm.reports.json"

local function element_row(e, depth)
  local s = e.kind == "question" and e:scale_of() or e.scale
  return { level = depth, kind = e.kind, id = e.id, title = e.title or e.text or "",
           scale = s and s:describe() or nil, side = e.side, weight = e.weight,
           where = e.where, source = e.source }
end

local function rows_of(e, depth, out)
  for _, c in ipairs(e.children) do
    out[#out + 1] = element_row(c, depth)
    rows_of(c, depth + 1, out)
  end
  return out
end

local function data_of(e)
  local d = json.object({ kind = e.kind, id = e.id, title = e.title, text = e.text, side = e.side,
    weight = e.weight, source = e.source, quote = e.quote, aliases = e.aliases,
    scale = e.scale and e.scale:describe() or nil },
    { "kind", "id", "title", "text", "side", "weight", "scale", "source", "quote", "aliases" })
  if #e.children > 0 then
    d.children = json.array({})
    for _, c in ipairs(e.children) do d.children[#d.children + 1] = data_of(c) end
  end
  return d
end

registry.register("summary", function(ctx, m, out)
  local data = data_of(m)
  data.max_participants = m.max_participants
  local doc = report.document { title = (m.title or m.id), subtitle = "Model " .. m.id, data = data }
  doc:keyvalues {
    { "Model", m.id }, { "Scale", m.scale and m.scale:describe() or "(per question)" },
    { "Themes", #m:themes() }, { "Questions", #m:questions() }, { "Indicators", #m:indicators() },
    m.max_participants and { "Max participants", m.max_participants } or nil,
  }
  local rows = rows_of(m, 0, {})
  for _, r in ipairs(rows) do r.title = string.rep("  ", r.level) .. r.title end
  doc:table { name = "elements", columns = {
    { key = "kind", title = "Kind" }, { key = "id", title = "Id" }, { key = "title", title = "Title" },
    { key = "side", title = "Side" }, { key = "scale", title = "Scale" } }, rows = rows }
  report.write(doc, ctx.opts.format, out)
end, "the model's structure: themes, questions, indicators and scales")
