"""Panel estimators against R plm (Grunfeld), DiD/event study on seeded simulations, few-cluster inference,
bad input."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzecon import panel
from kzecon.cli import main
from kzecon.errors import SchemaError, SpecificationError

REF = Path(__file__).parent / "references" / "panel"
R = pd.read_csv(REF / "plm_reference.csv").set_index("key")["value"]


@pytest.fixture(scope="module")
def grunfeld():
    return pd.read_csv(REF / "grunfeld.csv")


@pytest.mark.parametrize("tag,model,cov", [
    ("within", "fe", "unadjusted"), ("within.cluster", "fe", "clustered"), ("twoways", "twoway", "unadjusted"),
    ("random", "re", "unadjusted"), ("fd", "fd", "unadjusted"), ("between", "between", "unadjusted"),
    ("pooling", "pooled", "unadjusted"),
])
def test_matches_plm(grunfeld, tag, model, cov):
    r = panel.fit(grunfeld, "inv", ["value", "capital"], entity="firm", time="year", model=model, cov=cov)
    for v in ("value", "capital"):
        assert r.params[v] == pytest.approx(R[f"{tag}.{v}.coef"], rel=1e-6)
        assert r.std_errors[v] == pytest.approx(R[f"{tag}.{v}.se"], rel=1e-4)


@pytest.fixture(scope="module")
def produc():
    d = pd.read_csv(REF / "produc.csv")
    return d.assign(lgsp=np.log(d["gsp"]), lpcap=np.log(d["pcap"]), lpc=np.log(d["pc"]), lemp=np.log(d["emp"]))


PRODUC = pd.read_csv(REF / "produc_reference.csv").set_index("key")["value"]
PRODUC_TERMS = {"lpcap": "log(pcap)", "lpc": "log(pc)", "lemp": "log(emp)", "unemp": "unemp"}


@pytest.mark.parametrize("effect,model", [("individual", "fe"), ("twoways", "twoway")])
@pytest.mark.parametrize("plm_type,small_sample", [("HC0", "none"), ("HC1", "hc1")])
def test_clustered_fe_errors_match_plm_on_produc(produc, effect, model, plm_type, small_sample):
    """Fixed effects nested in the clusters are not counted (R plm vcovHC(cluster="group")); linearmodels' own
    two-way clustered errors count the year effects and come out 3–4% larger (0.05945 vs 0.05706 for log(pcap))."""
    r = panel.fit(produc, "lgsp", list(PRODUC_TERMS), entity="state", time="year", model=model, cov="clustered",
                  small_sample=small_sample)
    for ours, theirs in PRODUC_TERMS.items():
        key = f"{effect}|cluster_group|{plm_type}|{theirs}"
        assert r.params[ours] == pytest.approx(PRODUC[f"{key}|coef"], rel=1e-10)
        assert r.std_errors[ours] == pytest.approx(PRODUC[f"{key}|se"], rel=1e-8)


def test_two_way_random_effects_match_plm_on_produc(produc):
    r = panel.fit(produc, "lgsp", list(PRODUC_TERMS), entity="state", time="year", model="re_twoway",
                  cov="unadjusted")
    for ours, theirs in PRODUC_TERMS.items():
        assert r.params[ours] == pytest.approx(PRODUC[f"random_twoways|{theirs}|coef"], rel=1e-8)
        assert r.std_errors[ours] == pytest.approx(PRODUC[f"random_twoways|{theirs}|se"], rel=1e-8)
    with pytest.raises(SpecificationError, match="balanced panels only"):
        panel.fit(produc.iloc[1:], "lgsp", ["lpcap"], entity="state", time="year", model="re_twoway",
                  cov="unadjusted")


FIXEST = pd.read_csv(REF.parent / "fixest" / "multiway_reference.csv").set_index("key")["value"]


@pytest.mark.parametrize("cluster,key", [("entity", "state"), ("both", "state+year")])
def test_fixest_small_sample_convention_equals_fixest(produc, cluster, key):
    """small_sample="fixest" is R fixest's default ssc (fixef.K = "nested") on Produc, one- and two-way clustered
    (tests/references/fixest/multiway_reference.R): effects nested in a cluster dimension count as one parameter,
    G the smaller number of clusters."""
    r = panel.fit(produc, "lgsp", list(PRODUC_TERMS), entity="state", time="year", model="twoway",
                  cov="clustered", cluster=cluster, small_sample="fixest")
    for ours, theirs in PRODUC_TERMS.items():
        assert r.params[ours] == pytest.approx(FIXEST[f"produc|{key}|{theirs}|coef"], rel=1e-10)
        assert r.std_errors[ours] == pytest.approx(FIXEST[f"produc|{key}|{theirs}|se"], rel=1e-10)


def test_random_effects_on_an_unbalanced_panel_equal_plm():
    """plm's EmplUK (140 firms, 7–9 years each): Swamy–Arora components as plm computes them for unbalanced panels
    (tests/references/panel/emplUK_reference.R); linearmodels' own RandomEffects differs by up to 0.14% there."""
    d = pd.read_csv(REF / "emplUK.csv")
    d = d.assign(lemp=np.log(d["emp"]), lwage=np.log(d["wage"]), lcap=np.log(d["capital"]))
    ref = pd.read_csv(REF / "emplUK_reference.csv").set_index("key")["value"]
    r = panel.fit(d, "lemp", ["lwage", "lcap"], entity="firm", time="year", model="re", cov="unadjusted")
    assert not r.stats["balanced"]
    for ours, theirs in (("const", "(Intercept)"), ("lwage", "log(wage)"), ("lcap", "log(capital)")):
        assert r.params[ours] == pytest.approx(ref[f"random_swar|{theirs}|coef"], rel=1e-10)
        assert r.std_errors[ours] == pytest.approx(ref[f"random_swar|{theirs}|se"], rel=1e-10)


