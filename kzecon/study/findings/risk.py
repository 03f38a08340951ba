"""Finding: the dependence risk — the headline composition forecast, the models beside it, its backtests and
scenarios."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kzecon.results import results_class
from kzecon.study.findings.composition import composition
from kzecon.study.findings.economy import (
    DEFAULT_COUNTRY,
    HEADLINE_YEAR,
    LONG_YEAR,
    check_country,
    country_name,
    this_year,
)


def event_probability(risk: pd.DataFrame, event: str, year: int) -> float:
    """The probability of ``event`` in ``year`` from a risk table (:meth:`CompositionForecast.risk`); an event or a
    year the table does not hold is a :class:`UsageError` naming what it holds.

    Parameters
    ----------
    risk : DataFrame
        A forecast's risk table: event, year, probability (further columns ignored), e.g.
        :meth:`kzecon.forecast.CompositionForecast.risk` or :attr:`DependenceRisk.risk`.
    event : str
        An event of the table, e.g. "china_above_russia" (China's share above Russia's), "china_above_25pct".
    year : int
        A forecast year of the table.

    Returns
    -------
    float
        The probability (0–1).

    Raises
    ------
    UsageError
        ``risk`` is not a frame with event, year and probability; ``event`` or ``year`` is not in it (the message
        names the events, or the years forecast).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.study.findings import event_probability
    >>> risk = pd.DataFrame({"event": ["china_above_russia"] * 2, "year": [2029, 2030], "probability": [0.61, 0.64]})
    >>> event_probability(risk, "china_above_russia", 2030)
    0.64
    >>> event_probability(risk, "china_above_russia", 2040)
    Traceback (most recent call last):
    ...
    kzecon.errors.UsageError: year 2040 is not forecast; the forecast runs 2029–2030
    """
    from kzecon.errors import UsageError

    if not isinstance(risk, pd.DataFrame) or not {"event", "year", "probability"} <= set(risk.columns):
        raise UsageError("risk must be a forecast's risk table (CompositionForecast.risk(): event, year, probability)")
    if event not in set(risk["event"]):
        known = ", ".join(dict.fromkeys(risk["event"]))
        raise UsageError(f"risk event {event!r} is not in the forecast; events: {known}")
    hit = risk[(risk["event"] == event) & (risk["year"] == year)]
    if hit.empty:
        years = risk.loc[risk["event"] == event, "year"]
        raise UsageError(f"year {year!r} is not forecast; the forecast runs {int(years.min())}–{int(years.max())}")
    return float(hit["probability"].iloc[0])


@results_class
@dataclass(frozen=True)
class DependenceRisk:
    """The headline composition forecast, the models beside it, and the evidence on how far to trust it. Made by
    :func:`dependence_risk`.

    Attributes
    ----------
    composition : DataFrame
        The composition forecast from (:func:`composition`): year, partner, share.
    model : str
        The headline model's name (:data:`kzecon.forecast.core.WORLD_CHOICE`, chosen on the world backtest).
    forecast : kzecon.forecast.CompositionForecast
        The headline forecast (its paths, ``risk()``, ``to_frame()``, ``conf_int()``).
    risk : DataFrame
        The headline forecast's risk table: event, year, probability, raw_probability, probability_by_year, mc_se.
    paths_summary : DataFrame
        year, partner, mean, median, lower_90, upper_90: the headline forecast of each part.
    comparison : DataFrame
        One row per model (the headline and the comparison models): model, name, how, china_mean, china_lower_90,
        china_upper_90 and p_china_above_russia in :data:`HEADLINE_YEAR`, own_crps (mean CRPS of the economy's own
        backtest), own_cov90_h1 and own_cov90_h5 (empirical coverage of its 90% intervals one and five years ahead).
    backtest : kzecon.forecast.backtest.Backtest
        The rolling-origin backtest on the economy's own composition (``accuracy``, ``coverage``).
    world_summary : DataFrame
        The world backtest's held-out scores by model and horizon (``world_backtest_summary.csv``: mae, crps,
        coverage_90, brier_pairwise, …; origins 2000–2015, every economy's declared history).
    world_reliability : DataFrame
        The world backtest's reliability table: model, bin_lower, bin_upper, forecast, observed, n.
    seed : int, default 2026
        The random seed of the paths.
    paths : int, default 4000
        Simulated paths of each forecast.
    country : str, default "KAZ"
        ISO-3 code of the economy.
    scenarios : DataFrame or None, default None
        P(China above Russia) and both shares in :data:`HEADLINE_YEAR` under each scenario (columns
        :data:`SCENARIO_COLUMNS`); None when the headline model takes no drivers.

    See Also
    --------
    dependence_risk : Makes it.
    kzecon.forecast.simulate : One forecast.

    Notes
    -----
    :func:`dependence_risk` refits the pooled world model at every origin of the backtest (half a minute on a cold
    start), too long for an example; the example builds the object from a random-walk forecast and backtest of the
    same composition to show what each field holds.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon import forecast
    >>> from kzecon.data import read_reference
    >>> from kzecon.study.findings import DependenceRisk, composition
    >>> comp = composition()
    >>> fc = forecast.simulate(comp, model="rw", horizon=10, n_paths=200, seed=1)
    >>> r = DependenceRisk(composition=comp, model="rw", forecast=fc, risk=fc.risk(), paths_summary=fc.to_frame(),
    ...                    comparison=pd.DataFrame(),
    ...                    backtest=forecast.backtest.run(comp, models=["rw"], n_paths=100, seed=1),
    ...                    world_summary=read_reference("world_backtest_summary.csv"),
    ...                    world_reliability=read_reference("world_backtest_reliability.csv"), seed=1, paths=200)
    >>> r.last_year, r.nobs, round(r.p_headline, 2)
    (2025, 32, 0.8)
    >>> r.share("china", 2030)[["mean", "lower_90", "upper_90"]].astype(float).round(3).tolist()
    [0.243, 0.163, 0.344]
    >>> print(r.summary())
    random walk: P(China above Russia in 2030) = 0.80; China 24.3%
    >>> r.world_score("pooled", "crps").round(4).head(2)
    horizon
    1    0.0115
    2    0.0146
    Name: crps, dtype: float64
    """

    composition: pd.DataFrame
    model: str
    forecast: object  # kzecon.forecast.CompositionForecast
    risk: pd.DataFrame
    paths_summary: pd.DataFrame
    comparison: pd.DataFrame
    backtest: object = field(repr=False)  # kzecon.forecast.backtest.Backtest
    world_summary: pd.DataFrame = field(repr=False)
    world_reliability: pd.DataFrame = field(repr=False)
    seed: int = 2026
    paths: int = 4000
    country: str = DEFAULT_COUNTRY
    scenarios: pd.DataFrame = field(default=None, repr=False)  # pipeline.SCENARIO_COLUMNS: growth and oil

    @property
    def last_year(self) -> int:
        """The composition's last year (the forecast origin)."""
        return int(self.composition["year"].max())

    @property
    def name(self) -> str:
        """The economy's name."""
        return country_name(self.country)

    @property
    def nobs(self) -> int:
        """Years of the composition forecast from."""
        return int(self.composition["year"].nunique())

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """year, partner, lower, upper: the headline forecast's equal-tailed intervals.

        Parameters
        ----------
        level : float, default 0.95
            Coverage of the intervals, in (0, 1).

        Returns
        -------
        DataFrame
            year, partner, lower, upper.
        """
        return self.forecast.conf_int(level)

    @property
    def quote_years(self) -> tuple[int, int, int, int]:
        """The calendar years the brief quotes: this year (or the first after the data), two years on,
        :data:`HEADLINE_YEAR` and :data:`LONG_YEAR` — the same years for every economy, whatever its data's end."""
        first = max(this_year(), self.last_year + 1)
        return first, first + 2, HEADLINE_YEAR, LONG_YEAR

    @property
    def after_data(self) -> tuple[int, int] | None:
        """The years between the data's last and this year (past years the data have not reached), or None."""
        lo, hi = self.last_year + 1, this_year() - 1
        return (lo, hi) if hi >= lo else None

    @property
    def p_headline(self) -> float:
        """P(China's share of the economy's trade above Russia's) in :data:`HEADLINE_YEAR`."""
        return self.probability("china_above_russia", HEADLINE_YEAR)

    def probability(self, event: str, year: int) -> float:
        """The headline model's probability of ``event`` in ``year``.

        Parameters
        ----------
        event : str
            An event of :attr:`risk` ("china_above_russia", "china_above_25pct", "china_above_30pct",
            "russia_below_15pct", "balance_below_90pct").
        year : int
            A forecast year.

        Returns
        -------
        float
            The probability (0–1).

        Raises
        ------
        UsageError
            ``event`` or ``year`` is not in the risk table (:func:`event_probability`).
        """
        return event_probability(self.risk, event, year)

    def share(self, part: str, year: int) -> pd.Series:
        """The headline forecast of ``part`` in ``year``: mean, median and 90% bounds (a :class:`UsageError` naming
        the parts and years forecast otherwise).

        Parameters
        ----------
        part : str
            A part of the composition: "china", "russia", "eu" or "rest".
        year : int
            A forecast year.

        Returns
        -------
        Series
            year, partner, mean, median, lower_90, upper_90 (shares, 0–1).

        Raises
        ------
        UsageError
            ``part`` or ``year`` is not forecast.
        """
        from kzecon.errors import UsageError

        s = self.paths_summary
        if part not in set(s["partner"]):
            raise UsageError(f"part {part!r} is not forecast; parts: {', '.join(dict.fromkeys(s['partner']))}")
        hit = s[(s["partner"] == part) & (s["year"] == year)]
        if hit.empty:
            raise UsageError(f"year {year!r} is not forecast; the forecast runs {int(s['year'].min())}–"
                             f"{int(s['year'].max())}")
        return hit.iloc[0]

    def world_score(self, model: str, column: str) -> pd.Series:
        """A held-out score of the world backtest by horizon (origins 2000–2015).

        Parameters
        ----------
        model : str
            A model of :attr:`world_summary` (e.g. "pooled", "pooled_cal", "rw", "drift", "world_cal").
        column : str
            A score column of :attr:`world_summary`: mae, mae_persistence, crps, width_90, mae_ratio, coverage_90,
            coverage_80, brier_pairwise, ece, ….

        Returns
        -------
        Series
            The score indexed by horizon (years ahead); empty for a model not in the table.

        Raises
        ------
        KeyError
            ``column`` is not a column of :attr:`world_summary`.
        """
        w = self.world_summary
        return w[w["model"] == model].set_index("horizon")[column]

    def to_frame(self) -> pd.DataFrame:
        """The risk table: event, year, probability, raw_probability, probability_by_year, mc_se."""
        return self.risk.copy()

    def summary(self) -> str:
        """The headline model, P(China above Russia) in :data:`HEADLINE_YEAR` and China's expected share then."""
        from kzecon.forecast.registry import label

        y = HEADLINE_YEAR
        return (f"{label(self.model)}: P(China above Russia in {y}) = "
                f"{self.probability('china_above_russia', y):.2f}; China {100 * self.share('china', y)['mean']:.1f}%")


