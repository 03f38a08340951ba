"""Composition forecasts, risk probabilities and backtests: closure, hand-computed coverage, analytic
probabilities, calibration on a known data-generating process, CLI contracts."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import kzecon.study.pipeline
from kzecon import forecast
from kzecon.cli import main
from kzecon.errors import SchemaError
from kzecon.forecast import backtest
from kzecon.timeseries import transforms


@pytest.fixture(scope="module")
def comp():
    return kzecon.study.pipeline.composition()


def _two_part(z, start=1980):
    p = transforms.inv_logit(z)
    years = range(start, start + len(z))
    return pd.DataFrame({"year": [*years, *years], "partner": ["a"] * len(z) + ["rest"] * len(z),
                         "share": [*p, *(1 - p)]})


@pytest.mark.parametrize("model", ["var", "drift", "rw", "mean5", "ensemble"])
def test_paths_are_closed_compositions(comp, model):
    fc = forecast.simulate(comp, model=model, horizon=6, n_paths=500, seed=1)
    assert fc.paths.shape == (500, 6, 4)
    np.testing.assert_allclose(fc.paths.sum(axis=2), 1.0, atol=1e-12)
    assert (fc.paths > 0).all() and (fc.paths < 1).all()
    s = fc.to_frame()
    assert (s["lower_90"] <= s["mean"]).all() and (s["mean"] <= s["upper_90"]).all()
    np.testing.assert_allclose(s.groupby("year")["mean"].sum(), 1.0, atol=1e-12)


def test_seed_reproducibility(comp):
    a = forecast.simulate(comp, model="var", horizon=3, n_paths=200, seed=5)
    b = forecast.simulate(comp, model="var", horizon=3, n_paths=200, seed=5)
    assert np.array_equal(a.paths, b.paths)
    assert not np.array_equal(a.paths, forecast.simulate(comp, model="var", horizon=3, n_paths=200, seed=6).paths)


def test_drift_probabilities_match_analytic_normal():
    """Random walk with drift on the logit: P(share > t in year h) = Φ((z_T + hμ − logit t) / (σ√h))."""
    rng = np.random.default_rng(3)
    z = np.cumsum(np.r_[-1.5, rng.normal(0.05, 0.15, size=29)])
    c = _two_part(z)
    fc = forecast.simulate(c, model="drift", horizon=5, n_paths=200_000, seed=1)
    ev = pd.DataFrame({"event": ["a_above_25"], "kind": ["exceeds"], "part_a": ["a"], "threshold": [0.25]})
    r = fc.risk(ev)
    d = np.diff(z)
    mu, sd = d.mean(), d.std(ddof=1)
    h = np.arange(1, 6)
    exact = stats.norm.sf((transforms.logit(0.25) - z[-1] - h * mu) / (sd * np.sqrt(h)))
    np.testing.assert_allclose(r["probability"], exact, atol=0.004)


def test_coverage_matches_hand_computation():
    # 6 forecasts; inside the 90% interval: rows 0, 1, 3, 5 (row 2 above, row 4 below); 80%: rows 0 and 3
    rec = pd.DataFrame({"model": "m", "horizon": 1, "partner": "a",
                        "actual": [0.10, 0.20, 0.50, 0.30, 0.01, 0.42],
                        "lower_90": [0.05, 0.15, 0.30, 0.20, 0.02, 0.42],
                        "upper_90": [0.20, 0.25, 0.45, 0.40, 0.10, 0.50],
                        "lower_80": [0.08, 0.21, 0.35, 0.25, 0.03, 0.43],
                        "upper_80": [0.15, 0.24, 0.44, 0.35, 0.09, 0.48]})
    cov = backtest.coverage_table(rec).set_index("nominal")
    assert cov.loc[0.9, "empirical"] == pytest.approx(4 / 6) and cov.loc[0.8, "empirical"] == pytest.approx(2 / 6)
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(4, 6, alpha=0.05, method="wilson")
    assert cov.loc[0.9, "lower"] == pytest.approx(lo) and cov.loc[0.9, "upper"] == pytest.approx(hi)


def test_intervals_are_calibrated_on_a_known_process():
    """500 series from a logit AR(1) (φ = 0.6, σ = 0.2, 50 years): the VAR's nominal 90% one-step intervals
    cover 87–93% of the next values (2.2 Monte Carlo s.d. either side of 0.90)."""
    rng = np.random.default_rng(20261125)
    inside = 0
    n_series = 500
    for i in range(n_series):
        z = np.empty(51)
        z[0] = -1.0 + rng.normal(0, 0.2 / np.sqrt(1 - 0.36))
        for t in range(1, 51):
            z[t] = -1.0 * 0.4 + 0.6 * z[t - 1] + rng.normal(0, 0.2)
        fc = forecast.simulate(_two_part(z[:50]), model="var", horizon=1, n_paths=400, seed=i)
        s = fc.to_frame().set_index("partner").loc["a"]
        actual = transforms.inv_logit(z[50])
        inside += s["lower_90"] <= actual <= s["upper_90"]
    assert 0.87 <= inside / n_series <= 0.93


def test_backtest_never_uses_future_data(comp):
    res = backtest.run(comp, models=["rw"], start=2015, horizon=2, n_paths=300)
    rec = res.records
    assert (rec["year"] > rec["origin"]).all() and (rec["year"] - rec["origin"] == rec["horizon"]).all()
    # a random walk's forecast mean at origin o is the last observed composition, up to simulation noise and
    # the convexity of the inverse log-ratio (about one share point here)
    wide = comp.pivot(index="year", columns="partner", values="share")
    r1 = rec[rec["horizon"] == 1].copy()
    r1["last"] = [wide.loc[o, p] for o, p in zip(r1["origin"], r1["partner"], strict=True)]
    assert np.abs(r1["mean"] - r1["last"]).max() < 0.02


def test_event_validation(comp):
    bad = pd.DataFrame({"event": ["x"], "kind": ["exceeds"], "part_a": ["china"], "threshold": [25]})
    with pytest.raises(SchemaError, match="'x'.*threshold"):
        forecast.simulate(comp, model="rw", horizon=2, n_paths=100).risk(bad)
    bad2 = pd.DataFrame({"event": ["y"], "kind": ["exceeds_part"], "part_a": ["china"], "part_b": ["usa"]})
    with pytest.raises(SchemaError, match="'usa'"):
        forecast.simulate(comp, model="rw", horizon=2, n_paths=100).risk(bad2)


def test_scenario_moves_paths_in_the_estimated_direction(comp):
    lo = forecast.simulate_scenario(comp, pd.DataFrame({"year": range(2026, 2029), "brent": 40.0}), horizon=3,
                                    n_paths=2000, seed=1)
    hi = forecast.simulate_scenario(comp, pd.DataFrame({"year": range(2026, 2029), "brent": 120.0}), horizon=3,
                                    n_paths=2000, seed=1)
    np.testing.assert_allclose(hi.paths.sum(axis=2), 1.0, atol=1e-12)
    # In the first forecast year the paths differ only by the Brent shock the scenario imposes: the log-ratios move
    # by Σ_ob / Σ_bb × (log 120 − log 40), with Σ the residual covariance of the VAR in the log-ratios and log
    # Brent — fitted here by statsmodels directly, on log-ratios and log Brent computed by hand.
    from statsmodels.tsa.api import VAR

    import kzecon

    wide = comp.pivot(index="year", columns="partner", values="share")[list(lo.parts)]
    brent = kzecon.data.load_oil("brent", "annual").set_index("year").iloc[:, -1]
    others = [q for q in lo.parts if q != "rest"]
    endog = pd.DataFrame({q: np.log(wide[q] / wide["rest"]) for q in others}).assign(
        log_brent=np.log(brent.reindex(wide.index)))
    S = np.asarray(VAR(endog.reset_index(drop=True)).fit(lo.info["lags"]).sigma_u)
    moved = S[:-1, -1] / S[-1, -1] * (np.log(120.0) - np.log(40.0))
    r = list(lo.parts).index("rest")

    def alr1(fc):
        return np.log(np.delete(fc.paths[:, 0, :], r, axis=1) / fc.paths[:, 0, [r]]).mean(axis=0)

    np.testing.assert_allclose(alr1(hi) - alr1(lo), moved, rtol=1e-6)
    with pytest.raises(SchemaError, match="2040"):
        forecast.simulate_scenario(comp, pd.DataFrame({"year": [2040], "brent": [80.0]}), horizon=3)


@settings(max_examples=8, deadline=None)
@given(st.floats(0.01, 100.0))
def test_scenario_invariant_to_the_oil_price_unit(factor):
    """Brent in any unit (cents, another currency at a fixed rate): history and scenario scaled alike give the same
    composition paths — log Brent only shifts by a constant, which the VAR's intercept absorbs."""
    import kzecon

    comp = kzecon.study.pipeline.composition()
    brent = kzecon.data.load_oil("brent", "annual").set_index("year").iloc[:, -1]
    sc = pd.DataFrame({"year": range(2026, 2029), "brent": [60.0, 80.0, 100.0]})
    a = forecast.simulate_scenario(comp, sc, horizon=3, n_paths=300, seed=2, brent=brent)
    b = forecast.simulate_scenario(comp, sc.assign(brent=sc["brent"] * factor), horizon=3, n_paths=300, seed=2,
                                   brent=brent * factor)
    np.testing.assert_allclose(a.paths, b.paths, rtol=1e-7, atol=1e-10)
    with pytest.raises(SchemaError, match="positive"):
        forecast.simulate_scenario(comp, sc, horizon=3, brent=brent.where(brent.index != 2000, -1.0))


