"""One builder per raw source folder of ../shared/data/raw (see its README.md).

Each builder reads only its own folder (and, where it says so, a second one for covariates) and
returns ``{dataset_name: (frame, sort_columns, meta)}``; ``build_all.py`` writes the frames with
the deterministic writer and records hashes in the manifest.  All transformations are listed in
``data/PROVENANCE.md``; nothing is typed in by hand except the code supplements, whose sources are
given beside them.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from _common import REPO, cow_to_iso3

REFERENCE = REPO / "kzecon" / "data" / "reference"

BUILDERS = {}


def builder(folder: str):
    def deco(fn):
        BUILDERS[folder] = fn
        return fn

    return deco


def _read_rda(path: Path) -> pd.DataFrame:
    import pyreadr

    return next(iter(pyreadr.read_r(str(path)).values()))


# ---------------------------------------------------------------------------------- gravity


@builder("yotov_agtpa_2016")
def build_agtpa(raw: Path):
    d = pd.read_csv(raw / "yotov_agtpa_2016" / "agtpa_applications.csv.gz")
    d = d.rename(columns={"trade": "flow", "cntg": "contig", "clny": "colony"})
    # Romania is coded ROM (pre-2002 ISO code) in the source; the API speaks current ISO-3.
    for c in ("exporter", "importer"):
        d[c] = d[c].replace({"ROM": "ROU"})
    cols = ["exporter", "importer", "pair_id", "year", "flow", "dist", "contig", "lang", "colony",
            "rta", "rta_lag3", "rta_lag4", "rta_lag6", "rta_lag8", "rta_lag9", "rta_lag12", "rta_lead4"]
    return {"gravity_agtpa": (d[cols], ["exporter", "importer", "year"], {})}


@builder("yotov2016_advanced_guide")
def build_advanced_guide(raw: Path):
    d = pd.read_stata(raw / "yotov2016_advanced_guide" / "Chapter1Exercise1.dta")
    d = d.rename(columns={"trade": "flow", "DIST": "dist", "CNTG": "contig", "LANG": "lang",
                          "CLNY": "colony", "RTA": "rta", "WTO": "wto"})
    d["year"] = d["year"].astype("int64")
    for c in ("contig", "lang", "colony", "rta", "wto"):
        d[c] = d[c].astype("int64")
    for c in ("exporter", "importer"):
        d[c] = d[c].astype(str).replace({"ROM": "ROU"})
    d["flow"] = d["flow"].astype("float64")
    d["dist"] = d["dist"].astype("float64")
    cols = ["exporter", "importer", "year", "flow", "dist", "contig", "lang", "colony", "rta", "wto"]
    return {"gravity_agtpa_wto": (d[cols], ["exporter", "importer", "year"], {})}


def _cepii_dist(raw: Path) -> pd.DataFrame:
    d = _read_rda(raw / "cepii_geodist" / "dist_cepii.rda")
    for c in ("dist", "distcap", "distw", "distwces"):
        d[c] = pd.to_numeric(d[c], errors="coerce")
    for c in ("contig", "comlang_off", "comlang_ethno", "colony", "comcol", "curcol", "col45", "smctry"):
        d[c] = d[c].astype("int64")
    return d.rename(columns={"iso_o": "exporter", "iso_d": "importer"})


@builder("cepii_geodist")
def build_cepii(raw: Path):
    d = _cepii_dist(raw)
    g = _read_rda(raw / "cepii_geodist" / "geo_cepii.rda")
    gcols = ["iso3", "iso2", "country", "area", "dis_int", "landlocked", "continent", "city_en",
             "lat", "lon", "cap", "maincity"]
    g = g[[c for c in gcols if c in g.columns]].copy()
    for c in ("landlocked", "cap", "maincity"):
        if c in g:
            g[c] = g[c].astype("int64")
    return {
        "cepii_dist": (d, ["exporter", "importer"], {}),
        "cepii_geo": (g, ["iso3", "cap", "city_en"], {}),
    }


@builder("penppml_trade")
def build_penppml(raw: Path):
    t = _read_rda(raw / "penppml_trade" / "trade.rda")
    t = t.rename(columns={"exp": "exporter", "imp": "importer", "time": "year", "export": "flow"})
    for c in ("exporter", "importer"):
        t[c] = t[c].astype(str)
    t["year"] = t["year"].astype(str).astype("int64")
    t["rta"] = (t["id"] > 0).astype("int64")
    t["agreement_id"] = t["id"].astype("int64")
    t["agreement"] = t["agreement"].fillna("")
    dist = _cepii_dist(raw)[["exporter", "importer", "dist", "distw", "contig", "comlang_off", "colony"]]
    dist = dist.rename(columns={"comlang_off": "lang"})
    t = t.merge(dist, on=["exporter", "importer"], how="left", validate="many_to_one")
    cols = ["exporter", "importer", "year", "flow", "rta", "agreement_id", "agreement",
            "dist", "distw", "contig", "lang", "colony"]
    mirror = t[(t["importer"] == "KAZ")][["exporter", "year", "flow"]].copy()
    mirror = pd.DataFrame({
        "reporter": "KAZ", "partner": mirror["exporter"], "year": mirror["year"],
        "flow": "import", "value_usd": mirror["flow"], "source": "penppml",
        "reporter_side": "mirror",
    })
    return {
        "gravity_penppml": (t[cols], ["exporter", "importer", "year"], {}),
        "trade_mirror_penppml": (mirror, ["partner", "year"], {}),
    }


# ------------------------------------------------------------------------------- trade, KAZ

# Reporters kept from COW: the 15 post-Soviet states, Mongolia and China (COW codes), so that
# Kazakhstan's trade and the Central Asia / EAEU country panel come from one source.
COW_REPORTERS = {365: "RUS", 369: "UKR", 370: "BLR", 371: "ARM", 372: "GEO", 373: "AZE",
                 359: "MDA", 366: "EST", 367: "LVA", 368: "LTU", 701: "TKM", 702: "TJK",
                 703: "KGZ", 704: "UZB", 705: "KAZ", 712: "MNG", 710: "CHN"}


@builder("cow_trade_v4")
def build_cow(raw: Path):
    d = pd.read_csv(raw / "cow_trade_v4" / "cow_trade_ndy.csv.gz")
    d = d[d["year"] >= 1992]
    d = d[d["ccode1"].isin(COW_REPORTERS) | d["ccode2"].isin(COW_REPORTERS)]
    parts = []
    for side, other, imp, exp in (("ccode1", "ccode2", "flow1", "flow2"),
                                  ("ccode2", "ccode1", "flow2", "flow1")):
        s = d[d[side].isin(COW_REPORTERS)]
        for flow, col in (("import", imp), ("export", exp)):
            parts.append(pd.DataFrame({"rep": s[side].values, "par": s[other].values,
                                       "year": s["year"].values, "flow": flow,
                                       "value_musd": s[col].values}))
    k = pd.concat(parts, ignore_index=True)
    n_na = int(k["value_musd"].isna().sum())
    k = k.dropna(subset=["value_musd"])  # COW 'NA' = no figure; counted in PROVENANCE
    iso = cow_to_iso3(pd.concat([k["rep"], k["par"]]))
    unknown = sorted(c for c, i in iso.items() if i is None)
    if unknown:
        raise SystemExit(f"COW codes without ISO-3 in the crosswalk: {unknown}")
    out = pd.DataFrame({
        "reporter": k["rep"].map(iso), "partner": k["par"].map(iso), "year": k["year"].astype("int64"),
        "flow": k["flow"], "value_usd": (k["value_musd"] * 1e6).round(3), "source": "cow_v4",
        "reporter_side": "mixed",
    })
    s = pd.read_csv(raw / "cow_trade_v4" / "cow_trade_sy.csv")
    s = s[s["year"] >= 1992]
    siso = cow_to_iso3(s["ccode"])
    s = s.assign(iso3=s["ccode"].map(siso)).dropna(subset=["iso3"])
    tot = pd.DataFrame({"iso3": s["iso3"], "year": s["year"].astype("int64"),
                        "exports_usd": (s["exports"] * 1e6).round(3), "imports_usd": (s["imports"] * 1e6).round(3),
                        "source": "cow_v4"})
    tot = tot.dropna(subset=["exports_usd", "imports_usd"], how="all")
    return {
        "trade_cow": (out, ["reporter", "partner", "year", "flow"], {"na_dropped": n_na}),
        "totals_cow": (tot, ["iso3", "year"], {}),
    }


@builder("kz_wits_by_partner")
def build_wits(raw: Path):
    parts = []
    for flow in ("export", "import"):
        w = pd.read_csv(raw / "kz_wits_by_partner" / f"wits_kz_{flow}s_by_partner.csv",
                        encoding="utf-8")
        parts.append(pd.DataFrame({
            "reporter": "KAZ", "partner": w["item_code"], "partner_name": w["item_name"],
            "year": w["date"].str[:4].astype("int64"), "flow": flow,
            "value_usd": (w["value"] * 1e3).round(3), "source": "wits", "reporter_side": "reported",
        }))
    out = pd.concat(parts, ignore_index=True)
    return {"trade_wits": (out, ["partner", "year", "flow"], {})}


@builder("kz_bns_partner_annual")
def build_bns(raw: Path):
    base = raw / "kz_bns_partner_annual"
    parts = []
    for flow in ("export", "import"):
        b = pd.read_csv(base / "transcribed" / f"bns_312101_{flow}s_by_partner_2020_2025.csv")
        parts.append(pd.DataFrame({
            "reporter": "KAZ", "partner": b["partner_iso3"], "year": b["year"].astype("int64"),
            "flow": flow, "value_usd": (b[f"{flow}s_thousand_usd"] * 1e3).round(3), "source": "bns",
            "reporter_side": "reported",
        }))
    out = pd.concat(parts, ignore_index=True)
    summary = pd.read_csv(base / "kz_bns_partner_annual.csv")
    return {
        "trade_bns": (out, ["partner", "year", "flow"], {}),
        "bns_summary": (summary, ["year", "partner", "measure", "reporter_side", "source_date"], {}),
    }


# ------------------------------------------------------------------------------- products

# kzecon's sector vocabulary for the source's sector names (same HS chapters, see PROVENANCE).
SECTOR_NAMES = {"Energy": "fuels", "Metals_Minerals": "metals", "Chemicals": "chemicals",
                "Agriculture": "agriculture", "Machinery_Electrical": "machinery",
                "Vehicles": "vehicles", "Textiles": "textiles", "Plastics_Rubber": "plastics_rubber",
                "Wood_Paper": "wood_paper", "Stone_Ceramics": "stone_ceramics", "Other": "other"}


@builder("kz_chn_sectoral_wits_kazpaper")
def build_sectors(raw: Path):
    s = pd.read_stata(raw / "kz_chn_sectoral_wits_kazpaper" / "sectoral_composition_chn.dta")
    unknown = sorted(set(s["sector"]) - set(SECTOR_NAMES))
    if unknown:
        raise SystemExit(f"unknown sector names in the source: {unknown}")
    parts = []
    for flow, col in (("export", "export_value"), ("import", "import_value")):
        v = s[["year", "sector", col]].dropna(subset=[col])
        parts.append(pd.DataFrame({
            "reporter": "KAZ", "partner": "CHN", "year": v["year"].astype("int64"), "flow": flow,
            "sector": v["sector"].map(SECTOR_NAMES),
            # the source's levels are exactly twice the true values (see its PROVENANCE): halve
            "value_usd": np.round(v[col].astype("float64") / 2 * 1e6, 3),
            "source": "wits_kazpaper", "reporter_side": "reported",
        }))
    out = pd.concat(parts, ignore_index=True)
    out["flag"] = np.where(out["year"].between(2020, 2022),
                           "copper_suppressed: KAZ reports omit HS 74/78/79/81 to China", "")
    return {"products_kaz_chn": (out, ["year", "flow", "sector"], {})}


@builder("kz_chn_comtrade_metals_hs2")
def build_comtrade_hs2(raw: Path):
    base = raw / "kz_chn_comtrade_metals_hs2"
    c = pd.read_csv(base / "transcribed" / "comtrade_kaz_chn_hs2_selected.csv", dtype={"cmd_code": str})
    mirror = c["reporter_iso"] != "KAZ"
    flow = np.where(c["flow"] == "X", "export", "import")
    # China's imports from KAZ (mirror) are Kazakhstan's exports seen from China.
    flow = np.where(mirror, "export", flow)
    out = pd.DataFrame({
        "reporter": "KAZ", "partner": "CHN", "year": c["year"].astype("int64"), "flow": flow,
        "classification": c["classification"], "cmd_code": c["cmd_code"], "cmd_desc": c["cmd_desc"],
        "value_usd": c["primary_value_usd"].astype("float64"), "source": "comtrade",
        "reporter_side": np.where(mirror, "mirror", "reported"),
    })
    w = pd.read_csv(base / "wits_ores_metals_exports_kazakhstan_china.csv")
    ores = pd.DataFrame({"reporter": "KAZ", "partner": "CHN", "year": w["year"].astype("int64"),
                         "flow": "export", "product": w["product"],
                         "value_usd": (w["value_usd_thousand"] * 1e3).round(3),
                         "source": "wits", "reporter_side": "reported"})
    return {
        "comtrade_kaz_chn_hs2": (out, ["year", "reporter_side", "flow", "cmd_code"], {}),
        "wits_ores_metals_kaz_chn": (ores, ["year"], {}),
    }


# ---------------------------------------------------------------------------------- macro


def _wdi(path: Path, value: str, integer: bool = False) -> pd.DataFrame:
    d = pd.read_csv(path)
    out = pd.DataFrame({"iso3": d["Country Code"], "country": d["Country Name"],
                        "year": d["Year"].astype("int64"), value: d["Value"]})
    if integer:
        out[value] = out[value].astype("int64")
    return out


@builder("wb_gdp_datahub")
def build_gdp(raw: Path):
    return {"wdi_gdp": (_wdi(raw / "wb_gdp_datahub" / "gdp_current_usd.csv", "gdp_usd"), ["iso3", "year"], {})}


@builder("wb_population_datahub")
def build_pop(raw: Path):
    d = _wdi(raw / "wb_population_datahub" / "population.csv", "population", integer=True)
    return {"wdi_population": (d, ["iso3", "year"], {})}


@builder("pwt91")
def build_pwt(raw: Path):
    d = pd.read_csv(raw / "pwt91" / "pwt91.csv").rename(columns={"isocode": "iso3"})
    return {"pwt91": (d, ["iso3", "year"], {})}


@builder("brent_eia_datahub")
def build_oil(raw: Path):
    base = raw / "brent_eia_datahub"
    out = {}
    for name, file in (("brent_annual", "brent-year.csv"), ("wti_annual", "wti-year.csv")):
        d = pd.read_csv(base / file)
        out[name] = (pd.DataFrame({"year": d["Date"].str[:4].astype("int64"),
                                   "price_usd_per_bbl": d["Price"]}), ["year"], {})
    m = pd.read_csv(base / "brent-monthly.csv")
    out["brent_monthly"] = (pd.DataFrame({"month": m["Date"].str[:7],
                                          "price_usd_per_bbl": m["Price"]}), ["month"], {})
    return out


# ------------------------------------------------------------------------------- UN votes

# ISO-2 codes of the roll-call data that have no current ISO-3 (former states) and names with no
# code at all.  Sources: ISO 3166-3 (codes for formerly used country names: CSK Czechoslovakia,
# YUG Yugoslavia, DDR German Democratic Republic, YMD Yemen PDR); for states with no ISO code the
# Correlates of War state abbreviations (YAR Yemen Arab Republic, ZAN Zanzibar); the Federal
# Republic of Germany held ISO 3166 code DEU before and after 1990.
UN_ISO2_SUPPLEMENT = {"CS": "CSK", "YU": "YUG", "DD": "DDR", "YD": "YMD"}
UN_NAME_SUPPLEMENT = {"Yemen Arab Republic": "YAR", "Zanzibar": "ZAN",
                      "Federal Republic of Germany": "DEU"}


@builder("un_votes")
def build_un(raw: Path):
    from countrycode import countrycode

    base = raw / "un_votes"
    v = _read_rda(base / "un_votes.rda")
    v["country_code"] = v["country_code"].astype(object)
    pairs = v[["country", "country_code"]].drop_duplicates()
    iso2 = [c if isinstance(c, str) else None for c in pairs["country_code"]]
    iso3 = countrycode([c or "" for c in iso2], origin="iso2c", destination="iso3c")
    mapping = {}
    for (name, c2), c3 in zip(pairs.itertuples(index=False), iso3, strict=True):
        code = c3 or UN_ISO2_SUPPLEMENT.get(c2) or UN_NAME_SUPPLEMENT.get(name)
        if code is None:
            raise SystemExit(f"UN votes: no ISO-3 for {name!r} ({c2})")
        mapping[name] = code
    votes = pd.DataFrame({"rcid": v["rcid"].astype("int64"), "country": v["country"].map(mapping),
                          "country_name": v["country"], "vote": v["vote"].astype(str)})
    rc = _read_rda(base / "un_roll_calls.rda")
    rc["rcid"] = rc["rcid"].astype("int64")
    rc["session"] = rc["session"].astype("int64")
    rc["date"] = pd.to_datetime(rc["date"]).dt.strftime("%Y-%m-%d")
    rc["year"] = rc["date"].str[:4].astype("int64")
    iss = _read_rda(base / "un_roll_call_issues.rda")
    iss["rcid"] = iss["rcid"].astype("int64")
    iss["issue"] = iss["issue"].astype(str)
    iss["short_name"] = iss["short_name"].astype(str)
    return {
        "un_votes": (votes, ["rcid", "country"], {}),
        "un_roll_calls": (rc, ["rcid"], {}),
        "un_roll_call_issues": (iss, ["rcid", "short_name"], {}),
    }


# ------------------------------------------------------------------------------------- IMF DOTS

DOTS_SHEETS = {"Exports, FOB": "export", "Imports, CIF": "import"}
DOTS_GRAVITY_YEARS = (2000, 2020)
# Known defects of the workbooks (raw PROVENANCE.md, "Known defects"), handled here rather than discovered by the
# estimates: an importer's report that is far below the exporter's for these importer–exporter–years is replaced
# by the exporter's report in the preferred flow (flow_source = 'exporter_known_defect'). Each is checked against
# the data below (importer/exporter ratio < 0.6), so a corrected vintage of the raw files fails the build instead
# of being "fixed" twice.
#   RUS's workbook: Belarus at about a quarter to a half of Belarus's own figures in 2006 and 2011 (imports
#   1,927 vs 6,845 and 6,834 vs 14,509 mn USD);
#   KAZ's workbook: imports from Russia 2010 at half of Russia's exports (5,058 vs 10,243 mn USD, the customs
#   union's first year, when intra-union customs declarations ended).
# Russia's missing Belarus cells (2001, 2004, 2009, 2010) need no entry: a missing importer report is filled from
# the exporter's report anyway (flow_source = 'exporter').
DOTS_KNOWN_DEFECTS = [("RUS", "BLR", 2006), ("RUS", "BLR", 2011), ("KAZ", "RUS", 2010)]  # importer, exporter, year


def _float_or_nan(v: str) -> float:
    try:
        return float(v)
    except ValueError:
        return np.nan


def _dots_sheet(df: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """One sheet of a DOTS workbook → (reporter name, long frame partner, year, value_musd, estimated)."""
    reporter, unit = df.iat[3, 1], df.iat[4, 1]
    if unit != "US Dollars, Millions":
        raise SystemExit(f"IMF DOTS: unexpected unit {unit!r} for {reporter}")
    years = df.iloc[6, 2:]
    years = years[years.notna()]
    body = df.iloc[7:, [1, *years.index]]
    body = body[body.iloc[:, 0].map(lambda v: isinstance(v, str))]
    long = body.melt(id_vars=body.columns[0], var_name="col", value_name="cell").dropna(subset=["cell"])
    long = long.rename(columns={body.columns[0]: "partner"})
    # numbers arrive as numbers; estimates as text "1,247.27e" (IMF's 'e' flag) and are parsed from the text
    cells = long["cell"].to_numpy(dtype=object)
    is_text = np.fromiter((isinstance(v, str) for v in cells), bool, len(cells))
    num = np.full(len(cells), np.nan)
    num[~is_text] = cells[~is_text].astype(float)
    text = pd.Series(cells[is_text], dtype=object).str.strip()
    est = np.zeros(len(cells), bool)
    est[is_text] = text.str.endswith("e").to_numpy(dtype=bool)
    # Python's float() rounds decimal text correctly (pandas' fast parser can be one unit in the last place off)
    num[is_text] = [_float_or_nan(v) for v in text.str.removesuffix("e").str.strip().str.replace(",", "")]
    if np.isnan(num).any():
        raise SystemExit(f"IMF DOTS {reporter}: unreadable cell(s) {pd.unique(cells[np.isnan(num)])[:5]}")
    out = pd.DataFrame({"partner": long["partner"].str.strip().to_numpy(),
                        "year": long["col"].map(years).astype("int64").to_numpy(),
                        "value_musd": num, "estimated": est})
    return str(reporter).strip(), out


def _dots_workbook(f: Path) -> tuple[str, pd.DataFrame]:
    """One workbook (exports and imports sheets) → (reporter name, long frame with ``flow``)."""
    sheets = pd.read_excel(f, sheet_name=None, header=None, engine="calamine")
    parts = []
    for name, df in sheets.items():
        rep, d = _dots_sheet(df)
        parts.append(d.assign(reporter=rep, flow=DOTS_SHEETS[name]))
    return rep, pd.concat(parts, ignore_index=True)


def _dots_long(raw: Path) -> pd.DataFrame:
    """Every workbook, both sheets, de-duplicated: reporter, partner (IMF names), year, flow, value_musd, estimated.

    Two workbooks of one reporter (Nicaragua: DOTS_143 and DOTS_144) must be identical and one is kept; a partner
    listed twice in a sheet (Australia, in every sheet) must carry identical values and one row is kept."""
    files = sorted((raw / "imf_dots_annual").glob("DOTS_*.xlsx"), key=lambda p: int(p.stem.split("_")[1]))
    seen: dict[str, pd.DataFrame] = {}
    frames = []
    # the workbooks are read in parallel (forked workers see this module), results in file order
    ctx = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=ctx) as pool:
        workbooks = list(pool.map(_dots_workbook, files, chunksize=8))
    for f, (rep, wb) in zip(files, workbooks, strict=True):
        if rep in seen:
            if not seen[rep].reset_index(drop=True).equals(wb.reset_index(drop=True)):
                raise SystemExit(f"IMF DOTS: two different workbooks for {rep} ({f.name})")
            continue  # an identical second workbook (Nicaragua)
        seen[rep] = wb
        frames.append(wb)
    d = pd.concat(frames, ignore_index=True).drop_duplicates()
    key = ["reporter", "flow", "partner", "year"]
    if d.duplicated(key).any():
        ex = d[d.duplicated(key, keep=False)].head(4).to_dict("records")
        raise SystemExit(f"IMF DOTS: a partner listed twice with different values: {ex}")
    return d


def _dots_names(raw: Path) -> pd.DataFrame:
    ref = REFERENCE / "imf_dots_names.csv"
    names = pd.read_csv(ref, comment="#", keep_default_na=False)
    return names.set_index("imf_name")


def _dots_coded(raw: Path) -> pd.DataFrame:
    """The long DOTS frame with ISO-3 codes and kinds for reporter and partner; unknown names stop the build."""
    d = _dots_long(raw)
    names = _dots_names(raw)
    unknown = sorted((set(d["reporter"]) | set(d["partner"])) - set(names.index))
    if unknown:
        raise SystemExit(f"IMF DOTS names missing from imf_dots_names.csv: {unknown}")
    for side in ("reporter", "partner"):
        d[f"{side}_iso3"] = d[side].map(names["iso3"])
        d[f"{side}_kind"] = d[side].map(names["kind"])
    return d


def _dots_gravity(d: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    lo, hi = DOTS_GRAVITY_YEARS
    n_years = hi - lo + 1
    rep = d[(d["reporter_kind"] == "country") & d["year"].between(lo, hi)]
    world = rep[rep["partner"] == "World"].groupby(["reporter_iso3", "flow"])["year"].nunique().unstack()
    countries = sorted(world.index[(world["export"] == n_years) & (world["import"] == n_years)])
    inside = rep[rep["partner_kind"].eq("country") & rep["partner_iso3"].isin(countries)
                 & rep["reporter_iso3"].isin(countries)]
    ex = inside[inside["flow"] == "export"].rename(columns={"reporter_iso3": "exporter", "partner_iso3": "importer"})
    im = inside[inside["flow"] == "import"].rename(columns={"reporter_iso3": "importer", "partner_iso3": "exporter"})
    key = ["exporter", "importer", "year"]
    ex = ex[key + ["value_musd", "estimated"]].rename(columns={"value_musd": "exporter_reported_musd",
                                                               "estimated": "exporter_estimated"})
    im = im[key + ["value_musd", "estimated"]].rename(columns={"value_musd": "importer_reported_musd",
                                                               "estimated": "importer_estimated"})
    grid = pd.MultiIndex.from_product([countries, countries, range(lo, hi + 1)], names=key).to_frame(index=False)
    grid = grid[grid["exporter"] != grid["importer"]]
    g = grid.merge(ex, on=key, how="left").merge(im, on=key, how="left")
    for c in ("exporter_estimated", "importer_estimated"):
        g[c] = g[c].astype("boolean").fillna(False).astype("int64")
    src = np.where(g["importer_reported_musd"].notna(), "importer",
                   np.where(g["exporter_reported_musd"].notna(), "exporter", "none")).astype(object)
    for imp_, exp_, year in DOTS_KNOWN_DEFECTS:
        sel = (g["importer"] == imp_) & (g["exporter"] == exp_) & (g["year"] == year)
        row = g[sel].iloc[0]
        ratio = row["importer_reported_musd"] / row["exporter_reported_musd"]
        if not ratio < 0.6:
            raise SystemExit(f"IMF DOTS known defect {imp_}←{exp_} {year} is not in the data (ratio {ratio:.2f})")
        src[sel.to_numpy()] = "exporter_known_defect"
    g["flow_source"] = src
    meta = {"countries": len(countries), "years": f"{lo}-{hi}",
            "flow_source_counts": {k: int(v) for k, v in g["flow_source"].value_counts().sort_index().items()}}
    return g, meta


def _dots_kaz(d: pd.DataFrame) -> pd.DataFrame:
    """Kazakhstan's trade in DOTS 1992–2020: Kazakhstan-reported (its own sheets) and mirror (partners' sheets)."""
    ok = {"country", "historical"}
    own = d[(d["reporter_iso3"] == "KAZ") & d["partner_kind"].isin(ok) & (d["partner_iso3"] != "")]
    own = pd.DataFrame({"reporter": "KAZ", "partner": own["partner_iso3"], "year": own["year"], "flow": own["flow"],
                        "value_usd": own["value_musd"] * 1e6, "reporter_side": "reported",
                        "estimated": own["estimated"].astype("int64")})
    mir = d[(d["partner_iso3"] == "KAZ") & d["reporter_kind"].isin(ok) & (d["reporter_iso3"] != "")]
    mir = pd.DataFrame({"reporter": "KAZ", "partner": mir["reporter_iso3"], "year": mir["year"],
                        "flow": mir["flow"].map({"export": "import", "import": "export"}),
                        "value_usd": mir["value_musd"] * 1e6, "reporter_side": "mirror",
                        "estimated": mir["estimated"].astype("int64")})
    out = pd.concat([own, mir], ignore_index=True)
    out = out[out["year"] >= 1992]
    out["source"] = "imf_dots"
    return out[["reporter", "partner", "year", "flow", "value_usd", "source", "reporter_side", "estimated"]]


COMPOSITION_GROUPS = ("china", "russia", "usa", "eu", "central_asia", "rest")


def _partner_groups_by_year(codes: pd.Series, years: pd.Series) -> np.ndarray:
    """china / russia (the Soviet Union before 1992) / usa / eu (membership by year) / central_asia / rest."""
    pg = pd.read_csv(REFERENCE / "partner_groups.csv", comment="#")
    # on the distinct (code, year) pairs, mapped back to the rows
    ci, cu = pd.factorize(codes)
    yv = years.to_numpy().astype(np.int64)
    keys, idx = np.unique(ci.astype(np.int64) * 10_000 + yv, return_inverse=True)
    c = np.asarray(cu, dtype=object)[keys // 10_000]
    y = keys % 10_000
    out = np.full(len(keys), "rest", dtype=object)
    for grp in ("CENTRAL_ASIA", "EU"):
        for m in pg[pg["group"] == grp].itertuples(index=False):
            out[(c == m.iso3) & (y >= m.from_year) & (y <= m.to_year)] = grp.lower()
    out[c == "USA"] = "usa"
    out[(c == "RUS") | ((c == "SUN") & (y < 1992))] = "russia"
    out[c == "CHN"] = "china"
    return out[idx]


def _dots_compositions(d: pd.DataFrame) -> pd.DataFrame:
    """Every economy's partner composition by year, flow and reporting side (shares of the trade allocated to
    partners; aggregates and 'not specified' left out, the latter reported as ``unallocated``)."""
    ok = {"country", "historical"}
    known = d[d["reporter_iso3"].ne("") & d["partner_iso3"].ne("")]
    rep = known[known["reporter_kind"].isin(ok) & known["partner_kind"].isin(ok)]
    reported = pd.DataFrame({"economy": rep["reporter_iso3"], "partner": rep["partner_iso3"], "year": rep["year"],
                             "flow": rep["flow"], "value": rep["value_musd"], "est": rep["estimated"],
                             "side": "reported"})
    mirror = pd.DataFrame({"economy": rep["partner_iso3"], "partner": rep["reporter_iso3"], "year": rep["year"],
                           "flow": rep["flow"].map({"export": "import", "import": "export"}),
                           "value": rep["value_musd"], "est": rep["estimated"], "side": "mirror"})
    both = pd.concat([reported, mirror], ignore_index=True)
    both = both[both["economy"] != both["partner"]]
    both["group"] = _partner_groups_by_year(both["partner"], both["year"])
    both["est_value"] = np.where(both["est"], both["value"], 0.0)
    key = ["economy", "year", "side", "flow"]
    by = both.groupby([*key, "group"])["value"].sum().unstack("group", fill_value=0.0)
    by = by.reindex(columns=list(COMPOSITION_GROUPS), fill_value=0.0)
    est = both.groupby(key)["est_value"].sum()
    # total = exports + imports, only where the side holds both flows that year (never one flow alone)
    wide = by.assign(_est=est).reset_index()
    have = wide.groupby(["economy", "year", "side"])["flow"].transform("nunique")
    t = wide[have == 2].groupby(["economy", "year", "side"])[[*COMPOSITION_GROUPS, "_est"]].sum()
    t = t.reset_index().assign(flow="total")
    comp = pd.concat([wide, t], ignore_index=True)
    total = comp[list(COMPOSITION_GROUPS)].sum(axis=1)
    out = comp[key].copy()
    out["total_usd"] = total * 1e6
    for gname in COMPOSITION_GROUPS:
        out[gname] = np.where(total > 0, comp[gname] / total.where(total > 0, 1.0), np.nan)
    out["estimated_share"] = np.where(total > 0, comp["_est"] / total.where(total > 0, 1.0), np.nan)
    # the reporter's own trade it could not allocate to a partner ('… not specified'), as a share of all it reports
    un = d[d["reporter_kind"].isin(ok) & d["reporter_iso3"].ne("") & (d["partner_kind"] == "unspecified")]
    un = un.groupby(["reporter_iso3", "year", "flow"])["value_musd"].sum()
    un_tot = un.groupby(level=[0, 1]).sum().rename("total")
    un = pd.concat([un.reset_index(), un_tot.reset_index().assign(flow="total")], ignore_index=True)
    un = un.rename(columns={"reporter_iso3": "economy", "value_musd": "unalloc", "total": "unalloc_t"})
    un["unalloc"] = un["unalloc"].fillna(un["unalloc_t"])
    out = out.merge(un[["economy", "year", "flow", "unalloc"]].assign(side="reported"),
                    on=["economy", "year", "flow", "side"], how="left")
    alloc = out["total_usd"] / 1e6
    out["unallocated"] = np.where(out["side"] == "reported", out["unalloc"].fillna(0.0) /
                                  (alloc + out["unalloc"].fillna(0.0)).where(lambda v: v > 0, np.nan), np.nan)
    out["russia_is_ussr"] = (out["year"] < 1992).astype("int64")
    out = out.drop(columns="unalloc")
    return out[out["total_usd"] > 0]


@builder("imf_dots_annual")
def build_dots(raw: Path):
    d = _dots_coded(raw)
    grav, meta = _dots_gravity(d)
    cols = ["exporter", "importer", "year", "exporter_reported_musd", "importer_reported_musd",
            "exporter_estimated", "importer_estimated", "flow_source"]
    return {
        "gravity_dots": (grav[cols], ["exporter", "importer", "year"], meta),
        "trade_dots_kaz": (_dots_kaz(d), ["reporter_side", "flow", "partner", "year"], {}),
        "compositions_dots": (_dots_compositions(d), ["economy", "side", "flow", "year"], {}),
    }
