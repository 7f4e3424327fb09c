-- groups.lua — small groups protected in reports that leave the unit (roll-ups, benchmarks;
-- docs/reports.md, "Small groups"): the smallest group whose figures may be shown
-- (min_group: --min-group, else the model's min_group, else 5) and the suppression rule for a
-- table of groups under parents whose totals a reader can get elsewhere.
local cli = require "qm.engine.cli"
local host = require "qm.host"

local M = {}

M.DEFAULT = 5

-- the smallest group a report that leaves the unit may show figures of
function M.min_group(ctx, m)
  local v = ctx.opts["min-group"]
  if v ~= nil then
    if type(v) == "number" and v == math.floor(v) then v = math.tointeger(v) end
    if math.type(v) ~= "integer" or v < 1 then
      cli.usage_error(("--min-group %s: give a whole number of at least 1"):format(tostring(ctx.opts["min-group"])))
    end
    return v
  end
  v = m.min_group
  if v == nil then return M.DEFAULT end
  if math.type(v) ~= "integer" or v < 1 then
    host.raise(host.exit.model, ("%s: model \"%s\": min_group must be a whole number of at least 1"):format(m.where or "?", m.id), 0)
  end
  return v
end

-- suppress(rows, min, size, parent): marks rows whose figures must not be shown.
-- Primary: a row of fewer than `min` people (size(row)). Secondary: the rows of one parent
-- (parent(row); its total can be had elsewhere, from a report one level up) whose figures are
-- suppressed must together hold at least `min` people, or a reader could take the shown rows
-- from the parent's total and get a small group back — so while they hold fewer, the
-- smallest shown row of that parent is suppressed too (ties by their order). Sets
-- row.suppressed = "primary" | "secondary"; returns the number of rows suppressed.
function M.suppress(rows, min, size, parent)
  local by_parent, order = {}, {}
  local n = 0
  for i, r in ipairs(rows) do
    local p = parent(r)
    if not by_parent[p] then by_parent[p] = {}; order[#order + 1] = p end
    table.insert(by_parent[p], { row = r, i = i })
    if size(r) < min then r.suppressed = "primary"; n = n + 1 end
  end
  for _, p in ipairs(order) do
    local list = by_parent[p]
    local held, any = 0, false
    for _, x in ipairs(list) do
      if x.row.suppressed then held = held + size(x.row); any = true end
    end
    if any then
      local shown = {}
      for _, x in ipairs(list) do if not x.row.suppressed then shown[#shown + 1] = x end end
      table.sort(shown, function(a, b)
        if size(a.row) ~= size(b.row) then return size(a.row) < size(b.row) end
        return a.i < b.i
      end)
      local k = 1
      while held < min and shown[k] do
        shown[k].row.suppressed = "secondary"
        held = held + size(shown[k].row)
        n = n + 1
        k = k + 1
      end
    end
  end
  return n
end

return M
