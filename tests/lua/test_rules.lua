-- Tests of the rules: consensus proposals and flags, prioritisation orders, scoring roll-ups,
-- scales, and the small-array statistics.
local t = require "testing"
local consensus = require "qm.consensus"
local prioritise = require "qm.prioritise"
local scoring = require "qm.scoring"
local scale = require "qm.scale"
local stats = require "qm.stats"

local pts = scale.points { 0, 100, step = 5 }
local function q(xs, k) local s = stats.summary(xs, { A = pts.options, step = pts.step, k = k or 5 }); s.dontknow = 0; s.mode_rule_ok = s.mode_outside <= stats.mode_rule_allows(s.n) return s end

t.test("median rule proposes on the scale's grid and flags a wide range", function()
  local p = consensus.apply(consensus.median { max_range = 30 }, q { 50, 55, 60, 95 }, pts)
  t.eq(p.score, 60); t.eq(p.flag, true); t.truthy(p.reason:find("range 45", 1, true))
  t.eq(consensus.apply(consensus.median { max_range = 30 }, q { 50, 55, 60 }, pts).flag, false)
end)

t.test("mean, rwg, percent agreement and mode rules", function()
  t.eq(consensus.apply(consensus.mean { max_sd = 5 }, q { 40, 60 }, pts).flag, true)
  t.eq(consensus.apply(consensus.rwg { cutoff = 0.7 }, q { 50, 50, 55 }, pts).flag, false)
  t.eq(consensus.apply(consensus.rwg { cutoff = 0.7 }, q { 0, 100, 0, 100 }, pts).flag, true)
  t.eq(consensus.apply(consensus.percent_agreement { k = 5, threshold = 0.75 }, q({ 50, 50, 55, 90 }, 5), pts).flag, false)
  t.eq(consensus.apply(consensus.percent_agreement { k = 5, threshold = 0.8 }, q({ 50, 50, 55, 90 }, 5), pts).flag, true)
  local ten = { 60, 60, 60, 60, 60, 60, 60, 70, 80, 90 }
  t.eq(consensus.apply(consensus.mode_rule {}, q(ten), pts).flag, true, "3 of 10 outside the mode")
  ten[10] = 60
  t.eq(consensus.apply(consensus.mode_rule {}, q(ten), pts).flag, false, "2 of 10 outside")
end)

t.test("a Lua function is a consensus rule; the fast path agrees with the full rule", function()
  local r = function(x) return { score = x.max, flag = x.n < 3 } end
  t.eq(consensus.apply(r, q { 10, 20 }, pts).score, 20)
  local m = consensus.median { max_range = 10 }
  for _, xs in ipairs({ { 1, 50 }, { 5, 10 }, { 20 } }) do
    t.eq(m.flags(q(xs)), m(q(xs), pts).flag)
  end
end)

t.test("agenda: flagged first, then widest range, then model order", function()
  local items = consensus.agenda {
    { question = "a", order = 1, flag = false, stats = { range = 40, sd = 1 } },
    { question = "b", order = 2, flag = true, stats = { range = 10, sd = 1 } },
    { question = "c", order = 3, flag = false, stats = { range = 40, sd = 1 } },
    { question = "d", order = 4, flag = false, stats = { range = 60, sd = 1 } },
  }
  local ids = {}
  for i, it in ipairs(items) do ids[i] = it.question end
  t.eq(ids, { "b", "d", "a", "c" })
end)

local function ids(list) local out = {} for i, a in ipairs(list) do out[i] = a.id end return out end

t.test("gap to target, largest first, ties by model order, top in focus", function()
  local areas = { { id = "x", order = 3, score = 50 }, { id = "y", order = 1, score = 50 }, { id = "z", order = 2, score = 70 } }
  local r = prioritise.apply(prioritise.gap { target = 75, top = 2 }, areas)
  t.eq(ids(r), { "y", "x", "z" })
  t.eq({ r[1].in_focus, r[2].in_focus, r[3].in_focus }, { true, true, false })
end)

