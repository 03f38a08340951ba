"""Transforms, share models and composition models against statsmodels-direct fits and invariants."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from kzecon.cli import main
from kzecon.errors import CoverageError, SchemaError
from kzecon.timeseries import models, transforms

REF = Path(__file__).parent / "references" / "timeseries"


@pytest.fixture(scope="module")
def share():
    d = pd.read_csv(REF / "china_share_kaz.csv")
    return d.set_index("year")["share"]


@pytest.fixture(scope="module")
def comp():
    """A seeded 4-part composition from a known VAR(1) on alr (30 years)."""
    rng = np.random.default_rng(7)
    A = np.array([[0.7, 0.1, 0.0], [0.0, 0.6, 0.1], [0.1, 0.0, 0.5]])
    z = np.zeros((30, 3))
    z[0] = [-1.0, -0.5, 0.3]
    for t in range(1, 30):
        z[t] = np.array([-0.3, -0.2, 0.15]) + A @ z[t - 1] + rng.normal(scale=0.1, size=3)
    w = transforms.alr_inv(z, ["china", "russia", "eu", "rest"], "rest")
    return pd.DataFrame(w, index=range(1995, 2025), columns=["china", "russia", "eu", "rest"])


@given(st.lists(st.floats(1e-6, 1 - 1e-6), min_size=1, max_size=30))
def test_logit_round_trip(p):
    np.testing.assert_allclose(transforms.inv_logit(transforms.logit(p)), p, rtol=1e-9, atol=1e-15)


@settings(max_examples=60)
@given(st.lists(st.lists(st.floats(1e-4, 1.0), min_size=4, max_size=4), min_size=1, max_size=10))
def test_alr_ilr_round_trip_and_closure(rows):
    x = np.asarray(rows)
    x = x / x.sum(axis=1, keepdims=True)
    c = pd.DataFrame(x, columns=list("abcd"))
    back = transforms.alr_inv(transforms.alr(c, "d"), list("abcd"), "d")
    np.testing.assert_allclose(back.to_numpy(), x, rtol=1e-9, atol=1e-12)
    back2 = transforms.ilr_inv(transforms.ilr(c), list("abcd"))
    np.testing.assert_allclose(back2.to_numpy(), x, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(back.sum(axis=1), 1.0)


def test_ilr_is_isometric():
    """ilr preserves the Aitchison distance: ||ilr(x) − ilr(y)|| = ||clr(x) − clr(y)||."""
    x, y = np.array([[0.1, 0.2, 0.3, 0.4]]), np.array([[0.25, 0.25, 0.3, 0.2]])
    clr = lambda v: np.log(v) - np.log(v).mean(axis=1, keepdims=True)  # noqa: E731
    ix = transforms.ilr(pd.DataFrame(x)).to_numpy()
    iy = transforms.ilr(pd.DataFrame(y)).to_numpy()
    assert np.linalg.norm(ix - iy) == pytest.approx(np.linalg.norm(clr(x) - clr(y)), rel=1e-12)


def test_zero_replacement_is_documented_and_keeps_years():
    c = pd.DataFrame({"a": [0.0, 0.5], "b": [0.4, 0.25], "c": [0.6, 0.25]}, index=[2000, 2001])
    with pytest.raises(SchemaError, match="2000"):
        transforms.check_composition(c)
    with pytest.warns(Warning, match="replaced"):
        r = transforms.check_composition(c, zeros="replace")
    assert list(r.index) == [2000, 2001] and r.attrs["replaced"] == {2000: ["a"]}
    np.testing.assert_allclose(r.sum(axis=1), 1.0)
    assert r.loc[2000, "a"] == transforms.DEFAULT_DELTA


def test_logit_normal_mean_matches_quadrature():
    for mu, sd in [(-1.2, 0.3), (0.5, 1.0), (-3.0, 0.05)]:
        def f(z, m=mu, s=sd):
            return np.exp(-z * z / 2) / np.sqrt(2 * np.pi) / (1 + np.exp(-(m + s * z)))

        ref, _ = integrate.quad(f, -12, 12, epsabs=1e-13)
        assert models.logit_normal_mean(mu, sd) == pytest.approx(ref, abs=1e-10)


def test_arima_matches_statsmodels_direct(share):
    """Reference: SARIMAX with the order auto_arima chose, fitted directly."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    r = models.arima(share)
    order = eval(r.info["order"])  # noqa: S307 - our own str(tuple)
    z = transforms.logit(share.to_numpy())
    trend = "c" if "intercept" in r.params.index else None
    ref = SARIMAX(z, order=order, trend=trend).fit(disp=False)
    np.testing.assert_allclose(r.params.to_numpy(), ref.params, rtol=1e-3)
    fc = r.forecast(5)
    ref_fc = ref.get_forecast(5)
    np.testing.assert_allclose(fc["logit_mean"], ref_fc.predicted_mean, rtol=1e-3)
    np.testing.assert_allclose(fc["logit_sd"], ref_fc.se_mean, rtol=1e-3)
    assert ((fc["lower_90"] > 0) & (fc["upper_90"] < 1) & (fc["lower_90"] < fc["mean"])
            & (fc["mean"] < fc["upper_90"])).all()
    assert fc["year"].tolist() == list(range(2026, 2031))


