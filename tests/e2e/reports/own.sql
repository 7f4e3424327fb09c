CREATE TABLE scores (question TEXT, tema TEXT, maaned TEXT, score REAL);
INSERT INTO scores VALUES ('1.1', 'ledelse', '2025-01', 40), ('1.1', 'ledelse', '2025-02', 60), ('1.1', 'ledelse', '2025-02', 80),
  ('1.2', 'ledelse', '2025-01', 50), ('1.2', 'ledelse', '2025-02', 55),
  ('2.1', 'trivsel', '2025-01', 70), ('2.1', 'trivsel', '2025-02', 90), ('3.1', 'resultater', '2025-01', 65);
