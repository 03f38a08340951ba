"""The scenario layer: what a different path of the drivers — the partners' growth, the oil price — would do to a
baseline composition forecast.

The headline forecast (:mod:`kzecon.forecast.pooled`) has no drivers: on the world backtest neither the partners'
GDP growth nor the oil price improved its held-out scores, so they are not in it. A scenario instead moves the
baseline paths by the drivers' estimated effects, in the additive log-ratio of each part against the rest:

    Δ log(s_k / s_rest) at year h = ε · Σ_{l ≤ h} (d_k,l − d_ROW,l) + (β_k + b_k) · Σ_{l ≤ h} d_brent,l

where d are the scenario's deviations from the baseline path of the drivers (the drivers' own model, simulated from
their history up to the origin: :mod:`kzecon.forecast.drivers`; a series or year the scenario does not fix stays
on its baseline path), in changes of logs:

- ``ε`` — the elasticity of trade with a partner to the partner's GDP: half the sum of the exporter's and the
  importer's GDP elasticities of a PPML gravity model of the annual IMF DOTS flows with pair and year fixed effects,
  GDP in current US dollars from the World Bank (:func:`gdp_elasticity`; years up to the origin). A share is the
  partner's trade over all trade, so the partner's faster growth raises its share: ε is positive by the gravity
  model's construction and by estimate (it is refused otherwise);
- ``β_k + b_k`` — the oil price's effect on part k: the pooled coefficient of the world model with drivers plus the
  economy's own exposure learned from its own history, shrunk by empirical Bayes
  (:func:`kzecon.forecast.world.fit_drivers`, :func:`kzecon.forecast.world.exposures`).

Every path of the baseline is moved by the same amount (the mean deviation of the drivers), so a scenario shifts the
forecast distribution without changing its spread: the intervals stay those of the baseline (conditioning on a
driver would narrow them slightly; not modelled). Because ε > 0 and the other parts are untouched, a partner's faster
growth raises its share on every path, and so its expected share and the probability that it exceeds another part.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError, EstimationError

FIRST_GRAVITY_YEAR = 2000  # the annual DOTS gravity panel's first year
MIN_GRAVITY_YEARS = 5


@dataclass(frozen=True)
class GdpElasticity:
    """The gravity estimate behind the scenario's GDP term: ``estimate`` = (exporter + importer elasticity) / 2, its
    standard error (pair-clustered, the two terms' covariance included), the two terms, the years and rows used.

    Attributes
    ----------
    estimate : float
        (exporter + importer elasticity) / 2: the elasticity of a pair's trade to one side's GDP.
    std_error : float
        Its standard error, clustered by pair.
    exporter : float
        The exporter's GDP elasticity.
    importer : float
        The importer's GDP elasticity.
    years : tuple of int
        (first, last) years of the gravity panel used.
    nobs : int
        Rows of the PPML fit.
    source : str
        How it was estimated, in words.
    """

    estimate: float
    std_error: float
    exporter: float
    importer: float
    years: tuple
    nobs: int
    source: str = ("PPML of IMF DOTS flows (preferred flow) on log GDP of exporter and importer (World Bank WDI, "
                   "current US$), pair and year fixed effects, errors clustered by pair")


_ELSEWHERE: list[Callable[[], GdpElasticity | None]] = []


@contextlib.contextmanager
def estimated_elsewhere(result: Callable[[], GdpElasticity | None]):
    """Within the block, :func:`gdp_elasticity` takes ``result()`` — the same estimate made in another process of
    this run, on the same data (the brief fits it in its second process, beside the forecasts) — when it is first
    needed and its years are the ones asked for, instead of fitting it here. ``result()`` may wait for that process;
    None (the other process could not estimate it) or other years: it is fitted here, so an error is raised where it
    would have been.

    Parameters
    ----------
    result : callable
        Returns a :class:`GdpElasticity`, or None.

    Examples
    --------
    >>> from kzecon.forecast.scenario import GdpElasticity, estimated_elsewhere, gdp_elasticity
    >>> made = GdpElasticity(0.9, 0.05, 0.8, 1.0, (2000, 2006), 1000)  # illustrative numbers
    >>> with estimated_elsewhere(lambda: made):
    ...     gdp_elasticity(2006) is made
    True
    >>> gdp_elasticity.cache_clear()
    """
    _ELSEWHERE.append(result)
    try:
        yield
    finally:
        _ELSEWHERE.remove(result)


@functools.lru_cache(maxsize=8)
def gdp_elasticity(last_year: int = 2020) -> GdpElasticity:
    """The trade elasticity to a partner's GDP on the annual DOTS panel, years 2000 … ``last_year`` (no later data:
    a scenario from an earlier origin uses only what was known then). Cached per process; within
    :func:`estimated_elsewhere` the estimate made in another process of the run is taken.

    Parameters
    ----------
    last_year : int, default 2020
        The last year of the panel used (at most 2020, the panel's last).

    Returns
    -------
    GdpElasticity

    Raises
    ------
    CoverageError
        If ``last_year`` leaves fewer than 5 years from 2000.
    EstimationError
        If the elasticity comes out not positive.
    """
    import kzecon
    from kzecon.gravity.ppml import PPML

    last = min(int(last_year), 2020)
    if last - FIRST_GRAVITY_YEAR + 1 < MIN_GRAVITY_YEARS:
        raise CoverageError(f"the GDP effect of a scenario is learned from the annual world gravity panel "
                            f"({FIRST_GRAVITY_YEAR}–2020); an origin of {last_year} leaves fewer than "
                            f"{MIN_GRAVITY_YEARS} years of it")
    for result in reversed(_ELSEWHERE):
        made = result()
        if made is not None and made.years == (FIRST_GRAVITY_YEAR, last):
            return made  # the datasets it read are recorded in the process that read them
    g = kzecon.data.load_gravity("dots")
    g = g.loc[(g["year"] <= last) & g["flow"].notna(), ["exporter", "importer", "year", "flow"]]
    gdp = kzecon.data.load_gdp().set_index(["iso3", "year"])["gdp_usd"]
    g = g.assign(
        log_gdp_exporter=np.log(gdp.reindex(pd.MultiIndex.from_arrays([g["exporter"], g["year"]])).to_numpy()),
        log_gdp_importer=np.log(gdp.reindex(pd.MultiIndex.from_arrays([g["importer"], g["year"]])).to_numpy()))
    g = g[np.isfinite(g["log_gdp_exporter"]) & np.isfinite(g["log_gdp_importer"])]
    fit = PPML(g, "flow ~ log_gdp_exporter + log_gdp_importer | exporter^importer + year").fit()
    b = fit.params
    V = fit.vcov.loc[["log_gdp_exporter", "log_gdp_importer"], ["log_gdp_exporter", "log_gdp_importer"]].to_numpy()
    est = float((b["log_gdp_exporter"] + b["log_gdp_importer"]) / 2)
    se = float(np.sqrt(np.array([0.5, 0.5]) @ V @ np.array([0.5, 0.5])))
    if not est > 0:
        raise EstimationError(f"the trade elasticity to a partner's GDP came out {est:.3f} on the gravity panel "
                              f"{FIRST_GRAVITY_YEAR}–{last}: not positive, so no scenario of growth is computed")
    return GdpElasticity(est, se, float(b["log_gdp_exporter"]), float(b["log_gdp_importer"]),
                         (FIRST_GRAVITY_YEAR, last), int(fit.nobs))


@dataclass(frozen=True)
class ScenarioShift:
    """A scenario's effect on a forecast: the log-ratio shift of each part against rest by forecast year
    (``shift``: horizon × parts, rest 0), the driver paths with the scenario's cells fixed (``paths``), the drivers'
    baseline paths, and the coefficients used.

    Attributes
    ----------
    shift : numpy.ndarray
        (horizon, parts) the change of each part's log-ratio against rest, in the composition's column order.
    paths : kzecon.forecast.drivers.DriverPaths
        The driver paths with the scenario's cells fixed.
    baseline : kzecon.forecast.drivers.DriverPaths
        The drivers' baseline paths (the same random stream without the scenario).
    gdp_elasticity : GdpElasticity or None
        The GDP term's estimate; None when the scenario moves no GDP.
    brent_effect : dict
        {part: pooled + own Brent coefficient}; empty when the scenario leaves Brent on its baseline.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.forecast.scenario import scenario_shift
    >>> from kzecon.study.findings import composition
    >>> wide = composition("KAZ").pivot(index="year", columns="partner", values="share")
    >>> low_oil = pd.DataFrame({"year": [2026, 2027, 2028], "brent": [50.0, 50.0, 50.0]})
    >>> sh = scenario_shift(wide, low_oil, horizon=3, n_paths=200, seed=0)
    >>> sh.shift.round(3)
    array([[-0.008, -0.035,  0.   ,  0.133],
           [-0.009, -0.037,  0.   ,  0.142],
           [-0.008, -0.035,  0.   ,  0.132]])
    >>> {p: round(v, 3) for p, v in sh.brent_effect.items()}
    {'china': 0.024, 'russia': -0.393, 'eu': 0.103}
    """

    shift: np.ndarray
    paths: object
    baseline: object
    gdp_elasticity: GdpElasticity | None
    brent_effect: dict

    def apply(self, paths: np.ndarray, parts: tuple) -> np.ndarray:
        """Share paths (n × horizon × parts, in ``parts``' order) moved by the shift and closed again.

        Parameters
        ----------
        paths : numpy.ndarray
            (n, horizon, parts) share paths of the baseline forecast, parts in the order the shift was computed
            for (the composition's columns).
        parts : tuple of str
            The parts' labels (not read: the order must already match).

        Returns
        -------
        numpy.ndarray
            The moved paths: each share times exp(shift), divided by the path's new sum.
        """
        moved = paths * np.exp(self.shift)[None]
        tot = moved.sum(axis=-1, keepdims=True)
        return np.divide(moved, tot, out=np.zeros_like(moved), where=tot > 0)


def scenario_shift(wide: pd.DataFrame, scenario: pd.DataFrame, *, horizon: int, n_paths: int, seed: int,
                   brent: pd.Series | None = None) -> ScenarioShift:
    """The shift a ``scenario`` (a frame ``year``, ``brent`` and/or ``gdp_growth_<CODE>``, validated by
    :func:`kzecon.forecast.drivers.read_scenario`) makes to a forecast of the composition ``wide`` (years × parts
    that are kzecon's known parts in any spelling, with a rest; the shift comes in its column order), with the
    drivers' history from the bundled data or a user's Brent prices (``brent``).

    Parameters
    ----------
    wide : pandas.DataFrame
        Years (index) × parts summing to one, kzecon's known parts with a rest; its last year is the origin (1994 or
        later: :data:`kzecon.forecast.world.FIRST_DRIVER_ORIGIN`).
    scenario : pandas.DataFrame
        ``year`` and any of ``brent`` (USD a barrel), ``gdp_growth_<CODE>`` (% a year) for forecast years.
    horizon : int
        Years ahead.
    n_paths : int
        Driver paths the mean deviation is taken over.
    seed : int
        Random seed of the driver paths.
    brent : pandas.Series or None, default None
        A Brent price history (USD a barrel by year) in place of the bundled one.

    Returns
    -------
    ScenarioShift

    Raises
    ------
    CoverageError
        If the composition ends before 1994, a driver has no value in the ten years to the origin, or (a GDP scenario)
        the origin leaves fewer than 5 years of the 2000–2020 gravity panel; as
        :func:`kzecon.forecast.world.world_parts_of` for unknown parts.
    SchemaError
        If ``scenario`` fails :func:`kzecon.forecast.drivers.read_scenario`, or two labels mean the same part.
    EstimationError
        If the GDP elasticity comes out not positive.

    Notes
    -----
    A scenario of GDP growth fits the PPML gravity model of :func:`gdp_elasticity` on the whole DOTS panel (several
    seconds, once per process and last year: cached); a Brent-only scenario does not.

    Examples
    --------
    See :class:`ScenarioShift`.
    """
    from .drivers import SERIES, driver_history, fit_driver_model, read_scenario, relative_growth, simulate_drivers
    from .world import (
        FIRST_DRIVER_ORIGIN,
        FLOOR,
        KNOWN_PARTS,
        _own_driver_params,
        fit_drivers,
        world_panel,
        world_parts_of,
    )

    canon = world_parts_of(wide.columns)
    order = tuple(p for p in KNOWN_PARTS if p in canon.values())
    labels = [next(lab for lab, c in canon.items() if c == p) for p in order]
    origin = int(wide.index[-1])
    if origin < FIRST_DRIVER_ORIGIN:
        raise CoverageError(f"a scenario needs the drivers' history (from 1989) before the origin; the composition "
                            f"ends in {origin}")
    sc = read_scenario(scenario, origin=origin, horizon=horizon)
    hist = driver_history(brent=brent).upto(origin)
    dm = fit_driver_model(hist, origin)
    base = simulate_drivers(dm, horizon, n_paths, np.random.default_rng([seed, 2]))
    fixed = simulate_drivers(dm, horizon, n_paths, np.random.default_rng([seed, 2]), scenario=sc, conditional=False)
    d_growth = (fixed.growth - base.growth).mean(axis=0)  # (H, series): zero where the scenario fixes nothing
    d_brent = np.log(fixed.brent / base.brent).mean(axis=0)  # (H,) the log price's deviation (already cumulated)
    K = [p for p in order if p != "rest"]
    shift_k = np.zeros((horizon, len(K)))
    elas = None
    if np.any(np.abs(d_growth[:, [SERIES.index(c) for c in SERIES if c != "brent"]]) > 0):
        elas = gdp_elasticity(min(origin, 2020))
        shift_k += elas.estimate * np.cumsum(relative_growth(d_growth, order), axis=0)
    brent_effect = {}
    if np.any(np.abs(d_brent) > 0):
        panel = world_panel(order, declared_only=True)
        t = int(min(origin, panel.years[-1]) - panel.years[0])
        params = fit_drivers(panel, t, hist)
        s = wide[labels].to_numpy(dtype=float)
        r = order.index("rest")
        comps = [j for j in range(len(order)) if j != r]
        z = np.log(np.maximum(s[:, comps], FLOOR) / np.maximum(s[:, [r]], FLOOR))
        expo, _, _ = _own_driver_params(params, z, s[-1, comps], wide.index.to_numpy(), hist)
        coef = params.coef[:, 5] + expo[0]
        brent_effect = {p: float(c) for p, c in zip(K, coef, strict=True)}
        shift_k += d_brent[:, None] * coef[None, :]
    shift = np.zeros((horizon, len(order)))
    shift[:, [order.index(p) for p in K]] = shift_k
    back = [order.index(canon[lab]) for lab in wide.columns]
    return ScenarioShift(shift[:, back], fixed, base, elas, brent_effect)