def test_arima_simulation_agrees_with_analytic_forecast(share):
    r = models.arima(share)
    sims = r.simulate(5, 20_000, seed=3)
    fc = r.forecast(5)
    np.testing.assert_allclose(sims.mean(axis=0), fc["mean"], atol=0.004)
    np.testing.assert_allclose(np.quantile(sims, 0.05, axis=0), fc["lower_90"], atol=0.006)


def test_interventions_are_step_dummies(share):
    r = models.arima(share, interventions=(2010, 2013, 2015))
    assert {"step_2010", "step_2013", "step_2015"} <= set(r.params.index)
    r2 = models.arima(share.loc[:2012], interventions=(2010, 2013, 2015))
    assert r2.info["events_outside_sample"] == "2013,2015"


def test_unobserved_components_matches_statsmodels_direct(share):
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    r = models.unobserved_components(share)
    ref = UnobservedComponents(transforms.logit(share.to_numpy()), level="local linear trend").fit(disp=False,
                                                                                                 maxiter=500)
    np.testing.assert_allclose(r.params.to_numpy(), ref.params, rtol=1e-6, atol=1e-8)
    t = models.trend(r)
    assert ((t["lower_90"] <= t["trend"]) & (t["trend"] <= t["upper_90"])).all()
    assert t["trend"].between(0, 1).all()


def test_var_matches_statsmodels_direct_and_closes(comp):
    from statsmodels.tsa.api import VAR

    r = models.composition_var(comp, reference="rest", maxlags=1)
    alr = np.log(comp[["china", "russia", "eu"]].to_numpy() / comp[["rest"]].to_numpy())
    ref = VAR(alr).fit(1)
    np.testing.assert_allclose(r.backend.params, ref.params, rtol=1e-10)
    np.testing.assert_allclose(r.std_errors.to_numpy(), np.asarray(ref.bse).T.ravel(), rtol=1e-10)
    paths = r.simulate(8, 500, seed=1)
    assert paths.shape == (500, 8, 4)
    np.testing.assert_allclose(paths.sum(axis=2), 1.0, atol=1e-12)
    assert (paths > 0).all()
    fc = r.forecast(3)
    np.testing.assert_allclose(fc.groupby("year")["mean"].sum(), 1.0, atol=1e-12)
    # the simulated one-step mean of the alr equals the VAR's own one-step forecast
    z1 = np.log(paths[:, 0, :3] / paths[:, 0, 3:4]).mean(axis=0)
    np.testing.assert_allclose(z1, ref.forecast(alr[-1:], 1)[0], atol=0.01)


