-- charts.lua — charts as inline SVG: pure functions of data -> SVG text, with no script, no
-- network, no random ids and fixed number formatting, so the same data gives the same bytes.
-- Five kinds, each a table `spec` with `type`:
--   radar   the themes' agreed scores on one axis each, a dashed target ring
--   dots    each item's individual scores as dots beside the agreed score (a diamond)
--   bars    grouped horizontal bars, e.g. before/after between two rounds
--   lights  a status light per item, always with a symbol and the status word beside it
--   lines   progression lines per series over ordered x values (time)
-- Every label is given by the caller (no language is built in), numbers are written by
-- `spec.format` (charts.number{decimals=, decimal=","} makes one with a decimal comma), and
-- every chart has a text alternative (<title>, <desc>, role="img", aria-labelledby) and its
-- numbers as a table: charts.table(spec) gives { columns, rows } in the shape of a report
-- table, which the renderers show beside the SVG (HTML) or instead of it (other formats).
local M = {}

M.kinds = { "radar", "dots", "bars", "lights", "lines" }

-- ---------------------------------------------------------------- helpers

local ENTITIES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }
local plain = require("qm.width").plain   -- no control characters (and UTF-8): nothing to drop
local function esc(s)
  s = tostring(s)
  if not plain(s) then s = s:gsub("[%z\1-\8\11\12\14-\31]", "") end
  if not s:find("[&<>\"']") then return s end
  return (s:gsub("[&<>\"']", ENTITIES))
end
M.escape = esc

local numtext = require "qm.numtext"
local fixed_text, sorted_text = numtext.fixed, numtext.sorted

-- a coordinate: one decimal, "." always (SVG syntax), no "-0", no trailing ".0": %.1f with its
-- zero decimal dropped (qm.numtext; a chart writes hundreds of coordinates)
local function c(v)
  return fixed_text(v + 0.0, 1, true, ".")
end
M.coord = c

