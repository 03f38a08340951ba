"""Multi-way clustered standard errors in PPML and OLS against R fixest 0.12.2 (tests/references/fixest: the script
and its output; benchmark gravity panel a, seed 12345), and the cluster argument's forms and errors."""

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzecon import gravity
from kzecon.errors import UsageError

REF = Path(__file__).parent / "references"
FIXEST = pd.read_csv(REF / "fixest" / "multiway_reference.csv").set_index("key")["value"]


@pytest.fixture(scope="module")
def panel_a():
    spec = importlib.util.spec_from_file_location("gp", REF / "gravity" / "gravity_panels.py")
    gp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gp)
    return gp.generate(*gp.SIZES["a"])[0]


@pytest.mark.parametrize("cluster", ["exp + imp", ["exp", "imp"], "exp + imp + year"])
def test_ppml_multiway_equals_fixest(panel_a, cluster):
    key = "+".join(cluster) if isinstance(cluster, list) else cluster.replace(" ", "")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = gravity.ppml(panel_a, "flow ~ rta + bri | ey + iy + pair", cluster=cluster, tol=1e-12)
    assert r.nobs == FIXEST[f"ppml|{key}|nobs"]
    for t in ("rta", "bri"):
        assert r.params[t] == pytest.approx(FIXEST[f"ppml|{key}|{t}|coef"], rel=1e-10)
        assert r.std_errors[t] == pytest.approx(FIXEST[f"ppml|{key}|{t}|se"], rel=1e-8)
    assert r.info["clusters"] == min(panel_a[c].nunique() for c in key.split("+"))
    assert key.replace("+", " + ") in r.info["covariance"]


def test_ols_multiway_equals_fixest(panel_a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = gravity.ols_log(panel_a, "flow ~ rta + bri + ln_dist | ey + iy", cluster="exp + imp")
    assert r.nobs == FIXEST["ols|exp+imp|nobs"]
    for t in ("rta", "bri", "ln_dist"):
        assert r.params[t] == pytest.approx(FIXEST[f"ols|exp+imp|{t}|coef"], rel=1e-10)
        assert r.std_errors[t] == pytest.approx(FIXEST[f"ols|exp+imp|{t}|se"], rel=1e-8)


def test_one_dimension_in_a_list_equals_the_name(panel_a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = gravity.ppml(panel_a, "flow ~ rta + bri | ey + iy + pair", cluster="pair")
        b = gravity.ppml(panel_a, "flow ~ rta + bri | ey + iy + pair", cluster=["pair"])
    np.testing.assert_array_equal(a.std_errors, b.std_errors)


@pytest.mark.parametrize("bad", ["exp + exp", "exp + ", ["exp", 3], []])
def test_bad_cluster_specs_are_usage_errors(panel_a, bad):
    with pytest.raises(UsageError, match="cluster"):
        gravity.ppml(panel_a, "flow ~ rta | ey + iy + pair", cluster=bad)
