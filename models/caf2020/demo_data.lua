-- demo_data.lua — deterministic demo data for CAF 2020: one administration with two
-- departments, a self-assessment round each with eight assessors scoring the 28
-- sub-criteria (classical 0-5, or fine-tuned with --param scoring=fine: PLAN, DO, CHECK,
-- ACT or TRENDS, TARGETS each 0-100), consensus and improvement areas.
-- Run: qm run models/caf2020/demo_data.lua --db caf.db --write [--param scoring=fine]
local caf = use "caf2020.lua"
local fine = params.scoring == "fine"
local seed = 2020
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return (seed // 65536) % n   -- the high bits: an LCG's low bits repeat quickly
end
local stats = require "qm.stats"

store.transaction(function()
  store.unit { id = "forvaltning", kind = "forvaltning", name = "Demo Forvaltning" }
  for d, name in ipairs({ "Borgerservice", "Økonomi" }) do
    local unit = ("afd%d"):format(d)
    store.unit { id = unit, parent = "forvaltning", kind = "afdeling", name = name }
    local round = "caf-2026-" .. unit
    store.round { id = round, model = "caf2020", unit = unit, started = "2026-02-01" }
    for p = 1, 8 do store.participant(round, { code = ("A%d"):format(p), role = p == 1 and "leder" or "medarbejder" }, caf.max_participants) end
    -- every response first: recording the first agreed score starts consensus and locks them
    local agreed = {}
    for _, q in ipairs(caf:questions()) do
      local given = {}
      for p = 1, 8 do
        local x = { round = round, participant = ("A%d"):format(p), question = q.id }
        if rand(20) == 0 then
          x.dontknow = true
        elseif fine then
          local parts = {}
          for _, part in ipairs(q:scale_of().parts) do parts[part] = 20 + rand(13) * 5 end
          x.score = parts   -- PLAN/DO/CHECK/ACT: the scale averages them
          given[#given + 1] = assert(q:scale_of():check(parts))
        else
          x.score = 1 + rand(4) + (d - 1)
          if x.score > 5 then x.score = 5 end
          given[#given + 1] = x.score
        end
        store.response(x)
      end
      local med = stats.median(given)
      agreed[#agreed + 1] = { round = round, question = q.id, score = med and math.floor(med + 0.5),
        dontknow = med == nil, comment = "Median af vurderingerne", by = "Selvevalueringsgruppen", at = "2026-03-01T10:00:00Z" }
    end
    for _, c in ipairs(agreed) do store.consensus(c) end
  end
end)
print("CAF demo data written" .. (fine and " (fine-tuned)" or ""))
