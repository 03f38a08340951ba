"""Annual world gravity (issue 23): the estimator path against pyfixest called directly on the DOTS frame, the
randomization inference on simulated panels with a known zero and a known positive bloc effect, the score
bootstrap, the event-study terms, and the CLI contract."""

import numpy as np
import pandas as pd
import pytest

import kzecon
from kzecon import gravity
from kzecon.cli import main
from kzecon.gravity import inference
from kzecon.gravity.simulate import simulate_bloc_panel
from kzecon.study import eaeu as world


@pytest.fixture(scope="module")
def dots_subset():
    """The real DOTS panel cut to 45 countries: the five EAEU members, China and the 39 largest others."""
    g = kzecon.data.load_gravity("dots")
    size = g[g["year"] == 2010].groupby("exporter")["flow"].sum().sort_values(ascending=False)
    keep = set(world.EAEU_MEMBERS) | {"CHN"}
    keep |= set([c for c in size.index if c not in keep][: 45 - len(keep)])
    return g[g["exporter"].isin(keep) & g["importer"].isin(keep)].reset_index(drop=True)


def test_static_model_equals_pyfixest_on_the_dots_frame(dots_subset):
    import pyfixest as pf
    from pyfixest.demeaners import MapDemeaner

    f = world.eaeu_frame(dots_subset)
    ours = gravity.ppml(f, f"flow ~ {world.SPECS['ppml_static']} | {world.FE}")
    d = f.assign(ey=f["exporter"] + f["year"].astype(str), iy=f["importer"] + f["year"].astype(str),
                 pr=f["exporter"] + ">" + f["importer"],
                 sym=np.where(f["exporter"] < f["importer"], f["exporter"] + f["importer"],
                              f["importer"] + f["exporter"]))
    m = pf.fepois("flow ~ eaeu + rta + bri_kaz_chn + bri_chn | ey + iy + pr", data=d, vcov={"CRV1": "sym"},
                  ssc=pf.ssc(k_adj=False), iwls_tol=1e-12, demeaner=MapDemeaner(fixef_tol=1e-12))
    np.testing.assert_allclose(ours.params.to_numpy(), m.coef().to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(ours.std_errors.to_numpy(), m.se().to_numpy(), rtol=1e-6)
    assert ours.nobs == m._N


def test_event_terms_and_policy_columns(dots_subset):
    f = world.eaeu_frame(dots_subset).set_index(["exporter", "importer", "year"])
    assert f.loc[("KAZ", "RUS", 2010), "eaeu"] == 1 and f.loc[("KAZ", "RUS", 2009), "eaeu"] == 0
    assert f.loc[("KAZ", "ARM", 2015), "eaeu"] == 1 and f.loc[("KAZ", "ARM", 2014), "eaeu"] == 0
    assert f.loc[("KAZ", "RUS", 2010), "eaeu_lag0"] == 1 and f.loc[("KAZ", "RUS", 2008), "eaeu_lead2"] == 1
    assert f.loc[("KAZ", "RUS", 2001), "eaeu_lead5"] == 1  # binned: five or more years before
    assert f.loc[("KAZ", "ARM", 2020), "eaeu_lag5"] == 1 and f.loc[("KAZ", "RUS", 2020), "eaeu_lag10"] == 1
    assert f.loc[("KAZ", "RUS", 2012), "eaeu_kaz"] == 1 and f.loc[("BLR", "RUS", 2012), "eaeu_kaz"] == 0
    assert f.loc[("CHN", "KAZ", 2013), "bri_kaz_chn"] == 1 and f.loc[("CHN", "KAZ", 2013), "bri_kaz_chn_lag0"] == 1
    event_year = f[f["eaeu"] == 1].groupby(level=[0, 1])
    # every member pair has exactly one event-time dummy on in every year (the reference year −1 has none)
    member_rows = f.loc[f.groupby(level=[0, 1])["eaeu"].transform("max") == 1]
    on = member_rows[world.EVENT_TERMS].sum(axis=1)
    assert set(on.unique()) <= {0, 1} and event_year.ngroups > 0


def _null_rejection(effect, m_sets, reps, seed0=0):
    out = {"clustered": [], "ri": [], "score": []}
    for s in range(m_sets):
        p = simulate_bloc_panel(12, 8, waves=((4, 3), (6, 2)), effect=effect, seed=seed0 + s)
        model = gravity.PPML(p, "flow ~ bloc | exp_year + imp_year + pair")
        draw = inference.bloc_draw(p, p.attrs["pool"] + p.attrs["members"], p.attrs["waves"])
        out["clustered"].append(model.fit().pvalues["bloc"])
        out["ri"].append(inference.randomization_inference(model, "bloc", draw, reps=reps, seed=s).p_value)
        out["score"].append(inference.score_bootstrap(model, "bloc", reps=499, seed=s).p_value)
    return {k: np.asarray(v) for k, v in out.items()}


def test_randomization_inference_holds_its_size_and_finds_a_real_effect():
    """Under no effect the bloc is one random draw among the placebo blocs (members in the pool): P(p ≤ 0.05) is
    exactly 1/20 with 19 placebos and the p-values are uniform on {1/20, …, 1} (mean 0.525, s.d. 0.289); over 50
    simulated panels the rejection rate must be within Monte Carlo error (3 s.d. = 0.092) and the mean p-value
    within 3 s.d. of 0.525 (0.123). With a large effect (1.5 log points) p is the smallest possible in most
    panels (placebo blocs of 5 among 12 countries, with persistent pair shocks, are far from zero at times)."""
    m = 50
    null = _null_rejection(0.0, m, 19)
    rate = float(np.mean(null["ri"] <= 0.05 + 1e-12))
    assert abs(rate - 0.05) <= 3 * np.sqrt(0.05 * 0.95 / m)
    assert abs(float(np.mean(null["ri"])) - 0.525) <= 3 * 0.2887 / np.sqrt(m)
    power = _null_rejection(1.5, 12, 19, seed0=1000)
    assert float(np.mean(power["ri"] <= 0.05 + 1e-12)) >= 0.8
    assert float(np.mean(power["score"] < 0.05)) >= 0.9


def test_score_bootstrap_is_reproducible_and_checks_its_input():
    p = simulate_bloc_panel(14, 8, waves=((4, 3), (6, 2)), effect=0.0, seed=3)
    model = gravity.PPML(p, "flow ~ bloc | exp_year + imp_year + pair")
    a = inference.score_bootstrap(model, "bloc", reps=999, seed=7)
    b = inference.score_bootstrap(model, "bloc", reps=999, seed=7)
    assert a.p_value == b.p_value and 0 < a.p_value <= 1 and a.clusters == len(np.unique(model.cluster_codes))
    with pytest.raises(kzecon.errors.UsageError, match="clustered"):
        inference.score_bootstrap(gravity.PPML(p, "flow ~ bloc | exp_year + imp_year + pair", cluster=None), "bloc")
    with pytest.raises(kzecon.errors.UsageError, match="weights"):
        inference.score_bootstrap(model, "bloc", weights="gaussian")


def _score_statistic_by_hand(p, term, other):
    """Kline & Santos' statistic computed independently of kzecon: the restricted PPML (without ``term``) by pyfixest's
    fepois, the term residualised on explicit fixed-effect dummies and the other regressors by weighted least squares
    (numpy), the scores summed by the symmetric pair."""
    import pyfixest as pf
    from pyfixest.demeaners import MapDemeaner

    d = p.assign(ey=p["exporter"] + p["year"].astype(str), iy=p["importer"] + p["year"].astype(str),
                 pair=p["exporter"] + p["importer"],
                 sym=np.where(p["exporter"] < p["importer"], p["exporter"] + p["importer"],
                              p["importer"] + p["exporter"]))
    rhs = " + ".join(other) if other else "1"
    mu = pf.fepois(f"flow ~ {rhs} | ey + iy + pair", data=d, iwls_tol=1e-12,
                   demeaner=MapDemeaner(fixef_tol=1e-12)).predict(type="response")
    Z = np.column_stack([pd.get_dummies(d[c], drop_first=i > 0, dtype=float).to_numpy() for i, c in
                         enumerate(["ey", "iy", "pair"])] + [d[other].to_numpy(float)])
    w = np.sqrt(mu)
    b = np.linalg.lstsq(Z * w[:, None], d[term].to_numpy(float) * w, rcond=None)[0]
    s = (d[term].to_numpy(float) - Z @ b) * (d["flow"].to_numpy() - mu)
    sg = pd.Series(s).groupby(d["sym"].to_numpy()).sum().to_numpy()
    return sg.sum() ** 2 / np.sum(sg ** 2)


def test_score_statistic_equals_an_independent_computation_fitted_or_not():
    """The statistic of the score bootstrap equals the one computed by hand from pyfixest's restricted fit, both when
    the model was fitted first (the restricted fit starts from the model's own state) and when it was not (a cold
    start): the warm start changes the number of iterations, not the answer."""
    p = simulate_bloc_panel(10, 6, waves=((3, 3),), effect=0.3, seed=5).assign(
        dist=lambda d: np.random.default_rng(5).uniform(1, 3, len(d)))
    ref = _score_statistic_by_hand(p, "bloc", ["dist"])
    cold = inference.score_bootstrap(gravity.PPML(p, "flow ~ bloc + dist | exp_year + imp_year + pair"), "bloc",
                                     reps=99, seed=1)
    fitted = gravity.PPML(p, "flow ~ bloc + dist | exp_year + imp_year + pair")
    fitted.fit()
    warm = inference.score_bootstrap(fitted, "bloc", reps=99, seed=1)
    assert cold.statistic == pytest.approx(ref, rel=1e-6)
    assert warm.statistic == pytest.approx(ref, rel=1e-6)
    assert warm.p_value == cold.p_value


def test_cli_panel_dots_contract(dots_subset, tmp_path, monkeypatch):
    """`kzecon gravity --panel dots --out DIR` (here on the 45-country cut of the real panel, few draws)."""
    monkeypatch.setattr(kzecon.data, "load_gravity", lambda name="agtpa": dots_subset)
    out = tmp_path / "w"
    assert main(["gravity", "--panel", "dots", "--ri", "5", "--score-reps", "199", "--out", str(out)]) == 0
    est = pd.read_csv(out / "estimates.csv")
    assert list(est.columns[:5]) == ["model", "term", "estimate", "std_error", "nobs"] and "p_ri" in est.columns
    bloc = est[est["term"].str.contains("eaeu")]
    assert len(bloc) and bloc.loc[(bloc["model"] == "ppml_static") & (bloc["term"] == "eaeu"), "p_ri"].notna().all()
    assert est.loc[est["term"] == "rta", "p_ri"].isna().all()  # filled for bloc terms only
    assert {"ppml_static_exporter_reported", "ppml_static_importer_reported"} <= set(est["model"])
    es = pd.read_csv(out / "event_study.csv")
    assert es.loc[es["event_time"] == -1, "estimate"].iloc[0] == 0
    assert len(pd.read_csv(out / "placebo.csv")) == 5 and (out / "event_study.png").exists()


def test_placebo_refits_of_the_dots_model_equal_fixest_fits_from_scratch():
    """The randomization inference's warm refits (the fitted model's solution reused, coefficients only) on the whole
    DOTS static model give what R fixest gives fitting each placebo bloc from scratch at tight tolerances
    (tests/references/fixest/dots_placebo.R). A bloc of a few pairs barely moves the deviance: with the deviance
    criterion alone the third refit stopped 3e-6 short (5e-6 relative)."""
    from pathlib import Path

    ref = pd.read_csv(Path(__file__).parent / "references" / "fixest" / "dots_placebo.csv")
    f = world.eaeu_frame()
    model = gravity.PPML(f, f"flow ~ {world.SPECS['ppml_static']} | {world.FE}")
    draw = inference.bloc_draw(f, world.comparable_pool(f), world.EAEU_WAVES)
    ri = inference.randomization_inference(model, "eaeu", draw, reps=3, seed=2026)
    np.testing.assert_allclose(ri.estimate, ref.loc[ref["draw"] == 0, "eaeu"].iloc[0], rtol=1e-9)
    np.testing.assert_allclose(ri.placebo, ref.loc[ref["draw"] > 0, "eaeu"].to_numpy(), rtol=1e-8)


def test_policy_columns_keep_the_rows_of_a_panel_with_a_repeated_index(dots_subset):
    """A user's panel may carry a non-unique index (frames stacked without ignore_index): the policy columns are
    added row by row, never matched on the index (a join there multiplies the rows)."""
    sub = dots_subset[dots_subset["year"].between(2008, 2012)]
    stacked = pd.concat([sub[sub["year"] < 2010], sub[sub["year"] >= 2010]])
    stacked.index = np.arange(len(stacked)) % 7  # every label repeated
    f = world.eaeu_frame(stacked)
    plain = world.eaeu_frame(stacked.reset_index(drop=True))
    assert len(f) == len(stacked)
    np.testing.assert_array_equal(f["eaeu"].to_numpy(), plain["eaeu"].to_numpy())
    np.testing.assert_array_equal(f["exporter"].to_numpy(), stacked["exporter"].to_numpy())