def test_driscoll_kraay_matches_plm_up_to_dof(grunfeld):
    """linearmodels scales the Driscoll–Kraay covariance by n/(n − k − entities); plm's vcovSCC(HC0) does not."""
    r = panel.fit(grunfeld, "inv", ["value", "capital"], entity="firm", time="year", model="fe",
                  cov="driscoll-kraay", bandwidth=2)
    n, k = 200, 2 + 10
    for v in ("value", "capital"):
        assert r.std_errors[v] * np.sqrt((n - k) / n) == pytest.approx(R[f"within.dk.{v}.se"], rel=1e-4)


def test_hausman_matches_phtest(grunfeld):
    fe = panel.fit(grunfeld, "inv", ["value", "capital"], entity="firm", time="year", model="fe", cov="unadjusted")
    re = panel.fit(grunfeld, "inv", ["value", "capital"], entity="firm", time="year", model="re", cov="unadjusted")
    h = panel.hausman(fe, re)
    assert h.statistic == pytest.approx(R["hausman.statistic"], rel=1e-3)
    assert h.p_value == pytest.approx(R["hausman.p_value"], rel=1e-3)
    assert h.detail["df"] == R["hausman.df"]


def test_absorbing_equals_two_way_fe(grunfeld):
    a = panel.absorbing(grunfeld, "inv", ["value", "capital"], ["firm", "year"])
    assert a.params["value"] == pytest.approx(R["twoways.value.coef"], rel=1e-8)


def test_singletons_dropped_and_reported(grunfeld):
    g = pd.concat([grunfeld, pd.DataFrame({"firm": [99], "year": [1940], "inv": [1.0], "value": [2.0],
                                           "capital": [3.0]})])
    r = panel.fit(g, "inv", ["value", "capital"], entity="firm", time="year", model="fe")
    assert r.nobs + r.n_dropped == len(g)
    assert r.dropped["reason"].str.contains("singleton").any()


