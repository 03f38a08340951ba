"""kzecon's fast PPML (backend="kzecon") against pyfixest: same coefficients (1e-8 relative), same clustered
standard errors (1e-6), same observations and dropped rows by reason, same convergence verdicts.

References: pyfixest.fepois on benchmark panels a and b, stored with the script that made them
(tests/references/gravity/make_pyfixest_reference.py, pyfixest 0.60.0); pyfixest called directly here on the
Advanced Guide panel and on small constructed panels.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzecon import gravity
from kzecon.errors import CollinearityWarning, ConvergenceError, SchemaError, SpecificationError, UsageError

REF = Path(__file__).parent / "references" / "gravity"
TIGHT = None


def setup_module():
    global TIGHT
    from pyfixest.demeaners import MapDemeaner

    TIGHT = MapDemeaner(fixef_tol=1e-12)  # pyfixest's default 1e-6 leaves ~2e-6 relative error in the s.e.


def _panels():
    spec = importlib.util.spec_from_file_location("gravity_panels", REF / "gravity_panels.py")
    gp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gp)
    return gp


@pytest.fixture(scope="module")
def panel_a():
    gp = _panels()
    return gp.generate(*gp.SIZES["a"])[0]


@pytest.mark.parametrize("size", ["a", "b"])
def test_fast_ppml_equals_pyfixest_on_benchmark_panels(size, request):
    gp = _panels()
    df = request.getfixturevalue("panel_a") if size == "a" else gp.generate(*gp.SIZES[size])[0]
    ref = pd.read_csv(REF / "pyfixest_panels.csv").query("panel == @size").set_index("term")
    r = gravity.ppml(df, "flow ~ rta + bri | ey + iy + pair", cluster="pair")
    assert list(r.params.index) == ["rta", "bri"]
    np.testing.assert_allclose(r.params[ref.index], ref["estimate"], rtol=1e-8)
    np.testing.assert_allclose(r.std_errors[ref.index], ref["std_error"], rtol=1e-6)
    assert r.nobs == ref["nobs"].iloc[0] and r.nobs + r.n_dropped == len(df) == ref["rows"].iloc[0]
    assert r.info["backend"] == "kzecon"


@pytest.fixture(scope="module")
def agtpa():
    from kzecon.data import load_gravity

    return gravity.estimation_frame(load_gravity("agtpa"), interval=4, pair="symmetric")


def test_fast_ppml_equals_pyfixest_on_the_advanced_guide_panel(agtpa):
    """kzecon against pyfixest.fepois left to its own sample rules on the same frame (stored reference, panel
    "agtpa" of make_pyfixest_reference.py): same observations, coefficients and clustered errors."""
    ref = pd.read_csv(REF / "pyfixest_panels.csv").query("panel == 'agtpa'").set_index("term")
    fast = gravity.ppml(agtpa, ["rta", "rta_lag4"], name="m")
    assert fast.nobs == ref["nobs"].iloc[0]
    np.testing.assert_allclose(fast.params[ref.index], ref["estimate"], rtol=1e-8)
    np.testing.assert_allclose(fast.std_errors[ref.index], ref["std_error"], rtol=1e-6)
    assert fast.n_dropped == len(agtpa) - fast.nobs


def _separated_panel(seed=3):
    """A small three-way panel with a zero-only exporter-year group (whose removal empties a pair) and a
    singleton pair."""
    rng = np.random.default_rng(seed)
    c = [f"C{i}" for i in range(8)]
    rows = [(e, i, y) for e in c for i in c if e != i for y in (2000, 2001, 2002, 2003)]
    df = pd.DataFrame(rows, columns=["exporter", "importer", "year"])
    df["rta"] = ((df["exporter"] < "C3") & (df["importer"] < "C3") & (df["year"] >= 2002)).astype(int)
    df["x"] = rng.normal(size=len(df))
    df["flow"] = rng.poisson(np.exp(1 + 0.5 * df["rta"] + 0.2 * df["x"] + rng.normal(size=len(df)))).astype(float)
    df.loc[(df["exporter"] == "C5") & (df["year"] == 2001), "flow"] = 0.0
    df.loc[(df["exporter"] == "C6") & (df["importer"] == "C7"), "flow"] = 0.0
    df = df[~((df["exporter"] == "C7") & (df["importer"] == "C4") & (df["year"] > 2000))]  # a singleton pair
    return df.reset_index(drop=True)


def test_separation_and_singletons_dropped_alike_by_both_backends():
    import pyfixest as pf

    df = _separated_panel()
    fast = gravity.ppml(df, "flow ~ rta + x | exp_year + imp_year + pair", cluster="pair")
    slow = gravity.ppml(df, "flow ~ rta + x | exp_year + imp_year + pair", cluster="pair", backend="pyfixest")
    pd.testing.assert_frame_equal(fast.dropped, slow.dropped)
    reasons = dict(zip(fast.dropped["reason"], fast.dropped["rows"], strict=True))
    assert reasons[gravity.ppml.__globals__["SINGLETON"]] == 1
    assert reasons["all flows zero within a exp_year group (PPML separation by fixed effects)"] == 7
    assert reasons["all flows zero within a pair group (PPML separation by fixed effects)"] == 4
    assert fast.nobs + fast.n_dropped == len(df)
    np.testing.assert_allclose(fast.params, slow.params, rtol=1e-8)
    np.testing.assert_allclose(fast.std_errors, slow.std_errors, rtol=1e-6)
    d = df.assign(ey=df["exporter"] + df["year"].astype(str), iy=df["importer"] + df["year"].astype(str),
                  pr=df["exporter"] + df["importer"])
    direct = pf.fepois("flow ~ rta + x | ey + iy + pr", data=d, vcov={"CRV1": "pr"}, ssc=pf.ssc(k_adj=False),
                       iwls_tol=1e-12, demeaner=TIGHT, separation_check=["fe"])
    assert direct._N == fast.nobs
    np.testing.assert_allclose(fast.params.to_numpy(), direct.coef().to_numpy(), rtol=1e-8)


def test_same_convergence_verdicts():
    df = _separated_panel()
    for backend in ("kzecon", "pyfixest"):
        with pytest.raises(ConvergenceError, match="did not converge in 2 iterations"):
            gravity.ppml(df, "flow ~ rta + x | exp_year + imp_year + pair", backend=backend, maxiter=2)
        ok = gravity.ppml(df, "flow ~ rta + x | exp_year + imp_year + pair", backend=backend, maxiter=25)
        assert np.isfinite(ok.params).all()


def test_collinear_regressor_named_by_both_backends():
    df = _separated_panel().assign(twice=lambda d: 2 * d["x"] + d["rta"])
    fml = "flow ~ rta + x + twice | exp_year + imp_year + pair"
    for backend in ("kzecon", "pyfixest"):
        with pytest.raises(SpecificationError, match="twice"):
            gravity.ppml(df, fml, backend=backend, collinear="raise")
        with pytest.warns(CollinearityWarning, match="twice"):  # the default: omitted (as fixest), the rest fitted
            r = gravity.ppml(df, fml, backend=backend)
        assert "twice" in r.omitted and list(r.params.index) == ["rta", "x"]
        without = gravity.ppml(df, "flow ~ rta + x | exp_year + imp_year + pair", backend=backend)
        np.testing.assert_allclose(r.params, without.params, rtol=1e-9)
        np.testing.assert_allclose(r.std_errors, without.std_errors, rtol=1e-7)


def test_refit_with_replaced_regressor_equals_a_fresh_fit(panel_a):
    rng = np.random.default_rng(7)
    model = gravity.PPML(panel_a, "flow ~ rta + bri | ey + iy + pair", cluster="pair")
    base = model.fit()
    placebo = rng.permutation(panel_a["rta"].to_numpy())
    refit = model.fit(replace={"rta": placebo})
    fresh = gravity.ppml(panel_a.assign(rta=placebo), "flow ~ rta + bri | ey + iy + pair", cluster="pair")
    np.testing.assert_allclose(refit.params, fresh.params, rtol=1e-8)
    np.testing.assert_allclose(refit.std_errors, fresh.std_errors, rtol=1e-6)
    assert refit.stats["iterations"] <= fresh.stats["iterations"]
    assert base.params["rta"] != pytest.approx(refit.params["rta"], rel=1e-3)


def test_coefficient_only_refits_equal_full_refits(panel_a):
    """se=False (placebo refits) skips the last demeaning and the sandwich: the same coefficients exactly, no
    standard errors; and the placebo refits of randomization inference equal full refits."""
    rng = np.random.default_rng(8)
    model = gravity.PPML(panel_a, "flow ~ rta + bri | ey + iy + pair", cluster="pair")
    model.fit()
    for _ in range(3):
        placebo = rng.permutation(panel_a["rta"].to_numpy())
        full = model.fit(replace={"rta": placebo})
        quick = model.fit(replace={"rta": placebo}, se=False)
        np.testing.assert_array_equal(quick.params.to_numpy(), full.params.to_numpy())
        assert quick.std_errors.isna().all() and quick.stats["demeaning_sweeps"] < full.stats["demeaning_sweeps"]
        fresh = gravity.ppml(panel_a.assign(rta=placebo), "flow ~ rta + bri | ey + iy + pair", cluster="pair")
        np.testing.assert_allclose(quick.params, fresh.params, rtol=1e-8)


def test_start_from_another_specification_equals_a_cold_fit(panel_a):
    """A model started at another specification's fitted means (the event model after the static one) reaches
    the cold fit's estimate in fewer IRLS iterations; a different sample is refused."""
    static = gravity.PPML(panel_a, "flow ~ rta | ey + iy + pair", cluster="pair")
    static.fit()
    warm = gravity.PPML(panel_a, "flow ~ rta + bri | ey + iy + pair", cluster="pair")
    assert warm.start_from(static)
    w = warm.fit()
    cold = gravity.ppml(panel_a, "flow ~ rta + bri | ey + iy + pair", cluster="pair")
    ref = pd.read_csv(REF / "pyfixest_panels.csv").query("panel == 'a'").set_index("term")  # pyfixest, stored
    np.testing.assert_allclose(w.params[ref.index], ref["estimate"], rtol=1e-8)
    np.testing.assert_allclose(w.std_errors[ref.index], ref["std_error"], rtol=1e-6)
    np.testing.assert_allclose(w.params, cold.params, rtol=1e-8)
    np.testing.assert_allclose(w.std_errors, cold.std_errors, rtol=1e-6)
    assert w.stats["iterations"] < cold.stats["iterations"]
    other = gravity.PPML(panel_a.iloc[1:], "flow ~ rta + bri | ey + iy + pair", cluster="pair")
    assert not other.start_from(static)


