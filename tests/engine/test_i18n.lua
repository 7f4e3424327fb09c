-- Tests of qm.reports.i18n and the message catalogues (engine modules: run by qm_engine_test):
-- every key in every language, placeholders, plural forms, Danish numbers and dates, the
-- rules' English reasons read back into Danish, a model's own wording, and a static check that
-- the report modules take their words from the catalogue.
local t = require "testing"
local i18n = require "qm.reports.i18n"

local function keys_of(cat)
  local out = {}
  for k in pairs(cat.messages) do out[#out + 1] = k end
  table.sort(out)
  return out
end

local function placeholders(text)
  local out = {}
  for _, s in ipairs(type(text) == "table" and { text.one, text.other } or { text }) do
    for name in s:gmatch("{([%w_]+)") do out[name] = true end
  end
  local list = {}
  for k in pairs(out) do list[#list + 1] = k end
  table.sort(list)
  return table.concat(list, ",")
end

t.test("there are two report languages, Danish and English", function()
  t.eq(i18n.languages(), { "da", "en" })
  t.eq(i18n.default, "da")
end)

t.test("every message key is in every language, with the same placeholders and plural forms", function()
  local langs = i18n.languages()
  local all = {}
  for _, l in ipairs(langs) do for _, k in ipairs(keys_of(i18n.catalogue(l))) do all[k] = true end end
  local missing = {}
  for k in pairs(all) do
    for _, l in ipairs(langs) do
      local msg = i18n.catalogue(l).messages[k]
      if msg == nil then missing[#missing + 1] = l .. ": " .. k end
    end
  end
  table.sort(missing)
  t.eq(table.concat(missing, "\n"), "", "keys missing in a language")
  for k in pairs(all) do
    local en, da = i18n.catalogue("en").messages[k], i18n.catalogue("da").messages[k]
    t.eq(type(en), type(da), k .. ": plural forms in one language and not the other")
    if type(en) == "table" then t.truthy(en.one and en.other and da.one and da.other, k .. ": one and other") end
    t.eq(placeholders(da), placeholders(en), k .. ": placeholders differ")
  end
end)

t.test("the parity check would catch a key in one language only", function()
  local da = i18n.catalogue("da").messages
  da["test.only_in_danish"] = "kun på dansk"
  local en = i18n.catalogue("en").messages
  t.eq(en["test.only_in_danish"], nil)
  da["test.only_in_danish"] = nil
end)

t.test("messages fill placeholders and choose plural forms by n", function()
  local da, en = i18n.new("da"), i18n.new("en")
  t.eq(da("konsensusrapport.title", { model = "KIK" }), "Konsensusrapport — KIK")
  t.eq(en("konsensusrapport.title", { model = "KIK" }), "Consensus report — KIK")
  t.eq(en("statistik.summary", { n = 1, flagged = 0 }), "1 question, 0 flagged for discussion")
  t.eq(en("statistik.summary", { n = 3, flagged = 1 }), "3 questions, 1 flagged for discussion")
  t.eq(da("rollup.suppressed_note", { n = 1, min = 5 }):match("^¹ 1 enhed har færre end 5"), "¹ 1 enhed har færre end 5")
  t.eq(da("rollup.suppressed_note", { n = 2, min = 5 }):match("^¹ 2 enheder har"), "¹ 2 enheder har")
  t.raises(function() da("no.such.key") end, 'no message "no.such.key"')
  t.raises(function() da("konsensusrapport.title", {}) end, "has no value for {model}")
  t.raises(function() da("statistik.summary", { flagged = 1 }) end, "needs a count n")
end)

t.test("numbers: Danish decimal comma and thousands dot from five digits; English a decimal point", function()
  local da, en = i18n.new("da"), i18n.new("en")
  t.eq(da:num(64.94, 1), "64,9")
  t.eq(da:num(64.9), "64,9")
  t.eq(da:num(55.0), "55")
  t.eq(da:num(2016), "2016")
  t.eq(da:num(4500), "4500")
  t.eq(da:num(12345.6), "12.345,6")
  t.eq(da:num(1234567), "1.234.567")
  t.eq(da:num(-0.04, 1), "0")
  t.eq(da:num(-12345.25, 1), "-12.345,2")
  t.eq(en:num(12345.6), "12345.6", "English: no thousands separator, as the REPL and CSV")
  t.eq(en:num(64.94, 1), "64.9")
  t.eq(da:num(1.5, 2, true), "1,50")
  t.eq(da:pct(0.62), "62 %")
  t.eq(en:pct(0.62), "62%")
  t.eq(da:pct(0.625, 1), "62,5 %")
end)

t.test("dates in prose: 1. oktober 2016 and 1 October 2016", function()
  t.eq(i18n.new("da"):date("2016-10-01"), "1. oktober 2016")
  t.eq(i18n.new("en"):date("2016-10-01"), "1 October 2016")
  t.eq(i18n.new("da"):date(require("qm.eval.time").parse_date("2025-03-09")), "9. marts 2025")
  t.eq(i18n.new("da"):date("ultimo 2016"), "ultimo 2016", "not a date: as written")
end)

t.test("statuses are words in the report's language; unknown ones are left as they are", function()
  local da = i18n.new("da")
  t.eq(da:status("achieved"), "opfyldt")
  t.eq(da:status("on track"), "på vej")
  t.eq(da:status("not achieved"), "ikke opfyldt")
  t.eq(da:status("pending"), "afventer")
  t.eq(da:status("not evaluable"), "kan ikke vurderes")
  t.eq(da:status("started"), "i gang")
  t.eq(da:status("something else"), "something else")
  for _, s in ipairs(require("qm.eval.indicator").statuses) do
    t.truthy(da:status(s) ~= s, "status " .. s .. " has a Danish word")
  end
end)

t.test("the rules' English reasons are written in Danish, numbers and dates included", function()
  local da = i18n.new("da")
  local cases = {
    { "no data", "ingen data" },
    { "5.1 → 4.6 (decrease wanted)", "5,1 → 4,6 (fald ønsket)" },
    { "12.5 misses the target ≥ 15 (soft target: a warning)", "12,5 når ikke målet ≥ 15 (blødt mål: en advarsel)" },
    { "target ≥ 15 and ≤ 20", "mål ≥ 15 og ≤ 20" },
    { "not done by 2016-09-30 (Udgangen af 3. kvartal 2016): okonomi",
      "ikke gennemført senest 30. september 2016 (Udgangen af 3. kvartal 2016): okonomi" },
    { "due 2016-12-31 (udgangen af 2016); open: okonomi, sundhed (shared with lirk)",
      "frist 31. december 2016 (udgangen af 2016); mangler: okonomi, sundhed (delt med lirk)" },
    { "1 period with fewer than 4", "1 periode med færre end 4" },
    { "3 periods with fewer than 4", "3 perioder med færre end 4" },
    { "a gap of 112 days from 2016-05-10, more than 2 month", "et mellemrum på 112 dage fra 10. maj 2016, mere end 2 måneder" },
    { "a gap of 40 days from 2016-05-10, more than 1 month", "et mellemrum på 40 dage fra 10. maj 2016, mere end 1 måned" },
    { "0 in 4. kvartal 2016", "0 i 4. kvartal 2016" },
    { "3 of 5 (60%)", "3 af 5 (60 %)" },
    { "62% within ±5 of the median, below 75%", "62 % inden for ±5 fra medianen, under 75 %" },
    { "range 65 is wider than 30", "spændet 65 er større end 30" },
    { "quick win (impact 4, effort 1)", "hurtig gevinst (effekt 4, indsats 1)" },
    { "impact or effort not given", "effekt eller indsats er ikke angivet" },
    { "urgency, reach not given", "urgency, reach er ikke angivet" },   -- the model's own criteria
    { "nobody scored it", "ingen gav point" },
    { "gap 35 to target 75", "35 point under målet 75" },
    { "2 per year from 2009-01-01", "2 pr. år fra 1. januar 2009" },
    { "4.6", "4,6" },
    { "not achieved", "ikke opfyldt" },
    { "anything a model wrote", "anything a model wrote" },
  }
  for _, c in ipairs(cases) do t.eq(da:reason(c[1]), c[2], c[1]) end
end)

t.test("English keeps the rules' sentences, and reads the engine's Danish period labels", function()
  local en = i18n.new("en")
  t.eq(en:reason("due 2016-12-31 (Ultimo 2016); all done so far"), "due 31 December 2016 (Ultimo 2016); all done so far")
  t.eq(en:reason("0 in 4. kvartal 2016"), "0 in Q4 2016")
  t.eq(en:reason("1 in 2. halvår 2016"), "1 in H2 2016")
  t.eq(en:reason("3 in maj 2016"), "3 in May 2016")
  t.eq(en:reason("range 65 is wider than 30"), "range 65 is wider than 30")
end)

t.test("every reason template reads back the sentence it writes", function()
  local en = i18n.new("en")
  local samples = { n = 3, a = 2, b = 5, c = 4, k = 5, m = 7, r = 60, max = 30, sd = 12.5, i = 4, e = 1, g = 20, t = 0.75, x = 12,
    days = 40, yes = 3, share = 0.6, p = 0.62, min = 15, value = "4.6", target = "≥ 15", soft = "", base = "5", current = "4",
    want = "decrease", date = "2016-10-01", from = "2016-05-10", to = "2016-06-10", done = "2016-09-01", label = "ultimo 2016",
    open = "a, b", items = "x; y", body = "chefgruppen", note = "", pre = 2.5, post = 3.5, better = "higher", condition = "aftale",
    reason = "no data", id = "lirk", scope = "centre", period = "2016", phrase = "ultimo", list = "45, 50", why = "undefined",
    q = "quick win", what = "2 per year", pct = 0.6, y = 2016, mean = 2.5 }
  -- the text a rule writes: the template with raw values (ISO dates, "62%")
  local function written(msg)
    if type(msg) == "table" then msg = msg.other end
    return (msg:gsub("{([%w_]+):?([%w%%]*)}", function(name, spec)
      local v = samples[name]
      if v == nil then
        v = ({ n = 3, ["%"] = 0.5, date = "2016-10-01", p = "no data", l = "2016 (4), 2017 (0)" })[spec] or "x"
      end
      if spec == "%" then return ("%g%%"):format(v * 100) end
      return tostring(v)
    end))
  end
  for key, msg in pairs(i18n.catalogue("en").messages) do
    if key:match("^reason%.") or key:match("^value%.") then
      local text = written(msg)
      t.truthy(en:reason(text) ~= nil, key)
      -- Danish must not leave it in English (a sentence read by no template is left as is)
      local da = i18n.new("da"):reason(text)
      local function bare(x) return (written(x):gsub("%s+", " ")) end
      if text:match("%a%a%a") and bare(i18n.catalogue("da").messages[key]) ~= bare(msg) then
        t.truthy(da ~= text, key .. ": Danish left it in English: " .. text)
      end
    end
  end
end)

t.test("a model's wording replaces single messages; wrong keys and placeholders are problems", function()
  local L = i18n.new("da", { ["konsensusrapport.title"] = "Konsensus for {model}" })
  t.eq(L("konsensusrapport.title", { model = "KIK" }), "Konsensus for KIK")
  t.eq(L("col.theme"), "Tema", "the others are the catalogue's")
  t.eq(#i18n.wording_problems({ da = { ["col.theme"] = "Område" } }), 0)
  local p = i18n.wording_problems({ da = { ["konsensusrapport.titel"] = "x" } })
  t.truthy(p[1]:find('no message "konsensusrapport.titel"', 1, true) and p[1]:find('did you mean "konsensusrapport.title"', 1, true), p[1])
  p = i18n.wording_problems({ dk = {} })
  t.truthy(p[1]:find('no report language "dk"', 1, true) and p[1]:find('did you mean "da"', 1, true), p[1])
  p = i18n.wording_problems({ da = { ["konsensusrapport.title"] = "Rapport for {enhed}" } })
  t.truthy(p[1]:find("{enhed} is not filled by this message (it has {model})", 1, true), p[1])
  p = i18n.wording_problems({ en = { ["statistik.summary"] = "{n} questions" } })
  t.truthy(p[1]:find("give the singular and plural forms", 1, true), p[1])
  p = i18n.wording_problems({ da = { ["col.theme"] = 3 } })
  t.truthy(p[1]:find("must be a string", 1, true), p[1])
end)

-- ---------------------------------------------------------------- the report modules

-- the report modules (not the document machinery): every qm.reports.* module but these
local machinery = { ["qm.reports.i18n"] = true, ["qm.reports.document"] = true, ["qm.reports.json"] = true,
                    ["qm.reports.charts"] = true, ["qm.reports.html"] = true, ["qm.reports.xlsx"] = true }

local function report_sources()
  local out = {}
  for _, name in ipairs(require("qm.host").modules()) do
    if name:match("^qm%.reports%.[%w_]+$") and not machinery[name] then
      local root = os.getenv("QM_SOURCE_DIR") or "."
      local path = root .. "/stdlib/" .. name:gsub("%.", "/") .. ".lua"
      local f = assert(io.open(path, "rb"), "cannot read " .. path)
      local src = f:read("a")
      f:close()
      -- comments out: a literal in a comment is not output
      src = src:gsub("%-%-%[%[.-%]%]", ""):gsub("%-%-[^\n]*", "")
      out[#out + 1] = { name = name, src = src }
    end
  end
  return out
end

-- titles that are the same symbol in every language
local symbols = { ["#"] = true, n = true, Id = true, IQR = true, rwg = true, [""] = true }

t.test("report modules take every word people read from the catalogue (static check)", function()
  local found = {}
  local function flag(mod, what, lit) found[#found + 1] = ("%s: %s %q"):format(mod, what, lit) end
  local sources = report_sources()
  t.truthy(#sources >= 6, "the report modules were found")
  for _, m in ipairs(sources) do
    for lit in m.src:gmatch("[%s{,]title%s*=%s*\"([^\"]*)\"") do if not symbols[lit] then flag(m.name, "title", lit) end end
    for _, what in ipairs { "subtitle%s*=%s*", ":heading%(%s*", ":paragraph%(%s*", ":section%(%s*", "keyvalues%s*{%s*{%s*",
                            "word%s*=%s*", "series%s*=%s*{%s*", "labels%s*=%s*{[^}]-=%s*" } do
      for lit in m.src:gmatch(what .. "\"([^\"]*)\"") do
        if lit:find("%a") then flag(m.name, what:match("%a+"), lit) end
      end
    end
  end
  t.eq(table.concat(found, "\n"), "", "words written in a report module instead of the catalogue")
end)

t.test("every message a report module names exists, and every catalogue message is used", function()
  local da = i18n.catalogue("da").messages
  local used, missing = {}, {}
  local sources = report_sources()
  local extra = {}
  for _, f in ipairs { "stdlib/qm/reports/html.lua", "stdlib/qm/reports/document.lua", "stdlib/qm/reports/i18n.lua",
                       "stdlib/qm/engine/cmd_check.lua" } do
    local h = assert(io.open((os.getenv("QM_SOURCE_DIR") or ".") .. "/" .. f, "rb"))
    extra[#extra + 1] = { name = f, src = h:read("a") }
    h:close()
  end
  for _, list in ipairs { sources, extra } do
    for _, m in ipairs(list) do
      local src = m.src:gsub("%-%-[^\n]*", "")
      for key in src:gmatch("L%(\"([%w_%.]+)\"") do
        used[key] = true
        if da[key] == nil and not key:match("%.$") then missing[#missing + 1] = m.name .. ": " .. key end
      end
      for key in m.src:gmatch("self%(\"([%w_%.]+)\"") do used[key] = true end
    end
  end
  t.eq(table.concat(missing, "\n"), "", "keys named in code but not in the catalogue")
  -- keys built at run time from a value ("status." .. s) and the rules' reasons
  local dynamic = { "^status%.", "^kind%.", "^ties%.", "^plan%.kind%.", "^statistik%.col%.", "^progression%.level%.",
                    "^scale%.", "^svarrapport%.subtitle%.", "^status%.relation%.", "^reason%.", "^value%.", "^period%.", "^word%." ,
                    "^doc%.none$", "^progression%.col%.team$", "^progression%.col%.jobcentre$" }
  local unused = {}
  for key in pairs(da) do
    local dyn = false
    for _, p in ipairs(dynamic) do if key:match(p) then dyn = true end end
    if not dyn and not used[key] then unused[#unused + 1] = key end
  end
  table.sort(unused)
  t.eq(table.concat(unused, "\n"), "", "catalogue messages no code uses")
end)

t.done()
