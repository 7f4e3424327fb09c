-- json.lua — fuzz target "json": the C JSON reader (engine/json_decode.c, qm.json_decode) that
-- json.decode uses for every text it can read, against the Lua reader it replaces
-- (json.decode_lua), on any text — a model hands json.decode whatever it likes. The contract:
-- the C reader never raises; when it reads a text, the Lua reader reads the same text to the
-- same values (types, integer or float, object key order, arrays marked as arrays); when it
-- declines, json.decode's error (from the Lua reader) is a message for people. See
-- docs/fuzzing.md.
-- fuzz.sh options: -max_len=4096
local fuzz = ...
local json = require "qm.reports.json"
local decode_c = require("qm.json_decode").decode

local NULL = require("qm.host").null

local function finding(fmt, ...)
  error("finding: " .. fmt:format(...), 0)
end

-- the same value, or a description of the first difference
local function differ(a, b, path)
  if type(a) ~= type(b) then return ("%s: %s against %s"):format(path, type(a), type(b)) end
  if type(a) == "number" then
    if math.type(a) ~= math.type(b) then return ("%s: %s against %s"):format(path, math.type(a), math.type(b)) end
    if not (a == b or (a ~= a and b ~= b)) then return ("%s: %.17g against %.17g"):format(path, a, b) end
    return nil
  end
  if type(a) ~= "table" then
    if a ~= b then return ("%s: %q against %q"):format(path, tostring(a), tostring(b)) end
    return nil
  end
  if a == NULL or b == NULL then
    if a ~= b then return path .. ": null against a value" end
    return nil
  end
  -- key order and array marks are compared through json.encode (run)
  for k, v in pairs(a) do
    local d = differ(v, b[k], path .. "." .. tostring(k))
    if d then return d end
  end
  for k in pairs(b) do if a[k] == nil then return path .. ": key " .. tostring(k) .. " only in Lua's" end end
  return nil
end

return {
  timeout = 10,
  run = function(input)
    local okc, ok, v = pcall(decode_c, input, NULL, json.object, json.array)
    if not okc then finding("the C reader raised on %q: %s", input, tostring(ok)) end
    local okl, lv = pcall(json.decode_lua, input, NULL)
    if ok then
      if not okl then finding("the C reader read %q, the Lua reader refused it: %s", input, tostring(lv)) end
      local d = differ(v, lv, "$")
      if d then finding("the readers disagree on %q at %s", input, d) end
      local e1, s1 = pcall(json.encode, v)
      local e2, s2 = pcall(json.encode, lv)
      if e1 ~= e2 or (e1 and s1 ~= s2) then finding("%q reads back differently: %s against %s", input, tostring(s1), tostring(s2)) end
    end
    -- json.decode: a value, or an error for people
    local okd, dv = pcall(json.decode, input, NULL)
    if not okd then
      local why = fuzz.improper(dv, input)
      if why then finding("json.decode(%q): %s: %s", input, why, tostring(dv)) end
    elseif okl then
      local d = differ(dv, lv, "$")
      if d then finding("json.decode and the Lua reader disagree on %q at %s", input, d) end
    end
  end,
}
