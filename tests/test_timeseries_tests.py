"""Unit-root, Chow, CUSUM and Bai–Perron against R strucchange / urca (tests/references/timeseries)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzecon.errors import CoverageError, SchemaError
from kzecon.timeseries import bai_perron, chow, cusum, transforms, unit_root

REF = Path(__file__).parent / "references" / "timeseries"
R = pd.read_csv(REF / "strucchange_reference.csv").set_index("key")["value"]


@pytest.fixture(scope="module")
def z():
    d = pd.read_csv(REF / "china_share_kaz.csv")
    s = transforms.annual_series(d)
    return pd.Series(transforms.logit(s), index=s.index)


@pytest.fixture(scope="module", params=["const", "trend"])
def bp(request, z):
    return request.param, bai_perron(z, trend=request.param == "trend", max_breaks=5)


def test_bai_perron_ssr_bic_and_dates(bp):
    spec, res = bp
    crit = res.criteria()
    for m in range(6):
        assert crit.loc[m, "ssr"] == pytest.approx(R[f"{spec}.rss.{m}"], rel=1e-10)
        assert crit.loc[m, "bic"] == pytest.approx(R[f"{spec}.bic.{m}"], rel=1e-10)
        for j, b in enumerate(res.breaks[m], start=1):
            assert b == R[f"{spec}.bp.{m}.{j}"]
    assert res.selected_bic == int(np.argmin([R[f"{spec}.bic.{m}"] for m in range(6)]))
    assert res.selected_lwz == R[f"{spec}.lwz_selected"]


@pytest.mark.parametrize("level,tag", [(0.95, "ci"), (0.90, "ci90")])
def test_bai_perron_confidence_intervals(bp, level, tag):
    spec, res = bp
    compared = 0
    for m in range(1, 6):
        ci = res.conf_int(level, m=m)
        for j, row in ci.iterrows():
            key = f"{spec}.{tag}.{m}.{j + 1}"
            if f"{key}.lower" not in R.index or np.isnan(R[f"{key}.lower"]):
                assert np.isnan(row["index_lower"])
                continue
            assert row["index_lower"] == R[f"{key}.lower"], key
            assert row["index_upper"] == R[f"{key}.upper"], key
            compared += 1
    assert compared >= 10


def test_sup_f_statistic_and_p_value(bp):
    spec, res = bp
    k = res.nreg  # strucchange's Fstats are k × F
    assert k * res.sup_f.statistic == pytest.approx(R[f"{spec}.supF.statistic"], rel=1e-10)
    assert res.sup_f.p_value == pytest.approx(R[f"{spec}.supF.p_value"], abs=0.01)


def test_sup_f_p_value_against_andrews_critical_values():
    """Andrews (1993, Table 1) asymptotic sup-F (Wald/k) critical values, π0 = 0.15, k = 1: 8.85 (5%), 12.35 (1%)."""
    from kzecon.timeseries.stattests import _supf_pvalue

    assert _supf_pvalue(8.85, 1, 0.15) == pytest.approx(0.05, abs=0.006)
    assert _supf_pvalue(12.35, 1, 0.15) == pytest.approx(0.01, abs=0.003)


@pytest.mark.parametrize("year", [2010, 2013, 2015])
def test_chow_matches_strucchange(z, year, bp):
    spec, _ = bp
    r = chow(z, year, trend=spec == "trend")
    assert r.statistic == pytest.approx(R[f"{spec}.chow.{year}.statistic"], rel=1e-10)
    assert r.p_value == pytest.approx(R[f"{spec}.chow.{year}.p_value"], rel=1e-6)


def test_cusum_matches_strucchange(z, bp):
    spec, _ = bp
    r = cusum(z, trend=spec == "trend")
    assert r.statistic == pytest.approx(R[f"{spec}.cusum.statistic"], rel=1e-8)
    assert r.p_value == pytest.approx(R[f"{spec}.cusum.p_value"], rel=1e-3, abs=1e-6)


@pytest.mark.parametrize("test,reg,lags,key", [
    ("adf", "c", 1, "adf.c.lag1"), ("adf", "ct", 1, "adf.ct.lag1"),
    ("kpss", "c", 2, "kpss.c.lag2"), ("kpss", "ct", 2, "kpss.ct.lag2"),
    ("pp", "c", 2, "pp.c.lag2"), ("pp", "ct", 2, "pp.ct.lag2"),
])
def test_unit_root_statistics_match_urca(z, test, reg, lags, key):
    r = unit_root(z, test, regression=reg, lags=lags)
    # urca's ur.pp scales the short-run variance differently from arch and tseries (0.1% apart here);
    # the Phillips–Perron statistic is pinned exactly against tseries::pp.test below
    assert r.statistic == pytest.approx(R[key], rel=1e-6 if test != "pp" else 5e-3)
    assert 0 <= r.p_value <= 1 and r.lags == lags


def test_phillips_perron_matches_tseries(z):
    # tseries and arch agree to 4e-5 relative (-2.11669 vs -2.11677), a small convention difference not traced
    assert unit_root(z, "pp", regression="ct", lags=2).statistic == pytest.approx(R["pp.ct.lag2.tseries"], rel=1e-4)


def test_zivot_andrews_matches_urca(z):
    r = unit_root(z, "za", regression="c", lags=1)
    assert r.statistic == pytest.approx(R["za.c.lag1"], rel=1e-6)
    assert r.detail["break_index"] + 1 == R["za.c.lag1.bpoint"]


def test_bad_series():
    with pytest.raises(SchemaError, match="constant"):
        unit_root(np.ones(20))
    with pytest.raises(CoverageError, match="5 observations"):
        unit_root(np.arange(5.0))
    with pytest.raises(CoverageError, match="Chow test at 2030"):
        chow(pd.Series(np.random.default_rng(0).normal(size=20), index=range(2000, 2020)), 2030)
    with pytest.raises(SchemaError, match="unknown unit-root test"):
        unit_root(np.arange(20.0) ** 1.5, "xyz")


@settings(max_examples=25, deadline=None)
@given(r=st.integers(1, 6), steps=st.integers(2, 60), k=st.integers(1, 7), trim=st.floats(0.05, 0.45),
       seed=st.integers(0, 10_000))
def test_supf_kernel_equals_the_numpy_expressions_bit_for_bit(r, steps, k, trim, seed):
    """The compiled supF null draws are numpy's expressions (cumulative sum, bridge, weighted maximum), bit for bit:
    the stored p-values do not depend on which computed them."""
    from kzecon.timeseries._kernels import supf_draws

    z = np.random.default_rng(seed).standard_normal((r, steps, k))
    grid = np.arange(1, steps + 1) / steps
    lo, hi = int(np.ceil(trim * steps)), int(np.floor((1 - trim) * steps))
    if hi < lo:
        return
    pi = grid[lo - 1:hi]
    W = np.cumsum(z, axis=1) / np.sqrt(steps)
    B = W - grid[None, :, None] * W[:, -1:, :]
    want = ((B[:, lo - 1:hi, :] ** 2).sum(axis=2) / (pi * (1 - pi))).max(axis=1) / k
    np.testing.assert_array_equal(supf_draws(z, grid, lo, hi, pi * (1 - pi)), want)
