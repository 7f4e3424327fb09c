-- source.lua — where things are in a model file's text, for tools: a tolerant Lua tokenizer
-- (it never raises, whatever the text), the tables a position lies in (`theme "id" { ... }`,
-- `consensus.median { ... }`, `points = { ... }`), and positions as line and column. `qm check`
-- uses it to put a finding on the field it is about (`titel` on its own line, the SQL error
-- at the word SQLite stopped at); `qm lsp` to know what to complete and what a word means.
--
--   local src = source.new(text)
--   src:tokens()                    -> { { t = "name"|"string"|"number"|"op"|"eof", v =, s =, e =,
--                                         line =, col =, body = (strings: where the content starts),
--                                         long = (a [[long]] string) }, ... }
--   src:position(offset)            -> line, byte column (1-based)
--   src:offset(line, col)           -> byte offset (1-based) of a line and byte column
--   src:locate(line, hint)          -> line, col, end_col (bytes): see M.locate below
--   src:context(offset)             -> what encloses a byte offset (for completion and hover)
--   source.chars(text_of_line, byte_col)  -> the column in characters (UTF-8 code points)
local M = {}

local Source = {}
Source.__index = Source

function M.new(text)
  return setmetatable({ text = text or "" }, Source)
end

-- ---------------------------------------------------------------- lines

