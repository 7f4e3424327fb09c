#!/usr/bin/env python3
"""browser.py — looks at a qm HTML report in a real browser (Debian's headless Chromium),
with nothing but Python's standard library.

    browser.py check REPORT.html OUTDIR [--min-pages N] [--charts N]

- measures the page: a copy of the report with a small measuring script added (the report
  itself has no script) is loaded with --dump-dom after the compositor has run; the script
  writes, as JSON, the size of every chart (<svg class="qm-chart">), the headings' levels,
  <html lang>, the table of contents' links and whether each leads to an element, and any
  resource the page fetched (it must fetch none: it is standalone and offline);
- takes a screenshot (OUTDIR/NAME.png) and prints to PDF (OUTDIR/NAME.pdf), then counts the
  PDF's pages (/Type /Page objects) and reads the first page's size (A4 = 595 x 842 pt).
Prints what it measured as JSON on stdout; exits 1 with the reasons when a check fails,
77 when chromium is not installed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--disable-extensions", "--disable-default-apps", "--mute-audio",
    "--hide-scrollbars", "--no-default-browser-check", "--disable-features=Translate,MediaRouter",
]

PROBE = r"""
<script>
(function () {
  function run() {
    var out = { charts: [], headings: [], toc: [], resources: [], lang: document.documentElement.getAttribute('lang'),
                title: document.title, width: document.documentElement.scrollWidth };
    document.querySelectorAll('svg.qm-chart').forEach(function (s) {
      var r = s.getBoundingClientRect();
      var t = s.querySelector('title'), d = s.querySelector('desc');
      out.charts.push({ type: s.getAttribute('class'), width: r.width, height: r.height, top: r.top + window.scrollY,
        role: s.getAttribute('role'), labelledby: s.getAttribute('aria-labelledby'),
        title: t ? t.textContent : null, desc: d ? d.textContent : null,
        labelled: (s.getAttribute('aria-labelledby') || '').split(' ').every(function (id) { return id && document.getElementById(id); }),
        table: !!(s.closest('figure') && s.closest('figure').querySelector('table')) });
    });
    document.querySelectorAll('h1,h2,h3,h4,h5,h6').forEach(function (h) {
      out.headings.push({ level: +h.tagName.substring(1), text: h.textContent, id: h.id, nav: !!h.closest('nav') });
    });
    document.querySelectorAll('nav a[href^="#"]').forEach(function (a) {
      out.toc.push({ href: a.getAttribute('href'), target: !!document.getElementById(a.getAttribute('href').substring(1)) });
    });
    if (window.performance && performance.getEntriesByType)
      performance.getEntriesByType('resource').forEach(function (e) { out.resources.push(e.name); });
    var pre = document.createElement('pre');
    pre.id = 'qm-probe-result';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  if (document.readyState === 'complete') run(); else window.addEventListener('load', run);
})();
</script>
"""


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(exe, args, profile, timeout=120):
    cmd = [exe] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + args
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p


def measure(exe, html_path, workdir):
    with open(html_path, encoding="utf-8") as f:
        text = f.read()
    if "<script" in text.lower():
        raise SystemExit("the report has a <script>: it must have none")
    probe = text.replace("</body>", PROBE + "</body>", 1)
    probe_path = os.path.join(workdir, "probe.html")
    with open(probe_path, "w", encoding="utf-8") as f:
        f.write(probe)
    profile = tempfile.mkdtemp(prefix="qm-chromium-", dir=workdir)
    p = run_chromium(exe, ["--window-size=1280,1600", "--run-all-compositor-stages-before-draw",
                           "--virtual-time-budget=5000", "--dump-dom", "file://" + probe_path], profile)
    dom = p.stdout.decode("utf-8", "replace")
    m = re.search(r'<pre id="qm-probe-result">(.*?)</pre>', dom, re.S)
    if not m:
        raise SystemExit("chromium gave no measurement (exit %d): %s" % (p.returncode, p.stderr.decode("utf-8", "replace")[-2000:]))
    raw = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'").replace("&amp;", "&")
    return json.loads(raw)


def pdf_pages(data):
    """page objects of a PDF, also inside compressed object streams; and the first MediaBox"""
    texts = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        start = m.end()
        end = data.find(b"endstream", start)
        if end < 0:
            continue
        try:
            texts.append(zlib.decompress(data[start:end]))
        except zlib.error:
            pass
    pages, box = 0, None
    for t in texts:
        pages += len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", t))
        if box is None:
            b = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", t)
            if b:
                box = [float(x) for x in b.groups()]
    return pages, box


def check(html_path, outdir, min_pages, charts_expected):
    exe = chromium()
    if not exe:
        print("SKIP: chromium is not installed (scripts/setup.sh --tests installs it)")
        sys.exit(77)
    os.makedirs(outdir, exist_ok=True)
    name = os.path.splitext(os.path.basename(html_path))[0]
    problems = []
    with tempfile.TemporaryDirectory(prefix="qm-browser-") as work:
        result = measure(exe, html_path, work)
        png = os.path.join(outdir, name + ".png")
        pdf = os.path.join(outdir, name + ".pdf")
        for f in (png, pdf):
            if os.path.exists(f):
                os.remove(f)
        uri = "file://" + os.path.abspath(html_path)
        p = run_chromium(exe, ["--window-size=1280,1800", "--screenshot=" + png, uri],
                         tempfile.mkdtemp(prefix="qm-chromium-", dir=work))
        if not os.path.exists(png) or os.path.getsize(png) < 1000:
            problems.append("no screenshot (chromium exit %d)" % p.returncode)
        p = run_chromium(exe, ["--no-pdf-header-footer", "--print-to-pdf=" + pdf, uri],
                         tempfile.mkdtemp(prefix="qm-chromium-", dir=work))
        if not os.path.exists(pdf):
            problems.append("no PDF (chromium exit %d): %s" % (p.returncode, p.stderr.decode("utf-8", "replace")[-500:]))
            pages, box = 0, None
        else:
            with open(pdf, "rb") as f:
                pages, box = pdf_pages(f.read())
    result["pdf_pages"] = pages
    result["pdf_mediabox"] = box
    result["screenshot"] = png
    result["pdf"] = pdf
    # the checks
    if charts_expected is not None and len(result["charts"]) < charts_expected:
        problems.append("%d charts on the page, expected at least %d" % (len(result["charts"]), charts_expected))
    for c in result["charts"]:
        if not (c["width"] > 50 and c["height"] > 30):
            problems.append("chart %r has no size on the page: %sx%s" % (c["title"], c["width"], c["height"]))
        if c["role"] != "img" or not c["labelled"] or not c["title"] or not c["desc"]:
            problems.append("chart %r lacks its text alternative (role, aria-labelledby, title, desc)" % c["title"])
        if not c["table"]:
            problems.append("chart %r has no data table beside it" % c["title"])
        if result["width"] and c["width"] > result["width"]:
            problems.append("chart %r is wider than the page" % c["title"])
    if not result.get("lang"):
        problems.append("<html> has no lang")
    levels = [h["level"] for h in result["headings"]]
    if not levels or levels[0] != 1 or levels.count(1) != 1:
        problems.append("the page must start with its one h1: %s" % levels)
    for a, b in zip(levels, levels[1:]):
        if b > a + 1:
            problems.append("headings jump from h%d to h%d" % (a, b))
            break
    sections = [h for h in result["headings"] if h["level"] >= 2 and not h["nav"]]
    if len(sections) >= 2 and not result["toc"]:
        problems.append("%d sections but no table of contents (nav links)" % len(sections))
    if result["toc"] and len(result["toc"]) != len([h for h in sections if h["level"] <= 3]):
        problems.append("the table of contents has %d links for %d sections" % (len(result["toc"]), len(sections)))
    for t in result["toc"]:
        if not t["target"]:
            problems.append("table of contents link %s leads nowhere" % t["href"])
    if result["resources"]:
        problems.append("the page fetched resources (it must be standalone): %s" % result["resources"][:3])
    if pages < min_pages:
        problems.append("the PDF has %d pages, expected at least %d" % (pages, min_pages))
    if box is None or abs(box[2] - box[0] - 595) > 2 or abs(box[3] - box[1] - 842) > 2:
        problems.append("the PDF's page is not A4: %s" % box)
    result["problems"] = problems
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if problems:
        sys.stderr.write("\n".join("FAIL %s: %s" % (name, p) for p in problems) + "\n")
        sys.exit(1)


def main(argv):
    if len(argv) < 3 or argv[0] != "check":
        sys.stderr.write(__doc__)
        return 2
    min_pages, charts = 1, None
    rest = argv[3:]
    while rest:
        opt = rest.pop(0)
        if opt == "--min-pages":
            min_pages = int(rest.pop(0))
        elif opt == "--charts":
            charts = int(rest.pop(0))
        else:
            sys.stderr.write("unknown option %s\n" % opt)
            return 2
    check(argv[1], argv[2], min_pages, charts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
