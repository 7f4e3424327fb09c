-- god_sagsbehandling.lua — God sagsbehandling på ældreområdet (Servicestyrelsen, 2007):
-- case audits before and with the method, yes / no / not applicable per criterion, criteria
-- grouped in the six problem areas the brochure names; the two implementation checklists;
-- the experience-review cadence; training-meeting guidance as soft checks; an activity plan.
-- The criteria's wording is ours (the method handbook is not in the sources); the shares the
-- brochure reports are reproduced by the demo data.
local src = "God sagsbehandling på ældreområdet, Styrelsen for Specialrådgivning og Social Service, 2007"
local yn = scale.yesno { na = true }
local prep = { "lokal ramme besluttet", "beslutninger kommunikeret", "mål formuleret",
  "aktivitetsplan med aktiviteter, tidspunkter, deltagere og ansvarlige", "koordinering med eksisterende redskaber og IT" }
local acts = { "sagsbehandlerne er motiverede", "sagsbehandlerne forstår metoden", "sagsbehandlerne er trygge ved at bruge den",
  "alle har drøftet og fået feedback på egne sager", "spørgsmål er samlet op og besvaret",
  "lederne har fulgt kvalitetens udvikling i forhold til målene", "samarbejdspartnere er informeret" }

model "god_sagsbehandling" {
  title = "God sagsbehandling på ældreområdet",
  source = src,
  scale = yn,
  as_of = "2008-12-31",
  audit = { table = "gs_audit", rounds = { "foer", "med" }, baseline = "foer" },
  -- the criteria ranked by how much they improved between two audit rounds: a report the
  -- model declares (docs/language.md, "report, section"), in every format like the bundled ones
  report "forbedring" {
    title = "Kriterier efter forbedring mellem auditrunderne",
    description = "the criteria ranked by their improvement between two audit rounds (--param fra=, til=)",
    needs = { "audit", "db" },
    params = { fra = "foer", til = "med" },
    section "kriterier" {
      title = "Forbedring pr. kriterium",
      text = "Andelen af relevante sager, der opfylder kriteriet, i hver runde (ikke relevant tæller ikke med), " ..
        "størst forbedring først.",
      sql = [[
        WITH andel AS (
          SELECT criterion, round, count(answer) AS relevante,
                 1.0 * sum(answer = 1) / nullif(count(answer), 0) AS andel
          FROM gs_audit GROUP BY criterion, round)
        SELECT f.criterion AS kriterium, f.andel AS foer, t.andel AS efter, t.andel - f.andel AS forbedring,
               f.relevante AS sager_foer, t.relevante AS sager_efter
        FROM andel f JOIN andel t ON t.criterion = f.criterion
        WHERE f.round = :fra AND t.round = :til
        ORDER BY forbedring DESC, kriterium]],
      columns = {
        { "kriterium", "Kriterium", element = true },
        { "foer", "Før", format = "percent" },
        { "efter", "Efter", format = "percent" },
        { "forbedring", "Forbedring", format = "percent" },
        { "sager_foer", "Sager før", format = "integer" },
        { "sager_efter", "Sager efter", format = "integer" },
      },
      chart = { type = "bars", title = "Før og efter", label = "kriterium", values = { "foer", "efter" }, series = { "Før", "Efter" },
                percent = true, min = 0, max = 1, change = true, labels = { category = "Kriterium", change = "Forbedring" } },
      empty = "Ingen kriterier er auditeret i begge runder.",
    },
  },
  theme "vurdering" { title = "Ensartet vurdering og dokumentation", quote = "forskellig vurderingspraksis og ikke-ensartet dokumentation",
    question "henvendelse" { title = "Dokumenteret henvendelse/ansøgning", text = "Er henvendelsen eller ansøgningen dokumenteret?" },
    question "funktionsvurdering" { title = "Funktionsvurdering", text = "Er der lavet en funktions- og ressourcevurdering?" },
    question "helhedsvurdering" { title = "Helhedsvurdering", text = "Er der lavet en helhedsvurdering?" },
  },
  theme "oplysning" { title = "Ingen overoplysning", quote = "overoplysninger",
    question "relevante_oplysninger" { title = "Kun relevante oplysninger", text = "Er der kun indhentet de oplysninger, sagen kræver?" },
  },
  theme "inddragelse" { title = "Borgerinddragelse og vejledning", quote = "borgerens deltagelse og den givne vejledning synliggøres ikke",
    question "borger_inddraget" { title = "Borgerinddragelse", text = "Fremgår det, at borgeren er inddraget aktivt?" },
    question "vejledning" { title = "Vejledning", text = "Fremgår den vejledning, borgeren har fået?" },
  },
  theme "afgoerelsen" { title = "Afgørelsen: begrundelse og formål", quote = "afgørelser mangler klar begrundelse og formål med hjælpen",
    question "begrundelse" { title = "Begrundelse for afgørelsen", text = "Er afgørelsen klart begrundet?" },
    question "formaal" { title = "Individuelt formål med hjælpen", text = "Er der et individuelt formål med hjælpen?" },
  },
  theme "overlevering" { title = "Overlevering til leverandøren", quote = "mangelfuld overlevering til leverandøren",
    question "formaal_leverandoer" { title = "Formål givet videre", text = "Har leverandøren fået hjælpens formål?" },
    question "ressourcer_leverandoer" { title = "Borgerens ressourcer givet videre", text = "Har leverandøren fået borgerens ressourcer at vide?" },
  },
  theme "tilsyn" { title = "Tilsyn med leverandører", quote = "usikkerhed om tilsyn med leverandørerne",
    question "tilsyn_aftalt" { title = "Tilsyn aftalt", text = "Er det aftalt, hvordan der føres tilsyn?" },
  },
  theme "implementering" { title = "Implementering af metoden", scored = false,
    indicator "tjekliste_forberedelse" { title = "Tjekliste vedrørende forberedelse", type = "checklist", items = prep,
      deadline = "udgangen af 1. kvartal 2008", sql = [[SELECT item, done FROM gs_checklist WHERE list = 'forberedelse']] },
    indicator "tjekliste_aktiviteter" { title = "Tjekliste vedrørende aktiviteter", type = "checklist", items = acts,
      sql = [[SELECT item, done FROM gs_checklist WHERE list = 'aktiviteter']] },
    indicator "erfaringsopsamling" { title = "Fælles erfaringsopsamling hver 4.-6. uge", type = "max_gap",
      max_gap = "hver 4.-6. uge", window = "fra 1. kvartal 2008 til udgangen af 2008",
      quote = "erfaringsopsamling hver 4.-6. uge", sql = [[SELECT date FROM gs_events WHERE kind = 'erfaringsopsamling']] },
    indicator "traening_varighed" { title = "Træningsmøder på 2-3 timer", type = "target", max = 0, hard = false,
      unit = "møder uden for 2-3 timer",
      sql = [[SELECT count(*) FILTER (WHERE hours < 2 OR hours > 3) AS value FROM gs_training WHERE date <= :as_of]] },
    indicator "traening_gruppe" { title = "Grupper på 5-7 sagsbehandlere", type = "target", max = 0, hard = false,
      unit = "møder uden for 5-7 deltagere",
      sql = [[SELECT count(*) FILTER (WHERE caseworkers < 5 OR caseworkers > 7) AS value FROM gs_training WHERE date <= :as_of]] },
    indicator "traening_sager" { title = "Typisk 2 sager pr. møde", type = "target", max = 0, hard = false,
      unit = "møder med et andet antal sager",
      sql = [[SELECT count(*) FILTER (WHERE cases <> 2) AS value FROM gs_training WHERE date <= :as_of]] },
  },
  -- the method's own tables (qm import --table NAME FILE; the audit answers: --what audit).
  -- A checklist item's `done` is the date it was done (or yes/no): never free text, so "0",
  -- "nej" or "" can no longer count as done.
  dataset "gs_checklist" { key = { "list", "item" },
    column "list" { type = "enum", values = { "forberedelse", "aktiviteter" }, required = true, aliases = { "tjekliste" } },
    column "item" { type = "text", required = true, aliases = { "punkt" } },
    column "done" { type = "done", aliases = { "udført" } },
  },
  dataset "gs_events" {
    column "kind" { type = "text", required = true, aliases = { "art" } },
    column "date" { type = "date", required = true, aliases = { "dato" } },
  },
  dataset "gs_training" { title = "Træningsmøder",
    column "date" { type = "date", required = true, aliases = { "dato" } },
    column "hours" { type = "number", min = 0, max = 24, aliases = { "timer" } },
    column "caseworkers" { type = "integer", min = 0, aliases = { "sagsbehandlere" } },
    column "cases" { type = "integer", min = 0, aliases = { "sager" } },
  },
  plan = {
    { id = 1, title = "Beslut den lokale ramme", owner = "Topledelsen", time = "senest 31. januar 2008" },
    { id = 2, title = "Træningsmøder for alle sagsbehandlere", owner = "Nærmeste ledere", time = "1. halvår 2008" },
    { id = 3, title = "Fælles erfaringsopsamling", owner = "Implementeringsgruppen", time = "hver 4.-6. uge" },
    { id = 4, title = "Ugens Tip", owner = "Forandringsagenter", time = "løbende 2008-2008" },
    { id = 5, title = "Audit med metoden", owner = "Implementeringsgruppen", time = "efteråret 2008" },
  },
}
