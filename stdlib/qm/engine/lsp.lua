-- lsp.lua — the Language Server Protocol over stdio for model files (`qm lsp`): JSON-RPC
-- messages framed by Content-Length headers; documents kept in full (full text sync); every
-- open and change checked like `qm check` on the unsaved text and published as diagnostics;
-- completion and hover from the language's declarations (qm.engine.lsp_lang). Each message is
-- handled under limits of its own (host.limited: --timeout and --max-memory per message), so
-- a model that loops or eats memory while it is checked costs that check, not the server; a
-- malformed message is answered (or logged) and the server goes on. docs/editors.md.
local host = require "qm.host"
local json = require "qm.reports.json"

local M = {}

M.MAX_MESSAGE = 16 * 1024 * 1024     -- bytes in one message's body
M.MAX_HEADER = 8192                  -- bytes in one header line

local null = host.null

-- JSON-RPC and LSP codes
local PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS, INTERNAL_ERROR = -32700, -32600, -32601, -32602, -32603
local SERVER_NOT_INITIALIZED, REQUEST_FAILED = -32002, -32803

-- ---------------------------------------------------------------- framing

-- one header line, at most MAX_HEADER bytes (no unbounded read); nil at the end of input
local function read_header_line(input)
  local buf = {}
  while true do
    local c = input:read(1)
    if c == nil then return nil end
    if c == "\n" then break end
    if #buf < M.MAX_HEADER then buf[#buf + 1] = c end
  end
  return (table.concat(buf):gsub("\r$", ""))
end

-- The next message's headers: its body's length; nil at the end of input; false and why for
-- a message without a valid Content-Length (its headers are skipped).
function M.read_headers(input)
  local length, seen = nil, false
  while true do
    local line = read_header_line(input)
    if line == nil then return nil end
    if line == "" then
      if seen then break end      -- blank lines before the headers are skipped
    else
      seen = true
      local name, value = line:match("^([%w%-]+)%s*:%s*(.-)%s*$")
      if name and name:lower() == "content-length" then length = math.tointeger(tonumber(value)) end
    end
  end
  if not length or length < 0 then return false, "a message without a valid Content-Length header" end
  return length
end

-- The body of `length` bytes; nil at the end of input; false and why for a body too large
-- (it is read and dropped).
function M.read_body(input, length)
  if length > M.MAX_MESSAGE then
    local left = length
    while left > 0 do
      local chunk = input:read(math.min(left, 65536))
      if not chunk then return nil end
      left = left - #chunk
    end
    return false, ("a message of %d bytes, more than the %d qm lsp takes"):format(length, M.MAX_MESSAGE)
  end
  local body = length > 0 and input:read(length) or ""
  if body == nil or #body < length then return nil end
  return body
end

