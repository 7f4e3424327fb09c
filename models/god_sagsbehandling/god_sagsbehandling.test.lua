-- god_sagsbehandling.test.lua — the case audit's shares before and with the method, the
-- implementation checklists, the experience-review cadence and the training guidance:
-- `qm test models/god_sagsbehandling`.

test "audit: andelen ja af de relevante sager, før og med metoden, og forskellen" {
  data = {
    -- ikke relevant is left out of the share: 2 of 3 relevant before, 3 of 3 with the method
    audit = { columns = { "round", "case_id", "criterion", "answer" },
      { "foer", "s1", "henvendelse", "ja" }, { "foer", "s2", "henvendelse", "ja" }, { "foer", "s3", "henvendelse", "nej" },
      { "foer", "s4", "henvendelse", "ikke relevant" },
      { "med", "s5", "henvendelse", "ja" }, { "med", "s6", "henvendelse", "ja" }, { "med", "s7", "henvendelse", "ja" } },
  },
  report "audit" { at = "themes", rows = { { id = "vurdering",
    rounds = { foer = { share = 2 / 3, yes = 2, applicable = 3 }, med = { share = 1, yes = 3, applicable = 3 } },
    change = { from = "foer", to = "med", share = 1 / 3 } } } },
  report "audit" { at = "themes.1.criteria", rows = { { id = "henvendelse", rounds = { foer = { not_applicable = 1 } } } } },
  -- the model's own report: the criteria ranked by improvement, the shares unrounded
  report "forbedring" { at = "sections.1.rows", count = 1,
    rows = { { kriterium = "henvendelse", foer = 2 / 3, efter = 1, forbedring = 1 / 3, sager_foer = 3, sager_efter = 3 } } },
}

test "tjekliste for forberedelsen: alle fem punkter inden udgangen af 1. kvartal 2008" {
  as_of = "2008-04-15",
  data = { gs_checklist = "tests/forberedelse.csv" },
  indicator "tjekliste_forberedelse" { status = "not achieved", reason = contains("koordinering med eksisterende redskaber og IT") },
}

test "erfaringsopsamling hver 4.-6. uge: et hul på over seks uger er ikke nået" {
  as_of = "2008-06-30",
  data = { gs_events = { columns = { "kind", "date" },
    { "erfaringsopsamling", "2008-01-10" }, { "erfaringsopsamling", "2008-02-14" }, { "erfaringsopsamling", "2008-05-20" },
    { "andet", "2008-04-01" } } },       -- another kind of event does not count
  indicator "erfaringsopsamling" { status = "not achieved" },
}

test "træningsmøder: 2-3 timer er en vejledning (blødt mål), et møde på 4 timer tæller" {
  as_of = "2008-06-30",
  data = { gs_training = { columns = { "date", "hours", "caseworkers", "cases" },
    { "2008-02-01", 2.5, 6, 2 }, { "2008-03-01", 4, 6, 2 }, { "2008-09-01", 1, 6, 2 } } },   -- September is after as_of
  indicator "traening_varighed" { status = "not achieved", severity = "soft", value = 1 },
  indicator "traening_gruppe" { status = "achieved", value = 0 },
  indicator "traening_sager" { status = "achieved", value = 0 },
}
