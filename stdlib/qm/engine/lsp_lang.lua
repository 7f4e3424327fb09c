-- lsp_lang.lua — what an editor is offered while a model is written (qm lsp): completion of
-- fields per construct, child constructors, enum values, rule constructors and their
-- settings (scale kinds among them), and the ids of the model's elements; hover text for
-- fields, constructs, rules, settings and ids. Everything comes from the declarations qm check
-- itself uses: qm.lang.schema (constructs and their fields; rule libraries and their
-- settings) and, for the kinds of indicator, qm.lang.inputs when it is there — nothing is
-- listed twice. Positions come from qm.engine.source's tokens.
local schema = require "qm.lang.schema"

local M = {}

-- LSP CompletionItemKind
local KIND = { field = 5, ["function"] = 3, enum = 20, value = 12, module = 9, class = 7, keyword = 14, reference = 18 }

-- the rule libraries a model names, as declared (schema.rules: constructors with options)
local LIBS = { "scale", "scoring", "consensus", "prioritise" }
local function rules() return schema.rules or {} end

-- fields whose values are ids of the model's elements (the kind they must be, or true: any)
local ID_FIELDS = { depends_on = true, related = true, uses = "indicator", coverage_of = "theme", remove = true,
                    links = true, efforts = true, id = true, baseline_of = true }
-- tables keyed by element ids: change = { ["1.1"] = {...} }, points = { ["1"] = 100 }
local ID_KEYED = { change = true, points = true }
-- the library a rule field's value comes from
local RULE_FIELD = { scale = "scale", scoring = "scoring", consensus = "consensus", prioritise = "prioritise" }

local function md_escape(s) return (tostring(s):gsub("([`*_\\])", "\\%1")) end

