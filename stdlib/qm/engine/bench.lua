-- bench.lua — the national-scale benchmark's Lua side (run by bench/qm_bench.c, engine-only):
-- generates deterministic data in the engine's own schema inside SQLite, and computes the
-- consensus statistics of every question of every round the way qm does, streaming.
local host = require "qm.host"
local store = require "qm.engine.store"
local consensus = require "qm.rules.consensus"

local M = {}

-- generate(path, municipalities, units, participants, questions): ~12 M responses at full scale
function M.generate(path, nm, nu, np, nq)
  os.remove(path); os.remove(path .. "-wal"); os.remove(path .. "-shm")
  local db = host.opendb(path, { write = true, create = true })
  store.migrate(db)
  db:exec("PRAGMA synchronous = OFF")
  local rounds = nm * nu
  db:transaction(function()
    db:exec([[WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < :nm - 1)
      INSERT INTO qm_units(id, parent_id, kind, name) SELECT printf('k%03d', i), NULL, 'kommune', printf('Kommune %d', i) FROM m]], { nm = nm })
    db:exec([[WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < :n - 1)
      INSERT INTO qm_units(id, parent_id, kind, name) SELECT printf('u%06d', i), printf('k%03d', i / :nu), 'enhed', printf('Enhed %d', i) FROM r]],
      { n = rounds, nu = nu })
    db:exec([[INSERT INTO qm_rounds(id, model_id, unit_id, started) SELECT 'r' || substr(id, 2), 'kik', id, '2026-03-01'
      FROM qm_units WHERE kind = 'enhed']])
    db:exec([[WITH RECURSIVE p(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM p WHERE k < :np)
      INSERT INTO qm_participants(round_id, code) SELECT r.id, printf('P%02d', k) FROM qm_rounds r, p]], { np = np })
    -- scores 0-100 in steps of 5, with agreement that varies by round and question; about 4 %
    -- "don't know"; a deterministic hash of (round, question, participant)
    db:exec([[WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < :rounds - 1),
        q(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM q WHERE j < :nq),
        p(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM p WHERE k < :np),
        h AS (SELECT i, j, k, ((i * 2654435761 + j * 40503 + k * 9973) % 1000003) AS x FROM r, q, p)
      INSERT INTO qm_responses(round_id, question, participant, score, dontknow)
      SELECT printf('r%06d', i), printf('q%02d', j), printf('P%02d', k),
             CASE WHEN x % 25 = 0 THEN NULL
                  ELSE min(100, max(0, ((i * 7 + j * 3) % 13 + 4) * 5 + ((x / 25) % (1 + (i + j) % 11)) * 5 - 20)) END,
             x % 25 = 0
      FROM h ORDER BY i, j, k]], { rounds = rounds, nq = nq, np = np })
  end)
  local n = db:scalar("SELECT count(*) FROM qm_responses")
  db:exec("PRAGMA wal_checkpoint(TRUNCATE)")
  db:close()
  return n
end

-- qm's consensus statistics for every question of every round, streamed: the same loop as
-- the "statistik" report (selfassess.each_question), with KIK's rule
function M.consensus_all(path, A, k)
  local db = host.opendb(path, {})
  local rule = consensus.median { max_range = 30 }
  local s = { step = 5, min = 0, max = 100, options = A }
  local questions, flagged = require("qm.reports.selfassess").each_question(db, nil,
    { A = A, step = 5, k = k, ties = "median", scale = s }, rule, nil)
  db:close()
  return questions, flagged, 0
end

return M
