#!/usr/bin/env bash
# qm import: a Danish Excel export imports; bad rows are listed as file:line:column and
# nothing is written; an empty or header-only file is "nothing to import"; a failed import
# into a new path leaves no file; text that is not UTF-8 is refused with how to save it;
# a model's own tables (--table) are typed and checked against its declaration; the job
# centre's scores against the scale and catalogue, focus points against the maximum;
# composite CAF parts are stored, shown, and refused when a key is unknown; memory stays
# flat on a large file.
source "$(dirname "$0")/lib.sh"
F="$QM_SOURCE_DIR/tests/e2e/import"
KIK="$QM_SOURCE_DIR/models/kik/kik.lua"
CAF="$QM_SOURCE_DIR/models/caf2020/caf2020.lua"
VEJLE="$QM_SOURCE_DIR/models/resultatbaseret_styring/vejle.lua"
ESBJERG="$QM_SOURCE_DIR/models/resultatbaseret_styring/esbjerg.lua"
sql() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print('\n'.join('|'.join('' if v is None else str(v) for v in r) for r in c.execute(sys.argv[2])))" "$@"; }
db="$T_TMP/kik.db"
printf 'id,parent_id,kind,name\naeblet,demo,enhed,Børnehaven Æblet\ndemo,,kommune,Demo Kommune\n' >"$T_TMP/units.csv"

t_case units_import_with_children_before_their_parents
t_run import --db "$db" --write --what units "$T_TMP/units.csv"
expect_exit 0
expect_stdout_has "imported 2 units"
[ "$(sql "$db" "select parent_id from qm_units where id='aeblet'")" = "demo" ] || t_fail "parent not stored"

t_case danish_excel_export_imports
# BOM, semicolons, CR LF, Danish headers, 65,0, æøå, a quoted field with ; and one over two lines
t_run import --db "$db" --write --model "$KIK" --round r1 --unit aeblet "$F/excel_kik_svar.csv"
expect_exit 0
expect_stdout_has "imported 6 responses into round r1 (2 new participants)"
got=$(sql "$db" "select participant, question, score, dontknow, coalesce(strengths,''), coalesce(improvements,''), coalesce(suggestions,'') from qm_responses order by 1, 2")
want='D01|1.1|65.0|0|Tydelig ledelse; god dialog|Mere opfølgning på mål|
D01|1.2|70.0|0|||
D01|2.1||1|||Spørg økonomiafdelingen
D02|1.1|55.0|0|Æblet er et godt sted at være|"Ærlig" feedback savnes|
D02|1.2|80.0|0|Høj faglighed||Flere fælles evalueringer; færre møder
D02|2.1|45.0|0||Lokaler og udstyr
halter|'
[ "$got" = "$want" ] || t_fail "stored rows differ: $got"

t_case bad_rows_are_listed_with_file_line_and_column_and_nothing_is_written
before=$(sql "$db" "select count(*) from qm_responses")
printf 'participant;question;score;strengths\r\nD03;1.1;65,0;ok\r\nD03;9.9;50;\r\nD03;1.2;67;\r\nD03;1.3;abc;\r\nD03;2.1\r\nD03;2.2;1.234;\r\n' >"$T_TMP/bad.csv"
t_run import --db "$db" --write --model "$KIK" --round r1 "$T_TMP/bad.csv"
expect_exit 1
expect_stderr_has 'bad.csv:3:2: question: unknown question "9.9" (not in model kik)'
expect_stderr_has 'bad.csv:4:3: score: question "1.2": 67 is not on the scale 0-100 in steps of 5'
expect_stderr_has 'bad.csv:5:3: score: question "1.3": "abc" is not a number'
expect_stderr_has 'bad.csv:6: 2 fields, but the header has 4'
expect_stderr_has 'bad.csv:7:3: score: question "2.2": "1.234" is ambiguous in a file with decimal commas'
expect_stderr_has "5 errors in 6 rows: nothing was imported"
[ "$(sql "$db" "select count(*) from qm_responses")" = "$before" ] || t_fail "rows were written"
[ "$(sql "$db" "select count(*) from qm_participants where code = 'D03'")" = "0" ] || t_fail "a participant was written"

t_case yaml_errors_name_line_and_column
cat >"$T_TMP/bad.yaml" <<'Y'
responses:
  - { participant: D04, question: "1.1", score: 105 }
  - { participant: D04, question: "1.2", scroe: 60 }
