-- demo_data.lua — one EFQM self-assessment with agreed RADAR percentages whose total is
-- computed by hand below (tests/e2e/test_scoring_models.sh checks the report against it).
-- Run: qm run models/efqm2020/demo_data.lua --db efqm.db --write
--
-- criterion  attributes        mean    available  points
--   1        60 50 40          50      100         50
--   2        70 60 50          60      100         60
--   3        40 40 40          40      100         40
--   4        60 70 50          60      200        120
--   5        50 50 60          53.33   100         53.33
--   6        60 70             65      200        130
--   7        50 60             55      200        110
--   total                                 1000     563.33 (= 563 1/3)
local efqm = use "efqm2020.lua"
local agreed = {
  ["1a"] = 60, ["1d"] = 50, ["1r"] = 40, ["2a"] = 70, ["2d"] = 60, ["2r"] = 50, ["3a"] = 40, ["3d"] = 40, ["3r"] = 40,
  ["4a"] = 60, ["4d"] = 70, ["4r"] = 50, ["5a"] = 50, ["5d"] = 50, ["5r"] = 60, ["6u"] = 60, ["6p"] = 70,
  ["7u"] = 50, ["7p"] = 60,
}
store.transaction(function()
  store.unit { id = "org", kind = "organisation", name = "Demo Organisation" }
  store.round { id = "efqm-2026", model = "efqm2020", unit = "org", started = "2026-02-01" }
  for p = 1, 3 do store.participant("efqm-2026", { code = "A" .. p }, efqm.max_participants) end
  for _, q in ipairs(efqm:questions()) do
    -- the assessors' own percentages around the agreed one, then the agreed percentage
    for p = 1, 3 do
      store.response { round = "efqm-2026", participant = "A" .. p, question = q.id,
                       score = math.max(0, math.min(100, agreed[q.id] + (p - 2) * 10)) }
    end
  end
  for _, q in ipairs(efqm:questions()) do
    store.consensus { round = "efqm-2026", question = q.id, score = agreed[q.id], comment = "Enighed",
                      by = "Selvevalueringsgruppen", at = "2026-03-01T10:00:00Z" }
  end
end)
print("EFQM demo data written")
