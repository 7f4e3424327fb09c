#!/usr/bin/env bash
# `cmake --install` gives a qm that works from any folder (stdlib embedded), and puts the
# bundled models, the guides and the man page where Debian expects them; the man page
# documents every command and every option --help lists.
source "$(dirname "$0")/lib.sh"
: "${QM_BUILD_DIR:?}"
P="$T_TMP/prefix"

t_case install_puts_binary_models_docs_and_man_page_in_debian_places
cmake --install "$QM_BUILD_DIR" --prefix "$P" >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_exit 0
expect_file "$P/bin/qm"
expect_file "$P/share/man/man1/qm.1"
expect_file "$P/share/qm/models/kik/kik.lua"
expect_file "$P/share/qm/models/kik/demo_data.lua"
for f in README.md LICENSE language.md tutorial.md cli.md repl.md models/maalaftale.md; do
  expect_file "$P/share/doc/qm/$f"
done
expect_no_file "$P/share/doc/qm/qm.1"

t_case installed_qm_runs_from_another_folder_without_the_source_tree
mkdir -p "$T_TMP/elsewhere"
printf 'local j = require "qm.json"\nprint(j.encode({ok = true}))\n' >"$T_TMP/elsewhere/m.lua"
(cd "$T_TMP/elsewhere" && env -u QM_STDLIB_PATH "$P/bin/qm" run m.lua >"$T_OUT" 2>"$T_ERR"); T_RC=$?
expect_exit 0
expect_stdout_is '{"ok":true}'

t_case installed_qm_uses_its_own_bundled_models_by_name
# the installed copy under the prefix it was installed to (not the configured prefix's, nor
# the source tree's): the model's file says which
printf 'local kik = use "kik"\nprint(#kik:questions())\nprint(kik.where)\n' >"$T_TMP/elsewhere/u.lua"
(cd "$T_TMP/elsewhere" && env -u QM_STDLIB_PATH "$P/bin/qm" run u.lua >"$T_OUT" 2>"$T_ERR"); T_RC=$?
expect_exit 0
[ "$(head -1 "$T_OUT")" = 20 ] || t_fail "questions: $(head -1 "$T_OUT")"
case "$(sed -n 2p "$T_OUT")" in
  "$(cd "$P" && pwd -P)/share/qm/models/kik/kik.lua:"*) ;;
  *) t_fail "use \"kik\" loaded $(sed -n 2p "$T_OUT"), not the installed $P/share/qm/models/kik/kik.lua" ;;
esac

t_case help_names_where_the_guides_are
"$P/bin/qm" --help >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_stdout_has "man qm"
expect_stdout_has "the guides in $(cd "$P" && pwd -P)/share/doc/qm "

t_case man_page_documents_every_command_and_every_option_of_help
# the man page as text: font escapes out, \- as -
man_text=$(sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(em/-/g' "$QM_SOURCE_DIR/docs/qm.1")
commands=$("$QM" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && $1 !~ /^-/ && NF { print $1 }')
[ "$(wc -w <<<"$commands")" -ge 7 ] || t_fail "too few commands found in --help: $commands"
for c in $commands; do
  grep -qE "^\.(TP|B|BI|BR|SS)?.*\b$c\b" <<<"$man_text" || t_fail "the man page does not document the command $c"
  "$QM" help "$c" >"$T_TMP/help_$c.txt" 2>&1 || t_fail "qm help $c failed"
  for opt in $(grep -oE '^  --[a-z][a-z-]*' "$T_TMP/help_$c.txt" | sed 's/^ *//' | sort -u); do
    grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$man_text" || t_fail "the man page does not document $opt (qm help $c)"
  done
done
for opt in $("$QM" --help | grep -oE '^  --[a-z][a-z-]*' | sed 's/^ *//' | sort -u); do
  grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$man_text" || t_fail "the man page does not document $opt (qm --help)"
done
grep -q '^\.SH EXAMPLES' "$QM_SOURCE_DIR/docs/qm.1" || t_fail "the man page has no examples"
[ "$(grep -c '^qm ' <<<"$man_text")" -ge 8 ] || t_fail "the man page has too few example commands"


t_case man_page_renders_each_command_as_a_paragraph_of_its_own_without_groff_warnings
command -v groff >/dev/null || t_fail "groff is missing: run scripts/setup.sh --tests"
if command -v groff >/dev/null; then
  groff -man -Tutf8 -ww -z "$QM_SOURCE_DIR/docs/qm.1" >"$T_OUT" 2>"$T_ERR"; T_RC=$?
  expect_exit 0
  [ ! -s "$T_ERR" ] || t_fail "groff warns: $(head -5 "$T_ERR")"
  groff -man -Tutf8 -P-cbou "$QM_SOURCE_DIR/docs/qm.1" >"$T_TMP/man.txt" 2>/dev/null
  grep -qF "qm [options] (on a terminal: the interactive shell)" "$T_TMP/man.txt" \
    || t_fail "the synopsis lost its spaces: $(grep -F 'qm [options]' "$T_TMP/man.txt")"
  # a command is a tagged paragraph (.TP): its name at the margin, its description indented
  # below it; without the .TP the description runs on at the margin
  for c in $("$QM" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && $1 !~ /^-/ && NF { print $1 }'); do
    awk -v c="$c" '
      $0 ~ "^       " c "( |$)" { inpara = 1; next }
      inpara && /^$/ { exit }
      inpara && /^              [^ ]/ { found = 1; exit }
      END { exit !found }' "$T_TMP/man.txt" || t_fail "the man page does not set the command $c apart with its description indented"
  done
fi

t_done
