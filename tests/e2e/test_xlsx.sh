#!/usr/bin/env bash
# --format xlsx: one sheet per table with a valid, unique name, the report's title on top,
# a frozen bold header row, column widths, numbers written as numbers and dates as dates; read
# back with Python's zipfile and the sheets' XML (tests/e2e/xlsx_read.py). xlsx is refused on
# a terminal. In a build without libxlsxwriter (-DQM_WITH_XLSX=OFF) the error names the
# package instead.
source "$(dirname "$0")/lib.sh"
M="$QM_SOURCE_DIR/models"
read_xlsx="$(dirname "$0")/xlsx_read.py"

if grep -q '^QM_HAVE_XLSX_BUILT:INTERNAL=0' "${QM_BUILD_DIR:-/nonexistent}/CMakeCache.txt" 2>/dev/null; then
  t_case without_libxlsxwriter_xlsx_is_a_clear_error_naming_the_package
  t_run run "$M/kik/kik.lua" --report summary --format xlsx --out "$T_TMP/x.xlsx"
  expect_exit 2
  expect_stderr_has "libxlsxwriter-dev"
  expect_no_file "$T_TMP/x.xlsx"
  expect_no_file "$T_TMP/x.xlsx.tmp"
  t_done
  exit $?
fi

"$QM" run "$M/kik/demo_data.lua" --db "$T_TMP/kik.db" --write >/dev/null || exit 1

t_case konsensusrapport_as_xlsx_has_a_sheet_per_table_with_numbers_as_numbers
t_run run "$M/kik/kik.lua" --db "$T_TMP/kik.db" --report konsensusrapport --round 2025-aeblet --format xlsx --out "$T_TMP/k.xlsx"
expect_exit 0
expect_file "$T_TMP/k.xlsx"
python3 "$read_xlsx" "$T_TMP/k.xlsx" >"$T_TMP/k.json" || t_fail "not a readable xlsx"
python3 - "$T_TMP/k.json" <<'PY' || t_fail "xlsx content"
import json, sys
sheets = json.load(open(sys.argv[1]))
names = [s["name"] for s in sheets]
assert len(names) >= 19, names    # summary, themes, radar, a table and a spread chart per theme
assert "Temaer" in names and any(n.startswith("Ledelse — individuelle") for n in names), names
assert len(set(n.lower() for n in names)) == len(names), names
assert all(0 < len(n) <= 31 and not any(ch in n for ch in '[]:*?/\\') for n in names), names
for s in sheets:
    a1 = [c for c in s["cells"] if c["ref"] == "A1"]
    assert a1 and a1[0]["value"].startswith("Konsensusrapport"), (s["name"], a1)
    assert s["frozen"], s["name"] + " has no frozen header"
    assert s["cols"] and all(c["width"] >= 8 for c in s["cols"]), s["name"]
# the theme sheet of "Ledelse": the header, then the agreed scores as numbers
led = [s for s in sheets if s["name"].startswith("ledelse Ledelse")]
assert led, names
cells = {c["ref"]: c for c in led[0]["cells"]}
header_row = [c for c in led[0]["cells"] if c["value"] == "Aftalt"]
assert header_row, "no Aftalt header"
col = header_row[0]["ref"].rstrip("0123456789")
row = int(header_row[0]["ref"][len(col):])
below = cells[col + str(row + 1)]
assert below["type"] == "n" and not below["has_t"], below
float(below["value"])
assert led[0]["frozen_below"] == "A" + str(row + 1), led[0]["frozen_below"]
# the radar's data: the themes' scores are numbers
radar = [s for s in sheets if any(c["value"] == "Mål" for c in s["cells"])]
assert radar, "no chart data sheet"
nums = [c for c in radar[0]["cells"] if c["type"] == "n"]
assert len(nums) >= 8, nums
PY

t_case dates_are_dates
t_run run "$M/kik/kik.lua" --db "$T_TMP/kik.db" --report handleplan --round 2025-aeblet --as-of 2025-10-01 --format xlsx --out "$T_TMP/h.xlsx"
expect_exit 0
python3 "$read_xlsx" "$T_TMP/h.xlsx" >"$T_TMP/h.json" || t_fail "not a readable xlsx"
python3 - "$T_TMP/h.json" <<'PY' || t_fail "dates"
import json, sys
sheets = json.load(open(sys.argv[1]))
dates = [c for s in sheets for c in s["cells"] if c.get("date")]
assert dates, "no date cells"
assert all(c["type"] == "n" and 40000 < float(c["value"]) < 60000 for c in dates), dates[:3]
PY

t_case xlsx_is_refused_on_a_terminal
python3 - "$QM" "$M/kik/kik.lua" >"$T_TMP/tty.out" 2>&1 <<'PY' || t_fail "xlsx to a terminal: $(cat "$T_TMP/tty.out")"
import os, pty, subprocess, sys
master, slave = os.openpty()
p = subprocess.run([sys.argv[1], "run", sys.argv[2], "--report", "summary", "--format", "xlsx"],
                   stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
os.close(slave)
err = p.stderr.decode()
assert p.returncode == 2, (p.returncode, err)
assert "--out" in err and "xlsx" in err, err
PY

t_case xlsx_to_a_pipe_is_the_file_itself
"$QM" run "$M/kik/kik.lua" --report summary --format xlsx >"$T_TMP/p.xlsx" 2>"$T_ERR"
[ "$(head -c 2 "$T_TMP/p.xlsx")" = "PK" ] || t_fail "not a zip file"
python3 "$read_xlsx" "$T_TMP/p.xlsx" >/dev/null || t_fail "not a readable xlsx"

t_case a_failed_run_leaves_no_xlsx
t_run run "$M/kik/kik.lua" --db "$T_TMP/kik.db" --report konsensusrapport --round nosuchround --format xlsx --out "$T_TMP/f.xlsx"
expect_exit 1
expect_no_file "$T_TMP/f.xlsx"
expect_no_file "$T_TMP/f.xlsx.tmp"

t_done