local function type_text(f)
  if f.type == "enum" and f.values then
    local vs = {}
    for _, v in ipairs(f.values) do vs[#vs + 1] = '"' .. v .. '"' end
    return "one of " .. table.concat(vs, ", ")
  end
  return ({ string = "text", strings = "text or list of texts", number = "number", integer = "whole number",
            boolean = "true or false", table = "table", ["function"] = "function", scale = "scale", rule = "rule",
            deadline = "date or Danish phrase, or a list of them", any = "any value" })[f.type] or tostring(f.type)
end

local function field_doc(kind, f)
  local lines = { ("**%s** — %s field (%s)"):format(f.name, kind, type_text(f)), "", f.doc or "" }
  if f.required then lines[#lines + 1] = "\nRequired." end
  if f.default ~= nil then lines[#lines + 1] = ("\nDefault: `%s`"):format(tostring(f.default)) end
  -- the indicator kinds that read it, when the data contract is declared
  if kind == "indicator" then
    local ok, inputs = pcall(require, "qm.lang.inputs")
    if ok and type(inputs) == "table" and inputs.kinds_reading and inputs.kind_fields and inputs.kind_fields[f.name] then
      lines[#lines + 1] = "\nRead by the kinds: " .. table.concat(inputs.kinds_reading(f.name), ", ")
    end
  end
  return table.concat(lines, "\n")
end

local function construct_doc(kind)
  local c = schema.constructs[kind]
  local names = {}
  for _, f in ipairs(c.fields) do names[#names + 1] = "`" .. f.name .. "`" end
  local children = {}
  for k in pairs(c.children or {}) do children[#children + 1] = "`" .. k .. "`" end
  table.sort(children)
  local out = { ("**%s** `\"id\" { ... }` — %s"):format(kind, c.doc or ""), "", "Fields: " .. table.concat(names, ", ") }
  if #children > 0 then out[#out + 1] = "\nContains: " .. table.concat(children, ", ") end
  return table.concat(out, "\n")
end

local function rule_doc(lib, c)
  local out = { ("**%s.%s** — %s"):format(lib, c.name, c.doc or "") }
  if c.example then out[#out + 1] = "\n```lua\n" .. c.example .. "\n```" end
  if c.options and #c.options > 0 then
    out[#out + 1] = "\nSettings:"
    for _, o in ipairs(c.options) do
      out[#out + 1] = ("- `%s` (%s)%s: %s"):format(o.name, type_text(o), o.default ~= nil and (", default " .. tostring(o.default)) or "", o.doc or "")
    end
  end
  return table.concat(out, "\n")
end

local function kind_doc(kind)
  local ok, inputs = pcall(require, "qm.lang.inputs")
  if not ok or type(inputs) ~= "table" or not inputs.kinds or not inputs.kinds[kind] then return nil end
  local k = inputs.kinds[kind]
  local out = { ("**%s** indicator — %s"):format(kind, k.doc or "") }
  if k.columns then
    out[#out + 1] = "\nReads the columns:"
    for _, col in ipairs(k.columns) do
      out[#out + 1] = ("- `%s`%s (%s): %s"):format(col.name, col.optional and " (optional)" or "", col.type, col.doc or "")
    end
  end
  if k.fields and #k.fields > 0 then out[#out + 1] = "\nFields: " .. table.concat(k.fields, ", ") end
  return table.concat(out, "\n")
end

-- ---------------------------------------------------------------- what a position is in

local function tok(src, i) return src:tokens()[i] end

-- the field a value at token index i belongs to: `name = <i>` or `name = { ..., <i>` (a list)
-- -> field name, the table that holds the field, and whether the value is in a list
local function value_field(src, ctx, i)
  local toks = src:tokens()
  local prev = toks[i - 1]
  if prev and prev.v == "=" and toks[i - 2] and toks[i - 2].t == "name" then
    return toks[i - 2].v, ctx.tables[1], false
  end
  -- inside a list: the innermost table is the value of `field = {`
  local tb = ctx.tables[1]
  if tb and tb.owner.field and (prev and (prev.v == "{" or prev.v == "," or prev.v == ";")) then
    return tb.owner.field, ctx.tables[2], true
  end
end

-- the construct a table belongs to (the innermost construct call enclosing the position)
local function enclosing_construct(ctx)
  for _, tb in ipairs(ctx.tables) do
    if tb.owner.construct and schema.constructs[tb.owner.construct] then return tb.owner.construct, tb end
  end
end

-- is the token before index i a place where a key starts ({ , ;)?
local function at_key(src, i)
  local t = tok(src, i)
  return t and t.t == "op" and (t.v == "{" or t.v == "," or t.v == ";")
end

-- ---------------------------------------------------------------- completion

local function item(label, kind, detail, doc, insert, sort)
  local json = require "qm.reports.json"
  local it = json.object({ label = label, kind = kind, detail = detail, sortText = sort,
    insertText = insert, documentation = doc and json.object({ kind = "markdown", value = doc }, { "kind", "value" }) or nil },
    { "label", "kind", "detail", "sortText", "insertText", "documentation" })
  return it
end

local function id_items(doc, want, quote)
  local out = {}
  for i, e in ipairs(doc.elements or {}) do
    if want == true or want == nil or e.kind == want then
      out[#out + 1] = item(e.id, KIND.reference, e.kind .. (e.title and (": " .. e.title) or ""), nil,
        quote and ('"' .. e.id .. '"') or nil, ("%05d"):format(i))
    end
  end
  return out
end

local function rule_items(lib)
  local out = {}
  local decl = rules()[lib]
  if not decl then return out end
  for i, c in ipairs(decl.constructors or {}) do
    out[#out + 1] = item(c.name, KIND["function"], c.example or (lib .. "." .. c.name), rule_doc(lib, c), nil, ("%03d"):format(i))
  end
  return out
end

local function enum_items(values, quote)
  local out = {}
  for i, v in ipairs(values or {}) do
    out[#out + 1] = item(v, KIND.enum, nil, nil, quote and ('"' .. v .. '"') or nil, ("%03d"):format(i))
  end
  return out
end

-- the fields of a construct not yet written in its table, and the constructs it may contain
local function field_items(src, kind, tb)
  local c = schema.constructs[kind]
  local have = src:fields_of(tb)
  local out = {}
  for i, f in ipairs(c.fields) do
    if not have[f.name] then
      out[#out + 1] = item(f.name, KIND.field, type_text(f), field_doc(kind, f), f.name .. " = ", ("1%03d"):format(i))
    end
  end
  local children = {}
  for k in pairs(c.children or {}) do children[#children + 1] = k end
  table.sort(children)
  for i, k in ipairs(children) do
    out[#out + 1] = item(k, KIND.class, k .. ' "id" { ... }', construct_doc(k), nil, ("2%03d"):format(i))
  end
  return out
end

local function option_items(src, lib, name, tb)
  local decl = rules()[lib]
  local c = decl and decl.by_name and decl.by_name[name]
  if not c then return {} end
  local have = src:fields_of(tb)
  local out = {}
  for i, o in ipairs(c.options or {}) do
    if not have[o.name] then
      out[#out + 1] = item(o.name, KIND.field, type_text(o), ("**%s** — setting of %s.%s (%s)\n\n%s"):format(o.name, lib, name, type_text(o), o.doc or ""),
        o.name .. " = ", ("%03d"):format(i))
    end
  end
  return out
end

local function top_items()
  local out = {}
  for i, k in ipairs({ "model", "theme", "question", "indicator", "use" }) do
    local c = schema.constructs[k]
    out[#out + 1] = item(k, k == "use" and KIND.keyword or KIND.class, nil, c and construct_doc(k) or
      "**use** `\"file.lua\"` — load another model (in the model's folder, or a bundled model by name) and return it", nil, ("%03d"):format(i))
  end
  for i, lib in ipairs(LIBS) do
    local d = rules()[lib]
    out[#out + 1] = item(lib, KIND.module, d and d.doc or nil, nil, nil, ("1%03d"):format(i))
  end
  return out
end

-- value completion for field `name` of construct `kind` (quote: the value is not in quotes yet)
local function value_items(doc, kind, name, quote, in_list)
  local c = kind and schema.constructs[kind]
  local f = c and c.by_name[name]
  if ID_FIELDS[name] and (in_list or (f and (f.type == "string" or f.type == "strings")) or not f) then
    return id_items(doc, ID_FIELDS[name], quote)
  end
  if f and f.type == "enum" then return enum_items(f.values, quote) end
  if not quote then return {} end
  if f and f.type == "boolean" then return enum_items({ "true", "false" }, false) end
  if RULE_FIELD[name] or (f and (f.type == "scale" or f.type == "rule")) then
    local lib = RULE_FIELD[name] or (f.type == "scale" and "scale")
    local out = {}
    for _, it in ipairs(rule_items(lib)) do
      it.insertText = lib .. "." .. it.label
      it.label = lib .. "." .. it.label
      out[#out + 1] = it
    end
    return out
  end
  return {}
end

-- ---------------------------------------------------------------- test files

-- completion in a test file (qm test): case fields, expectations and their keys, statuses,
-- the ids of the model it tests, report names
local function complete_test(src, offset, doc)
  local modeltest = require "qm.engine.modeltest"
  local ctx = src:context(offset)
  local toks = src:tokens()
  local i = ctx.index
  local function words(list, kind, quote)
    local out = {}
    for n, w in ipairs(list) do out[#out + 1] = item(w, kind, nil, nil, quote and ('"' .. w .. '"') or nil, ("%03d"):format(n)) end
    return out
  end
  if ctx.inside_string then
    local si = ctx.inside_string
    local before = toks[si - 1]
    if before and before.t == "name" and (before.v == "indicator" or before.v == "consensus") then
      return id_items(doc, before.v == "indicator" and "indicator" or "question", false)
    end
    if before and before.t == "name" and before.v == "report" then
      return words(require("qm.engine.reports").names(), KIND.module, false)
    end
    if before and before.v == "=" and toks[si - 2] and toks[si - 2].v == "status" then
      return words(require("qm.eval.indicator").statuses, KIND.enum, false)
    end
    return {}
  end
  local before = ctx.word and i - 1 or i
  local tb = ctx.tables[1]
  if tb and at_key(src, before) then
    local o = tb.owner
    if o.construct == "test" then
      local out = {}
      for n, f in ipairs(modeltest.case_fields) do out[#out + 1] = item(f, KIND.field, nil, nil, f .. " = ", ("1%03d"):format(n)) end
      for n, k in ipairs({ "indicator", "consensus", "report" }) do
        out[#out + 1] = item(k, KIND.class, k .. ' "id" { ... }', modeltest.expectations[k], nil, ("2%03d"):format(n))
      end
      return out
    end
    local keys = o.construct and modeltest.expectation_keys[o.construct]
    if keys then
      local have = src:fields_of(tb)
      local out = {}
      for n, k in ipairs(keys) do
        if not have[k] then out[#out + 1] = item(k, KIND.field, nil, nil, k .. " = ", ("%03d"):format(n)) end
      end
      return out
    end
    return {}
  end
  local b = toks[before]
  if b and b.v == "=" and toks[before - 1] and toks[before - 1].v == "status" then
    return words(require("qm.eval.indicator").statuses, KIND.enum, true)
  end
  if not tb then return words({ "test", "contains", "near" }, KIND.keyword, false) end
  return {}
end

-- Completion items at byte offset `offset` of src for document doc ({ elements = ... }).
function M.complete(src, offset, doc)
  if doc.path and doc.path:match("%.test%.lua$") then return complete_test(src, offset, doc) end
  local ctx = src:context(offset)
  local toks = src:tokens()
  local i = ctx.index
  local t = toks[i]
  -- inside a string: an enum value, an id
  if ctx.inside_string then
    local si = ctx.inside_string
    -- ["<id>"] = ... in a table keyed by ids
    if toks[si - 1] and toks[si - 1].v == "[" and ctx.tables[1] and ID_KEYED[ctx.tables[1].owner.field or ""] then
      return id_items(doc, true, false)
    end
    local name, _, in_list = value_field(src, ctx, si)
    if name then return value_items(doc, enclosing_construct(ctx), name, false, in_list) end
    return {}
  end
  -- the word being typed is replaced by the item: look at what comes before it
  local before = i
  if ctx.word then before = i - 1 end
  local b = toks[before]
  -- lib.<name>
  if b and b.v == "." and toks[before - 1] and toks[before - 1].t == "name" then
    local lib = toks[before - 1].v
    return rule_items(lib)
  end
  local tb = ctx.tables[1]
  if tb and at_key(src, before) then
    local o = tb.owner
    if o.construct and schema.constructs[o.construct] then return field_items(src, o.construct, tb) end
    if o.rule then return option_items(src, o.rule, o.name, tb) end
    -- a list that is a field's value: ids, enum values (in quotes)
    if o.field then
      local kind = enclosing_construct(ctx)
      return value_items(doc, kind, o.field, true, true)
    end
    return {}
  end
  -- after `field =`: the field's values
  if b and b.v == "=" and toks[before - 1] and toks[before - 1].t == "name" then
    local kind = enclosing_construct(ctx)
    return value_items(doc, kind, toks[before - 1].v, true, false)
  end
  if not tb then return top_items() end
  return {}
end

-- ---------------------------------------------------------------- hover

-- Hover text at byte offset of src: { text = markdown, s =, e = (the word's bytes) } or nil.
function M.hover(src, offset, doc)
  local ctx = src:context(offset + 1)   -- the character under the cursor
  if doc.path and doc.path:match("%.test%.lua$") then
    -- a test file: its own vocabulary
    local toks = src:tokens()
    local t = toks[ctx.index]
    if not t or t.t ~= "name" or offset < t.s or offset > t.e then return nil end
    local modeltest = require "qm.engine.modeltest"
    local text = modeltest.expectations[t.v]
    if text then return { text = ("**%s** `\"id\" { ... }` — %s"):format(t.v, text), s = t.s, e = t.e } end
    if t.v == "test" then return { text = "**test** `\"name\" { ... }` — a test case: " .. table.concat(modeltest.case_fields, ", ") ..
      ", and its expectations (docs/testing.md)", s = t.s, e = t.e } end
    return nil
  end
  local toks = src:tokens()
  local i = ctx.inside_string or ctx.index
  local t = toks[i]
  if not t or t.t == "eof" or offset < t.s or offset > t.e then return nil end
  local function result(text) return { text = text, s = t.s, e = t.e } end
  if t.t == "name" then
    local nxt, prv = toks[i + 1], toks[i - 1]
    -- a construct: theme "id" { ... }
    if nxt and nxt.t == "string" and schema.constructs[t.v] then return result(construct_doc(t.v)) end
    -- a rule library or constructor: consensus.median
    if nxt and nxt.v == "." and rules()[t.v] then
      local lib = rules()[t.v]
      local names = {}
      for _, c in ipairs(lib.constructors or {}) do names[#names + 1] = "`" .. c.name .. "`" end
      return result(("**%s** — %s\n\n%s"):format(t.v, lib.doc or "", table.concat(names, ", ")))
    end
    if prv and prv.v == "." and toks[i - 2] and rules()[toks[i - 2].v] then
      local lib = rules()[toks[i - 2].v]
      local c = lib.by_name and lib.by_name[t.v]
      if c then return result(rule_doc(toks[i - 2].v, c)) end
      return nil
    end
    -- a key: a field of the construct or a setting of the rule whose table it is in
    if nxt and nxt.v == "=" and ctx.tables[1] then
      local o = ctx.tables[1].owner
      if o.construct and schema.constructs[o.construct] then
        local f = schema.constructs[o.construct].by_name[t.v]
        if f then return result(field_doc(o.construct, f)) end
      elseif o.rule and rules()[o.rule] then
        local c = rules()[o.rule].by_name and rules()[o.rule].by_name[o.name]
        local opt = c and c.by_name and c.by_name[t.v]
        if opt then
          return result(("**%s** — setting of %s.%s (%s)\n\n%s"):format(t.v, o.rule, o.name, type_text(opt), opt.doc or ""))
        end
      end
    end
    return nil
  end
  if t.t == "string" then
    -- type = "completion": the kind and the columns it reads
    local name = value_field(src, ctx, i)
    if name == "type" then
      local kind = enclosing_construct(ctx)
      if kind == "indicator" then
        local d = kind_doc(t.v)
        if d then return result(d) end
      end
    end
    -- an id of the model's elements
    for _, e in ipairs(doc.elements or {}) do
      if e.id == t.v and (name and ID_FIELDS[name] or (toks[i - 1] and toks[i - 1].v == "[")) then
        return result(("**%s** `%s`%s"):format(e.kind, md_escape(e.id), e.title and (" — " .. md_escape(e.title)) or ""))
      end
    end
  end
  return nil
end

return M
