-- answers with the edges of the statistics: nobody scoring (all don't know), one score, tied
-- modes, a wide range; round ids a CSV, a spreadsheet or Markdown would read wrongly
local m = use "full.lua"
local o = use "other.lua"
local answers = {
  q1 = { 50, 50, 55, 60, 50, 45 },
  q2 = { false, false, false, false, false, false },   -- false: don't know
  q3 = { 2, 4, 2, 4, 3, false },
  q4 = { 0, 100, 35, 40, false, 95 },
  q5 = { 70, false, false, false, false, false },
}
store.transaction(function()
  store.unit { id = "u", kind = "enhed", name = "Enheden" }
  local rounds = { "r,1", 'r"2"', "=r3", "ø4", "r_5|*x*", "r6" }
  for k, r in ipairs(rounds) do
    store.round { id = r, model = m.id, unit = "u", started = "2026-01-0" .. k }
    for p = 1, 6 do
      store.participant(r, { code = "P" .. p })
      for _, q in ipairs { "q1", "q2", "q3", "q4", "q5" } do
        local s = answers[q][p]
        if s ~= nil then
          if s == false then store.response { round = r, participant = "P" .. p, question = q, dontknow = true }
          else
            if q ~= "q3" then s = math.min(100, s + 5 * ((k + p) % 3)) end
            store.response { round = r, participant = "P" .. p, question = q, score = s }
          end
        end
      end
    end
  end
  store.round { id = "o1", model = o.id, unit = "u", started = "2026-01-01" }
  store.participant("o1", { code = "P1" })
  store.response { round = "o1", participant = "P1", question = "q1", score = 10 }
end)
