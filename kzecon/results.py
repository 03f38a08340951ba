"""One results protocol for every kzecon result, as a type.

Every public results class is decorated with :func:`results_class` and satisfies :class:`Results`:

``summary()``
    The result in text; also its ``repr()``.
``to_frame()``
    A tidy table, callable with no arguments; also the notebook's ``_repr_html_()``.
``nobs``
    Observations used (an ``int``; a Series by fit for a :class:`ResultsSet`; ``None`` where the result holds draws
    or simulated paths rather than observations: a randomization or bootstrap distribution, a forecast).

A result with intervals also satisfies :class:`IntervalResults`: ``conf_int(level=0.95)`` — the default level is
0.95 everywhere — returning the intervals as ``lower``/``upper`` columns (tidy, or indexed by term for a fit).

**One** ``to_frame`` **signature**: ``to_frame(level=<default>, *, <selectors>)``.

* ``level`` (a probability in (0, 1)) is the one interval-level keyword: a ``to_frame`` whose table carries
  interval columns (``conf_low``/``conf_high``, ``lower``/``upper``, ``lower_<L>``/``upper_<L>``) takes it, as its
  only positional parameter; a table without intervals takes no level. Its default is the level the class
  publishes (0.95 for estimates and break dates, 0.90 for a forecast's fan), so ``to_frame()`` is unchanged.
* Anything else that picks the table is keyword-only, with a default: ``GEResult.to_frame(table="countries")``,
  ``BreakResult.to_frame(m=None)`` (the number of breaks), ``CompositionForecast.to_frame(levels=None)`` (several
  levels at once). A level outside (0, 1) — an old positional selector, say — is a :class:`UsageError`.

``tests/test_protocol_all.py`` finds every results class in the package and checks it against these
types, so a new results class must come with an instance there.

The estimates themselves: every model family (time series, panel, gravity, products) returns an
:class:`EstimationResults`: ``params``, ``std_errors``, ``pvalues``, ``conf_int(level)``, ``nobs``, ``summary()``,
``to_frame()``, plus ``dropped`` (rows not used, with the reason), ``stats`` (fit statistics and diagnostics) and
``info`` (specification: fixed effects, covariance, sample). The numbers come from the wrapped library
(statsmodels, linearmodels, pyfixest); this class only carries and formats them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from kzecon.errors import EstimationError, UsageError

__all__ = ["Results", "IntervalResults", "TestResult", "EstimationResults", "ResultsSet", "results_class",
           "check_level", "reduce_frozen", "reduce_with_backend", "dropped_by_model", "dropped_table", "pyfixest_attr",
           "PYFIXEST_ATTRIBUTES"]

HTML_ROWS = 60  # rows of to_frame() a notebook shows


@runtime_checkable
class Results(Protocol):
    """What every kzecon result has (see the module's docstring): ``isinstance(obj, Results)`` checks that the
    members exist; ``tests/test_protocol_all.py`` checks the signatures."""

    nobs: Any  # int; a Series by fit for a ResultsSet; None for draws or simulated paths

    def summary(self) -> str:
        """The result in text (also its ``repr``)."""
        ...

    def to_frame(self) -> pd.DataFrame:
        """A tidy table; ``to_frame(level)`` where the table carries intervals."""
        ...

    def _repr_html_(self) -> str:
        """The notebook's face: the summary's first lines above the ``to_frame()`` table."""
        ...


@runtime_checkable
class IntervalResults(Results, Protocol):
    """A result with intervals: also ``conf_int(level=0.95)``."""

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Intervals at ``level`` as ``lower``/``upper`` columns.

        Parameters
        ----------
        level : float, default 0.95
            Interval level, in (0, 1) (the same default in every results class); a class may add keyword-only
            selectors after it.
        """
        ...


def check_level(level) -> float:
    """``level`` as a float in (0, 1), or a :class:`UsageError` (a number of breaks or a table name passed where the
    level now stands, a tuple of levels …).

    Parameters
    ----------
    level : float
        An interval level: a number (not a bool) strictly between 0 and 1.

    Returns
    -------
    float

    Raises
    ------
    UsageError
        If ``level`` is not a number in (0, 1).

    Examples
    --------
    >>> from kzecon.results import check_level
    >>> check_level(0.9)
    0.9
    >>> check_level(95)
    Traceback (most recent call last):
    ...
    kzecon.errors.UsageError: level must be in (0, 1), got 95 (a results class's other options of to_frame and ...
    """
    if isinstance(level, bool) or not isinstance(level, int | float | np.number) or not 0 < level < 1:
        raise UsageError(f"level must be in (0, 1), got {level!r} (a results class's other options of to_frame and "
                         "conf_int are keyword-only: m=, table=, levels=)")
    return float(level)


def _summary_repr(self) -> str:
    try:
        return self.summary()
    except Exception:  # noqa: BLE001 - a repr never raises: fall back to the class name
        return f"<{type(self).__name__}>"


def _html_repr(self) -> str:
    import html

    text = _summary_repr(self)
    head = text.split("\n\n", 1)[0].splitlines()[:14]
    try:
        frame = self.to_frame()
    except Exception:  # noqa: BLE001 - as above
        frame = None
    table = ""
    if isinstance(frame, pd.DataFrame):
        more = len(frame) - HTML_ROWS
        table = frame.head(HTML_ROWS).to_html(index=False, border=0, classes="kzecon-table",
                                              float_format=lambda x: f"{x:.6g}")
        if more > 0:
            table += f"<p><em>{more:,d} more rows: .to_frame()</em></p>"
    return (f'<div class="kzecon-result"><strong>{html.escape(type(self).__name__)}</strong>'
            f"<pre>{html.escape(chr(10).join(head))}</pre>{table}</div>")


def results_class(cls):
    """Mark ``cls`` a public results class (it must then satisfy :class:`Results`; the protocol test finds it by
    this mark) and give it the shared faces: ``repr()`` is its ``summary()`` and a notebook shows ``_repr_html_()``
    (the summary's first lines above the tidy ``to_frame()`` table), as statsmodels' and pyfixest's results do.
    Applied above ``@dataclass`` (which would otherwise write its own repr): a decorator rather than a base class
    for that reason."""
    cls.__repr__ = _summary_repr
    cls._repr_html_ = _html_repr
    cls.__kzecon_results__ = True
    return cls


def reduce_frozen(obj, keep_backend: bool = False):
    """``__reduce__`` for kzecon's frozen results dataclasses: rebuilt from their fields (read-only mappings passed
    as plain dicts, frozen again by ``__post_init__``), so results can cross process boundaries (Dask, process
    pools). The wrapped library's own result (``backend``: working arrays, or objects such as pyfixest's that do
    not pickle) stays behind unless ``keep_backend`` (the time-series results, whose forecasts and tests need their
    statsmodels / pmdarima model, which pickles): the copy then has ``backend=None`` and every public method works
    from the carried numbers (``params``, ``vcov``, ``stats``).

    Parameters
    ----------
    obj : dataclass instance
        The result to pickle.
    keep_backend : bool, default False
        Keep the ``backend`` field (it must pickle); False replaces it by None.

    Returns
    -------
    tuple
        (the class, its init fields' values in order), as ``__reduce__`` returns.

    Examples
    --------
    >>> from kzecon.results import TestResult, reduce_frozen
    >>> reduce_frozen(TestResult("ADF", -3.2, 0.02, "unit root", lags=1, nobs=30))
    (<class 'kzecon.results.TestResult'>, ('ADF', -3.2, 0.02, 'unit root', 0.05, 1, 30, {}, {}))
    """
    from dataclasses import fields

    args = tuple(None if f.name == "backend" and not keep_backend else dict(v) if isinstance(v, MappingProxyType)
                 else v for f, v in ((f, getattr(obj, f.name)) for f in fields(obj) if f.init))
    return (type(obj), args)


def reduce_with_backend(obj):
    """``__reduce__`` that keeps the wrapped library's result (it must pickle).

    Parameters
    ----------
    obj : dataclass instance
        The result to pickle: :func:`reduce_frozen` with ``keep_backend=True``.

    Returns
    -------
    tuple
        (the class, its init fields' values in order).
    """
    return reduce_frozen(obj, keep_backend=True)


@results_class
@dataclass(frozen=True)
class TestResult:
    """One hypothesis test: ``test``, ``statistic``, ``p_value``, ``lags``, ``null``, ``decision`` at ``level``.

    Returned by kzecon's tests (unit roots, cointegration, Wald tests of :meth:`EstimationResults.wald_test` …).
    Immutable; ``critical_values`` and ``detail`` are read-only mappings.

    Attributes
    ----------
    test : str
        The test's name (e.g. ``"ADF"``, ``"Wald (x, z)"``).
    statistic : float
        The test statistic.
    p_value : float
        Its p-value.
    null : str
        The null hypothesis in words (e.g. ``"unit root"``).
    level : float, default 0.05
        The significance level of :attr:`decision` (reject when ``p_value < level``).
    lags : int or None, default None
        Lags used, where the test has them.
    nobs : int or None, default None
        Observations used.
    critical_values : mapping, default {}
        Critical values by level (e.g. ``{"5%": -2.9}``), where the test gives them; ``cv_<key>`` columns of
        :meth:`to_frame`.
    detail : mapping, default {}
        Anything else the test reports (degrees of freedom, the regression's trend …), flattened into
        :meth:`to_dict`.

    Examples
    --------
    >>> from kzecon.results import TestResult
    >>> t = TestResult("ADF", -3.2, 0.02, "unit root", lags=1, nobs=30)
    >>> print(t.summary())
    ADF: statistic -3.2, p = 0.02, 1 lags, n = 30: reject H0 (unit root) at 5%
    >>> t.reject, t.decision
    (True, 'reject H0 (unit root) at 5%')
    """

    __test__ = False  # not a pytest test class

    test: str
    statistic: float
    p_value: float
    null: str
    level: float = 0.05
    lags: int | None = None
    nobs: int | None = None
    critical_values: Any = field(default_factory=dict)
    detail: Any = field(default_factory=dict)

    def __reduce__(self):
        return reduce_frozen(self)

    def __post_init__(self):
        object.__setattr__(self, "critical_values", MappingProxyType(dict(self.critical_values)))
        object.__setattr__(self, "detail", MappingProxyType(dict(self.detail)))

    @property
    def reject(self) -> bool:
        """Whether the null is rejected at ``level``."""
        return bool(self.p_value < self.level)

    @property
    def decision(self) -> str:
        """The decision in words, e.g. ``reject H0 (unit root) at 5%``."""
        return f"{'reject' if self.reject else 'do not reject'} H0 ({self.null}) at {self.level:.0%}"

    def summary(self) -> str:
        """The test, statistic, p-value and decision in one line."""
        lags = f", {self.lags} lags" if self.lags is not None else ""
        n = f", n = {self.nobs}" if self.nobs is not None else ""
        return f"{self.test}: statistic {self.statistic:.4g}, p = {self.p_value:.4g}{lags}{n}: {self.decision}"

    def to_frame(self) -> pd.DataFrame:
        """One row: the columns of :meth:`to_dict`."""
        return pd.DataFrame([self.to_dict()])

    def to_dict(self) -> dict:
        """The test as a flat dict (statistic, p_value, critical values …) for one table row."""
        d = {"test": self.test, "statistic": self.statistic, "p_value": self.p_value, "lags": self.lags,
             "nobs": self.nobs, "null": self.null, "level": self.level, "decision": self.decision}
        d.update({f"cv_{k}": v for k, v in self.critical_values.items()})
        d.update(self.detail)
        return d


def _frozen_series(s: pd.Series) -> pd.Series:
    s = s.astype(float).copy()
    s.values.flags.writeable = False
    return s


@results_class
@dataclass(frozen=True)
class EstimationResults:
    """Estimates of one model.

    Parameters
    ----------
    model : str
        Name of the specification (e.g. ``"ppml_pair_fe"``).
    params, std_errors : pandas.Series
        Estimates and their standard errors, indexed by term.
    nobs : int
        Observations used in the fit.
    df_resid : float or None
        Residual degrees of freedom for t-based inference; ``None`` uses the normal distribution.
    dropped : pandas.DataFrame
        One row per reason rows were not used: ``reason``, ``rows`` (and optional detail).
    stats : mapping
        Fit statistics and diagnostics (log-likelihood, R², AIC, iterations, Ljung–Box p, …).
    info : mapping
        The specification: dependent variable, fixed effects, covariance type, clusters, sample.
    pvalues_override : pandas.Series or None
        P-values computed by the wrapped library when they are not Wald t/z (e.g. bootstrap).
    vcov : pandas.DataFrame or None
        Covariance matrix of ``params`` (for Wald tests of several terms), where the estimator provides it.
    backend : object
        The wrapped library's own result (statsmodels, linearmodels, pyfixest), for anything kzecon
        does not carry over (predictions, the library's own summary).
    omitted : mapping
        Regressors of the specification left out of the fit, each with the reason (absorbed by a fixed effect,
        collinear): as fixest's ``collin.var``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.results import EstimationResults
    >>> V = pd.DataFrame([[0.25, 0.0], [0.0, 0.0625]], index=["x", "z"], columns=["x", "z"])
    >>> r = EstimationResults("ols", params=pd.Series({"x": 1.0, "z": 0.5}),
    ...                       std_errors=pd.Series({"x": 0.5, "z": 0.25}), nobs=100, vcov=V)
    >>> r.conf_int().round(3)
       lower  upper
    x   0.02   1.98
    z   0.01   0.99
    """

    model: str
    params: pd.Series
    std_errors: pd.Series
    nobs: int
    df_resid: float | None = None
    dropped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["reason", "rows"]))
    stats: Mapping[str, Any] = field(default_factory=dict)
    info: Mapping[str, Any] = field(default_factory=dict)
    pvalues_override: pd.Series | None = None
    vcov: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    backend: Any = field(default=None, repr=False, compare=False)
    omitted: Mapping[str, str] = field(default_factory=dict)

    __reduce__ = reduce_frozen

    def __post_init__(self):
        object.__setattr__(self, "omitted", MappingProxyType(dict(self.omitted)))
        params = _frozen_series(pd.Series(self.params))
        se = _frozen_series(pd.Series(self.std_errors).reindex(params.index))
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "std_errors", se)
        object.__setattr__(self, "stats", MappingProxyType(dict(self.stats)))
        object.__setattr__(self, "info", MappingProxyType(dict(self.info)))
        object.__setattr__(self, "dropped", self.dropped.copy())
        if self.pvalues_override is not None:
            object.__setattr__(self, "pvalues_override", _frozen_series(self.pvalues_override.reindex(params.index)))
        if self.vcov is not None:
            v = pd.DataFrame(self.vcov).astype(float).copy()
            v.values.flags.writeable = False
            object.__setattr__(self, "vcov", v)

    # inference -------------------------------------------------------------------------------------------
    @property
    def tstats(self) -> pd.Series:
        """Estimates divided by their standard errors."""
        return self.params / self.std_errors

    def _dist(self):
        from scipy import stats as _st  # imported here: it takes ~0.6 s, and a fit needs none of it

        return _st.t(self.df_resid) if self.df_resid is not None else _st.norm()

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values (t with ``df_resid``, else normal), or the library's where it computes them otherwise."""
        if self.pvalues_override is not None:
            return self.pvalues_override
        return pd.Series(2 * self._dist().sf(np.abs(self.tstats.to_numpy())), index=self.params.index)

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Wald confidence intervals (t with ``df_resid`` if set, else normal).

        Parameters
        ----------
        level : float, default 0.95
            Confidence level, in (0, 1): estimate ± q · std_error with q the (1 + level)/2 quantile.

        Returns
        -------
        pandas.DataFrame
            ``lower, upper``, indexed by term.

        Raises
        ------
        UsageError
            If ``level`` is not a number in (0, 1).

        Examples
        --------
        >>> import pandas as pd
        >>> from kzecon.results import EstimationResults
        >>> V = pd.DataFrame([[0.25, 0.0], [0.0, 0.0625]], index=["x", "z"], columns=["x", "z"])
        >>> r = EstimationResults("ols", params=pd.Series({"x": 1.0, "z": 0.5}),
        ...                       std_errors=pd.Series({"x": 0.5, "z": 0.25}), nobs=100, vcov=V)
        >>> r.conf_int(0.9).round(3)
           lower  upper
        x  0.178  1.822
        z  0.089  0.911
        """
        q = self._dist().ppf(0.5 + check_level(level) / 2)
        return pd.DataFrame({"lower": self.params - q * self.std_errors,
                             "upper": self.params + q * self.std_errors})

    @property
    def n_dropped(self) -> int:
        """Rows not used, over every reason."""
        return int(self.dropped["rows"].sum()) if len(self.dropped) else 0

    # output ----------------------------------------------------------------------------------------------
    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Tidy table: model, term, estimate, std_error, statistic, p_value, conf_low, conf_high, nobs.

        Parameters
        ----------
        level : float, default 0.95
            Level of the ``conf_low``/``conf_high`` interval (:meth:`conf_int`), in (0, 1).

        Returns
        -------
        pandas.DataFrame
            One row per term, as R broom's ``tidy()``: ``statistic`` is estimate / std_error, ``p_value`` as
            :attr:`pvalues`.

        Raises
        ------
        UsageError
            If ``level`` is not a number in (0, 1).

        Examples
        --------
        >>> import pandas as pd
        >>> from kzecon.results import EstimationResults
        >>> V = pd.DataFrame([[0.25, 0.0], [0.0, 0.0625]], index=["x", "z"], columns=["x", "z"])
        >>> r = EstimationResults("ols", params=pd.Series({"x": 1.0, "z": 0.5}),
        ...                       std_errors=pd.Series({"x": 0.5, "z": 0.25}), nobs=100, vcov=V)
        >>> r.to_frame(0.9).round(3)
          model term  estimate  std_error  statistic  p_value  conf_low  conf_high  nobs
        0   ols    x       1.0       0.50        2.0    0.046     0.178      1.822   100
        1   ols    z       0.5       0.25        2.0    0.046     0.089      0.911   100
        """
        ci = self.conf_int(level)
        return pd.DataFrame({
            "model": self.model, "term": self.params.index, "estimate": self.params.to_numpy(),
            "std_error": self.std_errors.to_numpy(), "statistic": self.tstats.to_numpy(),
            "p_value": self.pvalues.to_numpy(), "conf_low": ci["lower"].to_numpy(),
            "conf_high": ci["upper"].to_numpy(), "nobs": self.nobs,
        })

    def summary(self) -> str:
        """The specification, observations, rows dropped and omitted terms, statistics and the estimates table."""
        lines = [f"{self.model}", "=" * max(len(self.model), 20)]
        for k, v in self.info.items():
            lines.append(f"{k:>22s}: {v}")
        lines.append(f"{'observations':>22s}: {self.nobs:,d}")
        if self.n_dropped:
            for _, row in self.dropped.iterrows():
                lines.append(f"{'dropped':>22s}: {int(row['rows']):,d} ({row['reason']})")
        for t, why in self.omitted.items():
            lines.append(f"{'omitted':>22s}: {t} ({why})")
        for k, v in self.stats.items():
            lines.append(f"{k:>22s}: {v:.6g}" if isinstance(v, (float, np.floating)) else f"{k:>22s}: {v}")
        tab = self.to_frame().set_index("term")[["estimate", "std_error", "statistic", "p_value",
                                                  "conf_low", "conf_high"]]
        lines.append("")
        lines.append(tab.to_string(float_format=lambda x: f"{x:.6g}"))
        return "\n".join(lines)

    def wald_test(self, terms, values=None, *, level: float = 0.05) -> TestResult:
        """Joint Wald test that ``terms`` equal ``values`` (default zero): χ²(len(terms)) with the fit's covariance
        (``vcov``; an EstimationError when the estimator provides none).

        Parameters
        ----------
        terms : str or sequence of str
            The terms tested (names of :attr:`params`).
        values : sequence of float or None, default None
            The hypothesised values, one per term; None for zeros.
        level : float, default 0.05
            The significance level of the test's decision (keyword-only).

        Returns
        -------
        TestResult
            Statistic (d′ V⁻¹ d with d = estimates − values), its χ² p-value with ``len(terms)`` degrees of freedom
            (``detail["df"]``), the null in words.

        Raises
        ------
        UsageError
            If a term is not in the model (the message lists its terms).
        EstimationError
            If the result carries no covariance matrix (``vcov`` is None).

        Examples
        --------
        >>> import pandas as pd
        >>> from kzecon.results import EstimationResults
        >>> V = pd.DataFrame([[0.25, 0.0], [0.0, 0.0625]], index=["x", "z"], columns=["x", "z"])
        >>> r = EstimationResults("ols", params=pd.Series({"x": 1.0, "z": 0.5}),
        ...                       std_errors=pd.Series({"x": 0.5, "z": 0.25}), nobs=100, vcov=V)
        >>> print(r.wald_test(["x", "z"]).summary())
        Wald (x, z): statistic 8, p = 0.01832, n = 100: reject H0 (x, z = 0) at 5%
        """
        terms = [terms] if isinstance(terms, str) else list(terms)
        missing = [t for t in terms if t not in self.params.index]
        if missing:
            raise UsageError(f"term(s) {missing} are not in the model; its terms: {', '.join(self.params.index)}")
        if self.vcov is None:
            raise EstimationError(f"{self.model} carries no covariance matrix: a joint Wald test needs one")
        from scipy import stats as _st

        r = np.zeros(len(terms)) if values is None else np.asarray(values, dtype=float).reshape(-1)
        d = self.params[terms].to_numpy() - r
        V = self.vcov.loc[terms, terms].to_numpy()
        stat = float(d @ np.linalg.solve(V, d))
        return TestResult(f"Wald ({', '.join(terms)})", stat, float(_st.chi2.sf(stat, len(terms))),
                          f"{', '.join(terms)} = {'0' if values is None else ', '.join(map(str, r))}", level, None,
                          self.nobs, {}, {"df": len(terms)})


