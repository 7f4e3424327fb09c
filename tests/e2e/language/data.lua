-- Three units under one municipality: "stor" with 6 respondents, "mellem" with 5 and
-- "lille" with 3 (a small group: its figures must not leave the unit). Run with --write.
local m = use "model.lua"
local function unit_round(unit, n, scores, agreed)
  store.round { id = unit .. "-r1", model = "lille", unit = unit, started = "2025-03-01" }
  for p = 1, n do
    store.participant(unit .. "-r1", { code = ("P%d"):format(p) })
    for q, list in pairs(scores) do
      store.response { round = unit .. "-r1", participant = ("P%d"):format(p), question = q, score = list[p],
        strengths = p == 1 and "det jeg selv skrev" or nil }
    end
  end
  for q, s in pairs(agreed) do store.consensus { round = unit .. "-r1", question = q, score = s, by = "gruppen" } end
end
store.transaction(function()
  store.unit { id = "kommune", kind = "kommune", name = "Kommunen" }
  for _, u in ipairs { "stor", "mellem", "lille" } do store.unit { id = u, parent = "kommune", kind = "enhed", name = "Enhed " .. u } end
  -- participant 1 scores high on question 1 and low on question 2: in the anonymised
  -- svarrapport the order of the answers must not reveal that
  unit_round("stor", 6, { ["1"] = { 90, 40, 50, 55, 60, 65 }, ["2"] = { 10, 70, 60, 55, 50, 45 }, ["3"] = { 50, 50, 55, 60, 60, 65 } },
    { ["1"] = 55, ["2"] = 50, ["3"] = 60 })
  unit_round("mellem", 5, { ["1"] = { 40, 45, 50, 55, 60 }, ["2"] = { 40, 40, 45, 45, 50 }, ["3"] = { 70, 70, 75, 75, 80 } },
    { ["1"] = 50, ["2"] = 45, ["3"] = 75 })
  unit_round("lille", 3, { ["1"] = { 95, 100, 100 }, ["2"] = { 95, 95, 100 }, ["3"] = { 100, 100, 100 } },
    { ["1"] = 100, ["2"] = 95, ["3"] = 100 })
end)
