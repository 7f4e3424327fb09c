-- esbjerg.test.lua — Esbjerg's two focus points at a time, new ones when the goals are met,
-- and the coverage of citizens more than a year on benefits:
-- `qm test models/resultatbaseret_styring/esbjerg.lua`.
local units = { { id = "jc", kind = "jobcenter", name = "Jobcentret" } }
local citizens = { columns = { "id", "caseworker_id", "target_group", "start_date", "end_date" },
  { "c1", null, "forsikrede", "2010-01-15", null },
  { "c2", null, "kontanthjælp", "2010-06-01", null },
  { "c3", null, "kontanthjælp", "2011-09-01", null } }

test "fokuspunkter: højst to åbne ad gangen, og nye vælges, når målene er nået" {
  as_of = "2011-06-30",
  data = {
    units = units, citizens = citizens,
    focus = { columns = { "citizen_id", "indicator", "opened", "closed", "reason" },
      { "c1", "privatoekonomi", "2011-01-10", "2011-04-01", "mål nået" },
      { "c1", "netvaerk", "2011-01-10", null, null },
      { "c1", "joberfaring", "2011-04-01", null, null },      -- renewed after privatøkonomi closed
      { "c2", "misbrug", "2011-02-01", null, null },
      { "c2", "uddannelse", "2011-02-01", null, null },
      { "c2", "joberfaring", "2011-03-01", null, null } },    -- three open at once: over the maximum (a warning when imported)
  },
  report "fokus" { json = { max_open = 2, citizens_with_focus = 2, renewed = 1 } },
  report "fokus" { at = "over_max", count = 1, rows = { { citizen_id = "c2", open = 3 } } },
  report "fokus" { at = "closed_by_reason", rows = { { reason = "mål nået", closed = 1 } } },
}

test "dækning: borgere mere end et år på ydelse, der er scoret" {
  as_of = "2011-06-30",
  data = {
    units = units, citizens = citizens,
    conversations = { { id = "k1", citizen_id = "c1", date = "2011-05-01" } },
    scores = { { conversation_id = "k1", indicator = "netvaerk", score = 3 } },
  },
  report "coverage" { json = { more_than = "et år", eligible = 2, covered = 1 } },   -- c3 came in September
}
