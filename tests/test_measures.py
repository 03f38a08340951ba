"""Measures: hand computations on a toy frame and on the real gravity panel, plus invariants."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzecon import measures
from kzecon.data import load_gravity
from kzecon.errors import CoverageError, SchemaError, UsageError

PARTNERS = ["CHN", "RUS", "DEU", "ITA", "UZB", "USA", "TUR"]


def toy():
    # KAZ 2020: exports CHN 30, RUS 10, DEU 40, UZB 20; imports CHN 50, RUS 40, ITA 10.
    rows = [("CHN", "export", 30), ("RUS", "export", 10), ("DEU", "export", 40), ("UZB", "export", 20),
            ("CHN", "import", 50), ("RUS", "import", 40), ("ITA", "import", 10)]
    return pd.DataFrame([{"reporter": "KAZ", "partner": p, "year": 2020, "flow": f, "value_usd": v}
                         for p, f, v in rows])


def test_toy_shares_by_hand():
    s = measures.partner_shares(toy(), flow="all").set_index(["flow", "group"])["share"]
    # by hand: exports total 100 → china .30, russia .10, eu .40, central_asia .20, rest 0
    assert s[("export", "china")] == pytest.approx(0.30)
    assert s[("export", "eu")] == pytest.approx(0.40)
    assert s[("export", "central_asia")] == pytest.approx(0.20)
    assert s[("export", "rest")] == 0.0
    # total trade 200 → china 80/200, russia 50/200, eu 50/200, central asia 20/200
    assert s[("total", "china")] == pytest.approx(0.40)
    assert s[("total", "russia")] == pytest.approx(0.25)
    assert s[("import", "eu")] == pytest.approx(0.10)


def test_toy_tilt_balance_hhi_by_hand():
    sh = measures.partner_shares(toy(), flow="total")
    tilt = measures.china_russia_tilt(sh).iloc[0]
    assert tilt["difference"] == pytest.approx(0.15)
    assert tilt["log_ratio"] == pytest.approx(np.log(0.40 / 0.25))
    b = measures.balance_index(sh).iloc[0]["balance"]
    # shares china .40, russia .25, eu .25, other .10 → H = .16+.0625+.0625+.01 = .295; B = .705/.75
    assert b == pytest.approx(0.705 / 0.75)
    h = measures.concentration(toy(), flow="total").iloc[0]
    # partners: CHN 80, RUS 50, DEU 40, UZB 20, ITA 10 of 200
    hh = (0.4**2 + 0.25**2 + 0.2**2 + 0.1**2 + 0.05**2)
    assert h["hhi"] == pytest.approx(hh)
    assert h["hhi_norm"] == pytest.approx((hh - 0.2) / 0.8)


def test_eu_membership_by_year():
    t = pd.DataFrame([{"reporter": "KAZ", "partner": "GBR", "year": y, "flow": "export", "value_usd": 1.0}
                      for y in (2019, 2020)] +
                     [{"reporter": "KAZ", "partner": "HRV", "year": y, "flow": "export", "value_usd": 1.0}
                      for y in (2012, 2013)])
    s = measures.partner_shares(t, flow="export").set_index(["year", "group"])["share"]
    assert s[(2019, "eu")] == 1.0 and s[(2020, "rest")] == 1.0
    assert s[(2012, "rest")] == 1.0 and s[(2013, "eu")] == 1.0


@pytest.mark.parametrize("country", ["USA", "JPN", "KOR", "DEU", "AUS"])
@pytest.mark.parametrize("year", [1990, 2006])
def test_gravity_panel_china_share_by_hand(hand, country, year):
    t = measures.gravity_to_trade(load_gravity())
    s = measures.share_of(t, "CHN", reporter=country, flow="total").set_index("year")["share"]
    assert s[year] == pytest.approx(hand[f"agtpa_share_total_CHN_{country}_{year}"], abs=1e-12)


def test_hhi_equals_hand_computation(hand):
    from kzecon.data import load_trade

    h = measures.concentration(load_trade("wits"), flow="total").set_index("year")
    assert h.loc[2019, "hhi"] == pytest.approx(hand["wits_hhi_total_2019"], abs=1e-12)
    assert h.loc[2019, "hhi_norm"] == pytest.approx(hand["wits_hhi_norm_total_2019"], abs=1e-12)


def test_asymmetry_kaz_china_from_cow():
    from kzecon.data import load_country_panel

    a = measures.asymmetry(load_country_panel(), a="KAZ", b="CHN").set_index("year")
    # Kazakhstan depends far more on China than China on Kazakhstan
    assert (a["asymmetry"] > 0).all() and (a["ratio"] > 10).all()
    assert 0 < a.loc[2013, "dep_b_on_a"] < 0.02


def test_trade_intensity_definition():
    from kzecon.data import load_country_panel, load_totals

    panel, totals = load_country_panel(), load_totals()
    ti = measures.trade_intensity(panel, totals, partner="CHN").set_index("year")
    # by hand from the raw rows (COW v4, 2010): Kazakhstan's exports to China over its exports to every partner,
    # against China's imports over the imports of every country in the totals (no aggregates among them in 2010)
    k = panel[(panel["reporter"] == "KAZ") & (panel["year"] == 2010) & (panel["flow"] == "export")]
    t = totals[totals["year"] == 2010]
    assert t["iso3"].str.fullmatch("[A-Z]{3}").all() and t["iso3"].is_unique
    x = k.loc[k["partner"] == "CHN", "value_usd"].sum() / k["value_usd"].sum()
    w = t.loc[t["iso3"] == "CHN", "imports_usd"].iloc[0] / t["imports_usd"].sum()
    row = ti.loc[2010]
    assert row["export_share"] == pytest.approx(x, rel=1e-12)
    assert row["partner_world_import_share"] == pytest.approx(w, rel=1e-12)
    assert row["intensity"] == pytest.approx(x / w, rel=1e-12) and row["intensity"] > 1


def test_mixed_sources_need_a_choice():
    from kzecon.data import load_trade

    with pytest.raises(SchemaError, match="more than one figure"):
        measures.partner_shares(load_trade())
    with pytest.raises(CoverageError, match="no trade rows for reporter XXX"):
        measures.partner_shares(toy(), reporter="XXX")
    with pytest.raises(UsageError, match="flow must be one of"):  # an option value: a usage error (issue 42)
        measures.partner_shares(toy(), flow="both")


def test_reported_vs_mirror_gap_2014_china():
    from kzecon.data import load_trade

    g = measures.reported_vs_mirror(load_trade()).set_index(["year", "flow"])
    # China-reported imports from KAZ 2018 (Comtrade mirror, 8,093.1 m) vs KAZ-reported 6,307.5 m
    assert g.loc[(2018, "export"), "mirror_usd"] / 1e6 == pytest.approx(8093.1, abs=0.1)
    assert g.loc[(2018, "export"), "reported_usd"] / 1e6 == pytest.approx(6307.5, abs=0.1)


# ------------------------------------------------------------------ property tests

# a valid frame: every year that appears has both flows (total trade needs both; see the one-flow test below),
# so each row here is a partner-year with its export and import values
frames = st.lists(
    st.tuples(st.sampled_from(PARTNERS), st.integers(2000, 2003), st.floats(0.01, 1e9),
              # no trade, or at least a cent: a subnormal value (5e-324 USD) underflows to 0 when rescaled
              st.one_of(st.just(0.0), st.floats(0.01, 1e9))),
    min_size=1, max_size=30, unique_by=lambda r: (r[0], r[1]))


def _frame(rows):
    return pd.DataFrame([{"reporter": "KAZ", "partner": p, "year": y, "flow": f, "value_usd": v}
                         for p, y, x, m in rows for f, v in (("export", x), ("import", m))])


@settings(max_examples=60, deadline=None)
@given(frames)
def test_shares_sum_to_one_and_are_bounded(rows):
    s = measures.partner_shares(_frame(rows), flow="all").dropna(subset=["share"])
    assert ((s["share"] >= 0) & (s["share"] <= 1 + 1e-12)).all()
    sums = s.groupby(["year", "flow"])["share"].sum()
    assert np.allclose(sums, 1.0)


@settings(max_examples=40, deadline=None)
@given(frames, st.floats(1e-6, 1e6))
def test_shares_invariant_to_currency_scaling(rows, k):
    f = _frame(rows)
    a = measures.partner_shares(f, flow="all")
    b = measures.partner_shares(f.assign(value_usd=f["value_usd"] * k), flow="all")
    assert np.allclose(a["share"].fillna(-1), b["share"].fillna(-1), rtol=1e-9)
    ha = measures.concentration(f, flow="all")["hhi"]
    hb = measures.concentration(f.assign(value_usd=f["value_usd"] * k), flow="all")["hhi"]
    assert np.allclose(ha, hb, rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(frames, st.randoms())
def test_measures_invariant_to_row_order(rows, rnd):
    f = _frame(rows)
    idx = list(f.index)
    rnd.shuffle(idx)
    a = measures.partner_shares(f, flow="all")
    b = measures.partner_shares(f.loc[idx], flow="all")
    pd.testing.assert_frame_equal(a, b)


def test_total_needs_both_flows_and_zero_years_are_flagged():
    f = toy()
    one = pd.concat([f, f.assign(year=2021)[f["flow"] == "export"]], ignore_index=True)  # 2021: exports only
    with pytest.warns(UserWarning, match=r"total trade left out .* one flow only: 2021 \(only exports\)"):
        s = measures.partner_shares(one, flow="total")
    assert sorted(s["year"].unique()) == [2020]
    with pytest.raises(CoverageError, match="only imports"):
        measures.partner_shares(f[f["flow"] == "import"], flow="total")
    zero = pd.concat([f, f.assign(year=2022, value_usd=0.0)], ignore_index=True)
    with pytest.warns(UserWarning, match=r"zero with every partner in year\(s\) \[2022\]"):
        s = measures.partner_shares(zero, flow="export")
    assert s[s["year"] == 2022]["share"].isna().all()


def test_aggregates_and_case_are_handled_in_the_api():
    f = toy()
    low = f.assign(reporter="kaz", partner=f["partner"].str.lower())
    pd.testing.assert_frame_equal(measures.partner_shares(low, flow="all"), measures.partner_shares(f, flow="all"))
    world = pd.concat([f, pd.DataFrame([{"reporter": "KAZ", "partner": "WLD", "year": 2020, "flow": "export",
                                         "value_usd": 100.0}])], ignore_index=True)
    with pytest.warns(UserWarning, match=r"aggregate partner rows left out.*WLD \(1 rows\)"):
        s = measures.partner_shares(world, flow="export").set_index("group")["share"]
    assert s["china"] == pytest.approx(0.30)  # by hand, as in test_toy_shares_by_hand: WLD is not a partner


def test_implausible_magnitude_is_an_error_naming_the_row():
    f = toy().astype({"value_usd": float})
    f.loc[2, "value_usd"] = 1e300
    with pytest.raises(SchemaError, match=r"value_usd.*1e\+300.*KAZ→DEU 2020"):
        measures.partner_shares(f)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4))
def test_balance_bounds(w):
    tot = sum(w)
    if tot <= 0:
        return
    s = pd.DataFrame({"year": 2000, "flow": "total", "group": ["china", "russia", "eu", "rest"],
                      "share": [x / tot for x in w]})
    b = measures.balance_index(s)["balance"].iloc[0]
    assert -1e-12 <= b <= 1 + 1e-12


def test_share_band_china_imports_2016():
    """WITS PROVENANCE sanity table 2016: KAZ imports 25.15 bn, from China 3.67 bn (14.6 %);
    penppml PROVENANCE: CHN→KAZ 2016 = 8.29 bn (China-reported, FOB)."""
    from kzecon.data import load_trade

    b = measures.share_band(load_trade(), partner="CHN", flow="import").set_index("year")
    assert b.loc[2016, "reported_share"] == pytest.approx(0.146, abs=0.0006)
    assert b.loc[2016, "mirror_share"] == pytest.approx(8.29 * 1.10 / 25.15, abs=0.001)
    assert (b["low"] <= b["mid"]).all() and (b["mid"] <= b["high"]).all()
    with pytest.raises(SchemaError, match="one direction"):
        measures.share_band(load_trade(), flow="total")
