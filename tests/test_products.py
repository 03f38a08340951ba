"""Product dependence: composition against a hand computation from the raw file, sector table, HS mapping,
Brent exposure against statsmodels-direct, CLI contract, offline HS-2 update."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kzecon
from kzecon.cli import main
from kzecon.data import update
from kzecon.errors import CoverageError, SchemaError, UsageError
from kzecon.study import products

REF = Path(__file__).parent / "references" / "products"


@pytest.fixture(scope="module")
def comp():
    return products.composition()


def test_composition_matches_hand_computation(comp):
    hand = pd.read_csv(REF / "hand_composition.csv")
    m = comp.merge(hand, on=["year", "flow", "sector"], suffixes=("", "_hand"), validate="1:1")
    assert len(m) == len(hand) == len(comp) == 208
    np.testing.assert_allclose(m["share"], m["share_hand"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(m["value_usd"], m["value_usd_hand"], rtol=0, atol=1e-3)  # bundled to 0.001 USD


def test_fuels_metals_share_matches_hand_and_provenance(comp):
    fm = products.fuels_metals_share(comp).set_index("year")
    hand = pd.read_csv(REF / "hand_fuels_metals.csv").set_index("year")["fuels_metals_share"]
    np.testing.assert_allclose(fm["share"], hand, atol=1e-9)
    prov = pd.read_csv(REF / "provenance_fuels_metals.csv").set_index("year")["fuels_metals_pct"]
    np.testing.assert_allclose(100 * fm["share"], prov, atol=0.005 + 1e-9)  # the table rounds to 2 decimals
    # the seed analysis states 84.27% for 2018; the data give 84.15% (docs/products.md explains the gap)
    assert round(100 * fm.loc[2018, "share"], 2) == 84.15


def test_shares_sum_to_one_and_flags(comp):
    s = comp.groupby(["year", "flow"])["share"].sum()
    np.testing.assert_allclose(s, 1.0, atol=1e-12)
    flagged = set(comp.loc[comp["flag"] != "", "year"])
    assert flagged == {2020, 2021, 2022}
    assert comp["flag"].str.contains("copper").any()


def test_halving_against_comtrade_totals():
    """Halved totals equal UN Comtrade's KAZ-reported totals to China (independent file) to 0.1%."""
    p = kzecon.data.load_products()
    ct = kzecon.data.load("comtrade_kaz_chn_hs2")
    tot = ct[(ct["cmd_code"].astype(str) == "TOTAL") & (ct["reporter_side"] == "reported")]
    for flow in ("export", "import"):
        ours = p[p["flow"] == flow].groupby("year")["value_usd"].sum()
        theirs = tot[tot["flow"] == flow].set_index("year")["value_usd"]
        common = ours.index.intersection(theirs.index)
        if len(common):
            np.testing.assert_allclose(ours[common], theirs[common], rtol=1e-3)


def test_copper_gap_is_visible_in_metals():
    """2020–2022 metals to China fall short of the China-reported mirror by the missing copper."""
    comp = products.composition()
    metals = comp[(comp["flow"] == "export") & (comp["sector"] == "metals")].set_index("year")["share"]
    assert metals.loc[[2020, 2021, 2022]].mean() < metals.loc[[2018, 2019, 2023]].mean()


def test_sector_table_covers_every_chapter_once():
    t = products.sector_table()
    assert len(t) == 98 and t["chapter"].is_unique
    assert t.set_index("chapter").loc["27", "sector"] == "fuels"
    assert set(t.loc[t["sector"] == "metals", "chapter"]) == {"26"} | {f"{c}" for c in range(71, 84) if c != 77}
    assert set(t["sector"]) == set(products.SECTORS)


@pytest.mark.parametrize("mutate,words", [
    (lambda t: t[t["chapter"] != "27"], ["27", "unassigned"]),
    (lambda t: pd.concat([t, pd.DataFrame({"chapter": ["27"], "sector": ["metals"]})]), ["27", "more than once"]),
    (lambda t: pd.concat([t, pd.DataFrame({"chapter": ["XX"], "sector": ["other"]})]), ["XX"]),
    (lambda t: t.drop(columns="sector"), ["sector"]),
])
def test_bad_sector_table(mutate, words):
    with pytest.raises(SchemaError) as e:
        products.sector_table(mutate(products.sector_table()))
    for w in words:
        assert w in str(e.value)


