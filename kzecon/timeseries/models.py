"""Models of one share (ARIMA, unobserved components) and of the whole composition (VAR, VECM).

Every model works on a transformed scale — the logit of one share, additive log-ratios of a composition —
and forecasts back on the share scale: intervals are quantiles of the transformed forecast mapped through
the inverse transform (exact for monotone maps, so they stay inside (0, 1)); the mean share is
E[inv_logit(Z)] for Gaussian Z, by 40-point Gauss–Hermite quadrature; composition paths are simulated and
closed, so each path sums to one.

Libraries: pmdarima (automatic ARIMA order), statsmodels (SARIMAX, UnobservedComponents, VAR, VECM).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from kzecon.errors import ConvergenceError, CoverageError, DataQualityWarning, SchemaError, UsageError
from kzecon.results import EstimationResults, reduce_with_backend, results_class

from . import transforms as tr
from .stattests import TestResult

_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(40)
_GH_W = _GH_W / _GH_W.sum()


def logit_normal_mean(mu, sd):
    """E[inv_logit(Z)], Z ~ N(mu, sd²) (Gauss–Hermite, 40 nodes)."""
    mu, sd = np.asarray(mu, float), np.asarray(sd, float)
    return (tr.inv_logit(mu[..., None] + sd[..., None] * _GH_X) * _GH_W).sum(axis=-1)


def step_dummies(years, events: Sequence[int]) -> pd.DataFrame:
    """Level-shift (step) dummies: 1 from each event year on."""
    years = np.asarray(years, dtype=int)
    return pd.DataFrame({f"step_{e}": (years >= e).astype(float) for e in events}, index=years)


def _diagnostics(resid: np.ndarray, k_params: int = 0) -> dict:
    from statsmodels.stats.diagnostic import acorr_ljungbox, het_arch

    r = np.asarray(resid, float)
    r = r[np.isfinite(r)]
    lags = max(1, min(4, len(r) // 5))
    out = {"ljung_box_p": float(acorr_ljungbox(r, lags=[lags], return_df=True)["lb_pvalue"].iloc[0]),
           "jarque_bera_p": float(stats.jarque_bera(r).pvalue)}
    try:
        out["arch_lm_p"] = float(het_arch(r, nlags=1, result_object=False)[1])
    except (ValueError, np.linalg.LinAlgError):
        out["arch_lm_p"] = float("nan")
    return out


@results_class
@dataclass(frozen=True)
class ShareModelResults(EstimationResults):
    """A fitted model of one share on the logit scale, with forecasts back on the share scale."""

    years: tuple = ()
    exog_events: tuple = ()
    fitted_logit: Any = field(default=None, repr=False, compare=False)
    engine: str = "statsmodels"  # which library's model is in ``backend``: "statsmodels" or "pmdarima"

    __reduce__ = reduce_with_backend  # forecasts need the fitted model; statsmodels' and pmdarima's pickle

    @property
    def last_year(self) -> int:
        """The series' last year (the forecast origin)."""
        return int(self.years[-1])

    def _forecast_z(self, horizon: int):
        if horizon < 1:
            raise SchemaError(f"horizon must be at least 1 year, got {horizon}")
        fut = np.arange(self.last_year + 1, self.last_year + horizon + 1)
        X = step_dummies(fut, self.exog_events).to_numpy() if self.exog_events else None
        if self.engine == "pmdarima":
            mean, ci = self.backend.predict(n_periods=horizon, X=X, return_conf_int=True, alpha=0.05)
            sd = (np.asarray(ci)[:, 1] - np.asarray(mean)) / stats.norm.ppf(0.975)
            return fut, np.asarray(mean), sd
        f = self.backend.get_forecast(horizon, exog=X)
        return fut, np.asarray(f.predicted_mean), np.asarray(f.se_mean)

    def forecast(self, horizon: int = 5, level: float = 0.90) -> pd.DataFrame:
        """year, mean, median, lower_<L>, upper_<L> on the share scale, plus logit_mean and logit_sd."""
        fut, mu, sd = self._forecast_z(horizon)
        q = stats.norm.ppf(0.5 + level / 2)
        tag = f"{round(100 * level)}"
        return pd.DataFrame({"year": fut, "mean": logit_normal_mean(mu, sd), "median": tr.inv_logit(mu),
                             f"lower_{tag}": tr.inv_logit(mu - q * sd), f"upper_{tag}": tr.inv_logit(mu + q * sd),
                             "logit_mean": mu, "logit_sd": sd})

    def simulate(self, horizon: int = 5, n_paths: int = 1000, seed: int = 0) -> np.ndarray:
        """Simulated future share paths (n_paths × horizon), from the state-space model's own simulator."""
        fut = np.arange(self.last_year + 1, self.last_year + horizon + 1)
        X = step_dummies(fut, self.exog_events).to_numpy() if self.exog_events else None
        res = self.backend.arima_res_ if self.engine == "pmdarima" else self.backend
        sims = res.simulate(horizon, anchor="end", repetitions=n_paths, exog=X, rng=np.random.default_rng(seed))
        return tr.inv_logit(np.asarray(sims).reshape(horizon, n_paths).T)


