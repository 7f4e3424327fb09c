-- floors.sql — the floor queries bench/run.py measures qm against: for each target, the
-- simplest single pass of SQLite over the same rows, with SQLite's own aggregates, stepped in
-- C by `qm_bench step` (no Lua, nothing written). A report is held to a multiple of its floor
-- (bench/README.md). Each query follows a "-- floor: NAME" line; :as_of, :citizen and
-- :caseworker are filled in by run.py.

-- floor: national
-- the national statistics' floor: every answer read once, grouped per round and question
-- (SQLite walks the primary key, so no sort), count/avg/min/max per question
SELECT round_id, question, count(*), avg(score), min(score), max(score)
FROM qm_responses GROUP BY round_id, question;

-- floor: jc_pairs
-- progression, stagnation, indsatser and every citizen's rows: every score read once with its
-- conversation (date, citizen), grouped per citizen and indicator
SELECT cv.citizen_id, s.indicator, count(*), min(cv.date), max(cv.date), sum(s.score)
FROM jc_scores s JOIN jc_conversations cv ON cv.id = s.conversation_id
WHERE cv.date <= :as_of AND s.score IS NOT NULL
GROUP BY cv.citizen_id, s.indicator;

-- floor: jc_caseload
-- one caseworker's citizens: the same pass, the citizens of the caseload only
SELECT cv.citizen_id, s.indicator, count(*), min(cv.date), max(cv.date), sum(s.score)
FROM jc_scores s JOIN jc_conversations cv ON cv.id = s.conversation_id
JOIN jc_citizens c ON c.id = cv.citizen_id
WHERE cv.date <= :as_of AND s.score IS NOT NULL AND c.caseworker_id = :caseworker
GROUP BY cv.citizen_id, s.indicator;

-- floor: jc_conversations
-- completeness: every score read once with its conversation, counted per conversation
SELECT s.conversation_id, count(s.score)
FROM jc_scores s JOIN jc_conversations cv ON cv.id = s.conversation_id
WHERE cv.date <= :as_of
GROUP BY s.conversation_id;

-- floor: jc_scored
-- coverage: every score read once with its conversation, the citizens with a score
SELECT count(DISTINCT cv.citizen_id)
FROM jc_scores s JOIN jc_conversations cv ON cv.id = s.conversation_id
WHERE cv.date <= :as_of AND s.score IS NOT NULL;

-- floor: jc_focus
-- fokus: every focus point read once, per citizen
SELECT citizen_id, count(*), min(opened), max(closed) FROM jc_focus GROUP BY citizen_id;

-- floor: jc_citizen
-- one citizen: the scores of the citizen's conversations (the tables have no index on the
-- citizen, so this reads every score once), per indicator
SELECT s.indicator, count(*), sum(s.score)
FROM jc_scores s WHERE s.conversation_id IN (SELECT id FROM jc_conversations WHERE citizen_id = :citizen)
GROUP BY s.indicator;
