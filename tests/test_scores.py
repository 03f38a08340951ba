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