def _hs_frame(codes, values):
    return pd.DataFrame({"reporter": "KAZ", "partner": "CHN", "year": 2024, "flow": "export",
                         "cmd_code": codes, "value_usd": values})


def test_map_hs2_aggregates_and_reports():
    df = _hs_frame(["TOTAL", "27", "2709", "26", "74", "01", "1"], [100.0, 40, 39, 10, 30, 5, 15])
    out = products.map_hs2(df).set_index("sector")["value_usd"]
    assert out["fuels"] == 40 and out["metals"] == 40 and out["agriculture"] == 20
    assert out.sum() == 100  # the TOTAL row and the finer 2709 row are not counted twice
    assert set(products.map_hs2(df).attrs["dropped"]) == {"aggregate rows (TOTAL)",
                                                          "finer HS rows under a chapter already present"}


def test_map_hs2_unknown_chapter_named():
    with pytest.raises(SchemaError, match="'77'.*KAZ→CHN 2024"):
        products.map_hs2(_hs_frame(["27", "77"], [1.0, 2.0]))


def test_composition_bad_input_named():
    p = kzecon.data.load_products()
    bad = p.copy()
    bad.loc[3, "value_usd"] = -5.0
    with pytest.raises(SchemaError, match=str(bad.loc[3, "year"])):
        products.composition(bad)
    with pytest.raises(SchemaError, match="duplicate"):
        products.composition(pd.concat([p, p.iloc[:1]]))


def test_brent_exposure_matches_statsmodels_direct():
    """Reference: OLS with HAC written out with statsmodels on the same frame, independently of kzecon's code."""
    import statsmodels.api as sm

    f = products.exposure_frame()
    r = products.brent_exposure("exports_to_china", frame=f)
    X = sm.add_constant(np.column_stack([np.log(f["brent"]), f["year"] - 1995]))
    ref = sm.OLS(np.log(f["exports_to_china"]), X).fit(cov_type="HAC", cov_kwds={"maxlags": 3}, use_t=True)
    np.testing.assert_allclose(r.params.to_numpy(), ref.params, rtol=1e-10)
    np.testing.assert_allclose(r.std_errors.to_numpy(), ref.bse, rtol=1e-10)
    assert r.nobs == 29 and r.stats["hac_maxlags"] == 3
    # Newey–West by hand: Bartlett weights 1 - l/(L+1) on score autocovariances, no small-sample correction
    Xn = np.asarray(X)
    u = ref.resid.to_numpy()
    s = Xn * u[:, None]
    S = s.T @ s
    for lag in range(1, 4):
        g = s[lag:].T @ s[:-lag]
        S += (1 - lag / 4) * (g + g.T)
    inv = np.linalg.inv(Xn.T @ Xn)
    np.testing.assert_allclose(r.std_errors.to_numpy(), np.sqrt(np.diag(inv @ S @ inv)), rtol=1e-10)


def test_fuel_fit_leaves_out_flagged_years_and_says_so():
    r = products.brent_exposure("fuel_exports_to_china")
    assert r.nobs == 7
    reasons = dict(zip(r.dropped["reason"], r.dropped["rows"], strict=True))
    assert any("flagged" in k and v == 3 for k, v in reasons.items())
    assert r.nobs + r.n_dropped == 2024 - 1995 + 1
    r2 = products.brent_exposure("fuel_exports_to_china", include_flagged=True)
    assert r2.nobs == 10


def test_scenarios_are_monotone_and_bounded():
    r = products.brent_exposure("china_export_share")
    sc = products.brent_scenarios(r, [50, 80, 110])
    assert ((sc["lower"] > 0) & (sc["upper"] < 1)).all()
    assert (sc["lower"] < sc["estimate"]).all() and (sc["estimate"] < sc["upper"]).all()
    slope = r.params["log_brent"]
    assert np.sign(np.diff(sc["estimate"])).tolist() == [np.sign(slope)] * 2
    for bad in ([0, 50], [float("nan"), 80], [float("inf")], [-5], ["x"], []):  # a bad option value: UsageError
        with pytest.raises(UsageError, match="Brent prices"):
            products.brent_scenarios(r, bad)


def test_too_short_series():
    f = products.exposure_frame().iloc[:4]
    with pytest.raises(CoverageError, match="only 4 usable years"):
        products.brent_exposure("exports_to_china", frame=f)


