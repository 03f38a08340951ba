"""Hand computation of reference shares straight from the raw files, with the standard library only.

Independent of kzecon and of pandas: reads ../shared/data/raw with csv/gzip, sums by hand and
writes hand_shares.csv (quantity, value, how).  Run from the repository root:

    python tests/references/hand_shares.py ../shared/data/raw

The published plausibility figures these reproduce (shared/data/raw/README.md and the PROVENANCE
files) are listed in plausibility_shares.csv beside this file.
"""

import csv
import gzip
import sys
from collections import defaultdict
from pathlib import Path

raw = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/raw")
rows = []

# 1. WITS (Kazakhstan-reported): China's and Russia's share of total trade, 2014 and 2019;
#    HHI over partners of total trade 2019.
tot = defaultdict(float)
by = defaultdict(float)
for flow in ("exports", "imports"):
    with open(raw / "kz_wits_by_partner" / f"wits_kz_{flow}_by_partner.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            y = int(r["date"][:4])
            v = float(r["value"])
            tot[(y, flow)] += v
            by[(y, r["item_code"], "total")] += v
            by[(y, r["item_code"], flow)] += v
for y in (2014, 2019):
    world = tot[(y, "exports")] + tot[(y, "imports")]
    for p in ("CHN", "RUS"):
        rows.append((f"wits_share_total_{p}_{y}", by[(y, p, "total")] / world,
                     "sum of KAZ exports+imports with p / sum over all partner rows (WITS)"))
    rows.append((f"wits_share_export_CHN_{y}", by[(y, "CHN", "exports")] / tot[(y, "exports")],
                 "KAZ exports to CHN / sum of KAZ exports over partners (WITS)"))
world = tot[(2019, "exports")] + tot[(2019, "imports")]
hhi = sum((v / world) ** 2 for (y, p, f), v in by.items() if y == 2019 and f == "total" and v > 0)
n = sum(1 for (y, p, f), v in by.items() if y == 2019 and f == "total" and v > 0)
rows.append(("wits_hhi_total_2019", hhi, f"sum of squared partner shares of total trade, {n} partners"))
rows.append(("wits_hhi_norm_total_2019", (hhi - 1 / n) / (1 - 1 / n), "(HHI - 1/N)/(1 - 1/N)"))

# 2. BNS 312101 (transcribed rows): China and Russia share of total trade 2023 and 2025.
tot = defaultdict(float)
by = defaultdict(float)
for flow in ("exports", "imports"):
    path = raw / "kz_bns_partner_annual" / "transcribed" / f"bns_312101_{flow}_by_partner_2020_2025.csv"
    with open(path, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            y = int(r["year"])
            v = float(r[f"{flow}_thousand_usd"])
            tot[y] += v
            by[(y, r["partner_iso3"])] += v
for y in (2023, 2025):
    for p in ("CHN", "RUS"):
        rows.append((f"bns_share_total_{p}_{y}", by[(y, p)] / tot[y],
                     "(exports+imports with p) / (sum over all partner rows), BNS 312101"))

# 3. COW v4 dyads: China's share of KAZ total trade 2013 (KAZ = 705, CHN = 710).
kaz = defaultdict(float)
chn = 0.0
with gzip.open(raw / "cow_trade_v4" / "cow_trade_ndy.csv.gz", "rt") as fh:
    for r in csv.DictReader(fh):
        if r["year"] != "2013" or "705" not in (r["ccode1"], r["ccode2"]):
            continue
        v = sum(float(r[k]) for k in ("flow1", "flow2") if r[k] not in ("", "NA"))
        kaz[2013] += v
        if "710" in (r["ccode1"], r["ccode2"]):
            chn += v
rows.append(("cow_share_total_CHN_2013", chn / kaz[2013],
             "COW dyads with KAZ in 2013: (flow1+flow2 with CHN) / (flow1+flow2 over all partners)"))

# 4. Gravity panel (Advanced Guide): China's share of each country's international trade
#    (exports + imports, domestic flows excluded), 1990 and 2006.
gt = defaultdict(float)
gc = defaultdict(float)
with gzip.open(raw / "yotov_agtpa_2016" / "agtpa_applications.csv.gz", "rt") as fh:
    for r in csv.DictReader(fh):
        y = int(r["year"])
        if y not in (1990, 2006) or r["exporter"] == r["importer"]:
            continue
        v = float(r["trade"])
        for me, other in ((r["exporter"], r["importer"]), (r["importer"], r["exporter"])):
            gt[(me, y)] += v
            if other == "CHN":
                gc[(me, y)] += v
for c in ("USA", "JPN", "KOR", "DEU", "AUS"):
    for y in (1990, 2006):
        rows.append((f"agtpa_share_total_CHN_{c}_{y}", gc[(c, y)] / gt[(c, y)],
                     f"{c}'s exports to + imports from CHN / {c}'s international trade, {y}"))

out = Path(__file__).with_name("hand_shares.csv")
with open(out, "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["quantity", "value", "how"])
    for q, v, how in rows:
        w.writerow([q, repr(v), how])
print(f"wrote {len(rows)} reference values to {out}")