def _prepare_share(share, zeros: str = "raise", min_years: int = 12) -> pd.Series:
    if isinstance(share, pd.DataFrame):
        share = tr.annual_series(share, min_years=min_years)
    elif isinstance(share, pd.Series):
        share = tr.annual_series(pd.DataFrame({"year": share.index, "share": share.to_numpy()}), min_years=min_years)
    else:
        raise SchemaError("pass the share as a Series indexed by year or a frame with columns year, share")
    s = tr.check_share(share, zeros=zeros)
    if np.ptp(s.to_numpy()) == 0:
        raise SchemaError(f"share is constant ({s.iloc[0]!r}) over {s.index.min()}–{s.index.max()}: nothing to model")
    return s


def arima(share, *, interventions: Sequence[int] | bool = False, zeros: str = "raise", max_order: int = 3,
          information_criterion: str = "aicc", order: tuple[int, int, int] | None = None) -> ShareModelResults:
    """ARIMA on the logit of a share with automatic order selection (pmdarima ``auto_arima``).

    ``interventions`` (years, e.g. an economy's policy events) adds step dummies from those years as regressors;
    events outside the sample (or with fewer than two years on either side) are left out and listed in
    ``info``. Stepwise search over p, q ≤ ``max_order``, d chosen by KPSS tests, by AICc; or a fixed ``order``
    (p, d, q), with a constant (a drift when d = 1).
    """
    import pmdarima as pm

    s = _prepare_share(share, zeros)
    z = tr.logit(s.to_numpy())
    years = np.asarray(s.index, dtype=int)
    events: tuple = ()
    skipped = []
    if interventions is True:
        raise UsageError("interventions=True: name the years of the step dummies, e.g. interventions=(2010, 2015)")
    if interventions:
        cand = tuple(int(e) for e in interventions)
        events = tuple(e for e in cand if (years < e).sum() >= 2 and (years >= e).sum() >= 2)
        skipped = [e for e in cand if e not in events]
    X = step_dummies(years, events).to_numpy() if events else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if order is not None:
                m = pm.ARIMA(order=tuple(order), with_intercept=True, suppress_warnings=True).fit(z, X=X)
            else:
                m = pm.auto_arima(z, X=X, seasonal=False, max_p=max_order, max_q=max_order,
                                  information_criterion=information_criterion, suppress_warnings=True,
                                  error_action="ignore", stepwise=True)
        except (ValueError, np.linalg.LinAlgError) as err:
            raise ConvergenceError(f"auto_arima found no ARIMA model that could be fitted: {err}") from err
    conv = [str(w.message) for w in caught if "converge" in str(w.message).lower()]
    if conv:
        warnings.warn(f"ARIMA: {conv[0]}", DataQualityWarning, stacklevel=2)
    res = m.arima_res_
    names = list(res.model.param_names)
    exog_names = {f"x{i + 1}": f"step_{e}" for i, e in enumerate(events)}
    params = pd.Series(np.asarray(res.params), index=[exog_names.get(n, n) for n in names])
    se = pd.Series(np.asarray(res.bse), index=params.index)
    order = m.order
    stats_ = {"aic": float(res.aic), "aicc": float(res.aicc), "bic": float(res.bic), "llf": float(res.llf),
              **_diagnostics(res.resid[order[1]:])}
    return ShareModelResults(
        model=f"ARIMA{order} on logit share", params=params, std_errors=se, nobs=len(z), stats=stats_,
        vcov=pd.DataFrame(np.asarray(res.cov_params()), index=params.index, columns=params.index),
        info={"order": str(order), "transform": "logit", "interventions": ",".join(map(str, events)) or "none",
              "events_outside_sample": ",".join(map(str, skipped)) or "none",
              "sample": f"{years[0]}–{years[-1]}"},
        backend=m, years=tuple(int(y) for y in years), exog_events=events, fitted_logit=z, engine="pmdarima")


