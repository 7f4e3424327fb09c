-- kinds.lua — one indicator per indicator kind and case, built from a table: for every kind
-- the query gives the right columns (ok), leaves a column out (missing), gives a value of the
-- wrong type (type) or a value outside the column's domain (domain). tests/e2e/test_contract.sh
-- checks that each gives the documented status and message; the queries read nothing from a
-- table, so every case is in this file.
local cases = {
  { kind = "value", f = { max = 5 },
    ok = "SELECT 3 AS value, '2016-05-01' AS date", missing = "SELECT 3 AS vaerdi",
    type = "SELECT 'tre' AS value", domain = "SELECT 3 AS value, '2016-02-30' AS date" },
  { kind = "target", f = { min = 15 },
    ok = "SELECT 17 AS value", missing = "SELECT '2016-05-01' AS date",
    type = "SELECT x'00' AS value", domain = "SELECT 17 AS value, '01-05-2016' AS date" },
  { kind = "documentation", f = {},
    ok = "SELECT 'ja' AS value", missing = "SELECT 1 AS har_procedure",
    type = "SELECT 'ja' AS value, 20160501 AS date", domain = "SELECT 'ja' AS value, '2016-13-01' AS date" },
  { kind = "direction", f = { direction = "decrease", baseline = "ultimo 2013" },
    ok = "SELECT '2013' AS period, 5.1 AS value UNION ALL SELECT '2016', 4.2", missing = "SELECT 5.1 AS value",
    type = "SELECT '2013' AS period, 'fem' AS value", domain = "SELECT '2016-Q5' AS period, 5.1 AS value" },
  { kind = "completion", f = { deadline = "ultimo 2016" },
    ok = "SELECT 'A' AS unit_id, '2016-06-01' AS done", missing = "SELECT 'A' AS unit_id",
    type = "SELECT 'A' AS unit_id, 1 AS done", domain = "SELECT NULL AS unit_id, '2016-06-01' AS done" },
  { kind = "frequency", f = { count = 1, per = "quarter", window = "2016" },
    ok = "SELECT '2016-02-01' AS date UNION ALL SELECT '2016-05-01' UNION ALL SELECT '2016-08-01' UNION ALL SELECT '2016-11-01'",
    missing = "SELECT '2016-02-01' AS dato", type = "SELECT 20160201 AS date", domain = "SELECT '2016-02-30' AS date" },
  { kind = "max_gap", f = { max_gap = "hvert kvartal", window = "2016" },
    ok = "SELECT '2016-02-01' AS date UNION ALL SELECT '2016-05-01' UNION ALL SELECT '2016-08-01' UNION ALL SELECT '2016-10-15'",
    missing = "SELECT '2016-02-01' AS when_", type = "SELECT 2016.5 AS date", domain = "SELECT NULL AS date" },
  { kind = "share", f = { threshold = 0.5 },
    ok = "SELECT 1 AS met UNION ALL SELECT 'nej' UNION ALL SELECT 'ja' UNION ALL SELECT NULL", missing = "SELECT 1 AS opfyldt",
    type = "SELECT '2016-01-01' AS met", domain = "SELECT 2 AS met" },
  { kind = "checklist", f = { items = { "a", "b" } },
    ok = "SELECT 'a' AS item, 'ja' AS done UNION ALL SELECT 'b', '2016-03-01'", missing = "SELECT 'a' AS item",
    type = "SELECT 'a' AS item, 0.5 AS done", domain = "SELECT 'c' AS item, 1 AS done" },
  { kind = "judgement", f = { body = "chefgruppen" },
    ok = "SELECT 'chefgruppen' AS body, '2016-06-01' AS date, 'opfyldt' AS verdict", missing = "SELECT 'chefgruppen' AS body, '2016-06-01' AS date",
    type = "SELECT 'chefgruppen' AS body, 5 AS date, 'opfyldt' AS verdict", domain = "SELECT 'chefgruppen' AS body, '2016-06-01' AS date, 'måske' AS verdict" },
  { kind = "prepost", f = { better = "higher" },
    ok = "SELECT 'før' AS phase, 2 AS value UNION ALL SELECT 'efter', 4", missing = "SELECT 2 AS value",
    type = "SELECT 'før' AS phase, 'to' AS value", domain = "SELECT 'undervejs' AS phase, 2 AS value" },
  { kind = "conditional", f = { condition = "aftale", deadline = "ultimo 2017" },
    ok = "SELECT '2016-03-01' AS decided, NULL AS done", missing = "SELECT '2016-03-01' AS besluttet",
    type = "SELECT 20160301 AS decided", domain = "SELECT '2016-03-01' AS decided, '31.12.2016' AS done" },
}

local indicators = {}
for _, c in ipairs(cases) do
  for _, case in ipairs { "ok", "missing", "type", "domain" } do
    local spec = { title = c.kind .. " " .. case, type = c.kind, sql = c[case] }
    for k, v in pairs(c.f) do spec[k] = v end
    indicators[#indicators + 1] = indicator(c.kind .. "_" .. case)(spec)
  end
end

local t = { title = "Alle slags" }
for i, ind in ipairs(indicators) do t[i] = ind end
model "kinds" { title = "The data contract, kind by kind", theme "alle" (t) }
