#!/usr/bin/env python3
"""lsp_drive.py QM SESSION [QM ARGS...] — drives `qm lsp` over stdio through a recorded
session and checks every answer. A session file has one step per line:

  > {json}          send this message (framed with Content-Length); "jsonrpc" is added
  >raw TEXT         send TEXT as it is (Python escapes: \\r\\n, \\x00), for malformed input
  < {json}          the next message from the server must match this one
  exit N            close nothing more; the server must end with exit code N
  # ...             a comment

In messages, the string "$URI(f)" becomes the file:// URI of f (relative to the session's
folder), "$TEXT(f)" the text of f, and "$PATH(f)" its path. An expected message matches
when every key it gives has a matching value (objects: recursively; other keys may be
there too); a list matches a list of the same length element by element, unless its last
element is "...", which lets the actual list be longer. The string "*" matches anything;
{"$has": [a, b]} matches a list with an element matching a and one matching b, and
{"$lacks": [a]} a list with no element matching a.
A mismatch prints the step's line, the expected and the actual message, and exits 1.
"""
import json, os, select, subprocess, sys, urllib.parse

TIMEOUT = 60


def main():
    qm, session = sys.argv[1], sys.argv[2]
    if os.sep in qm:
        qm = os.path.abspath(qm)   # the server runs in the session's folder
    extra = sys.argv[3:]
    base = os.path.dirname(os.path.abspath(session))

    def subst(v):
        if isinstance(v, str):
            for tag in ("$URI(", "$TEXT(", "$PATH("):
                if v.startswith(tag) and v.endswith(")"):
                    path = os.path.join(base, v[len(tag):-1])
                    if tag == "$URI(":
                        return "file://" + urllib.parse.quote(path)
                    if tag == "$PATH(":
                        return path
                    with open(path, encoding="utf-8") as f:
                        return f.read()
            return v
        if isinstance(v, list):
            return [subst(x) for x in v]
        if isinstance(v, dict):
            return {k: subst(x) for k, x in v.items()}
        return v

    proc = subprocess.Popen([qm, "lsp"] + extra, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=base)
    buf = b""

    def read_exact(n):
        nonlocal buf
        while len(buf) < n:
            r, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
            if not r:
                fail_plain("no answer from qm lsp within %d s" % TIMEOUT)
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                return None
            buf += chunk
        out, buf = buf[:n], buf[n:]
        return out

    def recv():
        nonlocal buf
        while b"\r\n\r\n" not in buf:
            r, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
            if not r:
                fail_plain("no answer from qm lsp within %d s" % TIMEOUT)
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                return None
            buf += chunk
        head, buf = buf.split(b"\r\n\r\n", 1)
        length = None
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length is None:
            fail_plain("a message without Content-Length: %r" % head)
        body = read_exact(length)
        return json.loads(body.decode("utf-8"))

    def fail_plain(msg):
        print("FAIL %s" % msg)
        proc.kill()
        print("stderr:", proc.stderr.read().decode("utf-8", "replace")[-2000:])
        sys.exit(1)

    def matches(want, got):
        if want == "*":
            return True
        if isinstance(want, dict) and set(want) <= {"$has", "$lacks"} and want:
            if not isinstance(got, list):
                return False
            return (all(any(matches(w, g) for g in got) for w in want.get("$has", [])) and
                    not any(matches(w, g) for w in want.get("$lacks", []) for g in got))
        if isinstance(want, dict):
            return isinstance(got, dict) and all(k in got and matches(v, got[k]) for k, v in want.items())
        if isinstance(want, list):
            if not isinstance(got, list):
                return False
            if want and want[-1] == "...":
                return len(got) >= len(want) - 1 and all(matches(w, g) for w, g in zip(want[:-1], got))
            return len(want) == len(got) and all(matches(w, g) for w, g in zip(want, got))
        return want == got

    steps = 0
    with open(session, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            steps += 1
            where = "%s:%d" % (os.path.basename(session), lineno)
            if line.startswith(">raw "):
                proc.stdin.write(line[5:].encode("utf-8").decode("unicode_escape").encode("latin-1"))
                proc.stdin.flush()
            elif line.startswith("> "):
                msg = subst(json.loads(line[2:]))
                msg.setdefault("jsonrpc", "2.0")
                body = json.dumps(msg).encode("utf-8")
                proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
                proc.stdin.flush()
            elif line.startswith("< "):
                want = subst(json.loads(line[2:]))
                got = recv()
                if got is None:
                    fail_plain("%s: the server ended; expected %s" % (where, json.dumps(want)))
                if not matches(want, got):
                    print("FAIL %s\n  expected: %s\n  got:      %s" % (where, json.dumps(want, ensure_ascii=False),
                                                                  json.dumps(got, ensure_ascii=False)))
                    proc.kill()
                    sys.exit(1)
            elif line.startswith("exit "):
                proc.stdin.close()
                try:
                    rc = proc.wait(TIMEOUT)
                except subprocess.TimeoutExpired:
                    fail_plain("%s: qm lsp did not end" % where)
                rest = recv()
                if rest is not None:
                    fail_plain("%s: an unexpected message at the end: %s" % (where, json.dumps(rest)))
                if rc != int(line.split()[1]):
                    fail_plain("%s: exit code %d, expected %s" % (where, rc, line.split()[1]))
                err = proc.stderr.read().decode("utf-8", "replace")
                if "AddressSanitizer" in err or "runtime error:" in err:
                    fail_plain("%s: sanitizer report: %s" % (where, err[-2000:]))
                print("ok %s (%d steps)" % (os.path.basename(session), steps))
                return
            else:
                fail_plain("%s: cannot read the step %r" % (where, line))
    fail_plain("the session has no exit step")


if __name__ == "__main__":
    main()
