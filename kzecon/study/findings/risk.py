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
    year the table does not hold is a :class:`UsageError` naming what it holds."""
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
    """The headline composition forecast, the models beside it, and the evidence on how far to trust it."""

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
        """year, partner, lower, upper: the headline forecast's equal-tailed intervals."""
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
        """The headline model's probability of ``event`` in ``year``."""
        return event_probability(self.risk, event, year)

    def share(self, part: str, year: int) -> pd.Series:
        """The headline forecast of ``part`` in ``year``: mean, median and 90% bounds (a :class:`UsageError` naming
        the parts and years forecast otherwise)."""
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
        """A held-out score of the world backtest by horizon (origins 2000–2015)."""
        w = self.world_summary
        return w[w["model"] == model].set_index("horizon")[column]

    def to_frame(self) -> pd.DataFrame:
        """The risk table: event, year, probability, raw_probability, probability_by_year, mc_se."""
        return self.risk.copy()

    def summary(self) -> str:
        """The headline model, P(China above Russia) five years out and China's expected share."""
        from kzecon.forecast.registry import label

        y = HEADLINE_YEAR
        return (f"{label(self.model)}: P(China above Russia in {y}) = "
                f"{self.probability('china_above_russia', y):.2f}; China {100 * self.share('china', y)['mean']:.1f}%")


def horizon_to(last: int, year: int = HEADLINE_YEAR, minimum: int = 10) -> int:
    """Years ahead a forecast from ``last`` needs to reach ``year`` (at least ``minimum``, at most 30)."""
    from kzecon.errors import CoverageError

    h = max(minimum, year - last)
    if h > 30:
        raise CoverageError(f"the composition ends in {last}: {year} is more than 30 years ahead")
    return h


def scenario_table() -> pd.DataFrame:
    """The brief's scenarios (``kzecon/data/reference/scenarios.csv``): scenario, label, brent (USD a barrel),
    gdp_growth_CHN, gdp_growth_RUS (% a year); empty cells leave that driver on its baseline path."""
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
    years between kept; the baseline row is the headline forecast itself. Columns :data:`SCENARIO_COLUMNS`."""
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
    """The headline composition forecast of ``country`` (to :data:`HEADLINE_YEAR` at least ten years ahead), the
    comparison models, its own rolling-origin backtest, the world backtest's held-out scores and the oil scenarios
    (:func:`oil_scenarios`) from the same headline model."""
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
