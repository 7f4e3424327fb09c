-- Tests of qm.reports.groups: the smallest group a report that leaves the unit may show, and
-- the suppression rule for groups under a parent whose total a reader can get elsewhere.
local t = require "testing"
local groups = require "qm.reports.groups"

local function rows(list)
  local out = {}
  for i, x in ipairs(list) do out[i] = { id = x[1], parent = x[2], n = x[3] } end
  return out
end
local function size(r) return r.n end
local function parent(r) return r.parent end
local function marks(rs)
  local out = {}
  for _, r in ipairs(rs) do out[#out + 1] = r.id .. "=" .. tostring(r.suppressed or "-") end
  return table.concat(out, " ")
end

t.test("a group under min is hidden, and the smallest other under its parent with it", function()
  local rs = rows { { "a", "t1", 3 }, { "b", "t1", 20 }, { "c", "t1", 18 }, { "d", "t2", 19 }, { "e", "t2", 30 } }
  t.eq(groups.suppress(rs, 5, size, parent), 2)
  t.eq(marks(rs), "a=primary b=- c=secondary d=- e=-")
end)

t.test("hidden groups that hold min together need no more; one that holds fewer takes as many as needed", function()
  local rs = rows { { "a", "t1", 3 }, { "b", "t1", 3 }, { "c", "t1", 40 } }
  t.eq(groups.suppress(rs, 5, size, parent), 2)
  t.eq(marks(rs), "a=primary b=primary c=-")
  rs = rows { { "a", "t1", 1 }, { "b", "t1", 1 }, { "c", "t1", 1 }, { "d", "t1", 9 } }
  groups.suppress(rs, 5, size, parent)
  t.eq(marks(rs), "a=primary b=primary c=primary d=secondary")
  rs = rows { { "a", "t1", 2 }, { "b", "t1", 2 } }
  groups.suppress(rs, 5, size, parent)
  t.eq(marks(rs), "a=primary b=primary", "a parent with no group big enough is hidden whole")
end)

t.test("equal sizes: the first in the table's order goes first", function()
  local rs = rows { { "a", "t1", 2 }, { "b", "t1", 8 }, { "c", "t1", 8 } }
  groups.suppress(rs, 5, size, parent)
  t.eq(marks(rs), "a=primary b=secondary c=-")
end)

t.test("min_group: --min-group, else the model's, else 5; a bad one is an error", function()
  t.eq(groups.min_group({ opts = {} }, {}), 5)
  t.eq(groups.min_group({ opts = {} }, { min_group = 8 }), 8)
  t.eq(groups.min_group({ opts = { ["min-group"] = 3 } }, { min_group = 8 }), 3)
  t.raises(function() groups.min_group({ opts = { ["min-group"] = 0 } }, {}) end, "--min-group 0: give a whole number of at least 1")
  t.raises(function() groups.min_group({ opts = { ["min-group"] = 2.5 } }, {}) end, "--min-group 2.5")
  t.raises(function() groups.min_group({ opts = {} }, { id = "m", where = "m.lua:1", min_group = 0 }) end,
    'm.lua:1: model "m": min_group must be a whole number of at least 1')
end)

t.done()
