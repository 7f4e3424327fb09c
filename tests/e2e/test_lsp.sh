#!/usr/bin/env bash
# qm lsp driven over stdio through recorded sessions (tests/e2e/lsp/*.session, run by
# lsp_drive.py): initialize, diagnostics on open and on an unsaved change, completion, hover,
# shutdown and exit; malformed messages, hostile models under the per-message limits.
source "$(dirname "$0")/lib.sh"
drive() { python3 "$QM_SOURCE_DIR/tests/e2e/lsp_drive.py" "$QM" "$@" >"$T_OUT" 2>"$T_ERR"; T_RC=$?; }

t_case an_authors_session_gets_diagnostics_completion_and_hover
drive "$QM_SOURCE_DIR/tests/e2e/lsp/edit.session"
expect_exit 0
expect_stdout_has "ok edit.session"

t_case malformed_messages_and_hostile_models_do_not_stop_the_server
drive "$QM_SOURCE_DIR/tests/e2e/lsp/robust.session" --timeout 5 --max-memory 64M
expect_exit 0
expect_stdout_has "ok robust.session"

t_case a_test_file_gets_its_own_diagnostics_completion_and_hover
drive "$QM_SOURCE_DIR/tests/e2e/lsp/tests.session"
expect_exit 0
expect_stdout_has "ok tests.session"

t_case a_deeply_nested_message_is_a_parse_error_and_the_server_goes_on
python3 - "$QM" <<'PY' >"$T_OUT" 2>"$T_ERR"; T_RC=$?
import json, subprocess, sys
def frame(b): return b"Content-Length: %d\r\n\r\n" % len(b) + b
msgs = [frame(b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}'),
        frame(b"[" * 300000 + b"]" * 300000),
        frame(b'{"jsonrpc":"2.0","id":2,"method":"shutdown"}'),
        frame(b'{"jsonrpc":"2.0","method":"exit"}')]
p = subprocess.run([sys.argv[1], "lsp", "--timeout", "10"], input=b"".join(msgs), capture_output=True)
out = p.stdout.decode("utf-8")
assert p.returncode == 0, p
assert '"message":"the message is not JSON: nested too deeply"' in out, out
assert '{"jsonrpc":"2.0","id":2,"result":null}' in out, out
assert "stdlib/" not in out
print("ok")
PY
expect_exit 0
expect_stdout_has "ok"

t_case lsp_takes_no_arguments
t_run lsp extra
expect_exit 2
expect_stderr_has "qm lsp takes no arguments"

t_case the_input_ending_without_shutdown_is_exit_1
t_run lsp
expect_exit 1

t_done
