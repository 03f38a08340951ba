"""Separation as ppmlhdfe defines it, on ppmlhdfe's 18 published data sets (tests/references/separation, each with
the answer in its `separated` column): exactly those rows dropped as separated, singletons counted apart, collinear
regressors omitted with a warning and listed on the result, no raw numpy exception, each file well under a minute."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzecon.errors import CollinearityWarning, DroppedRowsWarning, KzeconError
from kzecon.gravity import PPML

REF = Path(__file__).parent / "references" / "separation"
FILES = sorted(REF.glob("*.csv"))


def _formula(d: pd.DataFrame) -> str:
    xs = [c for c in d.columns if c.startswith("x")]
    ids = [c for c in d.columns if c.startswith("id")]
    return "y ~ " + (" + ".join(xs) if xs else "1") + (" | " + " + ".join(ids) if ids else "")


def test_all_eighteen_files_are_there():
    assert len(FILES) == 18


@pytest.mark.parametrize("check", [("fe",), ("fe", "ir")], ids=["default", "rectifier"])
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_exactly_the_published_separated_rows(path, check):
    d = pd.read_csv(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (CollinearityWarning, DroppedRowsWarning))
        m = PPML(d, _formula(d), cluster=None, separation_check=check)
        r = m.fit()
    truth = d["separated"].to_numpy().astype(bool)
    assert np.array_equal(m.separated, truth), (np.flatnonzero(m.separated), np.flatnonzero(truth))
    sep_rows = int(r.dropped.loc[~r.dropped["reason"].str.startswith("singleton"), "rows"].sum())
    assert sep_rows == truth.sum()  # separated rows counted apart from singletons
    assert r.nobs == int(m.keep.sum())
    assert np.all(np.isfinite(r.params)) and np.all(np.isfinite(r.std_errors))


def test_collinear_regressor_after_separation_is_omitted_and_listed():
    """05.csv: once its separated row is gone, x4 is collinear with the constant; ppmlhdfe and fixest omit it with
    a note and go on, as kzecon now does (collinear='raise' keeps the error)."""
    d = pd.read_csv(REF / "05.csv")
    with pytest.warns(CollinearityWarning, match="x4"):
        r = PPML(d, _formula(d), cluster=None).fit()
    assert "x4" in r.omitted and "x4" not in r.params.index
    assert "omitted" in r.summary() and "x4" in r.summary()
    with pytest.raises(KzeconError, match="x4"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DroppedRowsWarning)
            PPML(d, _formula(d), cluster=None, collinear="raise").fit()


def test_after_separation_the_estimates_equal_a_fit_without_those_rows():
    """Dropping the separated rows is all the correction does: the estimates equal statsmodels' Poisson GLM fitted
    directly on the remaining rows (16.csv: no fixed effects, 29 separated rows)."""
    import statsmodels.api as sm

    d = pd.read_csv(REF / "16.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = PPML(d, _formula(d), cluster=None)
        r = m.fit()
    rest = d[~d["separated"].astype(bool)]
    keep = list(r.params.index)
    glm = sm.GLM(rest["y"], sm.add_constant(rest[keep]), family=sm.families.Poisson()).fit(tol=1e-12)
    np.testing.assert_allclose(r.params.to_numpy(), glm.params[keep].to_numpy(), rtol=1e-7, atol=1e-9)
