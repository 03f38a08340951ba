"""PPML (and OLS on log flows) with high-dimensional fixed effects, on pyfixest, with every dropped row reported.

Before calling ``pyfixest.fepois`` kzecon removes, and counts, (1) rows with missing values in the model's
columns and (2) observations whose fixed-effect group has only zero flows — they are perfectly predicted and
carry no information for PPML (separation by the fixed effects; Correia, Guimarães & Zylkin 2020). pyfixest's
own checks (singletons, regressor-based separation) remove the rest, counted as the difference in N.
A regressor that pyfixest drops as collinear with the fixed effects raises :class:`SpecificationError`
naming it. Standard errors: clustered (CRV1) by ``cluster`` with the G/(G−1) correction only (Stata
``ppmlhdfe`` and the Advanced Guide's tables), or heteroskedasticity-robust with ``cluster=None``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kzecon.data.validate import require_columns
from kzecon.errors import ConvergenceError, CoverageError, DataQualityWarning, SchemaError, SpecificationError
from kzecon.results import EstimationResults, dropped_table

DEFAULT_FE = ("exp_year", "imp_year", "pair")


def _zero_groups(df: pd.DataFrame, y: str, fe: Sequence[str]) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
    """Iteratively drop rows in fixed-effect groups whose outcome is zero throughout."""
    drops = []
    changed = True
    while changed:
        changed = False
        for f in fe:
            pos = df.groupby(f, sort=False, observed=True)[y].transform("sum") > 0
            n = int((~pos).sum())
            if n:
                drops.append((f"all flows zero within a {f} group (PPML separation by fixed effects)", n))
                df = df[pos.to_numpy()]
                changed = True
    agg: dict[str, int] = {}
    for r, n in drops:
        agg[r] = agg.get(r, 0) + n
    return df, list(agg.items())


def _prepare(frame, depvar, regressors, fe, cluster, offset):
    cols = [depvar, *regressors, *fe] + ([cluster] if cluster else []) + ([offset] if offset else [])
    require_columns(frame, list(dict.fromkeys(cols)), "gravity frame")
    y = pd.to_numeric(frame[depvar], errors="coerce")
    if (y < 0).any():
        row = frame[y < 0].iloc[0]
        who = f" ({row['exporter']}→{row['importer']} {row['year']})" if {"exporter", "importer", "year"} <= set(
            frame.columns) else ""
        raise SchemaError(f"column '{depvar}' has {int((y < 0).sum())} negative flows{who}")
    for r in regressors:
        if not pd.api.types.is_numeric_dtype(frame[r]):
            raise SchemaError(f"regressor '{r}' is not numeric")
    df = frame[list(dict.fromkeys(cols + [c for c in ("exporter", "importer", "year") if c in frame]))]
    miss = df[cols].isna().any(axis=1)
    if np.isinf(df[[depvar, *regressors]].to_numpy(dtype=float)).any():
        raise SchemaError(f"infinite values in {depvar} or the regressors")
    return df[~miss.to_numpy()], int(miss.sum())


def _check_absorbed(df: pd.DataFrame, regressors: Sequence[str], fe: Sequence[str]) -> None:
    """A regressor constant within every group of one fixed effect is absorbed by it: say which, before fitting
    (pyfixest's numerical collinearity check catches combinations of fixed effects, with a tolerance)."""
    for r in regressors:
        for f in fe:
            if (df.groupby(f, sort=False, observed=True)[r].nunique(dropna=False) <= 1).all():
                raise SpecificationError(f"regressor '{r}' is collinear with (absorbed by) the {f} fixed effect: it "
                                         f"does not vary within {f} groups, so its effect is not identified")


def _surface(caught, name: str, has_regressors: bool) -> None:
    """Pass the estimator's warnings on to the user, except what kzecon reports itself (collinearity becomes an
    error naming the variables, singletons are counted in ``dropped``) and library-internal deprecations."""
    for w in caught:
        msg = str(w.message)
        if issubclass(w.category, (FutureWarning, DeprecationWarning)):
            continue
        if ("collinear" in msg.lower() and has_regressors) or "singleton" in msg.lower():
            continue
        warnings.warn(f"{name}: {msg}", DataQualityWarning, stacklevel=3)


def _fit_result(m, name, n_in, drops, fe, cluster, depvar, regressors, method) -> EstimationResults:
    collin = [str(v) for v in getattr(m, "_collin_vars", []) or []]
    if collin:
        raise SpecificationError(f"regressor(s) {', '.join(collin)} collinear with (absorbed by) the fixed effects "
                                 f"({' + '.join(fe)}) or each other: their effect is not identified")
    converged = getattr(m, "convergence", None)
    if converged is None:
        converged = getattr(m, "_convergence", True)
    if method == "ppml" and not converged:
        raise ConvergenceError(f"{name}: PPML (IRLS) did not converge in {getattr(m, 'maxiter', '?')} iterations")
    params = pd.Series(np.asarray(m.coef()), index=[str(i) for i in m.coef().index])
    se = pd.Series(np.asarray(m.se()), index=params.index)
    nobs = int(m._N)
    used_before = n_in - sum(n for _, n in drops)
    extra = used_before - nobs
    if extra:
        drops = drops + [("removed by pyfixest (singleton fixed-effect groups or regressor-based separation)", extra)]
    stats = {}
    for k, attr in (("pseudo_r2", "_pseudo_r2"), ("deviance", "_deviance"), ("r2", "_r2"), ("loglik", "_loglik")):
        v = getattr(m, attr, None)
        if v is not None and np.isscalar(v) and np.isfinite(v):
            stats[k] = float(v)
    return EstimationResults(
        model=name, params=params, std_errors=se, nobs=nobs, dropped=dropped_table(*drops), stats=stats,
        info={"method": method, "dependent": depvar, "fixed_effects": " + ".join(fe) or "none",
              "covariance": f"clustered by {cluster} (CRV1, G/(G-1))" if cluster else "heteroskedasticity-robust",
              "rows_in": n_in}, backend=m)


def ppml(frame: pd.DataFrame, regressors: Sequence[str], *, depvar: str = "flow", fe: Sequence[str] = DEFAULT_FE,
         cluster: str | None = "pair_id", offset: str | None = None, name: str = "ppml", tol: float = 1e-8,
         maxiter: int = 100, separation_check: Sequence[str] = ("fe",)) -> EstimationResults:
    """PPML gravity: E[flow] = exp(x'β + fixed effects), zeros kept, by ``pyfixest.fepois``.

    Parameters
    ----------
    frame : DataFrame
        An estimation frame (:func:`kzecon.gravity.estimation_frame`).
    regressors : list of str
        Policy and cost variables (e.g. ``["rta"]``, ``["log_dist", "contig", "lang", "colony"]``).
    fe : list of str
        Fixed effects (default exporter-year, importer-year, directional pair).
    offset : str, optional
        A column entered with coefficient one (constrained trade costs in GE counterfactuals).
    separation_check : list of str
        pyfixest's separation checks: ``("fe",)`` by default; add ``"ir"`` for the iterative rectifier check of
        regressor-induced separation (Correia et al. 2021), which is slow on large panels.

    Returns an :class:`~kzecon.results.EstimationResults` whose ``dropped`` lists every removed row by reason
    and whose ``nobs + n_dropped`` equals the rows passed in.
    """
    import pyfixest as pf

    n_in = len(frame)
    df, n_miss = _prepare(frame, depvar, list(regressors), list(fe), cluster, offset)
    drops = [("missing values in the model's columns", n_miss)] if n_miss else []
    df, zdrops = _zero_groups(df, depvar, list(fe))
    drops += zdrops
    if df.empty or df[depvar].sum() <= 0:
        raise CoverageError(f"{name}: no positive flows left after removing separated observations")
    _check_absorbed(df, list(regressors), list(fe))
    rhs = " + ".join(regressors) if regressors else "1"
    fml = f"{depvar} ~ {rhs}" + (f" | {' + '.join(fe)}" if fe else "")
    vcov = {"CRV1": cluster} if cluster else "hetero"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = pf.fepois(fml, data=df, vcov=vcov, ssc=pf.ssc(k_adj=False), offset=offset, iwls_tol=tol,
                      iwls_maxiter=maxiter, separation_check=list(separation_check))
    _surface(caught, name, bool(regressors))
    return _fit_result(m, name, n_in, drops, list(fe), cluster, depvar, list(regressors), "ppml")


def ols_log(frame: pd.DataFrame, regressors: Sequence[str], *, depvar: str = "flow",
            fe: Sequence[str] = ("exp_year", "imp_year"), cluster: str | None = "pair_id",
            name: str = "ols") -> EstimationResults:
    """OLS of log(flow) on the regressors with fixed effects (``pyfixest.feols``); zero flows are reported
    as dropped (the log is undefined — the reason PPML is preferred)."""
    import pyfixest as pf

    n_in = len(frame)
    df, n_miss = _prepare(frame, depvar, list(regressors), list(fe), cluster, None)
    drops = [("missing values in the model's columns", n_miss)] if n_miss else []
    pos = df[depvar] > 0
    drops.append(("zero flows (log undefined)", int((~pos).sum())))
    df = df[pos].assign(log_flow=np.log(df.loc[pos, depvar]))
    _check_absorbed(df, list(regressors), list(fe))
    fml = f"log_flow ~ {' + '.join(regressors)}" + (f" | {' + '.join(fe)}" if fe else "")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = pf.feols(fml, data=df, vcov={"CRV1": cluster} if cluster else "hetero", ssc=pf.ssc(k_adj=False))
    _surface(caught, name, True)
    return _fit_result(m, name, n_in, [d for d in drops if d[1]], list(fe), cluster, "log " + depvar,
                       list(regressors), "ols")
