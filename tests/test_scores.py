"""kzecon's ensemble CRPS against scoringrules called directly (the library whose estimator it reproduces)."""

import numpy as np
import scoringrules as sr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kzecon.forecast.scores import crps_ensemble


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 40)),
              elements=st.floats(-1e3, 1e3, allow_nan=False)),
       st.floats(-1e3, 1e3, allow_nan=False))
def test_crps_equals_scoringrules(fct, y):
    obs = np.full(fct.shape[0], y)
    np.testing.assert_allclose(crps_ensemble(obs, fct), sr.crps_ensemble(obs, fct), rtol=1e-10, atol=1e-9)


def test_crps_shapes_ties_and_missing_observations():
    rng = np.random.default_rng(0)
    fct = np.round(rng.normal(size=(3, 5, 200)), 1)  # many tied members
    obs = rng.normal(size=(3, 5))
    obs[1, 2] = np.nan
    ours, ref = crps_ensemble(obs, fct), sr.crps_ensemble(obs, fct)
    assert ours.shape == (3, 5) and np.isnan(ours[1, 2]) and np.isnan(ref[1, 2])
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    assert float(crps_ensemble(0.3, [1.0])) == 0.7  # one member: the absolute error (by hand)


def test_consistency_band_by_hand():
    """The 95% consistency band of a reliability point: the 2.5% and 97.5% quantiles of Binomial(n, p) / n, here
    from the binomial CDF summed by hand (math.comb), n = 20, p = 0.3 and n = 7, p = 0.9."""
    from math import comb

    from kzecon.forecast.scores import consistency_band

    def quantile(n, p, q):  # the smallest k with P(X <= k) >= q
        c = 0.0
        for k in range(n + 1):
            c += comb(n, k) * p ** k * (1 - p) ** (n - k)
            if c >= q - 1e-12:
                return k
        return n

    lo, hi = consistency_band([0.3, 0.9], [20, 7])
    np.testing.assert_allclose(lo, [quantile(20, 0.3, 0.025) / 20, quantile(7, 0.9, 0.025) / 7])
    np.testing.assert_allclose(hi, [quantile(20, 0.3, 0.975) / 20, quantile(7, 0.9, 0.975) / 7])
    assert (lo[0], hi[0]) == (2 / 20, 10 / 20)  # P(X ≤ 1) = 0.0076, P(X ≤ 2) = 0.0355; P(X ≤ 9) = 0.952, ≤ 10: 0.983
