"""The drivers of partner compositions: the oil price and the partners' economic growth — their history, a model of
their futures, and user scenarios that fix some of them.

**History** (:func:`driver_history`) — one row a year of

- ``brent``: the change in the log of the Brent price (U.S. EIA, annual average, USD a barrel; 1987 is a partial
  year, so the first change is 1989), and the price itself;
- ``CHN``, ``RUS``, ``USA``, ``EUU`` (the European Union, the World Bank's aggregate), ``CAS`` (Central Asia: KAZ,
  KGZ, TJK, TKM, UZB, chain-linked over the members reported in both years) and ``ROW`` (the world less all of
  those): the change in the log of GDP in current US dollars (World Bank WDI, 1960–2023). Current dollars, like the
  trade values the shares are made of: a partner whose dollar GDP grows faster than the rest of the world's draws a
  larger share of everyone's trade (gravity's mass term).

A part's GDP driver in the world model is its growth less the rest of the world's (``ROW``); the oil price's
change enters with each economy's own exposure (:mod:`kzecon.forecast.world`).

**Futures** (:func:`fit_driver_model`, :func:`simulate_drivers`) — each series an AR(1) in its changes, fitted on
its last :data:`WINDOW` years up to the forecast origin (never later), reverting to its mean change of the last
:data:`MEAN_YEARS` years (Brent: to no change — a random walk in the log price) — a mean each path draws afresh with
that estimate's sampling spread, so that the uncertainty of the trend is in the paths — shocks jointly normal with
the covariance of the residuals in the years all series share; paths start from each series' last known year (GDP
ends in 2023, Brent in 2025) and run to the forecast's last year. A scenario fixes some series in some years; the
other series' shocks in those years are drawn from their normal distribution conditional on the fixed ones.

**Scenarios** (:func:`read_scenario`) — a frame with a ``year`` column and any of ``brent`` (USD a barrel) and
``gdp_growth_<CODE>`` (growth, % a year, for CODE in CHN, RUS, USA, EUU (or EU), CAS, ROW). The model's GDP is in
current dollars: a scenario's growth is applied as the dollar GDP's growth, i.e. read at constant prices and
exchange rates (real growth, as the scenario states it). Years the file leaves out are simulated; a missing value in a
year it gives is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError, SchemaError

SERIES = ("brent", "CHN", "RUS", "USA", "EUU", "CAS", "ROW")
GDP_CODE = {"china": "CHN", "russia": "RUS", "usa": "USA", "eu": "EUU", "central_asia": "CAS", "rest": "ROW"}
CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
FIRST_YEAR = 1989  # the first year every driver is known (Brent's 1987 is a partial year; Russia's GDP from 1988)
WINDOW = 25  # years of history each driver's persistence and shocks are learned from
MEAN_YEARS = 10  # the GDP series revert to their mean change over the last this many years (growth slows and
# speeds up for decades: China's dollar GDP grew 11% a year on average 1999–2023, 6% in 2014–2023)
SCENARIO_ALIASES = {"EU": "EUU", "EU27": "EUU", "EU28": "EUU"}
MAX_GROWTH = 60.0  # % a year: a partner's GDP growth in a scenario beyond ±60 is a typing error


@dataclass(frozen=True)
class DriverHistory:
    """Annual changes of the drivers (``growth``: Y × series, change in logs; NaN where unknown) and Brent's price
    level (``brent``, USD a barrel), for consecutive ``years``.

    Attributes
    ----------
    years : numpy.ndarray
        (Y,) consecutive years.
    growth : numpy.ndarray
        (Y, 7) the change in logs of each series of :data:`SERIES` (``brent`` and the GDP of CHN, RUS, USA, EUU, CAS,
        ROW) from the year before; NaN where unknown.
    brent : numpy.ndarray
        (Y,) Brent's annual average price, USD a barrel (NaN where unknown).
    source : dict
        ``{"brent": …, "gdp": …}``: where each came from.

    Examples
    --------
    >>> from kzecon.forecast.drivers import driver_history
    >>> h = driver_history()
    >>> int(h.years[0]), int(h.years[-1]), h.growth.shape, h.last_known().tolist()
    (1960, 2025, (66, 7), [2025, 2023, 2023, 2023, 2023, 2023, 2023])
    """

    years: np.ndarray
    growth: np.ndarray
    brent: np.ndarray
    source: dict = field(default_factory=dict)

    def upto(self, year: int) -> DriverHistory:
        """The history as known at the end of ``year``: every later value removed.

        Parameters
        ----------
        year : int
            The last year kept.

        Returns
        -------
        DriverHistory
        """
        keep = self.years <= year
        return DriverHistory(self.years[keep], self.growth[keep], self.brent[keep], self.source)

    def last_known(self) -> np.ndarray:
        """(series,) the last year each series is known."""
        ok = ~np.isnan(self.growth)
        return np.array([self.years[np.flatnonzero(ok[:, j])[-1]] if ok[:, j].any() else -1
                         for j in range(len(SERIES))])

    def at(self, years) -> np.ndarray:
        """(len(years), series) the changes in ``years`` (NaN outside the history).

        Parameters
        ----------
        years : sequence of int
            The years wanted, in any order.

        Returns
        -------
        numpy.ndarray
            One row per year, columns in :data:`SERIES` order.

        Examples
        --------
        >>> from kzecon.forecast.drivers import driver_history
        >>> driver_history().at([2009])[0].round(3)
        array([-0.451,  0.105, -0.306, -0.02 , -0.099, -0.074, -0.062])
        """
        out = np.full((len(years), len(SERIES)), np.nan)
        for i, y in enumerate(years):
            hit = np.flatnonzero(self.years == y)
            if len(hit):
                out[i] = self.growth[hit[0]]
        return out


def driver_history(*, brent: pd.Series | None = None, gdp: pd.DataFrame | None = None) -> DriverHistory:
    """The drivers' history from the bundled Brent and World Bank GDP (or a user's ``brent``, a Series of USD a
    barrel by year, and ``gdp``, a frame iso3, year, gdp_usd).

    Parameters
    ----------
    brent : pandas.Series or None, default None
        Brent prices, USD a barrel, indexed by year; None for the bundled U.S. EIA annual averages from 1988 (1987
        is a partial year).
    gdp : pandas.DataFrame or None, default None
        ``iso3, year, gdp_usd`` (current US dollars) with rows for CHN, RUS, USA, EUU, WLD and the Central Asian
        five; None for the bundled World Bank WDI table (:func:`kzecon.data.load_gdp`).

    Returns
    -------
    DriverHistory
        Every year from the earliest to the latest of the two inputs.

    Raises
    ------
    KeyError
        If ``gdp`` lacks the column ``iso3``, ``year`` or ``gdp_usd`` (not checked further).

    Examples
    --------
    >>> from kzecon.forecast.drivers import driver_history
    >>> driver_history().source["gdp"]
    'World Bank WDI GDP, current US$, bundled'
    """
    import kzecon

    if brent is None:
        b = kzecon.data.load_oil("brent", "annual")
        brent = pd.Series(b["price_usd_per_bbl"].to_numpy(), index=b["year"].to_numpy())
        brent = brent[brent.index >= FIRST_YEAR - 1]  # 1987 is a partial year
        src_b = "U.S. EIA Brent (RBRTE), annual average, bundled"
    else:
        src_b = "user's Brent history"
    if gdp is None:
        gdp = kzecon.data.load_gdp()
        src_g = "World Bank WDI GDP, current US$, bundled"
    else:
        src_g = "user's GDP table"
    wide = gdp.pivot_table(index="year", columns="iso3", values="gdp_usd", aggfunc="first")
    y0 = int(min(wide.index.min(), brent.index.min()))
    y1 = int(max(wide.index.max(), brent.index.max()))
    years = np.arange(y0, y1 + 1)
    wide = wide.reindex(years)
    lv = pd.DataFrame(index=years)
    for code in ("CHN", "RUS", "USA", "EUU", "WLD"):
        lv[code] = wide[code] if code in wide.columns else np.nan
    ca = wide.reindex(columns=list(CENTRAL_ASIA))
    growth = pd.DataFrame(index=years, columns=list(SERIES), dtype=float)
    for code in ("CHN", "RUS", "USA", "EUU"):
        growth[code] = np.log(lv[code]).diff()
    # Central Asia: the change of the members reported in both years (chain-linked)
    both = ca.notna() & ca.shift(1).notna()
    num, den = ca.where(both).sum(axis=1, min_count=1), ca.shift(1).where(both).sum(axis=1, min_count=1)
    growth["CAS"] = np.log(num / den)
    named = lv[["CHN", "RUS", "USA", "EUU"]].sum(axis=1, min_count=4) + ca.sum(axis=1, min_count=5)
    rest = lv["WLD"] - named
    growth["ROW"] = np.log(rest.where(rest > 0)).diff()
    b = pd.Series(brent, dtype=float).reindex(years)
    growth["brent"] = np.log(b).diff()
    return DriverHistory(years, growth.to_numpy(dtype=float), b.to_numpy(dtype=float),
                         {"brent": src_b, "gdp": src_g})


def relative_growth(growth: np.ndarray, parts) -> np.ndarray:
    """(..., K) each non-rest part's GDP growth less the rest of the world's, from changes (..., series).

    Parameters
    ----------
    growth : numpy.ndarray
        (..., 7) changes in logs, the last axis in :data:`SERIES` order.
    parts : sequence of str
        Canonical part names (keys of :data:`GDP_CODE`); ``rest`` is skipped.

    Returns
    -------
    numpy.ndarray
        (..., K) one column per non-rest part, in ``parts``' order.

    Examples
    --------
    >>> from kzecon.forecast.drivers import driver_history, relative_growth
    >>> relative_growth(driver_history().at([2009]), ("china", "russia", "rest")).round(3)
    array([[ 0.166, -0.245]])
    """
    row = SERIES.index("ROW")
    comps = [p for p in parts if p != "rest"]
    return np.stack([growth[..., SERIES.index(GDP_CODE[p])] - growth[..., row] for p in comps], axis=-1)


@dataclass(frozen=True)
class DriverModel:
    """Each driver's AR(1) in changes (mean, persistence) and the joint shock covariance, learned up to ``origin``;
    where each series starts (its last known year) and the known changes between the earliest of those years and the
    origin (``known``: years × series, NaN = not known), with Brent's price at its last known year.

    Attributes
    ----------
    origin : int
        The forecast origin: no later value was read.
    mean : numpy.ndarray
        (series,) the mean change each series reverts to (0 for Brent).
    phi : numpy.ndarray
        (series,) AR(1) persistence of each series' change around its mean, clipped to [−0.5, 0.9].
    cov : numpy.ndarray
        (series, series) covariance of the shocks.
    last_year : numpy.ndarray
        (series,) each series' last known year.
    start_growth : numpy.ndarray
        (series,) changes in the earliest of those years, where the simulation starts.
    known : numpy.ndarray
        (years after that … origin, series) the known changes (NaN = not known).
    start_brent : float
        Brent's price in the starting year.
    nobs : int
        Years every series' residual is known (the covariance's sample; fewer than series + 3: independent shocks).
    mean_n : numpy.ndarray or None, default None
        (series,) years each mean was estimated from (0: fixed, Brent's).

    Examples
    --------
    >>> from kzecon.forecast.drivers import driver_history, fit_driver_model
    >>> m = fit_driver_model(driver_history(), 2020)
    >>> m.origin, m.phi.round(2).tolist(), m.nobs
    (2020, [0.14, 0.7, 0.38, 0.51, 0.29, 0.64, 0.37], 24)
    """

    origin: int
    mean: np.ndarray
    phi: np.ndarray
    cov: np.ndarray
    last_year: np.ndarray
    start_growth: np.ndarray  # (series,) changes in the year before the simulation starts (the earliest last year)
    known: np.ndarray  # (years first … origin, series)
    start_brent: float  # Brent's price in that year
    nobs: int
    mean_n: np.ndarray | None = None  # (series,) years each mean was estimated from (0: the mean is fixed)


def fit_driver_model(hist: DriverHistory, origin: int, *, window: int = WINDOW) -> DriverModel:
    """The drivers' own model learned from their history up to ``origin`` (later values are never read).

    Parameters
    ----------
    hist : DriverHistory
        The drivers' history (:func:`driver_history`).
    origin : int
        The forecast origin year.
    window : int, default 25
        Years of each series' history (its last known years up to the origin) the persistence and shocks are
        learned from (:data:`WINDOW`).

    Returns
    -------
    DriverModel

    Raises
    ------
    CoverageError
        If a series has no value in the ten years to the origin, or fewer than 3 known years up to it.

    See Also
    --------
    simulate_drivers : Paths from the model.
    """
    h = hist.upto(origin)
    g = h.growth
    S = len(SERIES)
    lasty = h.last_known()
    if (lasty < origin - 10).any():
        missing = [SERIES[j] for j in np.flatnonzero(lasty < origin - 10)]
        raise CoverageError(f"no history of the driver(s) {', '.join(missing)} in the ten years to {origin}")
    mean, phi, mean_n = np.zeros(S), np.zeros(S), np.zeros(S)
    resid = np.full_like(g, np.nan)
    for j in range(S):
        idx = np.flatnonzero(~np.isnan(g[:, j]))[-window:]
        if len(idx) < 3:
            raise CoverageError(f"the driver {SERIES[j]} has {len(idx)} known year(s) up to {origin}; its own model "
                                "needs at least 3")
        # Brent: a random walk in the log price (no drift: a price's expected change is not predictable); GDP: the
        # mean change of the last MEAN_YEARS years
        mean[j] = 0.0 if SERIES[j] == "brent" else g[idx[-MEAN_YEARS:], j].mean()
        mean_n[j] = 0 if SERIES[j] == "brent" else len(idx[-MEAN_YEARS:])
        pairs = idx[1:][np.diff(idx) == 1]  # consecutive years
        if len(pairs) >= 5:
            a, b = g[pairs - 1, j] - mean[j], g[pairs, j] - mean[j]
            phi[j] = float(np.clip((a @ b) / max(a @ a, 1e-12), -0.5, 0.9))
            resid[pairs, j] = b - phi[j] * a
        else:  # too short for persistence: independent changes around the mean
            resid[idx, j] = g[idx, j] - mean[j]
    common = ~np.isnan(resid).any(axis=1)
    if common.sum() >= S + 3:
        r = resid[common]
        cov = r.T @ r / (len(r) - 1)
    else:  # too few shared years: independent shocks
        cov = np.diag(np.nanmean(resid ** 2, axis=0))
    cov = cov + 1e-10 * np.eye(S)
    y0 = int(lasty.min())
    i0 = int(np.flatnonzero(h.years == y0)[0])
    known = h.growth[i0 + 1:].copy()
    known = np.vstack([known, np.full((origin - y0 - len(known), S), np.nan)]) if origin - y0 > len(known) else known
    return DriverModel(int(origin), mean, phi, cov, lasty, h.growth[i0].copy(), known, float(h.brent[i0]),
                       int(common.sum()), mean_n)


@dataclass(frozen=True)
class DriverPaths:
    """Simulated driver paths for the forecast years: changes (n × H × series) and Brent's price (n × H).

    Attributes
    ----------
    years : tuple of int
        The H forecast years.
    growth : numpy.ndarray
        (n, H, 7) changes in logs, the last axis in :data:`SERIES` order.
    brent : numpy.ndarray
        (n, H) Brent's price, USD a barrel.
    fixed : dict, default {}
        {series: years fixed by a scenario}.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.drivers import driver_history, fit_driver_model, simulate_drivers
    >>> dp = simulate_drivers(fit_driver_model(driver_history(), 2020), 3, 200, np.random.default_rng(0))
    >>> dp.years, dp.growth.shape, dp.brent.shape
    ((2021, 2022, 2023), (200, 3, 7), (200, 3))
    """

    years: tuple
    growth: np.ndarray
    brent: np.ndarray
    fixed: dict = field(default_factory=dict)  # series → years fixed by a scenario

    def to_frame(self, level: float = 0.90) -> pd.DataFrame:
        """year, driver, mean, lower_90, upper_90 (equal-tailed), unit: ``brent`` in USD a barrel, ``gdp_growth_<CODE>``
        in % a year (the change in logs as a growth rate).

        Parameters
        ----------
        level : float, default 0.90
            Level of the equal-tailed interval, in (0, 1); the columns are ``lower_<L>``, ``upper_<L>`` with
            L = 100 × level.

        Returns
        -------
        pandas.DataFrame
            ``year, driver, mean, lower_<L>, upper_<L>, unit, fixed``: one row per driver (``brent``, then
            ``gdp_growth_<CODE>`` in :data:`SERIES` order) and year; ``fixed`` True where a scenario set the value.

        Examples
        --------
        >>> import numpy as np
        >>> from kzecon.forecast.drivers import driver_history, fit_driver_model, simulate_drivers
        >>> dp = simulate_drivers(fit_driver_model(driver_history(), 2020), 3, 200, np.random.default_rng(0))
        >>> dp.to_frame().round(2).head(4)
           year          driver   mean  lower_90  upper_90      unit  fixed
        0  2021           brent  40.54     25.02     61.76   USD/bbl  False
        1  2022           brent  42.64     20.06     79.12   USD/bbl  False
        2  2023           brent  45.18     18.06     94.00   USD/bbl  False
        3  2021  gdp_growth_CHN   4.05     -5.12     13.05  % a year  False
        """
        tag = round(100 * level)
        lo, hi = 0.5 - level / 2, 0.5 + level / 2
        rows = []
        series = {"brent": (self.brent, "USD/bbl")}
        for j, code in enumerate(SERIES):
            if code != "brent":
                series[f"gdp_growth_{code}"] = (100 * np.expm1(self.growth[:, :, j]), "% a year")
        for name, (x, unit) in series.items():
            for i, y in enumerate(self.years):
                v = x[:, i]
                rows.append({"year": int(y), "driver": name, "mean": float(v.mean()),
                             f"lower_{tag}": float(np.quantile(v, lo)), f"upper_{tag}": float(np.quantile(v, hi)),
                             "unit": unit,
                             "fixed": y in self.fixed.get("brent" if name == "brent" else name[len("gdp_growth_"):],
                                                          ())})
        return pd.DataFrame(rows)


def realised_paths(hist: DriverHistory, years, n_paths: int) -> DriverPaths:
    """The drivers as they turned out in ``years`` (the backtest's oracle): every path the same.

    Parameters
    ----------
    hist : DriverHistory
        The drivers' history.
    years : sequence of int
        Consecutive forecast years, every driver known in each.
    n_paths : int
        Paths (identical copies).

    Returns
    -------
    DriverPaths

    Raises
    ------
    CoverageError
        If a driver is unknown in one of ``years``.

    Examples
    --------
    >>> from kzecon.forecast.drivers import driver_history, realised_paths
    >>> rp = realised_paths(driver_history(), [2009, 2010], 100)
    >>> rp.growth.shape, rp.brent[0].round(2)
    ((100, 2, 7), array([61.74, 79.61]))
    """
    g = hist.at(years)
    if np.isnan(g).any():
        raise CoverageError(f"the drivers are not all known in {years[0]}–{years[-1]}")
    b = np.array([hist.brent[np.flatnonzero(hist.years == y)[0]] for y in years])
    return DriverPaths(tuple(int(y) for y in years), np.broadcast_to(g, (n_paths, *g.shape)).copy(),
                       np.broadcast_to(b, (n_paths, len(years))).copy())


def simulate_drivers(model: DriverModel, horizon: int, n_paths: int, rng: np.random.Generator, *,
                     scenario: pd.DataFrame | None = None, conditional: bool = True) -> DriverPaths:
    """Driver paths for the ``horizon`` years after the model's origin: the series simulated from the earliest last
    known year (a series' known values after it are kept, the others' shocks in those years drawn conditional on
    them); a ``scenario`` (from :func:`read_scenario`: year × series, prices for ``brent``, changes in logs for GDP,
    NaN = simulate) fixes its cells in the same way — or, with ``conditional=False``, fixes them and leaves every
    other series on the path the same random stream gives without the scenario (the scenario layer's baseline
    comparison: :mod:`kzecon.forecast.scenario`).

    Parameters
    ----------
    model : DriverModel
        The drivers' model (:func:`fit_driver_model`).
    horizon : int
        Years after the model's origin.
    n_paths : int
        Paths.
    rng : numpy.random.Generator
        The random stream.
    scenario : pandas.DataFrame or None, default None
        Year × series from :func:`read_scenario` (Brent as prices, GDP as changes in logs, NaN = simulate); None for
        none.
    conditional : bool, default True
        True: the free series' shocks in a fixed year are drawn conditional on the fixed ones'; False: scenario
        cells are imposed and the others keep the draws they would have had without the scenario.

    Returns
    -------
    DriverPaths
        The ``horizon`` years after the origin; ``fixed`` names the scenario's cells.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kzecon.forecast.drivers import driver_history, fit_driver_model, read_scenario, simulate_drivers
    >>> sc = read_scenario(pd.DataFrame({"year": [2021], "brent": [40.0]}), origin=2020, horizon=3)
    >>> dp = simulate_drivers(fit_driver_model(driver_history(), 2020), 3, 200, np.random.default_rng(0), scenario=sc)
    >>> dp.fixed, float(dp.brent[:, 0].min()), float(dp.brent[:, 0].max())
    ({'brent': (2021,)}, 40.0, 40.0)
    """
    S = len(SERIES)
    b = SERIES.index("brent")
    first = int(model.last_year.min()) + 1
    last = model.origin + horizon
    g = np.broadcast_to(model.start_growth, (n_paths, S)).copy()
    price = np.full(n_paths, model.start_brent)
    L = np.linalg.cholesky(model.cov)
    # the GDP series' means are estimates from MEAN_YEARS years: each path draws its own, with the sampling spread of
    # a mean of an AR(1) (long-run standard deviation σ/(1 − φ), over √n)
    n = model.mean_n if model.mean_n is not None else np.zeros(S)
    lr = np.where(n > 0, 1.0 / ((1.0 - model.phi) * np.sqrt(np.maximum(n, 1))), 0.0)
    mu = model.mean + (rng.standard_normal((n_paths, S)) @ L.T) * lr
    out_g = np.empty((n_paths, horizon, S))
    out_b = np.empty((n_paths, horizon))
    fixed: dict = {}
    sc = scenario if scenario is not None else pd.DataFrame(columns=list(SERIES), dtype=float)
    for year in range(first, last + 1):
        mean = mu + model.phi * (g - mu)
        target = np.full(S, np.nan)
        if year <= model.origin:
            target = model.known[year - first].copy()
        price_fixed = False
        if year in sc.index:
            row = sc.loc[year]
            for j, code in enumerate(SERIES):
                v = row.get(code, np.nan)
                if pd.notna(v):
                    target[j] = v
                    fixed.setdefault(code, []).append(int(year))
                    price_fixed = price_fixed or j == b
        fix = ~np.isnan(target)
        tgt = np.broadcast_to(target, (n_paths, S)).copy()
        if price_fixed:
            tgt[:, b] = np.log(target[b] / price)  # a price fixed by the scenario: the change that reaches it
        new = mean + rng.standard_normal((n_paths, S)) @ L.T
        if fix.any() and not conditional and year > model.origin:  # scenario cells only: the others as drawn
            new[:, fix] = tgt[:, fix]
        elif fix.any():  # the free series conditional on the fixed ones' shocks
            f, o = np.flatnonzero(fix), np.flatnonzero(~fix)
            if len(o):
                e_f = tgt[:, f] - mean[:, f]
                B = model.cov[np.ix_(o, f)] @ np.linalg.inv(model.cov[np.ix_(f, f)])
                Lc = np.linalg.cholesky(model.cov[np.ix_(o, o)] - B @ model.cov[np.ix_(f, o)] + 1e-12 * np.eye(len(o)))
                new[:, o] = mean[:, o] + e_f @ B.T + rng.standard_normal((n_paths, len(o))) @ Lc.T
            new[:, f] = tgt[:, f]
        g = new
        price = np.full(n_paths, target[b]) if price_fixed else price * np.exp(g[:, b])
        if year > model.origin:
            out_g[:, year - model.origin - 1] = g
            out_b[:, year - model.origin - 1] = price
    return DriverPaths(tuple(range(model.origin + 1, last + 1)), out_g, out_b,
                       {k: tuple(v) for k, v in fixed.items()})


def read_scenario(df: pd.DataFrame, *, origin: int, horizon: int, what: str = "scenario") -> pd.DataFrame:
    """A scenario frame validated: a ``year`` column (whole years, each once, within the forecast years
    origin+1 … origin+horizon) and one or more of ``brent`` (USD a barrel, positive) and ``gdp_growth_<CODE>``
    (% a year, above −100); any other column is an error naming it. Returns year × series (Brent as prices, GDP as
    changes in logs), NaN for the series it does not give.

    Parameters
    ----------
    df : pandas.DataFrame
        ``year`` and one or more of ``brent`` and ``gdp_growth_<CODE>`` (CODE in CHN, RUS, USA, EUU (or EU, EU27,
        EU28), CAS, ROW); headers in any case, with stray spaces.
    origin : int
        The forecast origin (keyword-only): scenario years must lie in origin + 1 … origin + horizon.
    horizon : int
        Years ahead.
    what : str, default "scenario"
        The frame's name in error messages (e.g. the file's).

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (sorted), columns :data:`SERIES`: ``brent`` in USD a barrel, GDP as log(1 + growth / 100);
        NaN where the scenario leaves a series free.

    Raises
    ------
    SchemaError
        If a column appears twice, is unknown, or two set the same driver; there is no driver column; a year is
        repeated or outside the forecast years; a price is not positive, a growth rate outside ±60% a year, a value
        not a number or missing.
    CoverageError
        If the frame has no rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.forecast.drivers import read_scenario
    >>> sc = pd.DataFrame({"year": [2021], "brent": [40.0], "gdp_growth_CHN": [5.0]})
    >>> read_scenario(sc, origin=2020, horizon=3).round(4)
          brent     CHN  RUS  USA  EUU  CAS  ROW
    year
    2021   40.0  0.0488  NaN  NaN  NaN  NaN  NaN
    """
    from kzecon.data.validate import check_years, require_columns

    if isinstance(df, pd.DataFrame):  # headers in any case and with stray spaces: " Year", "BRENT", "GDP_growth_chn"
        names = [str(c).strip() for c in df.columns]
        names = ["year" if n.lower() == "year" else n for n in names]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise SchemaError(f"{what}: column {twice[0]!r} appears more than once")
        df = df.set_axis(names, axis=1)
    require_columns(df, ["year"], what)
    if not len(df):
        raise CoverageError(f"{what}: no rows")
    cols = {}
    for c in df.columns:
        if c == "year":
            continue
        name = str(c).strip()
        if name.lower() == "brent":
            cols[c] = "brent"
            continue
        if name.lower().startswith("gdp_growth_"):
            code = name[len("gdp_growth_"):].upper()
            code = SCENARIO_ALIASES.get(code, code)
            if code in SERIES and code != "brent":
                cols[c] = code
                continue
            raise SchemaError(f"{what}: column {c!r}: the model's GDP drivers are the partners' "
                              f"(gdp_growth_ CHN, RUS, USA, EUU (or EU), CAS, ROW), not {code!r}")
        raise SchemaError(f"{what}: unknown column {c!r}; a scenario has 'year' and any of 'brent' (USD a barrel) "
                          "and 'gdp_growth_<CODE>' (% a year)")
    if not cols:
        raise SchemaError(f"{what}: no driver column; give 'brent' (USD a barrel) and/or 'gdp_growth_<CODE>'")
    dups = [s for s in set(cols.values()) if list(cols.values()).count(s) > 1]
    if dups:
        raise SchemaError(f"{what}: two columns set the same driver {dups[0]!r}")
    years = check_years(df, lo=1800, hi=2200)
    dup = years.duplicated(keep=False)
    if dup.any():
        raise SchemaError(f"{what}: year(s) {', '.join(map(str, sorted(set(years[dup]))[:5]))} appear more than once")
    fut = range(origin + 1, origin + horizon + 1)
    outside = sorted(set(years) - set(fut))
    if outside:
        raise SchemaError(f"{what}: year(s) {', '.join(map(str, outside[:5]))} are outside the forecast years "
                          f"{fut[0]}–{fut[-1]}")
    out = pd.DataFrame(index=pd.Index(years.to_numpy(), name="year"), columns=list(SERIES), dtype=float)
    for c, s in cols.items():
        raw = df[c]
        v = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        nonnum = np.isnan(v) & raw.notna().to_numpy() & (raw.astype(str).str.strip().str.lower() != "nan").to_numpy()
        bad = nonnum | np.isinf(v)
        if s == "brent":
            bad |= v <= 0  # any unit the price history shares (USD, cents): no upper bound
        else:
            bad |= (v < -MAX_GROWTH) | (v > MAX_GROWTH)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            need = ("a positive price (USD a barrel)" if s == "brent" else
                    f"a growth rate between −{MAX_GROWTH:.0f} and {MAX_GROWTH:.0f} (% a year; the partners' dollar "
                    "GDP moved by at most 40% in a year since 1960 in the bundled World Bank data)")
            raise SchemaError(f"{what}: column {c!r} must be {need}; {raw.iloc[i]!r} in {years.iloc[i]}")
        if np.isnan(v).any():
            i = int(np.flatnonzero(np.isnan(v))[0])
            raise SchemaError(f"{what}: column {c!r} has a missing value in {years.iloc[i]} (leave a year out of the "
                              "file to have every driver simulated in it)")
        out[s] = v if s == "brent" else np.log1p(v / 100.0)
    return out.sort_index()
