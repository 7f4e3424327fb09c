CREATE TABLE qm_units (id TEXT PRIMARY KEY, parent_id TEXT, kind TEXT, name TEXT);
INSERT INTO qm_units VALUES ('jc', NULL, 'jobcenter', 'JC'), ('t1', 'jc', 'team', 'T1'), ('t2', 'jc', 'team', 'T2'),
  ('sb1', 't1', 'sagsbehandler', 'S1'), ('sb2', 't2', 'sagsbehandler', 'S2');
CREATE TABLE jc_citizens (id TEXT, caseworker_id TEXT, target_group TEXT, start_date TEXT, end_date TEXT);
INSERT INTO jc_citizens VALUES ('A', 'sb1', 'sdp', '2025-01-01', NULL), ('B', 'sb1', 'sdp', '2025-06-01', NULL),
  ('C', 'sb2', 'kth', '2025-07-01', NULL), ('D', 'sb2', 'kth', '2025-01-01', NULL);
CREATE TABLE jc_conversations (id TEXT, citizen_id TEXT, date TEXT);
INSERT INTO jc_conversations VALUES ('A1', 'A', '2025-02-01'), ('A2', 'A', '2025-03-01'), ('A3', 'A', '2025-04-01'),
  ('B1', 'B', '2025-07-01'), ('B2', 'B', '2025-08-01'), ('C1', 'C', '2025-08-01'), ('C2', 'C', '2025-09-01'),
  ('A4', 'A', '2026-02-01');
CREATE TABLE jc_scores (conversation_id TEXT, indicator TEXT, score INTEGER, hidden INTEGER);
INSERT INTO jc_scores VALUES ('A1', 'motivation', 2, 0), ('A2', 'motivation', 3, 0), ('A3', 'motivation', 4, 0),
  ('B1', 'motivation', 3, 0), ('B2', 'motivation', 3, 1), ('C1', 'motivation', 4, 0), ('C2', 'motivation', 2, 0),
  ('A4', 'motivation', 1, 0), ('A1', 'helbred', 5, 0), ('A3', 'helbred', 5, 0);
CREATE TABLE jc_focus (citizen_id TEXT, indicator TEXT, opened TEXT, closed TEXT, reason TEXT);
INSERT INTO jc_focus VALUES ('A', 'privatoekonomi', '2025-02-01', NULL, NULL), ('A', 'netvaerk', '2025-02-01', NULL, NULL),
  ('A', 'misbrug', '2025-03-01', NULL, NULL), ('B', 'netvaerk', '2025-07-01', '2025-08-01', 'nået'),
  ('B', 'uddannelse', '2025-08-01', NULL, NULL);
CREATE TABLE jc_interventions (citizen_id TEXT, intervention TEXT, start_date TEXT, end_date TEXT);
INSERT INTO jc_interventions VALUES ('A', 'mentor', '2025-01-15', NULL), ('C', 'praktik', '2025-07-15', NULL);
