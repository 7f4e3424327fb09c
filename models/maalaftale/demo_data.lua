-- demo_data.lua — deterministic demo data for the goal agreement, chosen so that every
-- status occurs as of 2016-10-01 (and changes as of later dates).
-- Run: qm run models/maalaftale/demo_data.lua --db cpp.db --write
db:exec[[
CREATE TABLE cpp_lirk (unit_id TEXT, done TEXT);
CREATE TABLE cpp_sygefravaer (unit_id TEXT, period TEXT, value REAL);
CREATE TABLE cpp_personaleomsaetning (period TEXT, value REAL);
CREATE TABLE cpp_ledertrivsel (unit_id TEXT, done TEXT);
CREATE TABLE cpp_lus (unit_id TEXT, done TEXT);
CREATE TABLE cpp_forloeb (date TEXT, tilmeldte INTEGER);
CREATE TABLE cpp_temadage (date TEXT);
CREATE TABLE cpp_kurser (date TEXT);
CREATE TABLE cpp_udbytte (phase TEXT, value REAL);
CREATE TABLE cpp_roadshow (unit_id TEXT, done TEXT);
CREATE TABLE cpp_gule_kort (period TEXT, value INTEGER);
CREATE TABLE cpp_erfa (date TEXT);
CREATE TABLE cpp_gufi (item TEXT, done INTEGER);
CREATE TABLE cpp_indmelding (unit_id TEXT, done TEXT);
CREATE TABLE cpp_betingelse (decided TEXT, done TEXT);
CREATE TABLE cpp_vurdering (body TEXT, date TEXT, verdict TEXT, note TEXT);
]]
local centres = { "borger", "teknik", "born", "social", "sundhed", "okonomi" }
db:transaction(function()
  for i, c in ipairs(centres) do
    db:exec("INSERT INTO cpp_lirk VALUES (?, ?)", { c, i <= 4 and ("2016-0%d-15"):format(4 + i) or null })
    db:exec("INSERT INTO cpp_sygefravaer VALUES (?, '2013', ?), (?, '2016', ?)", { c, 4.0 + i / 10, c, 4.0 + (i % 3 == 0 and 0.5 or -0.3) })
    db:exec("INSERT INTO cpp_ledertrivsel VALUES (?, ?)", { c, i ~= 6 and ("2016-09-%02d"):format(10 + i) or "2016-10-20" })
    db:exec("INSERT INTO cpp_lus VALUES (?, ?)", { c, ("2016-%02d-01"):format(3 + i) })
    db:exec("INSERT INTO cpp_indmelding VALUES (?, ?)", { c, i <= 5 and "2016-09-28" or "2016-10-01" })
  end
  db:exec("INSERT INTO cpp_sygefravaer VALUES (NULL, '2013', 5.1), (NULL, '2016', 4.6)")
  for i = 1, 10 do db:exec("INSERT INTO cpp_roadshow VALUES (?, ?)", { ("med%02d"):format(i), i <= 7 and ("2016-0%d-10"):format(i % 9 + 1) or null }) end
  for _, f in ipairs({ { "2016-07-05", 18 }, { "2016-07-20", 16 }, { "2016-08-10", 15 }, { "2016-09-01", 21 } }) do
    db:exec("INSERT INTO cpp_forloeb VALUES (?, ?)", f)
  end
  for _, d in ipairs({ "2016-03-01", "2016-09-15" }) do db:exec("INSERT INTO cpp_temadage VALUES (?)", { d }) end
  for _, d in ipairs({ "2016-02-01", "2016-04-01", "2016-06-01", "2016-09-01" }) do db:exec("INSERT INTO cpp_kurser VALUES (?)", { d }) end
  db:exec("INSERT INTO cpp_udbytte VALUES ('før', 2.8), ('før', 3.1), ('efter', 3.9), ('efter', 4.2)")
  db:exec("INSERT INTO cpp_gule_kort VALUES ('2015', 12), ('2016', 9)")
  for _, d in ipairs({ "2016-01-20", "2016-03-15", "2016-05-10", "2016-08-30" }) do db:exec("INSERT INTO cpp_erfa VALUES (?)", { d }) end
  db:exec("INSERT INTO cpp_gufi VALUES ('organisationsoplysninger', 1), ('kontaktpersoner', 1)")
  db:exec("INSERT INTO cpp_vurdering VALUES ('fokusgruppe', '2016-09-20', 'achieved', 'størstedelen oplever tydelige forbedringer')")
end)
print("demo data written: " .. #centres .. " centres")
