-- one aggregate of 30 MB
print(#db:scalar([[WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1500000)
                   SELECT group_concat(printf('%020d', x)) FROM c]]))