Y
t_run import --db "$db" --write --model "$KIK" --round r1 "$T_TMP/bad.yaml"
expect_exit 1
expect_stderr_has 'bad.yaml:2:49: score: question "1.1": 105 is outside the scale 0-100 in steps of 5'
expect_stderr_has 'bad.yaml:3:49: scroe: not one of responses'"'"'s columns'
expect_stderr_has '(did you mean "score"?)'

t_case text_that_is_not_utf8_is_refused_with_how_to_save_it
python3 -c "import sys; open(sys.argv[1],'wb').write('deltager;spørgsmål;point\r\nD05;1.1;50\r\n'.encode('cp1252'))" "$T_TMP/w1252.csv"
t_run import --db "$T_TMP/new-w.db" --write --model "$KIK" --round r9 --unit aeblet "$T_TMP/w1252.csv"
expect_exit 1
expect_stderr_has 'w1252.csv:1:2: the text is not UTF-8: byte 0xF8 is "ø" in Windows-1252'
expect_stderr_has 'CSV UTF-8 (kommasepareret) (*.csv)'
expect_no_file "$T_TMP/new-w.db"

t_case empty_and_header_only_files_are_nothing_to_import_and_create_nothing
: >"$T_TMP/empty.csv"
printf '\xef\xbb\xbfparticipant;question;score\r\n;;\r\n' >"$T_TMP/header.csv"
for f in empty header; do
  t_run import --db "$T_TMP/new-$f.db" --write --model "$KIK" --round r2 --unit aeblet "$T_TMP/$f.csv"
  expect_exit 1
  expect_stderr_has "$f.csv: nothing to import"
  expect_no_file "$T_TMP/new-$f.db"
  expect_no_file "$T_TMP/new-$f.db-wal"
done
# into an existing database: no empty round is created
t_run import --db "$db" --write --model "$KIK" --round r2 --unit aeblet "$T_TMP/header.csv"
expect_exit 1
[ "$(sql "$db" "select count(*) from qm_rounds where id = 'r2'")" = "0" ] || t_fail "an empty round was created"

t_case a_failed_import_into_a_new_path_leaves_no_file
t_run import --db "$T_TMP/new-bad.db" --write --what units "$T_TMP/bad.csv"
expect_exit 1
expect_no_file "$T_TMP/new-bad.db"
expect_no_file "$T_TMP/new-bad.db-wal"
expect_no_file "$T_TMP/new-bad.db-shm"
t_run import --db "$T_TMP/new-ok.db" --write --what units "$T_TMP/units.csv"
expect_exit 0
expect_file "$T_TMP/new-ok.db"

