-- efqm2020.test.lua — RADAR scoring of the EFQM Model 2020: `qm test models/efqm2020`.
-- A criterion's percentage is the mean of its attributes; its points are that percentage of
-- its available points (1, 2, 3, 5: 100; 4, 6, 7: 200); the total is out of 1000.
local units = { { id = "org", kind = "organisation", name = "Organisationen" } }

test "RADAR: procent, point og total, regnet i hånden" {
  round = "efqm-2026", unit = "org",
  data = {
    units = units,
    responses = { { participant = "A1", question = "1a", score = 60 } },
    consensus = { columns = { "question", "score" },
      { "1a", 60 }, { "1d", 50 }, { "1r", 40 },          -- 1: mean 50 % of 100 = 50 points
      { "4a", 60 }, { "4d", 70 }, { "4r", 50 },          -- 4: mean 60 % of 200 = 120 points
      { "6u", 60 }, { "6p", 70 } },                      -- 6: mean 65 % of 200 = 130 points
  },
  report "konsensusrapport" { at = "themes", rows = {
    { id = "1", score = 50, points = 50, max = 100 },
    { id = "4", score = 60, points = 120, max = 200 },
    { id = "6", score = 65, points = 130, max = 200 } } },
  report "konsensusrapport" { json = { score = 300, max = 500 } },   -- out of the criteria assessed: 100 + 200 + 200
}

test "tredjedele regnes ikke afrundet: kriterium 5 giver 53 1/3 point" {
  round = "efqm-2026", unit = "org",
  data = {
    units = units,
    responses = { { participant = "A1", question = "5a", score = 50 } },
    consensus = { { question = "5a", score = 50 }, { question = "5d", score = 50 }, { question = "5r", score = 60 } },
  },
  report "konsensusrapport" { at = "themes", rows = { { id = "5", score = near(53.3333333, 1e-6), points = near(160 / 3, 1e-9) } } },
}

test "konsensus: medianen på skalaen i trin af 10, spredning over 30 drøftes" {
  round = "efqm-2026", unit = "org",
  data = {
    units = units,
    responses = { columns = { "participant", "question", "score" },
      { "A1", "2a", 40 }, { "A2", "2a", 50 }, { "A3", "2a", 80 },
      { "A1", "2d", 60 }, { "A2", "2d", 60 }, { "A3", "2d", 70 } },
  },
  consensus "2a" { median = 50, range = 40, flag = true, proposal = 50, A = 11 },   -- 0-100 in tens: 11 options
  consensus "2d" { median = 60, flag = false },
}

test "alle syv kriterier: 563 1/3 af 1000 point (demo-dataets håndregning)" {
  round = "efqm-2026", unit = "org",
  data = {
    units = units,
    responses = { { participant = "A1", question = "1a", score = 60 } },
    consensus = { columns = { "question", "score" },
      { "1a", 60 }, { "1d", 50 }, { "1r", 40 }, { "2a", 70 }, { "2d", 60 }, { "2r", 50 }, { "3a", 40 }, { "3d", 40 },
      { "3r", 40 }, { "4a", 60 }, { "4d", 70 }, { "4r", 50 }, { "5a", 50 }, { "5d", 50 }, { "5r", 60 }, { "6u", 60 },
      { "6p", 70 }, { "7u", 50 }, { "7p", 60 } },
  },
  report "konsensusrapport" { json = { score = near(563 + 1 / 3, 1e-9), max = 1000 } },
  report "konsensusrapport" { at = "themes", rows = { { id = "2", points = 60 }, { id = "7", score = 55, points = 110 } } },
}
