"""One builder per raw source folder of ../shared/data/raw (see its README.md).

Each builder reads only its own folder (and, where it says so, a second one for covariates) and
returns ``{dataset_name: (frame, sort_columns, meta)}``; ``build_all.py`` writes the frames with
the deterministic writer and records hashes in the manifest.  All transformations are listed in
``data/PROVENANCE.md``; nothing is typed in by hand except the code supplements, whose sources are
given beside them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from _common import cow_to_iso3

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