def test_cli_forecast_contract(tmp_path, comp):
    f = tmp_path / "c.csv"
    comp.to_csv(f, index=False)
    out = tmp_path / "f"
    assert main(["forecast", "--data", str(f), "--horizon", "5", "--out", str(out), "--paths", "1000"]) == 0
    ps = pd.read_csv(out / "paths_summary.csv")
    assert list(ps.columns[:5]) == ["year", "partner", "mean", "lower_90", "upper_90"]
    assert sorted(ps["year"].unique()) == list(range(2026, 2031))
    np.testing.assert_allclose(ps.groupby("year")["mean"].sum(), 1.0, atol=1e-9)
    risk = pd.read_csv(out / "risk.csv")
    assert list(risk.columns[:3]) == ["event", "year", "probability"]
    assert risk["probability"].between(0, 1).all()


def test_cli_backtest_contract(tmp_path, comp):
    f = tmp_path / "c.csv"
    comp.to_csv(f, index=False)
    out = tmp_path / "b"
    assert main(["backtest", "--data", str(f), "--out", str(out), "--paths", "300", "--quiet"]) == 0
    cov = pd.read_csv(out / "coverage.csv")
    assert list(cov.columns[:4]) == ["model", "horizon", "nominal", "empirical"]
    assert set(cov["horizon"]) == {1, 2, 3, 4, 5} and set(cov["nominal"]) == {0.8, 0.9}
    assert cov["empirical"].between(0, 1).all()


