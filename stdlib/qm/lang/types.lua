-- types.lua — the vocabulary of value types a model's data is declared in: what a column
-- may hold, how one value is read from a file ("is '65,0' a number in a semicolon file?",
-- "is 'nej' a boolean?") and how one value from the database is checked. Imports parse with
-- it, a model's declared tables (`dataset`/`column`) name its types, and run-time checks of
-- what indicators read use the same functions, so every part of qm agrees on what a value
-- means. Declared as data: docs/import.md's table of types is tested against M.list.
--
--   types.parse(col, text, env) -> value to store (nil for a blank), or nil, message
--   types.check(col, v, env)    -> true, value as the engine uses it; or false, message
--   types.describe(col)         -> "a whole number 1-5" (for messages and docs)
--   types.sql(col)              -> the column's SQL type in a CREATE TABLE
-- col: { type = "integer", min =, max =, values = {...}, scale =, of =, required = }
-- env: { decimal = "," or "." (the file's decimal mark), model = the model (scales, elements) }
local M = {}

-- the only words a boolean column accepts (any case), and what they mean
M.boolean_words = {
  ["1"] = 1, ["0"] = 0, ja = 1, nej = 0, yes = 1, no = 0, ["true"] = 1, ["false"] = 0,
}
M.boolean_list = "1/0, ja/nej, yes/no, true/false"

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end
M.trim = trim

-- lower case, Danish letters included (string.lower knows only ASCII): "År" -> "år"
local upper_to_lower = { ["Æ"] = "æ", ["Ø"] = "ø", ["Å"] = "å", ["É"] = "é", ["Ä"] = "ä", ["Ö"] = "ö", ["Ü"] = "ü" }
function M.lower(s)
  return (s:lower():gsub("\195[\128-\159]", upper_to_lower))
end

local function fmt(n)
  if math.type(n) == "float" and n == math.floor(n) and math.abs(n) < 2^53 then return tostring(math.tointeger(n)) end
  return tostring(n)
end

-- ---------------------------------------------------------------- numbers

-- a number as written in a file: digits with an optional sign, decimal part and exponent.
-- With decimal = "," (semicolon and tab files, as Danish Excel writes them) "65,0" is 65.0;
-- "1.234" there is refused as ambiguous (a thousands separator?), other dot decimals read as
-- such. No thousands separators, hex, inf or nan.
local find, tointeger = string.find, math.tointeger
function M.number(text, decimal)
  if find(text, "^%d+$") then return tointeger(tonumber(text)) or tonumber(text) end   -- the common case
  local s = trim(text)
  if decimal == "," then
    if s:match("^[+-]?%d+,%d+$") then s = s:gsub(",", ".")
    elseif s:match("^[+-]?%d+%.%d%d%d$") then
      return nil, ("\"%s\" is ambiguous in a file with decimal commas: write %s for a whole number, or %s for a decimal")
        :format(s, (s:gsub("%.", "")), (s:gsub("%.", ",")))
    end
  end
  if not (s:match("^[+-]?%d+%.?%d*$") or s:match("^[+-]?%d*%.%d+$") or s:match("^[+-]?%d+%.?%d*[eE][+-]?%d+$")) then
    local hint = (decimal ~= "," and s:match("^[+-]?%d+,%d+$")) and " (a decimal comma is read in ; and tab files only; here write a dot)" or ""
    return nil, ("\"%s\" is not a number%s"):format(s, hint)
  end
  local n = tonumber(s)
  if n == nil or n ~= n or n == math.huge or n == -math.huge then return nil, ("\"%s\" is not a number"):format(s) end
  if s:find("[%.eE]") then n = n + 0.0 end
  return n
end

local function in_range(n, col)
  if col.min and n < col.min then return nil, ("%s is below the minimum %s"):format(fmt(n), fmt(col.min)) end
  if col.max and n > col.max then return nil, ("%s is above the maximum %s"):format(fmt(n), fmt(col.max)) end
  return n
end

local function whole(n, shown)
  local i = math.tointeger(n)
  if i == nil then return nil, ("%s is not a whole number"):format(shown or fmt(n)) end
  return i
end

-- ---------------------------------------------------------------- dates and periods

local function valid_date(y, m, d)
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 then return nil end
  local days = ({ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 })[m]
  if m == 2 and ((y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0) then days = 29 end
  if d > days then return nil end
  return ("%04d-%02d-%02d"):format(y, m, d)
end

-- "2016-10-01", or as Danish Excel writes dates: "01-10-2016", "1.10.2016", "1/10/2016"
-- (day first, four-digit year); the result is always YYYY-MM-DD
function M.date(text)
  local s = trim(text)
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d?)%-(%d%d?)$")
  if not y then d, m, y = s:match("^(%d%d?)[%-%./](%d%d?)[%-%./](%d%d%d%d)$") end
  if not y then
    return nil, ("\"%s\" is not a date (write YYYY-MM-DD, or DD-MM-YYYY as Danish Excel does)"):format(s)
  end
  local iso = valid_date(y, m, d)
  if not iso then return nil, ("\"%s\" is not a date in the calendar"):format(s) end
  return iso
end

-- a period: a year "2016", a month "2016-03", a quarter "2016-Q3" (or "2016-K3"), a half
-- "2016-H1"; the result is normalised (upper-case Q/H, K read as Q)
function M.period(text)
  local s = trim(text)
  if s:match("^%d%d%d%d$") then return s end
  local y, mo = s:match("^(%d%d%d%d)%-(%d%d)$")
  if y and tonumber(mo) >= 1 and tonumber(mo) <= 12 then return s end
  local y2, q = s:match("^(%d%d%d%d)%-[QqKk]([1-4])$")
  if y2 then return y2 .. "-Q" .. q end
  local y3, h = s:match("^(%d%d%d%d)%-[Hh]([12])$")
  if y3 then return y3 .. "-H" .. h end
  return nil, ("\"%s\" is not a period (a year 2016, a month 2016-03, a quarter 2016-Q3 or a half 2016-H1)"):format(s)
end

-- ---------------------------------------------------------------- the types

local function scale_of(col, env)
  local sc = col.scale
  if type(sc) == "string" then sc = env and env.model and type(env.model.scales) == "table" and env.model.scales[sc] end
  if sc == nil and env and env.model then sc = env.model.scale end
  return sc
end

local function element_of(col, v, env)
  local m = env and env.model
  if not m then return v end
  local e = m:find(v)
  if not e or (col.of and e.kind ~= col.of) then
    -- the one meant (traeningsaktiviteter: traening), and the questions when they are few
    local ids = {}
    if col.of == "question" and m.questions then
      for _, q in ipairs(m:questions()) do ids[#ids + 1] = q.id end
    end
    local hint = #ids > 0 and require("qm.lang.construct").did_you_mean(tostring(v), ids)
    if not hint then
      for _, id in ipairs(ids) do
        local a, b = tostring(v):lower(), id:lower()
        if #b >= 4 and (a:sub(1, #b) == b or b:sub(1, #a) == a) then hint = id break end
      end
    end
    return nil, ("\"%s\" is not %s of model %s%s%s"):format(v, col.of and ("a " .. col.of) or "an element", m.id,
      hint and (" (did you mean \"" .. hint .. "\"?)") or "",
      #ids > 0 and #ids <= 12 and (" (its questions: " .. table.concat(ids, ", ") .. ")") or "")
  end
  return e.id
end

local function enum_of(col, v)
  for _, x in ipairs(col.values or {}) do if x == v then return x end end
  local low = M.lower(v)
  for _, x in ipairs(col.values or {}) do if M.lower(x) == low then return x end end
  return nil, ("\"%s\" is not one of %s"):format(v, table.concat(col.values or {}, ", "))
end

-- Each type: name, sql (the column type qm creates), doc, options (the column fields it
-- reads), examples (accepted text), parse(text, col, env) for a non-blank text from a file,
-- check(v, col, env) for a non-null value from the database.
M.list = {
  { name = "text", sql = "TEXT", options = {},
    doc = "any text (a file's text must be UTF-8)", examples = { "Hansen, Ole" },
    parse = function(s) return s end,
    check = function(v)
      if type(v) == "string" then return v end
      if type(v) == "number" then return fmt(v) end
      return nil, "is not text"
    end },
  { name = "integer", sql = "INTEGER", options = { "min", "max" },
    doc = "a whole number (3, -2; 3,0 and 3.0 are 3); min and max bound it",
    examples = { "3", "-2", "3,0" },
    parse = function(s, col, env)
      local n, err = M.number(s, env and env.decimal)
      if not n then return nil, err end
      local i, e2 = whole(n, trim(s))
      if not i then return nil, e2 end
      return in_range(i, col)
    end,
    check = function(v, col)
      local n = type(v) == "number" and v or (type(v) == "string" and M.number(v, "."))
      if not n then return nil, ("\"%s\" is not a whole number"):format(tostring(v)) end
      local i, err = whole(n)
      if not i then return nil, err end
      return in_range(i, col)
    end },
  { name = "number", sql = "REAL", options = { "min", "max" },
    doc = "a number (65.5; 65,5 in semicolon and tab files, as Danish Excel writes it); min and max bound it",
    examples = { "65.5", "65,5", "-1e3" },
    parse = function(s, col, env)
      local n, err = M.number(s, env and env.decimal)
      if not n then return nil, err end
      return in_range(n, col)
    end,
    check = function(v, col)
      local n = type(v) == "number" and v or (type(v) == "string" and M.number(v, "."))
      if not n then return nil, ("\"%s\" is not a number"):format(tostring(v)) end
      return in_range(n, col)
    end },
  { name = "boolean", sql = "INTEGER", options = {},
    doc = "yes or no, stored as 1 or 0: exactly " .. M.boolean_list .. " (any case); nothing else",
    examples = { "1", "0", "ja", "Nej", "yes", "FALSE" },
    parse = function(s)
      local b = M.boolean_words[trim(s):lower()]
      if b == nil then return nil, ("\"%s\" is not a yes/no value (%s)"):format(trim(s), M.boolean_list) end
      return b
    end,
    check = function(v)
      if v == 1 or v == 0 then return math.tointeger(v) end
      if v == true then return 1 elseif v == false then return 0 end
      local b = type(v) == "string" and M.boolean_words[trim(v):lower()] or nil
      if b == nil then return nil, ("\"%s\" is not a yes/no value (%s)"):format(tostring(v), M.boolean_list) end
      return b
    end },
  { name = "date", sql = "TEXT", options = {},
    doc = "a calendar date, stored YYYY-MM-DD; a file may also write it day first as Danish Excel does (01-10-2016, 1.10.2016, 1/10/2016)",
    examples = { "2016-10-01", "01-10-2016", "1.10.2016" },
    parse = function(s) return M.date(s) end,
    check = function(v)
      if type(v) ~= "string" or not v:match("^%d%d%d%d%-%d%d%-%d%d$") or not valid_date(v:sub(1, 4), v:sub(6, 7), v:sub(9, 10)) then
        return nil, ("\"%s\" is not a date YYYY-MM-DD"):format(tostring(v))
      end
      return v
    end },
  { name = "done", sql = "", options = {},
    doc = "whether (and when) something was done: a date (done that day, stored YYYY-MM-DD) or a yes/no (" ..
      M.boolean_list .. ", stored 1/0); blank = not done",
    examples = { "2016-09-28", "ja", "0" },
    parse = function(s)
      local d = M.date(s)
      if d then return d end
      local b = M.boolean_words[trim(s):lower()]
      if b ~= nil then return b end
      return nil, ("\"%s\" is neither a date nor a yes/no value (%s)"):format(trim(s), M.boolean_list)
    end,
    check = function(v)
      if v == 1 or v == 0 then return math.tointeger(v) end
      if v == true then return 1 elseif v == false then return 0 end
      if type(v) == "string" then
        if v:match("^%d%d%d%d%-%d%d%-%d%d$") and valid_date(v:sub(1, 4), v:sub(6, 7), v:sub(9, 10)) then return v end
        local b = M.boolean_words[trim(v):lower()]
        if b ~= nil then return b end
      end
      return nil, ("\"%s\" is neither a date YYYY-MM-DD nor a yes/no value (%s)"):format(tostring(v), M.boolean_list)
    end },
  { name = "period", sql = "TEXT", options = {},
    doc = "a year (2016), month (2016-03), quarter (2016-Q3; 2016-K3 is read as Q3) or half (2016-H1)",
    examples = { "2016", "2016-03", "2016-Q3", "2016-H1" },
    parse = function(s) return M.period(s) end,
    check = function(v)
      local p, err = M.period(tostring(v))
      if not p or p ~= tostring(v) then return nil, err or ("\"%s\" is not a period in its stored form"):format(tostring(v)) end
      return p
    end },
  { name = "enum", sql = "TEXT", options = { "values" },
    doc = "one of the column's values (a different case is read as the declared spelling)",
    examples = { "nået" },
    parse = function(s, col) return enum_of(col, trim(s)) end,
    check = function(v, col)
      for _, x in ipairs(col.values or {}) do if x == v then return x end end
      return nil, ("\"%s\" is not one of %s"):format(tostring(v), table.concat(col.values or {}, ", "))
    end },
  { name = "scale", sql = "NUMERIC", options = { "scale" },
    doc = "a score on a scale: the column's scale (a scale, or the name of one in the model's scales) or else the model's; 0 and 6 are refused on a 1-5 scale",
    examples = { "3", "65,0" },
    parse = function(s, col, env)
      local sc = scale_of(col, env)
      if not sc then return nil, "the column has no scale (give the column or the model a scale)" end
      local n, err = M.number(s, env and env.decimal)
      if not n then return nil, err end
      local v, msg = sc:check(n)
      if v == nil or type(v) ~= "number" then return nil, msg or ("%s is not a score"):format(fmt(n)) end
      return v
    end,
    check = function(v, col, env)
      local sc = scale_of(col, env)
      if not sc then return nil, "the column has no scale" end
      local n = type(v) == "number" and v or (type(v) == "string" and M.number(v, "."))
      if not n then return nil, ("\"%s\" is not a number"):format(tostring(v)) end
      local x, msg = sc:check(n)
      if x == nil or type(x) ~= "number" then return nil, msg or "is not a score" end
      return x
    end },
  { name = "element", sql = "TEXT", options = { "of" },
    doc = "the id (or an alias) of an element of the model — with of, of a question, indicator or theme; stored as the id",
    examples = { "motivation", "1.1" },
    parse = function(s, col, env) return element_of(col, trim(s), env) end,
    check = function(v, col, env)
      if type(v) ~= "string" and type(v) ~= "number" then return nil, "is not an id" end
      return element_of(col, tostring(v), env)
    end },
}

M.by_name, M.names = {}, {}
for _, t in ipairs(M.list) do
  M.by_name[t.name] = t
  M.names[#M.names + 1] = t.name
end

local function type_of(col)
  local t = M.by_name[col.type or "text"]
  if not t then error(("unknown column type \"%s\" (types: %s)"):format(tostring(col.type), table.concat(M.names, ", ")), 3) end
  return t
end

local function blank(text)
  if text == nil or text == "" then return true end
  local b = text:byte(1)
  if b > 32 and text:byte(-1) > 32 then return false end
  return text:match("^%s*$") ~= nil
end
M.blank = blank

-- parse(col, text, env): a value from a file. A blank is nil (NULL), or an error when the
-- column is required.
function M.parse(col, text, env)
  local t = type_of(col)
  if blank(text) then
    if col.required then return nil, "missing (the column is required)" end
    return nil
  end
  return t.parse(text, col, env)
end

-- parser(col, env) -> function(text) -> value or nil, message: parse for one column, with
-- the type looked up once (an import calls it for every value of the column)
function M.parser(col, env)
  local t = type_of(col)
  local parse, required = t.parse, col.required
  if t.name == "text" then
    return function(text)
      if blank(text) then
        if required then return nil, "missing (the column is required)" end
        return nil
      end
      return text
    end
  end
  if t.name == "boolean" then
    local words = M.boolean_words
    return function(text)
      local b = words[text]
      if b ~= nil then return b end
      if blank(text) then
        if required then return nil, "missing (the column is required)" end
        return nil
      end
      return parse(text, col, env)
    end
  end
  return function(text)
    if blank(text) then
      if required then return nil, "missing (the column is required)" end
      return nil
    end
    return parse(text, col, env)
  end
end

-- check(col, v, env): a value from the database (nil or null for NULL) -> true, the value
-- as the engine uses it; or false, message
function M.check(col, v, env)
  local t = type_of(col)
  -- NULL is nil or the database's null (a userdata); a table or function a data function
  -- gave is no value at all, never NULL ("no data" would hide it)
  if v == nil or type(v) == "userdata" then
    if col.required then return false, "missing (the column is required)" end
    return true, nil
  end
  if type(v) ~= "string" and type(v) ~= "number" and type(v) ~= "boolean" then
    return false, ("a Lua %s is not a value"):format(type(v))
  end
  local x, msg = t.check(v, col, env)
  if x == nil then return false, msg end
  return true, x
end

-- "a whole number 1-5", "one of nået, godt på vej", ... for messages and docs
function M.describe(col, env)
  local t = type_of(col)
  local name = t.name
  if name == "integer" or name == "number" then
    local what = name == "integer" and "a whole number" or "a number"
    if col.min and col.max then return ("%s %s-%s"):format(what, fmt(col.min), fmt(col.max)) end
    if col.min then return ("%s from %s"):format(what, fmt(col.min)) end
    if col.max then return ("%s up to %s"):format(what, fmt(col.max)) end
    return what
  elseif name == "enum" then return "one of " .. table.concat(col.values or {}, ", ")
  elseif name == "scale" then
    local sc = scale_of(col, env)
    return sc and ("a score on the scale " .. sc:describe()) or "a score on the model's scale"
  elseif name == "element" then return col.of and ("the id of a " .. col.of) or "the id of an element"
  elseif name == "boolean" then return "yes/no (" .. M.boolean_list .. ")"
  elseif name == "date" then return "a date"
  elseif name == "done" then return "a date or yes/no"
  elseif name == "period" then return "a period (2016, 2016-03, 2016-Q3, 2016-H1)"
  end
  return "text"
end

-- the SQL type of a column qm creates (a `done` column has none, so 1/0 and dates keep theirs)
function M.sql(col) return type_of(col).sql end

-- the decimal mark of a file with this delimiter: "," for ; and tab (Danish Excel), else "."
function M.decimal_of(delimiter)
  return (delimiter == ";" or delimiter == "\t") and "," or "."
end

return M
