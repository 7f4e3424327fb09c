-- findings.lua — what `qm check` found, as records tools can use: file, line, column, severity,
-- message and suggestion (did-you-mean), in a stable order. The model language records its
-- problems at "file:line" with what they are about (qm.lang.construct.problem); this module
-- puts each on the word it concerns in the file's text (qm.engine.source), and turns an error
-- that stopped the file (a Lua syntax error, an error in the model's own code) into a finding
-- too. The JSON shape is documented in docs/cli.md ("qm check --format json").
-- qm.engine.source (the tokenizer) is loaded at the first finding placed in a file's text: a
-- clean check never needs it
local source = setmetatable({}, { __index = function(t, k)
  local mod = require "qm.engine.source"
  setmetatable(t, { __index = mod })
  return mod[k]
end })

local M = {}

local SEVERITY_ORDER = { error = 1, warning = 2, note = 3 }

-- "file:line[:col]" -> file, line, col (numbers or nil)
local function split_where(where)
  if type(where) ~= "string" then return nil end
  local file, line, col = where:match("^(.-):(%d+):(%d+)$")
  if not file then file, line = where:match("^(.-):(%d+)$") end
  if not file then return where ~= "?" and where or nil end
  return file, tonumber(line), tonumber(col)
end
M.split_where = split_where

-- A set of findings for one or more checked files. texts = { [path] = text } for files whose
-- text is not (only) on disk: the unsaved buffer an editor sends.
function M.new(texts)
  return setmetatable({ list = {}, texts = texts or {}, sources = {} }, { __index = M })
end

function M:source_of(file)
  if self.sources[file] ~= nil then return self.sources[file] or nil end
  local text = self.texts[file]
  if text == nil and file:match("%.lua$") then
    local f = io.open(file, "rb")
    if f then text = f:read("a") f:close() end
  end
  self.sources[file] = text and source.new(text) or false
  return text and self.sources[file] or nil
end

-- add one: severity, message, file, line (or nil: no position), about (see construct.problem)
function M:add(severity, message, file, line, about, col)
  about = about or {}
  local f = { file = file, line = line, severity = severity, message = message, suggestion = about.suggestion }
  local src = file and line and self:source_of(file)
  if src and file:match("%.lua$") and not col then
    local l, c, e = src:locate(line, about)
    local text = src:line_text(l)
    f.line, f.column, f.end_column = l, source.chars(text, c), source.chars(text, e)
  elseif line then
    local text = src and src:line_text(line) or nil
    if col then f.column = text and source.chars(text, col) or col
    else f.column = text and source.chars(text, text:find("[^ \t]") or 1) or 1 end
    f.end_column = text and math.max(utf8.len(text) or #text, f.column) + 1 or f.column + 1
  end
  self.list[#self.list + 1] = f
  return f
end

-- the problems the model language recorded on a run (ctx.problems)
function M:add_problems(problems)
  for _, p in ipairs(problems or {}) do
    local file, line, col = split_where(p.where)
    self:add(p.level, p.msg, file, line, p.about, col)
  end
end

-- an error that stopped loading `path`: "file:line: message" (a syntax error, an error raised
-- by the model's code) or a message without a position (put on the file itself). `known`
-- (optional) = { msg =, about = } says what the language knows about an error it raised (a
-- misspelt rule or rule option: the word and the one meant); used when msg is that error.
function M:add_error(err, path, known)
  local msg = tostring(err):match("^[^\n]*")   -- the message, not a traceback after it
  local file, line, rest = msg:match("^(.-):(%d+): (.*)$")
  if file and not file:find("\n") then
    -- Lua's syntax errors say the word they stopped at: "... near 'titel'"
    local near = rest:match("near '([^']*)'$")
    local about = near and { token = near } or nil
    if known and known.msg == msg then about = known.about end
    local f = self:add("error", rest, file, tonumber(line), about)
    f.stopped = true
    return f
  end
  -- "file: message" (about the whole file) is put on that file without saying it twice
  if msg:sub(1, #path + 2) == path .. ": " then msg = msg:sub(#path + 3) end
  local f = self:add("error", msg, path, nil)
  f.stopped = true
  return f
end

-- sorted: by file, line, column, severity, then message (the order problems were found in
-- can depend on Lua's table order; this one never does)
function M:sorted()
  local list = {}
  for i, f in ipairs(self.list) do list[i] = f end
  table.sort(list, function(a, b)
    if (a.file or "") ~= (b.file or "") then return (a.file or "") < (b.file or "") end
    if (a.line or 0) ~= (b.line or 0) then return (a.line or 0) < (b.line or 0) end
    if (a.column or 0) ~= (b.column or 0) then return (a.column or 0) < (b.column or 0) end
    if a.severity ~= b.severity then return (SEVERITY_ORDER[a.severity] or 9) < (SEVERITY_ORDER[b.severity] or 9) end
    return a.message < b.message
  end)
  return list
end

function M:count(severity)
  local n = 0
  for _, f in ipairs(self.list) do if f.severity == severity then n = n + 1 end end
  return n
end

-- "file:line: severity: message", one per line (warnings and notes too when asked); an error
-- that stopped the file reads as Lua and qm have always given it: "file:line: message"
function M:text(show_warnings)
  local out = {}
  for _, f in ipairs(self:sorted()) do
    if f.severity == "error" or show_warnings then
      local where = f.line and ("%s:%d"):format(f.file, f.line) or (f.file or "qm")
      if f.stopped then out[#out + 1] = ("%s: %s\n"):format(where, f.message)
      else out[#out + 1] = ("%s: %s: %s\n"):format(where, f.severity, f.message) end
    end
  end
  return table.concat(out)
end

-- the JSON document (docs/cli.md): { findings = [...], errors =, warnings =, files = [...] }
function M:json(files)
  local json = require "qm.reports.json"
  local host = require "qm.host"
  local list = json.array({})
  for _, f in ipairs(self:sorted()) do
    list[#list + 1] = json.object({
      file = f.file or host.null, line = f.line or host.null, column = f.column or host.null,
      end_column = f.end_column or host.null, severity = f.severity, message = f.message,
      suggestion = f.suggestion or host.null,
    }, { "file", "line", "column", "end_column", "severity", "message", "suggestion" })
  end
  local doc = json.object({ findings = list, errors = self:count("error"), warnings = self:count("warning"),
    files = json.array(files or {}) }, { "files", "errors", "warnings", "findings" })
  return json.encode(doc, { indent = "  " }) .. "\n"
end

return M