def test_formula_errors_are_usage_errors(panel_a):
    with pytest.raises(UsageError, match="no '~'"):
        gravity.ppml(panel_a, "flow rta | ey")
    with pytest.raises(UsageError, match="empty term"):
        gravity.ppml(panel_a, "flow ~ rta + | ey")
    with pytest.raises(SchemaError, match="'nope' is not a column"):
        gravity.ppml(panel_a, "flow ~ rta | ey + nope")
    with pytest.raises(SchemaError, match="built-in 'exp_year' needs column"):
        gravity.ppml(panel_a, "flow ~ rta | exp_year")
    with pytest.raises(UsageError, match="backend"):
        gravity.ppml(panel_a, "flow ~ rta | ey", backend="fixest")


def test_builtin_fixed_effects_equal_explicit_columns():
    df = _separated_panel()
    a = gravity.ppml(df, "flow ~ rta + x | exp_year + imp_year + pair", cluster="pair_id")
    d = df.assign(e=df["exporter"] + "_" + df["year"].astype(str), i=df["importer"] + "_" + df["year"].astype(str),
                  p=df["exporter"] + ">" + df["importer"],
                  s=np.where(df["exporter"] < df["importer"], df["exporter"] + df["importer"],
                             df["importer"] + df["exporter"]))
    b = gravity.ppml(d, "flow ~ rta + x | e + i + p", cluster="s")
    c = gravity.ppml(d, "flow ~ rta + x | exporter^year + importer^year + exporter^importer", cluster="s")
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10)
    np.testing.assert_allclose(a.std_errors, b.std_errors, rtol=1e-10)
    np.testing.assert_allclose(c.params, b.params, rtol=1e-10)