def unobserved_components(share, *, level_shifts: Sequence[int] | bool = False,
                          zeros: str = "raise") -> ShareModelResults:
    """Local linear trend model of the logit share (statsmodels ``UnobservedComponents``).

    y_t = μ_t + [Σ γ_j step_j] + ε_t; μ_{t+1} = μ_t + β_t + η_t; β_{t+1} = β_t + ζ_t. ``level_shifts`` (years)
    adds step dummies from those years. :meth:`trend` returns the smoothed trend on the share scale.
    """
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    s = _prepare_share(share, zeros)
    z = tr.logit(s.to_numpy())
    years = np.asarray(s.index, dtype=int)
    events: tuple = ()
    if level_shifts is True:
        raise UsageError("level_shifts=True: name the years of the steps, e.g. level_shifts=(2010, 2015)")
    if level_shifts:
        cand = tuple(int(e) for e in level_shifts)
        events = tuple(e for e in cand if (years < e).sum() >= 2 and (years >= e).sum() >= 2)
    X = step_dummies(years, events).to_numpy() if events else None
    mod = UnobservedComponents(z, level="local linear trend", exog=X)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mod.fit(disp=False, maxiter=500)
    if not res.mle_retvals.get("converged", True):
        raise ConvergenceError("unobserved-components model did not converge (500 iterations); try a longer series "
                               "or without level shifts")
    for w in caught:
        if "converge" in str(w.message).lower():
            warnings.warn(f"UC model: {w.message}", DataQualityWarning, stacklevel=2)
    exog_names = {f"beta.x{i + 1}": f"step_{e}" for i, e in enumerate(events)}
    params = pd.Series(np.asarray(res.params), index=[exog_names.get(n, n) for n in res.model.param_names])
    se = pd.Series(np.asarray(res.bse), index=params.index)
    stats_ = {"aic": float(res.aic), "bic": float(res.bic), "llf": float(res.llf),
              **_diagnostics(res.standardized_forecasts_error[0][2:])}
    return ShareModelResults(
        model="Local linear trend (UC) on logit share", params=params, std_errors=se, nobs=len(z), stats=stats_,
        vcov=pd.DataFrame(np.asarray(res.cov_params()), index=params.index, columns=params.index),
        info={"transform": "logit", "level_shifts": ",".join(map(str, events)) or "none",
              "sample": f"{years[0]}–{years[-1]}"},
        backend=res, years=tuple(int(y) for y in years), exog_events=events, fitted_logit=z)


def trend(result: ShareModelResults, level: float = 0.90) -> pd.DataFrame:
    """Smoothed trend of a UC model on the share scale: year, trend, lower_<L>, upper_<L>, slope (logit/yr)."""
    if not isinstance(result, ShareModelResults) or result.engine != "statsmodels" \
            or not hasattr(result.backend, "level"):
        raise SchemaError("trend() needs an unobserved_components result")
    lvl = result.backend.level
    mu = np.asarray(lvl["smoothed"])
    sd = np.sqrt(np.clip(np.asarray(lvl["smoothed_cov"]), 0, None))  # round-off can give -1e-17
    q = stats.norm.ppf(0.5 + level / 2)
    tag = round(100 * level)
    return pd.DataFrame({"year": result.years, "trend": tr.inv_logit(mu), f"lower_{tag}": tr.inv_logit(mu - q * sd),
                         f"upper_{tag}": tr.inv_logit(mu + q * sd),
                         "slope": np.asarray(result.backend.trend["smoothed"])})


