"""The world backtest: every world model and baseline forecast from each origin on every economy, held-out
economies included.

Origins 1990–2015 and horizons 1–5 by default, every economy with at least ``min_years`` years of history. Each
model's parameters and its recalibration are learned at each origin from data up to that origin on the training
economies only; a share of the economies (``held_out_share``) is held out (never used to learn anything) and the
scores are reported for them as well as for all. Baselines in the same backtest: the random walk, the random walk
with drift and the mean of the last five years (:func:`kzecon.forecast.world.simulate_rw`), persistence (the last
value) for the MAE ratio, and statsforecast's AutoETS on each log-ratio with its conformal intervals.

The scores of the stored run are in BENCHMARKS.md and ``kzecon/data/reference/world_backtest_summary.csv``
(written by analyses/world_backtest.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kzecon.errors import SchemaError
from kzecon.results import results_class

from .driver_fit import FIRST_DRIVER_ORIGIN, fit_drivers
from .fit import LAGS, _state, fit_global
from .panel import WORLD_PARTS, _active, _logratios, world_panel
from .recalibration import CALIBRATED, _conformal, _probability_map, _recalibrate_paths
from .records import _actual, _events, _origin_shares, _records
from .simulate import _statsforecast_paths, simulate_global, simulate_rw, to_shares

MODELS = ("pooled", "pooled_cal", "world", "world_cal", "drivers", "drivers_cal", "drivers_oracle", "rw", "drift",
          "mean5")
# names of kzecon.forecast.registry: the same models (drivers_oracle: the backtest's realised-driver row only)


@results_class
@dataclass
class WorldBacktest:
    """Per-forecast records of the world backtest and the score tables.

    Attributes
    ----------
    records : pandas.DataFrame
        One row per model × origin × economy × horizon × active part: ``model, origin, economy, held_out, horizon,
        year, partner, actual, persistence, mean, point, median, lower_90, upper_90, lower_80, upper_80, crps``.
    events : pandas.DataFrame
        One row per model × origin × economy × horizon × event: ``model, origin, economy, held_out, horizon, kind``
        (``pairwise`` or ``threshold``), ``event, probability, raw_probability, outcome``.
    seconds : float, default 0.0
        The run's wall time.
    held_out : tuple of str, default ()
        The held-out economies (ISO-3).
    info : dict
        The run's settings: ``parts, origins`` (first, last), ``horizon, n_paths, seed, economies, min_years``.

    See Also
    --------
    world_backtest : Which makes it.

    Examples
    --------
    >>> from kzecon.forecast.world import world_backtest
    >>> bt = world_backtest(origins=[2010], horizon=2, n_paths=100, models=("world", "rw"), statsforecast=False)
    >>> print(bt.summary())
    World backtest: origins 2010–2010, 44 held-out economies, 2,872 forecast records; held-out scores from 2000, 2 years
    ahead:
      rw                 coverage_90 0.936  MAE/no change 1.015  CRPS 0.0149  ECE 0.025
      world              coverage_90 0.908  MAE/no change 1.002  CRPS 0.0148  ECE 0.019
    """

    records: pd.DataFrame = field(repr=False)
    events: pd.DataFrame = field(repr=False)
    seconds: float = 0.0
    held_out: tuple = ()
    info: dict = field(default_factory=dict)

    @property
    def nobs(self) -> int:
        """Scored forecasts (model × economy × origin × horizon × part records)."""
        return len(self.records)

    def to_frame(self) -> pd.DataFrame:
        """The held-out score table (model × horizon, origins from 2000): :meth:`summary_table`."""
        return self.summary_table()

    def summary(self) -> str:
        """Origins, held-out economies, records and each model's held-out scores at the longest horizon."""
        t = self.summary_table()
        o = self.records["origin"]
        h5 = t[t["horizon"] == t["horizon"].max()]
        lines = [f"World backtest: origins {int(o.min())}–{int(o.max())}, {len(self.held_out)} held-out economies, "
                 f"{self.nobs:,d} forecast records; held-out scores from 2000, {int(t['horizon'].max())} years ahead:"]
        lines += [f"  {r.model:<18} coverage_90 {r.coverage_90:.3f}  MAE/no change {r.mae_ratio:.3f}  CRPS {r.crps:.4f}"
                  f"  ECE {r.ece:.3f}" for r in h5.itertuples()]
        return "\n".join(lines)

    def coverage(self, *, subset: str = "held_out", min_origin: int = 2000) -> pd.DataFrame:
        """Coverage of the 80% and 90% intervals by model and horizon, with intervals clustered by economy.

        Parameters
        ----------
        subset : {"held_out", "train", "all"}, default "held_out"
            The economies scored: those held out of every fit, the training ones, or all.
        min_origin : int, default 2000
            The first origin scored.

        Returns
        -------
        pandas.DataFrame
            ``model, horizon, nominal, empirical, n, economies, se, lower, upper``
            (:func:`kzecon.forecast.scores.coverage_clustered`).

        Raises
        ------
        SchemaError
            If ``subset`` is not one of the three.

        Examples
        --------
        >>> from kzecon.forecast.world import world_backtest
        >>> bt = world_backtest(origins=[2010], horizon=2, n_paths=100, models=("world",), statsforecast=False)
        >>> bt.coverage().round(3)
           model  horizon  nominal  empirical    n  economies     se  lower  upper
        0  world        1      0.8      0.851  141         31  0.045  0.762  0.940
        1  world        1      0.9      0.901  141         31  0.035  0.831  0.970
        2  world        2      0.8      0.879  141         31  0.038  0.805  0.954
        3  world        2      0.9      0.908  141         31  0.034  0.842  0.974
        """
        from ..scores import coverage_clustered

        return coverage_clustered(self._sel(self.records, subset, min_origin))

    def accuracy(self, *, subset: str = "held_out", min_origin: int = 2000) -> pd.DataFrame:
        """MAE (and its ratio to no change) and CRPS by model and horizon.

        Parameters
        ----------
        subset : {"held_out", "train", "all"}, default "held_out"
            The economies scored: those held out of every fit, the training ones, or all.
        min_origin : int, default 2000
            The first origin scored.

        Returns
        -------
        pandas.DataFrame
            ``model, horizon, mae, mae_persistence, crps, width_90, n, mae_ratio``
            (:func:`kzecon.forecast.scores.accuracy_table`).

        Raises
        ------
        SchemaError
            If ``subset`` is not one of the three.
        """
        from ..scores import accuracy_table

        return accuracy_table(self._sel(self.records, subset, min_origin))

    def reliability(self, *, subset: str = "held_out", min_origin: int = 2000, bins: int = 10) -> pd.DataFrame:
        """Forecast probability against observed frequency of the events, by model and bin.

        Parameters
        ----------
        subset : {"held_out", "train", "all"}, default "held_out"
            The economies scored: those held out of every fit, the training ones, or all.
        min_origin : int, default 2000
            The first origin scored.
        bins : int, default 10
            Equal-width probability bins.

        Returns
        -------
        pandas.DataFrame
            ``model, bin_lower, bin_upper, forecast, observed, n`` (:func:`kzecon.forecast.scores.reliability_table`).

        Raises
        ------
        SchemaError
            If ``subset`` is not one of the three.
        """
        from ..scores import reliability_table

        return reliability_table(self._sel(self.events, subset, min_origin), bins=bins)

    def brier(self, *, subset: str = "held_out", min_origin: int = 2000) -> pd.DataFrame:
        """Brier scores of the events by model, kind and horizon.

        Parameters
        ----------
        subset : {"held_out", "train", "all"}, default "held_out"
            The economies scored: those held out of every fit, the training ones, or all.
        min_origin : int, default 2000
            The first origin scored.

        Returns
        -------
        pandas.DataFrame
            ``model, kind, horizon, brier, base_rate, n`` (:func:`kzecon.forecast.scores.brier_table`).

        Raises
        ------
        SchemaError
            If ``subset`` is not one of the three.
        """
        from ..scores import brier_table

        return brier_table(self._sel(self.events, subset, min_origin))

    def _sel(self, d: pd.DataFrame, subset: str, min_origin: int) -> pd.DataFrame:
        d = d[d["origin"] >= min_origin]
        if subset == "held_out":
            d = d[d["held_out"]]
        elif subset == "train":
            d = d[~d["held_out"]]
        elif subset != "all":
            raise SchemaError(f"subset must be 'held_out', 'train' or 'all', got {subset!r}")
        return d

    def summary_table(self, *, subset: str = "held_out", min_origin: int = 2000) -> pd.DataFrame:
        """model × horizon: coverage 80/90, mean 90% width, MAE/persistence, CRPS, Brier (pairwise), ECE.

        Parameters
        ----------
        subset : {"held_out", "train", "all"}, default "held_out"
            The economies scored: those held out of every fit, the training ones, or all.
        min_origin : int, default 2000
            The first origin scored.

        Returns
        -------
        pandas.DataFrame
            ``model, horizon, mae, mae_persistence, crps, width_90, n, mae_ratio, coverage_90, coverage_90_low,
            coverage_90_high, coverage_80, brier_pairwise, ece`` (ECE over every horizon, from 10 bins).

        Raises
        ------
        SchemaError
            If ``subset`` is not one of the three.

        Examples
        --------
        >>> from kzecon.forecast.world import world_backtest
        >>> bt = world_backtest(origins=[2010], horizon=2, n_paths=100, models=("world",), statsforecast=False)
        >>> bt.summary_table()[["model", "horizon", "coverage_90", "mae_ratio", "crps"]].round(3)
           model  horizon  coverage_90  mae_ratio   crps
        0  world        1        0.901      1.041  0.012
        1  world        2        0.908      1.002  0.015
        """
        cov = self.coverage(subset=subset, min_origin=min_origin)
        acc = self.accuracy(subset=subset, min_origin=min_origin)
        br = self.brier(subset=subset, min_origin=min_origin)
        rel = self.reliability(subset=subset, min_origin=min_origin)
        c90 = cov[np.isclose(cov["nominal"], 0.9)].set_index(["model", "horizon"])
        c80 = cov[np.isclose(cov["nominal"], 0.8)].set_index(["model", "horizon"])
        t = acc.set_index(["model", "horizon"])
        t["coverage_90"] = c90["empirical"]
        t["coverage_90_low"], t["coverage_90_high"] = c90["lower"], c90["upper"]
        t["coverage_80"] = c80["empirical"]
        t["brier_pairwise"] = br[br["kind"] == "pairwise"].set_index(["model", "horizon"])["brier"]
        ece = rel.groupby("model").apply(lambda g: float((g["n"] * (g["forecast"] - g["observed"]).abs()).sum()
                                                         / g["n"].sum()), include_groups=False)
        t = t.reset_index()
        t["ece"] = t["model"].map(ece)
        return t


