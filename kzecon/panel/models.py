"""Panel estimators on linearmodels, with covariance choice as a parameter and kzecon's results shape.

``fit(data, dependent, exog, model=…, cov=…)`` runs pooled OLS, fixed effects (entity, time, two-way), random
effects, first differences or between estimation; ``cov`` is ``"unadjusted"``, ``"robust"``, ``"clustered"``
(``cluster="entity" | "time" | "both"``) or ``"driscoll-kraay"`` (Bartlett kernel, ``bandwidth``). Singleton
entities are dropped before fixed-effects estimation and reported; unbalanced panels are allowed and their gaps
reported. :func:`hausman` compares FE and RE. :func:`absorbing` handles high-dimensional fixed effects
(linearmodels ``AbsorbingLS``). Checked against R ``plm`` on the Grunfeld data (tests/references/panel).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kzecon.data.validate import require_columns
from kzecon.errors import CoverageError, DataQualityWarning, SchemaError, SpecificationError
from kzecon.results import EstimationResults, dropped_table
from kzecon.timeseries.tests import TestResult

MODELS = ("pooled", "fe", "time_fe", "twoway", "re", "fd", "between")
COVS = ("unadjusted", "robust", "clustered", "driscoll-kraay")


def make_panel(data: pd.DataFrame, *, entity: str, time: str, columns: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """Validate and index a panel: no duplicate entity-time keys, numeric finite columns; returns the
    (entity, time)-indexed frame and a report: rows in, rows with missing values (dropped, reported), entities,
    periods, balanced, gaps (entity → missing periods inside its span)."""
    require_columns(data, [entity, time, *columns], "panel data")
    df = data[[entity, time, *columns]].copy()
    dup = df.duplicated([entity, time])
    if dup.any():
        e, t = df.loc[dup, entity].iloc[0], df.loc[dup, time].iloc[0]
        raise SchemaError(f"duplicate {entity}-{time} key: {e} {t} appears more than once")
    for c in columns:
        v = pd.to_numeric(df[c], errors="coerce")
        bad = v.isna() & df[c].notna()
        if bad.any():
            row = df[bad].iloc[0]
            raise SchemaError(f"column '{c}' is not numeric ({row[c]!r} for {row[entity]} {row[time]})")
        if np.isinf(v).any():
            row = df[np.isinf(v)].iloc[0]
            raise SchemaError(f"column '{c}' is infinite for {row[entity]} {row[time]}")
        df[c] = v
    miss = df[list(columns)].isna().any(axis=1)
    report = {"rows_in": len(df), "missing": int(miss.sum())}
    df = df[~miss]
    if df.empty:
        raise CoverageError("panel is empty after removing rows with missing values")
    periods = sorted(df[time].unique())
    gaps = {}
    for e, g in df.groupby(entity):
        span = [p for p in periods if g[time].min() <= p <= g[time].max()]
        miss_p = [p.item() if hasattr(p, "item") else p for p in sorted(set(span) - set(g[time]))]
        if miss_p:
            gaps[e] = miss_p
    report.update(entities=int(df[entity].nunique()), periods=len(periods),
                  balanced=bool(len(df) == df[entity].nunique() * len(periods)), gaps=gaps)
    return df.set_index([entity, time]).sort_index(), report


def fit(data: pd.DataFrame, dependent: str, exog: Sequence[str], *, entity: str, time: str, model: str = "fe",
        cov: str = "clustered", cluster: str = "entity", bandwidth: int | None = None,
        constant: bool = True, name: str | None = None) -> EstimationResults:
    """Estimate a linear panel model with linearmodels; returns kzecon's results shape.

    ``model``: pooled | fe (entity effects) | time_fe | twoway | re | fd | between. ``constant`` adds an
    intercept where the model has one (pooled, re, between; for fd, a linear trend in levels — an intercept in
    differences, as R ``plm``'s "fd" model).
    """
    from linearmodels.panel import BetweenOLS, FirstDifferenceOLS, PanelOLS, PooledOLS, RandomEffects

    if model not in MODELS:
        raise SchemaError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    if cov not in COVS:
        raise SchemaError(f"cov must be one of {', '.join(COVS)}, got {cov!r}")
    df, rep = make_panel(data, entity=entity, time=time, columns=[dependent, *exog])
    drops = [("missing values", rep["missing"])]
    if model in ("fe", "twoway", "fd"):
        counts = df.groupby(level=0).size()
        single = counts[counts == 1].index
        if len(single):
            drops.append((f"singleton {entity} (one period: no within variation)", int(len(single))))
            df = df[~df.index.get_level_values(0).isin(single)]
    if df.index.get_level_values(0).nunique() < 2:
        raise SpecificationError(f"panel has a single {entity}: entity effects and clustered errors are undefined")
    if rep["gaps"]:
        first = next(iter(rep["gaps"].items()))
        warnings.warn(f"unbalanced panel: {len(rep['gaps'])} {entity}(s) have gaps (e.g. {first[0]}: {first[1][:5]})",
                      DataQualityWarning, stacklevel=2)
    y = df[dependent]
    X = df[list(exog)].copy()
    for c in X.columns:
        if X[c].nunique() <= 1:
            raise SpecificationError(f"regressor '{c}' is constant: its effect is not identified")
    if constant and model in ("pooled", "re", "between"):
        X.insert(0, "const", 1.0)
    if constant and model == "fd":
        X["trend"] = (df.index.get_level_values(1) - df.index.get_level_values(1).min()).astype(float)
    cls = {"pooled": PooledOLS, "re": RandomEffects, "fd": FirstDifferenceOLS, "between": BetweenOLS}
    try:
        if model in cls:
            mod = cls[model](y, X)
        else:
            mod = PanelOLS(y, X, entity_effects=model in ("fe", "twoway"), time_effects=model in ("time_fe", "twoway"),
                           drop_absorbed=False)
        kw = _cov_kwargs(cov, cluster, bandwidth, model)
        res = mod.fit(**kw)
    except ValueError as err:
        msg = str(err)
        if "rank" in msg.lower() or "absorb" in msg.lower() or "collinear" in msg.lower():
            raise SpecificationError(f"{dependent} ~ {' + '.join(exog)} ({model}): regressors are collinear or "
                                     f"absorbed by the effects ({msg.splitlines()[0]})") from err
        raise
    return EstimationResults(
        model=name or f"{model}", params=res.params, std_errors=res.std_errors, nobs=int(res.nobs),
        df_resid=float(res.df_resid), dropped=dropped_table(*drops),
        stats={"r2": float(res.rsquared), "r2_within": float(getattr(res, "rsquared_within", np.nan)),
               "entities": int(res.entity_info["total"]), "periods": int(res.time_info["total"]),
               "balanced": rep["balanced"]},
        info={"dependent": dependent, "model": model, "covariance": _cov_label(cov, cluster, bandwidth),
              "entity": entity, "time": time, "rows_in": rep["rows_in"]}, backend=res)


def _cov_kwargs(cov, cluster, bandwidth, model):
    if cov == "unadjusted":
        return {"cov_type": "unadjusted"}
    if cov == "robust":
        return {"cov_type": "robust"}
    if cov == "clustered":
        if cluster not in ("entity", "time", "both"):
            raise SchemaError(f"cluster must be entity, time or both, got {cluster!r}")
        kw = {"cov_type": "clustered"}
        if cluster in ("entity", "both"):
            kw["cluster_entity"] = True
        if cluster in ("time", "both"):
            kw["cluster_time"] = True
        return kw
    if model in ("between",):
        raise SchemaError("Driscoll–Kraay errors need a time dimension; the between estimator has none")
    return {"cov_type": "kernel", "kernel": "bartlett", **({"bandwidth": bandwidth} if bandwidth is not None else {})}


def _cov_label(cov, cluster, bandwidth):
    if cov == "clustered":
        return f"clustered by {cluster}"
    if cov == "driscoll-kraay":
        return f"Driscoll–Kraay (Bartlett, bandwidth {bandwidth if bandwidth is not None else 'automatic'})"
    return cov


def hausman(fe: EstimationResults, re: EstimationResults, level: float = 0.05) -> TestResult:
    """Hausman test of RE against FE on their common slopes: (b_FE − b_RE)'[V_FE − V_RE]⁻¹(b_FE − b_RE) ~ χ²(k).

    Use conventional (unadjusted) covariances for both, as the classical test assumes (R ``plm::phtest``).
    """
    common = [c for c in fe.params.index if c in re.params.index and c != "const"]
    if not common:
        raise SpecificationError("FE and RE share no slope coefficients")
    d = (fe.params[common] - re.params[common]).to_numpy()
    V = (fe.backend.cov.loc[common, common] - re.backend.cov.loc[common, common]).to_numpy()
    stat = float(d @ np.linalg.pinv(V) @ d)
    k = len(common)
    return TestResult("Hausman (FE vs RE)", stat, float(stats.chi2.sf(stat, k)), "random effects consistent",
                      level, None, fe.nobs, {}, {"df": k})


def absorbing(data: pd.DataFrame, dependent: str, exog: Sequence[str], absorb: Sequence[str], *,
              cluster: str | None = None, name: str = "absorbing") -> EstimationResults:
    """OLS with high-dimensional categorical effects absorbed (linearmodels ``AbsorbingLS``)."""
    from linearmodels.iv.absorbing import AbsorbingLS

    require_columns(data, [dependent, *exog, *absorb] + ([cluster] if cluster else []), "panel data")
    df = data[[dependent, *exog, *absorb] + ([cluster] if cluster and cluster not in absorb else [])].dropna()
    n_miss = len(data) - len(df)
    cats = pd.DataFrame({a: pd.Categorical(df[a]) for a in absorb}, index=df.index)
    mod = AbsorbingLS(df[dependent], df[list(exog)], absorb=cats, drop_absorbed=False)
    kw = {"cov_type": "clustered", "clusters": pd.Categorical(df[cluster]).codes} if cluster else {"cov_type": "robust"}
    res = mod.fit(**kw)
    return EstimationResults(model=name, params=res.params, std_errors=res.std_errors, nobs=int(res.nobs),
                             df_resid=float(res.df_resid), dropped=dropped_table(("missing values", n_miss)),
                             stats={"r2": float(res.rsquared)},
                             info={"absorbed": " + ".join(absorb), "covariance": f"clustered by {cluster}" if cluster
                                   else "robust"}, backend=res)
