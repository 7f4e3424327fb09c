#!/usr/bin/env python3
"""seeds.py — makes the seed corpora fuzz/corpus/TARGET/ from what qm ships and tests: the
bundled models, the tests' YAML and CSV files and literals, the phrases of docs/time.md and of
the domain documents (docs/fuzzing.md). A seed's file name is a hash of its content, so running
this again only adds seeds that are new; seeds that libFuzzer found and `scripts/fuzz.sh --merge`
added stay.

    python3 fuzz/seeds.py [DOMAIN_DIR]     (DOMAIN_DIR: the domain documents, if at hand)
"""
import glob
import hashlib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEPARATOR = "\n--- structure.yaml ---\n"   # the model target's input format (fuzz/model.lua)
MAX_SEED = 16 * 1024


def files(*patterns):
    out = []
    for p in patterns:
        out += sorted(glob.glob(os.path.join(ROOT, p), recursive=True))
    return out


def read(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def lua_string(body):
    """the value of a Lua short string literal's body (the escapes the tests use)"""
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), body)


def lua_literals(text, call):
    """first string arguments of calls like `yaml.load(...)` in Lua test code"""
    out = []
    for m in re.finditer(re.escape(call) + r'\(\s*(?:"((?:[^"\\\n]|\\.)*)"|\[\[(.*?)\]\])', text, re.S):
        out.append(lua_string(m.group(1)) if m.group(1) is not None else m.group(2).lstrip("\n"))
    return out


def yaml_seeds():
    seeds = [read(p) for p in files("tests/**/*.yaml", "models/**/*.yaml")]
    for p in files("docs/*.md"):
        seeds += re.findall(r"```yaml\n(.*?)```", read(p), re.S)
    for p in files("tests/lua/test_yaml.lua"):
        text = read(p)
        seeds += lua_literals(text, "yaml.load") + lua_literals(text, "yaml.load_all")
    # anchors and aliases: a small "billion laughs" (test_yaml.c builds a larger one)
    seeds.append("a: &a [x, y]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n")
    seeds.append("--- &d {k: v}\n--- [*d]\n...\n")
    return seeds


def csv_seeds():
    seeds = [read(p) for p in files("tests/**/*.csv")]
    seeds += [
        'a,b,c\r\n1,"two, with comma",3\r\n',
        'id,text\n1,"a ""quoted"" word"\n2,"line one\nline two"\n',
        "\ufeffunit_id,score\nx,1\n\ny,2",
        'a,b\n1,"unclosed\n',
        'a,b\n1,"x"y\n',
        'a,b\n1,x"y"\n',
        "a\rb\rc",
        " A , B \n1,2,3\n4\n",
        "Enhed;År;Procent\r\naeblet;2024;4,5\r\n;;\r\n",
        "a\tb\n\"x\ty\"\t2\n",
        "name\nsolo\n",
    ]
    return seeds


TIME_WORDS = re.compile(r"primo|medio|ultimo|udgangen|kvartal|halvår|inden|senest|hver|løbende|"
                        r"forår|efterår|sommer|vinter|gange|årligt|pr\.|om året|måned|uge|"
                        r"\b(19|20)\d\d\b|\d+\.\s*\w+ 20\d\d", re.I)


def time_seeds(domain):
    seeds = []
    doc = read(os.path.join(ROOT, "docs/time.md"))
    for row in re.findall(r"^\|(.*)$", doc, re.M):
        cell = row.split("|")[0]
        seeds += re.findall(r"`([^`]+)`", cell)
    seeds += re.findall(r'time\.parse_list\("([^"]+)"\)', doc)
    test = read(os.path.join(ROOT, "tests/lua/test_time.lua"))
    for call in ("window", "due", "time.parse", "time.deadline", "time.parse_list", "time.parse_date"):
        seeds += lua_literals(test, call)
    for p in files("models/**/*.lua"):
        seeds += re.findall(r'(?:deadline|window|every|max_gap)\s*=\s*"([^"]+)"', read(p))
    if domain:
        for p in sorted(glob.glob(os.path.join(domain, "*.md"))):
            for q in re.findall(r'"([^"\n]{3,80})"', read(p)):
                if TIME_WORDS.search(q):
                    seeds.append(q)
    return seeds


def model_seeds():
    seeds = []
    for p in files("models/*/*.lua", "tests/e2e/lang/*.lua", "tests/e2e/selfassess/model.lua"):
        if os.path.basename(p) == "demo_data.lua":
            continue   # data scripts, not models
        text = read(p)
        m = re.search(r'structure\s*=\s*"([^"]+\.yaml)"', text)
        yaml_path = m and os.path.join(os.path.dirname(p), m.group(1))
        if yaml_path and os.path.exists(yaml_path):
            text = text.replace(m.group(0), 'structure = "structure.yaml"')
            text = text.rstrip("\n") + SEPARATOR + read(yaml_path)
        seeds.append(text)
    return seeds


def json_seeds():
    """the golden JSON reports and a few texts at the edges of the two readers"""
    seeds = [read(p) for p in files("tests/golden/*.json", "tests/e2e/**/*.json")]
    seeds += ['{"a":1,"b":[1,2.5,-0,1e999,"x\\u00e6"],"c":{"d":null,"e":true,"f":false}}',
              '[]', '{}', '[[[[[[[[[[]]]]]]]]]]', '{"a":1,"a":2}', '"\\ud83d\\ude00"', '1.0', '-0',
              '9223372036854775807', '9223372036854775808', '[1,]', '{"a" 1}', ' \t\n 5 ']
    return seeds


def write(target, seeds):
    folder = os.path.join(ROOT, "fuzz", "corpus", target)
    os.makedirs(folder, exist_ok=True)
    added = 0
    for s in seeds:
        data = s.encode("utf-8", errors="surrogateescape")
        if not data or len(data) > MAX_SEED:
            continue
        path = os.path.join(folder, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            added += 1
    print(f"{target}: {added} new seeds ({len(os.listdir(folder))} in fuzz/corpus/{target})")


def main():
    domain = sys.argv[1] if len(sys.argv) > 1 else None
    write("yaml", yaml_seeds())
    write("csv", csv_seeds())
    write("time", time_seeds(domain))
    write("model", model_seeds())
    write("json", json_seeds())


if __name__ == "__main__":
    main()
