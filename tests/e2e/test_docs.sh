#!/usr/bin/env bash
# Every ```lua example in docs/language.md and docs/tutorial.md passes `qm check`, so the
# reference cannot drift from the language.
source "$(dirname "$0")/lib.sh"
for doc in language tutorial; do
  dir="$T_TMP/$doc"; mkdir -p "$dir/docs" "$dir/models"
  cp -r "$QM_SOURCE_DIR/models/kik" "$QM_SOURCE_DIR/models/resultatbaseret_styring" "$dir/models/"
  python3 - "$QM_SOURCE_DIR/docs/$doc.md" "$dir/docs" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"```lua\n(.*?)```", text, re.S)
for i, b in enumerate(blocks, 1):
    open(f"{sys.argv[2]}/example_{i:02d}.lua", "w", encoding="utf-8").write(b)
pass
PY
  for f in "$dir"/docs/example_*.lua; do
    t_case "docs_${doc}_$(basename "$f" .lua)_passes_check"
    t_run check "$f"
    expect_exit 0
  done
done

# the tables of what each indicator kind and report reads are made from the declaration
for which in kinds reports; do
  t_case "docs_language_inputs_${which}_table_is_the_declaration"
  t_engine "$QM_SOURCE_DIR/tests/engine/inputs_doc.lua" "$which"
  expect_exit 0
  python3 - "$QM_SOURCE_DIR/docs/language.md" "$which" "$T_OUT" <<'PY' >"$T_TMP/inputs.txt" 2>&1
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<!-- inputs:%s [^\n]*-->\n(.*?)<!-- /inputs:%s -->" % (sys.argv[2], sys.argv[2]), text, re.S)
want = open(sys.argv[3], encoding="utf-8").read()
if not m: sys.exit("no inputs:%s block in docs/language.md" % sys.argv[2])
if m.group(1) != want:
    sys.exit("docs/language.md's %s table differs from qm.lang.inputs; regenerate it:\n%s" % (sys.argv[2], want))
PY
  [ $? -eq 0 ] || t_fail "$(cat "$T_TMP/inputs.txt")"
done

t_case every_field_of_the_language_is_in_the_reference
t_engine "$QM_SOURCE_DIR/tests/engine/schema_fields.lua"
expect_exit 0
[ "$(wc -l <"$T_OUT")" -gt 50 ] || t_fail "too few fields listed"
while read -r construct field; do
  grep -qF -- "\`$field\`" "$QM_SOURCE_DIR/docs/language.md" || t_fail "docs/language.md does not mention $construct field \`$field\`"
done <"$T_OUT"
t_case the_rule_reference_is_generated_from_the_declarations
t_engine "$QM_SOURCE_DIR/tests/engine/rule_reference.lua"
expect_exit 0
python3 - "$T_OUT" "$QM_SOURCE_DIR/docs/language.md" >"$T_TMP/ref.diff" <<'PY' || t_fail "docs/language.md's rule reference differs from the declarations (regenerate it with qm_engine_test tests/engine/rule_reference.lua): $(cat "$T_TMP/ref.diff")"
import sys, difflib
want = open(sys.argv[1], encoding="utf-8").read().strip("\n")
doc = open(sys.argv[2], encoding="utf-8").read()
start = doc.find(want.split("\n", 1)[0])
end = doc.find("<!-- end of the rule reference -->")
got = doc[start:end + len("<!-- end of the rule reference -->")] if start >= 0 and end >= 0 else ""
if got != want:
    print("\n".join(difflib.unified_diff(got.split("\n"), want.split("\n"), "docs/language.md", "generated", lineterm="")))
    sys.exit(1)
PY

t_done
