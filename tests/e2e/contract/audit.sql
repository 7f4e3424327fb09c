CREATE TABLE svar(round TEXT, case_id TEXT, criterion TEXT, answer INTEGER);
-- a1: 1 of 1 applicable, a2: 1 of 4; b1 and b2 the same: pooled 2/5 = 40 %, mean of shares 62.5 %
INSERT INTO svar VALUES ('foer', 'k1', 'a1', 1), ('foer', 'k2', 'a1', NULL), ('foer', 'k3', 'a1', NULL), ('foer', 'k4', 'a1', NULL),
  ('foer', 'k1', 'a2', 1), ('foer', 'k2', 'a2', 0), ('foer', 'k3', 'a2', 0), ('foer', 'k4', 'a2', 0),
  ('foer', 'k1', 'b1', 1), ('foer', 'k2', 'b1', NULL), ('foer', 'k3', 'b1', NULL), ('foer', 'k4', 'b1', NULL),
  ('foer', 'k1', 'b2', 1), ('foer', 'k2', 'b2', 0), ('foer', 'k3', 'b2', 0), ('foer', 'k4', 'b2', 0),
  ('med', 'k5', 'a1', 1), ('med', 'k5', 'a2', 1), ('med', 'k5', 'b1', 1), ('med', 'k5', 'b2', 1);
