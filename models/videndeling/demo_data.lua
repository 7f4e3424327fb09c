-- demo_data.lua — deterministic demo data for the videndeling model: six units' trin 1
-- criteria, the recurring events of trin 2 (welcome fairs, knowledge mapping, workshops)
-- and a temperature survey per unit and characteristic.
-- Run: qm run models/videndeling/demo_data.lua --db dlo.db --write
db:exec[[
CREATE TABLE dlo_trin1 (unit_id TEXT, item TEXT, done TEXT);
CREATE TABLE dlo_events (action TEXT, date TEXT);
CREATE TABLE dlo_temperatur (unit_id TEXT, characteristic TEXT, score INTEGER);
]]
local units = { "borger", "teknik", "skole", "dagtilbud", "aeldre", "administration" }
local items = { "alle medarbejdere har fået indholdet præsenteret", "idéer indsamlet lokalt og plan udarbejdet" }
db:transaction(function()
  for i, u in ipairs(units) do
    db:exec("INSERT INTO dlo_trin1 VALUES (?, ?, ?)", { u, items[1], "2009-03-01" })
    -- two units have no plan yet: they go on to make one
    if i <= 4 then db:exec("INSERT INTO dlo_trin1 VALUES (?, ?, ?)", { u, items[2], ("2009-%02d-15"):format(3 + i) }) end
    for c = 1, 11 do
      db:exec("INSERT INTO dlo_temperatur VALUES (?, ?, ?)", { u, tostring(c), 1 + (i * 7 + c * 3) % 5 })
    end
  end
  for _, d in ipairs({ "2009-03-10", "2009-09-10", "2010-03-11" }) do db:exec("INSERT INTO dlo_events VALUES ('velkomstmesse', ?)", { d }) end
  for _, d in ipairs({ "2009-11-20" }) do db:exec("INSERT INTO dlo_events VALUES ('kerneviden', ?)", { d }) end
  for _, d in ipairs({ "2010-02-04" }) do db:exec("INSERT INTO dlo_events VALUES ('workshop', ?)", { d }) end
end)
print("demo data written: " .. #units .. " units")
