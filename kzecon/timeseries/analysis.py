"""One call that runs the standard battery on a share series: the tables behind ``kzecon timeseries``."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError, DataQualityWarning, KzeconError, SchemaError, UsageError
from kzecon.results import results_class

from . import models, transforms
from .stattests import BreakResult, TestResult, bai_perron, chow, cusum, unit_root

MIN_YEARS = 12
"""The shortest series the battery runs on (consecutive years); shorter ones are refused with this number."""

# a test that cannot be computed on the user's series: the libraries' numerical complaints and kzecon's own
NOT_COMPUTABLE = (KzeconError, ValueError, ArithmeticError, np.linalg.LinAlgError)


def _not_computable(test: str, null: str, err: Exception) -> dict:
    reason = str(err).splitlines()[0][:200]
    return {"test": test, "statistic": np.nan, "p_value": np.nan, "null": null, "decision": "not computable",
            "note": reason}


@results_class
@dataclass(frozen=True)
class ShareBattery:
    """The standard battery on one share series (:func:`share_battery`): ``tests`` (test, regression, statistic,
    p_value, lags, nobs, null, decision, note, …), ``breaks`` (Bai–Perron: one row per break of the BIC choice, with
    its interval, and the number of breaks each criterion selects), ``criteria`` (SSR/BIC/LWZ by m), ``forecast``
    (year, mean, lower_<L>, upper_<L>, median on the share scale), ``arima`` (its results object), ``series``
    (year, share, logit_share), ``bai_perron`` (the :class:`BreakResult`, or None when it could not be computed).

    Attributes
    ----------
    tests : pandas.DataFrame
        One row per test, on the logit of the share: test, regression ("c" constant, "ct" constant and trend),
        statistic, p_value, lags, nobs, null, level, decision, note (why a test could not be computed), then
        critical values (``cv_<level>``) and details (break_year, event, df1, df2, trim, …) where a test has them.
        The rows: ADF, KPSS, Phillips-Perron, Zivot-Andrews with "c", then with "ct"; a Chow test per event
        year inside the series; OLS-CUSUM; sup-F(l+1|l) for l = 0…(max breaks − 1).
    breaks : pandas.DataFrame
        The Bai–Perron breaks of the BIC choice (m, break, index, year, lower, upper, level; no rows without a
        break), with model, selected_by and n_breaks_bic, n_breaks_lwz, n_breaks_sequential.
    criteria : pandas.DataFrame
        m, ssr, bic, lwz for each number of breaks (no rows when Bai–Perron could not be computed).
    forecast : pandas.DataFrame
        The ARIMA forecast on the share scale: year, mean, lower_<L>, upper_<L>, median.
    arima : kzecon.timeseries.models.ShareModelResults
        The fitted ARIMA.
    series : pandas.DataFrame
        year, share (after validation), logit_share.
    bai_perron : BreakResult or None, default None
        The full Bai–Perron result; None when it could not be computed.

    See Also
    --------
    share_battery : the function that runs the battery.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> from kzecon.timeseries import share_battery
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade as Kazakhstan reports it
    >>> battery = share_battery(china, horizon=3, events={2010: "customs union", 2015: "EAEU"})
    >>> battery.nobs, round(battery.p_value("KPSS", "ct"), 3)
    (20, 0.048)
    >>> print(battery.summary())
    20 years (2001–2020), tests on the logit of the share
    ...
    Bai–Perron breaks (BIC), first year of each new regime [95% interval]: 2007 [2006–2010], 2010 [2006–2011]
    """

    tests: pd.DataFrame
    breaks: pd.DataFrame
    criteria: pd.DataFrame
    forecast: pd.DataFrame
    arima: object
    series: pd.DataFrame
    bai_perron: BreakResult | None = None

    @property
    def nobs(self) -> int:
        """Number of years in the series."""
        return len(self.series)

    def p_value(self, test: str, regression: str = "c") -> float:
        """The p-value of one test of the battery (e.g. ``"ADF"``, ``"KPSS"``) with that deterministic part.

        Parameters
        ----------
        test : str
            A name in ``tests["test"]``: "ADF", "KPSS", "Phillips-Perron", "Zivot-Andrews", "Chow <year>",
            "OLS-CUSUM", "sup-F(1|0)", ….
        regression : {"c", "ct"}, default "c"
            The deterministic part: the unit-root tests have both; Chow and OLS-CUSUM rows are "ct", sup-F rows
            "c".

        Returns
        -------
        float
            The p-value (NaN for a test that could not be computed). A test not in the table raises IndexError.
        """
        t = self.tests
        return float(t[(t["test"] == test) & (t["regression"] == regression)]["p_value"].iloc[0])

    def tables(self) -> dict[str, pd.DataFrame]:
        """The battery's tables by name, as ``kzecon timeseries --out`` writes them (``<name>.csv``).

        Returns
        -------
        dict of str to DataFrame
            tests, breaks, forecast, break_criteria (``criteria``), arima_params (the ARIMA's ``to_frame()``).

        Examples
        --------
        >>> import numpy as np
        >>> from kzecon.timeseries import share_battery
        >>> share = 1 / (1 + np.exp(-np.linspace(-2, -1, 20) - np.random.default_rng(1).normal(0, 0.05, 20)))
        >>> import pandas as pd
        >>> bat = share_battery(pd.Series(share, index=range(2001, 2021)))
        >>> list(bat.tables())
        ['tests', 'breaks', 'forecast', 'break_criteria', 'arima_params']
        """
        return {"tests": self.tests, "breaks": self.breaks, "forecast": self.forecast,
                "break_criteria": self.criteria, "arima_params": self.arima.to_frame()}

    def to_frame(self) -> pd.DataFrame:
        """The tests table."""
        return self.tests.copy()

    def summary(self) -> str:
        """The years, the tests table and the Bai–Perron breaks in text."""
        t = self.tests
        lines = [f"{self.nobs} years ({int(self.series['year'].iloc[0])}–{int(self.series['year'].iloc[-1])}), "
                 "tests on the logit of the share",
                 t[["test", "regression", "statistic", "p_value", "decision"]].to_string(
                     index=False, float_format=lambda x: f"{x:.4g}")]
        if len(self.breaks):
            lines.append("Bai–Perron breaks (BIC), first year of each new regime [95% interval]: " + ", ".join(
                f"{int(r['year'])} [{r['lower']:.0f}–{r['upper']:.0f}]" for _, r in self.breaks.iterrows()))
        else:
            lines.append("Bai–Perron (BIC): no break")
        return "\n".join(lines)


def share_battery(share: pd.Series | pd.DataFrame, *, horizon: int = 5, level: float = 0.90,
                  interventions: bool = False, events: Mapping[int, str] | None = None) -> ShareBattery:
    """Unit-root/stationarity tests, Chow tests at the ``events``' years ({year: what happened}, e.g. an economy's
    customs-union entry; none by default), CUSUM, Bai–Perron, ARIMA forecast (``interventions``: with step dummies
    at the events' years).

    All on the logit of the share, which must have at least :data:`MIN_YEARS` consecutive years. A test that
    cannot be computed on the series (a singular regression, a segment too short) is a row with decision
    "not computable" and its reason in ``note``, named in one warning; the rest is computed. Returns a
    :class:`ShareBattery`.

    Parameters
    ----------
    share : pandas.Series or pandas.DataFrame
        The share in [0, 1] of one partner: a Series indexed by year, or a frame with columns ``year`` and
        ``share`` (a long composition with a ``partner`` column is refused).
    horizon : int, default 5
        Years ahead of the forecast, 1…30.
    level : float, default 0.90
        Coverage of the forecast interval, strictly between 0 and 1. The tests' decisions are at 5% whatever
        ``level``.
    interventions : bool, default False
        Add step dummies at the ``events``' years to the ARIMA (it needs ``events``).
    events : mapping of int to str, optional
        {year: what happened}, e.g. ``{2010: "customs union"}``: a Chow test (constant and trend) for each year
        inside the series, the new regime starting that year. Default (None): no Chow test.

    Returns
    -------
    ShareBattery
        The tests, the Bai–Perron breaks (mean shifts, h = 15%), the criteria, the ARIMA (order by AICc) and
        its forecast, the series.

    Raises
    ------
    UsageError
        ``level`` not a probability; ``horizon`` or an event year not a whole number in range; ``events`` not a
        mapping; ``interventions`` without ``events`` (raised after the tests are computed).
    CoverageError
        The series is empty, shorter than 12 years or has a gap.
    SchemaError
        A composition was given; the share has values outside [0, 1], 0 or 1, missing values, or is constant.
    ConvergenceError
        Neither the automatic ARIMA nor the fallback ARIMA(0, 1, 0) could be fitted.

    Warns
    -----
    DataQualityWarning
        Event years outside the series (no Chow test there); tests that could not be computed; step dummies
        left out; the ARIMA search failed and the forecast is from ARIMA(0, 1, 0) with drift.

    See Also
    --------
    kzecon.timeseries.unit_root, kzecon.timeseries.chow, kzecon.timeseries.cusum : the tests, one by one.
    kzecon.timeseries.bai_perron, kzecon.timeseries.arima : the breaks and the forecast.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> from kzecon.timeseries import share_battery
    >>> kaz = load_compositions().query("economy == 'KAZ'").set_index("year")
    >>> china = kaz.loc[2001:, "china"]  # China's share of Kazakhstan's total trade as Kazakhstan reports it
    >>> battery = share_battery(china, horizon=3, events={2010: "customs union", 2015: "EAEU"})
    >>> battery.tests["test"].tolist()
    ['ADF', 'KPSS', 'Phillips-Perron', 'Zivot-Andrews', 'ADF', 'KPSS', 'Phillips-Perron', 'Zivot-Andrews',
     'Chow 2010', 'Chow 2015', 'OLS-CUSUM', 'sup-F(1|0)', 'sup-F(2|1)', 'sup-F(3|2)', 'sup-F(4|3)', 'sup-F(5|4)']
    >>> battery.tests.query("test.str.startswith('Chow')")[["test", "statistic", "p_value"]].round(3)
            test  statistic  p_value
    8  Chow 2010     11.862    0.001
    9  Chow 2015      9.478    0.002
    >>> battery.breaks[["year", "lower", "upper"]]
       year  lower  upper
    0  2007   2006   2010
    1  2010   2006   2011
    >>> battery.forecast.round(3)
       year   mean  lower_90  upper_90  median
    0  2021  0.193     0.151     0.241   0.192
    1  2022  0.206     0.144     0.277   0.203
    2  2023  0.218     0.141     0.311   0.214
    """
    from kzecon.data.validate import whole_number

    horizon = whole_number(horizon, "horizon (years ahead)", 1, 30)
    if isinstance(level, bool) or not isinstance(level, int | float | np.floating) or not 0 < level < 1:
        raise UsageError(f"level must be a probability between 0 and 1 (e.g. 0.9), got {level!r}")
    if events is not None and not isinstance(events, Mapping):
        raise UsageError(f"events must map years to labels ({{2010: 'customs union'}}), got {events!r}")
    events = {whole_number(y, "an event year", 1800, 2100): str(lb) for y, lb in (events or {}).items()}
    if share is None or (hasattr(share, "__len__") and len(share) == 0):
        raise CoverageError(f"the share series is empty: the battery needs at least {MIN_YEARS} consecutive years")
    if isinstance(share, pd.DataFrame):
        if {"partner", "share"} <= set(share.columns):
            raise SchemaError("a composition (year, partner, share) was given where one share series (year, share) "
                              "is needed: select one partner, or use `kzecon forecast` for compositions")
        share = transforms.annual_series(share, min_years=MIN_YEARS)
    s = models._prepare_share(share, min_years=MIN_YEARS)
    z = pd.Series(transforms.logit(s.to_numpy()), index=s.index, name="logit_share")
    failed: list[str] = []
    outside = sorted(y for y in events if not (s.index.min() < y <= s.index.max()))
    if outside:
        warnings.warn(f"event year(s) {', '.join(map(str, outside))} outside the series {s.index.min()}–"
                      f"{s.index.max()}: no Chow test{' or step' if interventions else ''} there", DataQualityWarning,
                      stacklevel=2)
    tab, bp = _tests_table(z, failed, events)
    tag = round(100 * level)
    steps = tuple(sorted(events)) if interventions else False
    if interventions and not events:
        raise UsageError("interventions need the events' years (events={year: label}): there is none to step at")
    try:
        fit = models.arima(s, interventions=steps)
    except NOT_COMPUTABLE as err:
        # the automatic order search failed: a random walk with drift on the logit, said so
        failed.append(f"auto-ARIMA ({str(err).splitlines()[0][:120]}); forecast from ARIMA(0,1,0) with drift")
        fit = models.arima(s, interventions=steps, order=(0, 1, 0))
    dropped = fit.info.get("events_outside_sample", "none") if steps else "none"
    if dropped != "none":
        failed.append(f"step dummies at {dropped} (fewer than two years of the series on one side)")
    fc = fit.forecast(horizon, level)
    if failed:
        warnings.warn(f"not computable on this series (reported in the tables, the rest is computed): "
                      f"{'; '.join(failed)}", DataQualityWarning, stacklevel=2)
    criteria = bp.criteria() if bp is not None else pd.DataFrame(columns=["m", "ssr", "bic", "lwz"])
    return ShareBattery(tests=tab, breaks=_breaks_table(bp), criteria=criteria, bai_perron=bp,
                        forecast=fc[["year", "mean", f"lower_{tag}", f"upper_{tag}", "median"]], arima=fit,
                        series=pd.DataFrame({"year": s.index, "share": s.to_numpy(), "logit_share": z.to_numpy()}))


def _tests_table(z: pd.Series, failed: list[str], events: Mapping[int, str]) -> tuple[pd.DataFrame,
                                                                                     BreakResult | None]:
    """Every test of the battery on the logit share ``z``: one row each (a failed one with its reason, also added
    to ``failed``), and the Bai–Perron result."""
    years = z.index
    rows: list[tuple[dict, str]] = []

    def attempt(name: str, null: str, regression: str, fn):
        try:
            r = fn()
        except NOT_COMPUTABLE as err:
            rows.append((_not_computable(name, null, err), regression))
            failed.append(f"{name} ({regression}): {rows[-1][0]['note']}")
            return None
        rows.append((r.to_dict(), regression))
        return r

    names = {"adf": ("ADF", "unit root"), "kpss": ("KPSS", "stationary"), "pp": ("Phillips-Perron", "unit root"),
             "za": ("Zivot-Andrews", "unit root without break")}
    for reg in ("c", "ct"):
        for test in ("adf", "kpss", "pp", "za"):
            attempt(*names[test], reg, lambda t=test, r=reg: unit_root(z, t, regression=r))
    for year, label in sorted(events.items()):
        if not (years.min() < year <= years.max()):
            continue  # the event is outside the series: nothing to test
        attempt(f"Chow {year}", "no break", "ct", lambda y=year, lb=label: chow(z, y, event=lb))
    attempt("OLS-CUSUM", "parameter stability", "ct", lambda: cusum(z))
    bp = None
    try:
        bp = bai_perron(z, trend=False)
    except NOT_COMPUTABLE as err:
        rows.append((_not_computable("sup-F(1|0)", "0 break(s) in the mean", err), "c"))
        failed.append(f"Bai–Perron: {rows[-1][0]['note']}")
    if bp is not None:
        for _, row in bp.sequential.iterrows():  # sup-F(l+1 | l); l = 0 is Andrews' sup-F test of no break
            l_ = int(row["l"])
            rows.append((TestResult(f"sup-F({l_ + 1}|{l_})", float(row["statistic"]), float(row["p_value"]),
                                    f"{l_} break(s) in the mean", 0.05, None, bp.nobs, {},
                                    {"trim": bp.h / bp.nobs}).to_dict(), "c"))
    tab = pd.DataFrame([r for r, _ in rows])
    tab.insert(1, "regression", [reg for _, reg in rows])
    if "note" not in tab.columns:
        tab["note"] = ""
    tab["note"] = tab["note"].fillna("")
    return tab, bp


def _breaks_table(bp: BreakResult | None) -> pd.DataFrame:
    cols = ["m", "break", "index", "year", "lower", "upper", "level"]
    m = bp.selected_bic if bp is not None else 0
    breaks = bp.to_frame(m=m) if m else pd.DataFrame(columns=cols)
    return breaks.assign(model="mean shifts in logit share (Bai–Perron, h=15%)", selected_by="BIC",
                         n_breaks_bic=bp.selected_bic if bp is not None else np.nan,
                         n_breaks_lwz=bp.selected_lwz if bp is not None else np.nan,
                         n_breaks_sequential=bp.selected_sequential if bp is not None else np.nan)