def horizon_to(last: int, year: int = HEADLINE_YEAR, minimum: int = 10) -> int:
    """Years ahead a forecast from ``last`` needs to reach ``year`` (at least ``minimum``, at most 30).

    Parameters
    ----------
    last : int
        The composition's last year (the forecast origin).
    year : int, default :data:`HEADLINE_YEAR` (2030)
        The year the forecast must reach.
    minimum : int, default 10
        The shortest horizon returned.

    Returns
    -------
    int
        ``max(minimum, year - last)``.

    Raises
    ------
    CoverageError
        That is more than 30 years.

    Examples
    --------
    >>> from kzecon.study.findings import horizon_to
    >>> horizon_to(2025), horizon_to(2020, 2035)
    (10, 15)
    """
    from kzecon.errors import CoverageError

    h = max(minimum, year - last)
    if h > 30:
        raise CoverageError(f"the composition ends in {last}: {year} is more than 30 years ahead")
    return h


def scenario_table() -> pd.DataFrame:
    """The brief's scenarios (``kzecon/data/reference/scenarios.csv``): scenario, label, brent (USD a barrel),
    gdp_growth_CHN, gdp_growth_RUS (% a year); empty cells leave that driver on its baseline path.

    Returns
    -------
    DataFrame
        One row per scenario, the baseline first.

    Examples
    --------
    >>> from kzecon.study.findings import scenario_table
    >>> scenario_table()[["scenario", "brent", "gdp_growth_CHN"]].head(3)
       scenario  brent  gdp_growth_CHN
    0  baseline    NaN             NaN
    1  brent_50   50.0             NaN
    2  brent_80   80.0             NaN
    """
    from kzecon.data import read_reference

    return read_reference("scenarios.csv")


