-- model.lua — the model objects the language builds: a model and its elements (themes,
-- questions, indicators), with collections indexed by id. What other modules and reports use:
--   m.kind == "model", m.id, m.title, m.scale, m.max_participants, m.consensus, m.prioritise,
--   m.scoring, m.where ("file:line"), m.source, m.quote, m.meta, m.children (top themes)
--   m:themes(), m:questions(), m:indicators(), m:walk() (all, author's order), m:find(id);
--   m.datasets (declared tables, each with .columns), m:dataset(name);
--   m.themes.ledelse, kik.questions["1.1"] (collections indexed by id)
--   element e: e.kind, e.id, e.title, e.text, e.parent, e.children, e.where, e.aliases,
--   e.weight, e.side, e.meta, e:scale_of() (own scale or inherited up the tree)
local scoring = require "qm.rules.scoring"

local M = {}

local Element = {}
Element.__metatable = "model element"
local Model = setmetatable({}, { __index = Element })
Model.__metatable = "model"

local function count(children, kind)
  local n = 0
  for _, c in ipairs(children or {}) do if c.kind == kind then n = n + 1 end end
  return n
end

function Element.__tostring(e)
  local parts = {}
  local q, th, ind = count(e.children, "question"), count(e.children, "theme"), count(e.children, "indicator")
  if th > 0 then parts[#parts + 1] = th .. (th == 1 and " theme" or " themes") end
  if q > 0 then parts[#parts + 1] = q .. (q == 1 and " question" or " questions") end
  if ind > 0 then parts[#parts + 1] = ind .. (ind == 1 and " indicator" or " indicators") end
  return ("<%s %s%s>"):format(e.kind, e.id, #parts > 0 and (": " .. table.concat(parts, ", ")) or "")
end
Model.__tostring = function(m)
  return ("<model %s: %d themes, %d questions, %d indicators>"):format(m.id, #m:themes(), #m:questions(), #m:indicators())
end

-- the scale that applies: the element's own, else its parent's, up to the model's
function Element:scale_of()
  local e = self
  while e do
    if e.scale then return e.scale end
    e = e.parent
  end
  return nil
end

-- the rule that rolls this element's children up (own, else inherited, else mean)
-- the rule that scores this element: its own, else the nearest rule above declared with
-- inherit = true, else the mean (a rule applies at the level it is declared for)
function Element:scoring_of()
  if self.scoring then return self.scoring end
  local e = self.parent
  while e do
    if e.scoring and scoring.inherits(e.scoring) then return e.scoring end
    e = e.parent
  end
  return scoring.mean()
end

local function walk(e, out, kind)
  local children = e.children   -- a list (a numeric loop: the model's checks walk it often)
  if children then
    for i = 1, #children do
      local c = children[i]
      if kind == nil or c.kind == kind then out[#out + 1] = c end
      walk(c, out, kind)
    end
  end
  return out
end

function Element:walk() return walk(self, {}) end

-- m.themes, m.questions, m.indicators (and a theme's): collections. Called as methods they
-- give the elements in the author's order, as a plain array (m:themes()); indexed by id they
-- give one element under the owner (kik.themes.ledelse, kik.questions["1.1"]); pairs and #
-- work, so the REPL completes kik.themes.le<TAB>.
local Collection = { __metatable = "model collection" }
local coll_info = setmetatable({}, { __mode = "k" })   -- collection -> { owner, kind }
local coll_cache = setmetatable({}, { __mode = "k" })  -- element -> { kind -> collection }

local function members(c)
  local info = coll_info[c]
  return walk(info.owner, {}, info.kind), info
end

Collection.__call = function(c) return (members(c)) end
Collection.__len = function(c) return #(members(c)) end
Collection.__index = function(c, id)
  local list = members(c)
  id = tostring(id)
  for _, e in ipairs(list) do if e.id == id then return e end end
  return nil
end
Collection.__pairs = function(c)
  local list, i = members(c), 0
  return function()
    i = i + 1
    local e = list[i]
    if e then return e.id, e end
  end, c, nil
end
Collection.__tostring = function(c)
  local list, info = members(c)
  return ("<%ss of %s: %d>"):format(info.kind, info.owner.id, #list)
end
Collection.__newindex = function(c)
  error(("%s is read-only"):format(tostring(c)), 2)
end

local collection_kinds = { themes = "theme", questions = "question", indicators = "indicator" }

local function collection(e, kind)
  local per = coll_cache[e]
  if not per then per = {}; coll_cache[e] = per end
  if not per[kind] then
    local c = setmetatable({}, Collection)
    coll_info[c] = { owner = e, kind = kind }
    per[kind] = c
  end
  return per[kind]
end

Element.__index = function(e, k)
  local kind = collection_kinds[k]
  if kind then return collection(e, kind) end
  return Element[k]
end
Model.__index = function(m, k)
  local kind = collection_kinds[k]
  if kind then return collection(m, kind) end
  return Model[k]
end

function Model:find(id)
  id = tostring(id)
  return self._index and self._index[id]
end

-- a dataset the model declares (its own or its base's), by table name (any case)
function Model:dataset(name)
  name = tostring(name):lower()
  for _, d in ipairs(self.datasets or {}) do if d.id:lower() == name then return d end end
  return nil
end

-- the path of ids from the top, e.g. "ledelse/1.1"
function Element:path()
  local ids, e = {}, self
  while e and e.kind ~= "model" do table.insert(ids, 1, e.id); e = e.parent end
  return table.concat(ids, "/")
end

-- a new node of `kind` ("model", "theme", "question", "indicator")
function M.new(kind, fields)
  return setmetatable(fields, kind == "model" and Model or Element)
end

function M.is_element(v) return type(v) == "table" and getmetatable(v) == "model element" end
function M.is_model(v) return type(v) == "table" and getmetatable(v) == "model" end

-- a deep copy of an element and everything below it (for extends)
function M.copy_tree(e, parent)
  local c = setmetatable({}, getmetatable(e) == "model" and Model or Element)
  for k, v in pairs(e) do
    if k ~= "children" and k ~= "parent" and k ~= "_index" then c[k] = v end
  end
  c.parent = parent
  c.children = {}
  for i, child in ipairs(e.children or {}) do c.children[i] = M.copy_tree(child, c) end
  return c
end

return M
