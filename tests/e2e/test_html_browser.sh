#!/usr/bin/env bash
# The bundled reports as HTML in a real browser (Debian's headless Chromium, installed by
# scripts/setup.sh --tests): each page is measured (every chart has a size on the page, a
# text alternative and its data table; headings in order from one h1; a table of contents
# whose links lead somewhere; lang set; nothing fetched), screenshotted, and printed to PDF
# (A4, at least the pages its sections and page breaks need). Skips only when chromium is
# genuinely absent. Screenshots and PDFs are kept in $QM_BUILD_DIR/browser/ to look at.
source "$(dirname "$0")/lib.sh"

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "SKIP: chromium is not installed (scripts/setup.sh --tests installs Debian's chromium)"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi

M="$QM_SOURCE_DIR/models"
OUT="${QM_BUILD_DIR:-$T_TMP}/browser"
mkdir -p "$OUT"
probe="$(dirname "$0")/browser.py"

demo() {  # demo NAME MODELDIR [params...]: the model's demo data in $T_TMP/NAME.db
  local name=$1 dir=$2; shift 2
  "$QM" run "$M/$dir/demo_data.lua" --db "$T_TMP/$name.db" --write "$@" >/dev/null 2>"$T_TMP/$name.err" ||
    { cat "$T_TMP/$name.err" >&2; return 1; }
}

# page NAME MINPAGES MINCHARTS -- qm arguments: renders to $OUT/NAME.html and checks it there
page() {
  local name=$1 pages=$2 charts=$3; shift 4
  t_run run "$@" --format html --out "$OUT/$name.html"
  expect_exit 0
  [ -s "$OUT/$name.html" ] || { t_fail "no HTML written"; return; }
  python3 "$probe" check "$OUT/$name.html" "$OUT" --min-pages "$pages" --charts "$charts" >"$T_TMP/$name.json" 2>"$T_TMP/$name.problems"
  local rc=$?
  [ $rc -eq 0 ] || t_fail "in the browser: $(cat "$T_TMP/$name.problems")"
}

demo kik kik || exit 1
demo caf caf2020 || exit 1
demo gs god_sagsbehandling || exit 1
demo maal maalaftale || exit 1
demo jc resultatbaseret_styring || exit 1

# a theme per page after the summary: KIK has 8 themes, so at least 9 pages; a radar of the
# themes and a spread chart per theme
t_case kik_konsensusrapport_prints_a_page_per_theme_with_its_charts
page kik_konsensusrapport 9 9 -- "$M/kik/kik.lua" --db "$T_TMP/kik.db" --report konsensusrapport --round 2025-aeblet
python3 - "$T_TMP/kik_konsensusrapport.json" <<'EOF' || t_fail "chart kinds"
import json, sys
r = json.load(open(sys.argv[1]))
kinds = [c["type"].split()[-1] for c in r["charts"]]
assert kinds.count("qm-chart-radar") == 1 and kinds.count("qm-chart-dots") == 8, kinds
assert r["lang"] == "da", r["lang"]
EOF

t_case caf_konsensusrapport_in_the_browser
page caf_konsensusrapport 2 2 -- "$M/caf2020/caf2020.lua" --db "$T_TMP/caf.db" --report konsensusrapport --unit "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select unit_id from qm_rounds order by id limit 1').fetchone()[0])" "$T_TMP/caf.db")"

t_case kik_demo_report_in_the_browser
page kik_demo 4 2 -- "$M/kik/kik.lua" --db "$T_TMP/kik.db" --report demo --as-of 2025-10-01

t_case kik_follow_up_shows_before_and_after_bars
page kik_opfoelgning 1 1 -- "$M/kik/kik.lua" --db "$T_TMP/kik.db" --report opfoelgning --round 2025-aeblet
grep -q 'qm-chart-bars' "$OUT/kik_opfoelgning.html" || t_fail "no before/after bars"

t_case audit_rounds_compared_with_bars
page audit 1 1 -- "$M/god_sagsbehandling/god_sagsbehandling.lua" --db "$T_TMP/gs.db" --report audit
grep -q 'qm-chart-bars' "$OUT/audit.html" || t_fail "no before/after bars"

t_case a_model_declared_report_in_the_browser
page gs_forbedring 1 1 -- "$M/god_sagsbehandling/god_sagsbehandling.lua" --db "$T_TMP/gs.db" --report forbedring
grep -q 'qm-chart-bars' "$OUT/gs_forbedring.html" || t_fail "no before/after bars"

t_case status_report_shows_traffic_lights_with_words
page maal_status 1 1 -- "$M/maalaftale/maalaftale.lua" --db "$T_TMP/maal.db" --report status
grep -q 'qm-chart-lights' "$OUT/maal_status.html" || t_fail "no status lights"

t_case job_centre_progression_lines
page jc_progression 1 1 -- "$M/resultatbaseret_styring/vejle.lua" --db "$T_TMP/jc.db" --report progression --as-of 2025-12-31
grep -q 'qm-chart-lines' "$OUT/jc_progression.html" || t_fail "no progression lines"

t_case the_report_has_no_script_and_no_link_out
for f in "$OUT"/*.html; do
  ! grep -qiE '<script|<link |src="http|href="http|@import|url\(http' "$f" || t_fail "$f fetches or runs something"
done

t_done
