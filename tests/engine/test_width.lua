-- qm.reports.width: terminal columns of text, for the REPL's tables and the text reports.
local t = require "testing"
local width = require "qm.reports.width"

t.test("letters take one column, CJK two, combining marks and zero-width characters none", function()
  t.eq(width.of("abc"), 3)
  t.eq(width.of("æøå"), 3, "Danish letters")
  t.eq(width.of("漢字"), 4, "CJK ideographs")
  t.eq(width.of("e\u{301}"), 1, "e + combining acute")
  t.eq(width.of("a\u{200B}b"), 2, "zero-width space")
  t.eq(width.of("한국"), 4, "Hangul syllables")
  t.eq(width.of("ｆｕｌｌ"), 8, "fullwidth forms")
  t.eq(width.of("👍"), 2, "an emoji")
  t.eq(width.of(""), 0)
end)

t.test("text that is not UTF-8 counts one column per byte", function()
  t.eq(width.of("\xe6ble"), 4)
end)

t.test("shorten cuts by columns and never splits a wide character or drops its accent", function()
  t.eq(width.shorten("abcdef", 4), "abc…")
  t.eq(width.shorten("abc", 3), "abc")
  t.eq(width.shorten("漢字漢字", 5), "漢字…", "4 columns of CJK and the ellipsis")
  t.eq(width.shorten("漢字漢字", 4), "漢…", "a wide character that does not fit is left out")
  t.eq(width.shorten("e\u{301}e\u{301}e\u{301}", 3), "e\u{301}e\u{301}e\u{301}")
  t.eq(width.shorten("e\u{301}e\u{301}e\u{301}x", 3), "e\u{301}e\u{301}…", "the accent stays with its letter")
  t.eq(width.shorten("abc", 1), "…")
end)

t.test("pad fills to columns, on the left for right alignment", function()
  t.eq(width.pad("漢", 4), "漢  ")
  t.eq(width.pad("é", 3, true), "  é")
  t.eq(width.pad("e\u{301}", 2), "e\u{301} ")
  t.eq(width.pad("toolong", 3), "toolong")
end)

-- width.of runs in C (engine/width.c) over width.lua's ranges; width.char is the Lua reading
-- of the same tables, so the two must agree on every code point a range starts or ends at
-- (and its neighbours), on mixed text, and on what utf8.len refuses.
local function lua_of(s)
  if not utf8.len(s) then return #s end
  local n = 0
  for _, c in utf8.codes(s) do n = n + width.char(c) end
  return n
end

t.test("the C width agrees with width.char at every range's edges", function()
  local points = {}
  for c = 0, 0x3000, 7 do points[#points + 1] = c end
  local edges = { 0x2FF, 0x300, 0x36F, 0x370, 0x10FF, 0x1100, 0x115F, 0x1160, 0x11FF, 0x1200,
    0x200A, 0x200B, 0x200F, 0x2010, 0x3029, 0x302A, 0x302D, 0x302E, 0x303E, 0x303F, 0xAC00,
    0xD7A3, 0xD7A4, 0xFEFF, 0xFF00, 0xFF60, 0xFF61, 0x1F3FA, 0x1F3FB, 0x1F3FF, 0x1F400,
    0x1FAFF, 0x1FB00, 0x20000, 0x2FFFD, 0x2FFFE, 0x3FFFD, 0x3FFFE, 0xE0001, 0xE0100, 0xE01EF,
    0xE01F0, 0x10FFFF }
  for _, c in ipairs(edges) do
    for d = -1, 1 do points[#points + 1] = c + d end
  end
  local checked = 0
  for _, c in ipairs(points) do
    if c >= 0 and c <= 0x10FFFF and not (c >= 0xD800 and c <= 0xDFFF) then
      local s = "a" .. utf8.char(c) .. "é"
      t.eq(width.of(s), lua_of(s), ("U+%04X"):format(c))
      t.eq(width.of(s), 2 + width.char(c), ("U+%04X counted once"):format(c))
      checked = checked + 1
    end
  end
  t.truthy(checked > 500, "many code points checked")
  t.eq(debug.getinfo(width.of, "S").what, "C", "width.of is the C measurer")
  t.eq(width.of("Spørgsmål 漢字 e\u{301} 👍 ok"), lua_of("Spørgsmål 漢字 e\u{301} 👍 ok"))
  t.eq(width.of("Spørgsmål 漢字 e\u{301} 👍 ok"), 22)
end)

t.test("the C width counts a byte a column wherever utf8.len refuses the text", function()
  local bad = {
    "\xe6ble",          -- a Latin-1 byte
    "ab\x80",           -- a lone continuation byte
    "\xc3",             -- a sequence cut short at the end
    "\xc3a",            -- a lead byte without its continuation
    "\xc0\xaf",         -- an overlong '/'
    "\xe0\x80\xaf",     -- an overlong '/' in three bytes
    "\xed\xa0\x80x",    -- a surrogate (U+D800)
    "\xf4\x90\x80\x80", -- above U+10FFFF
    "\xf8\x88\x80\x80\x80", -- a five-byte form
    "\xff\xfe",         -- never in UTF-8
    "æ\0\xa6",          -- a NUL where a continuation byte should be
  }
  for _, s in ipairs(bad) do
    t.falsy(utf8.len(s), "utf8.len refuses " .. s:gsub("[\128-\255%z]", function(b) return ("\\x%02x"):format(b:byte()) end))
    t.eq(width.of(s), #s)
  end
  t.eq(width.of("æ\0ø"), 3, "a NUL inside valid text is a column, as in Lua")
end)

t.done()
