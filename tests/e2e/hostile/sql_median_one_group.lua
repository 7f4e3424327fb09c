-- a median keeps every value of its group: one group of 5 million (40 MB of values)
print(db:scalar([[WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5000000)
                  SELECT median(x) FROM c]]))
