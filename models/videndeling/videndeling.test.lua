-- videndeling.test.lua — the learning organisation's plan: trin 1's criteria per unit, the
-- recurring trin 2 actions, the survey-based order beside the recorded prioritisation, and
-- which characteristics the plan covers: `qm test models/videndeling`.

test "trin 1 gennemføres pr. enhed: begge kriterier skal være opfyldt" {
  as_of = "2010-06-30",
  data = { dlo_trin1 = { columns = { "unit_id", "item", "done" },
    { "skolen", "alle medarbejdere har fået indholdet præsenteret", "2010-01-10" },
    { "skolen", "idéer indsamlet lokalt og plan udarbejdet", "2010-03-01" },
    { "hallen", "alle medarbejdere har fået indholdet præsenteret", "ja" },
    { "hallen", "idéer indsamlet lokalt og plan udarbejdet", "nej" } } },
  indicator "trin1_kriterier" { unit = "skolen", status = "achieved" },
  indicator "trin1_kriterier" { unit = "hallen", status = "on track", reason = contains("idéer indsamlet lokalt og plan udarbejdet") },
}

test "velkomstmesse to gange om året: et helt år med én er ikke nået" {
  as_of = "2010-01-05",
  data = { dlo_events = { columns = { "action", "date" },
    { "velkomstmesse", "2009-03-01" }, { "kerneviden", "2009-09-01" }, { "workshop", "2009-10-01" } } },
  indicator "velkomstmesse" { status = "not achieved" },
  indicator "kernevidenskortlaegning" { status = "on track", reason = contains("every finished period had at least 1") },
}

test "temperaturmålingen: laveste gennemsnit først, ved siden af den vedtagne prioritering" {
  data = { dlo_temperatur = { columns = { "unit_id", "characteristic", "score" },
    { "skolen", "10", 2 }, { "hallen", "10", 3 },      -- 2.5
    { "skolen", "5", 4 }, { "hallen", "5", 4 },        -- 4
    { "skolen", "9", 1 }, { "hallen", "9", 3 } } },    -- 2
  report "prioriteter" { at = "by_survey", count = 3, rows = {
    { rank = 1, id = "9", mean = 2, n = 2 }, { rank = 2, id = "10", mean = 2.5 }, { rank = 3, id = "5", mean = 4 } } },
  report "prioriteter" { at = "recorded", rows = { { rank = 1, id = "10" }, { rank = 2, id = "5" }, { rank = 3, id = "11" }, { rank = 4, id = "9" } } },
}

test "dækning: handleplanen dækker 7 af de 11 karakteristika" {
  report "daekning" { json = { uncovered = 4 } },
  report "daekning" { at = "elements", rows = { { id = "3", actions = 1, action_ids = { "10" } }, { id = "4", actions = 0 } } },
}
