-- json.lua — deterministic JSON for machine output: object keys sorted (or in the order a
-- table declares with json.object), integers stay integers, floats unrounded (the shortest
-- text that reads back as the same number), null sentinel -> null, NaN/inf -> null. Also a strict decoder for tests and imports.
local M = {}

local ORDER = setmetatable({}, { __mode = "k" })   -- table -> key order
local ARRAY = setmetatable({}, { __mode = "k" })   -- tables that are arrays even when empty
local STREAM = setmetatable({}, { __mode = "k" })  -- table -> function returning an iterator

-- Mark t as an object whose keys come out in `keys` order (other keys follow, sorted).
function M.object(t, keys)
  ORDER[t] = keys
  return t
end

-- Mark t as an array (so an empty table encodes as [] rather than {}).
function M.array(t)
  t = t or {}
  ARRAY[t] = true
  return t
end

-- An array whose elements come from an iterator, made when the value is encoded: a long
-- list written with json.write never has to be in memory at once. `open` returns the
-- iterator (a function giving the next element, nil at the end); it is called once per
-- encoding.
function M.stream(open)
  assert(type(open) == "function", "json.stream needs a function that returns an iterator")
  local t = {}
  STREAM[t] = open
  return t
end

local escapes = { ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
                  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }

local function escape_char(c)
  return escapes[c] or ("\\u%04x"):format(c:byte())
end

local function quote(s)
  if not s:find('[%c"\\]') then return '"' .. s .. '"' end   -- most texts: nothing to escape
  return '"' .. s:gsub('[%c"\\]', escape_char) .. '"'
end
M.quote = quote

local function is_array(t)
  if ARRAY[t] then return true end
  local n = #t
  if n == 0 then return false end
  local count = 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 or k > n then return false end
    count = count + 1
  end
  return count == n
end

local function number(v)
  if math.type(v) == "integer" then return tostring(v) end
  if v ~= v or v == math.huge or v == -math.huge then return "null" end
  if v == math.floor(v) and math.abs(v) < 2^53 then return ("%.1f"):format(v) end
  -- unrounded: the shortest text that reads back as the same number
  for prec = 15, 16 do
    local t = ("%." .. prec .. "g"):format(v)
    if tonumber(t) == v then return t end
  end
  return ("%.17g"):format(v)
end

local function key_order(a, b)
  if type(a) == type(b) then return a < b end
  return type(a) == "number"
end

