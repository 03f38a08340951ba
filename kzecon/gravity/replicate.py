"""The Advanced Guide's chapter-1 gravity estimates (Yotov et al. 2016, Tables 1 and 3) on the bundled panel."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kzecon.data import load_gravity
from kzecon.results import ResultsSet

from .ppml import ols_log, ppml
from .spec import estimation_frame

GRAVITY_VARS = ["log_dist", "contig", "lang", "colony"]


def _ols_plain(frame: pd.DataFrame, regressors, name: str):
    """OLS without fixed effects (Table 1 columns 1–2), on pyfixest with clustered errors."""
    return ols_log(frame, regressors, fe=(), name=name)


def _with_size_and_remoteness(panel: pd.DataFrame) -> pd.DataFrame:
    """log output, log expenditure and Head's remoteness indexes (Table 1, columns 1–2).

    Y_it = Σ_j X_ijt, E_jt = Σ_i X_ijt (intra-national flows included), Y_t = Σ_i Y_it;
    REM_EXP_it = ln Σ_j dist_ij / (E_jt / Y_t), REM_IMP_jt = ln Σ_i dist_ij / (Y_it / Y_t).
    """
    a = panel.copy()
    a = a.join(a.groupby(["exporter", "year"])["flow"].sum().rename("Y"), on=["exporter", "year"])
    a = a.join(a.groupby(["importer", "year"])["flow"].sum().rename("E"), on=["importer", "year"])
    a = a.join(a.groupby("year")["flow"].sum().rename("W"), on="year")
    a["_re"] = a["dist"] / (a["E"] / a["W"])
    a["_ri"] = a["dist"] / (a["Y"] / a["W"])
    a = a.join(a.groupby(["exporter", "year"])["_re"].sum().rename("rem_exp"), on=["exporter", "year"])
    a = a.join(a.groupby(["importer", "year"])["_ri"].sum().rename("rem_imp"), on=["importer", "year"])
    a["log_y"], a["log_e"] = np.log(a["Y"]), np.log(a["E"])
    a["log_rem_exp"], a["log_rem_imp"] = np.log(a["rem_exp"]), np.log(a["rem_imp"])
    return a.drop(columns=["_re", "_ri"])


def yotov2016(panel: pd.DataFrame | None = None) -> ResultsSet:
    """Estimate the chapter-1 specifications; returns a :class:`~kzecon.results.ResultsSet` (model name →
    EstimationResults).

    Models: ``ols``, ``ols_remoteness``, ``ols_fe``, ``ppml_fe`` (Table 1); ``ols_rta``, ``ppml_rta``,
    ``ppml_border_unconfirmed`` (Table 3 col. 3, see tests/references/gravity/README.md), ``ppml_pair_fe``,
    ``ppml_lead``, ``ppml_lags``, ``ppml_globalisation`` (Table 3). Years 1986, 1990, …, 2006; errors clustered
    by the (symmetric) pair; pair fixed effects symmetric with one shared level for intra-national flows.

    Parameters
    ----------
    panel : DataFrame, optional
        A panel in the bundled ``agtpa`` layout (exporter, importer, pair_id, year, flow, dist, contig, lang, colony,
        rta and its leads and lags). Default None: :func:`kzecon.data.load_gravity` ``("agtpa")``.

    Returns
    -------
    ResultsSet
        The eleven models by name; ``.to_frame()`` (or :func:`estimates_table`) gives one row per model and term.

    Raises
    ------
    SchemaError, SpecificationError
        A panel without the columns above, or on which a model is not identified.

    Notes
    -----
    Fits eleven models, too many for a doctest example; ``tests/test_gravity.py`` compares it with the
    Advanced Guide's published tables.
    """
    g = load_gravity("agtpa") if panel is None else panel
    base = estimation_frame(g, interval=4, pair="symmetric")
    intl = base[base["intl"] == 1]
    sized = _with_size_and_remoteness(base)
    sized = sized[sized["intl"] == 1]
    out = {}
    out["ols"] = _ols_plain(sized, ["log_y", "log_e", *GRAVITY_VARS], "ols")
    out["ols_remoteness"] = _ols_plain(sized, ["log_y", "log_e", *GRAVITY_VARS, "log_rem_exp", "log_rem_imp"],
                                       "ols_remoteness")
    fe2 = ("exp_year", "imp_year")
    out["ols_fe"] = ols_log(intl, GRAVITY_VARS, fe=fe2, name="ols_fe")
    out["ppml_fe"] = ppml(intl, GRAVITY_VARS, fe=fe2, name="ppml_fe")
    out["ols_rta"] = ols_log(intl, [*GRAVITY_VARS, "rta"], fe=fe2, name="ols_rta")
    out["ppml_rta"] = ppml(intl, [*GRAVITY_VARS, "rta"], fe=fe2, name="ppml_rta")
    border = base.assign(border=np.where(base["intl"] == 1, "intl", base["exporter"]))
    out["ppml_border_unconfirmed"] = ppml(border, [*GRAVITY_VARS, "rta"], fe=(*fe2, "border"),
                                          name="ppml_border_unconfirmed")
    fe3 = ("exp_year", "imp_year", "pair")
    out["ppml_pair_fe"] = ppml(base, ["rta"], fe=fe3, name="ppml_pair_fe")
    out["ppml_lead"] = ppml(base, ["rta", "rta_lead4"], fe=fe3, name="ppml_lead")
    lags = ["rta", "rta_lag4", "rta_lag8", "rta_lag12"]
    out["ppml_lags"] = ppml(base, lags, fe=fe3, name="ppml_lags")
    glob = estimation_frame(g, interval=4, pair="symmetric", globalisation=True)
    out["ppml_globalisation"] = ppml(glob, [*lags, *[c for c in glob.columns if c.startswith("intl_")]], fe=fe3,
                                     name="ppml_globalisation")
    return ResultsSet(out)


def estimates_table(results) -> pd.DataFrame:
    """model, term, estimate, std_error, nobs (+ p_value, conf_low, conf_high, n_dropped) for every model of
    ``results`` (a ResultsSet or a mapping name → EstimationResults).

    Parameters
    ----------
    results : ResultsSet or mapping of str to EstimationResults
        The models, e.g. :func:`yotov2016`'s.

    Returns
    -------
    DataFrame
        One row per model and term.

    Examples
    --------
    >>> from kzecon.data import load_gravity
    >>> from kzecon.gravity import estimation_frame, ppml
    >>> from kzecon.gravity.replicate import estimates_table
    >>> f = estimation_frame(load_gravity(), interval=4)
    >>> t = estimates_table({"ppml_pair_fe": ppml(f, "flow ~ rta | exp_year + imp_year + pair")})
    >>> t[["model", "term", "estimate", "std_error", "nobs"]].round(3)
              model term  estimate  std_error   nobs
    0  ppml_pair_fe  rta     0.567      0.104  28236
    """
    return ResultsSet(results).to_frame()
