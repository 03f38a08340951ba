"""Unit-root, stationarity and structural-break tests for annual share series.

* :func:`unit_root` — ADF, KPSS (statsmodels), Phillips–Perron (arch), Zivot–Andrews (statsmodels).
* :func:`chow` — Chow F test at one known date, which the caller names (there is no default date;
  :func:`kzecon.timeseries.share_battery` runs one per year of its ``events`` and none without them).
* :func:`cusum` — OLS-CUSUM stability test (statsmodels ``breaks_cusumolsresid``).
* :func:`bai_perron` — multiple breaks at unknown dates: global SSR minimisation by dynamic programming,
  sup-F(l+1 | l) sequential tests, BIC / LWZ selection and break-date confidence intervals.

Bai–Perron is written here because no kept Python library does it with inference (statsmodels,
arch, ruptures find break dates without intervals). It follows R ``strucchange`` (Zeileis et al. 2002):
the SSR triangle by recursive residuals, the dynamic programme of ``breakpoints()``, ``BIC`` with
(k + 1)(m + 1) parameters, and ``confint.breakpointsfull`` — Bai's (1997) asymptotic distribution of
the break date with heterogeneous regressors and errors across segments. The test suite pins every
number against strucchange output stored with its R script (tests/references/timeseries/).
The sup-F p-values use the asymptotic null distribution of Andrews (1993) / Bai & Perron (1998),
simulated once per process with a fixed seed (50,000 draws of a k-dimensional Brownian bridge on a 1,000-step grid).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache, partial
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from kzecon.errors import ConvergenceError, CoverageError, DataQualityWarning, EstimationError, SchemaError
from kzecon.results import TestResult, check_level, reduce_frozen, results_class


def tests_frame(results) -> pd.DataFrame:
    """Many :class:`TestResult` → one tidy frame (test, statistic, p_value, lags, nobs, null, decision, …).

    Parameters
    ----------
    results : iterable of TestResult
        The tests, one row each in this order.

    Returns
    -------
    pandas.DataFrame
        Columns test, statistic, p_value, lags, nobs, null, level, decision, then ``cv_<level>`` for each
        critical value and the keys of each test's ``detail`` (NaN where a test has no such entry).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data import load_compositions
    >>> from kzecon.timeseries.transforms import logit
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade, as Kazakhstan reports it
    >>> z = pd.Series(logit(china), index=china.index)  # its logit, 2001–2020
    >>> from kzecon.timeseries import chow, tests_frame, unit_root
    >>> tab = tests_frame([unit_root(z, "kpss"), chow(z, 2010, event="customs union")])
    >>> tab[["test", "statistic", "p_value", "nobs"]].round(3)
            test  statistic  p_value  nobs
    0       KPSS      0.570    0.026    20
    1  Chow 2010     11.862    0.001    20
    """
    return pd.DataFrame([r.to_dict() for r in results])


def _check(y, min_obs: int = 10) -> np.ndarray:
    a = np.asarray(y, dtype=float)
    if a.ndim != 1:
        raise SchemaError("a time-series test needs one series")
    if not np.isfinite(a).all():
        raise SchemaError(f"series has {int((~np.isfinite(a)).sum())} missing or infinite value(s)")
    if len(a) < min_obs:
        raise CoverageError(f"series has {len(a)} observations; this test needs at least {min_obs}")
    if np.ptp(a) == 0:
        raise SchemaError(f"series is constant (every value {a[0]!r}): tests and models are undefined")
    return a


# --------------------------------------------------------------------------------------------------------
# Unit roots and stationarity
# --------------------------------------------------------------------------------------------------------
def unit_root(y, test: str = "adf", *, regression: str = "c", lags: int | None = None,
              level: float = 0.05) -> TestResult:
    """Unit-root (ADF, PP, ZA: H0 unit root) or stationarity (KPSS: H0 stationary) test.

    ``regression``: "c" (constant) or "ct" (constant and trend). ``lags``: fixed lag order (ADF, ZA: lagged
    differences; KPSS, PP: Newey–West bandwidth); ``None`` picks by AIC (ADF, ZA) or the libraries' automatic
    bandwidth rules (KPSS: Hobijn et al.; PP: Newey–West). With AIC selection the largest lag tried is
    min(12·(n/100)^¼, n/8): annual series of 30 years cannot carry the usual 9 lags (Zivot–Andrews then has
    more regressors than observations in its break segments).

    Parameters
    ----------
    y : array_like or pandas.Series
        One series (e.g. the logit of a share), at least 10 observations, finite, not constant. Ordered in time;
        an index is not used.
    test : {"adf", "kpss", "pp", "za"}, default "adf"
        Augmented Dickey–Fuller, KPSS, Phillips–Perron (tau) or Zivot–Andrews (one break at an unknown date;
        also spelled "zivot-andrews", "zivot_andrews"). Case-insensitive.
    regression : {"c", "ct"}, default "c"
        Deterministic part: a constant, or a constant and a linear trend (for Zivot–Andrews: a break in the
        intercept, or in intercept and trend).
    lags : int, optional
        Fixed lag order or bandwidth as above; default (None) chosen automatically.
    level : float, default 0.05
        Significance level of the result's ``decision``.

    Returns
    -------
    TestResult
        ``test`` ("ADF", "KPSS", "Phillips-Perron", "Zivot-Andrews"), ``statistic``, ``p_value``, ``null``,
        ``lags``, ``nobs`` (observations used), ``critical_values`` (keys "1%", "5%", "10%"; KPSS also "2.5%");
        Zivot–Andrews adds ``detail["break_index"]`` (the position of the break in the series, statsmodels'
        ``bpidx``).

    Raises
    ------
    SchemaError
        ``y`` is not one series, has missing or infinite values or is constant; ``regression`` or ``test`` is
        not one of those listed.
    CoverageError
        Fewer than 10 observations.
    EstimationError
        Zivot–Andrews: the regression with a break is singular on this series and lag order.

    Warns
    -----
    DataQualityWarning
        The library's own warnings, passed on (e.g. a KPSS statistic outside its p-value table: the p-value is a
        bound).

    See Also
    --------
    tests_frame : several results in one table.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data import load_compositions
    >>> from kzecon.timeseries.transforms import logit
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade, as Kazakhstan reports it
    >>> z = pd.Series(logit(china), index=china.index)  # its logit, 2001–2020
    >>> from kzecon.timeseries import unit_root
    >>> adf = unit_root(z)
    >>> adf.test, round(adf.statistic, 3), round(adf.p_value, 3), adf.reject
    ('ADF', -2.327, 0.163, False)
    >>> print(unit_root(z, "kpss", regression="ct").decision)
    reject H0 (stationary) at 5%
    """
    from statsmodels.tsa.stattools import adfuller, kpss, zivot_andrews

    a = _check(y, 10)
    if regression not in ("c", "ct"):
        raise SchemaError(f"regression must be 'c' or 'ct', got {regression!r}")
    t = test.lower()
    maxlag = lags if lags is not None else max(1, min(int(12 * (len(a) / 100) ** 0.25), len(a) // 8))
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        if t == "adf":
            r = adfuller(a, maxlag=maxlag, regression=regression, autolag=None if lags is not None else "AIC",
                         result_object=False)
            out = TestResult("ADF", float(r[0]), float(r[1]), "unit root", level, int(r[2]), int(r[3]), r[4])
        elif t == "kpss":
            stat, p, lag, crit = kpss(a, regression=regression, nlags=lags if lags is not None else "auto",
                                      result_object=False)
            out = TestResult("KPSS", float(stat), float(p), "stationary", level, int(lag), len(a), crit)
        elif t == "pp":
            from arch.unitroot import PhillipsPerron

            r = PhillipsPerron(a, lags=lags, trend=regression, test_type="tau")
            out = TestResult("Phillips-Perron", float(r.stat), float(r.pvalue), "unit root", level, int(r.lags),
                             int(r.nobs), {k: float(v) for k, v in r.critical_values.items()})
        elif t in ("za", "zivot-andrews", "zivot_andrews"):
            za_reg = {"c": "c", "ct": "ct"}[regression]
            try:
                r = zivot_andrews(a, maxlag=maxlag, regression=za_reg, autolag=None if lags is not None else "AIC")
            except (np.linalg.LinAlgError, ValueError) as err:
                # statsmodels refuses a rank-deficient auxiliary regression (a break dummy collinear with the
                # trend or a lag on a short or coarse series, e.g. shares rounded to 0.1)
                raise EstimationError(f"Zivot–Andrews: the regression with a break is singular on these "
                                      f"{len(a)} observations with up to {maxlag} lag(s) "
                                      f"({str(err).splitlines()[0]})") from None
            bp = int(r[4])
            out = TestResult("Zivot-Andrews", float(r[0]), float(r[1]), "unit root without break", level,
                             int(r[3]), len(a), r[2], {"break_index": bp})
        else:
            raise SchemaError(f"unknown unit-root test {test!r}: choose adf, kpss, pp or za")
    for w in caught:  # surface the library's warnings (e.g. KPSS p-value outside its table), never swallow
        warnings.warn(f"{out.test}: {w.message}", DataQualityWarning, stacklevel=2)
    return out


# --------------------------------------------------------------------------------------------------------
# Known-date breaks and CUSUM
# --------------------------------------------------------------------------------------------------------
def _design(n: int, trend: bool) -> np.ndarray:
    return np.column_stack([np.ones(n), np.arange(1, n + 1)]) if trend else np.ones((n, 1))


def _ssr(X: np.ndarray, y: np.ndarray) -> float:
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = y - X @ beta
    return float(r @ r)


def chow(y: pd.Series, break_year: int, *, trend: bool = True, level: float = 0.05, event: str = "") -> TestResult:
    """Chow F test of a break after ``break_year − 1`` (the new regime starts in ``break_year``); ``event``: what
    happened that year (a label carried in the result's detail).

    All coefficients of y = a + b·t (or y = a) may change; F = ((SSR_r − SSR_u)/k) / (SSR_u/(n − 2k)).

    Parameters
    ----------
    y : pandas.Series
        The series (e.g. the logit of a share) indexed by year (whole numbers), at least 6 observations, finite,
        not constant.
    break_year : int
        The first year of the new regime; there is no default.
    trend : bool, default True
        True: y = a + b·t in each segment (k = 2 coefficients); False: a mean shift only (k = 1).
    level : float, default 0.05
        Significance level of the result's ``decision``.
    event : str, default ""
        What happened in ``break_year`` (e.g. "customs union"), kept in ``detail["event"]``.

    Returns
    -------
    TestResult
        ``test`` "Chow <break_year>", ``statistic`` F, ``p_value`` from F(k, n − 2k), ``null`` "no break",
        ``nobs``; ``detail`` holds break_year, df1 (k), df2 (n − 2k) and event.

    Raises
    ------
    SchemaError
        ``y`` is not a Series, has missing or infinite values or is constant.
    CoverageError
        Fewer than 6 observations, or a segment (the years before ``break_year``, or from it on) with no more
        years than coefficients k.

    See Also
    --------
    bai_perron : breaks at unknown dates.
    cusum : stability without a date.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data import load_compositions
    >>> from kzecon.timeseries.transforms import logit
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade, as Kazakhstan reports it
    >>> z = pd.Series(logit(china), index=china.index)  # its logit, 2001–2020
    >>> from kzecon.timeseries import chow
    >>> r = chow(z, 2010, event="customs union")
    >>> round(r.statistic, 3), round(r.p_value, 4), r.detail["df2"]
    (11.862, 0.0007, 16)
    >>> print(r.decision)
    reject H0 (no break) at 5%
    """
    if not isinstance(y, pd.Series):
        raise SchemaError("chow needs a Series indexed by year")
    a = _check(y, 6)
    years = np.asarray(y.index, dtype=int)
    X = _design(len(a), trend)
    k = X.shape[1]
    pre = years < break_year
    n1, n2 = int(pre.sum()), int((~pre).sum())
    if n1 <= k or n2 <= k:
        raise CoverageError(f"Chow test at {break_year}: {n1} year(s) before and {n2} from it; each segment "
                            f"needs more than {k}")
    ssr_r = _ssr(X, a)
    ssr_u = _ssr(X[pre], a[pre]) + _ssr(X[~pre], a[~pre])
    df2 = len(a) - 2 * k
    F = ((ssr_r - ssr_u) / k) / (ssr_u / df2)
    return TestResult(f"Chow {break_year}", float(F), float(stats.f.sf(F, k, df2)), "no break", level,
                      None, len(a), {}, {"break_year": break_year, "df1": k, "df2": df2,
                                         "event": event})


def cusum(y, *, trend: bool = True, level: float = 0.05) -> TestResult:
    """OLS-CUSUM test of parameter stability (Ploberger & Krämer 1992; statsmodels implementation).

    Parameters
    ----------
    y : array_like or pandas.Series
        The series, at least 8 observations, finite, not constant; ordered in time.
    trend : bool, default True
        Regress y on a constant and a linear trend (True) or on a constant only (False).
    level : float, default 0.05
        Significance level of the result's ``decision``.

    Returns
    -------
    TestResult
        ``test`` "OLS-CUSUM", ``statistic`` (sup of the scaled cumulated OLS residuals), ``p_value``, ``null``
        "parameter stability", ``nobs``, ``critical_values`` at the 1%, 5% and 10% levels (their keys are
        currently written "100%", "500%" and "1000%": statsmodels gives the levels in percent already).

    Raises
    ------
    SchemaError
        ``y`` is not one series, has missing or infinite values or is constant.
    CoverageError
        Fewer than 8 observations.

    See Also
    --------
    chow : a break at a known date.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data import load_compositions
    >>> from kzecon.timeseries.transforms import logit
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade, as Kazakhstan reports it
    >>> z = pd.Series(logit(china), index=china.index)  # its logit, 2001–2020
    >>> from kzecon.timeseries import cusum
    >>> r = cusum(z)
    >>> round(r.statistic, 3), round(r.p_value, 3), r.reject
    (0.861, 0.449, False)
    """
    import statsmodels.api as sm
    from statsmodels.stats.diagnostic import breaks_cusumolsresid

    a = _check(y, 8)
    X = _design(len(a), trend)
    res = sm.OLS(a, X).fit()
    stat, p, crit = breaks_cusumolsresid(res.resid, ddof=X.shape[1])
    return TestResult("OLS-CUSUM", float(stat), float(p), "parameter stability", level, None, len(a),
                      {f"{int(100 * c[0])}%": float(c[1]) for c in crit})


# --------------------------------------------------------------------------------------------------------
# Bai–Perron
# --------------------------------------------------------------------------------------------------------
def _recresid_ssr(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cumulative SSR of OLS on the first j rows, j = 1…n (NaN while j ≤ k): SSR_j = SSR_{j−1} + w_j²."""
    n, k = X.shape
    out = np.full(n, np.nan)
    if n <= k:
        return out
    Xk, yk = X[:k], y[:k]
    XtX_inv = np.linalg.pinv(Xk.T @ Xk)
    beta = XtX_inv @ Xk.T @ yk
    ssr = _ssr(Xk, yk)
    for j in range(k, n):
        x = X[j]
        f = 1.0 + x @ XtX_inv @ x
        e = y[j] - x @ beta
        ssr += e * e / f
        out[j] = ssr
        Ax = XtX_inv @ x
        XtX_inv = XtX_inv - np.outer(Ax, Ax) / f
        beta = beta + Ax * e / f
    return out


def _ssr_triangle(X: np.ndarray, y: np.ndarray, h: int) -> np.ndarray:
    """SSR[i, j] = SSR of OLS on observations i…j (0-based, inclusive); NaN for segments shorter than k+1."""
    n = len(y)
    T = np.full((n, n), np.nan)
    for i in range(n - h + 1):
        T[i, i:] = _recresid_ssr(X[i:], y[i:])
    return T


@results_class
@dataclass(frozen=True)
class BreakResult:
    """Bai–Perron multiple-break analysis of y = X β_j + u in segment j.

    Made by :func:`bai_perron`; break positions follow strucchange: a break index is the (1-based) number of the
    last observation of the old regime, so ``years[index]`` is the first year of the new one.

    Attributes
    ----------
    years : tuple of int
        Calendar year of each observation (1…n when the series had none).
    nobs : int
        Number of observations n.
    nreg : int
        Number of regressors k (1: mean shifts; 2: constant and trend).
    h : int
        Minimal segment length in observations.
    max_breaks : int
        The largest number of breaks considered.
    ssr : pandas.Series
        Minimal sum of squared residuals with m breaks, indexed by m = 0…max_breaks.
    breaks : mapping
        m → tuple of the m SSR-minimising break indices (read-only; ``breaks[0]`` is empty).
    selected_bic, selected_lwz : int
        Number of breaks minimising BIC and LWZ (the modified Schwarz criterion of Liu, Wu & Zidek 1997).
    selected_sequential : int
        Number of breaks of the sequential sup-F(l+1 | l) procedure at ``level`` (add breaks while the test
        rejects).
    sequential : pandas.DataFrame
        The sequential tests: l, statistic (sup-F(l+1 | l)), p_value.
    sup_f : TestResult
        Andrews' sup-F test of no break against one break.
    level : float, default 0.05
        Significance level of the sequential procedure and of ``sup_f``'s decision.
    X : numpy.ndarray, optional
        The regressors (n × k), kept for :meth:`conf_int`.
    y : numpy.ndarray, optional
        The series, kept for :meth:`conf_int`.

    See Also
    --------
    bai_perron : the estimator.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data import load_compositions
    >>> from kzecon.timeseries.transforms import logit
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade, as Kazakhstan reports it
    >>> z = pd.Series(logit(china), index=china.index)  # its logit, 2001–2020
    >>> from kzecon.timeseries import bai_perron
    >>> bp = bai_perron(z)  # mean shifts in the logit share
    >>> bp.selected_bic, bp.break_years()
    (2, [2007, 2010])
    >>> bp.criteria().round(3).head(3)
       m    ssr     bic     lwz
    0  0  2.414  20.464  20.462
    1  1  0.721   2.280   2.275
    2  2  0.534   2.271   2.264
    >>> bp.to_frame()
       m  break  index  year  lower  upper  level
    0  2      1      6  2007   2006   2010   0.95
    1  2      2      9  2010   2006   2011   0.95
    """

    years: tuple
    nobs: int
    nreg: int
    h: int
    max_breaks: int
    ssr: Any  # Series: m → minimal SSR with m breaks
    breaks: Any  # dict: m → tuple of break indices (last observation of each regime, 1-based as strucchange)
    selected_bic: int
    selected_lwz: int
    selected_sequential: int
    sequential: Any  # DataFrame: l, statistic (supF(l+1|l)), p_value
    sup_f: TestResult
    level: float = 0.05
    X: Any = field(default=None, repr=False, compare=False)  # the regressors and the series (for conf_int)
    y: Any = field(default=None, repr=False, compare=False)

    def __reduce__(self):
        return reduce_frozen(self)

    def __post_init__(self):
        object.__setattr__(self, "breaks", MappingProxyType(dict(self.breaks)))

    def criteria(self) -> pd.DataFrame:
        """m, ssr, bic, lwz for m = 0…max_breaks (strucchange's ``summary(bp)$RSS``).

        Returns
        -------
        pandas.DataFrame
            One row per number of breaks m: ssr, bic and lwz, both with (k + 1)(m + 1) parameters.
        """
        n, k = self.nobs, self.nreg
        m = np.arange(self.max_breaks + 1)
        ssr = self.ssr.to_numpy()
        ll = -0.5 * n * (np.log(ssr) + 1 - np.log(n) + np.log(2 * np.pi))
        df = (k + 1) * (m + 1)
        return pd.DataFrame({"m": m, "ssr": ssr, "bic": -2 * ll + np.log(n) * df,
                             "lwz": -2 * ll + 0.299 * np.log(n) ** 2.1 * df})

    def summary(self) -> str:
        """The selected number of breaks by each criterion and their dates."""
        years = ", ".join(map(str, self.break_years())) or "none"
        return (f"Bai–Perron: {self.nobs} observations, minimum segment {self.h}, up to {self.max_breaks} breaks; "
                f"BIC selects {self.selected_bic} (new regimes from {years}), LWZ {self.selected_lwz}, sequential "
                f"sup-F {self.selected_sequential} at {self.level:.0%}; {self.sup_f.summary()}")

    def break_years(self, m: int | None = None) -> list[int]:
        """Calendar year in which each new regime starts (the observation after each break).

        Parameters
        ----------
        m : int, optional
            Number of breaks, 0…max_breaks; default (None) the number BIC selects.

        Returns
        -------
        list of int
            One year per break, ascending (empty for m = 0).

        Examples
        --------
        >>> import numpy as np
        >>> from kzecon.timeseries import bai_perron
        >>> y = np.r_[np.zeros(10), np.ones(10)] + np.random.default_rng(0).normal(0, 0.1, 20)
        >>> bai_perron(y, years=range(2001, 2021)).break_years(1)
        [2011]
        """
        m = self.selected_bic if m is None else m
        return [int(self.years[b]) for b in self.breaks[m]]

    def to_frame(self, level: float = 0.95, *, m: int | None = None) -> pd.DataFrame:
        """One row per break: break, index, year (first year of the new regime), lower/upper year of the CI.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level of the intervals.
        m : int, optional
            Number of breaks, 0…max_breaks; default (None) the number BIC selects (keyword only).

        Returns
        -------
        pandas.DataFrame
            Columns m, break (1…m), index, year, lower, upper (calendar years of the interval; NaN where it
            cannot be computed), level; no rows when m = 0.

        See Also
        --------
        conf_int : the intervals with their observation indices.
        """
        check_level(level)
        m = self.selected_bic if m is None else m
        if m == 0:
            return pd.DataFrame(columns=["m", "break", "index", "year", "lower", "upper", "level"])
        ci = self.conf_int(level, m=m)
        return ci.assign(m=m)[["m", "break", "index", "year", "lower", "upper", "level"]]

    def conf_int(self, level: float = 0.95, *, m: int | None = None, het_reg: bool = True,
                 het_err: bool = True) -> pd.DataFrame:
        """Confidence intervals of the break dates (Bai 1997; strucchange ``confint.breakpointsfull``).

        Parameters
        ----------
        level : float, default 0.95
            Confidence level.
        m : int, optional
            Number of breaks, 1…max_breaks; default (None) the number BIC selects (keyword only).
        het_reg : bool, default True
            Allow the regressors' second moments to differ across segments (strucchange ``het.reg``).
        het_err : bool, default True
            Allow the error variance to differ across segments (strucchange ``het.err``).

        Returns
        -------
        pandas.DataFrame
            One row per break: break, index, index_lower, index_upper (break indices), year, lower, upper
            (first year of the new regime at the estimate and at the interval's ends), level.

        Raises
        ------
        SchemaError
            m is 0 (or BIC selects no break): there is no break date to put an interval on.
        ConvergenceError
            The root search for an interval's end fails.

        Warns
        -----
        DataQualityWarning
            An interval that cannot be computed (its ends are NaN).

        Examples
        --------
        >>> import numpy as np
        >>> from kzecon.timeseries import bai_perron
        >>> y = np.r_[np.zeros(10), np.ones(10)] + np.random.default_rng(0).normal(0, 0.1, 20)
        >>> bai_perron(y, years=range(2001, 2021)).conf_int(m=1)[["year", "lower", "upper"]]
           year  lower  upper
        0  2011   2010   2012
        """
        level = check_level(level)
        m = self.selected_bic if m is None else m
        if m == 0:
            raise SchemaError("no breaks selected: nothing to put an interval on")
        return _break_conf_int(self.X, self.y, list(self.breaks[m]), level, het_reg, het_err, self.years)


def _split_ssr(T: np.ndarray, bps: list[int], n: int) -> float:
    edges = [0] + [b for b in bps] + [n]
    return float(sum(T[edges[i], edges[i + 1] - 1] for i in range(len(edges) - 1)))


def _dp_breaks(T: np.ndarray, n: int, h: int, max_breaks: int) -> dict[int, tuple]:
    """Global minimisers of the SSR for m = 1…max_breaks (strucchange's ``breakpoints``); 1-based ends."""
    INF = np.inf
    # best[m][e] = min SSR of the first e observations (e = 1…n) with m breaks; arg[m][e] = last break
    best = [np.full(n + 1, INF) for _ in range(max_breaks + 1)]
    arg = [np.zeros(n + 1, dtype=int) for _ in range(max_breaks + 1)]
    for e in range(h, n + 1):
        best[0][e] = T[0, e - 1]
    for m in range(1, max_breaks + 1):
        for e in range((m + 1) * h, n + 1):
            cands = [(best[m - 1][b] + T[b, e - 1], b) for b in range(m * h, e - h + 1)]
            v, b = min(cands, key=lambda t: t[0])
            best[m][e], arg[m][e] = v, b
    out = {0: ()}
    for m in range(1, max_breaks + 1):
        bps, e = [], n
        for mm in range(m, 0, -1):
            b = arg[mm][e]
            bps.append(b)
            e = b
        out[m] = tuple(sorted(bps))
    return out


@lru_cache(maxsize=8)
def _supf_null(k: int, trim: float, reps: int = 50_000, steps: int = 1_000, seed: int = 20240613) -> np.ndarray:
    """Draws of sup_{π∈[trim, 1−trim]} ||B(π)||² / (π(1−π)) / k for a k-dim Brownian bridge B (sorted)."""
    rng = np.random.default_rng(seed)
    grid = np.arange(1, steps + 1) / steps
    lo, hi = int(np.ceil(trim * steps)), int(np.floor((1 - trim) * steps))
    pi = grid[lo - 1:hi]
    weight = pi * (1 - pi)
    out = np.zeros(reps)
    chunk = 5_000
    compiled = None
    if k < 8:  # the compiled loop: the same operations in the same order, so the same draws
        from kzecon.timeseries._kernels import supf_draws as compiled
    for s in range(0, reps, chunk):
        r = min(chunk, reps - s)
        z = rng.standard_normal((r, steps, k))
        if compiled is not None:
            out[s:s + r] = compiled(z, grid, lo, hi, weight)
            continue
        W = np.cumsum(z, axis=1) / np.sqrt(steps)
        B = W - grid[None, :, None] * W[:, -1:, :]
        q = (B[:, lo - 1:hi, :] ** 2).sum(axis=2) / weight
        out[s:s + r] = q.max(axis=1) / k
    return np.sort(out)


def _supf_pvalue(stat: float, k: int, trim: float, segments: int = 1) -> float:
    draws = _supf_null(k, round(trim, 4))
    G = np.searchsorted(draws, stat, side="right") / len(draws)
    return float(max(1 - G ** segments, 1 / (len(draws) + 1)))  # a simulated p-value is never exactly 0


def _sup_f_stats(T: np.ndarray, bps: tuple, n: int, h: int, k: int) -> tuple[float, int]:
    """sup over segments of the sup-F for one more break inside each regime (Bai–Perron supF(l+1|l))."""
    edges = [0] + list(bps) + [n]
    ssr_l = _split_ssr(T, list(bps), n)
    best, where = -np.inf, -1
    for i in range(len(edges) - 1):
        a, b = edges[i], edges[i + 1]
        for c in range(a + h, b - h + 1):
            ssr_new = ssr_l - T[a, b - 1] + T[a, c - 1] + T[c, b - 1]
            F = ((ssr_l - ssr_new) / k) / (ssr_new / (n - (len(bps) + 2) * k))
            if F > best:
                best, where = F, c
    return float(best), where


def bai_perron(y, X=None, *, trend: bool = False, h: float | int = 0.15, max_breaks: int | None = None,
               level: float = 0.05, years=None) -> BreakResult:
    """Multiple structural breaks at unknown dates (Bai & Perron 1998, 2003) as in R ``strucchange``.

    Parameters
    ----------
    y : Series or array
        The series (e.g. the logit of China's share), indexed by year; at least 8 observations, finite, not
        constant.
    X : array, optional
        Regressors (n rows); default a constant (mean shifts) or constant and trend (``trend=True``).
    trend : bool, default False
        Without ``X``: regress on a constant and a linear trend (breaks in level and slope) rather than on a
        constant only. Ignored when ``X`` is given.
    h : float or int
        Minimal segment length: a fraction of n (default 0.15, floor(0.15·n) observations) or a count; it must
        exceed the number of regressors and be at most n/2.
    max_breaks : int, optional
        Default ceil(n/h) − 2 as strucchange, at most 5.
    level : float, default 0.05
        Significance level of the sequential sup-F procedure and of the sup-F test's decision.
    years : sequence of int, optional
        Calendar year of each observation; default the Series' index, or 1…n for an array.

    Returns
    -------
    BreakResult
        SSR and BIC/LWZ for every m, the SSR-minimising break dates for every m, the number selected by BIC, LWZ
        and the sequential sup-F(l+1 | l) procedure at ``level``, and ``conf_int(level, m=m)`` for the break dates.

    Raises
    ------
    SchemaError
        ``y`` is not one series, has missing or infinite values or is constant; ``max_breaks`` is outside
        1…ceil(n/h) − 2.
    CoverageError
        Fewer than 8 observations; a minimal segment no longer than the number of regressors, or longer than
        half the series.

    See Also
    --------
    chow : a break at a known date.
    BreakResult : the result and its methods.

    Notes
    -----
    The sup-F p-values come from the simulated asymptotic null, drawn on the first call for each number of
    regressors and trimming h/n in a process (a second or two) and reused after.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data import load_compositions
    >>> from kzecon.timeseries.transforms import logit
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade, as Kazakhstan reports it
    >>> z = pd.Series(logit(china), index=china.index)  # its logit, 2001–2020
    >>> from kzecon.timeseries import bai_perron
    >>> bp = bai_perron(z)
    >>> bp.nobs, bp.h, bp.max_breaks, bp.selected_bic, bp.selected_sequential
    (20, 3, 5, 2, 1)
    >>> bp.break_years(), bp.break_years(1)
    ([2007, 2010], [2009])
    >>> bp.sequential.round(3).head(2)
       l  statistic  p_value
    0  0     42.288    0.000
    1  1      4.384    0.535
    """
    if isinstance(y, pd.Series):
        years = tuple(int(v) for v in y.index) if years is None else tuple(years)
    a = _check(y, 8)
    n = len(a)
    years = tuple(range(1, n + 1)) if years is None else tuple(years)
    Xm = _design(n, trend) if X is None else np.asarray(X, dtype=float).reshape(n, -1)
    k = Xm.shape[1]
    hh = int(np.floor(n * h)) if h < 1 else int(h)
    if hh <= k:
        raise CoverageError(f"minimal segment {hh} observations must exceed the {k} regressor(s): the series "
                            f"({n} years) is too short for h={h}")
    if hh > n // 2:
        raise CoverageError(f"minimal segment {hh} is more than half of the {n} observations")
    cap = int(np.ceil(n / hh)) - 2
    M = min(cap, 5) if max_breaks is None else int(max_breaks)
    if M < 1 or M > cap:
        raise SchemaError(f"max_breaks must be 1…{cap} for n={n}, h={hh}; got {M}")
    T = _ssr_triangle(Xm, a, hh)
    brk = _dp_breaks(T, n, hh, M)
    ssr = pd.Series([_split_ssr(T, list(brk[m]), n) for m in range(M + 1)], index=range(M + 1), name="ssr")
    trim = hh / n
    F1, _ = _sup_f_stats(T, (), n, hh, k)
    sup_f = TestResult("sup-F (0 vs 1 break)", F1, _supf_pvalue(F1, k, trim), "no break", level, None, n,
                       {}, {"trim": trim})
    rows, sel_seq = [], 0
    for m in range(M):
        F, _ = _sup_f_stats(T, brk[m], n, hh, k)
        p = _supf_pvalue(F, k, trim, segments=m + 1)
        rows.append({"l": m, "statistic": F, "p_value": p})
    for r in rows:  # sequential: add breaks while supF(l+1|l) rejects
        if r["p_value"] < level:
            sel_seq = r["l"] + 1
        else:
            break
    res = BreakResult(years=years, nobs=n, nreg=k, h=hh, max_breaks=M, ssr=ssr, breaks=brk, selected_bic=0,
                      selected_lwz=0, selected_sequential=sel_seq, sequential=pd.DataFrame(rows), sup_f=sup_f,
                      level=level, X=Xm, y=a)
    crit = res.criteria()
    object.__setattr__(res, "selected_bic", int(crit["bic"].idxmin()))
    object.__setattr__(res, "selected_lwz", int(crit["lwz"].idxmin()))
    return res


def _pargmax_v(x: float, xi: float = 1.0, phi1: float = 1.0, phi2: float = 1.0) -> float:
    """CDF of the argmax of the two-sided Brownian motion with drift (Bai 1997), as strucchange ``pargmaxV``."""
    phi = xi * (phi2 / phi1) ** 2
    lnorm = stats.norm.logcdf
    if x < 0:
        x = abs(x)
        frac = xi / phi
        return float(-np.exp(np.log(x) / 2 - x / 8 - np.log(2 * np.pi) / 2)
                     - (phi / xi * (phi + 2 * xi) / (phi + xi)) * np.exp(frac * (1 + frac) * x / 2
                                                                        + lnorm(-(0.5 + frac) * np.sqrt(x)))
                     + np.exp(np.log(x / 2 - 2 + (phi + 2 * xi) ** 2 / ((phi + xi) * xi))
                              + lnorm(-np.sqrt(x) / 2)))
    x = abs(x)
    frac = xi ** 2 / phi
    with np.errstate(divide="ignore"):
        return float(1 + np.sqrt(frac) * np.exp(np.log(x) / 2 - frac * x / 8 - np.log(2 * np.pi) / 2)
                     + (xi / phi * (2 * phi + xi) / (phi + xi)) * np.exp((phi + xi) * x / 2
                                                                        + lnorm(-(phi + xi / 2) / np.sqrt(phi)
                                                                                * np.sqrt(x)))
                     - np.exp(np.log((2 * phi + xi) ** 2 / ((phi + xi) * phi) - 2 + frac * x / 2)
                              + lnorm(-np.sqrt(frac) * np.sqrt(x) / 2)))


def _break_conf_int(X, y, bps, level, het_reg, het_err, years) -> pd.DataFrame:
    n = len(y)
    a2 = (1 - level) / 2
    edges = [0] + list(bps) + [n]
    # residuals of the m-break fit
    res = np.concatenate([y[edges[i]:edges[i + 1]] - X[edges[i]:edges[i + 1]]
                          @ np.linalg.lstsq(X[edges[i]:edges[i + 1]], y[edges[i]:edges[i + 1]], rcond=None)[0]
                          for i in range(len(edges) - 1)])
    sigma2 = float(res @ res) / n
    Q2 = X.T @ X / n

    def seg(i):
        Xs, ys = X[edges[i]:edges[i + 1]], y[edges[i]:edges[i + 1]]
        beta = np.linalg.lstsq(Xs, ys, rcond=None)[0]
        r = ys - Xs @ beta
        return Xs, beta, float(r @ r) / len(ys)

    X2, beta2, s2 = seg(0)
    if het_reg:
        Q2 = X2.T @ X2 / len(X2)
    if het_err:
        sigma2 = s2
    rows = []
    for i in range(1, len(edges) - 1):
        beta1, sigma1, Q1 = beta2, sigma2, Q2
        X2, beta2, s2 = seg(i)
        delta = beta2 - beta1
        if het_reg:
            Q2 = X2.T @ X2 / len(X2)
        if het_err:
            sigma2 = s2
        Qp1, Qp2 = float(delta @ Q1 @ delta), float(delta @ Q2 @ delta)
        xi = Qp2 / Qp1 if het_reg else 1.0
        phi1, phi2 = np.sqrt(sigma1), np.sqrt(sigma2)
        p0 = _pargmax_v(0.0, xi, phi1, phi2)
        b = edges[i]
        if not np.isfinite(p0) or p0 < a2 or p0 > 1 - a2:
            warnings.warn(f"confidence interval of break {i} cannot be computed: P(argmax V <= 0) = {p0:.4f}",
                          DataQualityWarning, stacklevel=3)
            lo_idx = up_idx = np.nan
        else:
            ub = lb = 0.0
            while _pargmax_v(ub, xi, phi1, phi2) < 1 - a2:
                ub += 1000
            while _pargmax_v(lb, xi, phi1, phi2) > a2:
                lb -= 1000
            try:
                cdf = partial(_pargmax_v, xi=xi, phi1=phi1, phi2=phi2)
                upper = optimize.brentq(lambda v, f=cdf: f(v) - (1 - a2), 0, ub, xtol=1e-10)
                lower = optimize.brentq(lambda v, f=cdf: f(v) - a2, lb, 0, xtol=1e-10)
            except ValueError as err:
                raise ConvergenceError(f"break {i}: the confidence-interval root search failed ({err})") from err
            upper *= phi1 ** 2 / Qp1
            lower *= phi1 ** 2 / Qp1
            lo_idx, up_idx = b - int(np.ceil(upper)), b - int(np.floor(lower))
        def yr(idx):  # the break index is the last obs of the old regime (1-based) → first year of the new
            return np.nan if not np.isfinite(idx) else (years[int(idx)] if 0 <= idx < n else years[0] + int(idx))
        rows.append({"break": i, "index": b, "index_lower": lo_idx, "index_upper": up_idx, "year": years[b],
                     "lower": yr(lo_idx), "upper": yr(up_idx), "level": level})
    return pd.DataFrame(rows)
