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

start() {  # start [ARGS...]: a session (default: --db and the KIK model)
  tm kill-server 2>/dev/null
  n_start=$((n_start + 1))
  sock="qmtest-$$-$n_start"
  local args="--db '$db' --timeout 60 '$QM_SOURCE_DIR/models/kik/kik.lua'"
  [ $# -gt 0 ] && args="$*"
  tm new-session -d -x 120 -y 40 "env QM_HISTORY='$QM_HISTORY' TERM=xterm '$QM' repl $args; echo EXITED:\$?; sleep 30"
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

# lists TYPED SHOWN...: type, press Tab twice (the list of candidates), expect every SHOWN
lists() {
  local typed=$1; shift
  keys "$typed"; tm send-keys Tab; sleep 0.3; tm send-keys Tab
  for want in "$@"; do wait_for "$want" 10 || t_fail "completing $typed: $want not offered"; done
  tm send-keys C-u; tm send-keys C-l
}

t_case each_dot_command_completes_its_own_arguments
tm send-keys C-l
lists ".mode " "box" "table" "column" "markdown" "line" "csv" "json"
[ "$(screen | grep -c 'string')" = 0 ] || t_fail ".mode offered Lua globals"
completes ".mode js" ".mode json" "mode name"
completes ".headers of" ".headers off" "on/off"
completes ".bail of" ".bail off" "on/off of .bail"
completes ".timer of" ".timer off" "on/off of .timer"
completes ".schema enh" ".schema enheder" "table name"
completes ".import x.csv enh" ".import x.csv enheder" "table after the file of .import"
completes ".help dum" ".help dump" "command name"
line ".parameter set aar 2025"
completes ".parameter clear a" ".parameter clear aar" "parameter name"

t_case db_completes_every_method_of_the_handle
tm send-keys C-l
lists "db:" "db:changes" "db:readonly" "db:last_insert_rowid" "db:rows" "db:tables"

t_case model_objects_offer_no_internals_and_collections_complete_ids
tm send-keys C-l
lists "kik:" "kik:find" "kik:questions" "kik:themes"
screen | grep -q "_file\|_index" && t_fail "kik: offered engine internals: $(screen | grep -o '[a-z:]*_[a-z]*' | head -3)"
tm send-keys C-l
completes 'kik.questions["1' 'kik.questions["1.' "collection ids (the common start of 1.1, 1.2, 1.3)"
tm send-keys C-l
lists 'kik.questions["1.' '1.1"]' '1.2"]' '1.3"]'
tm send-keys C-l
completes 'kik.questions["2.1' 'kik.questions["2.1"]' "a question id"
completes 'kik.themes["ledel' 'kik.themes["ledelse"]' "a theme id"

t_case rule_libraries_complete_their_rules
tm send-keys C-l
lists "consensus." "consensus.median" "consensus.percent_agreement" "consensus.rwg"
tm send-keys C-l
completes "prioritise.impact_" "prioritise.impact_effort" "a prioritise rule"
completes "scoring.weighted_" "scoring.weighted_mean" "a scoring rule"
completes "scale.caf_f" "scale.caf_fine" "a scale"

t_case continuation_prompt_for_unfinished_function
line "function g()"
wait_for "...> " || t_fail "no continuation prompt"
line "return 41 + 1"; line "end"; line "g()"
wait_for "42" || t_fail "function result"

t_case ctrl_c_stops_a_long_lua_loop_and_qm_stays
line "while true do end"
interrupt_until "interrupted" || t_fail "loop not interrupted"
screen | grep -q "stdlib/" && t_fail "the interrupt named an engine file: $(screen | grep stdlib/)"
line "1 + 1"
wait_for "2" || t_fail "no prompt after interrupt"

t_case ctrl_c_stops_a_long_query
tm send-keys C-l
line "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c;"
interrupt_until "interrupted" || t_fail "query not interrupted"
screen | grep -q "stdlib/" && t_fail "the interrupt named an engine file: $(screen | grep stdlib/)"
[ "$(count EXITED)" = 0 ] || t_fail "qm exited"

t_case ctrl_c_at_the_prompt_clears_the_line
# a fresh prompt and screen first: the previous case's ^C is on the screen, and keys typed
# before the prompt after an interrupt is set up may be read by the command still ending
line "'klar' .. 'parat'"
wait_for "klarparat" || t_fail "no prompt after the interrupted query"
tm send-keys C-l; sleep 0.3
keys "half typed"; wait_for "half typed" || t_fail "typing not shown"; tm send-keys C-c
# ^C after the text, as a shell shows it (it was written over the prompt: "^C> half typed")
wait_for "qm> half typed^C" || t_fail "no ^C shown after the typed text"
line "3 * 3"
wait_for "9" || t_fail "prompt unusable"

t_case ctrl_d_leaves_and_history_is_kept
line "g()"   # typed before: the history keeps it once, at its latest place
line_ready "x_marker = 123" || t_fail "no prompt after the line"
tm send-keys C-d
wait_for "EXITED:0" || t_fail "Ctrl-D did not leave with 0"
# qm's own format: a first line naming it, one entry per line
hist=$(cat "$QM_HISTORY" 2>/dev/null)
[ "$(head -1 "$QM_HISTORY")" = "#qm-history-1" ] || t_fail "the history file does not name its format"
grep -qF "x_marker = 123" <<<"$hist" || t_fail "history not written"
[ "$(grep -c '^g()$' <<<"$hist")" = 1 ] || t_fail "history entries duplicated"
[ "$(tail -2 <<<"$hist" | head -1)" = "g()" ] || t_fail "a repeated entry did not move to the end"
start
tm send-keys Up
wait_for "x_marker = 123" || t_fail "history not read back"
tm send-keys C-u

t_case a_multi_line_entry_comes_back_whole_after_a_restart
tm send-keys C-l
line "function h7()"; line "  return 7"; line "end"
line_ready "h7()" || t_fail "no prompt"
tm send-keys C-d
wait_for "EXITED:0" || t_fail "Ctrl-D did not leave"
# one line in the file, the line breaks escaped
grep -qxF 'function h7()\n  return 7\nend' "$QM_HISTORY" || t_fail "the history file split the entry: $(tail -5 "$QM_HISTORY")"
start
tm send-keys Up Up
wait_for "return 7" || t_fail "Up did not bring back the entry"
tm send-keys C-e Enter
line "h7 ~= nil and h7() + 35"
wait_for "42" || t_fail "the recalled multi-line entry did not define h7"

t_case reverse_search_finds_an_earlier_entry
tm send-keys C-l; sleep 0.3
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
completes ".load $T_TMP/models/kik/demo_d" "models/kik/demo_data.lua" "file name"   # (kik. is kik.lua or kik.test.lua)
if "$QM" --version | grep -q "GNU readline"; then   # libedit has no quoted completion
  mkdir -p "$T_TMP/Kvalitet 2026" && cp "$QM_SOURCE_DIR/models/kik/kik.lua" "$T_TMP/Kvalitet 2026/"
  completes ".load '$T_TMP/Kvalitet 2026/ki" "Kvalitet 2026/kik.lua'" "quoted file name with a space"
fi
tm send-keys C-d
wait_for "EXITED:0"

t_case without_db_the_banner_says_the_database_is_in_memory
start "--timeout 60"
wait_for "database: in memory" || t_fail "the banner does not say the database is in memory"
line "CREATE TABLE x(a);"
line_ready "SELECT count(*) AS n FROM x;" || t_fail "no prompt"
wait_for "│ 0 │" || t_fail "SQL did not run on the in-memory database"
tm send-keys C-d
wait_for "EXITED:0"

t_case an_error_while_completing_is_shown_and_the_repl_goes_on
# completion runs Lua from readline's callback (issue 9, point 10): an error there is caught
# inside the protected call, printed, and the line editor keeps going; a completion that
# never ends is stopped by --timeout like any command
start "--timeout 2"
line_ready 't = setmetatable({}, { __pairs = function() error("pairs refused") end })' || t_fail "no prompt"
keys "t.a"; tm send-keys Tab
wait_for "pairs refused" || t_fail "the completion's error was not shown"
tm send-keys C-u
line_ready 'w = setmetatable({}, { __pairs = function() while true do end end })' || t_fail "no prompt"
keys "w.a"; tm send-keys Tab
wait_for "time limit of 2 s reached" 10 || t_fail "a completion that never ends was not stopped"
tm send-keys C-u
line "print(40 + 2)"
wait_for "42" || t_fail "the REPL did not go on after errors while completing"
[ "$(count EXITED)" = 0 ] || t_fail "qm exited"
tm send-keys C-d
wait_for "EXITED:0"

t_done
