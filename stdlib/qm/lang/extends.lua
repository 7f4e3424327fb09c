-- extends.lua — reuse: `model "x" { extends = base, remove = {...}, replace = { question ... },
-- change = { id = { field = value } } }` copies the base model's tree into the new model and
-- applies the changes; the extending model's own themes add to the base's.
local schema = require "qm.lang.schema"
local model = require "qm.lang.model"
local construct = require "qm.lang.construct"

local problem, label = construct.problem, construct.label

local M = {}

local function find_in(tree, id)
  for _, e in ipairs(tree:walk()) do if e.id == id then return e end end
end

-- model "x" { extends = base, remove = {...}, replace = { question ... }, change = {...} }
function M.apply(ctx, m)
  local base = m.extends
  local copy = model.copy_tree(base, nil)
  for k, v in pairs(copy) do
    if m[k] == nil and k ~= "kind" and k ~= "id" and k ~= "where" and k ~= "extends" and k:sub(1, 1) ~= "_" then m[k] = v end
  end
  -- datasets: the base's, with the extending model's own added (or replacing one of the same name)
  if base.datasets and m.datasets ~= base.datasets then
    local mine = {}
    for _, d in ipairs(m.datasets or {}) do mine[d.id:lower()] = true end
    local merged = {}
    for _, d in ipairs(base.datasets) do if not mine[d.id:lower()] then merged[#merged + 1] = d end end
    for _, d in ipairs(m.datasets or {}) do merged[#merged + 1] = d end
    m.datasets = merged
  end
  local own = m.children
  m.children = copy.children
  for _, c in ipairs(m.children) do c.parent = m end
  for _, id in ipairs(m.remove or {}) do
    local e = find_in(m, id)
    if not e then problem(ctx, "error", m.where, ("remove: %s has no element \"%s\""):format(label("model", base.id), id))
    else
      local sib = e.parent.children
      for i, x in ipairs(sib) do if x == e then table.remove(sib, i) break end end
    end
  end
  for _, r in ipairs(m.replace or {}) do
    local e = find_in(m, r.id)
    if not e then problem(ctx, "error", r.where, ("replace: %s has no element \"%s\""):format(label("model", base.id), r.id))
    else
      local sib = e.parent.children
      for i, x in ipairs(sib) do if x == e then sib[i] = r; r.parent = e.parent break end end
    end
  end
  for id, fields in pairs(m.change or {}) do
    local e = find_in(m, id)
    if not e then problem(ctx, "error", m.where, ("change: %s has no element \"%s\""):format(label("model", base.id), id))
    else
      local decl = schema.constructs[e.kind]
      for k, v in pairs(fields) do
        local f = decl.by_name[k]
        if not f then problem(ctx, "error", m.where, ("change \"%s\": unknown field \"%s\""):format(id, k))
        else
          local ok, msg = schema.check_type(f, v)
          if ok then e[k] = v else problem(ctx, "error", m.where, ("change \"%s\": %s %s"):format(id, k, msg)) end
        end
      end
    end
  end
  -- the extending model's own themes: a theme with a base theme's id adds to it
  for _, c in ipairs(own) do
    local target = c.kind ~= "theme" and nil or find_in(m, c.id)
    if target and target.kind == "theme" then
      for _, q in ipairs(c.children) do q.parent = target; target.children[#target.children + 1] = q end
    else
      c.parent = m
      m.children[#m.children + 1] = c
    end
  end
end

return M
