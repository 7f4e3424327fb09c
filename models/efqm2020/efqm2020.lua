-- efqm2020.lua — the EFQM Model 2020 scored by RADAR: 7 criteria, each assessed per RADAR
-- attribute as a percentage (0-100 in steps of 10: 0 none, 10-30 limited, 40-60 ability,
-- 70-80 comprehensive, 90-100 outstanding). A criterion's percentage is the mean of its
-- attributes; the model's total is Σ percentage × available points / 100, out of 1000
-- (criteria 1, 2, 3 and 5: 100 points each; 4, 6 and 7: 200 each). Source: methods.md.
local src = "EFQM Model 2020 (RADAR)"
local radar = scale.points { 0, 100, step = 10, labels = {
  [0] = "Ingen", [10] = "Begrænset", [40] = "Evne", [70] = "Omfattende", [90] = "Fremragende" } }

-- the RADAR attributes a criterion is assessed by: direction and execution by approach,
-- deployment, and assessment & refinement; results by relevance & usability and performance
local function enabler(n)
  return question(n .. "a") { text = "Tilgang (approach): er den velbegrundet og integreret?" },
         question(n .. "d") { text = "Udrulning (deployment): er den gennemført og tilpasset?" },
         question(n .. "r") { text = "Vurdering og forbedring (assessment & refinement): måles, læres og forbedres der?" }
end
local function result(n)
  return question(n .. "u") { text = "Relevans og anvendelighed: dækker målingerne og er de pålidelige?" },
         question(n .. "p") { text = "Præstation (performance): tendenser, mål, sammenligninger, årsager" }
end

return model "efqm2020" {
  title = "EFQM Model 2020 (RADAR)",
  source = src,
  quote = "total = Σ awarded percentage × available points",
  scale = radar,
  max_participants = 12,
  target = 60,
  scoring = scoring.efqm { points = { ["1"] = 100, ["2"] = 100, ["3"] = 100, ["4"] = 200, ["5"] = 100,
                                      ["6"] = 200, ["7"] = 200 } },
  consensus = consensus.median { max_range = 30 },
  theme "1" { side = "direction", title = "Formål, vision og strategi", enabler("1") },
  theme "2" { side = "direction", title = "Organisationskultur og ledelse", enabler("2") },
  theme "3" { side = "execution", title = "Inddragelse af interessenter", enabler("3") },
  theme "4" { side = "execution", title = "Skabelse af bæredygtig værdi", enabler("4") },
  theme "5" { side = "execution", title = "Drivkraft for præstation og forandring", enabler("5") },
  theme "6" { side = "results", title = "Interessenternes opfattelse", result("6") },
  theme "7" { side = "results", title = "Strategisk og operationel præstation", result("7") },
}
