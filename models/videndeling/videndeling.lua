-- videndeling.lua — Handlingsplan om Videndeling / Den Lærende Organisation (Ringkøbing-Skjern
-- Kommune). The 11 characteristics of a learning organisation (Pedler, Burgoyne & Boydell) are
-- themes that are not scored; trin 1's completion criteria are checked per unit; the trin 2
-- action plan links actions to characteristics and strategy goals; the prioritisation of
-- four characteristics is recorded with the document's reasons, not computed.
-- Characteristics 1, 2, 4 and 6 are not named in the (incomplete) source text: their titles
-- are the book's standard list, marked with meta.from_book.
local src = "Handlingsplan om Videndeling, Ringkøbing-Skjern Kommune"
local function book(id, title)
  return theme(id) { title = title, scored = false, meta = { from_book = true },
    source = "Pedler, Burgoyne & Boydell: Den Lærende Virksomhed (not named in the source text)" }
end
local function named(id, title, quote)
  return theme(id) { title = title, scored = false, source = src, quote = quote }
end

model "videndeling" {
  title = "Videndeling — Den Lærende Organisation",
  source = src,
  as_of = "2010-06-30",
  theme "karakteristika" { title = "De 11 karakteristika", scored = false,
    book("1", "En lærende tilgang til strategi"),
    book("2", "Deltagende politikudformning"),
    named("3", "Brug af informationsteknologi", "Brug af informationsteknologi"),
    book("4", "Formativ regnskabsføring og kontrol"),
    named("5", "Intern udveksling", "Intern udveksling"),
    book("6", "Fleksible belønningssystemer"),
    named("7", "Selvstændiggørende strukturer", "Selvstændiggørende strukturer"),
    named("8", "Medarbejdere som scannere af omverdenen", "Medarbejdere som scannere af omverdenen"),
    named("9", "Læring og videndeling i samarbejde med andre", "Læring og videndeling i samarbejde med andre virksomheder, brugere, borgere m.m."),
    named("10", "Miljø for læring", "Miljø for læring"),
    named("11", "Selvudviklingsmuligheder for alle", "Selvudviklingsmuligheder for alle"),
  },
  theme "trin" { title = "Trinene", scored = false, source = src,
    theme "trin1" { title = "Trin 1: Læring, et lærende miljø", scored = false,
      indicator "trin1_kriterier" { title = "Trin 1 er gennemført i enheden", type = "checklist", scope = "enhed",
        items = { "alle medarbejdere har fået indholdet præsenteret", "idéer indsamlet lokalt og plan udarbejdet" },
        quote = "alle medarbejdere er blevet præsenteret for indholdet",
        sql = [[SELECT unit_id, item, done FROM dlo_trin1]] },
    },
    theme "trin2" { title = "Trin 2: Videndeling og læring (til sommeren 2011)", scored = false,
      indicator "velkomstmesse" { title = "Velkomstmesse for nye medarbejdere to gange om året", type = "frequency",
        every = "2 gange om året", window = "fra 1. halvår 2009 til udgangen af 2011",
        sql = [[SELECT date FROM dlo_events WHERE action = 'velkomstmesse']] },
      indicator "kernevidenskortlaegning" { title = "Kortlægning af kerneviden én gang om året", type = "frequency",
        every = "årligt", window = "fra 2009 til udgangen af 2011",
        sql = [[SELECT date FROM dlo_events WHERE action = 'kerneviden']] },
      indicator "videndelerworkshop" { title = "Årlig workshop for videndelere (første primo 2010)", type = "frequency",
        every = "årligt", window = "fra 2010 til udgangen af 2011",
        sql = [[SELECT date FROM dlo_events WHERE action = 'workshop']] },
    },
  },
  plan = {
    { id = 1, group = "1 Videndelere", title = "Videndelere udpeges i alle områder; årlig workshop for dem", owner = "Alle områder",
      time = "i løbet af november 2009", links = { "10", "5", "8" }, goals = { "Udvikling af menneskelige ressourcer" } },
    { id = 2, group = "2 Kompetencer og kerneviden", title = "Velkomstmesse for nye medarbejdere", owner = "Intern Udvikling og Personale",
      time = "2 gange om året fra 2009", links = { "5", "10" }, goals = { "Udvikling af menneskelige ressourcer" } },
    { id = 3, group = "2 Kompetencer og kerneviden", title = "Initiativer der understøtter videndeling; kurser", owner = "Alle aftaleenheder",
      time = "løbende 2009-2011", links = { "10", "11" }, goals = { "Processer" } },
    { id = 4, group = "2 Kompetencer og kerneviden", title = "Kompetenceafklaring i HR-strategien; lokal registrering", owner = "Alle aftaleenheder",
      time = "—", links = { "11" }, goals = { "Udvikling af menneskelige ressourcer" } },
    { id = 5, group = "2 Kompetencer og kerneviden", title = "Kortlægning af kerneviden nu og om ca. 5 år", owner = "Alle aftaleenheder",
      time = "årligt", links = { "11" }, goals = { "Udvikling af menneskelige ressourcer" } },
    { id = 6, group = "2 Kompetencer og kerneviden", title = "Synliggørelse af karriereveje", owner = "Intern Udvikling og Personale; Kommunikationsafdelingen",
      time = "efterår/vinter 2009", links = { "11" }, goals = { "Udvikling af menneskelige ressourcer" } },
    { id = 7, group = "2 Kompetencer og kerneviden", title = "Projektorganisering på tværs; projekt- og metodehåndbog; netværk for projektledere",
      owner = "Direktionen; Intern Udvikling og Personale", time = "efteråret 2009", links = { "5", "7", "10" }, goals = { "Processer" } },
    { id = 8, group = "2 Kompetencer og kerneviden", title = "Ledernetværk", owner = "Direktionen", time = "—",
      links = { "10", "5", "9", "8" }, goals = { "Processer" } },
    { id = 9, group = "2 Kompetencer og kerneviden", title = "Struktureret videndeling på personalemøder (efter kurser m.m.)",
      owner = "Alle aftaleenheder", time = "—", links = { "5" }, goals = { "Processer" } },
    { id = 10, group = "3 Optimering af intern videndeling", title = "Afklaring af hvad hvert videndelingssystem kan og ikke kan bruges til",
      owner = "Viden og Strategi", time = "vinter 2009/2010", links = { "3", "5" }, goals = { "Fysiske og økonomiske ressourcer" } },
  },
  priorities = {
    { id = "10", reason = "Allerede påbegyndt og grundlæggende for de øvrige" },
    { id = "5", reason = "Peger indad i organisationen" },
    { id = "11", reason = "Peger indad i organisationen" },
    { id = "9", reason = "Peger udad: læring i samarbejde med andre" },
  },
  coverage_of = "karakteristika",
  -- the organisation's own tables (qm import --table NAME FILE)
  dataset "dlo_trin1" { key = { "unit_id", "item" },
    column "unit_id" { type = "text", required = true, aliases = { "enhed" } },
    column "item" { type = "text", required = true, aliases = { "punkt" } },
    column "done" { type = "done" },
  },
  dataset "dlo_events" {
    column "action" { type = "enum", values = { "velkomstmesse", "kerneviden", "workshop" }, required = true, aliases = { "aktivitet" } },
    column "date" { type = "date", required = true, aliases = { "dato" } },
  },
  dataset "dlo_temperatur" { title = "Temperaturmåling pr. enhed og karakteristikum", key = { "unit_id", "characteristic" },
    column "unit_id" { type = "text", required = true, aliases = { "enhed" } },
    column "characteristic" { type = "element", of = "theme", required = true, aliases = { "karakteristikum" } },
    column "score" { type = "integer", required = true, min = 1, max = 5 },
  },
  survey_sql = [[SELECT characteristic AS element, score FROM dlo_temperatur]],
}
