CREATE TABLE jc_citizens(id TEXT, caseworker_id TEXT, target_group TEXT, start_date TEXT, end_date TEXT);
INSERT INTO jc_citizens VALUES ('c1', 'cw', 'sygedagpenge', '2010-01-01', NULL), ('c2', 'cw', 'kontanthjaelp', '2010-01-01', NULL),
  ('c3', 'cw', 'unge', '2010-01-01', NULL);
CREATE TABLE jc_conversations(id TEXT, citizen_id TEXT, date TEXT);
INSERT INTO jc_conversations VALUES ('v1', 'c1', '2010-06-01'), ('v3', 'c3', '2010-06-01');
CREATE TABLE jc_scores(conversation_id TEXT, indicator TEXT, score INTEGER, hidden INTEGER);
INSERT INTO jc_scores VALUES ('v1', 'motivation', 3, 0), ('v3', 'motivation', 4, 0);
