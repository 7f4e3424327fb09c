-- i18n.lua — the reports' words in one language. Every label, status word, sentence and unit a
-- bundled report writes comes from a message catalogue: one data file per language,
-- stdlib/qm/reports/catalogue/<lang>.lua (docs/reports.md, "Language"). A catalogue holds
--   messages: key -> text with {placeholders}, or { one = ..., other = ... } for plural forms
--             (chosen by the argument n); {x} writes the argument x, {x:1} a number with at
--             most 1 decimal, {x:%} a share (0.62) as a percent, {x:date} a date in prose
--   number:   the decimal mark and the thousands separator; months: the months' names
-- L = i18n.new("da") gives the words of a language: L("key", {args}), L:num(v), L:pct(v),
-- L:date(d), L:status(s), L:reason(text). Texts the engine's rules write in English (an
-- indicator's reason, a consensus flag, a prioritisation's reason) are read back through
-- the "reason.*" templates of the English catalogue and written with the same key of the
-- report's language (L:reason); a model's own texts (titles, question texts, comments) are
-- never translated.
local host = require "qm.host"

local M = {}

M.default = "da"

-- the languages there are: one catalogue module each (qm.reports.catalogue.<lang>); the
-- stdlib's modules do not change while qm runs, so they are looked for once
local known
local function known_languages()
  if known then return known end
  known = { list = {}, set = {} }
  for _, name in ipairs(host.modules()) do
    local lang = name:match("^qm%.reports%.catalogue%.([%w_]+)$")
    if lang then known.list[#known.list + 1] = lang; known.set[lang] = true end
  end
  table.sort(known.list)
  return known
end

function M.languages()
  return table.move(known_languages().list, 1, #known_languages().list, 1, {})
end

function M.catalogue(lang)
  if lang ~= nil and known_languages().set[lang] then return require("qm.reports.catalogue." .. lang) end
  return nil
end

-- ---------------------------------------------------------------- numbers

-- a number as text: at most `decimals` decimals (default 2), trailing zeros dropped, the
-- language's decimal mark and its thousands separator, digits grouped by threes from five
-- digits up (4500, 12.345: a four-digit number, a year above all, is written without one; a
-- language without a separator, English, writes none); "-0" is "0"; fixed = true keeps the
-- zeros. The formatting is qm.numtext's (engine/numtext.c): the steps it documents are this
-- function's old Lua (format, gsubs, a match and the grouping), done without a string per step.
local fixed_text = require("qm.numtext").fixed
local function number(cat, v, decimals, fixed)
  if v == nil or v ~= v then return nil end
  -- the common case, a small whole number, without any work (a streamed table writes many)
  if math.type(v) == "integer" and v > -10000 and v < 10000 then return tostring(v) end
  if v == math.huge then return "∞" elseif v == -math.huge then return "-∞" end
  return fixed_text(v, decimals or 2, not fixed, cat.number.decimal, cat.number.group)
end

-- ---------------------------------------------------------------- messages

-- a message's text as its pieces, parsed once: literal text, and for each {name:spec} a
-- { name, spec, the placeholder as written } (a message is filled many times in a report)
local PLACEHOLDER = "{([%w_]+):?([%w%%]*)}"
local parsed, nparsed = {}, 0
local function pieces(text)
  local p = parsed[text]
  if p then return p end
  p = {}
  local pos = 1
  while true do
    local s, e, name, spec = text:find(PLACEHOLDER, pos)
    if not s then break end
    if s > pos then p[#p + 1] = text:sub(pos, s - 1) end
    p[#p + 1] = { name, spec, text:sub(s, e) }
    pos = e + 1
  end
  if pos <= #text then p[#p + 1] = text:sub(pos) end
  if nparsed < 4096 then parsed[text] = p; nparsed = nparsed + 1 end   -- the catalogues' texts, bounded
  return p
end

-- the text with its placeholders filled from args: {x} the value, {x:1} a number with at most
-- 1 decimal, {x:%} a percent, {x:date} a date; a placeholder whose value gives no text (NaN)
-- stays as written
local function fill(L, text, args, key)
  local p = pieces(text)
  if #p == 1 and type(p[1]) == "string" then return text end
  if #p == 0 then return text end
  local out = {}
  for i, piece in ipairs(p) do
    if type(piece) == "string" then out[i] = piece
    else
      local name, spec = piece[1], piece[2]
      local v = args and args[name]
      if v == nil then
        error(("message %q (%s) has no value for {%s}"):format(key, L.lang, name), 2)
      end
      local r
      if spec == "%" then r = L:pct(v)
      elseif spec == "date" then r = L:date(v)
      elseif type(v) == "number" then r = L:num(v, tonumber(spec))
      else r = tostring(v) end
      out[i] = r or piece[3]
    end
  end
  return table.concat(out)
end
M.fill = fill

local Words = {}
Words.__index = Words

-- L(key, args): the message in this language with its placeholders filled
Words.__call = function(L, key, args)
  local text = L.messages[key]
  if text == nil then error(("no message %q in the catalogue %q"):format(tostring(key), L.lang), 2) end
  if type(text) == "table" then
    local n = args and args.n
    if type(n) ~= "number" then error(("message %q needs a count n"):format(key), 2) end
    text = L.plural(n) == "one" and text.one or text.other
  end
  return fill(L, text, args, key)
end

function Words:has(key) return self.messages[key] ~= nil end

function Words:num(v, decimals, fixed) return number(self.cat, v, decimals, fixed) end

-- a share (0.62) as a percent, "62 %" or "62%" as the language writes it
function Words:pct(share, decimals)
  if share == nil or share ~= share then return nil end
  return (self.cat.percent or "{n}%"):gsub("{n}", number(self.cat, share * 100, decimals or 0))
end

-- a date (a qm date or "YYYY-MM-DD...") in prose: "1. oktober 2016", "1 October 2016";
-- anything else is written as it is
function Words:date(d)
  local s = tostring(d)
  local y, m, day = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return s end
  return (self.cat.date:gsub("{(%w+)}", { d = tostring(tonumber(day)), month = self.cat.months[tonumber(m)], y = y }))
end

function Words:month(m) return self.cat.months[m] end

-- a status word: the engine's status keys (achieved, on track, ...) and plan statuses
function Words:status(s)
  if s == nil then return nil end
  local key = "status." .. tostring(s):gsub(" ", "_")
  if self.messages[key] then return self(key) end
  return tostring(s)
end

function Words:panel(p)
  local key = "scale.panel." .. tostring(p)
  if self.messages[key] then return self(key) end
  return tostring(p)
end

-- a scale as people read it: "0-100 i trin af 5", "ja/nej", ... (qm.rules.scale)
function Words:scale(s)
  if s == nil then return nil end
  local function n(v) return self:num(v, 2) end
  local k = s.kind
  if k == "points" or k == "ordinal" or k == "caf_classic" then
    local text = (s.step and s.step ~= 1) and self("scale.range_step", { min = n(s.min), max = n(s.max), step = n(s.step) })
      or self("scale.range", { min = n(s.min), max = n(s.max) })
    if k == "caf_classic" then text = self("scale.caf_classic", { panel = self:panel(s.panel), range = text }) end
    return text
  elseif k == "caf_fine" then return self("scale.caf_fine", { panel = self:panel(s.panel), parts = table.concat(s.parts, ", ") })
  elseif k == "yesno" then return self(s.allow_na and "scale.yesno_na" or "scale.yesno")
  elseif k == "percent" or k == "count" or k == "text" then return self("scale." .. k)
  end
  return tostring(k)
end

-- ---------------------------------------------------------------- reasons

-- The templates that read a rule's text: the English catalogue's "reason.*" and "value.*"
-- messages (the rules write English) and the Danish catalogue's "period.*" (the engine labels
-- periods in Danish: "3. kvartal 2016"), compiled to patterns once. {x} captures any text,
-- {x:n} a number, {x:date} a date, {x:%} a percent, {x:p} a phrase that is itself read again
-- (a nested reason, a status word, a period, a date), {x:l} a list of such phrases.
-- Templates with more literal text are tried first, so "due {date}; open: {list}" wins over
-- "due {date}", and a template that wraps another text ("{reason:p} (shared with {id})")
-- before all of them.
local compiled
local CAPTURE = { n = "(%-?%d[%d%.]*)", ["%"] = "(%-?%d[%d%.]*)%%", date = "(%d%d%d%d%-%d%d%-%d%d)" }

local function compile_text(key, text, out)
  local names, specs, pat, literal = {}, {}, {}, 0
  local pos = 1
  while true do
    local s, e, name, spec = text:find("{([%w_]+):?([%w%%]*)}", pos)
    local lit = s and text:sub(pos, s - 1) or text:sub(pos)
    literal = literal + #lit
    pat[#pat + 1] = (lit:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
    if not s then break end
    names[#names + 1], specs[#specs + 1] = name, spec
    pat[#pat + 1] = CAPTURE[spec] or "(.-)"
    pos = e + 1
  end
  -- a template that starts with a phrase ("{reason:p} (shared with {id})") wraps another
  -- rule's text: it is tried before the texts it may wrap
  local wraps = text:match("^{[%w_]+:p}") ~= nil
  out[#out + 1] = { key = key, pattern = "^" .. table.concat(pat) .. "$", names = names, specs = specs, literal = literal,
                    wraps = wraps }
end

local function compile()
  if compiled then return compiled end
  compiled = {}
  for _, src in ipairs { { "en", "^reason%." }, { "en", "^value%." }, { "da", "^period%." } } do
    for key, msg in pairs(M.catalogue(src[1]).messages) do
      if key:match(src[2]) then
        if type(msg) == "table" then compile_text(key, msg.one, compiled); compile_text(key, msg.other, compiled)
        else compile_text(key, msg, compiled) end
      end
    end
  end
  table.sort(compiled, function(a, b)
    if a.wraps ~= b.wraps then return a.wraps end
    if a.literal ~= b.literal then return a.literal > b.literal end
    if a.key ~= b.key then return a.key < b.key end
    return a.pattern < b.pattern
  end)
  return compiled
end
M.templates = compile

-- L:reason(text): a text a rule wrote (in English; a period label in Danish), in this
-- language: numbers with its decimal mark, dates in prose, words from the catalogue. A
-- text no template reads is returned as it is (tests/engine/test_i18n.lua renders every
-- bundled report in both languages and fails on English left in Danish, and the reverse).
function Words:reason(text, depth)
  if text == nil then return nil end
  text = tostring(text)
  if text == "" then return text end
  depth = depth or 0
  if depth > 6 then return text end
  if text:match("^%-?%d+%.?%d*$") then return self:num(tonumber(text), 2) end
  if text:match("^%d%d%d%d%-%d%d%-%d%d$") then return self:date(text) end
  for _, c in ipairs(compile()) do
    local caps = { text:match(c.pattern) }
    if caps[1] ~= nil or (#c.names == 0 and text:match(c.pattern)) then
      local args = {}
      for i, name in ipairs(c.names) do
        local v, spec = caps[i], c.specs[i]
        if spec == "n" then args[name] = tonumber(v) or v
        elseif spec == "%" then args[name] = (tonumber(v) or 0) / 100
        elseif spec == "p" then args[name] = self:reason(v, depth + 1)
        elseif spec == "l" then
          -- a list "a, b (3), c": each item read again, a count in brackets kept
          local items = {}
          for item in (v .. ", "):gmatch("(.-), ") do
            local what, count = item:match("^(.-) %((%-?%d+)%)$")
            items[#items + 1] = what and (self:reason(what, depth + 1) .. " (" .. count .. ")") or self:reason(item, depth + 1)
          end
          args[name] = table.concat(items, ", ")
        else args[name] = v end
      end
      local out = self.messages[c.key]
      if type(out) == "table" then out = self.plural(tonumber(args.n) or 0) == "one" and out.one or out.other end
      return (out:gsub("{([%w_]+):?([%w%%]*)}", function(name, spec)
        local v = args[name]
        if v == nil then return "" end
        if spec == "%" then return self:pct(v, 1) end
        if spec == "date" then return self:date(v) end
        if type(v) == "number" then return self:num(v, tonumber(spec) or 2) end
        return tostring(v)
      end))
    end
  end
  -- a status word on its own
  return self:status(text)
end

-- ---------------------------------------------------------------- the words of a run

local function plural_rule(cat)
  return cat.plural or function(n) return n == 1 and "one" or "other" end
end

-- i18n.new(lang, overrides): the words of a language; overrides (a model's `wording` for
-- this language) replace single messages
function M.new(lang, overrides)
  lang = lang or M.default
  local cat = M.catalogue(lang)
  if not cat then
    error(("no report language %q (languages: %s)"):format(tostring(lang), table.concat(M.languages(), ", ")), 2)
  end
  local messages = cat.messages
  if overrides and next(overrides) then
    messages = setmetatable({}, { __index = cat.messages })
    for k, v in pairs(overrides) do messages[k] = v end
  end
  return setmetatable({ lang = lang, cat = cat, messages = messages, plural = plural_rule(cat),
                        decimal = cat.number.decimal }, Words)
end

-- ---------------------------------------------------------------- a model's own wording

local function placeholders(text)
  local out = {}
  for _, t in ipairs(type(text) == "table" and { text.one or "", text.other or "" } or { text }) do
    for name in tostring(t):gmatch("{([%w_]+)") do out[name] = true end
  end
  return out
end

local function nearest(word, names)
  local best, bd
  local dist = require("qm.lang.schema").distance
  for _, n in ipairs(names) do
    local d = dist(word, n)
    if d <= math.max(2, #word // 4) and (bd == nil or d < bd) then best, bd = n, d end
  end
  return best
end

-- the problems of a model's `wording = { da = { key = text }, en = {...} }`: a language or a
-- key the catalogue does not have (with "did you mean"), a text that is not a string (or a
-- { one =, other = } pair where the catalogue has plural forms), or a {placeholder} the
-- catalogue's message does not fill. Returns a list of messages.
function M.wording_problems(w)
  local out = {}
  if w == nil then return out end
  if type(w) ~= "table" then return { "wording must be a table: { da = { [\"key\"] = \"text\" }, en = { ... } }" } end
  local langs = M.languages()
  local lang_list = {}
  for l in pairs(w) do lang_list[#lang_list + 1] = l end
  table.sort(lang_list, function(a, b) return tostring(a) < tostring(b) end)
  for _, lang in ipairs(lang_list) do
    local words = w[lang]
    local cat = type(lang) == "string" and M.catalogue(lang) or nil
    if not cat then
      local hint = type(lang) == "string" and nearest(lang, langs) or nil
      out[#out + 1] = ("wording: no report language %q%s (languages: %s)"):format(tostring(lang),
        hint and (" (did you mean \"" .. hint .. "\"?)") or "", table.concat(langs, ", "))
    elseif type(words) ~= "table" then
      out[#out + 1] = ("wording.%s must be a table of { [\"key\"] = \"text\" }"):format(lang)
    else
      local names = {}
      for k in pairs(cat.messages) do names[#names + 1] = k end
      table.sort(names)
      local keys = {}
      for k in pairs(words) do keys[#keys + 1] = k end
      table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
      for _, key in ipairs(keys) do
        local text, orig = words[key], cat.messages[key]
        if orig == nil then
          local hint = type(key) == "string" and nearest(key, names) or nil
          out[#out + 1] = ("wording.%s: no message %q in the report catalogue%s"):format(lang,
            tostring(key), hint and (" (did you mean \"" .. hint .. "\"?)") or "")
        elseif type(orig) == "table" and not (type(text) == "table" and type(text.one) == "string" and type(text.other) == "string") then
          out[#out + 1] = ("wording.%s[%q]: give the singular and plural forms, { one = \"...\", other = \"...\" }"):format(lang, key)
        elseif type(orig) == "string" and type(text) ~= "string" then
          out[#out + 1] = ("wording.%s[%q] must be a string"):format(lang, key)
        else
          local have = placeholders(orig)
          local unknown = {}
          for name in pairs(placeholders(text)) do if not have[name] then unknown[#unknown + 1] = "{" .. name .. "}" end end
          table.sort(unknown)
          if #unknown > 0 then
            local known = {}
            for name in pairs(have) do known[#known + 1] = "{" .. name .. "}" end
            table.sort(known)
            out[#out + 1] = ("wording.%s[%q]: %s is not filled by this message (it has %s)"):format(lang, key,
              table.concat(unknown, ", "), #known > 0 and table.concat(known, ", ") or "no placeholders")
          end
        end
      end
    end
  end
  return out
end

-- qm check: the model's wording problems, at the model's line
function M.check_model(ctx, m)
  local construct = require "qm.lang.construct"
  for _, msg in ipairs(M.wording_problems(m.wording)) do
    construct.problem(ctx, "error", m.where, ("model \"%s\": %s"):format(m.id, msg))
  end
end

-- the words of a run: --lang (default da), with the model's `wording` for that language
function M.of(ctx, m)
  local lang = ctx and ctx.opts and ctx.opts.lang or M.default
  if not M.catalogue(lang) then
    require("qm.engine.cli").usage_error(("--lang %s: no such report language (use %s)")
      :format(tostring(lang), table.concat(M.languages(), " or ")))
  end
  local w = m and m.wording
  if w ~= nil then
    local problems = M.wording_problems(w)
    if #problems > 0 then
      local host_ = require "qm.host"
      host_.raise(host_.exit.model, ("%s: model \"%s\": %s"):format(m.where or "?", m.id, problems[1]), 0)
    end
  end
  return M.new(lang, type(w) == "table" and w[lang] or nil)
end

return M