SCENARIO_COLUMNS = ["scenario", "label", "brent", "gdp_growth_CHN", "gdp_growth_RUS", "from_year", "year",
                    "p_china_above_russia", "china_mean", "china_lower_90", "china_upper_90", "russia_mean",
                    "russia_lower_90", "russia_upper_90"]


def _recorded(comp_last: int, horizon: int) -> tuple[dict, dict]:
    """The drivers' recorded values in the forecast years (Brent prices, CHN/RUS GDP growth as % a year) and the last
    recorded year of each."""
    import kzecon
    from kzecon.forecast.drivers import SERIES, driver_history

    hist = driver_history()
    years = range(comp_last + 1, comp_last + horizon + 1)
    b = kzecon.data.load_oil("brent", "annual").set_index("year")["price_usd_per_bbl"]
    at = hist.at(list(years))
    g = {code: at[:, SERIES.index(code)] for code in ("CHN", "RUS")}
    rec = {"brent": {y: float(b[y]) for y in years if y in b.index}}
    for code, v in g.items():
        rec[f"gdp_growth_{code}"] = {y: float(100 * np.expm1(x)) for y, x in zip(years, v, strict=True)
                                     if np.isfinite(x)}
    last = {"brent": int(b.index.max())}
    for code in ("CHN", "RUS"):
        last[f"gdp_growth_{code}"] = int(hist.years[~np.isnan(hist.growth[:, SERIES.index(code)])].max())
    return rec, last


