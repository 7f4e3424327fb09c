#!/usr/bin/env bash
# The golden reports (tests/golden/, listed in tests/golden/cases.sh): the bundled models' demo
# reports in every format and both languages are exactly the reviewed files; JSON and CSV are
# the same whatever --lang says; and no Danish report has English words in it, nor the
# reverse. To change a golden file on purpose: scripts/update-golden.sh, then review the diff.
source "$(dirname "$0")/lib.sh"
export QM QM_SOURCE_DIR
# shellcheck source=../golden/cases.sh
source "$QM_SOURCE_DIR/tests/golden/cases.sh"
G="$QM_SOURCE_DIR/tests/golden"
mkdir -p "$T_TMP/db" "$T_TMP/out"
golden_dbs "$T_TMP/db" || exit 1
golden_render "$T_TMP/db" "$T_TMP/out" || exit 1

# differs GOLDEN GOT: the first lines of the difference, for the failure message
differs() { diff -u "$1" "$2" | head -30 >&2; }

t_case every_golden_report_is_as_reviewed
for entry in "${GOLDEN_CASES[@]}"; do
  name=${entry%%|*}
  for lang in "${GOLDEN_LANGS[@]}"; do
    for ext in txt md html; do
      [ -f "$G/$name.$lang.$ext" ] || { t_fail "no golden file $name.$lang.$ext (scripts/update-golden.sh)"; continue; }
      cmp -s "$G/$name.$lang.$ext" "$T_TMP/out/$name.$lang.$ext" \
        || { t_fail "$name.$lang.$ext differs from the golden file"; differs "$G/$name.$lang.$ext" "$T_TMP/out/$name.$lang.$ext"; }
    done
  done
done

t_case json_and_csv_are_the_golden_ones_in_every_language
for entry in "${GOLDEN_CASES[@]}"; do
  name=${entry%%|*}
  for lang in "${GOLDEN_LANGS[@]}"; do
    for ext in json csv; do
      cmp -s "$G/$name.$ext" "$T_TMP/out/$name.$lang.$ext" \
        || { t_fail "$name --lang $lang --format $ext differs from $name.$ext"; differs "$G/$name.$ext" "$T_TMP/out/$name.$lang.$ext"; }
    done
  done
done

t_case no_english_in_danish_reports_and_no_danish_in_english
python3 "$G/leaks.py" "$T_TMP/out" "$T_TMP/db" "$QM_SOURCE_DIR" >"$T_TMP/leaks" || t_fail "words of the other language: $(head -20 "$T_TMP/leaks")"

t_case golden_files_name_no_path
# a golden file must not depend on where it was made (a timestamp would show as a difference
# on the next day's run of the comparison above)
grep -lF -e "$QM_SOURCE_DIR" -e "/tmp/" -e "$T_TMP" "$G"/*.txt "$G"/*.md "$G"/*.html "$G"/*.json "$G"/*.csv >"$T_TMP/placed" \
  && t_fail "a path in: $(cat "$T_TMP/placed")"

t_done
