# cases.sh — the golden reports: the bundled models' demo reports on their demo data, each in
# every format (text, markdown, html per language; json and csv once, the same in both) and
# both languages. Sourced by scripts/update-golden.sh (writes tests/golden/) and
# tests/e2e/test_golden.sh (compares). Everything is fixed: the demo data is deterministic and
# every report has its --as-of, so the files are the same on every machine and every day.

# the databases: name, then the demo data script and its arguments (the job centre with 1000
# citizens rather than the demo's 3000: the same reports, a third of the time under ASan)
GOLDEN_DBS=(
  "kik|models/kik/demo_data.lua"
  "caf2020|models/caf2020/demo_data.lua"
  "efqm2020|models/efqm2020/demo_data.lua"
  "maalaftale|models/maalaftale/demo_data.lua"
  "god_sagsbehandling|models/god_sagsbehandling/demo_data.lua"
  "videndeling|models/videndeling/demo_data.lua"
  "jobcenter|models/resultatbaseret_styring/demo_data.lua --param variant=vejle --param citizens=1000"
)

# the reports: golden name, database, model, then qm run's arguments
GOLDEN_CASES=(
  "kik.demo|kik|models/kik/kik.lua|--report demo --as-of 2025-10-01"
  "kik.svarrapport|kik|models/kik/kik.lua|--report svarrapport --round 2025-solsikken"
  "kik.konsensus|kik|models/kik/kik.lua|--report konsensus --round 2025-aeblet"
  "kik.opfoelgning|kik|models/kik/kik.lua|--report opfoelgning --round 2025-aeblet"
  "kik.status|kik|models/kik/kik.lua|--report status --as-of 2025-10-01 --param year=2025"
  "caf2020.demo|caf2020|models/caf2020/caf2020.lua|--report demo --as-of 2025-10-01"
  "efqm2020.konsensusrapport|efqm2020|models/efqm2020/efqm2020.lua|--report konsensusrapport --as-of 2025-10-01"
  "maalaftale.status|maalaftale|models/maalaftale/maalaftale.lua|--report status --as-of 2016-10-01"
  "god_sagsbehandling.audit|god_sagsbehandling|models/god_sagsbehandling/god_sagsbehandling.lua|--report audit --as-of 2008-03-01"
  "videndeling.plan|videndeling|models/videndeling/videndeling.lua|--report plan --as-of 2010-06-30"
  "jobcenter.progression|jobcenter|models/resultatbaseret_styring/vejle.lua|--report progression --as-of 2025-12-31 --param level=team"
  "jobcenter.borger|jobcenter|models/resultatbaseret_styring/vejle.lua|--report borger --param citizen=B0001 --as-of 2025-12-31"
)

GOLDEN_LANGS=(da en)

# golden_dbs DIR: generates the demo databases into DIR
golden_dbs() {
  local dir=$1 entry name script
  for entry in "${GOLDEN_DBS[@]}"; do
    name=${entry%%|*}; script=${entry#*|}
    rm -f "$dir/$name.db"
    # shellcheck disable=SC2086
    "$QM" run "$QM_SOURCE_DIR/${script%% *}" ${script#"${script%% *}"} --db "$dir/$name.db" --write >/dev/null 2>"$dir/$name.err" \
      || { echo "golden: generating $name failed:" >&2; cat "$dir/$name.err" >&2; return 1; }
  done
}

# golden_render DBDIR OUTDIR: writes every case in every format and language into OUTDIR:
# NAME.LANG.txt, NAME.LANG.md, NAME.LANG.html, and NAME.LANG.json, NAME.LANG.csv (the test
# compares both languages' JSON and CSV with the one NAME.json and NAME.csv)
golden_render() {
  local dbdir=$1 out=$2 entry name db model args lang fmt ext
  for entry in "${GOLDEN_CASES[@]}"; do
    IFS='|' read -r name db model args <<<"$entry"
    for lang in "${GOLDEN_LANGS[@]}"; do
      for fmt in text markdown html json csv; do
        case $fmt in text) ext=txt ;; markdown) ext=md ;; *) ext=$fmt ;; esac
        # shellcheck disable=SC2086
        (cd "$QM_SOURCE_DIR" && "$QM" run "$model" --db "$dbdir/$db.db" $args --lang "$lang" --format "$fmt" --quiet) \
          >"$out/$name.$lang.$ext" 2>"$out/$name.$lang.$ext.err" \
          || { echo "golden: $name --lang $lang --format $fmt failed:" >&2; cat "$out/$name.$lang.$ext.err" >&2; return 1; }
        rm -f "$out/$name.$lang.$ext.err"
      done
    done
  done
}