def test_pyfixest_attributes_kzecon_reads_are_still_there(panel_a):
    """Every private pyfixest attribute kzecon reads (``PYFIXEST_ATTRIBUTES``) exists on a fitted fepois: a
    pyfixest release that renames one fails here, not silently in a result; a missing one is an
    EstimationError naming it."""
    import pyfixest as pf

    from kzecon.errors import EstimationError
    from kzecon.gravity.ppml import PYFIXEST_ATTRIBUTES, pyfixest_attr

    m = pf.fepois("flow ~ rta + bri | ey + iy", data=panel_a, vcov={"CRV1": "pair"})
    missing = [a for a in PYFIXEST_ATTRIBUTES if not hasattr(m, a)]
    assert not missing, f"pyfixest {pf.__version__} lacks {missing}"
    assert pyfixest_attr(m, "_N") == m._N > 0

    class Renamed:
        pass

    with pytest.raises(EstimationError, match="_vcov"):
        pyfixest_attr(Renamed(), "_vcov")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_constant_within_equals_pandas_groupby(data):
    """hdfe.constant_within (the absorbed-regressor check) against pandas' groupby nunique on the same columns."""
    from kzecon import hdfe

    n = data.draw(st.integers(2, 60))
    g1 = np.array(data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)))
    g2 = np.array(data.draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)))
    vals = st.sampled_from([0.0, 1.0, -2.5, 3e6])
    X = np.column_stack([data.draw(st.lists(vals, min_size=n, max_size=n)) for _ in range(3)])
    X[:, 2] = X[:, 0][g1] if n > 4 else X[:, 2]  # a column constant within g1 by construction (when n allows)
    got = hdfe.constant_within(hdfe.FixedEffects.from_arrays([g1, g2], ("a", "b")), X)
    frame = pd.DataFrame(X, columns=list("xyz")).assign(a=g1, b=g2)
    for name in ("a", "b"):
        want = (frame.groupby(name)[list("xyz")].nunique() <= 1).all().to_numpy()
        assert got[name].tolist() == want.tolist()