local function sorted_keys(t)
  local keys, order, seen = {}, ORDER[t], {}
  if order then
    for _, k in ipairs(order) do
      if t[k] ~= nil then keys[#keys + 1] = k; seen[k] = true end
    end
  end
  local rest = {}
  for k in pairs(t) do
    if not seen[k] then rest[#rest + 1] = k end
  end
  if #rest > 1 then table.sort(rest, key_order) end
  for _, k in ipairs(rest) do keys[#keys + 1] = k end
  return keys
end

-- out collects pieces; with a sink (json.write) it is flushed every FLUSH pieces
local FLUSH = 4096
local function flush(out)
  if out.sink and #out >= FLUSH then
    out.sink(table.concat(out))
    for i = #out, 1, -1 do out[i] = nil end
  end
end

local encode

local function encode_stream(open, indent, depth, out, seen)
  local nl = indent and ("\n" .. indent:rep(depth + 1)) or ""
  local close = indent and ("\n" .. indent:rep(depth)) or ""
  local n = 0
  for item in open() do
    n = n + 1
    out[#out + 1] = (n > 1 and "," or "[") .. nl
    encode(item, indent, depth + 1, out, seen)
    flush(out)
  end
  out[#out + 1] = n == 0 and "[]" or (close .. "]")
end

function encode(v, indent, depth, out, seen)
  local tv = type(v)
  if v == nil then out[#out + 1] = "null"
  elseif tv == "boolean" then out[#out + 1] = tostring(v)
  elseif tv == "number" then out[#out + 1] = number(v)
  elseif tv == "string" then out[#out + 1] = quote(v)
  elseif tv == "table" then
    if STREAM[v] then return encode_stream(STREAM[v], indent, depth, out, seen) end
    if seen[v] then error("json: cannot encode a table that contains itself", 0) end
    seen[v] = true
    local nl = indent and ("\n" .. indent:rep(depth + 1)) or ""
    local close = indent and ("\n" .. indent:rep(depth)) or ""
    local sep = indent and ": " or ":"
    if is_array(v) then
      if #v == 0 then out[#out + 1] = "[]" else
        out[#out + 1] = "["
        for i = 1, #v do
          out[#out + 1] = (i > 1 and "," or "") .. nl
          encode(v[i], indent, depth + 1, out, seen)
          flush(out)
        end
        out[#out + 1] = close .. "]"
      end
    else
      local keys = sorted_keys(v)
      if #keys == 0 then out[#out + 1] = "{}" else
        out[#out + 1] = "{"
        for i, k in ipairs(keys) do
          out[#out + 1] = (i > 1 and "," or "") .. nl .. quote(tostring(k)) .. sep
          encode(v[k], indent, depth + 1, out, seen)
        end
        out[#out + 1] = close .. "}"
      end
    end
    seen[v] = nil
  elseif tostring(v) == "null" then out[#out + 1] = "null"  -- the db/yaml null sentinel
  else
    error("json: cannot encode a " .. tv .. " value", 0)
  end
end

-- json.encode(value [, {indent = "  "}]) -> string
function M.encode(v, opts)
  local out = {}
  encode(v, opts and opts.indent, 0, out, {})
  return table.concat(out)
end

-- json.write(value, opts, sink): the same text, handed to sink(string) in pieces as it is
-- made, so streamed arrays (json.stream) are written without being collected
function M.write(v, opts, sink)
  local out = { sink = sink }
  encode(v, opts and opts.indent, 0, out, {})
  out.sink = nil
  if #out > 0 then sink(table.concat(out)) end
end

-- ---------------------------------------------------------------- decoding

local function decode_error(s, pos, what)
  local line = select(2, s:sub(1, pos):gsub("\n", "")) + 1
  error(("json: line %d: %s"):format(line, what), 0)
end

local decode_value

local function skip(s, pos)
  local b = s:byte(pos)   -- most values follow their ',' or ':' at once (and nil: the end)
  if b ~= 32 and b ~= 9 and b ~= 13 and b ~= 10 then return b and pos or #s + 1 end
  return s:find("[^ \t\r\n]", pos) or #s + 1
end

local ESCAPES = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ["\\"] = "\\", ["/"] = "/" }

-- the string starting at pos (its opening quote); runs without escapes are taken whole
local function decode_string(s, pos)
  local out, i = nil, pos + 1
  while true do
    local j = s:find('["\\]', i)
    if not j then decode_error(s, #s + 1, "unterminated string") end
    if s:byte(j) == 34 then   -- the closing quote
      if not out then return s:sub(i, j - 1), j + 1 end
      out[#out + 1] = s:sub(i, j - 1)
      return table.concat(out), j + 1
    end
    out = out or {}
    out[#out + 1] = s:sub(i, j - 1)
    i = j
    local e = s:sub(i + 1, i + 1)
    if ESCAPES[e] then out[#out + 1] = ESCAPES[e]; i = i + 2
    elseif e == "u" then
      local hex = s:sub(i + 2, i + 5)
      if not hex:match("^%x%x%x%x$") then decode_error(s, i, "bad \\u escape") end
      local cp = tonumber(hex, 16)
      i = i + 6
      if cp >= 0xD800 and cp <= 0xDBFF and s:sub(i, i + 1) == "\\u" then
        local lo = tonumber(s:sub(i + 2, i + 5), 16)
        if lo and lo >= 0xDC00 and lo <= 0xDFFF then
          cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
          i = i + 6
        end
      end
      out[#out + 1] = utf8.char(cp)
    else decode_error(s, i, "bad escape") end
  end
end

function decode_value(s, pos, null)
  pos = skip(s, pos)
  local c = s:sub(pos, pos)
  if c == "{" then
    local t, keys = {}, {}
    pos = skip(s, pos + 1)
    if s:sub(pos, pos) == "}" then return M.object(t, keys), pos + 1 end
    while true do
      pos = skip(s, pos)
      if s:sub(pos, pos) ~= '"' then decode_error(s, pos, "expected a string key") end
      local k
      k, pos = decode_string(s, pos)
      pos = skip(s, pos)
      if s:sub(pos, pos) ~= ":" then decode_error(s, pos, "expected ':'") end
      local v
      v, pos = decode_value(s, pos + 1, null)
      t[k] = v
      keys[#keys + 1] = k
      pos = skip(s, pos)
      local d = s:sub(pos, pos)
      if d == "}" then return M.object(t, keys), pos + 1 end
      if d ~= "," then decode_error(s, pos, "expected ',' or '}'") end
      pos = pos + 1
    end
  elseif c == "[" then
    local t = M.array({})
    pos = skip(s, pos + 1)
    if s:sub(pos, pos) == "]" then return t, pos + 1 end
    while true do
      local v
      v, pos = decode_value(s, pos, null)
      t[#t + 1] = v
      pos = skip(s, pos)
      local d = s:sub(pos, pos)
      if d == "]" then return t, pos + 1 end
      if d ~= "," then decode_error(s, pos, "expected ',' or ']'") end
      pos = pos + 1
    end
  elseif c == '"' then return decode_string(s, pos)
  elseif c == "t" and s:find("^true", pos) then return true, pos + 4
  elseif c == "f" and s:find("^false", pos) then return false, pos + 5
  elseif c == "n" and s:find("^null", pos) then return null, pos + 4
  else
    local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    if not num or num == "" or num == "-" then decode_error(s, pos, "unexpected character " .. (c == "" and "(end)" or c)) end
    return math.tointeger(tonumber(num)) or tonumber(num), pos + #num
  end
end

-- the decoder in Lua: what the C one (qm.json_decode, engine/json_decode.c) declines (broken
-- text, whose error this raises; \u escapes; deep nesting), and the reference it is tested against
function M.decode_lua(s, null)
  local v, pos = decode_value(s, 1, null)
  pos = skip(s, pos)
  if pos <= #s then decode_error(s, pos, "trailing characters") end
  return v
end
local decode_lua = M.decode_lua
local decode_c = require("qm.json_decode").decode

-- json.decode(text [, null]) -> value; JSON null becomes `null` (default nil). Read in C when
-- it can be (the same values as decode_lua), else by decode_lua.
function M.decode(s, null)
  if type(s) == "string" then
    local ok, v = decode_c(s, null, M.object, M.array)
    if ok then return v end
  end
  return decode_lua(s, null)
end

return M