def test_var_granger_and_seed_reproducibility(comp):
    rng = np.random.default_rng(0)
    extra = pd.DataFrame({"x": rng.normal(size=len(comp))}, index=comp.index)
    r = models.composition_var(comp, reference="rest", extra=extra, maxlags=1)
    g = r.granger("x", "alr_china")
    assert 0 <= g.p_value <= 1 and g.detail["df"] == 1
    a = r.simulate(3, 50, seed=9)
    b = r.simulate(3, 50, seed=9)
    assert np.array_equal(a, b)
    with pytest.raises(SchemaError, match="'nope'"):
        r.granger("nope")


def test_vecm_on_cointegrated_composition():
    rng = np.random.default_rng(11)
    n = 60
    trend_ = np.cumsum(rng.normal(scale=0.1, size=n))
    z = np.column_stack([trend_ + rng.normal(scale=0.05, size=n), -0.5 + trend_ + rng.normal(scale=0.05, size=n)])
    w = transforms.alr_inv(z, ["a", "b", "c"], "c")
    c = pd.DataFrame(w, index=range(1960, 1960 + n), columns=["a", "b", "c"])
    r = models.composition_vecm(c, reference="c")
    assert r.info["rank"] == 1
    np.testing.assert_allclose(r.simulate(4, 100, seed=0).sum(axis=2), 1.0, atol=1e-12)


@pytest.mark.parametrize("bad,exc,words", [
    (pd.DataFrame({"year": range(2000, 2015), "share": [0.1] * 15}), SchemaError, ["constant"]),
    (pd.DataFrame({"year": range(2000, 2006), "share": np.linspace(.1, .2, 6)}), CoverageError, ["6 years"]),
    (pd.DataFrame({"year": [*range(2000, 2008), *range(2010, 2016)], "share": np.linspace(.1, .2, 14)}),
     CoverageError, ["2008", "2009"]),
    (pd.DataFrame({"year": range(2000, 2015), "share": np.linspace(10, 20, 15)}), SchemaError, ["2000", "percent"]),
    (pd.DataFrame({"year": range(2000, 2015), "share": [*np.linspace(.1, .2, 14), np.nan]}), SchemaError, ["2014"]),
    (pd.DataFrame({"year": range(2000, 2015), "share": [0.0, *np.linspace(.1, .2, 14)]}), SchemaError, ["2000"]),
])
def test_bad_share_series(bad, exc, words):
    with pytest.raises(exc) as e:
        models.arima(bad)
    for w in words:
        assert w in str(e.value)


def test_cli_contract(tmp_path, share):
    f = tmp_path / "s.csv"
    share.reset_index().to_csv(f, index=False)
    out = tmp_path / "o"
    assert main(["timeseries", "--data", str(f), "--out", str(out)]) == 0
    t = pd.read_csv(out / "tests.csv")
    assert {"test", "statistic", "p_value"} <= set(t.columns)
    assert {"ADF", "KPSS", "Phillips-Perron", "Zivot-Andrews", "Chow 2010", "OLS-CUSUM", "sup-F(1|0)"} <= set(t["test"])
    b = pd.read_csv(out / "breaks.csv")
    assert {"year", "lower", "upper"} <= set(b.columns) and len(b) >= 1
    fc = pd.read_csv(out / "forecast.csv")
    assert list(fc.columns[:4]) == ["year", "mean", "lower_90", "upper_90"]
    assert fc["year"].tolist() == list(range(2026, 2031))
    assert ((fc["lower_90"] > 0) & (fc["upper_90"] < 1)).all()


def test_cli_bad_share_file_one_line(tmp_path, capsys):
    f = tmp_path / "s.csv"
    pd.DataFrame({"year": range(2000, 2015), "share": np.linspace(5, 20, 15)}).to_csv(f, index=False)
    assert main(["timeseries", "--data", str(f)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "2000" in err[0]
