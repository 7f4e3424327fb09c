-- The Danish time phrases of the five source documents (shared/domain/sources), each with the
-- date, window or recurrence it means, read by the one reader every time field uses
-- (time.read); and the phrases that must be "not evaluable: no year" whatever surrounds them.
local t = require "testing"
local time = require "qm.time"

-- a reading as one line: "by 2016-12-31", "before 2016-10-01", "window A..B", "2 per year",
-- "gap 6 month", "gap 4..6 week", "ongoing", "start D", "no year"
local function describe(r)
  if r.year_missing then return "no year" end
  if r.what == "deadline" then
    if r.exclusive then return "before " .. tostring(r.date:add_days(1)) end
    return "by " .. tostring(r.date)
  end
  if r.what == "window" then return ("window %s..%s"):format(tostring(r.period.first), tostring(r.period.last)) end
  if r.what == "start" then return "start " .. tostring(r.date) end
  if r.what == "recurrence" then
    local parts = {}
    if r.ongoing then parts[#parts + 1] = "ongoing" end
    if r.count then parts[#parts + 1] = ("%d per %s"):format(r.count, r.per) end
    if r.min_gap then parts[#parts + 1] = ("gap %d..%d %s"):format(r.min_gap[1], r.max_gap[1], r.max_gap[2])
    elseif r.max_gap and not r.count then parts[#parts + 1] = ("gap %d %s"):format(r.max_gap[1], r.max_gap[2]) end
    if r.window then parts[#parts + 1] = ("%s..%s"):format(tostring(r.window.first), tostring(r.window.last)) end
    if r.from then parts[#parts + 1] = "from " .. tostring(r.from) end
    if r.hard then parts[#parts + 1] = "hard" end
    return table.concat(parts, " ")
  end
  return "?" .. tostring(r.what)
end

local phrases = {
  -- Målaftale, Center for Politik & Personale (Guldborgsund, 2016)
  { "maalaftale", "med udgangen af 2016", "by 2016-12-31" },
  { "maalaftale", "senest med udgangen af 2017", "by 2017-12-31" },
  { "maalaftale", "ved udgangen af 2016", "by 2016-12-31" },
  { "maalaftale", "Inden udgangen af 2017", "by 2017-12-31" },
  { "maalaftale", "frem mod udgangen af 2018", "by 2018-12-31" },
  { "maalaftale", "ved udgangen af 3. kvartal 2018", "by 2018-09-30" },
  { "maalaftale", "Udgangen af 3. kvartal 2016", "by 2016-09-30" },
  { "maalaftale", "inden 1. oktober 2016", "before 2016-10-01" },
  { "maalaftale", "9. juni 2016", "by 2016-06-09" },
  { "maalaftale", "fra ultimo 2016", "start 2016-12-01" },
  { "maalaftale", "fra foråret 2016 til udgangen af 2017", "window 2016-03-01..2017-12-31" },
  { "maalaftale", "fra 2. kvartal 2016 til udgangen af 2017", "window 2016-04-01..2017-12-31" },
  { "maalaftale", "fra 3. kvartal 2016 til udgangen af 2017", "window 2016-07-01..2017-12-31" },
  { "maalaftale", "i løbet af 2016", "window 2016-01-01..2016-12-31" },
  { "maalaftale", "i løbet af 2017 og 2018", "window 2017-01-01..2018-12-31" },
  { "maalaftale", "i december 2017", "window 2017-12-01..2017-12-31" },
  { "maalaftale", "ultimo 2013", "window 2013-12-01..2013-12-31" },
  { "maalaftale", "(ultimo 2013)", "window 2013-12-01..2013-12-31" },
  { "maalaftale", "primo juni 2016", "window 2016-06-01..2016-06-10" },
  { "maalaftale", "Ultimo juni 2016:", "window 2016-06-21..2016-06-30" },
  { "maalaftale", "i oktober 2016", "window 2016-10-01..2016-10-31" },
  { "maalaftale", "Januar 2017:", "window 2017-01-01..2017-01-31" },
  { "maalaftale", "november 2016", "window 2016-11-01..2016-11-30" },
  { "maalaftale", "i efteråret 2016", "window 2016-09-01..2016-11-30" },
  { "maalaftale", "hvert halve år", "1 per half" },
  { "maalaftale", "(hvert ½ år)", "1 per half" },
  { "maalaftale", "minimum hvert ½ år", "1 per half hard" },
  { "maalaftale", "2x/år", "2 per year" },
  { "maalaftale", "2x årligt med start 2. halvår 2016", "2 per year from 2016-07-01" },
  { "maalaftale", "4 forløb pr. kvartal", "4 per quarter" },
  { "maalaftale", "Minimum 6 kurser om året", "6 per year hard" },
  { "maalaftale", "minimum 4 kursusdage om året", "4 per year hard" },
  { "maalaftale", "minimum to hold om året", "2 per year hard" },
  { "maalaftale", "løbende", "ongoing" },
  -- Handlingsplan om Videndeling (Ringkøbing-Skjern)
  { "videndeling", "i foråret 2008", "window 2008-03-01..2008-05-31" },
  { "videndeling", "i vinteren 08/09", "window 2008-12-01..2009-02-28" },
  { "videndeling", "I april 2008", "window 2008-04-01..2008-04-30" },
  { "videndeling", "i februar 2009", "window 2009-02-01..2009-02-28" },
  { "videndeling", "sommeren 2011", "window 2011-06-01..2011-08-31" },
  { "videndeling", "Efterår/vinter 2009", "window 2009-09-01..2010-02-28" },
  { "videndeling", "Vinter 2009/2010", "window 2009-12-01..2010-02-28" },
  { "videndeling", "Januar / februar 2010", "window 2010-01-01..2010-02-28" },
  { "videndeling", "i starten af 2010", "window 2010-01-01..2010-01-31" },
  { "videndeling", "fra 2009 til sommeren 2011", "window 2009-01-01..2011-08-31" },
  { "videndeling", "en gang om året", "1 per year" },
  { "videndeling", "årligt fra 2009", "1 per year from 2009-01-01" },
  { "videndeling", "2 gange årligt fra 2009", "2 per year from 2009-01-01" },
  { "videndeling", "2 gange om året fra 2009", "2 per year from 2009-01-01" },
  { "videndeling", "Løbende 2009-2011", "ongoing 2009-01-01..2011-12-31" },
  -- God sagsbehandling på ældreområdet (2007)
  { "god_sagsbehandling", "med 4-6 ugers mellemrum", "gap 4..6 week" },
  { "god_sagsbehandling", "hver 4.-6. uge", "gap 4..6 week" },
  { "god_sagsbehandling", "Maj 2007", "window 2007-05-01..2007-05-31" },
  { "god_sagsbehandling", "i 2004", "window 2004-01-01..2004-12-31" },
  -- Den Kommunale Kvalitetsmodel
  { "kik", "årligt", "1 per year" },
  { "kik", "hvert andet år", "gap 2 year" },
  -- Sæt mål og styr efter dem (jobcentre, 2011)
  { "resultatbaseret_styring", "i løbet af 2011", "window 2011-01-01..2011-12-31" },
  { "resultatbaseret_styring", "August 2011", "window 2011-08-01..2011-08-31" },
  { "resultatbaseret_styring", "et halvt år", "gap 6 month" },
}

-- "not evaluable: no year", whatever surrounds the phrase
local no_year = {
  { "maalaftale", "endeligt formuleret i september" },
  { "maalaftale", "Evaluering i chefgruppen ultimo" },
  { "maalaftale", "Gentage målingen (Effect-model) medio" },
  { "maalaftale", "ved udgangen af 3. kvartal" },
  { "maalaftale", "senest med udgangen af 3. kvartal" },
  { "maalaftale", "i juni og november" },
  { "maalaftale", "fra foråret" },
  { "maalaftale", "1. kvartal" },
  { "maalaftale", "tages i brug august" },
  { "maalaftale", "forløb med ekstern konsulent i marts" },
  { "maalaftale", "i efteråret" },
  { "maalaftale", "ultimo" },
  { "videndeling", "i løbet af foråret" },
  { "videndeling", "fra 2009 til sommeren" },
  { "videndeling", "efteråret/vinteren" },
  { "videndeling", "Efteråret" },
  { "videndeling", "inden udgangen af november" },
}

t.test("every phrase of the source documents means its date, window or recurrence", function()
  local bad = {}
  for _, p in ipairs(phrases) do
    local r, err = time.parse(p[2])
    local got = r and describe(r) or ("error: " .. tostring(err))
    if got ~= p[3] then bad[#bad + 1] = ("%s: %q -> %s, expected %s"):format(p[1], p[2], got, p[3]) end
  end
  t.eq(table.concat(bad, "\n"), "")
  t.truthy(#phrases >= 50, "phrases from all five documents")
end)

t.test("a phrase without a year is not evaluable for every kind of field, never an error", function()
  local bad = {}
  for _, p in ipairs(no_year) do
    for _, want in ipairs { "any", "deadline", "window", "recurrence", "gap" } do
      local r, err = time.read(p[2], want)
      if not (r and r.year_missing and r.reason == "no year") then
        bad[#bad + 1] = ("%s: %q as %s -> %s"):format(p[1], p[2], want, r and describe(r) or tostring(err))
      end
    end
    local d = time.deadline(p[2])
    if d:status("2016-10-15") ~= "not evaluable" then bad[#bad + 1] = p[2] .. ": status " .. d:status("2016-10-15") end
  end
  t.eq(table.concat(bad, "\n"), "")
end)

t.test("each kind of field reads the phrases it can use and says why not the others", function()
  t.eq(tostring(time.read("ultimo 2017", "deadline").date), "2017-12-31")
  t.eq(describe(time.read("2016", "window")), "window 2016-01-01..2016-12-31")
  t.eq(describe(time.read("løbende 2009-2011", "window")), "window 2009-01-01..2011-12-31")
  -- max_gap = "årligt" and "hvert kvartal": once per period = at most one period apart (calendar months)
  t.eq(time.read("årligt", "gap").max_gap, { 12, "month" })
  t.eq(time.read("hvert kvartal", "gap").max_gap, { 3, "month" })
  t.eq(time.read("6 uger", "gap").max_gap, { 6, "week" })
  local _, err = time.read("løbende", "deadline")
  t.truthy(err:find("\"løbende\" is a recurrence, not a deadline", 1, true), err)
  _, err = time.read("løbende", "gap")
  t.truthy(err:find("is ongoing and has no longest gap", 1, true), err)
  _, err = time.read("2 gange årligt", "gap")
  t.truthy(err:find("is a count per period, not a longest gap", 1, true), err)
  _, err = time.read("ultimo 2017", "recurrence")
  t.truthy(err:find("is a window, not a recurrence", 1, true), err)
  _, err = time.read("inden 1. oktober 2016", "window")
  t.truthy(err:find("is a deadline, not a window", 1, true), err)
  local list = time.read("Udgangen af 3. kvartal 2016, Ultimo 2017, Ultimo 2018", "deadlines")
  t.eq({ tostring(list[1].date), tostring(list[2].date), tostring(list[3].date) }, { "2016-09-30", "2017-12-31", "2018-12-31" })
  _, err = time.read("ultimo 2017,, ultimo 2018", "deadlines")
  t.truthy(err:find("empty deadline", 1, true), err)
end)

t.test("phrases that are not about time are errors, not 'no year'", function()
  for _, p in ipairs { "snart", "når det passer", "engang i fremtiden" } do
    local r, err = time.parse(p)
    t.eq(r, nil, p); t.truthy(err:find("cannot read", 1, true), err)
  end
  local r, err = time.parse("endeligt formuleret i september 2016")
  t.eq(r, nil); t.truthy(err:find("cannot read", 1, true), err)
end)

t.done()
