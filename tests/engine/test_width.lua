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

t.done()
