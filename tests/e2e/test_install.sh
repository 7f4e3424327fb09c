#!/usr/bin/env bash
# `cmake --install` gives a qm that works from any folder (stdlib embedded), with the bundled
# models and the man page.
source "$(dirname "$0")/lib.sh"
: "${QM_BUILD_DIR:?}"

t_case install_puts_binary_models_and_man_page_in_place
cmake --install "$QM_BUILD_DIR" --prefix "$T_TMP/prefix" >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_exit 0
expect_file "$T_TMP/prefix/bin/qm"
expect_file "$T_TMP/prefix/share/man/man1/qm.1"
expect_file "$T_TMP/prefix/share/qm/models"

t_case installed_qm_runs_from_another_folder_without_the_source_tree
mkdir -p "$T_TMP/elsewhere"
printf 'local j = require "qm.json"\nprint(j.encode({ok = true}))\n' >"$T_TMP/elsewhere/m.lua"
(cd "$T_TMP/elsewhere" && env -u QM_STDLIB_PATH "$T_TMP/prefix/bin/qm" run m.lua >"$T_OUT" 2>"$T_ERR"); T_RC=$?
expect_exit 0
expect_stdout_is '{"ok":true}'

t_done