def world_backtest(parts: Sequence[str] = WORLD_PARTS, *, origins: Sequence[int] = range(1990, 2016),
                   horizon: int = 5, n_paths: int = 500, seed: int = 2026, held_out_share: float = 0.2,
                   min_years: int = 15, models: Sequence[str] = MODELS, statsforecast: bool = True,
                   declared_only: bool = True, progress=None) -> WorldBacktest:
    """Forecast every economy of the world panel from each origin with each model, learning only from the past.

    Parameters
    ----------
    parts : sequence of str, default ("china", "russia", "usa", "eu", "rest")
        The world parts to forecast (a subset of :data:`KNOWN_PARTS` including ``rest``, see :func:`world_panel`).
    origins : sequence of int, default range(1990, 2016)
        Origin years; those without :data:`LAGS` years of panel history before them, or at or after the panel's
        last year, are left out.
    horizon : int, default 5
        Years ahead forecast from each origin.
    n_paths : int, default 500
        Simulated paths per economy and origin.
    seed : int, default 2026
        Seed of the held-out split and of every origin's draws.
    held_out_share : float, default 0.2
        Share of the economies held out at random: never used to learn any parameter or recalibration.
    min_years : int, default 15
        Years of history an economy needs up to the origin to be forecast from it.
    models : sequence of str, default MODELS
        Models among :data:`MODELS` (each ``_cal`` model recalibrated on its raw model's earlier forecasts, so it
        needs earlier origins; the driver models forecast from :data:`FIRST_DRIVER_ORIGIN`).
    statsforecast : bool, default True
        Also score statsforecast's AutoETS on each log-ratio (``statsforecast_ets``; slow: minutes a run).
    declared_only : bool, default True
        Learn and score on declared economy-years only (see :func:`world_panel`).
    progress : callable, optional
        Called as ``progress(done, total)`` after each origin.

    Returns
    -------
    WorldBacktest
        The per-forecast records and the events, with the held-out economies and the run's settings.

    Raises
    ------
    SchemaError
        If ``parts`` is not a valid set of world parts (:func:`world_panel`).
    ValueError
        If no origin is left, or ``models`` names none of :data:`MODELS` (unknown names are ignored, not refused):
        pandas' "No objects to concatenate".

    Notes
    -----
    The stored run (every model, origins 1990–2015, horizon 5, 500 paths) takes minutes; its scores are in
    ``kzecon/data/reference/world_backtest_summary.csv`` and BENCHMARKS.md (analyses/world_backtest.py).

    Examples
    --------
    One origin, two models, no statsforecast (a fraction of a second):

    >>> from kzecon.forecast.world import world_backtest
    >>> bt = world_backtest(origins=[2010], horizon=2, n_paths=100, models=("world", "rw"), statsforecast=False)
    >>> bt.records.shape, len(bt.held_out), bt.info["economies"]
    ((2872, 17), 44, 218)
    """
    import time

    t0 = time.perf_counter()
    panel = world_panel(parts, declared_only=declared_only)
    parts = panel.parts
    rng_split = np.random.default_rng(seed)
    E = len(panel.economies)
    held = np.zeros(E, bool)
    held[rng_split.choice(E, size=int(round(held_out_share * E)), replace=False)] = True
    comps = [j for j, p in enumerate(parts) if p != "rest"]
    recs, evs = [], []
    raw_recs = {b: [] for b in CALIBRATED}  # each calibrated model learns from its raw model's past forecasts
    cal_evs = {b: [] for b in CALIBRATED}
    want = set(models)
    from ..pooled import _States, fit_pooled, merged_window, simulate_pooled

    states = _States(panel, ~held)  # the world's state at each origin, shared by the origins' pooled fits
    hist = None
    if want & {"drivers", "drivers_cal", "drivers_oracle"}:
        from ..drivers import driver_history

        hist = driver_history()
    origins = [o for o in origins if o - LAGS >= panel.years[0] and o < panel.years[-1]]
    for i, o in enumerate(origins):
        t = int(o - panel.years[0])
        act = _active(panel, t)
        z = _logratios(panel, act)
        win, ok = _state(z, t)
        n_hist = (~np.isnan(panel.shares[:, :t + 1, parts.index("rest")])).sum(axis=1)
        actual = _actual(panel, act, t, horizon)
        last = _origin_shares(panel, act, t)
        sel = (n_hist >= min_years) & ~np.isnan(panel.shares[:, t, parts.index("rest")]) \
            & (ok | ~act[:, comps]).all(axis=1) & ~np.isnan(actual[:, 0, parts.index("rest")])
        if not sel.any():
            continue
        idx = np.flatnonzero(sel)
        econ, hsel, a_sel = panel.economies[idx], held[idx], act[idx]
        okc = ok[idx] & a_sel[:, comps]
        rng = np.random.default_rng(seed + o)
        args = (o, econ, hsel, parts, a_sel)
        for base in CALIBRATED:
            cal = f"{base}_cal"
            if not want & {base, cal, f"{base}_oracle"}:
                continue
            if base == "drivers" and o < FIRST_DRIVER_ORIGIN:
                continue  # too few years with known drivers
            point = None
            if base == "pooled":
                pp = fit_pooled(panel, t, train=~held, states=states, max_horizon=horizon)
                ph, _ = merged_window(panel, t, act)
                okp = a_sel & ~np.isnan(ph[idx]).any(axis=1)
                sp = simulate_pooled(pp, ph[idx], okp, horizon=horizon, n_paths=n_paths,
                                     rng=np.random.default_rng([seed, o, 3]))
                point = np.where(okp[:, None, :], pp.point(np.nan_to_num(ph[idx]), horizon), 0.0)
            elif base == "world":
                params = fit_global(panel, t, train=~held)
                dp = None
            else:
                from ..drivers import fit_driver_model, simulate_drivers

                params = fit_drivers(panel, t, hist, train=~held)
                params.exposure, params.exposure_sd = params.exposure[idx], params.exposure_sd[idx]
                # the drivers' own futures, learned from their history up to the origin only
                dp = simulate_drivers(fit_driver_model(hist, o), horizon, n_paths, np.random.default_rng([seed, o, 2]))
            if base != "pooled":
                params.scale = params.scale[idx]
                # the driver model draws from its own stream (the other models' draws stay as they were without it)
                brng = rng if base == "world" else np.random.default_rng([seed, o, 1])
                zp = simulate_global(params, win[idx], okc, horizon=horizon, n_paths=n_paths, rng=brng, drivers=dp)
                sp = to_shares(zp, okc, parts)
            r = _records(base, *args, sp, actual[idx], last[idx], point=point)
            raw_recs[base].append(r)  # the interval factors learn from the uncalibrated model's past forecasts
            if base in want:
                recs.append(r)
                evs.append(_events(base, *args, sp, actual[idx]))
            if cal in want:
                past_r = pd.concat(raw_recs[base][:-1], ignore_index=True) if len(raw_recs[base]) > 1 else None
                past_e = pd.concat(cal_evs[base], ignore_index=True) if cal_evs[base] else None
                factors = _conformal(past_r, o) if past_r is not None else {}
                # the probability map learns from the recalibrated paths' own past events, as a forecast uses it
                pmap = _probability_map(past_e, o) if past_e is not None else None
                spc = _recalibrate_paths(sp, factors)
                recs.append(_records(cal, *args, spc, actual[idx], last[idx], point=point))
                ev = _events(cal, *args, spc, actual[idx], prob_map=pmap)
                evs.append(ev)
                cal_evs[base].append(ev)
            if base == "drivers" and "drivers_oracle" in want and o + horizon <= hist.last_known().min():
                from ..drivers import realised_paths

                # the oracle: the same model given the drivers as they turned out (how much error they leave)
                zo = simulate_global(params, win[idx], okc, horizon=horizon, n_paths=n_paths,
                                     rng=np.random.default_rng([seed, o, 1]),
                                     drivers=realised_paths(hist, range(o + 1, o + horizon + 1), n_paths))
                so = to_shares(zo, okc, parts)
                recs.append(_records("drivers_oracle", *args, so, actual[idx], last[idx]))
                evs.append(_events("drivers_oracle", *args, so, actual[idx]))
        for m, kw in (("rw", {}), ("drift", {"drift": True}), ("mean5", {"mean5": True})):
            if m in want:
                zp = simulate_rw(win[idx], okc, horizon=horizon, n_paths=n_paths, rng=rng, **kw)
                sp = to_shares(zp, okc, parts)
                recs.append(_records(m, o, econ, hsel, parts, a_sel, sp, actual[idx], last[idx]))
                evs.append(_events(m, o, econ, hsel, parts, a_sel, sp, actual[idx]))
        if statsforecast:
            sp = _statsforecast_paths(z[idx, :t + 1], okc, horizon=horizon, n_paths=n_paths, rng=rng)
            sp = to_shares(sp, okc, parts)
            recs.append(_records("statsforecast_ets", o, econ, hsel, parts, a_sel, sp, actual[idx], last[idx]))
            evs.append(_events("statsforecast_ets", o, econ, hsel, parts, a_sel, sp, actual[idx]))
        if progress:
            progress(i + 1, len(origins))
    records = pd.concat(recs, ignore_index=True)
    events = pd.concat(evs, ignore_index=True)
    return WorldBacktest(records=records, events=events, seconds=time.perf_counter() - t0,
                         held_out=tuple(panel.economies[held]),
                         info={"parts": parts, "origins": (origins[0], origins[-1]), "horizon": horizon,
                               "n_paths": n_paths, "seed": seed, "economies": int(E), "min_years": min_years})


def held_out_total(name: str = "world_backtest_summary.csv") -> int | None:
    """How many economies the stored world backtest held out (its header line says so; fewer may be scored, those
    with a forecast from 2000 on), or None when the header does not say.

    Parameters
    ----------
    name : str, default "world_backtest_summary.csv"
        A file of ``kzecon/data/reference`` whose first line states "<n> held-out economies".

    Returns
    -------
    int or None

    Raises
    ------
    FileNotFoundError
        If the file is not in ``kzecon/data/reference``.

    Examples
    --------
    >>> from kzecon.forecast.world import held_out_total
    >>> held_out_total()
    44
    """
    import re
    from importlib import resources

    with (resources.files("kzecon.data") / "reference" / name).open("r", encoding="utf-8") as fh:
        head = fh.readline()
    m = re.search(r"(\d+) held-out economies", head)
    return int(m.group(1)) if m else None
