-- demo_data.lua — deterministic demo data for the KIK model: a municipality with two centres
-- and four units, two yearly rounds per unit (2024 and 2025), ten participants per round
-- (the leader included), every participant's points and texts, the agreed consensus,
-- improvement areas, actions, and the tables KIK's indicators read.
-- Run: qm run models/kik/demo_data.lua --db kik.db --write
local kik = use "kik.lua"

-- a small linear congruential generator: the same data on every machine, every time
local seed = 20251124
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end
local function pick(list) return list[rand(#list) + 1] end
local stats = require "qm.stats"
local given = {}    -- round -> question -> scores, to propose the consensus from
local agreed = {}   -- round -> question -> { score, improvements }

local units = {
  { id = "demo", kind = "kommune", name = "Demo Kommune" },
  { id = "boern", parent = "demo", kind = "center", name = "Center for Børn og Familie" },
  { id = "aeldre", parent = "demo", kind = "center", name = "Center for Ældre" },
  { id = "aeblet", parent = "boern", kind = "enhed", name = "Børnehaven Æblet" },
  { id = "solsikken", parent = "boern", kind = "enhed", name = "Vuggestuen Solsikken" },
  { id = "lindehuset", parent = "aeldre", kind = "enhed", name = "Plejecenter Lindehuset" },
  { id = "hjemmepleje", parent = "aeldre", kind = "enhed", name = "Hjemmeplejen Nord" },
}
local workplaces = { "aeblet", "solsikken", "lindehuset", "hjemmepleje" }

local strengths = { "Tydelig dialog i personalegruppen", "God faglig sparring", "Stabil bemanding",
  "Gode rutiner omkring nye brugere", "Vi følger op på aftaler", "Høj faglighed", "" }
local improvements = { "Mere systematisk opfølgning", "Bedre videndeling mellem vagtlag",
  "Klarere mål for indsatsen", "Dokumentationen halter", "Flere fælles evalueringer", "" }

local questions = kik:questions()

local function clamp(v) return math.max(0, math.min(100, v)) end

local function round_data(unit, year, previous, quality)
  local round = ("%d-%s"):format(year, unit)
  store.round { id = round, model = "kik", unit = unit, started = ("%d-03-01"):format(year), previous = previous }
  for p = 1, 10 do
    store.participant(round, { code = ("D%02d"):format(p), name = p == 1 and "Leder" or ("Medarbejder %d"):format(p - 1),
      role = p == 1 and "leder" or "medarbejder" }, kik.max_participants)
  end
  given[round] = {}
  for qi, q in ipairs(questions) do
    given[round][q.id] = {}
    local base = 40 + (rand(9) * 5) + quality
    local disagree = rand(6) == 0
    for p = 1, 10 do
      local x = { round = round, participant = ("D%02d"):format(p), question = q.id, dontknow = 0 }
      if rand(25) == 0 then
        x.dontknow = 1
      else
        local noise = (rand(5) - 2) * 5
        if disagree and p % 3 == 0 then noise = noise + 30 * (p % 2 == 0 and 1 or -1) end
        x.score = clamp(base + noise)
        table.insert(given[round][q.id], x.score)
      end
      local s, i = pick(strengths), pick(improvements)
      if s ~= "" then x.strengths = s end
      if i ~= "" then x.improvements = i end
      store.response(x)
    end
  end
  return round
end

-- the agreed scores: the model's proposal, with a few changed by the group with a comment
local function agree(round, year)
  agreed[round] = {}
  for qi, q in ipairs(questions) do
    local med = stats.median(given[round][q.id])
    local score = med and math.floor(med / 5 + 0.5) * 5 or nil
    local comment = "Enighed om medianen"
    if score and qi % 7 == 0 then
      score = math.max(0, score - 10)
      comment = "Gruppen vurderede lavere efter drøftelse af dokumentationen"
    end
    local improvement = pick(improvements)
    local strength = pick(strengths)
    store.consensus { round = round, question = q.id, score = score, dontknow = score == nil,
      strengths = strength ~= "" and strength or nil, improvements = improvement ~= "" and improvement or nil, comment = comment,
      by = "Konsensusseminar", at = ("%d-04-15T10:00:00Z"):format(year) }
    agreed[round][#agreed[round] + 1] = { question = q.id, score = score, improvements = improvement }
  end
end

local function plan(round, year)
  local areas = {}
  for _, r in ipairs(agreed[round]) do
    if r.score and r.score < 75 then
      areas[#areas + 1] = store.area { round = round, question = r.question,
        text = r.improvements ~= "" and r.improvements or ("Løft spørgsmål " .. r.question),
        impact = 1 + rand(5), effort = 1 + rand(5) }
    end
  end
  local statuses = { "done", "started", "planned" }
  for i = 1, math.min(3, #areas) do
    store.action { round = round, area = areas[i], title = ("Forbedringsprojekt %d"):format(i),
      owner = i == 1 and "Leder" or ("Medarbejder %d"):format(i), start = ("%d-05-01"):format(year),
      deadline = ("%d-%02d-30"):format(year, 4 + 2 * i), status = statuses[i], themes = "ledelse",
      at = ("%d-04-20T10:00:00Z"):format(year), by = "Leder" }
  end
end

store.transaction(function()
  for _, u in ipairs(units) do store.unit(u) end
  for wi, unit in ipairs(workplaces) do
    local quality = (wi - 1) * 5 - 5
    local r1 = round_data(unit, 2024, nil, quality)
    agree(r1, 2024)
    plan(r1, 2024)
    local r2 = round_data(unit, 2025, r1, quality + 5)
    agree(r2, 2025)
    plan(r2, 2025)
  end
end)

-- the municipality's own tables, read by KIK's indicators
db:exec[[
CREATE TABLE kik_klager (unit_id TEXT, year INTEGER, medhold INTEGER);
CREATE TABLE kik_venteliste (unit_id TEXT, antal INTEGER, dato TEXT);
CREATE TABLE kik_sygefravaer (unit_id TEXT, year INTEGER, procent REAL);
CREATE TABLE kik_belaegning (unit_id TEXT, year INTEGER, procent REAL);
CREATE TABLE kik_procedurer (unit_id TEXT, har_procedure INTEGER);
]]
for wi, unit in ipairs(workplaces) do
  for y = 2024, 2025 do
    for _ = 1, rand(5) do db:exec("INSERT INTO kik_klager VALUES (?, ?, ?)", { unit, y, rand(2) }) end
    db:exec("INSERT INTO kik_sygefravaer VALUES (?, ?, ?)", { unit, y, 3 + rand(40) / 10 })
    db:exec("INSERT INTO kik_belaegning VALUES (?, ?, ?)", { unit, y, 85 + rand(15) })
  end
  db:exec("INSERT INTO kik_venteliste VALUES (?, ?, ?)", { unit, rand(20), "2025-09-01" })
  db:exec("INSERT INTO kik_procedurer VALUES (?, ?)", { unit, wi % 2 })
end
print("demo data written: " .. #workplaces .. " units, 2 rounds each")
