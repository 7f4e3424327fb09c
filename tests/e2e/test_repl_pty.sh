#!/usr/bin/env bash
# The REPL in a real pseudo-terminal (tmux): completion, the continuation prompt, history
# kept between sessions, and Ctrl-C stopping a long Lua loop and a long SQL query without
# leaving qm.
source "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || { echo "tmux is missing: run scripts/setup.sh"; exit 1; }
# a fresh tmux server (socket) for every session started: reusing one right after
# kill-server races with its shutdown ("server exited unexpectedly")
n_start=0
sock="qmtest-$$-0"
tm() { tmux -L "$sock" "$@"; }
trap 'for i in $(seq 0 $n_start); do tmux -L "qmtest-$$-$i" kill-server 2>/dev/null; done; rm -rf "$T_TMP"' EXIT
export QM_HISTORY="$T_TMP/history"
db="$T_TMP/p.db"
python3 -c "import sqlite3; c=sqlite3.connect('$db'); c.execute('CREATE TABLE enheder(id, navn)'); c.commit()"

start() {
  tm kill-server 2>/dev/null
  n_start=$((n_start + 1))
  sock="qmtest-$$-$n_start"
  tm new-session -d -x 120 -y 40 "env QM_HISTORY='$QM_HISTORY' TERM=xterm '$QM' repl --db '$db' --timeout 60 '$QM_SOURCE_DIR/models/kik/kik.lua'; echo EXITED:\$?; sleep 30"
  wait_for "qm> " || t_fail "no prompt"
}
screen() { tm capture-pane -p -J; }
# wait_for TEXT [SECONDS]: poll the screen until TEXT shows
wait_for() {
  local deadline=$(( $(date +%s) + ${2:-20} ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  echo "--- screen while waiting for: $1" >&2; screen >&2
  return 1
}
count() { screen | grep -cF -- "$1"; }
# press Ctrl-C until TEXT shows: under load the command may not have started running when
# the first one arrives (then it only clears the prompt line)
interrupt_until() {
  local deadline=$(( $(date +%s) + 20 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.5
    tm send-keys C-c
    screen | grep -qF -- "$1" && return 0
  done
  echo "--- screen while interrupting for: $1" >&2; screen >&2
  return 1
}
# line_ready TEXT: send a line and wait until its result's prompt shows, so keys sent next
# are read by the new prompt (libedit drops keys typed before its prompt is set up)
line_ready() {
  local before; before=$(count "qm> ")
  line "$1"
  local deadline=$(( $(date +%s) + 20 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(count "qm> ")" -gt "$before" ] && { sleep 0.2; return 0; }
    sleep 0.1
  done
  echo "--- screen while waiting for the prompt after: $1" >&2; screen >&2
  return 1
}
# tmux reads a trailing ";" as the end of its own command: send it escaped
line() { tm send-keys -l -- "${1//;/\\;}"; tm send-keys Enter; }
keys() { tm send-keys -l -- "${1//;/\\;}"; }
# completes TYPED SHOWN WHAT: type, press Tab, expect SHOWN on screen, clear the line
completes() { keys "$1"; tm send-keys Tab; wait_for "$2" || t_fail "$3 completion"; tm send-keys C-u; }

t_case completes_globals_fields_sql_tables_and_dot_commands
start
completes "kik:fi" "kik:find" method
completes "SELECT * FROM enh" "FROM enheder" table
completes ".tab" ".tables" dot-command
completes "strin" "string" global

t_case continuation_prompt_for_unfinished_function
line "function g()"
wait_for "...> " || t_fail "no continuation prompt"
line "return 41 + 1"; line "end"; line "g()"
wait_for "42" || t_fail "function result"

t_case ctrl_c_stops_a_long_lua_loop_and_qm_stays
line "while true do end"
interrupt_until "interrupted" || t_fail "loop not interrupted"
line "1 + 1"
wait_for "2" || t_fail "no prompt after interrupt"

t_case ctrl_c_stops_a_long_query
tm send-keys C-l
line "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c;"
interrupt_until "interrupted" || t_fail "query not interrupted"
[ "$(count EXITED)" = 0 ] || t_fail "qm exited"

t_case ctrl_c_at_the_prompt_clears_the_line
keys "half typed"; tm send-keys C-c
wait_for "^C" || t_fail "no ^C shown"
line "3 * 3"
wait_for "9" || t_fail "prompt unusable"

t_case ctrl_d_leaves_and_history_is_kept
line "g()"   # typed before: the history keeps it once, at its latest place
line_ready "x_marker = 123" || t_fail "no prompt after the line"
tm send-keys C-d
wait_for "EXITED:0" || t_fail "Ctrl-D did not leave with 0"
# libedit writes its own format (a _HiStOrY_V2_ header, spaces as \040)
hist=$(sed 's/\\040/ /g' "$QM_HISTORY" 2>/dev/null)
grep -qF "x_marker = 123" <<<"$hist" || t_fail "history not written"
[ "$(grep -c '^g()$' <<<"$hist")" = 1 ] || t_fail "history entries duplicated"
[ "$(grep -v '^_HiStOrY_V2_' <<<"$hist" | tail -2 | head -1)" = "g()" ] || t_fail "a repeated entry did not move to the end"
start
tm send-keys Up
wait_for "x_marker = 123" || t_fail "history not read back"
tm send-keys C-u

t_case reverse_search_finds_an_earlier_entry
tm send-keys C-l
line_ready "0" || t_fail "no prompt"  # leave the history position (Up moved it) at the end
tm send-keys C-r; keys "x_mar"
wait_for "x_marker = 123" || t_fail "Ctrl-R did not find the entry"
tm send-keys Enter
wait_for "qm> " || t_fail "no prompt after the search"
line "x_marker + 1"
wait_for "124" || t_fail "the found entry did not run"

t_case completes_fields_columns_and_file_names
tm send-keys C-l
completes "kik.themes.le" "kik.themes.ledelse" field
completes "SELECT na" "SELECT navn" column
ln -s "$QM_SOURCE_DIR/models" "$T_TMP/models"   # the checkout's own path may hold spaces
completes ".load $T_TMP/models/kik/ki" "models/kik/kik.lua" "file name"
if "$QM" --version | grep -q "GNU readline"; then   # libedit has no quoted completion
  mkdir -p "$T_TMP/Kvalitet 2026" && cp "$QM_SOURCE_DIR/models/kik/kik.lua" "$T_TMP/Kvalitet 2026/"
  completes ".load '$T_TMP/Kvalitet 2026/ki" "Kvalitet 2026/kik.lua'" "quoted file name with a space"
fi
tm send-keys C-d
wait_for "EXITED:0"

t_done
