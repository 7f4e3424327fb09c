-- csv.lua — fuzz target "csv": the CSV reader that `qm import` uses (qm.engine.csv).
-- The contract: it never raises; it returns a header and records of strings (each with the
-- line it starts on), or nil and "name:line: message"; and what it reads, written back as
-- CSV, reads the same again. See docs/fuzzing.md.
local fuzz = ...

-- The entry point under test. Re-point these two lines when the reader moves or is replaced
-- (for a streaming reader: collect its records into the same header/records shape here).
local csv = require "qm.engine.csv"
local function read_csv(text, name) return csv.parse(text, name) end

local NAME = "data.csv"

local function finding(fmt, ...)
  error("finding: " .. fmt:format(...), 0)
end

local function check_fields(rec, what)
  if type(rec) ~= "table" then finding("%s is a %s, not a table", what, type(rec)) end
  for k, v in pairs(rec) do
    if k ~= "line" then
      if math.type(k) ~= "integer" or k < 1 or k > #rec then finding("%s has a field at key %s", what, tostring(k)) end
      if type(v) ~= "string" then finding("%s has a %s field", what, type(v)) end
    end
  end
end

-- the records written back as RFC 4180 CSV, every field quoted
local function write_csv(header, records)
  local out = {}
  local function row(r)
    local cells = {}
    for i = 1, #r do cells[i] = '"' .. r[i]:gsub('"', '""') .. '"' end
    out[#out + 1] = table.concat(cells, ",")
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
    local ok, header, records = pcall(read_csv, input, NAME)
    if not ok then finding("the CSV reader raised an error: %s", tostring(header)) end
    if header == nil then
      local why = fuzz.improper(records, input)
      if why then finding("the CSV reader's message is improper: %s: %s", why, tostring(records)) end
      if not records:match("^data%.csv:%d+: .") then
        finding("the CSV reader's message does not read \"name:line: message\": %s", records)
      end
      return
    end
    check_fields(header, "the header")
    if type(records) ~= "table" then finding("the records are a %s", type(records)) end
    -- CR LF, LF and a lone CR each end a line
    local _, breaks = input:gsub("\r\n", "\n"):gsub("[\r\n]", "")
    local lines = breaks + 1
    local last = 0
    for i, r in ipairs(records) do
      check_fields(r, "record " .. i)
      if math.type(r.line) ~= "integer" or r.line < 1 or r.line > lines then
        finding("record %d starts on line %s of a %d-line text", i, tostring(r.line), lines)
      end
      if r.line <= last then finding("record %d starts on line %d, not after record %d (line %d)", i, r.line, i - 1, last) end
      last = r.line
    end
    -- round trip: the same header and records, read from what they are written as
    -- (a header that is one blank name is written as "x": a lone empty field is a blank line)
    local lone_blank = #header == 1 and header[1] == ""
    local h2, r2 = read_csv(write_csv(lone_blank and { "x" } or header, records), NAME)
    if h2 == nil then finding("the reader rejects its own records written as CSV: %s", tostring(r2)) end
    if not same(lone_blank and { "x" } or header, h2) then finding("the header changed in a round trip") end
    if #records ~= #r2 then finding("%d records became %d in a round trip", #records, #r2) end
    for i = 1, #records do
      if not same(records[i], r2[i]) then finding("record %d changed in a round trip", i) end
    end
  end,
}
