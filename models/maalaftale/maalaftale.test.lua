-- maalaftale.test.lua — the goal agreement's indicators, one kind at a time, each with a few
-- rows whose status can be read off by hand: `qm test models/maalaftale`.

test "dom: fokusgruppens seneste vurdering tæller, andre organers ikke" {
  as_of = "2016-10-01",
  data = { cpp_vurdering = { columns = { "body", "date", "verdict", "note" },
    { "fokusgruppe", "2016-03-01", "ikke opfyldt", "for tidligt" },
    { "fokusgruppe", "2016-09-20", "opfyldt", "størstedelen oplever en forskel" },
    { "chefgruppen", "2016-09-30", "ikke opfyldt", "en anden instans" } } },
  indicator "maerkbare" { status = "achieved" },
}

test "en frist uden år kan ikke vurderes" {
  as_of = "2016-10-01",
  data = { cpp_vurdering = { { body = "chefgruppen", date = "2016-09-30", verdict = "opfyldt" } } },
  indicator "evaluering" { status = "not evaluable", reason = contains("ultimo") },
}

test "retning: sygefravær skal falde fra 2013, for hvert center og samlet" {
  as_of = "2016-10-01",
  data = { cpp_sygefravaer = { columns = { "unit_id", "period", "value" },
    { "borger", "2013", 4.1 }, { "borger", "2016", 3.8 },     -- down: achieved
    { "teknik", "2013", 4.2 }, { "teknik", "2016", 4.7 },     -- up: not achieved
    { null, "2013", 5.1 }, { null, "2016", 4.6 } } },         -- the whole organisation: down
  indicator "sygefravaer" { unit = "borger", status = "achieved" },
  indicator "sygefravaer" { unit = "teknik", status = "not achieved" },
  indicator "sygefravaer" { status = "achieved" },
}

test "gennemførelse: alle centre inden 1. oktober 2016" {
  as_of = "2016-10-02",
  data = { cpp_indmelding = { columns = { "unit_id", "done" },
    { "borger", "2016-09-28" }, { "teknik", "2016-09-30" }, { "born", "2016-10-01" }, { "social", null } } },
  indicator "indmelding" { status = "not achieved" },
}

test "gennemførelse: før fristen er det endnu ikke afgjort" {
  as_of = "2016-09-15",
  data = { cpp_indmelding = { { unit_id = "borger", done = "2016-09-01" }, { unit_id = "teknik" } } },
  indicator "indmelding" { status = "on track" },
}

test "mål: mindst 15 tilmeldte hver gang, 15 selv er nok" {
  as_of = "2016-10-01",
  data = { cpp_forloeb = { columns = { "date", "tilmeldte" }, { "2016-07-05", 18 }, { "2016-08-10", 15 }, { "2016-12-01", 9 } } },
  indicator "tilmeldte" { status = "achieved", value = 15 },      -- December is after as_of (:as_of in the query)
}

test "hyppighed: 4 forløb pr. kvartal fra 3. kvartal 2016, et afsluttet kvartal med 2 er ikke nået" {
  as_of = "2017-01-02",
  data = { cpp_forloeb = { columns = { "date", "tilmeldte" },
    { "2016-07-05", 18 }, { "2016-08-01", 16 }, { "2016-08-20", 15 }, { "2016-09-10", 17 },      -- Q3: 4
    { "2016-10-05", 16 }, { "2016-11-01", 20 } } },                                              -- Q4: 2
  indicator "forloeb" { status = "not achieved" },
}

test "højst to måneder mellem erfa-møder: indtil videre overholdt" {
  as_of = "2016-06-30",
  data = { cpp_erfa = { { date = "2016-01-20" }, { date = "2016-03-15" }, { date = "2016-05-10" } } },
  indicator "erfa" { status = "on track" },
}

test "højst to måneder mellem erfa-møder: et hul på fire måneder er ikke nået" {
  as_of = "2016-10-01",
  data = { cpp_erfa = { { date = "2016-01-20" }, { date = "2016-03-15" }, { date = "2016-07-20" } } },
  indicator "erfa" { status = "not achieved" },
}

test "tjekliste: GUFI er opdateret, når alle tre punkter er gjort" {
  as_of = "2016-10-01",
  data = { cpp_gufi = { columns = { "item", "done" }, { "organisationsoplysninger", 1 }, { "kontaktpersoner", "ja" }, { "vejledninger", 0 } } },
  indicator "gufi" { status = "on track" },
}

test "før/efter: udbyttet skal stige" {
  as_of = "2016-10-01",
  data = { cpp_udbytte = { columns = { "phase", "value" }, { "før", 2.8 }, { "før", 3.2 }, { "efter", 3.9 }, { "efter", 4.1 } } },
  indicator "udbytte" { status = "achieved" },
}

test "betinget: afventer, til beslutningen er truffet" {
  as_of = "2016-10-01",
  data = { cpp_betingelse = { { decided = null, done = null } } },
  indicator "samskabelsesplan" { status = "pending" },
}

test "AD 2 deler AD 1's LIRK-målinger" {
  as_of = "2017-01-15",
  data = { cpp_lirk = { columns = { "unit_id", "done" }, { "borger", "2016-05-15" }, { "teknik", "2016-12-20" } } },
  indicator "lirk" { status = "achieved" },
  indicator "lirk_ad2" { status = "achieved", reason = contains("lirk") },
}
