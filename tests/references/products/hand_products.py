"""Hand computation of Kazakhstan–China sector shares from the raw file (independent of kzecon).

Reads ../shared/data/raw/kz_chn_sectoral_wits_kazpaper/sectoral_composition_chn.dta with pandas.read_stata
only, halves the levels (the source's documented 2x), and for each year and flow divides each sector's
value by the sum over sectors. Sector names are the source's own; the map to kzecon's names is written
out here by hand. Writes hand_composition.csv (year, flow, sector, value_usd, share) and
hand_fuels_metals.csv (year, fuels_metals_share). Also records the collector's table of fuels+metals
percentages (PROVENANCE.md of that folder) in provenance_fuels_metals.csv, as a second reference.

Run from the repository root: python tests/references/products/hand_products.py
"""
import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "raw", "kz_chn_sectoral_wits_kazpaper",
                   "sectoral_composition_chn.dta")
NAMES = {"Energy": "fuels", "Metals_Minerals": "metals", "Chemicals": "chemicals", "Agriculture": "agriculture",
         "Machinery_Electrical": "machinery", "Vehicles": "vehicles", "Textiles": "textiles",
         "Plastics_Rubber": "plastics_rubber", "Wood_Paper": "wood_paper", "Stone_Ceramics": "stone_ceramics",
         "Other": "other"}
# PROVENANCE.md table "Fuels + metals share of Kazakhstan's exports to China" (percent, two decimals)
PROVENANCE = {2015: 73.33, 2016: 74.73, 2017: 77.16, 2018: 84.15, 2019: 87.20, 2020: 79.95, 2021: 86.64,
              2022: 85.73, 2023: 81.98, 2024: 77.07}


def main():
    raw = pd.read_stata(RAW)
    rows = []
    for (year, flow, col) in [(y, f, c) for y in sorted(raw["year"].unique())
                              for f, c in (("export", "export_value"), ("import", "import_value"))]:
        d = raw[(raw["year"] == year) & raw[col].notna()]
        total = 0.0
        for v in d[col]:
            total += v / 2
        for _, r in d.iterrows():
            rows.append({"year": int(year), "flow": flow, "sector": NAMES[r["sector"]],
                         "value_usd": r[col] / 2 * 1e6, "share": (r[col] / 2) / total})
    out = pd.DataFrame(rows)
    out.to_csv(os.path.join(HERE, "hand_composition.csv"), index=False, float_format="%.17g", lineterminator="\n")
    ex = out[(out["flow"] == "export") & out["sector"].isin(["fuels", "metals"])]
    fm = ex.groupby("year")["share"].sum().rename("fuels_metals_share").reset_index()
    fm.to_csv(os.path.join(HERE, "hand_fuels_metals.csv"), index=False, float_format="%.17g", lineterminator="\n")
    pd.DataFrame({"year": list(PROVENANCE), "fuels_metals_pct": list(PROVENANCE.values())}).to_csv(
        os.path.join(HERE, "provenance_fuels_metals.csv"), index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
