-- stats.lua — statistics of small arrays in Lua, with the same definitions as the SQL
-- functions in engine/sqlfuncs.c (docs/db.md), for rules and tests. Work on many rows
-- belongs in SQL; this is for one question's panel.
local M = {}

local function sorted(xs)
  local v = {}
  for i, x in ipairs(xs) do v[i] = x end
  table.sort(v)
  return v
end

-- linear interpolation between closest ranks (as percentile() in SQL)
function M.percentile(xs, p)
  local v = sorted(xs)
  local n = #v
  if n == 0 then return nil end
  if n == 1 then return v[1] end
  local h = (n - 1) * p / 100
  local lo = math.floor(h)
  if lo >= n - 1 then return v[n] end
  return v[lo + 1] + (h - lo) * (v[lo + 2] - v[lo + 1])
end

function M.median(xs) return M.percentile(xs, 50) end

function M.mean(xs)
  if #xs == 0 then return nil end
  local s = 0
  for _, x in ipairs(xs) do s = s + x end
  return s / #xs
end

function M.variance(xs)
  local n = #xs
  if n < 2 then return nil end
  local m = M.mean(xs)
  local s = 0
  for _, x in ipairs(xs) do s = s + (x - m) ^ 2 end
  return s / (n - 1)
end

function M.sd(xs)
  local v = M.variance(xs)
  return v and math.sqrt(v)
end

-- all modes, ascending
function M.modes(xs)
  local counts, best = {}, 0
  for _, x in ipairs(xs) do
    counts[x] = (counts[x] or 0) + 1
    if counts[x] > best then best = counts[x] end
  end
  local out = {}
  for x, c in pairs(counts) do if c == best then out[#out + 1] = x end end
  table.sort(out)
  return out, best
end

function M.rwg(xs, options)
  local s2 = M.variance(xs)
  if not s2 then return nil end
  local r = 1 - s2 / ((options * options - 1) / 12)
  return r < 0 and 0 or r
end

-- the small-panel mode rule: consensus when at most 2 (8-10 raters) or 3 (11-13 raters)
-- fall outside the mode; other panel sizes: at most 20 % outside
function M.mode_rule_allows(n)
  if n >= 8 and n <= 10 then return 2 end
  if n >= 11 and n <= 13 then return 3 end
  return math.floor(n * 0.2)
end

-- every statistic of one question's panel, the same shape as consensus_stats() in SQL
function M.summary(xs, options, k)
  local n = #xs
  if n == 0 then return { n = 0 } end
  local v = sorted(xs)
  local modes, top = M.modes(v)
  local med = M.median(v)
  local within = 0
  for _, x in ipairs(v) do if math.abs(x - med) <= (k or 0) + 1e-9 then within = within + 1 end end
  return { n = n, mean = M.mean(v), median = med, sd = M.sd(v), rwg = options and M.rwg(v, options),
           iqr = M.percentile(v, 75) - M.percentile(v, 25), min = v[1], max = v[n], range = v[n] - v[1],
           modes = modes, mode_outside = n - top, within_k = within / n }
end

return M
