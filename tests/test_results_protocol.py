"""One results protocol across families: ``summary()`` is text naming the result's numbers, ``to_frame()`` a tidy
table, ``conf_int()`` where an interval applies — each checked against an independent computation (numpy on the
simulated paths, statsmodels' ADF called directly, the GE flows by hand)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.stattools import adfuller

from kzecon.errors import UsageError
from kzecon.forecast import simulate
from kzecon.gravity import ge
from kzecon.timeseries import stattests as tests


def _composition():
    rng = np.random.default_rng(5)
    years = range(1995, 2021)
    z = np.cumsum(rng.normal(0, 0.1, (len(years), 2)), axis=0)
    ez = np.exp(z)
    sh = np.c_[ez, np.ones(len(years))] / (1 + ez.sum(axis=1, keepdims=True))
    return pd.DataFrame([{"year": y, "partner": p, "share": sh[i, j]} for i, y in enumerate(years)
                         for j, p in enumerate(["CHN", "RUS", "OTHER"])])


def test_composition_forecast_frame_interval_and_summary():
    fc = simulate(_composition(), model="rw", horizon=3, n_paths=400, seed=3)
    t = fc.to_frame()
    assert list(t.columns) == ["year", "partner", "mean", "median", "lower_90", "upper_90"]
    j = list(fc.parts).index(t["partner"].iloc[0])
    np.testing.assert_allclose(t["lower_90"].iloc[:3], np.quantile(fc.paths[:, :, j], 0.05, axis=0))
    ci = fc.conf_int(0.8)
    np.testing.assert_allclose(ci["upper"].iloc[:3], np.quantile(fc.paths[:, :, j], 0.9, axis=0))
    text = fc.summary()
    assert isinstance(text, str) and "rw" in text and "2020" in text and "400 paths" in text
    last = t[t["year"] == 2023].iloc[0]
    assert f"{last['mean']:.3f}" in text and f"{last['upper_90']:.3f}" in text


def test_test_result_frame_and_summary_equal_statsmodels():
    y = np.cumsum(np.random.default_rng(2).normal(size=40))
    r = tests.unit_root(y, "adf", regression="c", lags=1)
    with warnings.catch_warnings():  # statsmodels ≥ 0.15 announces a result object; the tuple is what we read
        warnings.simplefilter("ignore", FutureWarning)
        ref = adfuller(y, maxlag=1, autolag=None, regression="c")
    row = r.to_frame().iloc[0]
    assert row["statistic"] == pytest.approx(ref[0], rel=1e-10) and row["p_value"] == pytest.approx(ref[1], rel=1e-10)
    assert f"{ref[0]:.4g}" in r.summary() and r.decision in r.summary()


def test_break_result_summary_names_the_selected_breaks():
    y = np.r_[np.zeros(20), np.full(20, 2.0)] + np.random.default_rng(1).normal(0, 0.2, 40)
    b = tests.bai_perron(pd.Series(y, index=range(1981, 2021)), max_breaks=2)
    assert b.selected_bic == 1 and b.break_years() == [2001]
    assert "BIC selects 1" in b.summary() and "2001" in b.summary()
    assert b.to_frame()["year"].tolist() == [2001]


def test_ge_result_keeps_the_flow_table():
    c = ["A", "B", "C"]
    flows = pd.DataFrame([{"exporter": i, "importer": j, "flow": 10.0 if i == j else 1.0 + k,
                           "delta": -0.5 if {i, j} == {"A", "B"} else 0.0}
                          for k, (i, j) in enumerate((i, j) for i in c for j in c)])
    res = ge.counterfactual(flows, "delta", kind="conditional", sigma=5.0)
    f = res.to_frame(table="flows")
    assert len(f) == 9 and {"exporter", "importer", "baseline", "counterfactual"} <= set(f.columns)
    assert f["baseline"].sum() == pytest.approx(flows["flow"].sum())  # the baseline is the data, by hand
    assert res.to_frame().equals(res.countries) and "3 countries, 9 flows" in res.summary()
    with pytest.raises(UsageError):
        res.to_frame(table="pairs")


def test_maketables_table_of_kzecon_results_beside_a_pyfixest_model():
    """kzecon results go into maketables' ETable through kzecon's extractor, beside a pyfixest model in the
    same table; the numbers printed are pyfixest's own (fepois called directly on the same frame)."""
    import importlib.util
    from pathlib import Path

    import pyfixest as pf

    from kzecon import gravity
    from kzecon.report import tables

    spec = importlib.util.spec_from_file_location(
        "gp", Path(__file__).parent / "references" / "gravity" / "gravity_panels.py")
    gp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gp)
    df = gp.generate(*gp.SIZES["a"])[0]
    ours = gravity.ppml(df, "flow ~ rta + bri | ey + iy + pair", cluster="pair")
    ref = pf.fepois("flow ~ rta + bri | ey + iy + pair", data=df, vcov={"CRV1": "pair"},
                    ssc=pf.ssc(k_adj=False))  # G/(G-1) only: kzecon's convention
    tex = tables.etable({"kzecon": ours, "pyfixest": ref}).make("tex")
    for t in ("rta", "bri"):
        b, se = float(ref.coef()[t]), float(ref.se()[t])
        assert tex.count(f"{b:.3f}") >= 2 and tex.count(f"({se:.3f})") >= 2, t  # both columns, same digits
    assert f"{ours.nobs:,d}" in tex and "kzecon" in tex and "pyfixest" in tex
    html = tables.etable([ours]).make("html")
    assert f"{float(ref.coef()['rta']):.3f}" in html