# --------------------------------------------------------------------------------------------------------
# The whole composition
# --------------------------------------------------------------------------------------------------------
@results_class
@dataclass(frozen=True)
class CompositionModelResults(EstimationResults):
    """VAR/VECM on additive log-ratios of a composition; forecasts are simulated closed compositions."""

    years: tuple = ()
    parts: tuple = ()
    reference: str = ""
    extra: tuple = ()  # names of non-composition variables in the system (e.g. log Brent)
    data: Any = field(default=None, repr=False, compare=False)
    kind: str = "VAR"  # "VAR" or "VECM"

    __reduce__ = reduce_with_backend  # simulate and granger need statsmodels' VAR/VECM results, which pickle

    def simulate(self, horizon: int = 5, n_paths: int = 2000, seed: int = 0,
                 parameter_uncertainty: bool = True) -> np.ndarray:
        """Paths (n_paths × horizon × parts) of the composition; each path sums to one in every year.

        VAR paths draw the coefficients per path from their estimated sampling distribution (matrix normal
        around the OLS estimates) unless ``parameter_uncertainty=False``; shocks are Gaussian with the
        residual covariance.
        """
        if horizon < 1:
            raise SchemaError(f"horizon must be at least 1 year, got {horizon}")
        kind = self.kind
        k_alr = len(self.parts) - 1
        rng = np.random.default_rng(seed)
        if kind == "VAR":
            res = self.backend
            p = res.k_ar
            y = np.asarray(res.endog)
            K = y.shape[1]
            sims = np.empty((n_paths, horizon, K))
            chol = np.linalg.cholesky(res.sigma_u)
            hist = np.repeat(y[-p:][None], n_paths, axis=0)
            B = np.vstack([np.atleast_2d(res.intercept), *[c.T for c in res.coefs]])  # (1 + Kp) × K, as statsmodels
            if parameter_uncertainty:
                # matrix-normal draw of the coefficients: vec(B) ~ N(vec(B̂), Σ_u ⊗ (X'X)⁻¹), one draw per path
                X = _var_design(y, p)
                A = np.linalg.cholesky(np.linalg.inv(X.T @ X))
                Bs = B[None] + np.einsum("ij,njk,lk->nil", A, rng.standard_normal((n_paths, *B.shape)), chol)
            else:
                Bs = np.broadcast_to(B, (n_paths, *B.shape))
            for t in range(horizon):
                x = np.concatenate([np.ones((n_paths, 1))] + [hist[:, -1 - lag, :] for lag in range(p)], axis=1)
                draw = np.einsum("nk,nkj->nj", x, Bs) + rng.standard_normal((n_paths, K)) @ chol.T
                sims[:, t] = draw
                hist = np.concatenate([hist[:, 1:], draw[:, None]], axis=1)
        elif kind == "VECM":
            res = self.backend
            mean = np.asarray(res.predict(steps=horizon))
            # statsmodels has no VECM simulator: paths are its point forecast plus Gaussian shocks propagated by
            # the moving-average weights Φ_i of the VECM's VAR representation (error at step t = Σ_j Φ_j ε_{t−j}).
            var_coefs = res.var_rep
            sig = res.sigma_u
            K = sig.shape[0]
            Phi = [np.eye(K)]
            for i in range(1, horizon):
                acc = np.zeros((K, K))
                for j in range(1, min(i, len(var_coefs)) + 1):
                    acc += Phi[i - j] @ var_coefs[j - 1]  # MA(∞) weights of the VAR representation
                Phi.append(acc)
            eps = rng.standard_normal((n_paths, horizon, K)) @ np.linalg.cholesky(sig).T
            sims = np.empty((n_paths, horizon, K))
            for t in range(horizon):
                sims[:, t] = mean[t] + sum(eps[:, t - j] @ Phi[j].T for j in range(t + 1))
        else:
            raise SchemaError(f"unknown composition model kind {kind!r}")
        z = sims[..., :k_alr]
        return tr.alr_inv(z, list(self.parts), self.reference)

    def forecast(self, horizon: int = 5, level: float = 0.90, n_paths: int = 2000, seed: int = 0) -> pd.DataFrame:
        """year, partner, mean, median, lower_<L>, upper_<L> of each part from simulated closed paths."""
        paths = self.simulate(horizon, n_paths, seed)
        fut = np.arange(self.years[-1] + 1, self.years[-1] + horizon + 1)
        tag = round(100 * level)
        rows = []
        for j, part in enumerate(self.parts):
            x = paths[:, :, j]
            lo, med, hi = np.quantile(x, [0.5 - level / 2, 0.5, 0.5 + level / 2], axis=0)
            rows.append(pd.DataFrame({"year": fut, "partner": part, "mean": x.mean(axis=0), "median": med,
                                      f"lower_{tag}": lo, f"upper_{tag}": hi}))
        return pd.concat(rows, ignore_index=True)

    def granger(self, causing: str, caused: str | None = None, level: float = 0.05) -> TestResult:
        """Granger-causality Wald test in the VAR: does ``causing`` help predict ``caused`` (default: first alr)?"""
        if self.kind != "VAR":
            raise SchemaError("Granger tests need a VAR result")
        names = list(self.backend.names)
        caused = caused or names[0]
        for v in (causing, caused):
            if v not in names:
                raise SchemaError(f"variable {v!r} is not in the VAR ({', '.join(names)})")
        t = self.backend.test_causality(caused, [causing], kind="wald")
        return TestResult(f"Granger: {causing} → {caused}", float(t.test_statistic), float(t.pvalue),
                          f"{causing} does not Granger-cause {caused}", level, int(self.backend.k_ar),
                          int(self.backend.nobs), {}, {"df": int(t.df)})