-- the text with every byte that is not valid UTF-8 replaced by U+FFFD: JSON-RPC is UTF-8, and
-- a document's bytes (an id, a message quoting them) may not be
local function valid_utf8(s)
  if utf8.len(s) then return s end
  local out, i = {}, 1
  while i <= #s do
    local n, bad = utf8.len(s, i)
    if n then out[#out + 1] = s:sub(i) break end
    out[#out + 1] = s:sub(i, bad - 1) .. "\u{FFFD}"
    i = bad + 1
  end
  return table.concat(out)
end
M.valid_utf8 = valid_utf8

function M.write(output, msg)
  local body = valid_utf8(json.encode(msg))
  output:write(("Content-Length: %d\r\n\r\n"):format(#body), body)
  output:flush()
end

-- ---------------------------------------------------------------- URIs and positions

local function unescape_uri(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

function M.uri_to_path(uri)
  if type(uri) ~= "string" then return nil end
  local path = uri:match("^file://[^/]*(/.*)$")
  if not path then return nil end
  return unescape_uri(path)
end

function M.path_to_uri(path)
  local abs = path
  if abs:sub(1, 1) ~= "/" then
    local pwd = os.getenv("PWD")
    abs = (pwd or ".") .. "/" .. abs
  end
  abs = abs:gsub("/%./", "/")
  return "file://" .. abs:gsub("[^%w%-%._~/]", function(c) return ("%%%02X"):format(c:byte()) end)
end

-- UTF-16 code units of a string (LSP positions count them)
local function utf16_len(s)
  local n = 0
  for _, cp in utf8.codes(s, true) do n = n + (cp >= 0x10000 and 2 or 1) end
  return n
end

-- the byte offset (1-based) of an LSP position { line (0-based), character (UTF-16) } in src
function M.offset_of(src, pos)
  local line = (math.tointeger(pos.line) or 0) + 1
  local char = math.tointeger(pos.character) or 0
  local starts = src:line_starts()
  if line > #starts then return #src.text + 1 end
  if line < 1 then return 1 end
  local text = src:line_text(line)
  local units, byte = 0, 1
  while byte <= #text and units < char do
    local b = text:byte(byte)
    local len = b >= 0xF0 and 4 or b >= 0xE0 and 3 or b >= 0xC0 and 2 or 1
    units = units + (len == 4 and 2 or 1)
    byte = byte + len
  end
  return starts[line] + byte - 1
end

-- an LSP position of a line (1-based) and a column in characters (1-based) of that line's text
local function lsp_position(text, line, col)
  local prefix = ""
  if text then
    local bytes = utf8.offset(text, col) or (#text + 1)
    prefix = text:sub(1, bytes - 1)
  end
  local ok, n = pcall(utf16_len, prefix)
  return { line = math.max(line - 1, 0), character = ok and n or (col - 1) }
end

-- ---------------------------------------------------------------- the server

local Server = {}
Server.__index = Server

function M.new(opts, output)
  return setmetatable({ opts = opts or {}, out = output or io.stdout, docs = {}, published = {},
                        initialized = false, shutdown = false }, Server)
end

function Server:send(msg)
  msg.jsonrpc = "2.0"
  M.write(self.out, json.object(msg, { "jsonrpc", "id", "method", "params", "result", "error" }))
end

function Server:respond(id, result)
  self:send({ id = id, result = result == nil and null or result })
end

function Server:fail(id, code, message)
  self:send({ id = id == nil and null or id, error = json.object({ code = code, message = message }, { "code", "message" }) })
end

function Server:notify(method, params)
  self:send({ method = method, params = params })
end

function Server:log(message, kind)
  self:notify("window/logMessage", { type = kind or 3, message = message })
end

-- ---------------------------------------------------------------- diagnostics

local SEVERITY = { error = 1, warning = 2, note = 3 }

-- check one document's text as `qm check` would, and publish what was found for it (and for
-- the other files the check named: a YAML structure file, a model it uses)
function Server:check(doc)
  local findings = require "qm.engine.findings"
  local check = require "qm.engine.cmd_check"
  local texts = {}
  for _, d in pairs(self.docs) do texts[d.path] = d.text end
  local found = findings.new(texts)
  local ctx, ok = check.check(self.opts, doc.path, doc.text, found)
  -- the elements of the model it declares, for completing ids (kept from the last good check)
  local models = ok and ctx:declared_models() or {}
  local m = models[#models]
  for _, entry in pairs(ctx.test_models or {}) do m = m or entry.model end   -- a test file: its model's ids
  if m then
    local elements = {}
    for _, e in ipairs(m:walk()) do elements[#elements + 1] = { id = e.id, kind = e.kind, title = e.title } end
    doc.elements = elements
    doc.model = { id = m.id, title = m.title }
  end
  local by_file = {}
  for _, f in ipairs(found:sorted()) do
    local file = f.file or doc.path
    by_file[file] = by_file[file] or {}
    table.insert(by_file[file], f)
  end
  by_file[doc.path] = by_file[doc.path] or {}
  -- files this document published for before and has nothing for now are cleared
  doc.files = doc.files or {}
  for file in pairs(doc.files) do by_file[file] = by_file[file] or {} end
  local files = {}
  for file in pairs(by_file) do files[#files + 1] = file end
  table.sort(files)
  doc.files = {}
  for _, file in ipairs(files) do
    local list = json.array({})
    local src = found:source_of(file)
    for _, f in ipairs(by_file[file]) do
      local line = f.line or 1
      local text = src and src:line_text(line) or nil
      local range = json.object({ start = lsp_position(text, line, f.column or 1),
                                  ["end"] = lsp_position(text, line, f.end_column or ((f.column or 1) + 1)) }, { "start", "end" })
      local d = json.object({ range = range, severity = SEVERITY[f.severity] or 1, source = "qm",
                              message = f.message }, { "range", "severity", "source", "message", "data" })
      if f.suggestion then d.data = { suggestion = f.suggestion } end
      list[#list + 1] = d
    end
    if #list > 0 then doc.files[file] = true end
    local uri = file == doc.path and doc.uri or M.path_to_uri(file)
    self:notify("textDocument/publishDiagnostics", json.object({ uri = uri, version = file == doc.path and doc.version or nil,
      diagnostics = list }, { "uri", "version", "diagnostics" }))
  end
end

-- ---------------------------------------------------------------- methods

local function text_document(params)
  return type(params) == "table" and type(params.textDocument) == "table" and params.textDocument or nil
end

local requests, notifications = {}, {}

function requests:initialize(params)
  self.initialized = true
  self.client = type(params) == "table" and params.clientInfo or nil
  return json.object({
    capabilities = json.object({
      positionEncoding = "utf-16",
      textDocumentSync = json.object({ openClose = true, change = 1, save = { includeText = false } },
        { "openClose", "change", "save" }),
      completionProvider = { triggerCharacters = json.array({ ".", "\"", "{", "," }), resolveProvider = false },
      hoverProvider = true,
    }, { "positionEncoding", "textDocumentSync", "completionProvider", "hoverProvider" }),
    serverInfo = { name = "qm", version = host.version },
  }, { "capabilities", "serverInfo" })
end

function requests:shutdown()
  self.shutdown = true
  return null
end

-- the document a request is about, and the byte offset of its position
function Server:at(params)
  local td = text_document(params)
  local doc = td and self.docs[td.uri]
  if not doc or type(params.position) ~= "table" then return nil end
  local source = require "qm.engine.source"
  doc.src = doc.src or source.new(doc.text)
  return doc, M.offset_of(doc.src, params.position)
end

requests["textDocument/completion"] = function(self, params)
  local doc, offset = self:at(params)
  if not doc then return json.array({}) end
  local items = require("qm.engine.lsp_lang").complete(doc.src, offset, doc)
  return json.object({ isIncomplete = false, items = json.array(items) }, { "isIncomplete", "items" })
end

requests["textDocument/hover"] = function(self, params)
  local doc, offset = self:at(params)
  if not doc then return null end
  local h = require("qm.engine.lsp_lang").hover(doc.src, offset, doc)
  if not h then return null end
  local src = doc.src
  local result = json.object({ contents = json.object({ kind = "markdown", value = h.text }, { "kind", "value" }) },
    { "contents", "range" })
  if h.s then
    local l1, c1 = src:position(h.s)
    local l2, c2 = src:position(h.e + 1)
    local source = require "qm.engine.source"
    local t1, t2 = src:line_text(l1), src:line_text(l2)
    result.range = json.object({ start = lsp_position(t1, l1, source.chars(t1, c1)),
                                 ["end"] = lsp_position(t2, l2, source.chars(t2, c2)) }, { "start", "end" })
  end
  return result
end

local function open_doc(self, td, text, version)
  local path = M.uri_to_path(td.uri)
  if not path then
    self:log(("qm lsp checks files only (file:// URIs), not %s"):format(tostring(td.uri)), 2)
    return nil
  end
  local doc = self.docs[td.uri] or { uri = td.uri, path = path }
  doc.text, doc.version, doc.src = text, version, nil
  self.docs[td.uri] = doc
  return doc
end

function notifications:initialized() end

notifications["textDocument/didOpen"] = function(self, params)
  local td = text_document(params)
  if not td or type(td.uri) ~= "string" or type(td.text) ~= "string" then
    return self:log("didOpen without textDocument.uri and text", 2)
  end
  local doc = open_doc(self, td, td.text, math.tointeger(td.version))
  if doc then self:check(doc) end
end

notifications["textDocument/didChange"] = function(self, params)
  local td = text_document(params)
  local changes = type(params) == "table" and params.contentChanges
  if not td or type(td.uri) ~= "string" or type(changes) ~= "table" then
    return self:log("didChange without textDocument.uri and contentChanges", 2)
  end
  -- full sync: the last change carries the whole text (a change with a range is not asked for)
  local text
  for _, c in ipairs(changes) do
    if type(c) == "table" and type(c.text) == "string" and c.range == nil then text = c.text end
  end
  if not text then return self:log("didChange without the document's full text (qm lsp asks for full sync)", 2) end
  local doc = open_doc(self, td, text, math.tointeger(td.version))
  if doc then self:check(doc) end
end

notifications["textDocument/didSave"] = function(self, params)
  local td = text_document(params)
  local doc = td and self.docs[td.uri]
  if doc then self:check(doc) end
end

notifications["textDocument/didClose"] = function(self, params)
  local td = text_document(params)
  local doc = td and self.docs[td.uri]
  if not doc then return end
  self.docs[td.uri] = nil
  -- an editor shows nothing for a closed file that is not in a project: clear what was sent
  local files = { [doc.path] = true }
  for f in pairs(doc.files or {}) do files[f] = true end
  local sorted = {}
  for f in pairs(files) do sorted[#sorted + 1] = f end
  table.sort(sorted)
  for _, f in ipairs(sorted) do
    self:notify("textDocument/publishDiagnostics", { uri = f == doc.path and doc.uri or M.path_to_uri(f), diagnostics = json.array({}) })
  end
end

-- ---------------------------------------------------------------- one message

-- Handle one message's body. Returns "exit" when the client asked the server to end.
function Server:handle(body)
  local ok, msg = pcall(json.decode, body)
  if not ok then
    -- the decoder's words, without its position in qm's own code
    local why = tostring(msg):gsub("^.-stdlib/[^:]*:%d+: ", ""):gsub("^stack overflow.*", "nested too deeply")
    return self:fail(null, PARSE_ERROR, "the message is not JSON: " .. why)
  end
  if type(msg) ~= "table" or (msg.method == nil and msg.id == nil) then
    return self:fail(null, INVALID_REQUEST, "a message must be a JSON-RPC request or notification object")
  end
  local id, method, params = msg.id, msg.method, msg.params
  if id == null then id = nil end
  if id ~= nil and type(id) ~= "number" and type(id) ~= "string" then
    return self:fail(null, INVALID_REQUEST, "a request's id must be a number or a string")
  end
  if method == nil then return end                   -- a response to a request the server never sends
  if type(method) ~= "string" then
    if id ~= nil then return self:fail(id, INVALID_REQUEST, "method must be a text") end
    return
  end
  if method == "exit" then return "exit" end
  local td = text_document(params)
  self.current_uri = td and type(td.uri) == "string" and td.uri or nil
  if id == nil then
    local fn = notifications[method]
    if fn and (self.initialized or method == "initialized") and not self.shutdown then fn(self, params) end
    return
  end
  if self.shutdown then return self:fail(id, INVALID_REQUEST, "the server is shutting down") end
  if not self.initialized and method ~= "initialize" then
    return self:fail(id, SERVER_NOT_INITIALIZED, "initialize first")
  end
  local fn = requests[method]
  if not fn then return self:fail(id, METHOD_NOT_FOUND, ("qm lsp does not answer %s"):format(method)) end
  if params ~= nil and params ~= null and type(params) ~= "table" then
    return self:fail(id, INVALID_PARAMS, "params must be an object")
  end
  self.current = id
  local result = fn(self, params ~= null and params or nil)
  self:respond(id, result)
end

-- ---------------------------------------------------------------- the loop

-- Serve until the client sends exit or closes the input. Returns the exit code: 0 after
-- shutdown and exit, 1 when the input ended or exit came without shutdown (the LSP rule).
function Server:run(input)
  -- the first call also ends the command's own deadline: from here on, only a message's
  -- handling is timed, never the wait for the next one
  host.limited(function() end)
  while true do
    local length, why = M.read_headers(input)
    if length == nil then return self.shutdown and 0 or 1 end
    if length == false then
      host.limited(self.log, self, "qm lsp: skipped " .. why, 1)
    else
      local ok, res, limit = host.limited(self.receive, self, input, length)
      if not ok then
        -- answered under limits too: nothing outside them may fail on memory
        host.limited(self.failed, self, res, limit)
      elseif res == "eof" then
        return self.shutdown and 0 or 1
      elseif res == "exit" then
        return self.shutdown and 0 or 1
      end
      self.current, self.current_uri = nil, nil
    end
  end
end

-- read one message's body and handle it (inside the limits of one message)
function Server:receive(input, length)
  local body, why = M.read_body(input, length)
  if body == nil then return "eof" end
  if body == false then return self:log("qm lsp: skipped " .. why, 1) end
  return self:handle(body)
end

-- A message whose handling failed: the request is answered with the reason; a failed
-- notification (a check) is logged, and when a limit stopped a check the document says so
-- where the author looks (its first line).
function Server:failed(err, limit)
  local reason = limit == "time" and "the time limit (--timeout) was reached"
    or limit == "memory" and "the memory limit (--max-memory) was reached"
    or tostring(err):match("^[^\n]*")
  if self.current ~= nil then
    self:fail(self.current, limit and REQUEST_FAILED or INTERNAL_ERROR, "qm lsp: " .. reason)
  else
    self:log("qm lsp: a message could not be handled: " .. reason, 1)
  end
  local doc = limit and self.current_uri and self.docs[self.current_uri]
  if not doc then return end
  self:notify("textDocument/publishDiagnostics", { uri = doc.uri, version = doc.version, diagnostics = json.array({
    json.object({ range = { start = { line = 0, character = 0 }, ["end"] = { line = 0, character = 0 } }, severity = 1,
      source = "qm", message = "qm could not check this file: " .. reason }, { "range", "severity", "source", "message" }) }) })
end

return M
