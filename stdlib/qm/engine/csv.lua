-- csv.lua — RFC 4180 CSV: quoted fields, doubled quotes, commas, CR LF and newlines inside
-- quotes. Each record remembers the line it starts on, for error messages.
local M = {}

-- parse(text [, name]) -> header (array), records (array of { fields..., line = n }) or
-- nil, "name:line: message"
function M.parse(text, name)
  name = name or "csv"
  if text:sub(1, 3) == "\239\187\191" then text = text:sub(4) end  -- a UTF-8 byte order mark
  local records, rec, field = {}, {}, {}
  local i, n, line, start_line = 1, #text, 1, 1
  local quoted, had_quotes = false, false
  local function end_field()
    rec[#rec + 1] = table.concat(field)
    field, had_quotes = {}, false
  end
  local function end_record()
    end_field()
    if not (#rec == 1 and rec[1] == "") then
      rec.line = start_line
      records[#records + 1] = rec
    end
    rec = {}
    start_line = line
  end
  while i <= n do
    local c = text:sub(i, i)
    if quoted then
      if c == '"' then
        if text:sub(i + 1, i + 1) == '"' then field[#field + 1] = '"'; i = i + 1
        else quoted = false end
      else
        if c == "\n" then line = line + 1 end
        field[#field + 1] = c
      end
    elseif c == '"' then
      if #field > 0 then return nil, ("%s:%d: a quote inside an unquoted field (quote the whole field)"):format(name, line) end
      quoted, had_quotes = true, true
    elseif c == "," then
      end_field()
    elseif c == "\r" then
      -- CR LF or a lone CR end the record
      if text:sub(i + 1, i + 1) == "\n" then i = i + 1 end
      line = line + 1
      end_record()
    elseif c == "\n" then
      line = line + 1
      end_record()
    else
      if had_quotes then return nil, ("%s:%d: text after a closing quote"):format(name, line) end
      field[#field + 1] = c
    end
    i = i + 1
  end
  if quoted then return nil, ("%s:%d: a quoted field is not closed"):format(name, start_line) end
  if #field > 0 or #rec > 0 then end_record() end
  if #records == 0 then return nil, name .. ":1: the file is empty" end
  local header = table.remove(records, 1)
  for k, h in ipairs(header) do header[k] = h:gsub("^%s+", ""):gsub("%s+$", ""):lower() end
  return header, records
end

-- records as tables keyed by the header's names; rows with a different field count are errors
function M.rows(text, name)
  local header, records = M.parse(text, name)
  if not header then return nil, records end
  local rows, errors = {}, {}
  for _, r in ipairs(records) do
    if #r ~= #header then
      errors[#errors + 1] = ("%s:%d: %d fields, but the header has %d"):format(name or "csv", r.line, #r, #header)
    else
      local row = { line = r.line }
      for k, h in ipairs(header) do row[h] = r[k] end
      rows[#rows + 1] = row
    end
  end
  return rows, nil, header, errors
end

return M
