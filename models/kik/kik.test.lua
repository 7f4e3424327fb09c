-- kik.test.lua — the KIK model's rules, each with data small enough to check by hand:
-- `qm test models/kik` (docs/testing.md). Units: aeblet and paeren, two workplaces.
local units = {
  { id = "kommune", kind = "kommune", name = "Kommunen" },
  { id = "aeblet", parent_id = "kommune", kind = "enhed", name = "Æblet" },
  { id = "paeren", parent_id = "kommune", kind = "enhed", name = "Pæren" },
}

test "klagesager med medhold: højst 2 om året pr. enhed" {
  as_of = "2025-12-31", params = { year = 2025 },
  data = {
    kik_klager = { columns = { "unit_id", "year", "medhold" },
      { "aeblet", 2025, "ja" }, { "aeblet", 2025, "ja" }, { "aeblet", 2025, "ja" }, { "aeblet", 2025, "nej" },
      { "paeren", 2025, "ja" }, { "paeren", 2024, "ja" }, { "paeren", 2024, "ja" } },
  },
  indicator "klager_medhold" { unit = "aeblet", status = "not achieved", value = 3 },   -- 3 > 2
  indicator "klager_medhold" { unit = "paeren", status = "achieved", value = 1 },       -- 2024 does not count
  indicator "klager_medhold" { status = "not achieved" },                              -- every unit must achieve it
}

test "sygefravær: højst 5 %, grænsen selv er nået" {
  as_of = "2025-12-31", params = { year = 2025 },
  data = { kik_sygefravaer = "tests/sygefravaer.csv" },                                 -- Danish Excel: ; and decimal commas
  indicator "sygefravaer" { unit = "aeblet", status = "not achieved", value = 5.5 },
  indicator "sygefravaer" { unit = "paeren", status = "achieved", value = 5 },
}

test "belægning: mindst 90 %" {
  as_of = "2025-12-31", params = { year = 2025 },
  data = { kik_belaegning = { { unit_id = "aeblet", year = 2025, procent = 89.5 }, { unit_id = "paeren", year = 2025, procent = 96 } } },
  indicator "belaegning" { unit = "aeblet", status = "not achieved", value = 89.5 },
  indicator "belaegning" { unit = "paeren", status = "achieved" },
}

test "venteliste: højst 10 som udgangspunkt (blødt mål), den seneste måling tæller" {
  as_of = "2025-10-01",
  data = { kik_venteliste = { columns = { "unit_id", "antal", "dato" },
    { "aeblet", 4, "2025-03-01" }, { "aeblet", 14, "2025-09-01" }, { "aeblet", 2, "2025-11-01" },   -- November is after as_of
    { "paeren", 9, "2025-09-15" } } },
  indicator "venteliste" { unit = "aeblet", status = "not achieved", severity = "soft", value = 14 },
  indicator "venteliste" { unit = "paeren", status = "achieved", value = 9 },
}

test "konsensus: medianen foreslås, spredning over 30 point sættes på dagsordenen" {
  round = "2025-aeblet", unit = "aeblet",
  data = {
    units = units,
    responses = { columns = { "participant", "question", "score" },
      { "P1", "1.1", 40 }, { "P2", "1.1", 60 }, { "P3", "1.1", 80 },        -- range 40 > 30: discuss
      { "P1", "1.2", 70 }, { "P2", "1.2", 75 }, { "P3", "1.2", "vi" },       -- ved ikke is left out
    },
  },
  consensus "1.1" { n = 3, median = 60, range = 40, proposal = 60, flag = true },
  consensus "1.2" { n = 2, dontknow = 1, median = 72.5, proposal = near(72.5, 2.5), flag = false },
  report "konsensus" { at = "agenda", rows = { { question = "1.1" } } },          -- the most disagreement first
}

test "konsensus: rwg i skalatrin (21 svarmuligheder á 5 point), inden for ±k er ét trin (±5)" {
  round = "2025-aeblet", unit = "aeblet",
  data = {
    units = units,
    responses = { columns = { "participant", "question", "score" },    -- issue 10's panel, sd 8.7
      { "P1", "1.1", 60 }, { "P2", "1.1", 70 }, { "P3", "1.1", 70 }, { "P4", "1.1", 75 }, { "P5", "1.1", 80 },
      { "P6", "1.1", 65 }, { "P7", "1.1", 70 }, { "P8", "1.1", 90 }, { "P9", "1.1", 70 } },
  },
  -- rwg = 1 - (75.69 / 5²) / ((21² - 1) / 12) = 0.917 (in points it was 0); 6 of 9 within ±5 of 70
  consensus "1.1" { n = 9, median = 70, A = 21, step = 5, k = 5, rwg = near(0.9174242424242425, 1e-12),
                    within_k = near(6 / 9, 1e-12), flag = false },
}

test "prioritering: størst afstand til målet 75 først, fem i fokus" {
  round = "2025-aeblet", unit = "aeblet",
  data = {
    units = units,
    responses = { { participant = "P1", question = "1.1", score = 50 } },
    consensus = { columns = { "question", "score", "comment" },
      { "1.1", 50, "enige" }, { "1.2", 70, "enige" }, { "2.1", 30, "enige" }, { "2.2", 80, "over målet" },
      { "3.1", 60, "enige" }, { "3.2", 65, "enige" }, { "3.3", 40, "enige" } },
  },
  report "prioritering" { at = "areas", count = 6, rows = {                         -- 2.2 is above the target: no area
    { question = "2.1", rank = 1, in_focus = true }, { question = "3.3", rank = 2 }, { question = "1.1", rank = 3 },
    { question = "3.1", rank = 4 }, { question = "3.2", rank = 5, in_focus = true }, { question = "1.2", rank = 6, in_focus = false } } },
}
