-- summary.lua — the "summary" report: a model's structure (themes, questions, indicators,
-- scales) as a document, for `qm run model.lua` without data.
local registry = require "qm.engine.reports"
local report = require "qm.reports.document"
local json = require "qm.reports.json"
local i18n = require "qm.reports.i18n"

local function element_row(L, e, depth)
  local s = e.kind == "question" and e:scale_of() or e.scale
  return { level = depth, kind = e.kind, id = e.id, title = e.title or e.text or "",
           scale = s and s:describe() or nil, scale_text = s and L:scale(s) or nil, side = e.side, weight = e.weight,
           where = e.where, source = e.source }
end

local function rows_of(L, e, depth, out)
  for _, c in ipairs(e.children) do
    out[#out + 1] = element_row(L, c, depth)
    rows_of(L, c, depth + 1, out)
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
  local L = i18n.of(ctx, m)
  local data = data_of(m)
  data.max_participants = m.max_participants
  local doc = report.document { lang = L.lang, title = (m.title or m.id), subtitle = L("summary.subtitle", { model = m.id }), data = data }
  doc:keyvalues {
    { L("summary.model"), m.id }, { L("summary.scale"), m.scale and L:scale(m.scale) or L("summary.per_question") },
    { L("col.themes"), #m:themes() }, { L("summary.questions"), #m:questions() }, { L("summary.indicators"), #m:indicators() },
    m.max_participants and { L("summary.max_participants"), m.max_participants } or nil,
  }
  local rows = rows_of(L, m, 0, {})
  for _, r in ipairs(rows) do r.title = string.rep("  ", r.level) .. r.title end
  doc:table { name = "elements", columns = {
    { key = "kind", title = L("summary.col.kind"), text = function(v) return L("kind." .. v) end }, { key = "id", title = "Id" },
    { key = "title", title = L("col.title") },
    { key = "side", title = L("col.side") }, { key = "scale", title = L("summary.scale"), text = function(_, row) return row.scale_text end } },
    rows = rows }
  report.write(doc, ctx.opts.format, out)
end, "the model's structure: themes, questions, indicators and scales")
