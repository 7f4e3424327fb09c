-- yaml.lua — fuzz target "yaml": the YAML loader (engine/yaml_lua.c) through its Lua API.
-- As models and the model loader call it: yaml.load in both scalar modes, yaml.load_all, then
-- yaml.keys, yaml.pairs and yaml.where on every table. The contract (docs/yaml.md): every
-- error reads "name:line:column: message"; a document loads into plain values within the
-- limits; keys and positions are known for every mapping and sequence. See docs/fuzzing.md.
local fuzz = ...
local yaml = require "qm.yaml"

local NAME = "doc.yaml"
local null = yaml.null

local function finding(fmt, ...)
  error("finding: " .. fmt:format(...), 0)
end

-- an error from a load must be a proper message with the document's name and a position
local function check_error(err, mode, input)
  local why = fuzz.improper(err, input)
  if why then finding("yaml.load (%s) failed with an improper message: %s: %s", mode, why, tostring(err)) end
  err = tostring(err)   -- qm's errors are typed values that read like their message
  local line = err:match("^doc%.yaml:(%d+):(%d+): .")
  if not line and not err:match("^doc%.yaml: not enough memory") then
    finding("yaml.load (%s): the error does not read \"%s:line:column: message\": %s", mode, NAME, err)
  end
end

local function check_where(w, lines, what)
  if w == nil then finding("yaml.where gives no position for %s", what) end
  local line, col = w:match("^doc%.yaml:(%d+):(%d+)$")
  if not line then finding("yaml.where for %s is not \"name:line:column\": %s", what, w) end
  if tonumber(line) < 1 or tonumber(line) > lines or tonumber(col) < 1 then
    finding("yaml.where for %s is outside the %d-line document: %s", what, lines, w)
  end
end

-- walk a loaded value: plain values only, every table with keys and positions; returns a
-- shape (node count) for comparing the two scalar modes
local function walk(v, lines, depth, strings_only, path)
  local tv = type(v)
  if v == null or tv == "boolean" or tv == "number" or tv == "string" then
    if strings_only and v ~= null and tv ~= "string" then
      finding("scalars = \"string\" gave a %s at %s for a document without tags", tv, path)
    end
    return 1
  end
  if tv ~= "table" then finding("a loaded value is a %s at %s", tv, path) end
  if depth > 64 then finding("nesting deeper than the documented limit at %s", path) end
  if getmetatable(v) ~= nil then finding("a loaded table has a metatable at %s", path) end
  check_where(yaml.where(v), lines, path)
  local keys = yaml.keys(v)
  local seen, n = {}, 0
  for i, k in ipairs(keys) do
    if seen[k] then finding("yaml.keys lists %s twice at %s", tostring(k), path) end
    seen[k] = true
    if rawget(v, k) == nil then finding("yaml.keys lists %s, which is not in the table at %s", tostring(k), path) end
    check_where(yaml.where(v, k), lines, path .. "." .. tostring(k))
    n = n + 1
    if i > 2000000 then break end
  end
  local count = 1
  for k, child in next, v do
    if not seen[k] then finding("yaml.keys misses the key %s at %s", tostring(k), path) end
    count = count + walk(child, lines, depth + 1, strings_only, path .. "." .. tostring(k))
  end
  -- an ordered walk must see the same keys as yaml.keys
  local m = 0
  for _ in yaml.pairs(v) do m = m + 1 end
  if m ~= n then finding("yaml.pairs gives %d entries but yaml.keys %d at %s", m, n, path) end
  return count
end

local function load(fn, input, opts, mode)
  local ok, doc = pcall(fn, input, opts)
  if not ok then check_error(doc, mode, input) return nil end
  return doc
end

return {
  timeout = 10,
  run = function(input)
    local lines = 1
    -- libyaml counts CR, LF, NEL, LS and PS as line breaks, and may point past the last one
    for _ in input:gmatch("[\n\r]") do lines = lines + 1 end
    for _ in input:gmatch("\194\133") do lines = lines + 1 end
    for _ in input:gmatch("\226\128[\168\169]") do lines = lines + 1 end
    lines = lines + 1
    local core = load(yaml.load, input, { name = NAME }, "core")
    local text = load(yaml.load, input, { name = NAME, scalars = "string" }, "string")
    local c1 = core ~= nil and walk(core, lines, 0, false, "$")
    local c2 = text ~= nil and walk(text, lines, 0, not input:find("!", 1, true), "$")
    -- both modes read the same structure: only scalar values and keys are typed differently
    if c1 and c2 and c1 ~= c2 then
      finding("the core and string scalar modes give different node counts (%d, %d)", c1, c2)
    end
    local all = load(yaml.load_all, input, { name = NAME }, "load_all")
    if all ~= nil then
      if type(all) ~= "table" then finding("yaml.load_all returned a %s", type(all)) end
      for i, d in ipairs(all) do walk(d, lines, 0, false, "$" .. i) end
      if core ~= nil and #all == 0 and core ~= null then finding("yaml.load found a document, yaml.load_all none") end
    end
  end,
}
