-- a median keeps every value of its group: one group of 50 million
print(db:scalar([[WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 50000000)
                  SELECT median(x) FROM c]]))