def test_unbalanced_gaps_are_reported(grunfeld):
    g = grunfeld[~((grunfeld["firm"] == 3) & (grunfeld["year"].isin([1940, 1941])))]
    with pytest.warns(Warning, match="3: \\[1940, 1941\\]"):
        panel.fit(g, "inv", ["value", "capital"], entity="firm", time="year", model="fe")


def test_bad_panel_input(grunfeld):
    with pytest.raises(SchemaError, match="duplicate firm-year key: 1 1935"):
        panel.fit(pd.concat([grunfeld, grunfeld.iloc[:1]]), "inv", ["value"], entity="firm", time="year")
    with pytest.raises(SpecificationError, match="single firm"):
        panel.fit(grunfeld[grunfeld["firm"] == 1], "inv", ["value"], entity="firm", time="year", model="pooled")
    with pytest.raises(SpecificationError, match="'k' is constant"):
        panel.fit(grunfeld.assign(k=1.0), "inv", ["value", "k"], entity="firm", time="year")
    with pytest.raises(SpecificationError, match="collinear|absorbed"):
        panel.fit(grunfeld.assign(v2=grunfeld["value"] * 2), "inv", ["value", "v2"], entity="firm", time="year")


def _did_panel(effect=0.3, n_treated=5, n_control=15, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_treated + n_control):
        a = rng.normal()
        start = 2010 if i < n_treated else 0
        for t in range(2000, 2016):
            d = 1 if start and t >= start else 0
            rows.append({"unit": f"U{i:02d}", "year": t, "start": start,
                         "y": a + 0.05 * (t - 2000) + effect * d + rng.normal(0, 0.2)})
    return pd.DataFrame(rows)


def test_did_recovers_known_effect_and_bootstrap_is_reproducible():
    df = _did_panel()
    r = panel.did(df, "y", entity="unit", time="year", treat_start="start", reps=999, seed=7)
    assert r.params["treat_post"] == pytest.approx(0.3, abs=3 * r.std_errors["treat_post"])
    assert r.stats["treated_clusters"] == 5 and r.stats["clusters"] == 20
    r2 = panel.did(df, "y", entity="unit", time="year", treat_start="start", reps=999, seed=7)
    assert r2.stats["p_wild"] == r.stats["p_wild"]
    assert 0 <= r.stats["p_wild"] <= 1


@pytest.mark.parametrize("weights,effect,seed", [("webb", 0.3, 7), ("rademacher", 0.0, 3), ("webb", 0.05, 11)])
def test_wild_bootstrap_equals_pyfixest_wildboottest(weights, effect, seed):
    """kzecon's wild cluster bootstrap (wildboottest's class, denominator without per-call compilation) gives
    exactly what pyfixest's ``Feols.wildboottest`` gives on the same model, for the DiD and an event-study term."""
    import pyfixest as pf

    from kzecon.panel.did import _prepare, _wild

    df, *_ = _prepare(_did_panel(effect=effect, seed=seed), "y", "unit", "year", "start", [])
    df["x"] = np.random.default_rng(seed).normal(size=len(df))
    m = pf.feols("y ~ treat_post + x | unit + year", data=df, vcov={"CRV1": "_cluster"})
    for param in ("treat_post", "x"):
        ref = m.wildboottest(param=param, reps=999, seed=seed, weights_type=weights)
        t, p = _wild(m, param, 999, seed, weights)
        assert p == float(ref["Pr(>|t|)"])
        assert t == pytest.approx(float(ref["t value"]), rel=1e-12)
    r = panel.did(df.drop(columns=["x"]), "y", entity="unit", time="year", treat_start="start", reps=999, seed=seed,
                  weights=weights)
    m1 = pf.feols("y ~ treat_post | unit + year", data=df, vcov={"CRV1": "_cluster"})
    assert r.stats["p_wild"] == float(m1.wildboottest(param="treat_post", reps=999, seed=seed,
                                                      weights_type=weights)["Pr(>|t|)"])