t.test("impact x effort puts quick wins first", function()
  local r = prioritise.apply(prioritise.impact_effort { threshold = 3 }, {
    { id = "thankless", impact = 1, effort = 5, order = 1 }, { id = "major", impact = 5, effort = 5, order = 2 },
    { id = "quick", impact = 4, effort = 1, order = 3 }, { id = "fill", impact = 1, effort = 1, order = 4 } })
  t.eq(ids(r), { "quick", "major", "fill", "thankless" })
  t.eq(r[1].quadrant, "quick win")
end)

t.test("importance-performance: concentrate here first", function()
  local r = prioritise.apply(prioritise.ipa { midpoint = 3, performance_midpoint = 50 }, {
    { id = "keep", importance = 5, performance = 80, order = 1 }, { id = "conc", importance = 4, performance = 30, order = 2 },
    { id = "low", importance = 1, performance = 20, order = 3 }, { id = "over", importance = 1, performance = 90, order = 4 } })
  t.eq(ids(r), { "conc", "low", "keep", "over" })
end)

t.test("weighted scoring, RICE and MoSCoW", function()
  t.eq(ids(prioritise.apply(prioritise.weighted { weights = { impact = 2, urgency = 1 } }, {
    { id = "a", criteria = { impact = 1, urgency = 5 }, order = 1 }, { id = "b", criteria = { impact = 4, urgency = 1 }, order = 2 } })), { "b", "a" })
  -- an area without a weighted criterion (or a misspelt one) is not ranked on the others alone
  local r = prioritise.apply(prioritise.weighted { weights = { impact = 2, urgency = 1 } }, {
    { id = "a", impact = 5, order = 1 }, { id = "b", impact = 1, urgency = 1, order = 2 } })
  t.eq(ids(r), { "b", "a" })
  t.eq(r[2].reason, "urgency not given"); t.eq(r[1].reason, "weighted score")
  t.eq(r[1].in_focus, true); t.eq(r[2].in_focus, false, "an area the rule cannot value is not in focus")
  t.raises(function() prioritise.weighted { weights = { impact = "2" } } end, "weights are { criterion = number, ... }")
  t.eq(ids(prioritise.apply(prioritise.rice {}, {
    { id = "a", reach = 100, impact = 1, confidence = 0.5, effort = 10, order = 1 },
    { id = "b", reach = 10, impact = 3, confidence = 1, effort = 1, order = 2 } })), { "b", "a" })
  t.eq(ids(prioritise.apply(prioritise.moscow {}, {
    { id = "c", moscow = "could", order = 1 }, { id = "m", moscow = "must", order = 2 }, { id = "w", moscow = "won't", order = 3 },
    { id = "s", moscow = "should", order = 4 } })), { "m", "s", "c", "w" })
end)

