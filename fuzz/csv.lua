-- csv.lua — fuzz target "csv": the streaming CSV reader `qm import` uses (qm.csv, engine/csv.c).
-- The contract (docs/import.md): it never raises; reader:header() and reader:read() give
-- records of strings, each with the line it starts on, or false and "name:line[:field]:
-- message" (and false again after that); no record is all empty; and what it reads, written
-- back as CSV in the dialect it found, reads the same again. See docs/fuzzing.md.
local fuzz = ...

-- The entry point under test: re-point these lines when the reader moves or changes.
local csv = require "qm.csv"
local function open_csv(text, opts) return csv.reader(text, opts) end

local NAME = "data.csv"

local function finding(fmt, ...)
  error("finding: " .. fmt:format(...), 0)
end

local function check_fields(rec, what)
  if type(rec) ~= "table" then finding("%s is a %s, not a table", what, type(rec)) end
  local empty = true
  for k, v in pairs(rec) do
    if math.type(k) ~= "integer" or k < 1 or k > #rec then finding("%s has a field at key %s", what, tostring(k)) end
    if type(v) ~= "string" then finding("%s has a %s field", what, type(v)) end
    if v ~= "" then empty = false end
  end
  return empty
end

local function check_error(msg, input, what)
  local why = fuzz.improper(msg, input)
  if why then finding("%s: the reader's message is improper: %s: %s", what, why, tostring(msg)) end
  if not tostring(msg):match("^data%.csv:%d+[:%d]*: .") then
    finding("%s: the reader's message does not read \"name:line: message\": %s", what, tostring(msg))
  end
end

-- read everything: header, records (each { fields..., line = n }), or nil and the message
local function read_all(text, opts, input)
  local ok, r = pcall(open_csv, text, opts)
  if not ok then finding("csv.reader raised an error: %s", tostring(r)) end
  local okh, header, herr = pcall(r.header, r)
  if not okh then finding("reader:header() raised an error: %s", tostring(header)) end
  if header == false then
    check_error(herr, input, "reader:header()")
    local again = r:read()
    if again ~= false then finding("reader:read() after a failed header gave %s, not false", tostring(again)) end
    return nil, herr
  end
  if header == nil then return nil end
  check_fields(header, "the header")
  local records = {}
  while true do
    local okr, rec, line = pcall(r.read, r)
    if not okr then finding("reader:read() raised an error: %s", tostring(rec)) end
    if rec == nil then break end
    if rec == false then
      check_error(line, input, "reader:read()")
      if r:read() ~= false then finding("reader:read() after an error did not stay false") end
      return header, records, line
    end
    if check_fields(rec, "record " .. (#records + 1)) then finding("record %d is all empty, and was not skipped", #records + 1) end
    rec.line = line
    records[#records + 1] = rec
  end
  local dialect = r:dialect()
  r:close()
  return header, records, nil, dialect
end

-- the records written back as RFC 4180 CSV in delimiter d, every field quoted
local function write_csv(header, records, d)
  local out = {}
  local function row(r)
    local cells = {}
    for i = 1, #r do cells[i] = '"' .. r[i]:gsub('"', '""') .. '"' end
    out[#out + 1] = table.concat(cells, d)
  end
  row(header)
  for _, r in ipairs(records) do row(r) end
  return table.concat(out, "\r\n") .. "\r\n"
end

local function same(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

return {
  timeout = 10,
  run = function(input)
    local header, records, err, dialect = read_all(input, { name = NAME }, input)
    if header == nil or err then return end
    local _, breaks = input:gsub("\r\n", "\n"):gsub("[\r\n]", "")
    local last = 0
    for i, r in ipairs(records) do
      if math.type(r.line) ~= "integer" or r.line < 1 or r.line > breaks + 1 then
        finding("record %d starts on line %s of a %d-line text", i, tostring(r.line), breaks + 1)
      end
      if r.line <= last then finding("record %d starts on line %d, not after the line before (%d)", i, r.line, last) end
      last = r.line
    end
    -- round trip: the same header and records, read from what they are written as (a header
    -- whose names are all blank is written as "x": an all-empty record is skipped)
    local blank = true
    for _, h in ipairs(header) do if h ~= "" then blank = false end end
    local h1 = blank and { "x" } or header
    local d = type(dialect) == "table" and dialect.delimiter or ","
    local text = write_csv(h1, records, d)
    local h2, r2, err2 = read_all(text, { name = NAME, delimiter = d }, text)
    if h2 == nil or err2 then finding("the reader rejects its own records written as CSV: %s", tostring(err2)) end
    if not same(h1, h2) then finding("the header changed in a round trip") end
    if #records ~= #r2 then finding("%d records became %d in a round trip", #records, #r2) end
    for i = 1, #records do
      if not same(records[i], r2[i]) then finding("record %d changed in a round trip", i) end
    end
  end,
}