@results_class
class ResultsSet(Mapping):
    """Several fits under names (``{name: EstimationResults}``, read-only, in order): ``to_frame()`` stacks their
    tidy tables with the rows each dropped, ``summary()`` sets their estimates side by side (a comparison table
    across fits; ``kzecon.report.tables.etable`` lays it out for a paper).

    Parameters
    ----------
    fits : mapping of str to EstimationResults
        The fits under their names, in the order the tables show them (copied: later changes to the mapping do not
        reach the set).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.results import EstimationResults, ResultsSet
    >>> V = pd.DataFrame([[0.25, 0.0], [0.0, 0.0625]], index=["x", "z"], columns=["x", "z"])
    >>> r = EstimationResults("ols", params=pd.Series({"x": 1.0, "z": 0.5}),
    ...                       std_errors=pd.Series({"x": 0.5, "z": 0.25}), nobs=100, vcov=V)
    >>> fits = ResultsSet({"a": r, "b": r})
    >>> print(fits.summary(digits=2))
    model            a            b
    term
    x      1.00 (0.50)  1.00 (0.50)
    z      0.50 (0.25)  0.50 (0.25)
    N              100          100
    """

    def __init__(self, fits: Mapping[str, EstimationResults]):
        self._fits = dict(fits)

    def __getitem__(self, name: str) -> EstimationResults:
        return self._fits[name]

    def __iter__(self):
        return iter(self._fits)

    def __len__(self) -> int:
        return len(self._fits)

    def __reduce__(self):
        return (ResultsSet, (self._fits,))

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """model (the set's name for the fit), term, estimate, std_error, nobs, p_value, conf_low, conf_high,
        n_dropped.

        Parameters
        ----------
        level : float, default 0.95
            Level of every fit's ``conf_low``/``conf_high`` interval, in (0, 1).

        Returns
        -------
        pandas.DataFrame
            Every fit's tidy rows stacked, in the set's order.

        Raises
        ------
        UsageError
            If ``level`` is not a number in (0, 1).
        """
        rows = [r.to_frame(level).assign(model=name, n_dropped=r.n_dropped) for name, r in self._fits.items()]
        cols = ["model", "term", "estimate", "std_error", "nobs", "p_value", "conf_low", "conf_high", "n_dropped"]
        return pd.concat(rows, ignore_index=True)[cols]

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """model (the set's name for the fit), term, lower, upper: every fit's Wald intervals, stacked.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level, in (0, 1).

        Returns
        -------
        pandas.DataFrame
            ``model, term, lower, upper``.

        Raises
        ------
        UsageError
            If ``level`` is not a number in (0, 1).
        """
        return pd.concat([r.conf_int(level).rename_axis("term").reset_index().assign(model=name)
                          for name, r in self._fits.items()], ignore_index=True)[["model", "term", "lower", "upper"]]

    @property
    def dropped(self) -> pd.DataFrame:
        """The rows each fit dropped: ``reason, rows, model`` (empty when none was)."""
        return dropped_by_model(self._fits)

    def summary(self, digits: int = 3) -> str:
        """Estimates (standard errors) by term × fit, then N.

        Parameters
        ----------
        digits : int, default 3
            Decimals of the estimates and standard errors.

        Returns
        -------
        str
            The table as text: one row per term (in order of first appearance), one column per fit, a last row N;
            empty cells where a fit lacks the term.
        """
        t = self.to_frame()
        cell = t.assign(cell=[f"{e:.{digits}f} ({s:.{digits}f})" for e, s in zip(t["estimate"], t["std_error"],
                                                                                    strict=True)])
        wide = cell.pivot(index="term", columns="model", values="cell").reindex(
            index=list(dict.fromkeys(t["term"])), columns=list(self._fits)).fillna("")
        wide.loc["N"] = [f"{self._fits[m].nobs:,d}" for m in wide.columns]
        return wide.to_string()

    @property
    def nobs(self) -> pd.Series:
        """Observations of each fit, by name."""
        return pd.Series({k: r.nobs for k, r in self._fits.items()}, name="nobs", dtype=int)


