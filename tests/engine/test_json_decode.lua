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

t.done()