def test_cli_contract(tmp_path):
    out = tmp_path / "p"
    assert main(["products", "--out", str(out)]) == 0
    c = pd.read_csv(out / "composition.csv", keep_default_na=False)
    assert list(c.columns[:6]) == ["year", "flow", "sector", "value_usd", "share", "flag"]
    assert set(c["flow"]) == {"export", "import"} and {"fuels", "metals"} <= set(c["sector"])
    assert c["year"].min() == 2015 and c["year"].max() == 2024
    assert c["share"].between(0, 1).all()
    assert (out / "composition_exports.png").exists()
    sc = pd.read_csv(out / "brent_scenarios.csv")
    assert sorted(set(sc["brent"])) == [50, 80, 110]


class _Resp:
    status_code = 200

    def __init__(self, payload):
        self.payload = payload

    def json(self):
        return self.payload


def test_update_comtrade_hs2_offline(tmp_path, monkeypatch):
    rec = dict(typeCode="C", freqCode="A", refYear=2025, reporterCode=398, reporterISO="KAZ", flowCode="X",
               partnerCode=156, partnerISO="CHN", cmdCode="27", primaryValue=4.0e9, isAggregate=False)
    data = [rec, dict(rec, cmdCode="74", primaryValue=3.0e9), dict(rec, cmdCode="28", primaryValue=1.0e9),
            dict(rec, flowCode="M", cmdCode="85", primaryValue=2.0e9)]
    calls = []

    def get(url, params=None, timeout=None):
        calls.append(params)
        return _Resp({"data": data})

    path, n, _ = update.update_comtrade(["KAZ"], start=2025, end=2025, out_dir=tmp_path, get=get, hs2=True)
    assert calls[0]["cmdCode"] == "AG2" and calls[0]["partnerCode"] == "156" and n == 4
    monkeypatch.setenv("KZECON_DATA_DIR", str(tmp_path))
    p = kzecon.data.load_products(include_updates=True)
    new = p[p["year"] == 2025].set_index(["flow", "sector"])["value_usd"]
    assert new[("export", "fuels")] == 4.0e9 and new[("export", "metals")] == 3.0e9
    comp = products.composition(p)
    fm = products.fuels_metals_share(comp).set_index("year").loc[2025, "share"]
    assert fm == pytest.approx(7 / 8)
    bad = [dict(rec, cmdCode="XX")]
    with pytest.raises(SchemaError, match="XX"):
        update.update_comtrade(["KAZ"], start=2025, end=2025, out_dir=tmp_path / "b", hs2=True,
                               get=lambda *a, **k: _Resp({"data": bad}))


def test_comtrade_hs_rows_read_and_mapped(tmp_path):
    """Comtrade Plus and classic files with HS chapter rows (the leading zero lost in the classic export) →
    reader → sectors."""
    from kzecon.data import read_comtrade

    plus = ["typeCode,freqCode,refYear,reporterCode,reporterISO,flowCode,partnerCode,partnerISO,cmdCode,primaryValue",
            "C,A,2023,398,KAZ,X,156,CHN,TOTAL,14.0e9", "C,A,2023,398,KAZ,X,156,CHN,27,5.3e9",
            "C,A,2023,398,KAZ,X,156,CHN,74,4.0e9", "C,A,2023,398,KAZ,X,156,CHN,26,2.8e9",
            "C,A,2023,398,KAZ,X,156,CHN,28,1.3e9", "C,A,2023,398,KAZ,X,156,CHN,08,0.6e9"]
    classic = ["Classification,Year,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,"
               "Partner,Partner ISO,Commodity Code,Trade Value (US$)",
               "H5,2023,2,Export,398,Kazakhstan,KAZ,156,China,CHN,27,5.3e9",
               "H5,2023,2,Export,398,Kazakhstan,KAZ,156,China,CHN,8,0.6e9"]
    for name, lines, expect in (("plus.csv", plus, {"fuels": 5.3e9, "metals": 6.8e9, "chemicals": 1.3e9,
                                                     "agriculture": 0.6e9}),
                                ("classic.csv", classic, {"fuels": 5.3e9, "agriculture": 0.6e9})):
        p = tmp_path / name
        p.write_text("\n".join(lines) + "\n")
        got = products.map_hs2(read_comtrade(p)).set_index("sector")["value_usd"].to_dict()
        assert got == pytest.approx(expect)
