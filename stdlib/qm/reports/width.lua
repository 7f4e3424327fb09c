-- width.lua — how wide text is on a terminal, in columns: a small wcwidth. Letters such as
-- æ, ø and å take one column, CJK ideographs and most emoji two, combining marks (the
-- U+0301 in "e" .. U+0301) and zero-width characters none. Used by the REPL's tables and
-- the text renderer, so columns line up whatever the data's script. Text that is not valid
-- UTF-8 counts one column per byte (callers escape such bytes before showing them).
local M = {}

-- code point ranges, sorted, from Unicode's East Asian Width (W and F) and general category
-- Mn/Me/Cf (the same choices as Markus Kuhn's wcwidth, with the emoji blocks as wide)
local zero = {
  { 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x05BF, 0x05BF }, { 0x05C1, 0x05C2 },
  { 0x05C4, 0x05C5 }, { 0x05C7, 0x05C7 }, { 0x0610, 0x061A }, { 0x061C, 0x061C }, { 0x064B, 0x065F },
  { 0x0670, 0x0670 }, { 0x06D6, 0x06DC }, { 0x06DF, 0x06E4 }, { 0x06E7, 0x06E8 }, { 0x06EA, 0x06ED },
  { 0x0711, 0x0711 }, { 0x0730, 0x074A }, { 0x07A6, 0x07B0 }, { 0x07EB, 0x07F3 }, { 0x0816, 0x082D },
  { 0x0859, 0x085B }, { 0x08D3, 0x0902 }, { 0x093A, 0x093A }, { 0x093C, 0x093C }, { 0x0941, 0x0948 },
  { 0x094D, 0x094D }, { 0x0951, 0x0957 }, { 0x0962, 0x0963 }, { 0x0981, 0x0981 }, { 0x09BC, 0x09BC },
  { 0x09C1, 0x09C4 }, { 0x09CD, 0x09CD }, { 0x0E31, 0x0E31 }, { 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E },
  { 0x0EB1, 0x0EB1 }, { 0x0EB4, 0x0EBC }, { 0x0EC8, 0x0ECD }, { 0x1160, 0x11FF }, { 0x1AB0, 0x1AFF },
  { 0x1DC0, 0x1DFF }, { 0x200B, 0x200F }, { 0x202A, 0x202E }, { 0x2060, 0x2064 }, { 0x20D0, 0x20FF },
  { 0x302A, 0x302D }, { 0x3099, 0x309A }, { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F }, { 0xFEFF, 0xFEFF },
  { 0x1F3FB, 0x1F3FF }, { 0xE0001, 0xE0001 }, { 0xE0020, 0xE007F }, { 0xE0100, 0xE01EF },
}
local wide = {
  { 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A }, { 0x23E9, 0x23EC }, { 0x23F0, 0x23F0 },
  { 0x23F3, 0x23F3 }, { 0x25FD, 0x25FE }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 }, { 0x267F, 0x267F },
  { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 }, { 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 },
  { 0x26CE, 0x26CE }, { 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA }, { 0x26F2, 0x26F3 }, { 0x26F5, 0x26F5 },
  { 0x26FA, 0x26FA }, { 0x26FD, 0x26FD }, { 0x2705, 0x2705 }, { 0x270A, 0x270B }, { 0x2728, 0x2728 },
  { 0x274C, 0x274C }, { 0x274E, 0x274E }, { 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
  { 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF }, { 0x2B1B, 0x2B1C }, { 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 },
  { 0x2E80, 0x3029 }, { 0x302E, 0x303E }, { 0x3041, 0x3098 }, { 0x309B, 0x33FF }, { 0x3400, 0x4DBF },
  { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF }, { 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF },
  { 0xFE10, 0xFE19 }, { 0xFE30, 0xFE6F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x16FE0, 0x16FE4 },
  { 0x17000, 0x18AFF }, { 0x1B000, 0x1B2FF }, { 0x1F004, 0x1F004 }, { 0x1F0CF, 0x1F0CF },
  { 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A }, { 0x1F200, 0x1F202 }, { 0x1F210, 0x1F23B },
  { 0x1F240, 0x1F248 }, { 0x1F250, 0x1F251 }, { 0x1F260, 0x1F265 }, { 0x1F300, 0x1F3FA },
  { 0x1F400, 0x1F64F }, { 0x1F680, 0x1F6FF }, { 0x1F7E0, 0x1F7EB }, { 0x1F90C, 0x1F9FF },
  { 0x1FA70, 0x1FAFF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
}

local function within(ranges, c)
  local lo, hi = 1, #ranges
  while lo <= hi do
    local mid = (lo + hi) // 2
    local r = ranges[mid]
    if c < r[1] then hi = mid - 1 elseif c > r[2] then lo = mid + 1 else return true end
  end
  return false
end

--- width.char(c): columns of code point c: 0, 1 or 2.
function M.char(c)
  if c < 0x300 then return 1 end
  if within(zero, c) then return 0 end
  if c >= 0x1100 and within(wide, c) then return 2 end
  return 1
end
local char = M.char

--- width.of(s): columns the text s takes (no control characters expected). In C (qm.width,
--- engine/width.c) over the ranges above, as the loop `for _, c in utf8.codes(s) do n = n +
--- char(c) end` would count (text that is not UTF-8: #s); the text reports measure every cell.
--- width.wrap(s, w, hang), width.longest(s) and width.columns(cells, n, widths, right,
--- pad_last): qm.reports.tables' wrap_text, a text's widest word and an aligned line, in C
--- over the same ranges (engine/width.c).
M.of, M.wrap, M.longest, M.columns = require("qm.width").measurer(zero, wide)
local of = M.of

--- width.shorten(s, w): s cut to at most w columns, ending in "…" when cut.
function M.shorten(s, w)
  if of(s) <= w then return s end
  if w <= 1 then return "…" end
  if not utf8.len(s) then return s:sub(1, w - 1) .. "…" end
  local n, cut = 0, 0
  for p, c in utf8.codes(s) do
    local cw = char(c)
    if cw > 0 and n + cw > w - 1 then break end
    n = n + cw
    cut = p + #utf8.char(c) - 1
  end
  return s:sub(1, cut) .. "…"
end

-- runs of spaces up to 80 long, each made once (a table's padding is mostly short gaps)
local spaces = {}

--- width.pad(s, w, right): s padded with spaces to w columns (on the left when right).
function M.pad(s, w, right)
  local gap = w - of(s)
  if gap <= 0 then return s end
  local fill = spaces[gap]
  if not fill then
    fill = string.rep(" ", gap)
    if gap <= 80 then spaces[gap] = fill end
  end
  return right and (fill .. s) or (s .. fill)
end

return M