def scenarios(comp: pd.DataFrame, *, model: str, horizon: int, paths: int, seed: int,
              table: pd.DataFrame | None = None, year: int = HEADLINE_YEAR) -> pd.DataFrame:
    """P(China's share above Russia's) in ``year`` and China's and Russia's shares then (mean, 90% interval) under
    each scenario of ``table`` (default :func:`scenario_table`) from the headline ``model`` and its scenario layer
    (:mod:`kzecon.forecast.scenario`): a scenario's driver is fixed at its value from ``from_year`` (the first
    forecast year after the driver's last recorded value) to the last forecast year, its recorded values in the
    years between kept; the baseline row is the headline forecast itself. Columns :data:`SCENARIO_COLUMNS`.

    Parameters
    ----------
    comp : DataFrame
        The composition: year, partner, share (:func:`composition`).
    model : str
        The forecast model (:data:`kzecon.forecast.registry.FORECAST_CHOICES`); a scenario that fixes a driver needs
        a driver model (:data:`kzecon.forecast.registry.DRIVER_MODELS`).
    horizon : int
        Years ahead; the forecast must reach ``year``.
    paths : int
        Simulated paths of each forecast.
    seed : int
        Random seed (the same for every scenario: their differences are the drivers', not the draws').
    table : DataFrame, optional
        scenario, label, brent (USD a barrel), gdp_growth_CHN, gdp_growth_RUS (% a year); an empty cell leaves the
        driver on its baseline path (default :func:`scenario_table`).
    year : int, default :data:`HEADLINE_YEAR` (2030)
        The year the probabilities and shares are read in.

    Returns
    -------
    DataFrame
        One row per scenario, columns :data:`SCENARIO_COLUMNS`; ``from_year``: the first year a driver is fixed
        (None for the baseline).

    Raises
    ------
    UsageError
        ``model`` cannot be conditioned on a scenario's driver, or ``year`` is not forecast.

    Examples
    --------
    The baseline row alone (no driver fixed) with a random walk:

    >>> from kzecon.study.findings import composition, scenario_table, scenarios
    >>> t = scenarios(composition(), model="rw", horizon=10, paths=200, seed=1, table=scenario_table().head(1))
    >>> t[["scenario", "year", "p_china_above_russia", "china_mean", "russia_mean"]].round(3)
       scenario  year  p_china_above_russia  china_mean  russia_mean
    0  baseline  2030                   0.8       0.243        0.189
    """
    from kzecon import forecast

    table = scenario_table() if table is None else table
    last = int(comp["year"].max())
    rec, last_rec = _recorded(last, horizon)
    years = list(range(last + 1, last + horizon + 1))
    rows = []
    for r in table.itertuples(index=False):
        r = r._asdict()
        fixed = {c: r.get(c) for c in ("brent", "gdp_growth_CHN", "gdp_growth_RUS") if pd.notna(r.get(c))}
        start = max([last] + [last_rec[c] for c in fixed]) + 1 if fixed else None
        if fixed:
            cols = {"year": years}
            for c, v in fixed.items():
                cols[c] = [rec[c].get(y, float(v)) if y < start else float(v) for y in years]
            sc = pd.DataFrame(cols)
            fc = forecast.simulate(comp, model=model, horizon=horizon, n_paths=paths, seed=seed, scenario=sc)
        else:
            fc = forecast.simulate(comp, model=model, horizon=horizon, n_paths=paths, seed=seed)
        t = fc.to_frame().set_index(["partner", "year"])
        c, ru = t.loc[("china", year)], t.loc[("russia", year)]
        rows.append({"scenario": r["scenario"], "label": r["label"], "brent": r.get("brent"),
                     "gdp_growth_CHN": r.get("gdp_growth_CHN"), "gdp_growth_RUS": r.get("gdp_growth_RUS"),
                     "from_year": start, "year": year,
                     "p_china_above_russia": event_probability(fc.risk(), "china_above_russia", year),
                     "china_mean": c["mean"], "china_lower_90": c["lower_90"], "china_upper_90": c["upper_90"],
                     "russia_mean": ru["mean"], "russia_lower_90": ru["lower_90"], "russia_upper_90": ru["upper_90"]})
    return pd.DataFrame(rows)[SCENARIO_COLUMNS]