t.test("scoring rules", function()
  local items = { { id = "a", value = 60, weight = 1 }, { id = "b", value = 90, weight = 2 } }
  t.eq(scoring.apply(scoring.mean(), items), 75.0)
  t.eq(scoring.apply(scoring.weighted_mean(), items), 80.0)
  t.eq(scoring.apply(scoring.median(), items), 75.0)
  t.eq(scoring.apply(scoring.bands { { 0, 10, points = 0 }, { 11, 70, points = 3 }, { 71, 100, points = 5 } }, items), 5)
  t.eq(scoring.apply(scoring.efqm { points = { a = 100, b = 200 } }, items), 240.0)
  t.eq(scoring.apply(function(it) return #it end, items), 2)
  t.raises(function() scoring.bands { { 0, 10, points = 0 }, { 5, 20, points = 1 } } end, "overlaps band 1")
end)

t.test("scales accept what is on them and refuse the rest", function()
  t.eq(pts:check(75), 75); t.eq(select(2, pts:check(120)), "120 is outside the scale 0-100 in steps of 5")
  t.eq(select(2, pts:check(72)), "72 is not on the scale 0-100 in steps of 5")
  t.eq(pts:check(scale.dontknow), scale.dontknow)
  local yn = scale.yesno { na = true }
  t.eq(yn:check("ja"), 1); t.eq(yn:check("nej"), 0); t.eq(yn:check("na"), scale.na)
  t.eq(select(2, scale.yesno {}:check("na")), "\"not applicable\" is not allowed on this scale (yes/no)")
  -- yes and no are exactly the boolean type's words (what a yes/no column holds), any case
  t.eq(yn:check("TRUE"), 1); t.eq(yn:check(" false "), 0); t.eq(yn:check("Ja"), 1); t.eq(yn:check("1"), 1)
  t.eq(yn:check(true), 1); t.eq(yn:check(0), 0)
  t.eq(select(2, yn:check("j")), "j is not yes or no (1/0, ja/nej, yes/no, true/false, or ikke relevant/na)")
  t.eq(select(2, scale.yesno {}:check("y")), "y is not yes or no (1/0, ja/nej, yes/no, true/false)")
  t.eq(select(2, yn:check(2)), "2 is not yes or no (1/0, ja/nej, yes/no, true/false, or ikke relevant/na)")
  local o = scale.ordinal { 1, 5, labels = { [1] = "Går rigtig skidt", [5] = "Topscore" } }
  t.eq(o.options, 5); t.eq(o:label(5), "Topscore"); t.eq(select(2, o:check(2.5)), "2.5 is not on the scale 1-5")
  local c = scale.caf_classic { panel = "results" }
  t.eq(c:label(4), "Alle mål / stærkt positiv tendens")
  local f = scale.caf_fine { panel = "enablers" }
  t.eq(f:check { plan = 80, ["do"] = 60, check = 40, act = 20 }, 50.0)
  t.truthy(select(2, f:check { plan = 80 }):find("DO score is missing", 1, true))
  t.eq(scale.percent {}:check(33.3), 33.3); t.eq(select(2, scale.count {}:check(1.5)), "1.5 is not a whole number, but the scale is count (0 or more)")
  t.eq(scale.text {}:check("fint"), "fint")
  t.eq(select(2, scale.percent {}:check(1 / 0)), "inf is outside the scale percent 0-100")   -- was "nil is ..."
  t.eq(select(2, pts:check(-1 / 0)), "-inf is outside the scale 0-100 in steps of 5")
end)

t.test("statistics of small panels", function()
  local s = stats.summary({ 2, 4, 4, 4, 5, 5, 7, 9 }, { A = 10, k = 1 })
  t.eq(s.mean, 5.0); t.eq(s.median, 4.5); t.near(s.sd, math.sqrt(32 / 7), 1e-12); t.eq(s.modes, { 4 })
  t.eq(s.range, 7); t.eq(s.iqr, 1.5); t.eq(s.mode_outside, 5)
  t.eq(stats.mode_rule_allows(10), 2); t.eq(stats.mode_rule_allows(12), 3)
end)

t.test("the mode rule resolves tied modes by its ties option, not downwards", function()
  local xs = { 10, 10, 10, 50, 50, 50, 30, 20 }   -- modes 10 and 50
  local function qt(ties)
    local s = stats.summary(xs, { A = pts.options, step = pts.step, k = 5, ties = ties })
    s.dontknow = 0
    return s
  end
  t.eq(consensus.apply(consensus.mode_rule {}, qt("median"), pts).score, 30, "the middle of the tied modes")
  t.eq(consensus.apply(consensus.mode_rule { ties = "highest" }, qt("highest"), pts).score, 50)
  local p = consensus.apply(consensus.mode_rule { ties = "flag" }, qt("flag"), pts)
  t.eq(p.flag, true)
  t.raises(function() consensus.mode_rule { ties = "smallest" } end, "ties must be")
  t.raises(function() consensus.percent_agreement { k = -1 } end, "k must be a number of at least 0")
  -- a percentage for rwg's cutoff flagged every question
  t.raises(function() consensus.rwg { cutoff = 70 } end, "consensus.rwg: cutoff must be a number from 0 to 1")
end)

t.test("a question nobody scored is flagged, and 'all don't know' only when they said so", function()
  local none = stats.summary({}, {})
  none.dontknow = 0
  t.eq(consensus.apply(consensus.median {}, none, pts).reason, "nobody scored it")
  none.dontknow = 3
  local p = consensus.apply(consensus.median {}, none, pts)
  t.eq(p.flag, true); t.eq(p.reason, "nobody scored it (all don't know)")
end)

t.test("percent agreement states the k it used", function()
  local p = consensus.apply(consensus.percent_agreement { threshold = 0.9 }, q({ 50, 50, 55, 90 }, 5), pts)
  t.truthy(p.reason:find("within ±5 of the median", 1, true), p.reason)
end)

t.done()