# the IRLS iteration's row kernels (kzecon.gravity._kernels) against the numpy expressions they replace ------------

@settings(max_examples=40, deadline=None, derandomize=True)
@given(n=st.integers(1, 400), k=st.integers(0, 4), chunks=st.integers(1, 3), seed=st.integers(0, 10**6),
       zeros=st.floats(0, 1))
def test_irls_row_kernels_equal_numpy(n, k, chunks, seed, zeros):
    """working variable, weighted cross-products, the η/μ update and the deviance, threaded (rows split into
    ``chunks``) and serial, equal the numpy formulas of the IRLS step (including rows with y = 0)."""
    from kzecon.gravity import _kernels as kern
    from kzecon.gravity.poisson import deviance

    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < zeros, 0.0, rng.gamma(0.5, 10.0, n))
    eta, off = rng.normal(0, 2, n), rng.normal(0, 0.5, n)
    mu = np.exp(eta)
    r = np.ascontiguousarray(rng.normal(size=(n, k + 1)))
    beta = rng.normal(size=k)
    bounds = np.linspace(0, n, min(chunks, n) + 1).astype(np.int64)
    for threaded in (True, False):
        v = np.zeros((n, k + 1))
        (kern.working_variable if threaded else kern.working_variable_serial)(eta, off, y, mu, v, bounds)
        np.testing.assert_allclose(v[:, 0], eta - off + y / mu - 1.0, rtol=1e-14)
        gram = (kern.weighted_gram if threaded else kern.weighted_gram_serial)(r, mu, bounds)
        np.testing.assert_allclose(gram, (r * mu[:, None]).T @ r, rtol=1e-10, atol=1e-10 * np.abs(gram).max())
        # to the bit: each chunk's sums row by row in order (w·r_a)·r_b, then the chunks in order (Python floats)
        seq = np.zeros((k + 1, k + 1))
        for t in range(len(bounds) - 1):  # the serial twin sums by the same chunks
            acc = [[0.0] * (k + 1) for _ in range(k + 1)]
            for i in range(bounds[t], bounds[t + 1]):
                for a in range(k + 1):
                    x = float(mu[i]) * float(r[i, a])
                    for b in range(a, k + 1):
                        acc[a][b] += x * float(r[i, b])
            seq += np.triu(np.array(acc))
        np.testing.assert_array_equal(gram, np.triu(seq) + np.triu(seq, 1).T)
        e2, m2 = np.empty(n), np.empty(n)
        dev = (kern.poisson_step if threaded else kern.poisson_step_serial)(v, r, beta, off, y, e2, m2, bounds)
        want = v[:, 0] - (r[:, 0] - r[:, 1:] @ beta) + off
        np.testing.assert_allclose(e2, want, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(m2, np.exp(want), rtol=1e-12)
        np.testing.assert_allclose(dev, deviance(y, np.exp(want)), rtol=1e-10, atol=1e-10)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(n=st.integers(1, 300), q=st.integers(1, 3), k=st.integers(1, 3), chunks=st.integers(1, 3),
       seed=st.integers(0, 10**6))
def test_residual_kernel_equals_the_sum_of_fixed_effects(n, q, k, chunks, seed):
    """r = v − Σ_q α[codes_q]: one pass over the rows, threaded and serial, against numpy fancy indexing."""
    from kzecon import hdfe
    from kzecon.hdfe import _kernels as kern

    rng = np.random.default_rng(seed)
    fe = hdfe.FixedEffects.from_arrays([rng.integers(0, 7, n) for _ in range(q)], [f"f{i}" for i in range(q)])
    G = int(fe.offsets[-1])
    v, alpha = rng.normal(size=(n, k)), rng.normal(size=(G, k))
    want = v - sum(alpha[fe.codes[i]] for i in range(q))
    bounds = np.linspace(0, n, min(chunks, n) + 1).astype(np.int64)
    for f in (kern.residual, kern.residual_serial):
        r = np.empty_like(v)
        f(fe.codes, v, alpha, r, bounds)
        np.testing.assert_allclose(r, want, rtol=1e-13, atol=1e-13)


@settings(max_examples=30, deadline=None, derandomize=True)  # the first call compiles the kernels
@given(n=st.integers(1, 300), q=st.integers(1, 3), k=st.integers(1, 3), chunks=st.integers(1, 3),
       seed=st.integers(0, 10**6))
def test_fused_sweep_equals_residual_then_sweep(n, q, k, chunks, seed):
    """The sweep's fused passes: ``first`` = 1 (the starting residual computed in the first pass) gives what computing
    r = v − Σ_q α[codes_q] with numpy and sweeping gives, ``first`` = 2 what extrapolating r − c·(r − r_prev) with
    numpy and sweeping gives; ``copy`` leaves the swept residual in ``r_copy``; the
    groups' weight sums of all fixed effects in one pass equal numpy's bincount, fixed effect by fixed effect."""
    from kzecon import hdfe
    from kzecon.hdfe import _kernels as kern

    rng = np.random.default_rng(seed)
    fe = hdfe.FixedEffects.from_arrays([rng.integers(0, 7, n) for _ in range(q)], [f"f{i}" for i in range(q)])
    G = int(fe.offsets[-1])
    w = rng.uniform(0.1, 2.0, n)
    wsum = np.concatenate([np.bincount(fe.local(i), weights=w) for i in range(q)])
    np.testing.assert_allclose(kern.all_group_sums(fe.codes, G, w), wsum, rtol=1e-13)
    inv = 1.0 / wsum
    v, alpha0 = rng.normal(size=(n, k)), rng.normal(size=(G, k))
    bounds = np.linspace(0, n, min(chunks, n) + 1).astype(np.int64)
    T = len(bounds) - 1
    for f in (kern.sweep, kern.sweep_serial):
        r_ref = v - sum(alpha0[fe.codes[i]] for i in range(q))
        a_ref = alpha0.copy()
        f(fe.codes, fe.offsets, w, inv, r_ref, a_ref, np.empty((G, k)), np.empty((T, G, k)), bounds,
          np.empty((n, k)), False, v, 0, np.zeros(k))
        r, a, copy = np.full((n, k), np.nan), alpha0.copy(), np.full((n, k), np.nan)
        f(fe.codes, fe.offsets, w, inv, r, a, np.empty((G, k)), np.empty((T, G, k)), bounds, copy, True, v, 1,
          np.zeros(k))
        np.testing.assert_allclose(r, r_ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(a, a_ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(copy, r)
        # first = 2: the acceleration's extrapolation r − c·(r − r_copy) applied in the first pass
        c = rng.normal(size=k)
        prev = rng.normal(size=(n, k))
        r_ref, a_ref = r - c * (r - prev), a.copy()
        f(fe.codes, fe.offsets, w, inv, r_ref, a_ref, np.empty((G, k)), np.empty((T, G, k)), bounds,
          np.empty((n, k)), False, v, 0, np.zeros(k))
        f(fe.codes, fe.offsets, w, inv, r, a, np.empty((G, k)), np.empty((T, G, k)), bounds, prev, False, v, 2, c)
        np.testing.assert_allclose(r, r_ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(a, a_ref, rtol=1e-12, atol=1e-12)


def test_irls_row_kernels_return_inf_where_a_mean_underflows():
    """A fit running off to infinity (separation) drives some μ to 0: the kernels give inf/NaN as numpy does (the
    IRLS then stops and the separation check takes over) instead of raising ZeroDivisionError."""
    from kzecon.gravity import _kernels as kern

    y, off = np.array([1.0, 0.0, 2.0]), np.zeros(3)
    eta = np.array([-800.0, 0.0, 1.0])  # exp(-800) underflows to 0
    mu = np.exp(eta)
    bounds = np.array([0, 3])
    for threaded in (True, False):
        v = np.zeros((3, 1))
        (kern.working_variable if threaded else kern.working_variable_serial)(eta, off, y, mu, v, bounds)
        assert np.isinf(v[0, 0]) and np.isfinite(v[1:, 0]).all()
        r = np.zeros((3, 1))
        r[:, 0] = [800.0, 0.0, 0.0]  # the step takes η back to −800 for the first row
        e2, m2 = np.empty(3), np.empty(3)
        dev = (kern.poisson_step if threaded else kern.poisson_step_serial)(
            np.zeros((3, 1)), r, np.zeros(0), off, y, e2, m2, bounds)
        assert m2[0] == 0.0 and not np.isfinite(dev)


def test_threaded_and_serial_kernels_are_cached_apart():
    """numba's on-disk cache keys an entry by the function's module, qualified name, line and argument types, not
    by ``parallel=True``: a serial twin compiled from the same Python function under the same name shared the
    threaded kernel's cache entry, and whichever was compiled first ran for both (the threaded sweeps on one core).
    Every threaded kernel and its serial twin must have cache index files of their own."""
    from kzecon.gravity import _kernels as gk
    from kzecon.hdfe import _kernels as hk

    pairs = [(hk.sweep, hk.sweep_serial), (hk.residual, hk.residual_serial), (hk.weighted_sd, hk.weighted_sd_serial),
             (hk.take_columns, hk.take_columns_serial), (hk.put_columns, hk.put_columns_serial),
             (gk.working_variable, gk.working_variable_serial), (gk.weighted_gram, gk.weighted_gram_serial),
             (gk.poisson_step, gk.poisson_step_serial)]
    for threaded, serial in pairs:
        assert threaded.targetoptions.get("parallel") and not serial.targetoptions.get("parallel")
        assert threaded._cache._cache_file._index_path != serial._cache._cache_file._index_path


@settings(max_examples=30, deadline=None, derandomize=True)  # the first call compiles the kernels
@given(n=st.integers(1, 300), k=st.integers(1, 4), chunks=st.integers(1, 3), seed=st.integers(0, 10**6))
def test_weighted_sd_kernel_equals_numpy(n, k, chunks, seed):
    """The demeaning's scale: each column's weighted standard deviation, threaded and serial, against numpy's
    weighted averages."""
    from kzecon.hdfe import _kernels as kern

    rng = np.random.default_rng(seed)
    v, w = rng.normal(rng.normal(0, 10), 3, size=(n, k)), rng.uniform(0.01, 5.0, n)
    want = np.sqrt(np.average((v - np.average(v, axis=0, weights=w)) ** 2, axis=0, weights=w))
    bounds = np.linspace(0, n, min(chunks, n) + 1).astype(np.int64)
    for f in (kern.weighted_sd, kern.weighted_sd_serial):
        np.testing.assert_allclose(f(v, w, bounds), want, rtol=1e-10, atol=1e-12)


@settings(max_examples=40, deadline=None, derandomize=True)  # the first call compiles the kernels
@given(n=st.integers(1, 200), k=st.integers(1, 6), chunks=st.integers(1, 3), seed=st.integers(0, 10**6),
       data=st.data())
def test_column_kernels_equal_numpy_indexing(n, k, chunks, seed, data):
    """The demeaning's working-set moves against numpy's fancy indexing: ``take_columns`` (x[:, keep] into an
    array), ``put_columns`` (dst[:, to] = src[:, frm]), threaded and serial, and ``compact_columns`` (x[:, keep]
    in the front of x's own buffer)."""
    from kzecon.hdfe import _kernels as kern

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k))
    keep = np.array(sorted(data.draw(st.sets(st.integers(0, k - 1), min_size=1))), dtype=np.int64)
    J = len(keep)
    bounds = np.linspace(0, n, min(chunks, n) + 1).astype(np.int64)
    for take, put in ((kern.take_columns, kern.put_columns), (kern.take_columns_serial, kern.put_columns_serial)):
        out = np.full((n, J), np.nan)
        take(x, keep, out, bounds)
        np.testing.assert_array_equal(out, x[:, keep])
        dst, src = rng.normal(size=(n, k)), rng.normal(size=(n, J))
        to = rng.permutation(k)[:J].astype(np.int64)
        frm = rng.permutation(J).astype(np.int64)
        want = dst.copy()
        want[:, to] = src[:, frm]
        put(dst, src, to, frm, bounds)
        np.testing.assert_array_equal(dst, want)
    y = x.copy()
    kern.compact_columns(y, keep)
    np.testing.assert_array_equal(y.reshape(-1)[: n * J].reshape(n, J), x[:, keep])


def _projection_residual(v, codes, w):
    """The weighted residual of v's columns on the dummies of every fixed effect: least squares by numpy (an
    independent reference for the alternating projections)."""
    D = np.column_stack([np.eye(int(c.max()) + 1)[c] for c in codes])
    sw = np.sqrt(w)[:, None]
    coef = np.linalg.lstsq(D * sw, v * sw, rcond=None)[0]
    return v - D @ coef


@settings(max_examples=40, deadline=None, derandomize=True)
@given(n=st.integers(2, 120), q=st.integers(1, 3), k=st.integers(1, 6), seed=st.integers(0, 10**6),
       threaded=st.booleans(), warm=st.booleans(), buffers=st.booleans())
def test_demeaning_with_columns_converging_apart_equals_least_squares(n, q, k, seed, threaded, warm, buffers):
    """Columns that converge at different sweeps (some absorbed by the fixed effects at once, some already solved
    by a warm start, some slow) leave the working set one by one; every column's residual still equals the
    weighted least-squares residual on the fixed effects' dummies, ``alpha`` is the caller's array updated in
    place with v − Σ_q alpha[codes_q] = residual, and the residuals go into the caller's ``out`` when given."""
    from kzecon import hdfe

    rng = np.random.default_rng(seed)
    codes = [rng.integers(0, max(1, n // 4), n) for _ in range(q)]
    fe = hdfe.FixedEffects.from_arrays(codes, [f"f{i}" for i in range(q)])
    local = [fe.local(i) for i in range(q)]
    w = rng.uniform(0.05, 3.0, n)
    kinds = rng.integers(0, 3, k)  # 0: slow (random), 1: absorbed (a sum of group effects), 2: mixed
    v = np.empty((n, k))
    for j, kind in enumerate(kinds):
        effects = sum(rng.normal(size=int(c.max()) + 1)[c] for c in local)
        v[:, j] = effects if kind == 1 else rng.normal(size=n) * rng.uniform(0.1, 100) + (kind == 2) * effects
    want = _projection_residual(v, local, w)
    d = hdfe.Demeaner(fe, w)
    alpha = np.zeros((int(fe.offsets[-1]), k))
    if warm:  # the first column starts at its solution (a refit's kept regressor)
        alpha[:, :1] = d.demean(v[:, :1].copy(), tol=1e-14)[1]
    out, scratch = (np.empty((n, k)), np.empty((n, k))) if buffers else (None, None)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hdfe, "PARALLEL_MIN_ROWS", 0 if threaded else 10**9)
        r, a, sweeps, ok = d.demean(v, alpha, tol=1e-13, out=out, scratch=scratch)
    assert ok and a is alpha
    if buffers:
        assert r is out
    size = np.abs(v).max(axis=0) + 1e-12  # a column's magnitude: the tolerance is relative to it
    for j in range(k):
        np.testing.assert_allclose(r[:, j], want[:, j], rtol=0, atol=1e-8 * size[j])
        np.testing.assert_allclose(v[:, j] - sum(alpha[fe.codes[i], j] for i in range(q)), r[:, j], rtol=0,
                                   atol=1e-12 * size[j])
    # stopped by the sweep limit (after an extrapolation, or with columns already out of the working set): the
    # residuals still are those of the coefficients returned
    for limit in (1, 2, 3, 4, 6):
        a0 = np.zeros_like(alpha)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(hdfe, "PARALLEL_MIN_ROWS", 0 if threaded else 10**9)
            r, a, sweeps, ok = d.demean(v, a0, tol=1e-13, maxiter=limit)
        assert sweeps <= limit + 1
        for j in range(k):
            np.testing.assert_allclose(v[:, j] - sum(a[fe.codes[i], j] for i in range(q)), r[:, j], rtol=0,
                                       atol=1e-12 * size[j])


def test_demeaning_buffers_are_checked():
    """``out`` and ``scratch`` must be N × K float64 C-order arrays apart from the columns and from each other: a
    UsageError (kzecon's, a ValueError) otherwise."""
    from kzecon import hdfe

    fe = hdfe.FixedEffects.from_arrays([np.array([0, 0, 1, 1])], ["g"])
    d, v = hdfe.Demeaner(fe, np.ones(4)), np.arange(8.0).reshape(4, 2)
    for out, scratch in ((np.empty((4, 3)), None), (np.empty((4, 2), dtype=np.float32), None),
                         (np.empty((2, 4)).T, None), (v, None), (None, v)):
        with pytest.raises(UsageError, match="float64 C-order"):
            d.demean(v, out=out, scratch=scratch)
    same = np.empty((4, 2))
    with pytest.raises(UsageError, match="two arrays"):
        d.demean(v, out=same, scratch=same)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 300), k=st.integers(0, 5), rows=st.integers(1, 64), seed=st.integers(0, 10_000),
       p=st.floats(0.0, 1.0))
def test_blockwise_stack_and_in_place_compaction_equal_numpy(n, k, rows, seed, p):
    """The design's blockwise column stack equals np.column_stack, and the in-place row compaction equals X[keep]
    (C order), for any block size, including none kept, all kept and no columns."""
    import sys

    ppml_mod = sys.modules["kzecon.gravity.ppml"]
    rng = np.random.default_rng(seed)
    cols = [rng.normal(size=n) for _ in range(k)]
    want = np.column_stack(cols) if cols else np.zeros((n, 0))
    X = ppml_mod._stack(cols, n, rows=rows)
    np.testing.assert_array_equal(X, want)
    assert X.flags.c_contiguous and X.shape == (n, k)
    keep = rng.random(n) < p
    out = ppml_mod._compact(X, keep, rows=rows)
    np.testing.assert_array_equal(out, want[keep])
    assert out.flags.c_contiguous and out.shape == (int(keep.sum()), k)
