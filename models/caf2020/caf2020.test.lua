-- caf2020.test.lua — CAF 2020's rules, classical and fine-tuned: `qm test models/caf2020`.
local units = { { id = "afd1", kind = "afdeling", name = "Afdeling 1" } }

test "klassisk: medianen foreslås, mere end 2 trins spredning drøftes" {
  round = "caf-2026", unit = "afd1",
  data = {
    units = units,
    responses = { columns = { "participant", "question", "score" },
      { "P1", "1.1", 2 }, { "P2", "1.1", 3 }, { "P3", "1.1", 5 },     -- range 3 > 2
      { "P1", "1.2", 3 }, { "P2", "1.2", 4 }, { "P3", "1.2", 4 } },
  },
  consensus "1.1" { median = 3, range = 3, flag = true, proposal = 3, A = 6 },   -- 0-5: six answer options
  consensus "1.2" { median = 4, range = 1, flag = false, proposal = 4 },
}

test "klassisk: rwg på temaets skala 0-5 (seks svarmuligheder), ikke modellens eller 5" {
  round = "caf-2026", unit = "afd1",
  data = {
    units = units,
    responses = { columns = { "participant", "question", "score" },      -- issue 10's panel
      { "P1", "2.1", 3 }, { "P2", "2.1", 4 }, { "P3", "2.1", 4 }, { "P4", "2.1", 5 }, { "P5", "2.1", 3 } },
  },
  -- s² = 0.7, σ²EU = (6² - 1) / 12: rwg = 1 - 0.7 / (35 / 12) = 0.76 (with A = 5 it was 0.65)
  consensus "2.1" { n = 5, A = 6, step = 1, rwg = near(0.76, 1e-12), k = 1, within_k = 1 },
}

test "klassisk: et kriterium er gennemsnittet af dets underkriterier, modellen af kriterierne" {
  round = "caf-2026", unit = "afd1",
  data = {
    units = units,
    responses = { { participant = "P1", question = "1.1", score = 3 } },
    consensus = "tests/aftalt.csv",
  },
  report "konsensusrapport" { at = "themes", rows = {
    { id = "1", score = 3.25 },            -- (3 + 4 + 2 + 4) / 4
    { id = "6", score = 2.5 } } },         -- (2 + 3) / 2
  report "konsensusrapport" { json = { score = near((3.25 + 2.5) / 2, 1e-9) } },   -- the criteria that have scores
}

test "fin-skala: PLAN, DO, CHECK og ACT giver gennemsnittet" {
  params = { scoring = "fine" },
  round = "caf-fine", unit = "afd1",
  data = {
    units = units,
    responses = { columns = { "participant", "question", "plan", "do", "check", "act" },
      { "P1", "1.1", 60, 50, 40, 30 },     -- 45
      { "P2", "1.1", 80, 80, 70, 70 },     -- 75
      { "P3", "1.1", 20, 20, 20, 20 } },   -- 20: range 55 > 30
  },
  consensus "1.1" { n = 3, median = 45, range = 55, flag = true },
}

test "fin-skala: resultater har TRENDS og TARGETS" {
  params = { scoring = "fine" },
  round = "caf-fine", unit = "afd1",
  data = {
    units = units,
    responses = { columns = { "participant", "question", "trends", "targets" },
      { "P1", "6.1", 60, 40 }, { "P2", "6.1", 50, 50 } },
  },
  consensus "6.1" { n = 2, mean = 50, median = 50, range = 0, flag = false },
}
