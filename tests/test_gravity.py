"""Gravity: the Advanced Guide's published estimates, known effects on simulated panels, dropped-row
accounting, bad input, GE counterfactuals (hat algebra vs PPML with offsets), CLI contract."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzecon import gravity
from kzecon.cli import main
from kzecon.errors import CollinearityWarning, CoverageError, SchemaError, SpecificationError
from kzecon.gravity.simulate import simulate_panel

REF = Path(__file__).parent / "references" / "gravity"


@pytest.fixture(scope="module")
def yotov():
    return gravity.replicate.estimates_table(gravity.replicate.yotov2016())


def test_yotov2016_published_tables(yotov):
    pub = pd.read_csv(REF / "yotov2016_published.csv")
    m = pub.merge(yotov, on=["model", "term"], suffixes=("_pub", ""), validate="1:1")
    assert len(m) == len(pub) == 48
    # published to three decimals: |ours − published| ≤ 0.0005 (rounding), same N
    assert (m["estimate"] - m["estimate_pub"]).abs().max() <= 0.0005 + 1e-9
    se = m.dropna(subset=["std_error_pub"])
    assert (se["std_error"] - se["std_error_pub"]).abs().max() <= 0.0006  # Table 1/3 print 0.199 and 0.200
    assert (m["nobs"] == m["nobs_pub"]).all()


def test_unconfirmed_column_is_labelled(yotov):
    rta = yotov[(yotov["model"] == "ppml_border_unconfirmed") & (yotov["term"] == "rta")]["estimate"].iloc[0]
    assert rta == pytest.approx(0.409, abs=0.0005)  # the public replication's specification (raw PROVENANCE)


@pytest.fixture(scope="module")
def sim():
    return simulate_panel(40, 6, beta_policy=0.4, beta_pair_term=0.3, seed=1)


def test_ppml_recovers_known_effects(sim):
    f = gravity.estimation_frame(sim, intra_pair="own")  # the simulated DGP has a pair effect per domestic pair
    r = gravity.ppml(f, ["policy", "pair_term"])
    assert r.params["policy"] == pytest.approx(0.4, abs=3 * r.std_errors["policy"])
    assert abs(r.params["policy"] - 0.4) < 0.08
    # a pair-specific term rests on one pair's few flows: recover it where the noise is small
    quiet = gravity.estimation_frame(simulate_panel(40, 6, beta_policy=0.4, beta_pair_term=0.3, seed=1,
                                                    noise_shape=1e5), intra_pair="own")
    q = gravity.ppml(quiet, ["policy", "pair_term"])
    assert q.params["pair_term"] == pytest.approx(0.3, abs=0.02)
    assert q.params["policy"] == pytest.approx(0.4, abs=0.02)
    lead = gravity.ppml(gravity.add_leads_lags(f, "policy", leads=[4]), ["policy", "policy_lead4"])
    assert abs(lead.params["policy_lead4"]) < 3 * lead.std_errors["policy_lead4"]  # no anticipation in the truth


def test_rows_in_equal_rows_used_plus_dropped(sim):
    f = gravity.estimation_frame(sim)
    r = gravity.ppml(f, ["policy"])
    assert r.nobs + r.n_dropped == len(f)
    assert r.n_dropped > 0 and r.dropped["reason"].str.contains("all flows zero").any()
    o = gravity.ols_log(f, ["policy"], fe=("exp_year", "imp_year", "pair"))
    assert o.nobs + o.n_dropped == len(f)


def test_rescaling_flows_leaves_estimates_unchanged(sim):
    f = gravity.estimation_frame(sim)
    a = gravity.ppml(f, ["policy"])
    b = gravity.ppml(f.assign(flow=f["flow"] * 1e-6), ["policy"])
    assert b.params["policy"] == pytest.approx(a.params["policy"], rel=1e-6)
    assert b.std_errors["policy"] == pytest.approx(a.std_errors["policy"], rel=1e-5)


def test_row_order_does_not_matter(sim):
    f = gravity.estimation_frame(sim)
    a = gravity.ppml(f, ["policy"])
    b = gravity.ppml(f.sample(frac=1, random_state=3), ["policy"])
    assert b.params["policy"] == pytest.approx(a.params["policy"], rel=1e-8)


def test_bad_input(sim):
    bad = sim.copy()
    bad.loc[5, "exporter"] = None
    with pytest.raises(SchemaError, match="missing pair identifier"):
        gravity.estimation_frame(bad)
    neg = sim.copy()
    neg.loc[7, "flow"] = -1.0
    with pytest.raises(SchemaError, match="negative"):
        gravity.estimation_frame(neg)
    f = gravity.estimation_frame(sim)
    f["absorbed"] = f["exporter"].str[-1].astype(int)  # constant within exporter-year: absorbed by the FE
    with pytest.raises(SpecificationError, match="'?absorbed'?.*collinear"):
        gravity.ppml(f, ["policy", "absorbed"], collinear="raise")
    with pytest.warns(CollinearityWarning, match="absorbed"):  # the default, as fixest: omitted, listed, rest fitted
        r = gravity.ppml(f, ["policy", "absorbed"])
    assert list(r.params.index) == ["policy"] and "absorbed" in r.omitted
    alone = gravity.ppml(f, ["policy"])
    np.testing.assert_allclose(r.params, alone.params, rtol=1e-10)
    with pytest.raises(CoverageError, match="no flows between KAZ and CHN"):
        gravity.add_pair_term(f, "KAZ", "CHN", 2013)


def test_policy_table_and_pair_term():
    p = pd.DataFrame({"exporter": ["KAZ", "RUS", "KAZ", "CHN", "KAZ", "KAZ"],
                      "importer": ["RUS", "KAZ", "CHN", "KAZ", "KAZ", "RUS"],
                      "year": [2012, 2012, 2016, 2016, 2016, 2008], "flow": 1.0})
    f = gravity.estimation_frame(p)
    f = gravity.add_policy(f, "customs_union")
    f = gravity.add_policy(f, "eaeu")
    f = gravity.add_pair_term(f, "KAZ", "CHN", 2013, name="bri")
    g = f.set_index(["exporter", "importer", "year"])
    assert g.loc[("KAZ", "RUS", 2012), "customs_union"] == 1 and g.loc[("KAZ", "RUS", 2008), "customs_union"] == 0
    assert g.loc[("KAZ", "RUS", 2012), "eaeu"] == 0 and g.loc[("KAZ", "KAZ", 2016), "customs_union"] == 0
    assert g.loc[("CHN", "KAZ", 2016), "bri"] == 1 and g.loc[("KAZ", "RUS", 2012), "bri"] == 0


def _square(n=6, seed=0):
    rng = np.random.default_rng(seed)
    c = [f"C{i}" for i in range(n)]
    X = np.exp(rng.normal(size=(n, n))) + np.eye(n) * 20
    return pd.DataFrame([(c[i], c[j], X[i, j]) for i in range(n) for j in range(n)],
                        columns=["exporter", "importer", "flow"])


def test_conditional_ge_equals_ppml_with_offsets():
    """GEPPML step 2: PPML with exporter and importer FE and the counterfactual costs as offset gives the
    conditional equilibrium; the hat-algebra solver must agree."""
    import pyfixest as pf

    f = _square()
    f["d"] = np.where(((f["exporter"] == "C0") & (f["importer"] == "C1")) |
                      ((f["exporter"] == "C1") & (f["importer"] == "C0")), -0.5, 0.0)
    f["off"] = np.log(f["flow"]) + f["d"]
    m = pf.fepois("flow ~ 1 | exporter + importer", data=f, offset="off", iwls_tol=1e-13, iwls_maxiter=500,
                  fixef_rm="none")
    r = gravity.counterfactual(f, "d", kind="conditional")
    np.testing.assert_allclose(np.asarray(m.predict(type="response")), r.flows["counterfactual"], rtol=1e-5)


def test_full_ge_market_clearing_and_numeraire():
    f = _square(8, 2)
    f["d"] = np.where((f["exporter"] != f["importer"]) & f["exporter"].isin(["C2", "C3"]), 0.3, 0.0)
    r = gravity.counterfactual(f, "d", kind="full")
    c = r.countries.set_index("country")
    fl = r.flows
    Y1, Y0 = fl.groupby("exporter")["counterfactual"].sum(), fl.groupby("exporter")["baseline"].sum()
    E1, E0 = fl.groupby("importer")["counterfactual"].sum(), fl.groupby("importer")["baseline"].sum()
    p = 1 + c["factory_price_pct"] / 100
    np.testing.assert_allclose(Y1 / Y0, p, rtol=1e-9)  # every market clears at the new prices
    np.testing.assert_allclose(E1, p * Y0 + (E0 - Y0), rtol=1e-9)  # deficits fixed
    assert Y1.sum() == pytest.approx(Y0.sum(), rel=1e-12)  # numeraire: world output
    assert c.loc["C2", "exports_pct"] > 0 and c.loc["C2", "real_gdp_pct"] > 0
    zero = gravity.counterfactual(f.assign(d=0.0), "d", kind="full")
    assert np.allclose(zero.countries[["exports_pct", "real_gdp_pct"]].to_numpy(), 0, atol=1e-9)


def test_ge_needs_domestic_flows():
    f = _square()
    f = f[~((f["exporter"] == "C1") & (f["importer"] == "C1"))].assign(d=0.0)
    with pytest.raises(CoverageError, match="C1→C1"):
        gravity.counterfactual(f, "d")


def test_cli_replicate_contract(tmp_path):
    out = tmp_path / "g"
    assert main(["gravity", "--replicate", "yotov2016", "--out", str(out)]) == 0
    est = pd.read_csv(out / "estimates.csv")
    assert list(est.columns[:5]) == ["model", "term", "estimate", "std_error", "nobs"]
    row = est[(est["model"] == "ppml_pair_fe") & (est["term"] == "rta")].iloc[0]
    assert row["estimate"] == pytest.approx(0.557, abs=0.0005) and row["nobs"] == 28482


def test_non_convergence_is_an_error(sim):
    from kzecon.errors import ConvergenceError

    f = gravity.estimation_frame(sim)
    with pytest.raises(ConvergenceError, match="did not converge"):
        gravity.ppml(f, ["policy"], maxiter=1)


def test_ols_slope_invariant_to_currency_units(sim):
    f = gravity.estimation_frame(sim)
    a = gravity.ols_log(f, ["policy", "log_dist"], fe=("exp_year", "imp_year"))
    b = gravity.ols_log(f.assign(flow=f["flow"] * 1e-6), ["policy", "log_dist"], fe=("exp_year", "imp_year"))
    np.testing.assert_allclose(b.params, a.params, rtol=1e-8)
    np.testing.assert_allclose(b.std_errors, a.std_errors, rtol=1e-8)


def test_published_table_shipped_with_the_package_is_the_fixture():
    from importlib import resources

    shipped = (resources.files("kzecon.data") / "reference" / "yotov2016_published.csv").read_text()
    assert shipped == (REF / "yotov2016_published.csv").read_text()
