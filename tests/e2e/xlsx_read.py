#!/usr/bin/env python3
"""xlsx_read.py FILE.xlsx — reads a spreadsheet back with nothing but the standard library
(zipfile + the sheets' XML) and prints it as JSON: per sheet its name, whether the panes are
frozen (and below which row), the column widths, and every cell as
{ "ref", "type" ("n" number, "s"/"inlineStr"/"str" text, "b", "d"), "value", "style" }.
Dates are numbers with a date number format; "date" is set on such cells."""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
DATE_BUILTIN = set(range(14, 23)) | {45, 46, 47}


def main(path):
    z = zipfile.ZipFile(path)
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    # which cell styles are dates
    styles = ET.fromstring(z.read("xl/styles.xml"))
    fmts = {int(n.get("numFmtId")): n.get("formatCode") for n in styles.findall("m:numFmts/m:numFmt", NS)}
    date_style = []
    for xf in styles.findall("m:cellXfs/m:xf", NS):
        fid = int(xf.get("numFmtId", "0"))
        code = fmts.get(fid, "")
        date_style.append(fid in DATE_BUILTIN or bool(re.search(r"[yd]", code.replace('"', ""))))
    out = []
    for s in wb.findall("m:sheets/m:sheet", NS):
        t = target[s.get(REL)]
        name = "xl/" + t if not t.startswith("/") else t[1:]
        x = ET.fromstring(z.read(name))
        pane = x.find("m:sheetViews/m:sheetView/m:pane", NS)
        cols = [{"min": int(c.get("min")), "max": int(c.get("max")), "width": float(c.get("width"))}
                for c in x.findall("m:cols/m:col", NS)]
        cells = []
        for c in x.iter("{%s}c" % NS["m"]):
            typ = c.get("t", "n")
            v = c.find("m:v", NS)
            style = int(c.get("s", "0"))
            if typ == "inlineStr":
                value = "".join(t.text or "" for t in c.iter("{%s}t" % NS["m"]))
            elif typ == "s":
                value = shared[int(v.text)]
            elif v is None:
                continue
            else:
                value = v.text
            cell = {"ref": c.get("r"), "type": typ, "value": value, "style": style, "has_t": c.get("t") is not None}
            if typ == "n" and style < len(date_style) and date_style[style]:
                cell["date"] = True
            cells.append(cell)
        out.append({"name": s.get("name"), "frozen": pane is not None and pane.get("state") == "frozen",
                    "frozen_below": pane.get("topLeftCell") if pane is not None else None,
                    "cols": cols, "cells": cells})
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
