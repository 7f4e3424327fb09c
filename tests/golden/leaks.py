#!/usr/bin/env python3
"""leaks.py OUTDIR DBDIR SRCDIR: no English word in a Danish report, no Danish word in an
English one. Reads the golden cases (cases.sh), and for each NAME.da.md / NAME.en.md in OUTDIR
removes what is the model's or the data's own text (every string literal in the model's files,
every text value in its database: shown as written, in whatever language it was written),
then looks for words that belong to the other language. Markdown, because it is not wrapped:
a model's sentence stays whole and is removed whole. Prints each leak; exit 1 if any."""
import html, os, re, sqlite3, sys

out, dbdir, src = sys.argv[1:4]

# words only English writes (none of them is a Danish word)
EN = set("""the and of with are no yes none due done open wanted achieved track pending evaluable warning mean range below
above wider than every period periods days gap largest shared judged before after round theme themes question questions
unit units overall strengths improvement improvements agreed agenda consensus answer participant participants action actions
owner deadline planned started cancelled change text indicator indicators value why dependencies contributions kind title
scale steps citizens citizen caseworker forward backward hidden share coverage goal intervention interventions complete
since then month audit criterion contents page figures chart deviation sample quartiles inclusive against uniform tied
modes within know flagged discussion proposal discuss whole picture respondents common areas area reason group points which
when where what from until least most on has have was were its their there this that these those""".split())
# words only Danish writes
DA = set("""og af ikke ved mangler frist gennemført opfyldt på vej ingen runde tema temaer spørgsmål enhed enheder samlet
handling handlinger kvartal halvår uge måned måneder dage pr gns typetal spænd styrker forbedringsområder forbedringsområde
aftalt kommentar deltager forslag drøftes svarpersoner borgere borger sagsbehandler samtaler frem tilbage uændret skjulte
andel dækning mål indsats indsatser fokuspunkter grund lukket åbne siden første forrige seneste dato værdi begrundelse
afhængigheder bidrag til gennem slags skala indikator indikatorer titel ansvarlig indhold figuren standardafvigelse stikprøve
kvartiler inklusive skalaens medianen efter før nu ændring ja nej afventer vurderes kan advarsel fald stigning periode
perioder mindst hver afsluttet mellemrum længste vurderet nulpunktsmåling højere lavere bedre inaktiv aktiveret delt med
sager relevante tærsklen punkter alt indtil begynder løber startet fra slutdato tidspunktet årstal hurtig gevinst
enhederne anonymiseret svarene rækkefølge billede hele organisationen handleplan opfølgning dagsorden konsensusseminar
overskredet overskredne planlagt gang aflyst skulle være løbende tilbagevendende tidspunkt karakteristika strategimål
hvilke uden valgt begrundelser alternativ temperaturmålingen laveste svar sagsaudit kriterium januar februar marts maj juni
juli oktober""".split())

cases = []
for line in open(os.path.join(src, "tests/golden/cases.sh"), encoding="utf-8"):
    m = re.match(r'\s*"([^|"]+)\|([^|"]+)\|([^|"]+)\|([^"]*)"\s*$', line)
    if m:
        cases.append(m.groups())

LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|\[(=*)\[(.*?)\]\3\]', re.S)

def model_strings(model):
    """every string literal in the model's folder (its files, the files it uses) and YAML values"""
    folder = os.path.dirname(os.path.join(src, model))
    found = set()
    for root, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(root, f)
            text = open(p, encoding="utf-8", errors="replace").read()
            if f.endswith(".lua"):
                for m in LITERAL.finditer(text):
                    s = (m.group(1) or m.group(2) or m.group(4) or "").replace('\\"', '"')
                    found.add(s)
                    # a list in one string ("Udgangen af 3. kvartal 2016, Ultimo 2017") is shown item by item
                    found.update(x.strip() for x in re.split(r"[,;]", s))
            elif f.endswith((".yaml", ".yml")):
                for line in text.splitlines():
                    if ":" in line:
                        found.add(line.split(":", 1)[1].strip().strip('"'))
    return found

def data_strings(db):
    found = set()
    c = sqlite3.connect(db)
    for (table,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in c.execute(f'SELECT * FROM "{table}"'):
            for v in row:
                if isinstance(v, str):
                    found.add(v)
    return found

words = re.compile(r"[A-Za-zÆØÅæøåÉé']+")
leaks = []
for name, db, model, _ in cases:
    own = model_strings(model) | data_strings(os.path.join(dbdir, db + ".db"))
    own = sorted((s for s in own if len(s) >= 3), key=len, reverse=True)
    for lang, other in (("da", EN), ("en", DA)):
        path = os.path.join(out, f"{name}.{lang}.md")
        text = open(path, encoding="utf-8").read()
        # the Markdown escapes (\| \* \_ and HTML entities) undone, then the model's and the data's texts out
        text = html.unescape(re.sub(r"\\([|\\`*_#+\-.!\[\]<>])", r"\1", text))
        for s in own:
            if s in text:
                text = text.replace(s, " ")
        for n, line in enumerate(text.splitlines(), 1):
            for w in words.findall(line):
                if w.lower() in other:
                    leaks.append(f"{name}.{lang}.md:{n}: {w!r} in: {line.strip()[:140]}")
for l in leaks:
    print(l)
sys.exit(1 if leaks else 0)
