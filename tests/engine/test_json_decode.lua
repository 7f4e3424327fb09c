-- json.decode's strings and literals (qm.reports.json): runs without escapes are taken whole,
-- escapes and \u (with surrogate pairs) decoded, and broken input refused with its line.
local t = require "testing"
local json = require "qm.reports.json"

t.test("strings with and without escapes", function()
  t.eq(json.decode('"plain text æøå"'), "plain text æøå")
  t.eq(json.decode('""'), "")
  t.eq(json.decode('"a\\"b\\\\c\\/d"'), 'a"b\\c/d')
  t.eq(json.decode('"x\\ny\\tz\\r\\b\\f"'), "x\ny\tz\r\b\f")
  t.eq(json.decode('"\\u00e6\\u00F8 and \\ud83d\\ude00"'), "æø and 😀")
  t.eq(json.decode('"\\ud83dx"'), utf8.char(0xD83D) .. "x")
  t.eq(json.decode('"run ' .. ("x"):rep(1000) .. '\\n"'), "run " .. ("x"):rep(1000) .. "\n")
  t.eq(json.decode('{"k\\"ey":["a","b\\u0041c",""]}'), { ['k"ey'] = { "a", "bAc", "" } })
end)

t.test("literals and numbers", function()
  t.eq(json.decode("[true,false,1,-2.5e-1,1e3]"), { true, false, 1, -0.25, 1000.0 })
  t.eq(json.decode("[null,1]", "NULL"), { "NULL", 1 })
  t.eq(math.type(json.decode("7")), "integer")
end)

t.test("broken strings and literals are refused with their line", function()
  t.raises(function() json.decode('"open') end, "json: line 1: unterminated string")
  t.raises(function() json.decode('\n"bad \\q escape"') end, "json: line 2: bad escape")
  t.raises(function() json.decode('"\\u12"') end, "bad \\u escape")
  t.raises(function() json.decode('"ends with \\') end, "bad escape")
  t.raises(function() json.decode("tru") end, "unexpected character t")
  t.raises(function() json.decode('{"a":nul}') end, "unexpected character n")
  t.raises(function() json.decode("nulll") end, "trailing characters")
end)

-- json.decode reads in C (engine/json_decode.c) what it can; decode_lua is the reference: the
-- same values (integer or float alike), the same key order and array marks (json.encode shows
-- both), and the Lua decoder's own errors for what C declines.
local function same(a, b, path)
  if type(a) ~= type(b) then return false, path .. ": " .. type(a) .. " against " .. type(b) end
  if type(a) == "number" then
    if math.type(a) ~= math.type(b) then return false, path .. ": " .. math.type(a) .. " against " .. math.type(b) end
    if a ~= b and not (a ~= a and b ~= b) then return false, path .. ": " .. a .. " against " .. b end
    if a == 0 and 1 / a ~= 1 / b then return false, path .. ": the sign of zero" end
    return true
  end
  if type(a) ~= "table" then return a == b, path end
  for k, v in pairs(a) do
    local ok, why = same(v, b[k], path .. "." .. tostring(k))
    if not ok then return false, why end
  end
  for k in pairs(b) do if a[k] == nil then return false, path .. "." .. tostring(k) .. " missing" end end
  return true
end

local corpus = {
  '{"n":10,"mean":62.5,"median":65,"mode":null,"modes":[60,70],"mode_outside":6,"sd":null,"rwg":0.5,' ..
    '"k":1,"A":null,"step":5,"ties":"flag","reasons":{"mode":"the modes tie (ties = flag)","sd":"fewer than 2 scores"}}',
  '{}', '[]', '[[]]', '{"a":{}}', '[{},[],""]', ' \t\r\n[ 1 , 2 ]\n', '"just text"', '7', '-0', '-0.0', '0.5',
  '1.0', '1e3', '1E+2', '-2.5e-1', '12345678901234567890', '9007199254740993.0', '1e400', '-1e400', '01',
  'true', 'false', 'null', '[null,1,null,2]', '{"a":1,"a":2}', '{"a":1,"a":null}', '{"b":1,"a":2,"c":[true,false]}',
  '"esc \\" \\\\ \\/ \\b\\f\\n\\r\\t done"', '"æøå 漢字"', '"\\u00e6 by the Lua decoder"', '{"k\\"ey":["a","b"]}',
  '[1,]', '{"a":1,}', '{"a" 1}', '[1 2]', '"open', '1e', '-', '-x', 'nulll', 'tru', '{"a":nul}', '', '   ',
  '"bad \\q escape"', '[' .. ("[1,"):rep(80) .. "1" .. ("]"):rep(80) .. "]", '"\0inside"', '[1]x', '0x10',
}

t.test("the C decoder gives what the Lua decoder gives, or its error", function()
  for _, text in ipairs(corpus) do
    for _, null in ipairs { false, "NULL" } do
      null = null or nil
      local ok_c, got = pcall(json.decode, text, null)
      local ok_l, want = pcall(json.decode_lua, text, null)
      t.eq(ok_c, ok_l, "decodes alike: " .. text)
      if ok_c then
        local ok, why = same(got, want, "value")
        t.truthy(ok, (why or "") .. " in " .. text)
        if type(got) == "table" then t.eq(json.encode(got), json.encode(want), "order and marks: " .. text) end
      else
        t.eq(got, want, "the same error: " .. text)
      end
    end
  end
end)

t.test("the C decoder reads consensus_stats' JSON itself and declines broken text", function()
  local cdecode = require("qm.json_decode").decode
  local ok, v = cdecode(corpus[1], nil, json.object, json.array)
  t.eq(ok, true)
  t.eq(math.type(v.median), "integer")
  t.eq(v.mean, 62.5)
  t.eq(v.mode, nil)
  t.eq(json.encode(v.modes), "[60,70]")
  t.eq(json.encode(json.decode('{"b":1,"a":2}')), '{"b":1,"a":2}', "the keys in the text's order")
  t.eq(json.encode(json.decode('{"e":[]}')), '{"e":[]}', "an empty array stays an array")
  t.eq(cdecode('[1,]', nil, json.object, json.array), false)
  t.eq(cdecode('"\\u00e6"', nil, json.object, json.array), false, "\\u escapes are the Lua decoder's")
end)

t.done()