def test_event_study_has_flat_pre_trends_under_parallel_trends():
    df = _did_panel(seed=4)
    e = panel.event_study(df, "y", entity="unit", time="year", treat_start="start", window=(-3, 3), reps=499)
    t = panel.event_table(e)
    post = t[t["event_time"] >= 0]["estimate"]
    assert np.allclose(post, 0.3, atol=0.25)
    assert e.stats["pretrend_p"] > 0.01
    s = panel.staggered(df, "y", entity="unit", time="year", treat_start="start", window=(-3, 3))
    assert s.params["rel_p0"] == pytest.approx(0.3, abs=0.25)


def test_did_bad_input():
    df = _did_panel()
    with pytest.raises(SpecificationError, match="never switches on"):
        panel.did(df.assign(start=0), "y", entity="unit", time="year", treat_start="start", reps=99)
    with pytest.raises(SpecificationError, match="no never- or not-yet-treated"):
        panel.did(df.assign(start=2010), "y", entity="unit", time="year", treat_start="start", reps=99)
    with pytest.raises(SchemaError, match="constant within unit"):
        panel.did(df.assign(start=np.where(df["year"] > 2005, df["start"], 2003)), "y", entity="unit", time="year",
                  treat_start="start", reps=99)


def test_cli_panel(tmp_path):
    out = tmp_path / "p"
    assert main(["panel", "--out", str(out), "--reps", "199"]) == 0
    d = pd.read_csv(out / "did.csv")
    assert {"model", "term", "estimate", "std_error", "p_value", "p_wild"} <= set(d.columns)
    assert (out / "event_study.png").exists()


def test_did_rows_in_equal_rows_used_plus_dropped():
    df = _did_panel()
    df.loc[[3, 50, 77], "y"] = np.nan
    r = panel.did(df, "y", entity="unit", time="year", treat_start="start", reps=99)
    assert r.nobs + r.n_dropped == len(df) and r.n_dropped == 3


def test_panel_fit_invariant_to_row_order(grunfeld):
    a = panel.fit(grunfeld, "inv", ["value", "capital"], entity="firm", time="year", model="twoway")
    b = panel.fit(grunfeld.sample(frac=1, random_state=1), "inv", ["value", "capital"], entity="firm", time="year",
                  model="twoway")
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10)
    np.testing.assert_allclose(a.std_errors, b.std_errors, rtol=1e-10)


def test_did_and_event_study_match_r_lm_vcovcl():
    """Against R lm with dummies + sandwich::vcovCL(HC1) on the real customs-union panel
    (tests/references/panel/did_reference.R). Coefficients agree exactly; R's HC1 counts the reporter dummies
    (nested in the clusters) in K, fixest/pyfixest do not, so the standard errors differ by
    sqrt((n − K_fixest) / (n − K_R)) with K_fixest = K_R − (G − 1)."""
    ref = pd.read_csv(REF / "did_reference.csv").set_index("key")["value"]
    d = pd.read_csv(REF / "cu_rus.csv")
    kw = {"entity": "reporter", "time": "year", "treat_start": "treat_start", "reps": 99}
    r = panel.did(d, "log_trade", **kw)
    n, G = ref["did.n"], d["reporter"].nunique()
    assert r.params["treat_post"] == pytest.approx(ref["did.coef"], rel=1e-9)
    f = np.sqrt((n - (ref["did.k"] - (G - 1))) / (n - ref["did.k"]))
    assert r.std_errors["treat_post"] * f == pytest.approx(ref["did.se"], rel=1e-6)
    e = panel.event_study(d, "log_trade", window=(-5, 4), **kw)
    fe = np.sqrt((n - (ref["es.k"] - (G - 1))) / (n - ref["es.k"]))
    for t in e.params.index:
        assert e.params[t] == pytest.approx(ref[f"es.{t}.coef"], rel=1e-8, abs=1e-12)
        assert e.std_errors[t] * fe == pytest.approx(ref[f"es.{t}.se"], rel=1e-6)
