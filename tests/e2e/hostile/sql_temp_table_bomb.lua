-- a read-only run filling a TEMP table (a temporary file on disk)
db:exec([[CREATE TEMP TABLE big AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000000)
          SELECT x, printf('%0100d', x) AS pad FROM c]])
print(db:scalar("SELECT count(*) FROM big"))
