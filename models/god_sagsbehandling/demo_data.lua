-- demo_data.lua — deterministic demo data for the god-sagsbehandling model: 100 audited cases
-- before and 100 with the method, reproducing the shares the brochure reports
-- (borgerinddragelse 15 % -> 91 %, begrundelse 52 % -> 99 %, formål 51 % -> 98 %), the
-- checklists (4 of 5 preparation items done), experience reviews and training meetings.
-- Run: qm run models/god_sagsbehandling/demo_data.lua --db gs.db --write
db:exec[[
CREATE TABLE gs_audit (round TEXT, case_id INTEGER, criterion TEXT, answer INTEGER);
CREATE TABLE gs_checklist (list TEXT, item TEXT, done TEXT);
CREATE TABLE gs_events (kind TEXT, date TEXT);
CREATE TABLE gs_training (date TEXT, hours REAL, caseworkers INTEGER, cases INTEGER);
]]
-- yes out of 100 cases; na = cases where the criterion does not apply
local targets = {
  foer = { henvendelse = 96, funktionsvurdering = 50, helhedsvurdering = 16, relevante_oplysninger = 49,
           borger_inddraget = 15, vejledning = 30, begrundelse = 52, formaal = 51, formaal_leverandoer = 40,
           ressourcer_leverandoer = 35, tilsyn_aftalt = 60 },
  med = { henvendelse = 100, funktionsvurdering = 94, helhedsvurdering = 80, relevante_oplysninger = 90,
          borger_inddraget = 91, vejledning = 85, begrundelse = 99, formaal = 98, formaal_leverandoer = 88,
          ressourcer_leverandoer = 84, tilsyn_aftalt = 75 },
}
local na = { tilsyn_aftalt = 20 }   -- 20 of 100 cases have no provider: not applicable
db:transaction(function()
  local st = db:prepare("INSERT INTO gs_audit VALUES (?, ?, ?, ?)")
  for round, crit in pairs(targets) do
    for c, yes in pairs(crit) do
      local skip = na[c] or 0
      for case = 1, 100 do
        local answer
        if case <= skip then answer = null
        else answer = (case - skip) <= math.floor(yes * (100 - skip) / 100 + 0.5) and 1 or 0 end
        st:exec({ round, case, c, answer })
      end
    end
  end
  st:close()
  local prep = { "lokal ramme besluttet", "beslutninger kommunikeret", "mål formuleret",
    "aktivitetsplan med aktiviteter, tidspunkter, deltagere og ansvarlige" }
  for i, item in ipairs(prep) do db:exec("INSERT INTO gs_checklist VALUES ('forberedelse', ?, ?)", { item, ("2008-0%d-15"):format(i) }) end
  for _, item in ipairs({ "sagsbehandlerne er motiverede", "sagsbehandlerne forstår metoden" }) do
    db:exec("INSERT INTO gs_checklist VALUES ('aktiviteter', ?, '2008-05-01')", { item })
  end
  for _, d in ipairs({ "2008-01-20", "2008-02-25", "2008-04-01", "2008-05-10", "2008-06-16", "2008-07-21",
                       "2008-09-15", "2008-10-20", "2008-11-24" }) do
    db:exec("INSERT INTO gs_events VALUES ('erfaringsopsamling', ?)", { d })
  end
  for _, m in ipairs({ { "2008-02-05", 2.5, 6, 2 }, { "2008-03-04", 3, 5, 2 }, { "2008-04-08", 4, 9, 3 }, { "2008-05-06", 2, 7, 2 } }) do
    db:exec("INSERT INTO gs_training VALUES (?, ?, ?, ?)", m)
  end
end)
print("demo data written: 2 audit rounds of 100 cases")
