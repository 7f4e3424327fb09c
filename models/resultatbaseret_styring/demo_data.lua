-- demo_data.lua — a job centre for the resultatbaseret-styring models: 4 teams, 20
-- caseworkers, 3000 citizens, monthly conversations through 2025 scored on the model's
-- indicators (about 10 % hidden from the citizen), focus points and interventions.
-- Deterministic; generated inside SQLite, so it takes about a second.
-- Run: qm run models/resultatbaseret_styring/demo_data.lua --db jc.db --write [--param variant=esbjerg]
local variant = params.variant or "vejle"
-- --param citizens=N for a bigger job centre (bench/jobcentre.sh uses 100000)
local n_citizens = math.tointeger(tonumber(params.citizens or 3000))
if not n_citizens or n_citizens < 1 then error("--param citizens must be a whole number above 0") end
if variant ~= "vejle" and variant ~= "esbjerg" then error('--param variant must be "vejle" or "esbjerg"') end
local m = use(variant .. ".lua")

store.transaction(function()
  store.unit { id = "jc", kind = "jobcenter", name = "Jobcenter Demo" }
  for t = 1, 4 do
    store.unit { id = ("team%d"):format(t), parent = "jc", kind = "team", name = ("Team %d"):format(t) }
    for c = 1, 5 do
      local n = (t - 1) * 5 + c
      store.unit { id = ("sb%02d"):format(n), parent = ("team%d"):format(t), kind = "sagsbehandler", name = ("Sagsbehandler %d"):format(n) }
    end
  end
end)

db:exec[[
CREATE TABLE jc_citizens (id TEXT PRIMARY KEY, caseworker_id TEXT, target_group TEXT, start_date TEXT, end_date TEXT);
CREATE TABLE jc_conversations (id TEXT PRIMARY KEY, citizen_id TEXT, date TEXT);
CREATE TABLE jc_scores (conversation_id TEXT, indicator TEXT, score INTEGER, hidden INTEGER NOT NULL DEFAULT 0);
CREATE TABLE jc_focus (citizen_id TEXT, indicator TEXT, opened TEXT, closed TEXT, reason TEXT);
CREATE TABLE jc_interventions (citizen_id TEXT, intervention TEXT, start_date TEXT, end_date TEXT);
CREATE TABLE demo_indicators (pos INTEGER, id TEXT);
]]
for i, q in ipairs(m:questions()) do db:exec("INSERT INTO demo_indicators VALUES (?, ?)", { i, q.id }) end

db:transaction(function()
  db:exec((([[
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {citizens})
  INSERT INTO jc_citizens
  SELECT printf('B%04d', i), printf('sb%02d', i % 20 + 1),
         CASE i % 3 WHEN 0 THEN 'sygedagpenge_match2' WHEN 1 THEN 'kontanthjaelp_match2' ELSE 'unge_uddannelse' END,
         date('2024-06-01', '+' || ((i * 37) % 540) || ' days'),
         CASE WHEN i % 9 = 0 THEN date('2025-06-01', '+' || (i % 150) || ' days') END
  FROM n;

  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 18)
  INSERT INTO jc_conversations
  SELECT c.id || '-' || k.i, c.id, date(c.start_date, '+' || (k.i * 30 + (length(c.id) + k.i * 7) % 9) || ' days')
  FROM jc_citizens c, k
  WHERE date(c.start_date, '+' || (k.i * 30) || ' days') <= coalesce(c.end_date, '2025-12-31')
    AND date(c.start_date, '+' || (k.i * 30) || ' days') <= '2025-12-31'
    AND (CAST(substr(c.id, 2) AS INTEGER) % 17) <> 0;      -- some citizens never scored

  INSERT INTO jc_scores
  SELECT cv.id, d.id,
         max(1, min(5, 1 + ((CAST(substr(cv.citizen_id, 2) AS INTEGER) * 7 + d.pos * 3) % 3)
                      + (CAST(substr(cv.id, instr(cv.id, '-') + 1) AS INTEGER)
                         * ((CAST(substr(cv.citizen_id, 2) AS INTEGER) + d.pos) % 4)) / 6
                      - ((CAST(substr(cv.citizen_id, 2) AS INTEGER) + d.pos) % 11 = 0)
                      - 2 * ((CAST(substr(cv.id, instr(cv.id, '-') + 1) AS INTEGER)
                              + CAST(substr(cv.citizen_id, 2) AS INTEGER) + d.pos) % 7 = 0))),
         (CAST(substr(cv.citizen_id, 2) AS INTEGER) + d.pos) % 10 = 0
  FROM jc_conversations cv JOIN demo_indicators d
  WHERE (CAST(substr(cv.citizen_id, 2) AS INTEGER) + d.pos + length(cv.id)) % 23 <> 0;  -- a few unscored

  INSERT INTO jc_focus
  SELECT c.id, d.id, date(c.start_date, '+30 days'),
         CASE WHEN CAST(substr(c.id, 2) AS INTEGER) % 3 = 0 THEN date(c.start_date, '+150 days') END,
         CASE CAST(substr(c.id, 2) AS INTEGER) % 6 WHEN 0 THEN 'nået' WHEN 3 THEN 'godt på vej' END
  FROM jc_citizens c JOIN demo_indicators d ON d.pos IN (1 + CAST(substr(c.id, 2) AS INTEGER) % 3, 4)
  WHERE CAST(substr(c.id, 2) AS INTEGER) % 4 <> 0;
  INSERT INTO jc_focus   -- renewed focus points after closing; a few citizens get a third one too many
  SELECT f.citizen_id, d.id, f.closed, NULL, NULL FROM jc_focus f JOIN demo_indicators d ON d.pos = 2
  WHERE f.closed IS NOT NULL AND f.indicator <> d.id AND CAST(substr(f.citizen_id, 2) AS INTEGER) % 5 = 0;

  INSERT INTO jc_interventions
  SELECT c.id, CASE CAST(substr(c.id, 2) AS INTEGER) % 4 WHEN 0 THEN 'virksomhedspraktik' WHEN 1 THEN 'mentor'
                 WHEN 2 THEN 'afklaringsforløb' ELSE 'samtaler alene' END,
         date(c.start_date, '+20 days'), NULL
  FROM jc_citizens c;
  ]]):gsub("{citizens}", tostring(n_citizens))))
end)
print(("demo data written (%s): %d citizens, %d conversations, %d scores"):format(variant,
  db:scalar("SELECT count(*) FROM jc_citizens"), db:scalar("SELECT count(*) FROM jc_conversations"),
  db:scalar("SELECT count(*) FROM jc_scores")))