def test_cli_composition_not_summing_to_one(tmp_path, capsys, comp):
    bad = comp.copy()
    bad.loc[bad.index[0], "share"] += 0.2
    f = tmp_path / "c.csv"
    bad.to_csv(f, index=False)
    assert main(["forecast", "--data", str(f), "--model", "rw"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "1994" in err[0] and "sum" in err[0]


def test_balance_event_matches_measures_balance_index(comp):
    """The balance event uses measures.balance_index's formula: check it on the observed history."""
    from kzecon import measures
    from kzecon.forecast.core import event_hits

    wide = comp.pivot(index="year", columns="partner", values="share")
    long = comp.rename(columns={"partner": "group"}).assign(flow="total")
    b = measures.balance_index(long).set_index("year")["balance"]
    for thr in (0.95, 0.99):
        ev = pd.Series({"event": "b", "kind": "balance_below", "threshold": thr})
        hits = event_hits(wide.to_numpy()[None], list(wide.columns), ev)[0]
        assert list(hits) == list((b.reindex(wide.index) < thr).to_numpy())


def test_cli_scenario_with_a_users_oil_price_history(tmp_path):
    """--brent FILE: a price history in cents with a scenario in cents gives the paths of the bundled USD history
    with the scenario in USD (to rounding); --brent without --scenario is a usage error (exit 64), nothing written."""
    import kzecon
    from kzecon.cli import main

    b = kzecon.data.load_oil("brent", "annual").set_index("year").iloc[:, -1]
    pd.DataFrame({"year": b.index, "brent": b.to_numpy() * 100}).to_csv(tmp_path / "cents.csv", index=False)
    pd.DataFrame({"year": [2026, 2027], "brent": [6000.0, 9000.0]}).to_csv(tmp_path / "sc_c.csv", index=False)
    pd.DataFrame({"year": [2026, 2027], "brent": [60.0, 90.0]}).to_csv(tmp_path / "sc_u.csv", index=False)
    common = ["forecast", "--horizon", "2", "--paths", "300", "--seed", "4"]
    assert main([*common, "--scenario", str(tmp_path / "sc_u.csv"), "--out", str(tmp_path / "u")]) == 0
    assert main([*common, "--scenario", str(tmp_path / "sc_c.csv"), "--brent", str(tmp_path / "cents.csv"),
                 "--out", str(tmp_path / "c")]) == 0
    u, c = (pd.read_csv(tmp_path / d / "paths_summary.csv") for d in ("u", "c"))
    np.testing.assert_allclose(u.select_dtypes("number"), c.select_dtypes("number"), atol=1e-9)
    assert main([*common, "--brent", str(tmp_path / "cents.csv"), "--out", str(tmp_path / "x")]) == 64
    assert not (tmp_path / "x").exists()