def test_results_cross_a_process_boundary_unchanged():
    """Results objects pickle (Dask, the brief's second process) and come back frozen with the same numbers:
    a PPML fit (against statsmodels' Poisson GLM with the fixed effects as dummies), a unit-root test and
    Bai–Perron breaks."""
    import pickle

    import statsmodels.api as sm

    from kzecon import gravity

    rng = np.random.default_rng(11)
    rows = [(e, i, y) for e in "ABCDE" for i in "ABCDE" if e != i for y in range(2000, 2006)]
    d = pd.DataFrame(rows, columns=["exporter", "importer", "year"])
    d["x"] = rng.normal(size=len(d))
    d["flow"] = rng.poisson(np.exp(1 + 0.4 * d["x"] + 0.1 * (d["exporter"] < "C")))
    r = gravity.ppml(d, "flow ~ x | exporter + importer", cluster=None)
    back = pickle.loads(pickle.dumps(r))
    X = pd.get_dummies(d[["exporter", "importer"]], drop_first=True, dtype=float).assign(x=d["x"], const=1.0)
    glm = sm.GLM(d["flow"], X, family=sm.families.Poisson()).fit(tol=1e-12)
    assert back.params["x"] == pytest.approx(glm.params["x"], rel=1e-7)
    assert back.params.equals(r.params) and back.std_errors.equals(r.std_errors) and back.nobs == r.nobs
    assert r.backend is not None and back.backend is None  # the working arrays stay behind
    with pytest.raises(TypeError):
        back.stats["nobs"] = 0  # still read-only
    z = pd.Series(np.cumsum(np.random.default_rng(2).normal(size=40)))
    t = tests.unit_root(z, "adf", regression="c", lags=1)
    t2 = pickle.loads(pickle.dumps(t))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ref = adfuller(z, maxlag=1, autolag=None, regression="c")
    assert t2.statistic == pytest.approx(ref[0], rel=1e-10)
    assert dict(t2.critical_values) == dict(t.critical_values)
    shifted = pd.Series(np.r_[np.zeros(20), np.ones(20) * 3] + np.random.default_rng(3).normal(0, 0.3, 40),
                        index=range(1980, 2020))
    bp = tests.bai_perron(shifted, trend=False)
    bp2 = pickle.loads(pickle.dumps(bp))
    assert bp2.selected_bic == bp.selected_bic == 1 and dict(bp2.breaks) == dict(bp.breaks)
    assert bp2.breaks[1] == (20,)  # the shift after the 20th observation (strucchange's convention)


def test_results_set_compares_fits_side_by_side():
    """A ResultsSet (the Advanced Guide models, the policy models) stacks its fits' tidy tables and sets their
    estimates side by side; checked against statsmodels' Poisson GLM and OLS fitted on the same data."""
    import statsmodels.api as sm

    from kzecon import gravity
    from kzecon.results import ResultsSet

    rng = np.random.default_rng(4)
    rows = [(e, i, y) for e in "ABCD" for i in "ABCD" if e != i for y in range(2000, 2008)]
    d = pd.DataFrame(rows, columns=["exporter", "importer", "year"])
    d["x"] = rng.normal(size=len(d))
    d["flow"] = rng.poisson(np.exp(2 + 0.3 * d["x"])) + 1.0
    fits = ResultsSet({"ppml": gravity.ppml(d, "flow ~ x | exporter + importer", cluster=None),
                       "ols": gravity.ols_log(d, ["x"], fe=("exporter", "importer"), cluster=None, name="ols")})
    X = pd.get_dummies(d[["exporter", "importer"]], drop_first=True, dtype=float).assign(x=d["x"], const=1.0)
    glm = sm.GLM(d["flow"], X, family=sm.families.Poisson()).fit(tol=1e-12)
    ols = sm.OLS(np.log(d["flow"]), X).fit()
    t = fits.to_frame().set_index(["model", "term"])
    assert t.loc[("ppml", "x"), "estimate"] == pytest.approx(glm.params["x"], rel=1e-7)
    assert t.loc[("ols", "x"), "estimate"] == pytest.approx(ols.params["x"], rel=1e-9)
    assert list(fits) == ["ppml", "ols"] and len(fits) == 2 and fits["ols"].nobs == len(d)
    text = fits.summary()
    assert f"{glm.params['x']:.3f}" in text and f"{ols.params['x']:.3f}" in text and f"{len(d):,d}" in text
    import pickle

    assert list(pickle.loads(pickle.dumps(fits))) == ["ppml", "ols"]