def dropped_by_model(fits: Mapping[str, EstimationResults]) -> pd.DataFrame:
    """The rows each fit dropped, stacked: ``reason, rows, model`` (an empty frame with these columns when no fit
    dropped a row).

    Parameters
    ----------
    fits : mapping of str to EstimationResults
        The fits by name.

    Returns
    -------
    pandas.DataFrame
        ``reason, rows, model``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.results import EstimationResults, dropped_by_model, dropped_table
    >>> r = EstimationResults("ols", params=pd.Series({"x": 1.0}), std_errors=pd.Series({"x": 0.5}), nobs=100,
    ...                       dropped=dropped_table(("missing flow", 3), ("zero flow", 0)))
    >>> dropped_by_model({"a": r})
             reason  rows model
    0  missing flow     3     a
    """
    parts = [r.dropped.assign(model=name) for name, r in fits.items() if len(r.dropped)]
    if not parts:
        return pd.DataFrame({"reason": pd.Series(dtype=object), "rows": pd.Series(dtype=int),
                             "model": pd.Series(dtype=object)})
    return pd.concat(parts, ignore_index=True)[["reason", "rows", "model"]]


def dropped_table(*pairs: tuple[str, int]) -> pd.DataFrame:
    """A ``dropped`` frame from (reason, rows) pairs, keeping only reasons with rows > 0."""
    rows = [{"reason": r, "rows": int(n)} for r, n in pairs if n]
    return pd.DataFrame(rows, columns=["reason", "rows"])