def _check_part_labels(labels) -> None:
    """Two part labels that differ only in case, spacing or punctuation (``china`` and ``China``) are one part
    written twice, not two parts: a SchemaError naming both."""
    from kzecon.forecast.parts import canonical

    seen: dict[str, object] = {}
    known: dict[str, object] = {}
    for lab in labels:
        k = re.sub(r"[\W_]+", " ", str(lab).casefold()).strip()  # letters of any script (Китай, Россия) kept
        if k in seen:
            raise SchemaError(f"composition parts {seen[k]!r} and {lab!r} differ only in case or spacing: one part "
                              "written twice? merge or rename them")
        seen[k] = lab
        c = canonical(lab)
        if c is not None and c in known:
            raise SchemaError(f"composition parts {known[c]!r} and {lab!r} both name {c!r}: one part written twice? "
                              "merge or rename them")
        if c is not None:
            known[c] = lab


def composition_frame(comp: pd.DataFrame, *, partner_col: str = "partner", share_col: str = "share",
                      zeros: str = "raise", min_years: int = 12) -> pd.DataFrame:
    """Long (year, partner, share) or wide (year index, or a ``year`` column, × parts) → validated wide composition,
    consecutive years."""
    if not isinstance(comp, pd.DataFrame):
        raise SchemaError(f"a composition must be a DataFrame (year, partner, share), got {type(comp).__name__}")
    if comp.empty:
        raise CoverageError("the composition has no rows")
    if {"year", partner_col, share_col} <= set(comp.columns):
        if comp.duplicated(["year", partner_col]).any():
            row = comp[comp.duplicated(["year", partner_col])].iloc[0]
            raise SchemaError(f"duplicate share for {row[partner_col]} in {row['year']}")
        wide = comp.pivot(index="year", columns=partner_col, values=share_col)
        missing = wide.isna()
        if missing.any().any():
            y = wide.index[missing.any(axis=1)][0]
            raise SchemaError(f"composition: part(s) {list(wide.columns[missing.loc[y]])} missing in year {y}")
    elif "year" in comp.columns and partner_col not in comp.columns:  # wide with a year column (a CSV read as is)
        wide = comp.set_index("year")
    else:
        wide = comp.copy()
    _check_part_labels(wide.columns)
    # whole (not truncated), consecutive years, long enough
    tr.annual_series(pd.DataFrame({"year": np.asarray(wide.index), "share": 0.5}), min_years=min_years)
    wide.index = pd.Index(np.asarray(wide.index, dtype=float).astype(int), name="year")
    if wide.shape[1] < 2:
        raise SchemaError("a composition needs at least two parts")
    return tr.check_composition(wide.sort_index(), zeros=zeros)


