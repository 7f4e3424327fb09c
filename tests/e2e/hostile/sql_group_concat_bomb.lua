-- one aggregate that grows without end
print(#db:scalar([[WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 50000000)
                   SELECT group_concat(printf('%020d', x)) FROM c]]))