-- charts.number{ decimals = 1, decimal = ".", percent = false } -> function(v) -> string
-- Fixed formatting: rounded to `decimals`, trailing zeros dropped, `decimal` as the mark;
-- percent multiplies by 100 and appends "%". nil (missing) is written "–".
-- (The text is qm.numtext's fixed(), engine/numtext.c: %.<decimals>f, trimmed, "-0" as "0",
-- the mark for the point; a number as a float, as the format above made it.)
local NUMBER = setmetatable({}, { __mode = "k" })   -- charts.number's formatters -> { decimals, mark }
function M.number(opts)
  opts = opts or {}
  local d, mark, pct = opts.decimals or 1, opts.decimal or ".", opts.percent
  -- the texts of the numbers seen, up to 512 of them (a chart's scores repeat: 0-100 in 5s)
  local memo, size = {}, 0
  local f = function(v)
    if v == nil or type(v) ~= "number" or v ~= v then return "–" end
    local s = memo[v]
    if s then return s end
    local x = pct and v * 100 or v
    s = fixed_text(x + 0.0, d, d > 0, mark)
    if pct then s = s .. "%" end
    if size < 512 then memo[v] = s; size = size + 1 end
    return s
  end
  if not pct then NUMBER[f] = { d, mark } end
  return f
end

local function fmt_of(spec) return spec.format or M.number() end

local function label_of(spec, key, default)
  return (spec.labels and spec.labels[key]) or default
end

-- rough text width in pixels (the SVG is laid out without measuring fonts)
local function text_w(s, size)
  local ok, n = pcall(utf8.len, s)
  return ((ok and n) or #s) * size * 0.56
end

-- words wrapped into at most `lines` lines of about `width` characters; the last is cut with "…"
local function wrap(s, width, lines)
  s = tostring(s)
  local out, cur = {}, ""
  for word in s:gmatch("%S+") do
    local len = utf8.len(cur) or #cur
    if cur == "" then cur = word
    elseif len + 1 + (utf8.len(word) or #word) <= width then cur = cur .. " " .. word
    else out[#out + 1] = cur; cur = word end
  end
  if cur ~= "" then out[#out + 1] = cur end
  if #out == 0 then out[1] = "" end
  for i, l in ipairs(out) do
    local n = utf8.len(l) or #l
    if n > width then
      out[i] = l:sub(1, (utf8.offset(l, width) or (width + 1)) - 1) .. "…"
    end
  end
  if #out > lines then
    local last = out[lines]
    local n = utf8.len(last) or #last
    if n >= width then last = last:sub(1, (utf8.offset(last, width) or (width + 1)) - 1) end
    out[lines] = last .. "…"
    for i = #out, lines + 1, -1 do out[i] = nil end
  end
  return out
end
M.wrap = wrap

local function text(x, y, s, attrs)
  return ('<text x="%s" y="%s"%s>%s</text>'):format(c(x), c(y), attrs or "", esc(s))
end

-- a text of several lines (tspans), the first at y
local function text_lines(x, y, lines, lh, attrs)
  local parts = { ('<text x="%s" y="%s"%s>'):format(c(x), c(y), attrs or "") }
  for i, l in ipairs(lines) do
    parts[#parts + 1] = ('<tspan x="%s"%s>%s</tspan>'):format(c(x), i > 1 and (' dy="%s"'):format(c(lh)) or "", esc(l))
  end
  parts[#parts + 1] = "</text>"
  return table.concat(parts)
end

-- nice tick values between lo and hi: about n steps of 1, 2, 2.5 or 5 times a power of ten
local function ticks(lo, hi, n)
  if hi <= lo then return { lo } end
  local raw = (hi - lo) / (n or 4)
  local p = 10 ^ math.floor(math.log(raw, 10))
  local step
  for _, m in ipairs({ 1, 2, 2.5, 5, 10 }) do
    if m * p >= raw - 1e-12 then step = m * p; break end
  end
  local out, v = {}, math.ceil(lo / step - 1e-9) * step
  while v <= hi + 1e-9 do
    out[#out + 1] = math.abs(v) < 1e-12 and 0 or v
    v = v + step
  end
  return out
end
M.ticks = ticks

local function clamp01(x) if x < 0 then return 0 end if x > 1 then return 1 end return x end

local function isnum(v) return type(v) == "number" and v == v end

-- Okabe-Ito: distinguishable with the common colour-vision deficiencies
local PALETTE = { "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000" }
local DASHES = { "", "6 3", "2 2", "8 3 2 3", "1 3" }
M.palette = PALETTE

local FONT = ' font-family="DejaVu Sans, Verdana, Arial, sans-serif"'

-- the opening <svg> with its text alternative; id makes the aria references unique
local function open(spec, id, w, h)
  local title = spec.title or ""
  return table.concat {
    ('<svg xmlns="http://www.w3.org/2000/svg" class="qm-chart qm-chart-%s" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc"%s font-size="12">')
      :format(spec.type, c(w), c(h), c(w), c(h), id, id, FONT),
    ('<title id="%s-title">%s</title>'):format(id, esc(title)),
    ('<desc id="%s-desc">%s</desc>'):format(id, esc(M.describe(spec))),
  }
end

-- marker shapes for series (circle, square, triangle, diamond, cross): shape as well as colour
local function marker(kind, x, y, r, colour)
  local i = (kind - 1) % 5 + 1
  if i == 1 then
    return ('<circle cx="%s" cy="%s" r="%s" fill="%s"/>'):format(c(x), c(y), c(r), colour)
  elseif i == 2 then
    return ('<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>'):format(c(x - r), c(y - r), c(2 * r), c(2 * r), colour)
  elseif i == 3 then
    return ('<path d="M%s %sL%s %sL%s %sZ" fill="%s"/>'):format(c(x), c(y - r * 1.2), c(x + r * 1.1), c(y + r * 0.9), c(x - r * 1.1), c(y + r * 0.9), colour)
  elseif i == 4 then
    return ('<path d="M%s %sL%s %sL%s %sL%s %sZ" fill="%s"/>'):format(c(x), c(y - r * 1.3), c(x + r * 1.3), c(y), c(x), c(y + r * 1.3), c(x - r * 1.3), c(y), colour)
  end
  return ('<path d="M%s %sL%s %sM%s %sL%s %s" stroke="%s" stroke-width="2.5"/>'):format(c(x - r), c(y - r), c(x + r), c(y + r), c(x - r), c(y + r), c(x + r), c(y - r), colour)
end

-- ---------------------------------------------------------------- validation

local function need(cond, msg) if not cond then error("chart: " .. msg, 0) end end

local function check_common(spec)
  need(type(spec) == "table", "expected a table")
  need(type(spec.type) == "string", "needs a type (radar, dots, bars, lights or lines)")
  need(spec.format == nil or type(spec.format) == "function", "format must be a function(number) -> string")
end

local function scale_of(spec, values)
  local lo, hi = spec.min, spec.max
  if lo == nil or hi == nil then
    local vmin, vmax
    for _, v in ipairs(values) do
      if isnum(v) then vmin = math.min(vmin or v, v); vmax = math.max(vmax or v, v) end
    end
    lo = lo or math.min(0, vmin or 0)
    hi = hi or ((vmax and vmax > lo) and vmax or lo + 1)
  end
  need(isnum(lo) and isnum(hi) and hi > lo, "max must be greater than min")
  return lo, hi
end

-- ---------------------------------------------------------------- radar

local RADAR_R = 130

-- the point of value v on axis i of n (axis 1 points straight up, then clockwise)
function M.radar_point(cx, cy, r, i, n, t)
  local a = -math.pi / 2 + 2 * math.pi * (i - 1) / n
  return cx + r * t * math.cos(a), cy + r * t * math.sin(a), a
end

local function radar(spec, id, check_only)
  need(type(spec.axes) == "table" and #spec.axes >= 3, "a radar needs at least three axes")
  local fmt = fmt_of(spec)
  local vals = {}
  for i, a in ipairs(spec.axes) do vals[i] = a.value end
  local lo, hi = scale_of(spec, vals)
  if check_only then return end
  local n, R = #spec.axes, RADAR_R
  local W, H = 2 * (R + 140), 2 * (R + 58) + 34
  local cx, cy = W / 2, R + 58
  local function t(v) return clamp01((v - lo) / (hi - lo)) end
  local parts = { open(spec, id, W, H) }
  -- rings at the scale's ticks, labelled along the first axis
  for _, v in ipairs(ticks(lo, hi, 4)) do
    if v > lo then
      local pts = {}
      for i = 1, n do local x, y = M.radar_point(cx, cy, R, i, n, t(v)); pts[i] = c(x) .. "," .. c(y) end
      parts[#parts + 1] = ('<polygon points="%s" fill="none" stroke="#c8c8c8" stroke-width="1"/>'):format(table.concat(pts, " "))
      parts[#parts + 1] = text(cx + 4, cy - R * t(v) + 11, fmt(v), ' fill="#666" font-size="10"')
    end
  end
  for i = 1, n do
    local x, y = M.radar_point(cx, cy, R, i, n, 1)
    parts[#parts + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#c8c8c8"/>'):format(c(cx), c(cy), c(x), c(y))
  end
  if isnum(spec.target) then
    local pts = {}
    for i = 1, n do local x, y = M.radar_point(cx, cy, R, i, n, t(spec.target)); pts[i] = c(x) .. "," .. c(y) end
    parts[#parts + 1] = ('<polygon class="target" points="%s" fill="none" stroke="#D55E00" stroke-width="2" stroke-dasharray="6 4"/>'):format(table.concat(pts, " "))
  end
  -- the values: a filled polygon when every axis has one, else only the points
  local pts, complete = {}, true
  for i, a in ipairs(spec.axes) do
    if isnum(a.value) then
      local x, y = M.radar_point(cx, cy, R, i, n, t(a.value)); pts[#pts + 1] = c(x) .. "," .. c(y)
    else complete = false end
  end
  if complete then
    parts[#parts + 1] = ('<polygon class="values" points="%s" fill="#0072B2" fill-opacity="0.2" stroke="#0072B2" stroke-width="2"/>'):format(table.concat(pts, " "))
  end
  for i, a in ipairs(spec.axes) do
    if isnum(a.value) then
      local x, y = M.radar_point(cx, cy, R, i, n, t(a.value))
      parts[#parts + 1] = ('<circle cx="%s" cy="%s" r="4" fill="#0072B2"/>'):format(c(x), c(y))
    end
  end
  -- axis labels: the axis's name (up to two lines) and its value in bold
  for i, a in ipairs(spec.axes) do
    local x, y, ang = M.radar_point(cx, cy, R + 14, i, n, 1)
    local cs, sn = math.cos(ang), math.sin(ang)
    local anchor = cs > 0.3 and "start" or (cs < -0.3 and "end" or "middle")
    local lines = wrap(a.label or "", 24, 2)
    lines[#lines + 1] = fmt(a.value)
    local lh = 13
    local y0 = y + 4
    if sn < -0.3 then y0 = y - (#lines - 1) * lh
    elseif sn <= 0.3 then y0 = y + 4 - (#lines - 1) * lh / 2 end
    local tl = { ('<text x="%s" y="%s" text-anchor="%s" fill="#222">'):format(c(x), c(y0), anchor) }
    for j, l in ipairs(lines) do
      tl[#tl + 1] = ('<tspan x="%s"%s%s>%s</tspan>'):format(c(x), j > 1 and (' dy="%s"'):format(lh) or "",
        j == #lines and ' font-weight="bold"' or "", esc(l))
    end
    tl[#tl + 1] = "</text>"
    parts[#parts + 1] = table.concat(tl)
  end
  -- legend
  local ly = H - 14
  parts[#parts + 1] = ('<rect x="%s" y="%s" width="18" height="10" fill="#0072B2" fill-opacity="0.2" stroke="#0072B2" stroke-width="2"/>'):format(c(20), c(ly - 9))
  parts[#parts + 1] = text(44, ly, label_of(spec, "value", "value"), ' fill="#222"')
  if isnum(spec.target) then
    local lx = 44 + text_w(label_of(spec, "value", "value"), 12) + 24
    parts[#parts + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#D55E00" stroke-width="2" stroke-dasharray="6 4"/>'):format(c(lx), c(ly - 4), c(lx + 22), c(ly - 4))
    parts[#parts + 1] = text(lx + 28, ly, label_of(spec, "target", "target") .. " " .. fmt(spec.target), ' fill="#222"')
  end
  parts[#parts + 1] = "</svg>"
  return table.concat(parts)
end

-- ---------------------------------------------------------------- dots (score spread)

local function dots(spec, id, check_only)
  need(type(spec.rows) == "table", "a dot chart needs rows = { {label=, scores={...}, agreed=}, ... }")
  local fmt = fmt_of(spec)
  local all = {}
  for _, r in ipairs(spec.rows) do
    for _, s in ipairs(r.scores or {}) do all[#all + 1] = s end
    all[#all + 1] = r.agreed
  end
  local lo, hi = scale_of(spec, all)
  if check_only then return end
  local LW, PW, RW = 220, 320, 56          -- label column, plot, agreed value column
  local top, rowh = 44, 30
  local W, H = LW + PW + RW + 16, top + rowh * #spec.rows + 16
  local x0 = LW + 8
  local function X(v) return x0 + PW * clamp01((v - lo) / (hi - lo)) end
  local parts = { open(spec, id, W, H) }
  -- legend, and the axis with its ticks at the top
  parts[#parts + 1] = ('<circle cx="%s" cy="10" r="4" fill="#56B4E9" stroke="#0072B2"/>'):format(c(x0 + 4))
  parts[#parts + 1] = text(x0 + 12, 14, label_of(spec, "scores", "scores"), ' fill="#222"')
  local lx = x0 + 12 + text_w(label_of(spec, "scores", "scores"), 12) + 18
  parts[#parts + 1] = ('<path d="M%s 4L%s 10L%s 16L%s 10Z" fill="#000"/>'):format(c(lx), c(lx + 6), c(lx), c(lx - 6))
  parts[#parts + 1] = text(lx + 10, 14, label_of(spec, "agreed", "agreed"), ' fill="#222"')
  if isnum(spec.target) then
    local tx = lx + 10 + text_w(label_of(spec, "agreed", "agreed"), 12) + 18
    parts[#parts + 1] = ('<line x1="%s" y1="4" x2="%s" y2="16" stroke="#D55E00" stroke-width="2" stroke-dasharray="4 3"/>'):format(c(tx), c(tx))
    parts[#parts + 1] = text(tx + 6, 14, label_of(spec, "target", "target") .. " " .. fmt(spec.target), ' fill="#222"')
  end
  local axis_y = top - 6
  parts[#parts + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888"/>'):format(c(x0), c(axis_y), c(x0 + PW), c(axis_y))
  for _, v in ipairs(ticks(lo, hi, 5)) do
    parts[#parts + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e2e2e2"/>'):format(c(X(v)), c(axis_y), c(X(v)), c(H - 10))
    parts[#parts + 1] = text(X(v), axis_y - 4, fmt(v), ' text-anchor="middle" fill="#666" font-size="10"')
  end
  if isnum(spec.target) then
    parts[#parts + 1] = ('<line class="target" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#D55E00" stroke-width="2" stroke-dasharray="4 3"/>')
      :format(c(X(spec.target)), c(axis_y), c(X(spec.target)), c(H - 10))
  end
  parts[#parts + 1] = text(x0 + PW + RW - 4, axis_y - 4, label_of(spec, "agreed", "agreed"), ' text-anchor="end" fill="#666" font-size="10"')
  for i, r in ipairs(spec.rows) do
    local yc = top + rowh * (i - 1) + rowh / 2
    if i % 2 == 0 then
      parts[#parts + 1] = ('<rect x="0" y="%s" width="%s" height="%s" fill="#f4f4f4"/>'):format(c(yc - rowh / 2), c(W), c(rowh))
    end
    local lines = wrap(r.label or "", 34, 2)
    parts[#parts + 1] = text_lines(LW, yc + 4 - (#lines - 1) * 6.5, lines, 13, ' text-anchor="end" fill="#222"')
    -- equal scores are stacked vertically around the row's centre line
    local count, seen = {}, {}
    local sorted = {}
    for _, s in ipairs(r.scores or {}) do if isnum(s) then sorted[#sorted + 1] = s end end
    table.sort(sorted)
    for _, s in ipairs(sorted) do count[s] = (count[s] or 0) + 1 end
    for _, s in ipairs(sorted) do
      seen[s] = (seen[s] or 0) + 1
      local k, n = seen[s], count[s]
      local gap = math.min(6, (rowh - 10) / math.max(1, n - 1))
      local y = yc + (k - (n + 1) / 2) * gap
      parts[#parts + 1] = ('<circle cx="%s" cy="%s" r="4" fill="#56B4E9" fill-opacity="0.8" stroke="#0072B2" stroke-width="1"/>'):format(c(X(s)), c(y))
    end
    if isnum(r.agreed) then
      local x = X(r.agreed)
      parts[#parts + 1] = ('<path class="agreed" d="M%s %sL%s %sL%s %sL%s %sZ" fill="#000"/>'):format(c(x), c(yc - 7), c(x + 7), c(yc), c(x), c(yc + 7), c(x - 7), c(yc))
    end
    parts[#parts + 1] = text(x0 + PW + RW - 4, yc + 4, fmt(r.agreed), ' text-anchor="end" font-weight="bold" fill="#222"')
  end
  parts[#parts + 1] = "</svg>"
  return table.concat(parts)
end

-- ---------------------------------------------------------------- bars (before/after)

local function bars(spec, id, check_only)
  need(type(spec.categories) == "table", "a bar chart needs categories = { {label=, values={...}}, ... }")
  need(type(spec.series) == "table" and #spec.series >= 1, "a bar chart needs series = { label, ... }")
  local fmt = fmt_of(spec)
  local all = {}
  for _, cat in ipairs(spec.categories) do
    for k = 1, #spec.series do all[#all + 1] = cat.values and cat.values[k] end
  end
  local lo, hi = scale_of(spec, all)
  if check_only then return end
  local ns = #spec.series
  local LW, PW, VW = 220, 300, 64
  local bh, gap = 14, 3
  local group = ns * bh + (ns - 1) * gap + 14
  local top = 30
  local W, H = LW + PW + VW + 16, top + group * #spec.categories + 22
  local x0 = LW + 8
  local function X(v) return x0 + PW * clamp01((v - lo) / (hi - lo)) end
  local parts = { open(spec, id, W, H) }
  -- series: colour, and a hatch on every other one, so they differ without colour too
  local fills = {}
  parts[#parts + 1] = "<defs>"
  for k = 1, ns do
    local colour = PALETTE[(k - 1) % #PALETTE + 1]
    if k % 2 == 1 and ns > 1 then
      local pid = ("%s-hatch-%d"):format(id, k)
      parts[#parts + 1] = ('<pattern id="%s" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="%s"/></pattern>'):format(pid, colour)
      fills[k] = { fill = "url(#" .. pid .. ")", stroke = colour }
    else
      fills[k] = { fill = colour, stroke = colour }
    end
  end
  parts[#parts + 1] = "</defs>"
  local lx = x0
  for k, s in ipairs(spec.series) do
    parts[#parts + 1] = ('<rect x="%s" y="6" width="16" height="12" fill="%s" stroke="%s"/>'):format(c(lx), fills[k].fill, fills[k].stroke)
    parts[#parts + 1] = text(lx + 22, 16, s, ' fill="#222"')
    lx = lx + 22 + text_w(s, 12) + 20
  end
  for _, v in ipairs(ticks(lo, hi, 4)) do
    parts[#parts + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e2e2e2"/>'):format(c(X(v)), c(top - 4), c(X(v)), c(H - 18))
    parts[#parts + 1] = text(X(v), H - 5, fmt(v), ' text-anchor="middle" fill="#666" font-size="10"')
  end
  if isnum(spec.target) then
    parts[#parts + 1] = ('<line class="target" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#D55E00" stroke-width="2" stroke-dasharray="4 3"/>')
      :format(c(X(spec.target)), c(top - 4), c(X(spec.target)), c(H - 18))
  end
  parts[#parts + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888"/>'):format(c(x0), c(top - 4), c(x0), c(H - 18))
  for i, cat in ipairs(spec.categories) do
    local gy = top + group * (i - 1)
    local lines = wrap(cat.label or "", 34, 2)
    local mid = gy + (group - 14) / 2
    parts[#parts + 1] = text_lines(LW, mid + 4 - (#lines - 1) * 6.5, lines, 13, ' text-anchor="end" fill="#222"')
    for k = 1, ns do
      local v = cat.values and cat.values[k]
      local y = gy + (k - 1) * (bh + gap)
      if isnum(v) then
        local w = X(v) - x0
        parts[#parts + 1] = ('<rect class="bar s%d" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s"/>'):format(k, c(x0), c(y), c(w), c(bh), fills[k].fill, fills[k].stroke)
      end
      parts[#parts + 1] = text(X(isnum(v) and v or lo) + 4, y + bh - 3, fmt(v), ' fill="#222" font-size="11"')
    end
  end
  parts[#parts + 1] = "</svg>"
  return table.concat(parts)
end

-- ---------------------------------------------------------------- lights (status)

-- A status's tone decides its colour and symbol; the word beside it is the caller's. Known
-- status keys of qm's vocabularies have a tone; spec.tones = { key = tone } adds others.
M.tones = {
  good = { colour = "#1a7f37", symbol = "check" },
  track = { colour = "#1a7f37", symbol = "arrow" },
  warn = { colour = "#b26a00", symbol = "bang" },
  bad = { colour = "#c62828", symbol = "cross" },
  info = { colour = "#0072B2", symbol = "dots" },
  none = { colour = "#6e6e6e", symbol = "question" },
}
M.status_tones = {
  achieved = "good", ["on track"] = "track", done = "good", ok = "good",
  pending = "info", planned = "info", started = "info",
  warning = "warn", overdue = "bad", ["not achieved"] = "bad", cancelled = "none",
  ["not evaluable"] = "none",
}

local function symbol(kind, x, y)
  if kind == "check" then
    return ('<path d="M%s %sL%s %sL%s %s" fill="none" stroke="#fff" stroke-width="2.2"/>'):format(c(x - 4), c(y), c(x - 1), c(y + 3.5), c(x + 4.5), c(y - 4))
  elseif kind == "cross" then
    return ('<path d="M%s %sL%s %sM%s %sL%s %s" stroke="#fff" stroke-width="2.2"/>'):format(c(x - 3.5), c(y - 3.5), c(x + 3.5), c(y + 3.5), c(x - 3.5), c(y + 3.5), c(x + 3.5), c(y - 3.5))
  elseif kind == "bang" then
    return ('<path d="M%s %sL%s %s" stroke="#fff" stroke-width="2.2"/><circle cx="%s" cy="%s" r="1.3" fill="#fff"/>'):format(c(x), c(y - 5), c(x), c(y + 1), c(x), c(y + 4.2))
  elseif kind == "arrow" then
    return ('<path d="M%s %sL%s %sM%s %sL%s %sL%s %s" fill="none" stroke="#fff" stroke-width="2.2"/>')
      :format(c(x - 4.5), c(y), c(x + 4), c(y), c(x + 0.5), c(y - 3.5), c(x + 4), c(y), c(x + 0.5), c(y + 3.5))
  elseif kind == "dots" then
    return ('<circle cx="%s" cy="%s" r="1.4" fill="#fff"/><circle cx="%s" cy="%s" r="1.4" fill="#fff"/><circle cx="%s" cy="%s" r="1.4" fill="#fff"/>')
      :format(c(x - 4), c(y), c(x), c(y), c(x + 4), c(y))
  end
  return text(x, y + 4, "?", ' text-anchor="middle" fill="#fff" font-weight="bold" font-size="11"')
end

function M.tone_of(spec, status)
  local tones = spec.tones or {}
  local name = tones[status] or M.status_tones[status] or "none"
  return M.tones[name] or M.tones.none, name
end

local function lights(spec, id, check_only)
  need(type(spec.items) == "table", "a status chart needs items = { {label=, status=, word=}, ... }")
  if check_only then return end
  local rowh = 24
  local wordw = 0
  for _, it in ipairs(spec.items) do wordw = math.max(wordw, text_w(it.word or it.status or "", 12)) end
  wordw = math.max(wordw, 40)
  local W, H = 34 + wordw + 16 + 360, 8 + rowh * #spec.items + 4
  local parts = { open(spec, id, W, H) }
  for i, it in ipairs(spec.items) do
    local yc = 8 + rowh * (i - 1) + rowh / 2
    local tone, name = M.tone_of(spec, it.status)
    parts[#parts + 1] = ('<g class="light %s">'):format(name)
    parts[#parts + 1] = ('<circle cx="16" cy="%s" r="9" fill="%s"/>'):format(c(yc), tone.colour)
    parts[#parts + 1] = symbol(tone.symbol, 16, yc)
    parts[#parts + 1] = "</g>"
    parts[#parts + 1] = text(32, yc + 4, it.word or it.status or "", ' font-weight="bold" fill="' .. tone.colour .. '"')
    parts[#parts + 1] = text(32 + wordw + 16, yc + 4, wrap(it.label or "", 58, 1)[1], ' fill="#222"')
  end
  parts[#parts + 1] = "</svg>"
  return table.concat(parts)
end

-- ---------------------------------------------------------------- lines (progression)

-- a series' value at the i-th x: values may be an array aligned with spec.x, or keyed by x
local function series_value(s, i, x)
  local vals = s.values or {}
  local v
  if type(x) == "string" and vals[x] ~= nil then v = vals[x] else v = vals[i] end
  return isnum(v) and v or nil
end

local function lines(spec, id, check_only)
  need(type(spec.x) == "table" and #spec.x >= 1, "a line chart needs x = { the x values in order }")
  need(type(spec.series) == "table", "a line chart needs series = { {label=, values=...}, ... }")
  local fmt = fmt_of(spec)
  local all = {}
  for _, s in ipairs(spec.series) do
    for i, x in ipairs(spec.x) do all[#all + 1] = series_value(s, i, x) end
  end
  local lo, hi = scale_of(spec, all)
  if check_only then return end
  local L, PW, PH, top = 48, 460, 220, 12
  local legend_rows = #spec.series
  local W, H = L + PW + 24, top + PH + 44 + legend_rows * 18
  local nx = #spec.x
  local function X(i) return L + (nx == 1 and PW / 2 or PW * (i - 1) / (nx - 1)) end
  local function Y(v) return top + PH * (1 - clamp01((v - lo) / (hi - lo))) end
  local parts = { open(spec, id, W, H) }
  for _, v in ipairs(ticks(lo, hi, 4)) do
    parts[#parts + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e2e2e2"/>'):format(c(L), c(Y(v)), c(L + PW), c(Y(v)))
    parts[#parts + 1] = text(L - 6, Y(v) + 4, fmt(v), ' text-anchor="end" fill="#666" font-size="10"')
  end
  parts[#parts + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888"/>'):format(c(L), c(top + PH), c(L + PW), c(top + PH))
  -- x labels: all when they fit, else every k-th (the first and the last always)
  local every = math.max(1, math.ceil(nx * 70 / PW))
  for i, x in ipairs(spec.x) do
    if (i - 1) % every == 0 or i == nx then
      parts[#parts + 1] = text(X(i), top + PH + 16, tostring(x), ' text-anchor="middle" fill="#444" font-size="10"')
    end
  end
  for k, s in ipairs(spec.series) do
    local colour = PALETTE[(k - 1) % #PALETTE + 1]
    local dash = DASHES[(k - 1) % #DASHES + 1]
    -- a missing value breaks the line (no value is invented)
    local d, pen = {}, false
    for i, x in ipairs(spec.x) do
      local v = series_value(s, i, x)
      if v then d[#d + 1] = (pen and "L" or "M") .. c(X(i)) .. " " .. c(Y(v)); pen = true else pen = false end
    end
    if #d > 0 then
      parts[#parts + 1] = ('<path class="series s%d" d="%s" fill="none" stroke="%s" stroke-width="2"%s/>')
        :format(k, table.concat(d), colour, dash ~= "" and (' stroke-dasharray="%s"'):format(dash) or "")
    end
    for i, x in ipairs(spec.x) do
      local v = series_value(s, i, x)
      if v then parts[#parts + 1] = marker(k, X(i), Y(v), 3.5, colour) end
    end
    local ly = top + PH + 36 + (k - 1) * 18
    parts[#parts + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>')
      :format(c(L), c(ly - 4), c(L + 28), c(ly - 4), colour, dash ~= "" and (' stroke-dasharray="%s"'):format(dash) or "")
    parts[#parts + 1] = marker(k, L + 14, ly - 4, 3.5, colour)
    parts[#parts + 1] = text(L + 36, ly, s.label or "", ' fill="#222"')
  end
  parts[#parts + 1] = "</svg>"
  return table.concat(parts)
end

-- ---------------------------------------------------------------- the text alternative

-- "label: value; label: value ..." from the data (language-neutral: the labels are the
-- caller's, numbers through spec.format); spec.desc replaces it
function M.describe(spec)
  if spec.desc then return spec.desc end
  local fmt = fmt_of(spec)
  local out = {}
  if spec.type == "radar" then
    for _, a in ipairs(spec.axes or {}) do out[#out + 1] = ("%s: %s"):format(a.label or "", fmt(a.value)) end
    if isnum(spec.target) then out[#out + 1] = ("%s: %s"):format(label_of(spec, "target", "target"), fmt(spec.target)) end
  elseif spec.type == "dots" then
    for _, r in ipairs(spec.rows or {}) do
      local ss = {}
      for i, s in ipairs(r.scores or {}) do ss[i] = fmt(s) end
      out[#out + 1] = ("%s: %s %s (%s)"):format(r.label or "", label_of(spec, "agreed", "agreed"), fmt(r.agreed), table.concat(ss, ", "))
    end
  elseif spec.type == "bars" then
    for _, cat in ipairs(spec.categories or {}) do
      local vs = {}
      for k, s in ipairs(spec.series or {}) do vs[k] = ("%s %s"):format(s, fmt(cat.values and cat.values[k])) end
      out[#out + 1] = ("%s: %s"):format(cat.label or "", table.concat(vs, ", "))
    end
  elseif spec.type == "lights" then
    for _, it in ipairs(spec.items or {}) do out[#out + 1] = ("%s: %s"):format(it.label or "", it.word or it.status or "") end
  elseif spec.type == "lines" then
    for _, s in ipairs(spec.series or {}) do
      local vs = {}
      for i, x in ipairs(spec.x or {}) do vs[#vs + 1] = ("%s %s"):format(tostring(x), fmt(series_value(s, i, x))) end
      out[#out + 1] = ("%s: %s"):format(s.label or "", table.concat(vs, ", "))
    end
  end
  return table.concat(out, "; ")
end

-- ---------------------------------------------------------------- the data table

-- charts.table(spec) -> { columns = {...}, rows = {...} }: the chart's numbers as a report
-- table. Values stay numbers (a spreadsheet gets numbers); columns format them with
-- spec.format for text, and carry spec.numfmt (and change_numfmt), a spreadsheet number
-- format such as "0%", for xlsx.
function M.table(spec)
  check_common(spec)
  local fmt = fmt_of(spec)
  local function f(v) if v == nil then return nil end return fmt(v) end
  local cols, rows = {}, {}
  if spec.type == "radar" then
    cols = { { key = "label", title = label_of(spec, "axis", "axis") }, { key = "value", title = label_of(spec, "value", "value"), format = f, align = "right", numfmt = spec.numfmt } }
    if isnum(spec.target) then cols[3] = { key = "target", title = label_of(spec, "target", "target"), format = f, align = "right", numfmt = spec.numfmt } end
    for i, a in ipairs(spec.axes or {}) do rows[i] = { label = a.label, value = isnum(a.value) and a.value or nil, target = spec.target } end
  elseif spec.type == "dots" then
    cols = { { key = "label", title = label_of(spec, "item", "item") },
      { key = "scores", title = label_of(spec, "scores", "scores"), align = "right" },
      { key = "agreed", title = label_of(spec, "agreed", "agreed"), format = f, align = "right", numfmt = spec.numfmt } }
    -- each row's scores sorted and written with the chart's format, " " between them; with a
    -- charts.number format in one call (qm.numtext.sorted: the same text)
    local number = NUMBER[fmt]
    for i, r in ipairs(spec.rows or {}) do
      local scores
      if number and type(r.scores) == "table" then
        scores = sorted_text(r.scores, number[1], number[2], " ")
      else
        local ss, n = {}, 0
        for _, s in ipairs(r.scores or {}) do
          if type(s) == "number" and s == s then n = n + 1; ss[n] = s end
        end
        table.sort(ss)
        for j, s in ipairs(ss) do ss[j] = fmt(s) end
        scores = table.concat(ss, " ")
      end
      rows[i] = { label = r.label, scores = scores, agreed = isnum(r.agreed) and r.agreed or nil }
    end
  elseif spec.type == "bars" then
    cols = { { key = "label", title = label_of(spec, "category", "category") } }
    for k, s in ipairs(spec.series or {}) do cols[#cols + 1] = { key = "s" .. k, title = s, format = f, align = "right", numfmt = spec.numfmt } end
    local with_change = spec.change and #(spec.series or {}) >= 2
    local cf = spec.change_format or function(v)
      if v == nil then return nil end
      local s = fmt(v)
      return (v > 0 and "+" or "") .. s
    end
    if with_change then cols[#cols + 1] = { key = "change", title = label_of(spec, "change", "change"), format = cf, align = "right", numfmt = spec.change_numfmt or spec.numfmt } end
    for i, cat in ipairs(spec.categories or {}) do
      local row = { label = cat.label }
      for k = 1, #(spec.series or {}) do local v = cat.values and cat.values[k]; row["s" .. k] = isnum(v) and v or nil end
      if with_change then
        local a, b = row.s1, row["s" .. #spec.series]
        row.change = (a and b) and (b - a) or nil
      end
      rows[i] = row
    end
  elseif spec.type == "lights" then
    cols = { { key = "label", title = label_of(spec, "item", "item") }, { key = "word", title = label_of(spec, "status", "status") } }
    for i, it in ipairs(spec.items or {}) do rows[i] = { label = it.label, word = it.word or it.status, status = it.status } end
  elseif spec.type == "lines" then
    cols = { { key = "x", title = label_of(spec, "x", "x") } }
    for k, s in ipairs(spec.series or {}) do cols[#cols + 1] = { key = "s" .. k, title = s.label, format = f, align = "right", numfmt = spec.numfmt } end
    for i, x in ipairs(spec.x or {}) do
      local row = { x = x }
      for k, s in ipairs(spec.series or {}) do row["s" .. k] = series_value(s, i, x) end
      rows[i] = row
    end
  else
    need(false, ("unknown chart type %q (use %s)"):format(tostring(spec.type), table.concat(M.kinds, ", ")))
  end
  return { columns = cols, rows = rows }
end

-- ---------------------------------------------------------------- entry point

local makers = { radar = radar, dots = dots, bars = bars, lights = lights, lines = lines }

-- charts.svg(spec, id) -> the SVG text; id (letters, digits, "-") makes the references to
-- <title>/<desc> and patterns unique in a page; the document numbers its charts in order.
function M.svg(spec, id, check_only)
  check_common(spec)
  local make = makers[spec.type]
  need(make, ("unknown chart type %q (use %s)"):format(tostring(spec.type), table.concat(M.kinds, ", ")))
  id = id or spec.id or ("qm-chart-" .. spec.type)
  need(type(id) == "string" and id:match("^[%a][%w%-_]*$"), "id must be letters, digits, - or _")
  return make(spec, id, check_only)
end

-- charts.check(spec): raises what charts.svg would for a spec it refuses (type, shape, the
-- scale's min and max), without drawing: the text formats never draw the SVG, and drawing
-- it only to check was 29 % of the konsensusrapport's work (nine charts)
function M.check(spec)
  M.svg(spec, nil, true)
end

return M