t_case a_model_table_is_typed_and_checked_against_its_declaration
printf '\xef\xbb\xbfEnhed;År;Procent\r\naeblet;2024;4,5\r\nsolsikken;2024;101\r\naeblet;2024;3,9\r\nlindehuset;24;5\r\n' >"$T_TMP/syg.csv"
t_run import --db "$db" --write --model "$KIK" --table kik_sygefravaer "$T_TMP/syg.csv"
expect_exit 1
expect_stderr_has 'syg.csv:3:3: Procent: 101 is above the maximum 100'
expect_stderr_has 'syg.csv:4:1: Enhed: the key (unit_id, year) = (aeblet, 2024) is given twice (also at'
expect_stderr_has 'syg.csv:5:2: År: 24 is below the minimum 2000'
printf 'enhed;år;procent\r\naeblet;2024;4,5\r\nsolsikken;2025;3\r\n' >"$T_TMP/syg2.csv"
t_run import --db "$db" --write --model "$KIK" --table kik_sygefravaer "$T_TMP/syg2.csv"
expect_exit 0
expect_stdout_has "imported 2 rows into kik_sygefravaer"
[ "$(sql "$db" "select unit_id, year, procent, typeof(procent) from kik_sygefravaer order by 1")" = "aeblet|2024|4.5|real
solsikken|2025|3.0|real" ] || t_fail "typed values not stored"
t_run import --db "$db" --write --model "$KIK" --table kik_nope "$T_TMP/syg2.csv"
expect_exit 1
expect_stderr_has 'model kik declares no table "kik_nope" (its tables: kik_belaegning, kik_klager'

t_case a_table_that_exists_without_the_key_index_is_still_checked
# a municipality's own table (made before, no UNIQUE), columns named like SQL keywords
cat >"$T_TMP/kw.lua" <<'L'
model "kw" { scale = scale.ordinal { 1, 5 }, theme "t" { question "q" { text = "x" } },
  dataset "grp" { key = { "order", "group" },
    column "order" { type = "integer", required = true },
    column "group" { type = "text", required = true },
    column "select" { type = "boolean" },
  },
  dataset "child" { column "ref" { type = "integer", references = "grp.order" } },
}
L
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE grp (\"order\" INTEGER, \"group\" TEXT, \"select\" INTEGER)'); c.execute(\"INSERT INTO grp VALUES (2, 'b', 1)\"); c.commit()" "$T_TMP/kw.db"
printf 'order,group,select\n1,a,ja\n2,b,nej\n1,a,ja\n3,c,\n' >"$T_TMP/kw.csv"
t_run import --db "$T_TMP/kw.db" --write --model "$T_TMP/kw.lua" --table grp "$T_TMP/kw.csv"
expect_exit 1
expect_stderr_has 'kw.csv:3:1: order: the key (order, group) = (2, b) is given twice (also in table grp before this import)'
expect_stderr_has 'kw.csv:4:1: order: the key (order, group) = (1, a) is given twice (also at'
expect_stderr_lacks 'kw.csv:2:'
expect_stderr_has "2 errors in 4 rows"
printf 'order,group,select\n1,a,ja\n3,c,\n' >"$T_TMP/kw2.csv"
t_run import --db "$T_TMP/kw.db" --write --model "$T_TMP/kw.lua" --table grp "$T_TMP/kw2.csv"
expect_exit 0
printf 'ref\n1\n4\n' >"$T_TMP/ch.csv"
t_run import --db "$T_TMP/kw.db" --write --model "$T_TMP/kw.lua" --table child "$T_TMP/ch.csv"
expect_exit 1
expect_stderr_has 'ch.csv:3:1: ref: "4" is not in grp.order'

t_case booleans_accept_the_documented_set_and_nothing_else
printf 'unit_id,har_procedure\naeblet,Ja\nsolsikken,nej\nlindehuset,FALSE\nhjemmepleje,1\nx,maybe\ny,\n' >"$T_TMP/proc.csv"
t_run import --db "$db" --write --model "$KIK" --table kik_procedurer "$T_TMP/proc.csv"
expect_exit 1
expect_stderr_has 'proc.csv:6:2: har_procedure: "maybe" is not a yes/no value (1/0, ja/nej, yes/no, true/false)'
expect_stderr_has 'proc.csv:7:2: har_procedure: missing (the column is required)'
head -5 "$T_TMP/proc.csv" >"$T_TMP/proc2.csv"
t_run import --db "$db" --write --model "$KIK" --table kik_procedurer "$T_TMP/proc2.csv"
expect_exit 0
[ "$(sql "$db" "select group_concat(har_procedure || typeof(har_procedure), ' ') from (select * from kik_procedurer order by unit_id)")" = "1integer 1integer 0integer 0integer" ] || t_fail "booleans not stored as 1/0"

t_case a_done_column_stores_dates_and_yes_no_never_text
GS="$QM_SOURCE_DIR/models/god_sagsbehandling/god_sagsbehandling.lua"
printf 'list;item;done\r\nforberedelse;mål formuleret;15-03-2008\r\nforberedelse;lokal ramme besluttet;0\r\nforberedelse;beslutninger kommunikeret;nej\r\nforberedelse;koordinering;snart\r\n' >"$T_TMP/check.csv"
t_run import --db "$T_TMP/gs.db" --write --model "$GS" --table gs_checklist "$T_TMP/check.csv"
expect_exit 1
expect_stderr_has 'check.csv:5:3: done: "snart" is neither a date nor a yes/no value'
head -4 "$T_TMP/check.csv" >"$T_TMP/check2.csv"
t_run import --db "$T_TMP/gs.db" --write --model "$GS" --table gs_checklist "$T_TMP/check2.csv"
expect_exit 0
[ "$(sql "$T_TMP/gs.db" "select group_concat(done || ':' || typeof(done), ' ') from (select * from gs_checklist order by item)")" = "0:integer 0:integer 2008-03-15:text" ] || t_fail "done values not typed"

t_case job_centre_scores_against_the_scale_and_the_catalogue
jc="$T_TMP/jc.db"
printf 'id,parent_id,kind,name\njc,,jobcenter,JC\nsb01,jc,sagsbehandler,SB 1\n' >"$T_TMP/jcu.csv"
t_run import --db "$jc" --write --what units "$T_TMP/jcu.csv"
printf 'id;caseworker_id;target_group;start_date;end_date\r\nB1;sb01;sygedagpenge;01-02-2025;\r\nB2;sb01;sygedagpenge;2025-02-01;\r\n' >"$T_TMP/cit.csv"
t_run import --db "$jc" --write --model "$VEJLE" --what citizens "$T_TMP/cit.csv"
expect_exit 0
expect_stdout_has "imported 2 rows into jc_citizens"
printf 'id,citizen_id,date\nS1,B1,2025-03-01\nS2,B2,2025-03-02\nS3,B9,2025-03-03\n' >"$T_TMP/conv.csv"
t_run import --db "$jc" --write --model "$VEJLE" --what conversations "$T_TMP/conv.csv"
expect_exit 1
expect_stderr_has 'conv.csv:4:2: citizen_id: "B9" is not in jc_citizens.id'
head -3 "$T_TMP/conv.csv" >"$T_TMP/conv2.csv"
t_run import --db "$jc" --write --model "$VEJLE" --what conversations "$T_TMP/conv2.csv"
expect_exit 0
printf 'conversation_id,indicator,score,hidden\nS1,motivation,0,\nS1,tillid,6,nej\nS1,helbred,3,ja\nS1,kaffe,3,\nS2,motivation,5,\nS1,helbred,2,\nS2,traeningsaktiviteter,2,\nS2,Tillid,2,\n' >"$T_TMP/scores.csv"
t_run import --db "$jc" --write --model "$VEJLE" --what scores "$T_TMP/scores.csv"
expect_exit 1
expect_stderr_has 'scores.csv:2:3: score: 0 is outside the scale 1-5'
expect_stderr_has 'scores.csv:3:3: score: 6 is outside the scale 1-5'
expect_stderr_has 'scores.csv:5:2: indicator: "kaffe" is not a question of model vejle (its questions: moedestabilitet, arbejdsidentitet, motivation, tillid, helbred, traening)'
# the one meant: the catalogue's title written out, a capital letter
expect_stderr_has 'scores.csv:8:2: indicator: "traeningsaktiviteter" is not a question of model vejle (did you mean "traening"?)'
expect_stderr_has 'scores.csv:9:2: indicator: "Tillid" is not a question of model vejle (did you mean "tillid"?)'
expect_stderr_has 'scores.csv:7:1: conversation_id: the key (conversation_id, indicator) = (S1, helbred) is given twice (also at'
[ "$(sql "$jc" "select count(*) from sqlite_master where name = 'jc_scores'")" = "0" ] || t_fail "scores (or their table) were written"
printf 'conversation_id,indicator,score,hidden\nS1,motivation,1,\nS1,helbred,3,ja\nS2,motivation,5,\n' >"$T_TMP/scores2.csv"
t_run import --db "$jc" --write --model "$VEJLE" --what scores "$T_TMP/scores2.csv"
expect_exit 0
[ "$(sql "$jc" "select group_concat(indicator || score || hidden, ' ') from (select * from jc_scores order by 1, 2)")" = "helbred31 motivation10 motivation50" ] || t_fail "scores not stored with hidden defaulting to 0"

t_case focus_points_over_the_maximum_are_warned_and_refused_with_strict
printf 'citizen_id,indicator,opened,closed,reason\nB1,privatoekonomi,2025-03-01,,\nB1,netvaerk,2025-03-05,,\nB1,misbrug,2025-03-10,,\nB2,kaffe,2025-03-01,,\n' >"$T_TMP/focus.csv"
t_run import --db "$jc" --write --model "$ESBJERG" --what focus "$T_TMP/focus.csv"
expect_exit 1
expect_stderr_has 'focus.csv:5:2: indicator: "kaffe" is not a question of model esbjerg'
head -4 "$T_TMP/focus.csv" >"$T_TMP/focus2.csv"
t_run import --db "$jc" --write --model "$ESBJERG" --what focus --strict "$T_TMP/focus2.csv"
expect_exit 1
expect_stderr_has "focus2.csv:4:3: opened: citizen B1 has 3 focus points open from 2025-03-10, more than the model's focus_max 2"
t_run import --db "$jc" --write --model "$ESBJERG" --what focus "$T_TMP/focus2.csv"
expect_exit 0
expect_stderr_has "warning: "
expect_stderr_has "focus2.csv:4:3: opened: citizen B1 has 3 focus points open"
expect_stdout_has "imported 3 rows into jc_focus"

t_case composite_caf_parts_are_kept_whole_and_an_unknown_key_is_an_error
caf="$T_TMP/caf.db"
printf 'id,parent_id,kind,name\nafd,,afdeling,Afdelingen\n' >"$T_TMP/cafu.csv"
t_run import --db "$caf" --write --what units "$T_TMP/cafu.csv"
cat >"$T_TMP/a1.yaml" <<'Y'
participant: A1
answers:
  "1.1": { PLAN: 60, DO: 50, CHECK: 40, ACT: 30 }
  "1.2": { score: { plan: 70, do: 70, check: 70, act: 80 }, strengths: "God ledelse" }
  "6.1": { TRENDS: 80, TARGETS: 60 }
  "1.3": ved ikke
Y
t_run import --db "$caf" --write --model "$CAF" --param scoring=fine --round c1 --unit afd "$T_TMP/a1.yaml"
expect_exit 0
expect_stdout_has "imported 4 responses into round c1"
[ "$(sql "$caf" "select score from qm_responses where question='1.1'")" = "45.0" ] || t_fail "the parts' mean is not the score"
[ "$(sql "$caf" "select group_concat(part || '=' || value, ' ') from (select * from qm_response_parts where question='1.1' order by part)")" = "ACT=30.0 CHECK=40.0 DO=50.0 PLAN=60.0" ] || t_fail "parts not stored"
cat >"$T_TMP/a2.yaml" <<'Y'
participant: A2
answers:
  "1.1": { scroe: 60 }
  "1.2": { PLAN: 60, DO: 50, CHECK: 40 }
  "6.1": { TRENDS: 80, TARGETS: 160 }
Y
t_run import --db "$caf" --write --model "$CAF" --param scoring=fine --round c1 "$T_TMP/a2.yaml"
expect_exit 1
expect_stderr_has 'a2.yaml:3:19: scroe: not one of responses'"'"'s columns'
# each at the part it is about (the first part given, when one is missing)
expect_stderr_has 'a2.yaml:4:18: PLAN: question "1.2": the ACT score is missing (PLAN, DO, CHECK, ACT)'
expect_stderr_has 'a2.yaml:5:33: TARGETS: question "6.1": TARGETS: 160 is outside the scale'
printf 'participant;question;plan;do;check;act;trends\r\nA4;1.1;60;50;40;130;\r\nA4;1.2;60;50;40;30;20\r\n' >"$T_TMP/a4.csv"
t_run import --db "$caf" --write --model "$CAF" --param scoring=fine --round c1 "$T_TMP/a4.csv"
expect_exit 1
expect_stderr_has 'a4.csv:2:6: act: question "1.1": ACT: 130 is outside the scale'
expect_stderr_has 'a4.csv:3:7: trends: question "1.2": TRENDS is not a part of the score (the parts are PLAN, DO, CHECK, ACT)'
[ "$(sql "$caf" "select count(*) from qm_responses where participant = 'A2'")" = "0" ] || t_fail "A2 was stored (as ved ikke?)"
printf 'participant;question;plan;do;check;act;trends;targets\r\nA3;1.1;55,5;50;45;40;;\r\nA3;6.1;;;;;70;65\r\n' >"$T_TMP/a3.csv"
t_run import --db "$caf" --write --model "$CAF" --param scoring=fine --round c1 "$T_TMP/a3.csv"
expect_exit 0
[ "$(sql "$caf" "select group_concat(part || '=' || value, ' ') from (select * from qm_response_parts where participant='A3' order by question, part)")" = "ACT=40.0 CHECK=45.0 DO=50.0 PLAN=55.5 TARGETS=65.0 TRENDS=70.0" ] || t_fail "CSV parts not stored"

t_case the_caf_form_asks_for_the_parts_and_imports_them
t_run run "$CAF" --param scoring=fine --report skema
expect_exit 0
expect_stdout_has '"1.1": { PLAN: , DO: , CHECK: , ACT: , strengths: "", improvements: "" }'
expect_stdout_has '"6.1": { TRENDS: , TARGETS: , strengths: "", improvements: "" }'
sed 's/participant: P?/participant: A4/; s/"1.4": { PLAN: , DO: , CHECK: , ACT: /"1.4": { PLAN: 50, DO: 40, CHECK: 30, ACT: 20/' "$T_OUT" >"$T_TMP/a4.yaml"
t_run import --db "$caf" --write --model "$CAF" --param scoring=fine --round c1 "$T_TMP/a4.yaml"
expect_exit 0
[ "$(sql "$caf" "select coalesce(score, '') || '/' || dontknow from qm_responses where participant = 'A4' and question in ('1.4', '1.1') order by question")" = "/1
35.0/0" ] || t_fail "a blank form answer is not don't know, or the filled parts were not averaged"

t_case parts_are_shown_in_the_svarrapport_and_the_agenda
t_run run "$CAF" --param scoring=fine --db "$caf" --report svarrapport --round c1
expect_exit 0
expect_stdout_has "PLAN 60 · DO 50 · CHECK 40 · ACT 30"
expect_stdout_has "TRENDS 80 · TARGETS 60"
t_run run "$CAF" --param scoring=fine --db "$caf" --report svarrapport --round c1 --format json
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); a=[x for t in d['themes'] for q in t['questions'] if q['id']=='1.1' for x in q['answers']]; assert any(x.get('parts')=={'PLAN':60,'DO':50,'CHECK':40,'ACT':30} for x in a), a" "$T_OUT" || t_fail "parts missing from JSON"
t_run run "$CAF" --param scoring=fine --db "$caf" --report konsensus --round c1
expect_exit 0
expect_stdout_has "Delscorer (median)"
expect_stdout_has "PLAN 57,8 · DO 50 · CHECK 42,5 · ACT 35"
t_run run "$CAF" --param scoring=fine --db "$caf" --report konsensus --round c1 --lang en
expect_stdout_has "Part scores (median)"
expect_stdout_has "PLAN 57.8 · DO 50 · CHECK 42.5 · ACT 35"

t_case a_round_scored_fine_is_not_reported_as_classical
t_run run "$CAF" --db "$caf" --report svarrapport --round c1
expect_exit 1
expect_stderr_has 'round "c1" was scored on CAF fine-tuned'
expect_stderr_has 'run with --param scoring=fine'
expect_stdout_lacks "classical"
t_run import --db "$caf" --write --model "$CAF" --round c1 "$T_TMP/a3.csv"
expect_exit 1
expect_stderr_has 'round "c1" was scored on CAF fine-tuned'

t_case memory_stays_flat_on_a_large_file
big="$T_TMP/big.db"
python3 - "$T_TMP" <<'PY'
import sys, os
d = sys.argv[1]
with open(os.path.join(d, "bigunits.csv"), "w") as f:
    f.write("id,parent_id,kind,name\n" + "".join(f"u{i},,enhed,Enhed {i}\n" for i in range(600)))
with open(os.path.join(d, "bigrounds.csv"), "w") as f:
    f.write("id,unit_id,started\n" + "".join(f"r{i},u{i},2026-03-01\n" for i in range(600)))
with open(os.path.join(d, "big.csv"), "w") as f:
    f.write("round,participant,question,score,strengths\n")
    qs = ["1.1","1.2","1.3","2.1","2.2","3.1","3.2","3.3","4.1","4.2","4.3","5.1","5.2","6.1","6.2","7.1","7.2","7.3","8.1","8.2"]
    for r in range(600):
        f.write("".join(f"r{r},P{p},{q},{(r + p + i) % 21 * 5},Et svar på spørgsmål {q} fra deltager {p}\n"
                        for p in range(10) for i, q in enumerate(qs)))
PY
t_run import --db "$big" --write --what units "$T_TMP/bigunits.csv"
t_run import --db "$big" --write --model "$KIK" --what rounds "$T_TMP/bigrounds.csv"
expect_exit 0
# 120 000 answers (7 MB): the import held every row in memory before, about 160 MB of it
t_run --max-memory 24M import --db "$big" --write --model "$KIK" "$T_TMP/big.csv"
expect_exit 0
expect_stdout_has "imported 120000 responses into 600 rounds (6000 new participants)"
[ "$(sql "$big" "select count(*), sum(score) from qm_responses")" = "120000|6000495.0" ] || t_fail "not every answer stored"

t_case help_lists_the_kinds_and_the_columns
t_run import --help
expect_exit 0
for k in responses units rounds consensus audit plan measurements citizens scores focus "--table NAME"; do expect_stdout_has "$k"; done
expect_stdout_has "nothing to import"

t_done