def dependence_risk(*, country: str = DEFAULT_COUNTRY, paths: int = 4000, seed: int = 2026,
                    backtest_paths: int = 500, comparison_models=("rw", "var")) -> DependenceRisk:
    """The headline composition forecast of ``country`` (to :data:`LONG_YEAR`, at least ten years ahead), the
    comparison models, its own rolling-origin backtest, the world backtest's held-out scores and the scenarios
    (:func:`scenarios`: oil price and GDP growth) from the same headline model.

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code of the economy (:func:`check_country`); its composition is :func:`composition`'s.
    paths : int, default 4000
        Simulated paths of each forecast (at least 100).
    seed : int, default 2026
        Random seed of every forecast and of the backtest (0 to 2**32 − 1).
    backtest_paths : int, default 500
        Simulated paths of each backtest forecast (at least 100).
    comparison_models : sequence of str, default ("rw", "var")
        Models forecast and backtested beside the headline (names of
        :data:`kzecon.forecast.registry.FORECAST_CHOICES`).

    Returns
    -------
    DependenceRisk

    Raises
    ------
    UsageError
        ``country`` is not an economy the study can run on, or ``paths``, ``backtest_paths`` or ``seed`` is not a
        whole number in range, or a comparison model is unknown.
    CoverageError
        ``country``'s composition is too short, or ends too early to reach :data:`LONG_YEAR` within 30 years.

    See Also
    --------
    DependenceRisk : What it returns.
    peers : The same headline model for the economy's peers.

    Notes
    -----
    The backtest refits the pooled world model at every origin: a cold call takes about half a minute even with
    few paths, too long for an example. The example forecasts the same composition with the headline model once and
    reads the brief's event from it; ``dependence_risk(paths=200, backtest_paths=100)`` gives the full result.

    Examples
    --------
    >>> from kzecon import forecast
    >>> from kzecon.forecast.core import WORLD_CHOICE
    >>> from kzecon.study.findings import composition, event_probability, horizon_to
    >>> comp = composition()
    >>> fc = forecast.simulate(comp, model=WORLD_CHOICE, horizon=horizon_to(2025), n_paths=200, seed=2026)
    >>> WORLD_CHOICE, round(event_probability(fc.risk(), "china_above_russia", 2030), 2)
    ('pooled', 0.84)
    """
    from kzecon import forecast
    from kzecon.data import read_reference
    from kzecon.data.validate import whole_number
    from kzecon.forecast import registry
    from kzecon.forecast.core import WORLD_CHOICE

    country = check_country(country)
    paths = whole_number(paths, "paths", 100)
    backtest_paths = whole_number(backtest_paths, "backtest_paths", 100)
    seed = whole_number(seed, "seed", 0, 2**32 - 1)
    comp = composition(country)
    last = int(comp["year"].max())
    name, n_years = country_name(country), comp["year"].nunique()
    models = (WORLD_CHOICE, *comparison_models)
    bt = forecast.backtest.run(comp, models=models, n_paths=backtest_paths, seed=seed)
    h = horizon_to(last, LONG_YEAR)
    fcs = {m: forecast.simulate(comp, model=m, horizon=h, n_paths=paths, seed=seed) for m in models}
    head = fcs[WORLD_CHOICE]
    crps = bt.accuracy.groupby("model")["crps"].mean()
    cov = bt.coverage
    rows = []
    for m, fc in fcs.items():
        s = fc.to_frame()
        c = s[(s["partner"] == "china") & (s["year"] == HEADLINE_YEAR)].iloc[0]
        p = event_probability(fc.risk(), "china_above_russia", HEADLINE_YEAR)
        c90 = cov[(cov["model"] == m) & np.isclose(cov["nominal"], 0.9)].set_index("horizon")["empirical"]
        rows.append({"model": m, "name": registry.label(m), "how": registry.how(m, economy=name, years=n_years),
                     "china_mean": c["mean"], "china_lower_90": c["lower_90"], "china_upper_90": c["upper_90"],
                     "p_china_above_russia": p, "own_crps": crps.get(m, np.nan),
                     "own_cov90_h1": c90.get(1, np.nan), "own_cov90_h5": c90.get(5, np.nan)})
    scen = (scenarios(comp, model=WORLD_CHOICE, horizon=h, paths=paths, seed=seed)
            if WORLD_CHOICE in registry.DRIVER_MODELS else None)
    return DependenceRisk(composition=comp, model=WORLD_CHOICE, forecast=head, risk=head.risk(),
                          paths_summary=head.to_frame(), comparison=pd.DataFrame(rows), backtest=bt, scenarios=scen,
                          world_summary=read_reference("world_backtest_summary.csv"),
                          world_reliability=read_reference("world_backtest_reliability.csv"), seed=seed, paths=paths,
                          country=country)
