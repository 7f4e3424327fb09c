-- vejle.test.lua — Vejle's progression: forward, backward and unchanged per area between a
-- citizen's last two conversations, stagnation over the last three, the coverage goal:
-- `qm test models/resultatbaseret_styring/vejle.lua`.
local data = {
  units = { { id = "jc", kind = "jobcenter", name = "Jobcentret" }, { id = "sb1", parent_id = "jc", kind = "sagsbehandler", name = "Sagsbehandler 1" } },
  citizens = { columns = { "id", "caseworker_id", "target_group", "start_date", "end_date" },
    { "c1", "sb1", "sygedagpenge", "2010-11-01", null },
    { "c2", "sb1", "sygedagpenge", "2011-03-01", null },
    { "c3", "sb1", "sygedagpenge", "2011-09-01", null } },
  conversations = { columns = { "id", "citizen_id", "date" },
    { "k0", "c1", "2010-12-10" }, { "k1", "c1", "2011-01-10" }, { "k2", "c1", "2011-02-10" }, { "k3", "c1", "2011-03-10" },
    { "k4", "c2", "2011-04-01" }, { "k5", "c2", "2011-05-01" } },
  scores = { columns = { "conversation_id", "indicator", "score" },
    { "k0", "moedestabilitet", 2 }, { "k0", "motivation", 4 },
    { "k1", "moedestabilitet", 2 }, { "k2", "moedestabilitet", 2 }, { "k3", "moedestabilitet", 2 },   -- c1: no progression
    { "k1", "motivation", 4 }, { "k2", "motivation", 4 }, { "k3", "motivation", 3 },                  -- c1: backward
    { "k4", "moedestabilitet", 2 }, { "k5", "moedestabilitet", 4 } },                                 -- c2: forward by 2
}

test "progression mellem de to seneste samtaler, pr. område" {
  as_of = "2011-12-31", data = data,
  -- mødestabilitet: c1 2 -> 2 (unchanged), c2 2 -> 4 (forward): mean change (0 + 2) / 2
  report "progression" { at = "rows", rows = {
    { indicator = "moedestabilitet", since_previous = { forward = 1, backward = 0, unchanged = 1, mean_change = 1 } },
    { indicator = "motivation", since_previous = { forward = 0, backward = 1, unchanged = 0, mean_change = -1 },
      since_first = { backward = 1, mean_change = -1 } } } },
}

test "stagnation: ingen fremgang over de seneste tre samtaler" {
  as_of = "2011-12-31", data = data,
  -- c1 has not moved forward on either area since k0, three conversations before k3; c2 has
  -- too few conversations to say
  report "stagnation" { at = "citizens", count = 2, rows = {
    { citizen_id = "c1", indicator = "moedestabilitet", score_then = 2, score_now = 2 },
    { citizen_id = "c1", indicator = "motivation", score_then = 4, score_now = 3 } } },
}

test "dækning: borgere i mere end et halvt år, der er scoret (c3 kom i september)" {
  as_of = "2011-12-31", data = data,
  report "coverage" { json = { eligible = 2, covered = 2 } },
}
