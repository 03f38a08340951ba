"""Kazakhstan's trade by partner: sources kept apart, the spliced default, reference shares."""

import warnings

import numpy as np
import pandas as pd
import pytest

from kzecon.data import load_trade
from kzecon.errors import CoverageError, DataQualityWarning, SchemaError
from kzecon.measures import share_of

from .conftest import REFS


@pytest.fixture(scope="module")
def everything():
    return load_trade()


def test_sources_and_sides_are_distinguishable(everything):
    sides = everything.groupby("source")["reporter_side"].unique().to_dict()
    assert set(sides) == {"cow_v4", "wits", "bns", "penppml", "comtrade", "imf_dots"}
    assert list(sides["wits"]) == ["reported"] and list(sides["bns"]) == ["reported"]
    assert sorted(sides["imf_dots"]) == ["mirror", "reported"]
    assert list(sides["penppml"]) == ["mirror"] and list(sides["cow_v4"]) == ["mixed"]
    assert everything["year"].min() == 1992 and everything["year"].max() == 2025
    assert not everything.duplicated(["partner", "year", "flow", "source", "reporter_side"]).any()


def test_spliced_precedence_and_breaks(spliced):
    by_year = spliced.groupby("year")["source"].unique()
    assert list(by_year[1994]) == ["cow_v4"]
    assert all(list(by_year[y]) == ["wits"] for y in range(1995, 2020))
    assert all(list(by_year[y]) == ["bns"] for y in range(2020, 2026))
    assert sorted(spliced.loc[spliced.splice_break, "year"].unique()) == [1995, 2020]
    assert not spliced.duplicated(["partner", "year", "flow"]).any()


def test_undercount_flag_warns_and_interpolation_reports():
    with pytest.warns(DataQualityWarning, match="undercount"):
        load_trade("spliced")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = load_trade("spliced", russia_2010="interpolate")
    imp = pd.DataFrame(t.attrs["imputed"])
    assert set(imp["partner"]) == {"RUS", "BLR"} and len(imp) == 4
    wits = load_trade("wits").set_index(["partner", "year", "flow"])["value_usd"]
    expect = np.sqrt(wits[("RUS", 2009, "export")] * wits[("RUS", 2011, "export")])
    got = t.set_index(["partner", "year", "flow"]).loc[("RUS", 2010, "export"), "value_usd"]
    assert got == pytest.approx(expect, rel=1e-12)


def test_bad_options():
    with pytest.raises(SchemaError, match="russia_2010"):
        load_trade("spliced", russia_2010="drop")
    with pytest.raises(CoverageError, match="unknown trade source 'dots'"):
        load_trade("dots")


@pytest.mark.parametrize("quantity", ["wits_share_total_CHN_2014", "wits_share_total_RUS_2014",
                                      "wits_share_total_CHN_2019", "wits_share_total_RUS_2019"])
def test_wits_shares_equal_hand_computation(everything, hand, quantity):
    _, _, _, p, y = quantity.split("_")
    s = share_of(everything, p, source="wits", flow="total")
    assert s.set_index("year").loc[int(y), "share"] == pytest.approx(hand[quantity], abs=1e-12)


def test_wits_export_share_equals_hand_computation(everything, hand):
    s = share_of(everything, "CHN", source="wits", flow="export").set_index("year")["share"]
    assert s[2014] == pytest.approx(hand["wits_share_export_CHN_2014"], abs=1e-12)
    assert s[2019] == pytest.approx(hand["wits_share_export_CHN_2019"], abs=1e-12)


@pytest.mark.parametrize("quantity", ["bns_share_total_CHN_2023", "bns_share_total_RUS_2023",
                                      "bns_share_total_CHN_2025", "bns_share_total_RUS_2025"])
def test_bns_shares_equal_hand_computation(spliced, hand, quantity):
    _, _, _, p, y = quantity.split("_")
    s = share_of(spliced, p, flow="total").set_index("year")["share"]
    assert s[int(y)] == pytest.approx(hand[quantity], abs=1e-9)


def test_cow_share_equals_hand_computation(everything, hand):
    s = share_of(everything, "CHN", source="cow_v4", flow="total").set_index("year")["share"]
    assert s[2013] == pytest.approx(hand["cow_share_total_CHN_2013"], abs=1e-12)


def test_plausibility_tables_reproduced(everything):
    ref = pd.read_csv(REFS / "plausibility_shares.csv")
    src = {"cow": "cow_v4", "wits": "wits", "bns": "bns"}
    for r in ref.itertuples():
        s, _, _, p, y = r.quantity.split("_")
        got = share_of(everything, p, source=src[s], flow="total").set_index("year").loc[int(y), "share"]
        assert abs(100 * got - r.value_pct) <= r.tolerance_pp + 1e-9, (r.quantity, 100 * got)


def test_bns_summary_shares_agree_with_partner_rows(spliced):
    """BNS's own share rows (kz_bns_partner_annual.csv) vs shares from the partner rows."""
    from kzecon.data import load_bns_summary

    b = load_bns_summary()
    b = b[(b.measure == "share_of_turnover") & (b.reporter_side == "KAZ") & b.partner.isin(["CHN", "RUS"])]
    assert len(b) >= 10
    for r in b.itertuples():
        s = share_of(spliced, r.partner, flow="total").set_index("year").loc[r.year, "share"]
        assert abs(100 * s - r.value) < 0.01, (r.partner, r.year)