def composition_var(comp: pd.DataFrame, *, reference: str | None = None, extra: pd.DataFrame | None = None,
                    maxlags: int = 2, ic: str = "bic", zeros: str = "raise") -> CompositionModelResults:
    """VAR on the additive log-ratios of a composition (+ optional extra series such as log Brent).

    The lag order is chosen by ``ic`` up to ``maxlags`` (at least 1). ``extra``: a frame indexed by year whose
    columns join the system (for Granger tests); its years must cover the composition's.
    """
    from statsmodels.tsa.api import VAR

    wide = composition_frame(comp, zeros=zeros)
    ref = reference or wide.columns[-1]
    Z = tr.alr(wide, ref)
    extra_names: tuple = ()
    if extra is not None:
        ex = extra.reindex(Z.index)
        if ex.isna().any().any():
            col = ex.columns[ex.isna().any()][0]
            raise CoverageError(f"extra series {col!r} is missing in year(s) "
                                f"{list(ex.index[ex[col].isna()])[:5]}")
        Z = Z.join(ex)
        extra_names = tuple(ex.columns)
    if len(Z) < 3 * Z.shape[1] + 2:
        raise CoverageError(f"{len(Z)} years are too few for a VAR in {Z.shape[1]} variables")
    if Z.shape[1] == 1:  # a two-part composition: the alr is the logit, a VAR in one variable is an AR
        return _composition_ar(Z, wide, ref, maxlags, ic)
    model = VAR(Z.reset_index(drop=True))  # column names become the VAR's variable names
    try:
        sel = model.select_order(maxlags=maxlags)
        p = max(1, int(getattr(sel, ic)))
        res = model.fit(p)
    except (np.linalg.LinAlgError, ValueError) as err:
        raise ConvergenceError(f"VAR could not be estimated: {err}") from err
    names = [f"{eq}:{term}" for eq in Z.columns for term in ["const"] + [f"L{lag}.{v}" for lag in range(1, p + 1)
                                                                        for v in Z.columns]]
    params = pd.Series(np.asarray(res.params).T.ravel(), index=names)
    se = pd.Series(np.asarray(res.bse).T.ravel(), index=names)
    stable = bool(res.is_stable())
    if not stable:
        warnings.warn("VAR is not stable (a root on or outside the unit circle): its long forecasts explode; "
                      "prefer the global model (world_cal) or the random walk for horizons beyond a few years",
                      DataQualityWarning, stacklevel=2)
    return CompositionModelResults(
        model=f"VAR({p}) on alr composition", params=params, std_errors=se, nobs=int(res.nobs),
        df_resid=float(res.df_resid), vcov=_var_vcov(res, names),
        stats={"aic": float(res.aic), "bic": float(res.bic), "stable": stable,
               "whiteness_p": float(res.test_whiteness(nlags=max(p + 1, 3)).pvalue) if res.nobs > 10 else np.nan,
               "normality_p": float(res.test_normality().pvalue)},
        info={"kind": "VAR", "lags": p, "selected_by": ic, "reference": ref, "transform": "alr",
              "variables": ",".join(Z.columns)},
        backend=res, years=tuple(int(y) for y in Z.index), parts=tuple(wide.columns), reference=ref,
        extra=extra_names, data=Z)


def _var_vcov(res, names: list[str]) -> pd.DataFrame:
    """statsmodels' VAR ``cov_params()`` (ordered term by term, each equation within) in kzecon's order (equation by
    equation, each term within: ``eq:term``)."""
    m, K = np.asarray(res.params).shape
    order = [t * K + e for e in range(K) for t in range(m)]
    V = np.asarray(res.cov_params())[np.ix_(order, order)]
    return pd.DataFrame(V, index=names, columns=names)


def _var_design(y: np.ndarray, p: int) -> np.ndarray:
    """[1, y_{t-1}, …, y_{t-p}] for t = p … n−1: the regressors of a VAR(p) with a constant."""
    n = len(y)
    return np.hstack([np.ones((n - p, 1))] + [y[p - lag:n - lag] for lag in range(1, p + 1)])


