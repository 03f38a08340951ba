"""Why the tilt (issue 39): the decomposition of a partner's share change into the world's part, policy and the
economy's own. The parts add up to the change (property test over economies and periods); the world's part is
checked against partner shares summed by hand from the compositions; the CLI writes the contract's files or refuses
with one line and writes nothing."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzecon
from kzecon.cli import main
from kzecon.study import decomposition as dec
from kzecon.study import pipeline

COEF = {"eaeu": -0.15, "bri_kaz_chn": -0.22, "bri_chn": 0.01}  # any values: the identity holds for all


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(country=st.sampled_from(["KAZ", "UZB", "KGZ", "MNG", "BLR", "ARM", "BRA", "KEN", "DEU", "VNM"]),
       start=st.integers(1995, 2012), length=st.integers(1, 8),
       coef=st.fixed_dictionaries({t: st.floats(-1, 1) for t in dec.POLICY_TERMS}))
def test_parts_add_up_to_the_change(country, start, length, coef):
    comp = pipeline.composition(country)
    first = int(comp["year"].min())
    a = max(start, first)
    b = min(a + length, 2020)
    if b <= a:
        return
    res = pipeline.decompose(country=country, start=a, end=b, coefficients=coef)
    t = res.to_frame()
    assert list(t.columns) == dec.COLUMNS
    np.testing.assert_allclose(t["world"] + t["policy"] + t["own"], t["change"], atol=1e-12, rtol=0)
    np.testing.assert_allclose(t["share_to"] - t["share_from"], t["change"], atol=1e-15)
    for col in ("world", "policy"):  # each part a difference of two compositions: its parts sum to zero
        assert abs(t[col].sum()) < 1e-12
    if b < 2010:  # no policy term is on before the customs union (2010)
        assert (t["policy"] == 0).all()


def test_world_part_by_hand():
    """W_china(t) summed by hand from compositions_dots: every reporter other than KAZ and China that declared both
    years (not more than half estimated), weighted by its total trade; KAZ's China share scaled by the ratio and
    closed."""
    c = kzecon.data.load_compositions(side="reported", flow="total")
    c = c[c["year"].isin([2005, 2015]) & ~c["economy"].isin(["KAZ"]) & (c["estimated_share"] <= 0.5)]
    keep = c.groupby("economy")["year"].transform("nunique") == 2
    c = c[keep]
    w = {}
    for y in (2005, 2015):
        d = c[(c["year"] == y) & (c["economy"] != "CHN")]
        w[y] = (d["total_usd"] * d["china"]).sum() / d["total_usd"].sum()
    got = dec.world_part_shares(("china", "russia", "eu", "rest"), (2005, 2015), "KAZ")
    got = got[got["part"] == "china"].set_index("year")["share"]
    assert got[2005] == pytest.approx(w[2005], rel=1e-12)
    assert got[2015] == pytest.approx(w[2015], rel=1e-12)
    res = pipeline.decompose(country="KAZ", start=2005, end=2015, coefficients=COEF)
    ws = res.world_shares.pivot_table(index="part", columns="year", values="share")
    comp = pipeline.composition("KAZ").pivot_table(index="year", columns="partner", values="share")
    sa = comp.loc[2005, ["china", "russia", "eu", "rest"]]
    cf = sa * (ws[2015] / ws[2005]).reindex(sa.index)
    cf = cf / cf.sum()
    row = res.table.set_index("partner")
    np.testing.assert_allclose(row["world"], (cf - sa).to_numpy(), rtol=1e-12)


def test_policy_part_undoes_the_terms_that_changed():
    """Kazakhstan 2012→2016: BRI (2013) changed the KAZ–CHN pair only; with every coefficient zero but bri_kaz_chn
    the whole policy part comes from China's flows: China's share without it is exp(−β) times as large before
    closing."""
    beta = -0.3
    res = pipeline.decompose(country="KAZ", start=2012, end=2016,
                             coefficients={"eaeu": 0.0, "bri_kaz_chn": beta, "bri_chn": 0.0})
    t = res.table.set_index("partner")
    sb = t["share_to"]
    nop = sb.copy()
    nop["china"] = sb["china"] * np.exp(-beta)
    nop = nop / nop.sum()
    np.testing.assert_allclose(t["policy"], (sb - nop).to_numpy(), rtol=1e-12, atol=1e-15)
    assert t.loc["china", "policy"] < 0  # a negative BRI term: China's share is lower than without it


def test_decompose_cli_contract(tmp_path):
    out = tmp_path / "d"
    assert main(["decompose", "--country", "MNG", "--from", "2004", "--to", "2014", "--out", str(out)]) == 0
    t = pd.read_csv(out / "decomposition.csv")
    assert list(t.columns) == ["country", "partner", "from_year", "to_year", "share_from", "share_to", "change",
                               "world", "policy", "own"]
    assert set(t["country"]) == {"MNG"} and set(t["from_year"]) == {2004} and set(t["to_year"]) == {2014}
    assert (t[["world", "policy", "own"]].sum(axis=1) - t["change"]).abs().max() < 1e-12
    info = json.loads((out / "info.json").read_text())
    assert {"composition", "world", "policy"} <= set(info)
    for k in ("composition", "world", "policy"):
        assert info[k]["source"] and "years" in info[k]
    assert info["composition"]["side"] == "reported"


@pytest.mark.parametrize("args, code, text", [
    (["--country", "KAZ", "--from", "2010", "--to", "2010"], 64, "at least two years"),
    (["--country", "KAZ", "--from", "2015", "--to", "2010"], 64, "at least two years"),
    (["--country", "KAZ", "--to", "2025"], 3, "end in 2020"),
    (["--country", "KAZ", "--from", "1960"], 3, "1960 is outside"),
    (["--country", "QQQ"], 64, "QQQ"),
    (["--country", "CHN"], 64, "CHN"),
])
def test_decompose_cli_refuses_with_one_line_and_writes_nothing(tmp_path, capsys, args, code, text):
    out = tmp_path / "d"
    assert main(["decompose", *args, "--out", str(out)]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and text in err[0]
    assert not out.exists()
