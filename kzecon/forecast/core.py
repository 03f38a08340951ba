"""Probabilistic forecasts of a partner composition and the risk probabilities read off the paths.

A forecast is a set of simulated paths of the whole composition (n_paths × horizon × parts, each path
closed so it sums to one). Models, all on additive log-ratios (alr) of the composition:

* ``"var"`` — VAR on the log-ratios (lag by BIC, :func:`kzecon.timeseries.composition_var`);
* ``"drift"`` — multivariate random walk with drift (drift and covariance from the last ten log-ratio changes);
* ``"rw"`` — random walk without drift (the naive baseline: no change expected; covariance of the last ten
  changes);
* ``"mean5"`` — mean of the last 5 years' log-ratios, with the spread of a random walk widened by the horizon;
* ``"ensemble"`` — a mixture of member paths with given weights (e.g. from backtest scores).

The three baselines are the same code as the world backtest's (:func:`kzecon.forecast.world.simulate_rw`, window
:data:`kzecon.forecast.registry.BASELINE_WINDOW`): one name, one model (:mod:`kzecon.forecast.registry`).

Event kinds: ``exceeds_part`` (share of part_a > part_b), ``exceeds`` / ``below`` (share of part_a vs a threshold),
``balance_below`` (the multi-vector balance index over all parts, as :func:`kzecon.measures.balance_index` with
China, Russia, EU and the rest, below a threshold).

Simulation ignores parameter uncertainty (as statsmodels' VAR simulator does); the rolling-origin backtest
(:mod:`kzecon.forecast.backtest`) measures what that costs in interval coverage.
Risk events are data (``kzecon/data/reference/risk_events.csv``; pass your own table).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kzecon.data import read_reference
from kzecon.errors import CoverageError, DataQualityWarning, EstimationError, SchemaError, UsageError
from kzecon.results import check_level, results_class
from kzecon.timeseries import composition_frame, composition_var, transforms

from .registry import BASELINE_WINDOW, DRIVER_MODELS, POOLED_MODELS, WORLD_MODELS
from .registry import SERIES_MODELS as MODELS  # the per-series models (fitted on the composition alone)

ENSEMBLE = {m: 1.0 for m in MODELS}  # "ensemble" everywhere: equal weights of the per-series models
EVENT_KINDS = ("exceeds_part", "exceeds", "below", "balance_below")



def load_events() -> pd.DataFrame:
    """The default risk events (event, kind, part_a, part_b, threshold, description).

    Read from the bundled ``kzecon/data/reference/risk_events.csv``: China's share above Russia's, above 25% and
    30%, Russia's below 15%, and the multi-vector balance index below 0.9.

    Returns
    -------
    pandas.DataFrame
        ``event, kind, part_a, part_b, threshold, description``: one row per event; ``kind`` is one of
        :data:`EVENT_KINDS`, part names in kzecon's canonical spelling (``china``, ``russia``, ...), thresholds as
        shares in (0, 1) (NaN where the kind takes none).

    See Also
    --------
    read_events : A user's event table from a file.
    validate_events : The check of an event table against a composition's parts.

    Examples
    --------
    >>> from kzecon.forecast import load_events
    >>> load_events()[["event", "kind", "part_a", "part_b", "threshold"]]
                     event           kind  part_a  part_b  threshold
    0   china_above_russia   exceeds_part   china  russia        NaN
    1    china_above_25pct        exceeds   china     NaN       0.25
    2    china_above_30pct        exceeds   china     NaN       0.30
    3   russia_below_15pct          below  russia     NaN       0.15
    4  balance_below_90pct  balance_below     NaN     NaN       0.90
    """
    return read_reference("risk_events.csv")


def read_events(path) -> pd.DataFrame:
    """A user's risk-event table (CSV: event, kind, part_a, part_b, threshold; '#' lines are comments), with the
    file checks of every kzecon reader; checked against a composition's parts by :func:`validate_events`.

    Parameters
    ----------
    path : str or path-like
        The CSV file (read by :func:`kzecon.data.read_table`: encoding, delimiter and '#' comment lines as every
        kzecon reader takes them). Column names are stripped of surrounding spaces.

    Returns
    -------
    pandas.DataFrame
        The table as read (at least ``event`` and ``kind``); kinds, parts and thresholds are checked later, against
        the composition, by :func:`validate_events` (which :meth:`CompositionForecast.risk` calls).

    Raises
    ------
    SchemaError
        If a column appears twice, ``event`` or ``kind`` is missing, or the file has a header only (no events); the
        file errors of :func:`kzecon.data.read_table` (missing or unreadable file).

    See Also
    --------
    load_events : kzecon's default events.
    validate_events : The check against a composition's parts.

    Examples
    --------
    >>> from pathlib import Path
    >>> from kzecon.forecast import read_events
    >>> _ = Path("events.csv").write_text("event,kind,part_a,part_b,threshold\\n"
    ...                                   "cn_over_ru,exceeds_part,CHN,RUS,\\n")
    >>> read_events("events.csv")[["event", "kind", "part_a", "part_b"]]
            event          kind part_a part_b
    0  cn_over_ru  exceeds_part    CHN    RUS
    """
    from kzecon.data import read_table
    from kzecon.data.validate import require_columns

    ev = read_table(path)
    ev.columns = [str(c).strip() for c in ev.columns]
    twice = [c for c in ev.columns if "." in c and c.rsplit(".", 1)[0] in ev.columns and c.rsplit(".", 1)[1].isdigit()]
    if twice:
        raise SchemaError(f"risk events {path}: column {twice[0].rsplit('.', 1)[0]!r} appears more than once")
    require_columns(ev, ["event", "kind"], f"risk events {path}")
    if ev.empty:
        raise SchemaError(f"risk events {path}: the file defines no events (a header only)")
    return ev


def validate_events(events: pd.DataFrame, parts, *, skip_missing: bool = False) -> pd.DataFrame:
    """Check an event table against the composition's parts; errors name the event.

    Part names are matched to the composition's labels in any spelling (china / CHN / China; eu / EU / EUR; …:
    :mod:`kzecon.forecast.parts`) and replaced by those labels. ``skip_missing``: an event about a part the
    composition does not have is left out, with one note listing them (kzecon's default events on a user's
    composition); otherwise it is an error (a user's own events).

    Parameters
    ----------
    events : pandas.DataFrame
        ``event, kind`` and, as the kind needs them, ``part_a``, ``part_b``, ``threshold``. Kinds (any case, spaces
        stripped): ``exceeds_part`` (part_a's share above part_b's: part_a and part_b), ``exceeds`` / ``below``
        (part_a's share above / below threshold: part_a and threshold), ``balance_below`` (the balance index over
        all parts below threshold: threshold only). A column the kind does not use must be empty.
    parts : sequence of str
        The composition's part labels (e.g. ``CompositionForecast.parts``).
    skip_missing : bool, default False
        True: leave out events about parts the composition lacks, with a warning; False: such an event is an error.

    Returns
    -------
    pandas.DataFrame
        The events (``event, kind, part_a, part_b, threshold`` and any other columns), parts replaced by the
        composition's own labels, thresholds as floats, index reset.

    Raises
    ------
    SchemaError
        If ``events`` is not a DataFrame or lacks ``event`` / ``kind``; a row has no event name; a kind is not one of
        :data:`EVENT_KINDS`; a kind misses a column it needs or fills one it does not use; part_a and part_b are the
        same part; a part is not in the composition (unless ``skip_missing``); a threshold is not a share in (0, 1)
        (the message hints at decimal commas and percentages); an event is defined twice; or no event applies.

    Warns
    -----
    DataQualityWarning
        With ``skip_missing``, naming the events left out.

    See Also
    --------
    load_events, read_events : Where event tables come from.
    kzecon.forecast.parts.resolve : How an event's part is matched to a label.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.forecast import validate_events
    >>> ev = pd.DataFrame({"event": ["cn_over_ru"], "kind": ["exceeds_part"], "part_a": ["CHN"],
    ...                    "part_b": ["Russia"]})
    >>> validate_events(ev, ["china", "russia", "eu", "rest"])
            event          kind part_a  part_b  threshold
    0  cn_over_ru  exceeds_part  china  russia        NaN
    """
    from kzecon.data.validate import require_columns

    from .parts import resolve

    if not isinstance(events, pd.DataFrame):
        raise SchemaError(f"risk events must be a table (event, kind, part_a, part_b, threshold), got "
                          f"{type(events).__name__}")
    require_columns(events, ["event", "kind"], "risk events")
    ev = events.copy().reset_index(drop=True)
    for c in ("part_a", "part_b", "threshold"):
        if c not in ev:
            ev[c] = np.nan
    for c in ("event", "kind", "part_a", "part_b"):  # ' exceeds ' and 'EXCEEDS' read as 'exceeds'
        ev[c] = ev[c].map(lambda v: v.strip() if isinstance(v, str) else v)
    ev["kind"] = ev["kind"].map(lambda v: v.lower() if isinstance(v, str) else v)
    ev["part_a"] = ev["part_a"].astype(object)
    ev["part_b"] = ev["part_b"].astype(object)
    parts = list(parts)
    skipped, keep = [], []
    for i, r in ev.iterrows():
        if not isinstance(r["event"], str) or not r["event"].strip():
            raise SchemaError(f"risk events: row {i + 1} has no event name (column 'event' must name each event)")
        if r["kind"] not in EVENT_KINDS:
            raise SchemaError(f"risk event {r['event']!r}: kind must be one of {', '.join(EVENT_KINDS)}, "
                              f"got {r['kind']!r}")
        unused = [c for c, used in (("part_a", r["kind"] != "balance_below"), ("part_b", r["kind"] == "exceeds_part"),
                                    ("threshold", r["kind"] != "exceeds_part"))
                  if not used and pd.notna(r[c]) and str(r[c]).strip() != ""]
        if unused:
            raise SchemaError(f"risk event {r['event']!r}: kind {r['kind']} does not use column(s) "
                              f"{', '.join(unused)}; leave them empty (or choose the kind that uses them)")
        need = [] if r["kind"] == "balance_below" else ["part_a"] + (["part_b"] if r["kind"] == "exceeds_part"
                                                                      else [])
        missing = []
        for col in need:
            if pd.isna(r[col]):
                raise SchemaError(f"risk event {r['event']!r}: kind {r['kind']} needs column {col!r}")
            hit = resolve(str(r[col]), parts)
            if hit is None:
                missing.append(str(r[col]))
            else:
                ev.at[i, col] = hit
        if r["kind"] == "exceeds_part" and not missing and ev.at[i, "part_a"] == ev.at[i, "part_b"]:
            raise SchemaError(f"risk event {r['event']!r}: part_a and part_b are the same part "
                              f"({ev.at[i, 'part_a']!r}): a share never exceeds itself")
        if missing:
            if not skip_missing:
                raise SchemaError(f"risk event {r['event']!r}: part {missing[0]!r} is not in the composition "
                                  f"({', '.join(map(str, parts))})")
            skipped.append(f"{r['event']} ({', '.join(missing)})")
            continue
        if r["kind"] != "exceeds_part":
            t = pd.to_numeric(str(r["threshold"]).strip() if isinstance(r["threshold"], str) else r["threshold"],
                              errors="coerce")
            if not (0 < t < 1):
                hint = ("; decimal commas? write 0.3" if isinstance(r["threshold"], str) and "," in r["threshold"]
                        else "; a percentage? write 0.3 for 30%" if isinstance(r["threshold"], str)
                        and "%" in r["threshold"] else "")
                raise SchemaError(f"risk event {r['event']!r}: threshold must be a share in (0, 1), "
                                  f"got {r['threshold']!r}{hint}")
            ev.at[i, "threshold"] = float(t)
        keep.append(i)
    ev = ev.loc[keep].reset_index(drop=True)
    if ev["event"].duplicated().any():
        raise SchemaError(f"risk event {ev.loc[ev['event'].duplicated(), 'event'].iloc[0]!r} is defined twice")
    if skipped:
        warnings.warn(f"default risk events left out: the composition has no such part: {'; '.join(skipped)}",
                      DataQualityWarning, stacklevel=3)
    if ev.empty:
        raise SchemaError("no risk event applies to this composition's parts "
                          f"({', '.join(map(str, parts))}); pass your own events")
    return ev


def events_for(events: pd.DataFrame | None, parts) -> pd.DataFrame:
    """The user's events (every one must apply) or kzecon's defaults (those that apply).

    Parameters
    ----------
    events : pandas.DataFrame or None
        A user's event table (checked by :func:`validate_events`, every event must apply); None for
        :func:`load_events`, keeping the events whose parts the composition has.
    parts : sequence of str
        The composition's part labels.

    Returns
    -------
    pandas.DataFrame
        The validated events (:func:`validate_events`).

    Raises
    ------
    SchemaError
        As :func:`validate_events`.
    """
    if events is None:
        return validate_events(load_events(), parts, skip_missing=True)
    return validate_events(events, parts)


def event_hits(paths: np.ndarray, parts: list, ev: pd.Series) -> np.ndarray:
    """Boolean (paths × years): whether risk event ``ev`` holds on each simulated path in each year.

    Parameters
    ----------
    paths : numpy.ndarray
        Share paths, n_paths × years × parts (the last axis in ``parts``' order).
    parts : list of str
        The part labels of the last axis.
    ev : pandas.Series
        One validated event (a row of :func:`validate_events`): ``kind``, ``part_a``, ``part_b``, ``threshold``.

    Returns
    -------
    numpy.ndarray
        Booleans of ``paths``' shape without its last axis. ``balance_below`` uses the balance index
        (1 − Σ s²) / (1 − 1/K) over the K parts, as :func:`kzecon.measures.balance_index`.
    """
    if ev["kind"] == "balance_below":
        # the multi-vector balance index of kzecon.measures.balance_index, over the composition's K parts
        k = paths.shape[-1]
        return (1 - (paths ** 2).sum(axis=-1)) / (1 - 1 / k) < float(ev["threshold"])
    a = paths[..., parts.index(ev["part_a"])]
    if ev["kind"] == "exceeds_part":
        return a > paths[..., parts.index(ev["part_b"])]
    t = float(ev["threshold"])
    return a > t if ev["kind"] == "exceeds" else a < t


@results_class
@dataclass(frozen=True)
class CompositionForecast:
    """Simulated composition paths with the tables a brief needs.

    Returned by :func:`simulate` and :func:`simulate_scenario`; immutable (``paths`` is read-only).

    Attributes
    ----------
    model : str
        The model's name (:data:`kzecon.forecast.registry.MODELS`), or ``"var+brent scenario"``.
    origin : int
        The composition's last year: the forecast starts the year after.
    years : tuple of int
        The forecast years, origin + 1 … origin + horizon.
    parts : tuple of str
        The composition's part labels, in the order of ``paths``' last axis.
    paths : numpy.ndarray
        Simulated shares, n_paths × horizon × parts; each path's shares sum to one in each year.
    seed : int, default 0
        The random seed the paths were drawn with.
    info : dict
        How the forecast was made: ``reference`` (the log-ratios' denominator part), ``history`` (years used) and
        the model's own entries (``window``, ``lags``, ``weights``, the world models' ``world_params_to``,
        ``calibration_origin``, a scenario's fixed years …).
    prob_map : callable or None, default None
        The recalibration of event probabilities (a :class:`kzecon.forecast.calibration.BetaCalibration`) of a
        ``_cal`` model; None: :meth:`risk` reports the paths' raw frequencies.
    drivers : kzecon.forecast.drivers.DriverPaths or None, default None
        The driver paths (partners' GDP growth, Brent) the forecast used; None for a model without drivers.

    See Also
    --------
    simulate : How a forecast is made.

    Examples
    --------
    >>> from kzecon.forecast import simulate
    >>> from kzecon.study.findings import composition
    >>> fc = simulate(composition("KAZ"), model="rw", horizon=3, n_paths=200)
    >>> fc.model, fc.origin, fc.years, fc.parts, fc.paths.shape
    ('rw', 2025, (2026, 2027, 2028), ('china', 'eu', 'rest', 'russia'), (200, 3, 4))
    >>> fc.to_frame().round(3).head(3)
       year partner   mean  median  lower_90  upper_90
    0  2026   china  0.233   0.231     0.198     0.275
    1  2027   china  0.231   0.230     0.178     0.283
    2  2028   china  0.227   0.226     0.160     0.302
    """

    model: str
    origin: int
    years: tuple
    parts: tuple
    paths: Any = field(repr=False)  # n_paths × horizon × parts
    seed: int = 0
    info: Any = field(default_factory=dict)
    prob_map: Any = field(default=None, repr=False, compare=False)  # the recalibration of event probabilities
    drivers: Any = field(default=None, repr=False, compare=False)  # the driver paths used (drivers.DriverPaths)

    def drivers_frame(self, level: float = 0.90) -> pd.DataFrame:
        """year, driver, mean, lower_90, upper_90, unit, fixed: the driver paths the forecast used (simulated, or
        fixed by a scenario); no rows for a model without drivers.

        Parameters
        ----------
        level : float, default 0.90
            Level of the equal-tailed interval, in (0, 1); the columns are named ``lower_<L>`` / ``upper_<L>`` with
            L = 100 × level.

        Returns
        -------
        pandas.DataFrame
            ``year, driver, mean, lower_<L>, upper_<L>, unit, fixed``
            (:meth:`kzecon.forecast.drivers.DriverPaths.to_frame`): ``brent`` in USD a barrel, ``gdp_growth_<CODE>``
            in % a year; ``fixed`` True where a scenario set it.

        Examples
        --------
        >>> from kzecon.forecast import simulate
        >>> from kzecon.study.findings import composition
        >>> simulate(composition("KAZ"), model="rw", horizon=2, n_paths=200).drivers_frame().columns.tolist()
        ['year', 'driver', 'mean', 'lower_90', 'upper_90', 'unit', 'fixed']
        """
        if self.drivers is None:
            tag = round(100 * level)
            return pd.DataFrame(columns=["year", "driver", "mean", f"lower_{tag}", f"upper_{tag}", "unit", "fixed"])
        return self.drivers.to_frame(level)

    def __post_init__(self):
        p = np.asarray(self.paths, dtype=float)
        p.flags.writeable = False
        object.__setattr__(self, "paths", p)

    @property
    def n_paths(self) -> int:
        """Number of simulated paths (the first axis of ``paths``)."""
        return self.paths.shape[0]

    def summary(self) -> str:
        """The forecast in words: model, origin, horizon, paths and each part's mean and 90% interval in the last
        year."""
        t = self.to_frame().query("year == @self.years[-1]")
        parts = "; ".join(f"{r.partner} {r.mean:.3f} [{r.lower_90:.3f}, {r.upper_90:.3f}]" for r in t.itertuples())
        return (f"{self.model} forecast from {self.origin}, {len(self.years)} years ahead, {self.n_paths} paths "
                f"(seed {self.seed}); {self.years[-1]}: {parts}")

    @property
    def nobs(self) -> None:
        """None: a forecast holds simulated paths (:attr:`n_paths`), not observations."""
        return None

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """year, partner, lower, upper: the equal-tailed ``level`` interval of each part's share.

        Parameters
        ----------
        level : float, default 0.95
            Interval level in (0, 1): the paths' 0.5 − level/2 and 0.5 + level/2 quantiles.

        Returns
        -------
        pandas.DataFrame
            ``year, partner, lower, upper``: one row per forecast year and part.

        Raises
        ------
        UsageError
            If ``level`` is not a number in (0, 1).

        Examples
        --------
        >>> from kzecon.forecast import simulate
        >>> from kzecon.study.findings import composition
        >>> fc = simulate(composition("KAZ"), model="rw", horizon=3, n_paths=200)
        >>> fc.conf_int().round(3).head(3)
           year partner  lower  upper
        0  2026   china  0.191  0.286
        1  2027   china  0.169  0.298
        2  2028   china  0.157  0.309
        """
        t = self.to_frame(level)
        tag = round(100 * level)
        return t[["year", "partner", f"lower_{tag}", f"upper_{tag}"]].rename(
            columns={f"lower_{tag}": "lower", f"upper_{tag}": "upper"})

    def to_frame(self, level: float = 0.90, *, levels: Sequence[float] | None = None) -> pd.DataFrame:
        """year, partner, mean, median, lower_<L>, upper_<L> (equal-tailed quantiles of the paths) at ``level``
        (L = 100 × level), or at each of ``levels`` (e.g. ``levels=(0.8, 0.9)``: one pair of columns a level).

        Parameters
        ----------
        level : float, default 0.90
            Level of the fan's interval, in (0, 1); ignored when ``levels`` is given.
        levels : sequence of float or None, default None
            Several levels at once (keyword-only), each in (0, 1): one ``lower_<L>``/``upper_<L>`` pair each, in
            the order given.

        Returns
        -------
        pandas.DataFrame
            ``year, partner, mean, median, lower_<L>, upper_<L>…``: one row per part and forecast year (parts in
            ``parts``' order), shares in (0, 1).

        Raises
        ------
        UsageError
            If a level is not a number in (0, 1) (a tuple passed positionally, say: use ``levels=``).

        Examples
        --------
        >>> from kzecon.forecast import simulate
        >>> from kzecon.study.findings import composition
        >>> fc = simulate(composition("KAZ"), model="rw", horizon=3, n_paths=200)
        >>> fc.to_frame(levels=(0.8, 0.9)).columns.tolist()
        ['year', 'partner', 'mean', 'median', 'lower_80', 'upper_80', 'lower_90', 'upper_90']
        """
        levels = (check_level(level),) if levels is None else tuple(check_level(lv) for lv in levels)
        rows = []
        for j, part in enumerate(self.parts):
            x = self.paths[:, :, j]
            d = {"year": list(self.years), "partner": part, "mean": x.mean(axis=0),
                 "median": np.median(x, axis=0)}
            for lv in levels:
                tag = round(100 * lv)
                d[f"lower_{tag}"] = np.quantile(x, 0.5 - lv / 2, axis=0)
                d[f"upper_{tag}"] = np.quantile(x, 0.5 + lv / 2, axis=0)
            rows.append(pd.DataFrame(d))
        return pd.concat(rows, ignore_index=True)

    def risk(self, events: pd.DataFrame | None = None) -> pd.DataFrame:
        """event, year, probability (the event holds in that year; recalibrated where the model carries a
        calibration map, ``raw_probability`` beside it), probability_by_year (at least once by then), mc_se
        (Monte Carlo standard error of the raw probability).

        Parameters
        ----------
        events : pandas.DataFrame or None, default None
            Risk events (``event, kind, part_a, part_b, threshold``, checked by :func:`validate_events`: every
            event must apply to the parts); None for kzecon's defaults (:func:`load_events`), those whose parts the
            composition has.

        Returns
        -------
        pandas.DataFrame
            ``event, year, probability, raw_probability, probability_by_year, mc_se``: one row per event and
            forecast year. ``mc_se`` = √(p(1 − p) / n_paths) of the raw probability.

        Raises
        ------
        SchemaError
            If ``events`` fails :func:`validate_events`.

        Examples
        --------
        >>> from kzecon.forecast import simulate
        >>> from kzecon.study.findings import composition
        >>> fc = simulate(composition("KAZ"), model="rw", horizon=3, n_paths=200)
        >>> r = fc.risk()
        >>> r.query("event == 'china_above_russia'")[["year", "probability", "mc_se"]].round(3)
           year  probability  mc_se
        0  2026        0.935  0.017
        1  2027        0.835  0.026
        2  2028        0.785  0.029
        """
        ev = events_for(events, list(self.parts))
        pmap = self.prob_map
        rows = []
        for _, e in ev.iterrows():
            hit = event_hits(self.paths, list(self.parts), e)
            raw = hit.mean(axis=0)
            p = np.asarray(pmap(raw), dtype=float) if pmap is not None else raw
            ever = np.logical_or.accumulate(hit, axis=1).mean(axis=0)
            for i, y in enumerate(self.years):
                rows.append({"event": e["event"], "year": y, "probability": float(p[i]),
                             "raw_probability": float(raw[i]), "probability_by_year": float(ever[i]),
                             "mc_se": float(np.sqrt(raw[i] * (1 - raw[i]) / self.n_paths))})
        return pd.DataFrame(rows)

    def first_year(self, event: str, events: pd.DataFrame | None = None) -> pd.DataFrame:
        """Distribution of the first year in which ``event`` holds: year (or 'later'), probability.

        Parameters
        ----------
        event : str
            The event's name (a value of the ``event`` column of ``events``).
        events : pandas.DataFrame or None, default None
            The event table, as for :meth:`risk`; None for kzecon's defaults that apply.

        Returns
        -------
        pandas.DataFrame
            ``year, probability``: the share of paths on which the event first holds in each forecast year (years as
            strings), and a last row ``after <last year>`` for the paths on which it never holds; the
            probabilities sum to one.

        Raises
        ------
        SchemaError
            If ``event`` is not defined in ``events`` (the message lists those that are), or ``events`` fails
            :func:`validate_events`.

        Examples
        --------
        >>> from kzecon.forecast import simulate
        >>> from kzecon.study.findings import composition
        >>> fc = simulate(composition("KAZ"), model="rw", horizon=3, n_paths=200)
        >>> fc.first_year("russia_below_15pct").round(3)
                 year  probability
        0        2026        0.005
        1        2027        0.020
        2        2028        0.055
        3  after 2028        0.920
        """
        ev = events_for(events, list(self.parts))
        row = ev[ev["event"] == event]
        if row.empty:
            raise SchemaError(f"unknown risk event {event!r}; defined: {', '.join(ev['event'])}")
        hit = event_hits(self.paths, list(self.parts), row.iloc[0])
        first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
        out = [{"year": str(y), "probability": float((first == i).mean())} for i, y in enumerate(self.years)]
        out.append({"year": f"after {self.years[-1]}", "probability": float((first == -1).mean())})
        return pd.DataFrame(out)


def _baseline(z: np.ndarray, model: str, horizon: int, n_paths: int, rng) -> np.ndarray:
    """rw / drift / mean5 on the log-ratios ``z`` (years × K): the world backtest's simulator on the last
    :data:`BASELINE_WINDOW` changes (fewer when the series is shorter, at least 3)."""
    from .world import simulate_rw

    if len(z) < 4 or (model == "mean5" and len(z) < 7):
        raise CoverageError(f"{len(z)} years are too few for the {model} forecast")
    win = z[-(BASELINE_WINDOW + 1):][None]
    ok = np.ones((1, z.shape[1]), bool)
    return simulate_rw(win, ok, horizon=horizon, n_paths=n_paths, rng=rng, drift=model == "drift",
                       mean5=model == "mean5")[0]


def simulate(comp: pd.DataFrame, *, model: str = "var", horizon: int = 5, n_paths: int = 4000, seed: int = 0,
             reference: str = "rest", weights: dict | None = None, scenario: pd.DataFrame | None = None,
             brent: pd.Series | None = None) -> CompositionForecast:
    """Simulate ``n_paths`` future paths of a composition ``horizon`` years ahead with one model.

    ``comp``: long (year, partner, share) or wide (year × parts) composition, consecutive years, rows summing
    to one (within 1e-3: rescaled; about 100: read as percent; both with a note). ``model``: a per-series model
    (``var``, ``drift``, ``rw``, ``mean5``), ``ensemble`` (equal weights of the four unless ``weights``, a dict
    model → weight), or a world model (``world``: the global model learned from every economy's history up to
    the composition's last year; ``world_cal``: the same, recalibrated on the world backtest — both need parts
    that are kzecon's known parts in any spelling, :mod:`kzecon.forecast.world`; ``drivers``: the global model
    moved by the partners' GDP growth and the oil price, ``drivers_cal`` recalibrated — the headline).

    ``scenario`` (driver models only): a frame with ``year`` and any of ``brent`` (USD a barrel) and
    ``gdp_growth_<CODE>`` (% a year) fixing those drivers in those years
    (:func:`kzecon.forecast.drivers.read_scenario`);
    ``brent``: a user's Brent price history (Series by year) for the driver model.

    Parameters
    ----------
    comp : pandas.DataFrame
        The composition: long (``year, partner, share``) or wide (years × parts), at least 8 consecutive years
        (:func:`kzecon.timeseries.composition_frame`), e.g. :func:`kzecon.study.findings.composition`.
    model : str, default "var"
        One of ``var``, ``drift``, ``rw``, ``mean5`` (per-series), ``ensemble``, or a world model of
        :data:`WORLD_MODELS` (``pooled``, ``pooled_cal``, ``world``, ``world_cal``, ``drivers``, ``drivers_cal``);
        :data:`WORLD_CHOICE` is the headline. See :mod:`kzecon.forecast.registry` for one line on each.
    horizon : int, default 5
        Years ahead, 1–30.
    n_paths : int, default 4000
        Simulated paths, at least 100 (risk probabilities have a Monte Carlo error of √(p(1 − p) / n_paths)).
    seed : int, default 0
        Random seed, 0 … 2³² − 1: the same seed gives the same paths.
    reference : str, default "rest"
        The part the log-ratios are taken against (any spelling, :func:`kzecon.forecast.parts.resolve`); the
        default takes the composition's last part when it has no rest.
    weights : dict or None, default None
        ``ensemble`` only: {per-series model: weight} (non-negative, positive sum); None for equal weights of the
        four per-series models.
    scenario : pandas.DataFrame or None, default None
        Driver models only (:data:`kzecon.forecast.registry.DRIVER_MODELS`): ``year`` and any of ``brent`` (USD a
        barrel) and ``gdp_growth_<CODE>`` (% a year) for forecast years (:func:`kzecon.forecast.drivers.read_scenario`).
    brent : pandas.Series or None, default None
        Driver models only: the annual Brent price history (Series indexed by year, or a frame ``year, brent``,
        positive), covering 1988 (or its first year) to the composition's last; None for the bundled series.

    Returns
    -------
    CompositionForecast
        The paths (n_paths × horizon × parts), the forecast years origin + 1 … origin + horizon, and ``info`` on how
        they were made.

    Raises
    ------
    UsageError
        If ``horizon``, ``n_paths`` or ``seed`` is not a whole number in range; ``model`` is unknown; ``reference``
        is not a part; ``scenario`` or ``brent`` is given for a model without drivers; ``weights`` name an unknown
        model, are not numbers or do not have a positive finite sum.
    SchemaError
        If ``comp`` is malformed (:func:`kzecon.timeseries.composition_frame`); a world model's parts name the same
        part twice; ``scenario`` or ``brent`` is malformed.
    CoverageError
        If ``comp`` has fewer than 8 consecutive years; a world model meets a part
        it does not know, no rest, or a composition ending too early for the world history; ``brent`` does not
        cover the years the driver model reads.
    EstimationError
        If the VAR's shock covariance is singular (a part moving in fixed proportion to another, or constant).

    Warns
    -----
    DataQualityWarning
        When ``comp`` is rescaled or read as percent, or ``brent`` starts after 1988.

    See Also
    --------
    simulate_scenario : A VAR conditioned on a Brent path (any parts).
    forecast_with : The model chosen by the CLI's rules.
    kzecon.forecast.backtest.run : How well each model's intervals covered, out of sample.

    Examples
    --------
    >>> from kzecon.forecast import simulate
    >>> from kzecon.study.findings import composition
    >>> comp = composition("KAZ")
    >>> fc = simulate(comp, model="rw", horizon=3, n_paths=200)
    >>> print(fc.summary())
    rw forecast from 2025, 3 years ahead, 200 paths (seed 0); 2028: china 0.227 [0.160, 0.302]; eu 0.324 [0.238, 0.428];
    rest 0.260 [0.194, 0.330]; russia 0.189 [0.145, 0.237]
    >>> simulate(comp, model="ensemble", horizon=3, n_paths=400, weights={"rw": 1, "drift": 1}).info["weights"]
    {'rw': 0.5, 'drift': 0.5}

    The headline model, learned from every economy's history in IMF DOTS (a few seconds the first time):

    >>> fc = simulate(comp, model="pooled", horizon=3, n_paths=200)
    >>> fc.paths.shape, fc.info["world_params_to"]
    ((200, 3, 4), 2020)
    """
    from kzecon.data.validate import whole_number

    horizon = whole_number(horizon, "horizon (years ahead)", 1, 30)
    n_paths = whole_number(n_paths, "n_paths (at least 100 for stable probabilities)", 100)
    seed = whole_number(seed, "seed", 0, 2**32 - 1)
    wide = composition_frame(comp, min_years=8)
    parts = list(wide.columns)
    from .parts import resolve

    ref = resolve(reference, parts) if isinstance(reference, str) else None
    if ref is None:
        if reference != "rest":  # the default names the rest; a composition without one takes its last part
            raise UsageError(f"reference {reference!r} is not a part of the composition ({', '.join(map(str, parts))})")
        ref = parts[-1]
    z = transforms.alr(wide, ref).to_numpy()
    rng = np.random.default_rng(seed)
    origin = int(wide.index[-1])
    info = {"reference": ref, "history": f"{int(wide.index[0])}–{origin}"}
    known = (*MODELS, *WORLD_MODELS, "ensemble")
    if model not in known:
        raise UsageError(f"unknown forecast model {model!r}; choose {', '.join(known)}")
    if (scenario is not None or brent is not None) and model not in DRIVER_MODELS:
        raise UsageError(f"a driver scenario or price history conditions the driver models "
                         f"({', '.join(DRIVER_MODELS)}), not {model!r}")
    if brent is not None:
        from kzecon.data.validate import check_year_coverage

        from .drivers import FIRST_YEAR

        brent = _price_series(brent)
        lo = int(brent.index.min())
        check_year_coverage(brent, max(lo, FIRST_YEAR - 1), origin, "the Brent price history",
                            f"the driver model (its years to {origin}, the composition's last)")
        if lo > FIRST_YEAR - 1:
            warnings.warn(f"the Brent price history starts in {lo}: the oil effect is learned from {lo + 1}–{origin} "
                          f"only (the bundled series from {FIRST_YEAR})", DataQualityWarning, stacklevel=2)
    if model in POOLED_MODELS:
        from .pooled import forecast_composition as pooled_composition

        paths, winfo = pooled_composition(wide, horizon=horizon, n_paths=n_paths, seed=seed,
                                          calibrated=model.endswith("_cal"))
        if scenario is not None:
            from .scenario import scenario_shift

            sh = scenario_shift(wide, scenario, horizon=horizon, n_paths=n_paths, seed=seed,
                                brent=_price_series(brent) if brent is not None else None)
            paths = sh.apply(paths, tuple(parts))
            winfo["point"] = sh.apply(winfo["point"][None], tuple(parts))[0]
            winfo["driver_paths"] = sh.paths
            winfo["gdp_elasticity"] = None if sh.gdp_elasticity is None else sh.gdp_elasticity.estimate
            winfo["brent_exposure"] = sh.brent_effect or None
        info.update(winfo)
    elif model in WORLD_MODELS:
        from .world import forecast_composition

        paths, winfo = forecast_composition(wide, horizon=horizon, n_paths=n_paths, seed=seed,
                                            calibrated=model.endswith("_cal"), drivers=model in DRIVER_MODELS,
                                            scenario=scenario,
                                            brent=_price_series(brent) if brent is not None else None)
        info.update(winfo)
    elif model == "ensemble":
        weights = weights or ENSEMBLE
        bad = [m for m in weights if m not in MODELS]
        if bad:
            raise UsageError(f"ensemble weights name unknown model(s) {bad}; models: {', '.join(MODELS)}")
        try:
            w = np.array([max(float(v), 0.0) for v in weights.values()])
        except (TypeError, ValueError):
            raise UsageError(f"ensemble weights must be numbers, got {weights!r}") from None
        if not np.all(np.isfinite(w)) or w.sum() <= 0:
            raise UsageError("ensemble weights must be finite with a positive sum")
        counts = rng.multinomial(n_paths, w / w.sum())
        members = [simulate(wide, model=m, horizon=horizon, n_paths=max(int(c), 100), seed=seed + 1 + i,
                            reference=ref).paths[: int(c)]
                   for i, (m, c) in enumerate(zip(weights, counts, strict=True)) if c > 0]
        paths = np.concatenate(members, axis=0)
        info["weights"] = {m: float(x) for m, x in zip(weights, w / w.sum(), strict=True)}
    elif model == "var":
        res = composition_var(wide, reference=ref)
        try:
            paths = res.simulate(horizon, n_paths, seed)
        except np.linalg.LinAlgError as err:
            raise EstimationError(f"VAR: the shock covariance of the log-ratios is singular ({err}): a part that "
                                  "moves in fixed proportion to another, or a constant part; merge such parts") \
                from None
        info.update(lags=res.info["lags"], stable=res.stats["stable"])
    elif model in ("drift", "rw", "mean5"):
        paths = transforms.alr_inv(_baseline(z, model, horizon, n_paths, rng), parts, ref)
        info["window"] = min(BASELINE_WINDOW, len(z) - 1)
    else:  # checked above
        raise UsageError(f"unknown forecast model {model!r}")
    years = tuple(range(origin + 1, origin + horizon + 1))
    prob_map = info.pop("prob_map", None)
    dpaths = info.pop("driver_paths", None)
    if scenario is not None:
        info["scenario"] = {k: list(v) for k, v in dpaths.fixed.items()}
    return CompositionForecast(model=model, origin=origin, years=years, parts=tuple(parts), paths=paths, seed=seed,
                               info=info, prob_map=prob_map, drivers=dpaths)


def _price_series(brent) -> pd.Series:
    """A Brent price history (Series by year, or a frame year, brent) validated: whole years once, positive."""
    from kzecon.data.validate import year_series

    if isinstance(brent, pd.DataFrame):
        return year_series(brent, "brent", "Brent price history", positive=True)
    s = pd.Series(brent)
    return year_series(pd.DataFrame({"year": s.index, "brent": s.to_numpy()}), "brent", "Brent price history",
                       positive=True)


def simulate_scenario(comp: pd.DataFrame, scenario: pd.DataFrame, *, horizon: int = 5, n_paths: int = 4000,
                      seed: int = 0, reference: str = "rest", brent: pd.Series | None = None) -> CompositionForecast:
    """Composition paths conditioned on a Brent price path: a VAR on the log-ratios and log Brent, simulated
    with log Brent held at the scenario's values.

    ``scenario``: columns year, brent (USD/bbl) for the forecast years (years not given are simulated freely).
    In each simulated year the Brent shock is set to what the scenario requires and the log-ratio shocks are
    drawn from their normal distribution conditional on it (the VAR's residual covariance): the paths respond
    both through the lagged dynamics and through the contemporaneous correlation of shocks.

    ``brent``: the annual price history (a Series indexed by year, USD/bbl, in the scenario's units); default the
    bundled annual Brent series (``kzecon.data.load_oil("brent", "annual")``).

    Parameters
    ----------
    comp : pandas.DataFrame
        The composition, long (``year, partner, share``) or wide (years × parts), consecutive years, any parts
        (:func:`kzecon.timeseries.composition_frame`).
    scenario : pandas.DataFrame
        ``year, brent``: the Brent price (USD a barrel, positive) in some of the forecast years; other years'
        prices are simulated.
    horizon : int, default 5
        Years ahead, 1–30.
    n_paths : int, default 4000
        Simulated paths, at least 100.
    seed : int, default 0
        Random seed, 0 … 2³² − 1.
    reference : str, default "rest"
        The log-ratios' denominator part (exact label); the composition's last part when it has none of that name.
    brent : pandas.Series or None, default None
        The price history (Series by year, or a frame ``year, brent``), covering every year of ``comp``; None for
        the bundled series.

    Returns
    -------
    CompositionForecast
        Model ``"var+brent scenario"``; ``info`` holds ``reference``, the VAR's ``lags`` and the ``scenario``
        ({year: price}).

    Raises
    ------
    UsageError
        If ``horizon``, ``n_paths`` or ``seed`` is not a whole number in range.
    SchemaError
        If ``comp`` or ``scenario`` is malformed (no ``year`` or ``brent`` column, a price not positive) or a
        scenario year is outside the forecast years.
    CoverageError
        If ``comp`` is too short for :func:`kzecon.timeseries.composition_frame` or ``brent`` does not cover its
        years.

    See Also
    --------
    simulate : The driver models take scenarios of the partners' GDP growth too (parts kzecon knows).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.forecast import simulate_scenario
    >>> from kzecon.study.findings import composition
    >>> low_oil = pd.DataFrame({"year": [2026, 2027], "brent": [50.0, 50.0]})
    >>> fc = simulate_scenario(composition("KAZ"), low_oil, horizon=3, n_paths=200)
    >>> fc.model, fc.info["scenario"]
    ('var+brent scenario', {2026: 50.0, 2027: 50.0})
    """
    import kzecon
    from kzecon.data.validate import whole_number, year_series

    horizon = whole_number(horizon, "horizon (years ahead)", 1, 30)
    n_paths = whole_number(n_paths, "n_paths", 100)
    seed = whole_number(seed, "seed", 0, 2**32 - 1)
    sc = year_series(scenario, "brent", "scenario", positive=True)
    wide = composition_frame(comp)
    ref = reference if reference in wide.columns else wide.columns[-1]
    brent = _price_series(kzecon.data.load_oil("brent", "annual").set_index("year").iloc[:, -1]
                          if brent is None else brent)
    from kzecon.data.validate import check_year_coverage

    check_year_coverage(brent, int(wide.index[0]), int(wide.index[-1]), "the Brent price history",
                        "the VAR on the log-ratios and log Brent (every year of the composition)")
    res = composition_var(wide, reference=ref, extra=pd.DataFrame({"log_brent": np.log(brent)}))
    var = res.backend
    origin = int(wide.index[-1])
    fut = list(range(origin + 1, origin + horizon + 1))
    unknown = sorted(set(sc.index) - set(fut))
    if unknown:
        raise SchemaError(f"scenario years {unknown[:5]} are outside the forecast years {fut[0]}–{fut[-1]}")
    target = np.array([np.log(sc[y]) if y in sc.index else np.nan for y in fut])
    rng = np.random.default_rng(seed)
    K, p = var.neqs, var.k_ar
    c = K - 1  # log_brent is the last variable
    S = np.asarray(var.sigma_u)
    o = list(range(c))
    B = S[np.ix_(o, [c])] / S[c, c]
    Lc = np.linalg.cholesky(S[np.ix_(o, o)] - B @ S[np.ix_([c], o)] + 1e-14 * np.eye(c))
    L = np.linalg.cholesky(S)
    hist = np.repeat(np.asarray(var.endog)[-p:][None], n_paths, axis=0)
    sims = np.empty((n_paths, horizon, K))
    for t in range(horizon):
        mean = np.broadcast_to(var.intercept, (n_paths, K)).copy()
        for lag in range(p):
            mean += hist[:, -1 - lag, :] @ var.coefs[lag].T
        if np.isnan(target[t]):
            draw = mean + rng.standard_normal((n_paths, K)) @ L.T
        else:
            e_c = target[t] - mean[:, c]
            e_o = e_c[:, None] * B.T + rng.standard_normal((n_paths, c)) @ Lc.T
            draw = mean + np.column_stack([e_o, e_c])
        sims[:, t] = draw
        hist = np.concatenate([hist[:, 1:], draw[:, None]], axis=1)
    paths = transforms.alr_inv(sims[..., :c], list(wide.columns), ref)
    info = {"reference": ref, "lags": p, "scenario": {int(k): float(v) for k, v in sc.items()}}
    return CompositionForecast(model="var+brent scenario", origin=origin, years=tuple(fut),
                               parts=tuple(wide.columns), paths=paths, seed=seed, info=info)


WORLD_CHOICE = "pooled"
"""The headline model: the pooled world model (:mod:`kzecon.forecast.pooled`), chosen on the world backtest's
training economies (lowest CRPS and Brier score of every model there, with 90% intervals that cover 90%; its
recalibrated twin ``pooled_cal`` scored worse there). Its scores on the held-out economies are in
``kzecon/data/reference/world_backtest_summary.csv`` (analyses/world_backtest.py) and BENCHMARKS.md. It answers
scenarios of the partners' growth and the oil price through the scenario layer (:mod:`kzecon.forecast.scenario`)."""
