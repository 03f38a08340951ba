"""Hand-read cells of the raw IMF DOTS workbooks, for the tests of the DOTS build (kzecon.data.load_gravity('dots'),
the Kazakhstan rows, the known defects).

Reads the .xlsx files with the Python standard library only (zipfile + xml.etree: the sheet XML and the shared
strings), not with the pandas/calamine reader the build uses, and writes the cells named below to dots_hand.csv.
Run from the repository root when ../shared/data/raw is beside it: python tests/references/data/dots_hand.py
"""

import csv
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
RAW = HERE.parents[2].parent / "shared" / "data" / "raw" / "imf_dots_annual"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
# (workbook, sheet number 1 = "Exports, FOB" / 2 = "Imports, CIF", partner name, years)
CELLS = [
    ("DOTS_103.xlsx", 1, "China, P.R.: Mainland", (2013, 2018, 2020)),  # Kazakhstan's exports to China
    ("DOTS_103.xlsx", 2, "China, P.R.: Mainland", (2013, 2018, 2020)),  # Kazakhstan's imports from China
    ("DOTS_40.xlsx", 2, "Kazakhstan, Rep. of", (2013, 2018, 2020)),     # China's imports from Kazakhstan
    ("DOTS_40.xlsx", 1, "Kazakhstan, Rep. of", (2013, 2018, 2020)),     # China's exports to Kazakhstan
    ("DOTS_103.xlsx", 2, "Russian Federation", (2010,)),                # Kazakhstan's imports from Russia
    ("DOTS_162.xlsx", 1, "Kazakhstan, Rep. of", (2010,)),               # Russia's exports to Kazakhstan
    ("DOTS_162.xlsx", 2, "Belarus, Rep. of", (2006, 2011)),             # Russia's imports from Belarus
    ("DOTS_18.xlsx", 1, "Russian Federation", (2006, 2011)),            # Belarus's exports to Russia
]


def col_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_sheet(path: Path, number: int) -> list[list]:
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
        root = ET.fromstring(z.read(f"xl/worksheets/sheet{number}.xml"))
    rows = []
    for r in root.iter(f"{{{NS['m']}}}row"):
        cells = {}
        for c in r.findall("m:c", NS):
            v = c.find("m:v", NS)
            is_ = c.find("m:is", NS)
            if c.get("t") == "s" and v is not None:
                val = shared[int(v.text)]
            elif c.get("t") == "inlineStr" and is_ is not None:
                val = "".join(t.text or "" for t in is_.iter(f"{{{NS['m']}}}t"))
            else:
                val = v.text if v is not None else None
            cells[col_index(c.get("r"))] = val
        rows.append([cells.get(i) for i in range(max(cells) + 1)] if cells else [])
    return rows


def main():
    out = []
    for wb, sheet, partner, years in CELLS:
        rows = read_sheet(RAW / wb, sheet)
        reporter = rows[3][1]
        year_row = next(r for r in rows if len(r) > 3 and r[2] is not None and str(r[2]).startswith(("19", "20")))
        col = {int(float(v)): i for i, v in enumerate(year_row) if v is not None and i >= 2}
        row = next(r for r in rows if len(r) > 1 and r[1] == partner)
        for y in years:
            cell = str(row[col[y]]).strip()
            out.append({"workbook": wb, "reporter": reporter, "sheet": "export" if sheet == 1 else "import",
                        "partner": partner, "year": y, "value_musd": float(cell.rstrip("e").replace(",", "")),
                        "estimated": int(cell.endswith("e"))})
    with open(HERE / "dots_hand.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(out[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(out)


if __name__ == "__main__":
    main()
