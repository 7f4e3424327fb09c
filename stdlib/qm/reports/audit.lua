-- audit.lua — case audits (god sagsbehandling): audited cases per round, yes / no / not
-- applicable per criterion (the model's questions), criteria grouped in themes. A criterion's
-- score in a round is the share of applicable cases that meet it: "not applicable" and missing
-- answers are left out of the denominator. Rounds are compared (before / with the method) and
-- themes prioritised from the baseline. All shares are computed in SQL.
-- The model's `audit = { table = "audit_answers", rounds = { "foer", "med" }, baseline = "foer" }`;
-- the table has columns round, case_id, criterion, answer (1 = yes, 0 = no, NULL = n/a).
local registry = require "qm.engine.reports"
local report = require "qm.reports.document"
local json = require "qm.reports.json"
local host = require "qm.host"
local cli = require "qm.engine.cli"
local i18n = require "qm.reports.i18n"
local scoring = require "qm.rules.scoring"
local contract = require "qm.eval.contract"

local M = {}

local function setup(ctx, m)
  local a = m.audit or {}
  local t = a.table or "audit_answers"
  if not t:match("^[%a_][%w_]*$") then error(("audit.table: %q is not a table name"):format(t), 0) end
  local db = ctx:model_database()
  if not db then cli.usage_error("the audit report needs the audit data: give --db FILE") end
  contract.check_report(db, m, "audit", { answers = t })
  return db, t, a
end

-- shares[round][criterion] = { yes, applicable, share }
function M.shares(db, tbl)
  local out, rounds, seen = {}, {}, {}
  for r in db:query(([[SELECT round, criterion, sum(answer = 1) AS yes, count(answer) AS applicable, count(*) AS cases
                       FROM %s GROUP BY round, criterion]]):format(tbl)) do
    local round = tostring(r.round)
    if not seen[round] then seen[round] = true; rounds[#rounds + 1] = round end
    out[round] = out[round] or {}
    out[round][tostring(r.criterion)] = { yes = r.yes ~= host.null and r.yes or 0, applicable = r.applicable, cases = r.cases,
      share = r.applicable > 0 and (r.yes ~= host.null and r.yes or 0) / r.applicable or nil }
  end
  table.sort(rounds)
  return out, rounds
end

local function pct(x) return x and ("%.0f%%"):format(x * 100) or "-" end

-- the scoring rule a theme declares (its own, else a parent's, up to the model's), or nil
local function declared_rule(th)
  local e = th
  while e do
    if e.scoring ~= nil then return e.scoring end
    e = e.parent
  end
  return nil
end

local function rule_name(r)
  if r == nil then return "pooled" end
  return scoring.is_rule(r) and r.name or "function"
end

-- a theme's share. Without a scoring rule: all its criteria's applicable answers together
-- (pooled). With one (the theme's `scoring`, else a parent's or the model's): the rule over
-- the criteria's shares (values 0-1, weight = the question's weight), criteria without an
-- applicable answer left out. yes and n are the pooled counts either way.
local function theme_share(th, shares)
  local yes, n, items = 0, 0, {}
  for _, q in ipairs(th:questions()) do
    local s = shares and shares[q.id]
    if s then
      yes = yes + s.yes; n = n + s.applicable
      if s.share then items[#items + 1] = { id = q.id, value = s.share, weight = q.weight } end
    end
  end
  local rule = declared_rule(th)
  if rule ~= nil and #items > 0 then return scoring.apply(rule, items), yes, n end
  return n > 0 and yes / n or nil, yes, n
end

-- a share for people: "55 % (11/20)", or "55 % (median)" when a theme's scoring rule gives
-- it; the raw text (CSV) keeps "55% (11/20)"
local function share_text(L, key)
  return function(v, row)
    local x = row["_" .. key]
    if not x then return v end
    if x.rule then return L("audit.share_rule", { share = L:pct(x.share) or "–", rule = x.rule }) end
    return L("audit.share", { share = L:pct(x.share) or "–", yes = x.yes, n = x.n })
  end
end

function M.audit(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db, tbl, a = setup(ctx, m)
  local shares, found = M.shares(db, tbl)
  local rounds = a.rounds or found
  local cols = { { key = "element", title = L("audit.col.element"), wrap = 60 } }
  for _, r in ipairs(rounds) do cols[#cols + 1] = { key = r, title = r, align = "right", text = share_text(L, r) } end
  if #rounds >= 2 then cols[#cols + 1] = { key = "change", title = L("col.change"), align = "right" } end
  local rows, data = {}, json.array({})
  local first, last = rounds[1], rounds[#rounds]
  local cats = {}   -- the themes' shares per round, for the before/after bars
  for _, th in ipairs(m:themes()) do
    if #th:questions() == 0 then goto next_theme end
    do
      local vals = {}
      for i, r in ipairs(rounds) do vals[i] = (theme_share(th, shares[r])) end
      cats[#cats + 1] = { label = th.title or th.id, values = vals }
    end
    local row = { element = th.title or th.id }
    local td = json.object({ id = th.id, title = th.title, scoring = rule_name(declared_rule(th)), rounds = {}, criteria = json.array({}) },
      { "id", "title", "scoring", "rounds", "change", "criteria" })
    for _, r in ipairs(rounds) do
      local s, yes, n = theme_share(th, shares[r])
      local rule = declared_rule(th)
      row[r] = n > 0 and (rule ~= nil and ("%s (%s)"):format(pct(s), rule_name(rule)) or ("%s (%d/%d)"):format(pct(s), yes, n)) or "-"
      td.rounds[r] = json.object({ share = (s), yes = yes, applicable = n }, { "share", "yes", "applicable" })
      row["_" .. r] = n > 0 and { share = s, yes = yes, n = n, rule = rule ~= nil and rule_name(rule) or nil } or nil
    end
    local s1, s2 = theme_share(th, shares[first]), theme_share(th, shares[last])
    if #rounds >= 2 and s1 and s2 then
      row.change = ("%+.0f"):format((s2 - s1) * 100)
      td.change = json.object({ from = first, to = last, share = (s2 - s1) }, { "from", "to", "share" })
    end
    rows[#rows + 1] = row
    for _, q in ipairs(th.children) do
      if q.kind == "question" then
        local qr = { element = "  " .. (q.title or q.text) }
        local qd = json.object({ id = q.id, text = q.text, rounds = {} }, { "id", "text", "rounds", "change" })
        for _, r in ipairs(rounds) do
          local s = shares[r] and shares[r][q.id]
          qr[r] = s and ("%s (%d/%d)"):format(pct(s.share), s.yes, s.applicable) or "-"
          qr["_" .. r] = s and { share = s.share, yes = s.yes, n = s.applicable } or nil
          qd.rounds[r] = s and json.object({ share = s.share, yes = s.yes, applicable = s.applicable,
            not_applicable = s.cases - s.applicable }, { "share", "yes", "applicable", "not_applicable" }) or nil
        end
        local a1 = shares[first] and shares[first][q.id]
        local a2 = shares[last] and shares[last][q.id]
        if #rounds >= 2 and a1 and a2 and a1.share and a2.share then
          qr.change = ("%+.0f"):format((a2.share - a1.share) * 100)
          qd.change = json.object({ from = first, to = last, share = (a2.share - a1.share) }, { "from", "to", "share" })
        end
        rows[#rows + 1] = qr
        td.criteria[#td.criteria + 1] = qd
      end
    end
    data[#data + 1] = td
    ::next_theme::
  end
  local doc = report.document { lang = L.lang, title = L("audit.title", { model = m.title or m.id }),
    subtitle = L("audit.subtitle"),
    data = json.object({ model = m.id, rounds = json.array(rounds), themes = data }, { "model", "rounds", "themes" }) }
  if #rounds >= 1 and #cats > 0 then
    doc:chart { type = "bars", title = L("audit.chart"), min = 0, max = 1, series = rounds, change = #rounds >= 2,
      format = function(v) return L:pct(v) or "–" end, numfmt = "0%", change_numfmt = "+0%;-0%;0%",
      labels = { category = L("col.theme"), change = L("col.change") }, categories = cats,
      change_format = function(v) if v == nil then return nil end return ("%+.0f"):format(v * 100) end }
  end
  doc:table { name = "audit", columns = cols, rows = rows }
  report.write(doc, ctx.opts.format, out)
end

-- themes ordered by the baseline: the lowest share is the most important to work on
function M.prioritering(ctx, m, out)
  local L = i18n.of(ctx, m)
  local db, tbl, a = setup(ctx, m)
  local shares, found = M.shares(db, tbl)
  local base = a.baseline or (a.rounds and a.rounds[1]) or found[1]
  if not base or not shares[base] then
    host.raise(host.exit.model, ("%s: no audit round \"%s\" in table \"%s\""):format(m.where or "?", tostring(base), tbl), 0)
  end
  local list = {}
  for i, th in ipairs(m:themes()) do
    local s, yes, n = theme_share(th, shares[base])
    if n > 0 then list[#list + 1] = { id = th.id, title = th.title, share = s, yes = yes, n = n, order = i, rule = declared_rule(th) } end
  end
  table.sort(list, function(x, y) if x.share ~= y.share then return x.share < y.share end return x.order < y.order end)
  local rows, data = {}, json.array({})
  for i, t in ipairs(list) do
    rows[i] = { rank = i, theme = t.title or t.id, share = t.rule ~= nil and ("%s (%s)"):format(pct(t.share), rule_name(t.rule))
      or ("%s (%d/%d)"):format(pct(t.share), t.yes, t.n),
      _share = { share = t.share, yes = t.yes, n = t.n, rule = t.rule ~= nil and rule_name(t.rule) or nil } }
    data[i] = json.object({ rank = i, id = t.id, share = (t.share), scoring = rule_name(t.rule) }, { "rank", "id", "share", "scoring" })
  end
  local doc = report.document { lang = L.lang, title = L("audit_prioritering.title", { model = m.title or m.id }),
    subtitle = L("audit_prioritering.subtitle", { baseline = base }),
    data = json.object({ model = m.id, baseline = base, themes = data }, { "model", "baseline", "themes" }) }
  doc:table { name = "priority", columns = { { key = "rank", title = "#" }, { key = "theme", title = L("col.theme") },
    { key = "share", title = L("audit.col.share"), align = "right", text = share_text(L, "share") } }, rows = rows }
  report.write(doc, ctx.opts.format, out)
end

registry.register("audit", M.audit, "case audits: the share of applicable cases meeting each criterion and theme, per round, compared", { "audit", "db" })
registry.register("audit_prioritering", M.prioritering, "themes ordered by the baseline audit, lowest share first", { "audit", "db" })

return M
