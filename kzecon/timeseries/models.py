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
    """E[inv_logit(Z)], Z ~ N(mu, sd²) (Gauss–Hermite, 40 nodes).

    The mean share of a forecast made on the logit scale; it differs from inv_logit(mu), the median share, when
    sd > 0.

    Parameters
    ----------
    mu : float or array_like
        Mean of Z on the logit scale.
    sd : float or array_like
        Standard deviation of Z (≥ 0), broadcast against ``mu``.

    Returns
    -------
    numpy.ndarray
        The expected share, shape of ``mu`` and ``sd`` broadcast (0-d for scalars).

    Examples
    --------
    >>> from kzecon.timeseries.models import logit_normal_mean
    >>> logit_normal_mean([-1.5, -1.5], [0.0, 0.5]).round(4)
    array([0.1824, 0.1937])
    """
    mu, sd = np.asarray(mu, float), np.asarray(sd, float)
    return (tr.inv_logit(mu[..., None] + sd[..., None] * _GH_X) * _GH_W).sum(axis=-1)


def step_dummies(years, events: Sequence[int]) -> pd.DataFrame:
    """Level-shift (step) dummies: 1 from each event year on.

    Parameters
    ----------
    years : array_like of int
        The years of the rows.
    events : sequence of int
        The years from which each step is 1 (one column each).

    Returns
    -------
    pandas.DataFrame
        Columns ``step_<event>`` of 0.0/1.0, indexed by ``years``.

    Examples
    --------
    >>> from kzecon.timeseries import step_dummies
    >>> step_dummies(range(2008, 2013), [2010, 2012])
          step_2010  step_2012
    2008        0.0        0.0
    2009        0.0        0.0
    2010        1.0        0.0
    2011        1.0        0.0
    2012        1.0        1.0
    """
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
    """A fitted model of one share on the logit scale, with forecasts back on the share scale.

    Made by :func:`arima` and :func:`unobserved_components`; the estimates are those of the logit-scale model.

    Attributes
    ----------
    model : str
        What was fitted, e.g. "ARIMA(1, 1, 0) on logit share".
    params, std_errors : pandas.Series
        Estimates and standard errors, indexed by term (read-only).
    nobs : int
        Observations (years) used in the fit.
    df_resid : float or None
        Residual degrees of freedom for t-based inference; None uses the normal distribution.
    dropped : pandas.DataFrame
        Rows not used, by reason (``reason``, ``rows``).
    stats : mapping
        Fit statistics and diagnostics (read-only).
    info : mapping
        The specification (read-only).
    pvalues_override : pandas.Series or None
        P-values from the library when they are not Wald z/t; None here.
    vcov : pandas.DataFrame or None
        Covariance matrix of ``params``.
    backend : object
        The fitted library model (for forecasts and simulation; None after unpickling without it).
    omitted : mapping
        Terms of the specification left out of the fit, with the reason (none here).
    years : tuple of int
        The years of the series.
    exog_events : tuple of int
        The years of the step dummies in the model (empty without).
    fitted_logit : numpy.ndarray
        The logit of the share the model was fitted to.
    engine : {"statsmodels", "pmdarima"}, default "statsmodels"
        Which library's model ``backend`` holds.

    See Also
    --------
    arima, unobserved_components : the estimators.
    trend : the smoothed trend of an unobserved-components model.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade as Kazakhstan reports it
    >>> from kzecon.timeseries import arima
    >>> fit = arima(china, order=(1, 1, 0))
    >>> fit.model, fit.last_year
    ('ARIMA(1, 1, 0) on logit share', 2020)
    >>> fit.params.round(3)
    intercept    0.060
    ar.L1        0.206
    sigma2       0.030
    dtype: float64
    >>> fit.forecast(3).round(3)
       year   mean  median  lower_90  upper_90  logit_mean  logit_sd
    0  2021  0.199   0.198     0.156     0.247      -1.401     0.174
    1  2022  0.215   0.211     0.146     0.295      -1.319     0.273
    2  2023  0.230   0.224     0.140     0.339      -1.242     0.349
    """

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
        """year, mean, median, lower_<L>, upper_<L> on the share scale, plus logit_mean and logit_sd.

        The logit forecast is Gaussian with mean logit_mean and standard deviation logit_sd; median and the
        interval are its quantiles mapped through inv_logit, mean is E[inv_logit(Z)] (:func:`logit_normal_mean`).

        Parameters
        ----------
        horizon : int, default 5
            Years ahead, at least 1; the first is the year after the series' last.
        level : float, default 0.90
            Coverage of the interval, between 0 and 1; <L> in the column names is 100·level (90).

        Returns
        -------
        pandas.DataFrame
            One row per future year: year, mean, median, lower_<L>, upper_<L>, logit_mean, logit_sd.

        Raises
        ------
        SchemaError
            ``horizon`` is below 1.
        """
        fut, mu, sd = self._forecast_z(horizon)
        q = stats.norm.ppf(0.5 + level / 2)
        tag = f"{round(100 * level)}"
        return pd.DataFrame({"year": fut, "mean": logit_normal_mean(mu, sd), "median": tr.inv_logit(mu),
                             f"lower_{tag}": tr.inv_logit(mu - q * sd), f"upper_{tag}": tr.inv_logit(mu + q * sd),
                             "logit_mean": mu, "logit_sd": sd})

    def simulate(self, horizon: int = 5, n_paths: int = 1000, seed: int = 0) -> np.ndarray:
        """Simulated future share paths (n_paths × horizon), from the state-space model's own simulator.

        Parameters
        ----------
        horizon : int, default 5
            Years ahead.
        n_paths : int, default 1000
            Number of paths.
        seed : int, default 0
            Seed of the random generator (the same seed gives the same paths).

        Returns
        -------
        numpy.ndarray
            Shares in (0, 1), shape (n_paths, horizon); shocks drawn, parameters held at their estimates.

        Examples
        --------
        >>> from kzecon.data import load_compositions
        >>> from kzecon.timeseries import arima
        >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
        >>> paths = arima(kaz.loc[2001:, "china"], order=(1, 1, 0)).simulate(3, n_paths=200, seed=1)
        >>> paths.shape, bool(((paths > 0) & (paths < 1)).all())
        ((200, 3), True)
        """
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

    Parameters
    ----------
    share : pandas.Series or pandas.DataFrame
        The share in [0, 1] of one partner: a Series indexed by year or a frame with columns ``year`` and
        ``share``; at least 12 consecutive years, not constant.
    interventions : sequence of int or False, default False
        Years from which a step dummy enters the regression (False: none). True is refused: name the years.
    zeros : {"raise", "replace"}, default "raise"
        A share of 0 or 1 is refused, or replaced by 1e-4 / 1 − 1e-4 with a warning (:func:`check_share`).
    max_order : int, default 3
        The largest AR order p and MA order q the search tries. The search starts at p = q = 2 (pmdarima's
        default), so values below 2 fail with a ConvergenceError.
    information_criterion : {"aicc", "aic", "bic", "hqic", "oob"}, default "aicc"
        The criterion of the order search (pmdarima's names).
    order : tuple of int, optional
        A fixed (p, d, q) instead of the search.

    Returns
    -------
    ShareModelResults
        ``engine`` "pmdarima"; ``stats`` holds aic, aicc, bic, llf and the residual diagnostics ljung_box_p,
        jarque_bera_p, arch_lm_p; ``info`` the order, the interventions used, events_outside_sample and sample.

    Raises
    ------
    SchemaError
        ``share`` is neither a Series nor a frame, has values outside [0, 1], missing values, 0 or 1 without
        ``zeros="replace"``, or is constant; bad years (see :func:`annual_series`).
    CoverageError
        Fewer than 12 years, or a year missing in the sequence.
    UsageError
        ``interventions=True``.
    ConvergenceError
        No ARIMA model could be fitted (also raised for an unknown ``information_criterion``).

    Warns
    -----
    DataQualityWarning
        Zeros replaced; the optimiser's convergence warnings.

    See Also
    --------
    unobserved_components : a local linear trend instead.
    kzecon.timeseries.share_battery : the tests and this forecast in one call.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade as Kazakhstan reports it
    >>> from kzecon.timeseries import arima
    >>> fit = arima(china, order=(1, 0, 0), interventions=(2010, 2020))
    >>> fit.params.round(3)
    intercept   -0.661
    step_2010    0.493
    ar.L1        0.709
    sigma2       0.029
    dtype: float64
    >>> fit.info["interventions"], fit.info["events_outside_sample"]
    ('2010', '2020')

    Without ``order`` the search picks one (here ARIMA(0, 1, 0), a random walk with drift on the logit);
    ``arima(china).model`` names it.
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
    adds step dummies from those years. :func:`trend` returns the smoothed trend on the share scale.

    Parameters
    ----------
    share : pandas.Series or pandas.DataFrame
        The share in [0, 1] of one partner: a Series indexed by year or a frame with columns ``year`` and
        ``share``; at least 12 consecutive years, not constant.
    level_shifts : sequence of int or False, default False
        Years from which a step dummy enters the observation equation (False: none). True is refused. A year with
        fewer than two years of the series on either side is left out without a note.
    zeros : {"raise", "replace"}, default "raise"
        A share of 0 or 1 is refused, or replaced by 1e-4 / 1 − 1e-4 with a warning (:func:`check_share`).

    Returns
    -------
    ShareModelResults
        ``engine`` "statsmodels"; ``params`` the variances sigma2.irregular, sigma2.level, sigma2.trend and the
        step coefficients; ``stats`` aic, bic, llf and the residual diagnostics.

    Raises
    ------
    SchemaError
        As :func:`arima` for the share.
    CoverageError
        Fewer than 12 years, or a year missing in the sequence.
    UsageError
        ``level_shifts=True``.
    ConvergenceError
        The likelihood maximisation did not converge in 500 iterations.

    Warns
    -----
    DataQualityWarning
        Zeros replaced; the optimiser's convergence warnings.

    See Also
    --------
    trend : the smoothed trend and slope.
    arima : ARIMA with automatic order.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade as Kazakhstan reports it
    >>> from kzecon.timeseries import unobserved_components
    >>> uc = unobserved_components(china, level_shifts=(2010,))
    >>> list(uc.params.index)
    ['sigma2.irregular', 'sigma2.level', 'sigma2.trend', 'step_2010']
    >>> uc.forecast(2)[["year", "median", "lower_90", "upper_90"]].round(3)
       year  median  lower_90  upper_90
    0  2021    0.19     0.149     0.240
    1  2022    0.20     0.136     0.283
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
    """Smoothed trend of a UC model on the share scale: year, trend, lower_<L>, upper_<L>, slope (logit/yr).

    Parameters
    ----------
    result : ShareModelResults
        A result of :func:`unobserved_components` (with its fitted model).
    level : float, default 0.90
        Coverage of the band around the trend; <L> in the column names is 100·level.

    Returns
    -------
    pandas.DataFrame
        One row per year of the series: year, trend (inv_logit of the smoothed level, without the step dummies),
        lower_<L>, upper_<L>, slope (the smoothed slope on the logit scale, per year).

    Raises
    ------
    SchemaError
        ``result`` is not an unobserved-components result (an ARIMA result, or one unpickled without its model).

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade as Kazakhstan reports it
    >>> from kzecon.timeseries import trend, unobserved_components
    >>> trend(unobserved_components(china)).round(3).head(3)
       year  trend  lower_90  upper_90  slope
    0  2001  0.057     0.057     0.057  0.081
    1  2002  0.083     0.083     0.083  0.079
    2  2003  0.105     0.105     0.105  0.076
    """
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
    """VAR/VECM on additive log-ratios of a composition; forecasts are simulated closed compositions.

    Made by :func:`composition_var` and :func:`composition_vecm`.

    Attributes
    ----------
    model : str
        What was fitted, e.g. "ARIMA(1, 1, 0) on logit share".
    params, std_errors : pandas.Series
        Estimates and standard errors, indexed by term (read-only).
    nobs : int
        Observations (years) used in the fit.
    df_resid : float or None
        Residual degrees of freedom for t-based inference; None uses the normal distribution.
    dropped : pandas.DataFrame
        Rows not used, by reason (``reason``, ``rows``).
    stats : mapping
        Fit statistics and diagnostics (read-only).
    info : mapping
        The specification (read-only).
    pvalues_override : pandas.Series or None
        P-values from the library when they are not Wald z/t; None here.
    vcov : pandas.DataFrame or None
        Covariance matrix of ``params``.
    backend : object
        The fitted library model (for forecasts and simulation; None after unpickling without it).
    omitted : mapping
        Terms of the specification left out of the fit, with the reason (none here).
    years : tuple of int
        The years of the composition.
    parts : tuple of str
        The parts, in the composition's column order.
    reference : str
        The reference part of the log-ratios.
    extra : tuple of str
        Names of the non-composition variables in the system (e.g. log Brent).
    data : pandas.DataFrame
        The modelled series: the log-ratios ``alr_<part>`` (and the extra series) by year.
    kind : {"VAR", "VECM"}, default "VAR"
        Which model ``backend`` holds (a two-part composition's AR counts as a VAR).

    See Also
    --------
    composition_var, composition_vecm : the estimators.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> comp = kaz.loc[2001:, ["china", "russia"]].assign(other=lambda d: 1 - d.china - d.russia)
    >>> from kzecon.timeseries import composition_var
    >>> fit = composition_var(comp)
    >>> fit.model, fit.parts, fit.reference
    ('VAR(1) on alr composition', ('china', 'russia', 'other'), 'other')
    >>> fit.forecast(2, n_paths=200).round(3)
       year partner   mean  median  lower_90  upper_90
    0  2021   china  0.168   0.168     0.121     0.220
    1  2022   china  0.162   0.156     0.108     0.239
    2  2021  russia  0.192   0.185     0.131     0.276
    3  2022  russia  0.186   0.181     0.121     0.258
    4  2021   other  0.640   0.644     0.569     0.702
    5  2022   other  0.651   0.655     0.582     0.716
    """

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

        Parameters
        ----------
        horizon : int, default 5
            Years ahead, at least 1.
        n_paths : int, default 2000
            Number of paths.
        seed : int, default 0
            Seed of the random generator (the same seed gives the same paths).
        parameter_uncertainty : bool, default True
            VAR: draw the coefficients per path. A VECM's paths always hold the parameters at their estimates
            (its point forecast plus propagated Gaussian shocks); the option is ignored there.

        Returns
        -------
        numpy.ndarray
            Shares, shape (n_paths, horizon, number of parts), parts in ``parts`` order.

        Raises
        ------
        SchemaError
            ``horizon`` is below 1.

        Examples
        --------
        >>> from kzecon.data import load_compositions
        >>> from kzecon.timeseries import composition_var
        >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
        >>> comp = kaz.loc[2001:, ["china", "russia"]].assign(other=lambda d: 1 - d.china - d.russia)
        >>> paths = composition_var(comp).simulate(2, n_paths=100)
        >>> paths.shape, bool(abs(paths.sum(axis=2) - 1).max() < 1e-12)
        ((100, 2, 3), True)
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
        """year, partner, mean, median, lower_<L>, upper_<L> of each part from simulated closed paths.

        Parameters
        ----------
        horizon : int, default 5
            Years ahead, at least 1.
        level : float, default 0.90
            Coverage of the interval (quantiles of the paths); <L> in the column names is 100·level.
        n_paths : int, default 2000
            Number of simulated paths (:meth:`simulate`, with parameter uncertainty for a VAR).
        seed : int, default 0
            Seed of the random generator.

        Returns
        -------
        pandas.DataFrame
            One row per part and future year (part by part): year, partner, mean, median, lower_<L>, upper_<L>.
            The means sum to one in each year; medians and bounds need not.

        Raises
        ------
        SchemaError
            ``horizon`` is below 1.
        """
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
        """Granger-causality Wald test in the VAR: does ``causing`` help predict ``caused`` (default: first alr)?

        Parameters
        ----------
        causing : str
            A variable of the system: ``alr_<part>`` or an extra series' name.
        caused : str, optional
            The variable predicted; default (None) the first of the system (the first log-ratio).
        level : float, default 0.05
            Significance level of the result's ``decision``.

        Returns
        -------
        TestResult
            ``test`` "Granger: <causing> → <caused>", the Wald statistic, p_value, lags (the VAR's order), nobs,
            ``detail["df"]``.

        Raises
        ------
        SchemaError
            The result is a VECM, or a variable is not in the system. (A two-part composition's AR result has
            no Granger test: it fails with AttributeError.)

        Examples
        --------
        >>> import numpy as np
        >>> from kzecon.data import load_compositions, load_oil
        >>> from kzecon.timeseries import composition_var
        >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
        >>> comp = kaz.loc[2001:, ["china", "russia"]].assign(other=lambda d: 1 - d.china - d.russia)
        >>> brent = np.log(load_oil().set_index("year")[["price_usd_per_bbl"]]).set_axis(["log_brent"], axis=1)
        >>> g = composition_var(comp, extra=brent).granger("log_brent", "alr_china")
        >>> round(g.statistic, 2), round(g.p_value, 2), g.reject
        (0.15, 0.7, False)
        """
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
    consecutive years.

    Parameters
    ----------
    comp : pandas.DataFrame
        Long: columns ``year``, ``partner_col``, ``share_col`` (one row per year and part). Wide: one column per
        part, years in the index or in a ``year`` column. Shares of each year's total (percentages are read as
        such, with a warning).
    partner_col : str, default "partner"
        The part column of a long frame.
    share_col : str, default "share"
        The share column of a long frame.
    zeros : {"raise", "replace"}, default "raise"
        A part of 0 is refused, or replaced multiplicatively (:func:`~kzecon.timeseries.transforms.check_composition`).
    min_years : int, default 12
        The fewest consecutive years accepted.

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (ints, ascending, consecutive), one column per part, rows summing to one.

    Raises
    ------
    SchemaError
        ``comp`` is not a DataFrame; a long frame repeats a (year, partner) or misses a part in a year; two part
        labels name the same part (``China`` and ``china``); fewer than two parts; bad years or shares
        (see :func:`~kzecon.timeseries.transforms.check_composition`).
    CoverageError
        No rows; a year missing in the sequence; fewer than ``min_years`` years.

    Warns
    -----
    DataQualityWarning
        Percentages read, rows rescaled to one, zeros replaced.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> from kzecon.timeseries import composition_frame
    >>> kaz = load_compositions().query("economy == 'KAZ'")
    >>> long = kaz.melt(id_vars="year", value_vars=["china", "russia", "usa", "eu", "central_asia", "rest"],
    ...                 var_name="partner", value_name="share")
    >>> wide = composition_frame(long[long["year"] >= 2001])
    >>> wide.shape, list(wide.columns)
    ((20, 6), ['central_asia', 'china', 'eu', 'rest', 'russia', 'usa'])
    """
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

    A two-part composition has one log-ratio (the logit): its model is an AR (statsmodels ``AutoReg``) in the
    same results class.

    Parameters
    ----------
    comp : pandas.DataFrame
        The composition, long or wide, at least 12 consecutive years (:func:`composition_frame`).
    reference : str, optional
        The part the log-ratios are taken against; default (None) the last column of the wide composition.
    extra : pandas.DataFrame, optional
        Further series indexed by year (e.g. log Brent) that join the system.
    maxlags : int, default 2
        The largest lag order considered.
    ic : {"bic", "aic", "hqic", "fpe"}, default "bic"
        The criterion choosing the lag order ("fpe" only with three or more parts).
    zeros : {"raise", "replace"}, default "raise"
        A part of 0 is refused, or replaced multiplicatively.

    Returns
    -------
    CompositionModelResults
        ``kind`` "VAR"; ``params`` named ``<equation>:<term>`` (const, L<lag>.<variable>); ``stats`` aic, bic,
        stable, whiteness_p, normality_p; ``info`` lags, selected_by, reference, variables.

    Raises
    ------
    SchemaError
        As :func:`composition_frame`; ``reference`` not a part.
    CoverageError
        Fewer years than 3 × (number of variables) + 2, or an ``extra`` series missing in a year of the
        composition.
    ConvergenceError
        The VAR cannot be estimated.

    Warns
    -----
    DataQualityWarning
        The VAR is not stable (its long forecasts explode).

    See Also
    --------
    composition_vecm : a cointegrated system.
    CompositionModelResults.granger : Granger tests in the VAR.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> comp = kaz.loc[2001:, ["china", "russia"]].assign(other=lambda d: 1 - d.china - d.russia)
    >>> from kzecon.timeseries import composition_var
    >>> fit = composition_var(comp)
    >>> fit.info["lags"], fit.info["variables"], fit.stats["stable"]
    (1, 'alr_china,alr_russia', True)
    >>> fit.params.round(3).head(3)
    alr_china:const           -0.803
    alr_china:L1.alr_china     0.654
    alr_china:L1.alr_russia   -0.220
    dtype: float64
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
    """VECM on the additive log-ratios with the cointegration rank chosen by Johansen's trace test (5%).

    Parameters
    ----------
    comp : pandas.DataFrame
        The composition, long or wide, at least 12 consecutive years (:func:`composition_frame`).
    reference : str, optional
        The part the log-ratios are taken against; default (None) the last column of the wide composition.
    k_ar_diff : int, default 1
        Lagged differences in the VECM (and in the Johansen test).
    rank : int, optional
        A fixed cointegration rank (1 … number of log-ratios − 1) instead of the trace test's.
    deterministic : str, default "co"
        statsmodels' deterministic terms: "n", "co" (constant outside the cointegration relation), "ci", "lo",
        "li" or combinations such as "colo". The trace test always uses a constant (det_order 0).
    zeros : {"raise", "replace"}, default "raise"
        A part of 0 is refused, or replaced multiplicatively.

    Returns
    -------
    CompositionModelResults
        ``kind`` "VECM"; ``params`` the loadings ``alpha:<variable>:<relation>``; ``stats`` rank, trace_stats,
        trace_crit_5, llf.

    Raises
    ------
    SchemaError
        As :func:`composition_frame`; a rank of 0 (no cointegration: use :func:`composition_var`) or as large as
        the number of log-ratios (they look stationary).
    CoverageError
        Fewer years than 4 × (number of log-ratios) + 2.

    See Also
    --------
    composition_var : the VAR, for log-ratios without cointegration.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> comp = kaz.loc[2001:, ["china", "russia"]].assign(other=lambda d: 1 - d.china - d.russia)
    >>> from kzecon.timeseries import composition_vecm
    >>> fit = composition_vecm(comp, rank=1)  # the trace test alone finds rank 0 on these 20 years
    >>> fit.model
    'VECM(rank 1, 1 lagged differences) on alr composition'
    >>> fit.params.round(3)
    alpha:alr_china:0     0.005
    alpha:alr_russia:0    0.087
    dtype: float64
    """
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