PYFIXEST_ATTRIBUTES = ("_N", "_vcov", "_loglik", "_pseudo_r2", "_r2", "deviance", "convergence", "_data", "_clustervar",
                       "_model_matrix_one_hot")
"""pyfixest results attributes kzecon reads (no public accessor exists for them in pyfixest 0.60); a test checks
that they are still there, so a pyfixest release that renames one fails the suite instead of a result."""


def pyfixest_attr(model, name: str):
    """One of :data:`PYFIXEST_ATTRIBUTES` of a pyfixest result, or an :class:`EstimationError` saying that this
    pyfixest version no longer has it (never a silent default).

    Parameters
    ----------
    model : pyfixest result
        A fitted pyfixest model (``Feols``, ``Fepois`` …).
    name : str
        One of :data:`PYFIXEST_ATTRIBUTES`.

    Returns
    -------
    object
        The attribute's value.

    Raises
    ------
    KeyError
        If ``name`` is not one of :data:`PYFIXEST_ATTRIBUTES` (a programming error in kzecon).
    EstimationError
        If the installed pyfixest has no such attribute.
    """
    if name not in PYFIXEST_ATTRIBUTES:
        raise KeyError(name)
    try:
        return getattr(model, name)
    except AttributeError:
        import pyfixest

        raise EstimationError(f"pyfixest {pyfixest.__version__} results have no attribute {name!r}, which kzecon "
                              "reads; use backend='kzecon' or a pyfixest version kzecon supports") from None