function Source:line_starts()
  if self._starts then return self._starts end
  local starts, text = { 1 }, self.text
  local pos = 1
  while true do
    local nl = text:find("\n", pos, true)
    if not nl then break end
    starts[#starts + 1] = nl + 1
    pos = nl + 1
  end
  self._starts = starts
  return starts
end

-- line and byte column (both 1-based) of a byte offset
function Source:position(offset)
  local starts = self:line_starts()
  local lo, hi = 1, #starts
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if starts[mid] <= offset then lo = mid else hi = mid - 1 end
  end
  return lo, offset - starts[lo] + 1
end

-- byte offset of (line, byte column); clamped to the text
function Source:offset(line, col)
  local starts = self:line_starts()
  if line < 1 then return 1 end
  if line > #starts then return #self.text + 1 end
  return math.min(starts[line] + math.max(col, 1) - 1, #self.text + 1)
end

-- the text of one line, without its newline
function Source:line_text(line)
  local starts = self:line_starts()
  local s = starts[line]
  if not s then return "" end
  local e = (starts[line + 1] or (#self.text + 2)) - 2
  local t = self.text:sub(s, e)
  return (t:gsub("\r$", ""))
end

-- the column in characters (UTF-8 code points, 1-based) of a byte column in a line's text
function M.chars(line_text, byte_col)
  local prefix = line_text:sub(1, byte_col - 1)
  local n = utf8.len(prefix)
  if n then return n + 1 end
  local count = 0   -- invalid UTF-8: count the bytes that do not continue a character
  for i = 1, #prefix do
    local b = prefix:byte(i)
    if b < 0x80 or b >= 0xC0 then count = count + 1 end
  end
  return count + 1
end

-- ---------------------------------------------------------------- tokens

local long_ops = { "...", "..", "==", "~=", "<=", ">=", "//", "::", "<<", ">>" }
local simple_escapes = { n = "\n", t = "\t", r = "\r", a = "\a", b = "\b", f = "\f", v = "\v",
                         ["\\"] = "\\", ['"'] = '"', ["'"] = "'", ["\n"] = "\n" }

-- a short string's value (escapes decoded as far as is cheap: ids and field values)
local function unescape(body)
  if not body:find("\\", 1, true) then return body end
  return (body:gsub("\\(%d%d?%d?)", function(d) local n = tonumber(d) return n < 256 and string.char(n) or "" end)
              :gsub("\\x(%x%x)", function(h) return string.char(tonumber(h, 16)) end)
              :gsub("\\z%s*", "")
              :gsub("\\(.)", function(c) return simple_escapes[c] or c end))
end

-- the position after a long bracket's end (level = number of =), or the end of the text
local function long_end(text, from, level)
  local close = "]" .. ("="):rep(level) .. "]"
  local s, e = text:find(close, from, true)
  if not s then return #text + 1, #text, false end
  return e + 1, s - 1, true
end

function Source:tokens()
  if self._tokens then return self._tokens end
  local text = self.text
  local toks = {}
  local pos, n = 1, #text
  if text:sub(1, 1) == "#" then pos = (text:find("\n", 1, true) or n) end   -- a shebang line
  local line, line_start = 1, 1
  -- line and column of pos, advancing the line count over what was skipped
  local function at(p)
    while true do
      local nl = text:find("\n", line_start, true)
      if not nl or nl >= p then break end
      line, line_start = line + 1, nl + 1
    end
    return line, p - line_start + 1
  end
  while pos <= n do
    local s = text:find("[^ \t\r\n\f\v]", pos)
    if not s then break end
    pos = s
    local c = text:sub(pos, pos)
    local two = text:sub(pos, pos + 1)
    if two == "--" then
      local lvl = text:match("^%[(=*)%[", pos + 2)
      if lvl then
        pos = long_end(text, pos + 4 + #lvl, #lvl)
      else
        pos = (text:find("\n", pos, true) or n) + 1
      end
    elseif c:match("[%a_]") then
      local e = select(2, text:find("^[%w_]*", pos + 1))
      local l, col = at(pos)
      toks[#toks + 1] = { t = "name", v = text:sub(pos, e), s = pos, e = e, line = l, col = col }
      pos = e + 1
    elseif c:match("%d") or (c == "." and text:sub(pos + 1, pos + 1):match("%d")) then
      local e
      if text:match("^0[xX]", pos) then e = select(2, text:find("^0[xX][%x%.]*[pP]?[-+]?%x*", pos))
      else e = select(2, text:find("^%d*%.?%d*[eE]?[-+]?%d*", pos)) end
      if not e or e < pos then e = pos end
      local l, col = at(pos)
      toks[#toks + 1] = { t = "number", v = text:sub(pos, e), s = pos, e = e, line = l, col = col }
      pos = e + 1
    elseif c == '"' or c == "'" then
      local i = pos + 1
      while i <= n do
        local j = text:find("[\\\n" .. c .. "]", i)
        if not j then i = n + 1 break end
        local d = text:sub(j, j)
        if d == "\\" then i = j + 2
        elseif d == "\n" then i = j break     -- unfinished string: it ends at the line's end
        else i = j break end
      end
      local closed = i <= n and text:sub(i, i) == c
      local e = closed and i or (i - 1)
      local l, col = at(pos)
      toks[#toks + 1] = { t = "string", v = unescape(text:sub(pos + 1, closed and i - 1 or e)), s = pos, e = e,
                          line = l, col = col, body = pos + 1, closed = closed }
      pos = e + 1
    elseif c == "[" and text:match("^%[=*%[", pos) then
      local lvl = text:match("^%[(=*)%[", pos)
      local body = pos + 2 + #lvl
      if text:sub(body, body) == "\r" then body = body + 1 end
      if text:sub(body, body) == "\n" then body = body + 1 end   -- Lua skips a first newline
      local after, last, closed = long_end(text, body, #lvl)
      local l, col = at(pos)
      toks[#toks + 1] = { t = "string", v = text:sub(body, last), s = pos, e = after - 1, line = l, col = col,
                          body = body, long = true, closed = closed }
      pos = after
    else
      local op = c
      for _, o in ipairs(long_ops) do
        if text:sub(pos, pos + #o - 1) == o then op = o break end
      end
      local l, col = at(pos)
      toks[#toks + 1] = { t = "op", v = op, s = pos, e = pos + #op - 1, line = l, col = col }
      pos = pos + #op
    end
  end
  local l, col = at(n + 1)
  toks[#toks + 1] = { t = "eof", v = "", s = n + 1, e = n, line = l, col = col }
  self._tokens = toks
  return toks
end

-- ---------------------------------------------------------------- tables and what owns them

-- Every `{ ... }` with what it belongs to, by the tokens before its `{`:
--   `kind "id" {`             -> { construct = kind, id = id }
--   `lib.name {` / `lib.name({` -> { rule = lib, name = name }
--   `field = {`               -> { field = field }
--   `["key"] = {`             -> { field = key }
-- Returns a list of tables { open = token index, close = token index or nil, owner = ..., parent = }.
function Source:tables()
  if self._tables then return self._tables end
  local toks = self:tokens()
  local list, stack = {}, {}
  local function owner_of(i)
    local shift = (toks[i - 1] and toks[i - 1].v == "(") and 1 or 0   -- `f({ ... })`
    local a, b, c = toks[i - 1 - shift], toks[i - 2 - shift], toks[i - 3 - shift]
    if a and a.t == "string" and b and b.t == "name" then return { construct = b.v, id = a.v, token = i - 2 - shift } end
    if a and a.t == "name" and b and b.v == "." and c and c.t == "name" then return { rule = c.v, name = a.v, token = i - 3 - shift } end
    if a and a.v == "=" and b and b.t == "name" then return { field = b.v, token = i - 2 } end
    if a and a.v == "=" and b and b.v == "]" and c and c.t == "string" then return { field = c.v, token = i - 3 } end
    return {}
  end
  for i, t in ipairs(toks) do
    if t.t == "op" and t.v == "{" then
      local tb = { open = i, owner = owner_of(i), parent = stack[#stack] }
      list[#list + 1] = tb
      stack[#stack + 1] = tb
    elseif t.t == "op" and t.v == "}" and #stack > 0 then
      stack[#stack].close = i
      stack[#stack] = nil
    end
  end
  self._tables = list
  return list
end

-- the fields written directly in a table (depth 1): { name = { key token index, value token index } }
function Source:fields_of(tb)
  local toks = self:tokens()
  local out, depth = {}, 0
  local last = tb.close or #toks
  for i = tb.open + 1, last - 1 do
    local t = toks[i]
    if t.t == "op" and (t.v == "{" or t.v == "(" or t.v == "[") then
      if depth == 0 and t.v == "[" and toks[i + 1] and toks[i + 1].t == "string" and toks[i + 2] and toks[i + 2].v == "]"
        and toks[i + 3] and toks[i + 3].v == "=" then
        out[toks[i + 1].v] = out[toks[i + 1].v] or { key = i + 1, value = i + 4 }
      end
      depth = depth + 1
    elseif t.t == "op" and (t.v == "}" or t.v == ")" or t.v == "]") then
      depth = depth - 1
    elseif depth == 0 and t.t == "name" and toks[i + 1] and toks[i + 1].v == "=" and
      (toks[i - 1].v == "{" or toks[i - 1].v == "," or toks[i - 1].v == ";") then
      out[t.v] = out[t.v] or { key = i, value = i + 2 }
    end
  end
  return out
end

-- ---------------------------------------------------------------- locating a finding

-- The position a finding is about, from what it says it concerns:
--   hint = { kind =, id = (the construct), field = (a field of it), offset = (bytes into the
--            field's string value: an SQL error), token = (a word on the line) }
-- Returns line, col, end_col (byte columns, 1-based; end exclusive), or the line and its first
-- non-blank column when nothing more precise is found.
function Source:locate(line, hint)
  hint = hint or {}
  local toks = self:tokens()
  local function span(t) return t.line, t.col, t.col + (t.e - t.s + 1) end
  local tb
  if hint.kind then
    -- the construct called on that line (the first one there when the id does not match)
    local first
    for _, x in ipairs(self:tables()) do
      local o = x.owner
      if o.construct == hint.kind and toks[o.token].line == line then
        first = first or x
        if hint.id == nil or o.id == hint.id then tb = x break end
      end
    end
    tb = tb or first
  end
  if tb and hint.field then
    local f = self:fields_of(tb)[hint.field]
    if f then
      local v = toks[f.value]
      if hint.offset and v and v.t == "string" then
        -- the offset into the string's text; exact for [[long]] strings, near for quoted ones
        local p = v.body + hint.offset
        if p > v.e then p = v.body end
        local l, c = self:position(p)
        local word = self.text:match("^[%w_]+", p) or self.text:sub(p, p)
        return l, c, c + math.max(#word, 1)
      end
      if hint.value and v then return span(v) end
      return span(toks[f.key])
    end
  end
  if tb then return span(toks[tb.owner.token]) end
  if hint.token then
    for _, t in ipairs(toks) do
      if t.line == line and t.v == hint.token then return span(t) end
      if t.line > line then break end
    end
  end
  local text = self:line_text(line)
  local c = text:find("[^ \t]") or 1
  return line, c, #text + 1 > c and #text + 1 or c + 1
end

-- ---------------------------------------------------------------- context (completion, hover)

-- What a byte offset lies in: { token = the token at or just before it (index), inside_string =
-- the string token it is inside (index), tables = the enclosing tables, innermost first, prefix =
-- the partial word before it }
function Source:context(offset)
  local toks = self:tokens()
  local ctx = { tables = {}, offset = offset }
  -- the last token starting before the offset
  local lo, hi = 1, #toks
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if toks[mid].s < offset then lo = mid else hi = mid - 1 end
  end
  local i = lo
  if toks[i] and toks[i].s >= offset then i = 0 end
  ctx.index = i
  local t = toks[i]
  if t and t.t == "string" and offset > t.s then
    -- before the closing quote, or anywhere up to the end of an unfinished string
    if (t.closed and offset <= t.e) or (not t.closed and offset <= t.e + 1) then ctx.inside_string = i end
  end
  if t and t.t == "name" and offset <= t.e + 1 then ctx.word = i end
  for _, tb in ipairs(self:tables()) do
    local open = toks[tb.open]
    local close = tb.close and toks[tb.close]
    if open.s < offset and (close == nil or close.s >= offset) then
      table.insert(ctx.tables, 1, tb)
    end
  end
  -- innermost first: the tables list is in order of opening, so sort by opening, latest first
  table.sort(ctx.tables, function(a, b) return a.open > b.open end)
  return ctx
end

return M