class _ARasVAR:
    """The attributes of a statsmodels VAR result that kzecon's simulator reads, from an AutoReg fit."""

    def __init__(self, res, y: np.ndarray, p: int, name: str):
        self.k_ar, self.k_trend, self.neqs = p, 1, 1
        self.intercept = np.array([res.params[0]])
        self.coefs = np.asarray(res.params[1:]).reshape(p, 1, 1)
        self.sigma_u = np.array([[res.sigma2 * res.nobs / (res.nobs - p - 1)]])  # OLS (df-corrected), as VAR
        self.endog = y.reshape(-1, 1)
        self.names = [name]
        self.nobs = res.nobs
        self._res = res


def _composition_ar(Z: pd.DataFrame, wide: pd.DataFrame, ref: str, maxlags: int, ic: str) -> CompositionModelResults:
    from statsmodels.tsa.ar_model import AutoReg, ar_select_order

    y = Z.iloc[:, 0].to_numpy()
    sel = ar_select_order(y, maxlag=maxlags, ic=ic, trend="c")
    p = max(1, max(sel.ar_lags) if sel.ar_lags else 1)
    res = AutoReg(y, lags=p, trend="c").fit()
    name = Z.columns[0]
    terms = [f"{name}:const"] + [f"{name}:L{lag}.{name}" for lag in range(1, p + 1)]
    return CompositionModelResults(
        model=f"AR({p}) on the log-ratio (two-part composition)", params=pd.Series(np.asarray(res.params), terms),
        std_errors=pd.Series(np.asarray(res.bse), terms), nobs=int(res.nobs), df_resid=float(res.df_resid),
        stats={"aic": float(res.aic), "bic": float(res.bic),
               "stable": bool(np.all(np.abs(np.roots(np.r_[1, -np.asarray(res.params[1:])])) < 1))},
        info={"kind": "VAR", "lags": p, "selected_by": ic, "reference": ref, "transform": "alr",
              "variables": name},
        backend=_ARasVAR(res, y, p, name), years=tuple(int(v) for v in Z.index), parts=tuple(wide.columns),
        reference=ref, data=Z)


def composition_vecm(comp: pd.DataFrame, *, reference: str | None = None, k_ar_diff: int = 1,
                     rank: int | None = None, deterministic: str = "co",
                     zeros: str = "raise") -> CompositionModelResults:
    """VECM on the additive log-ratios with the cointegration rank chosen by Johansen's trace test (5%)."""
    from statsmodels.tsa.vector_ar.vecm import VECM, select_coint_rank

    wide = composition_frame(comp, zeros=zeros)
    ref = reference or wide.columns[-1]
    Z = tr.alr(wide, ref)
    if len(Z) < 4 * Z.shape[1] + 2:
        raise CoverageError(f"{len(Z)} years are too few for a VECM in {Z.shape[1]} variables")
    sel = select_coint_rank(Z.to_numpy(), det_order=0, k_ar_diff=k_ar_diff, method="trace", signif=0.05)
    r = sel.rank if rank is None else int(rank)
    if r == 0:
        raise SchemaError("Johansen trace test finds no cointegration (rank 0): use composition_var on the "
                          "log-ratios instead")
    if r >= Z.shape[1]:
        raise SchemaError(f"cointegration rank {r} equals the number of series: the log-ratios look stationary; "
                          "use composition_var")
    res = VECM(Z.to_numpy(), k_ar_diff=k_ar_diff, coint_rank=r, deterministic=deterministic).fit()
    alpha = pd.Series(np.asarray(res.alpha).ravel(),
                      index=[f"alpha:{c}:{j}" for c in Z.columns for j in range(r)])
    alpha_se = pd.Series(np.asarray(res.stderr_alpha).ravel(), index=alpha.index)
    return CompositionModelResults(
        model=f"VECM(rank {r}, {k_ar_diff} lagged differences) on alr composition", params=alpha,
        std_errors=alpha_se, nobs=int(res.nobs),
        stats={"rank": r, "trace_stats": ",".join(f"{v:.3f}" for v in sel.test_stats),
               "trace_crit_5": ",".join(f"{v:.3f}" for v in sel.crit_vals), "llf": float(res.llf)},
        info={"kind": "VECM", "rank": r, "k_ar_diff": k_ar_diff, "reference": ref, "transform": "alr",
              "variables": ",".join(Z.columns)},
        backend=res, years=tuple(int(y) for y in Z.index), parts=tuple(wide.columns), reference=ref, data=Z,
        kind="VECM")
