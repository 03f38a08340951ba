"""Recalibration of the world models (``"world_cal"``, ``"drivers_cal"``, ``"pooled_cal"``), learned without
look-ahead.

A model's intervals are widened or narrowed by horizon so that, on its earlier forecasts of the last
:data:`CAL_WINDOW` years whose outcome is known by the origin (o + h ≤ T), they would have covered their level
(split conformal on the share scale, :func:`_conformal`, applied by :func:`_recalibrate_paths`); event
probabilities are mapped through a beta calibration fitted on those earlier events (:func:`_probability_map`).
The recalibration learned at each origin of the world backtest is stored in
``kzecon/data/reference/world_calibration.csv`` (:data:`CALIBRATION_FILE`, written by analyses/world_backtest.py
from :func:`calibration_table`) and read back for a forecast by :func:`stored_calibration`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .backtest import WorldBacktest

CAL_WINDOW = 8  # recalibration learns from forecasts made in the last this many years before the origin


def _conformal(records: pd.DataFrame, origin: int, levels=(0.8, 0.9), min_n: int = 200) -> dict:
    """Interval factors by (horizon, level) from the world model's earlier forecasts known by ``origin`` on the
    training economies: the factor that scales each interval's half-widths (above and below the median) so that
    the ``level`` share of those forecasts would have been covered (split conformal, finite-sample quantile)."""
    known = records[(records["origin"] + records["horizon"] <= origin) & ~records["held_out"]
                    & (records["origin"] > origin - CAL_WINDOW)]
    out = {}
    for h, g in known.groupby("horizon"):
        for lv in levels:
            tag = round(100 * lv)
            up = np.maximum(g[f"upper_{tag}"] - g["median"], 1e-9)
            dn = np.maximum(g["median"] - g[f"lower_{tag}"], 1e-9)
            s = np.where(g["actual"] > g["median"], (g["actual"] - g["median"]) / up,
                         (g["median"] - g["actual"]) / dn)
            n = len(s)
            if n >= min_n:
                out[(int(h), lv)] = float(np.quantile(s, min(1.0, np.ceil((n + 1) * lv) / n)))
    return out


def _probability_map(events: pd.DataFrame, origin: int, min_n: int = 500):
    """A continuous, strictly increasing map of probabilities (beta calibration, :mod:`kzecon.forecast.calibration`)
    fitted on earlier events known by ``origin`` on the training economies (their probabilities before any map,
    ``raw_probability``): the recalibrated model's own, so that the map applies to the paths a forecast gives."""
    from ..calibration import fit_beta

    known = events[(events["origin"] + events["horizon"] <= origin) & ~events["held_out"]
                   & (events["origin"] > origin - CAL_WINDOW)]
    if len(known) < min_n:
        return None
    return fit_beta(known["raw_probability"].to_numpy(), known["outcome"].to_numpy())


CALIBRATED = ("world", "drivers", "pooled")  # the raw models whose "_cal" twins are recalibrated
BETA_KINDS = ("beta_a", "beta_b", "beta_c")


def calibration_table(bt: WorldBacktest, origins=range(1990, 2021)) -> pd.DataFrame:
    """The recalibration the ``_cal`` models apply at each origin, as the table :data:`CALIBRATION_FILE` stores:
    model, the interval factors (kind ``interval``: horizon, level, value) and the beta calibration of event
    probabilities (kinds ``beta_a``, ``beta_b``, ``beta_c``: its parameters; ``x`` the number of events learned from),
    each learned only from the raw model's forecasts whose outcomes were known by that origin.

    Parameters
    ----------
    bt : WorldBacktest
        A world backtest with the raw models (``world``, ``drivers``, ``pooled``: their records give the interval
        factors) and their ``_cal`` twins (their events give the probability maps); a base model without records is
        skipped.
    origins : iterable of int, default range(1990, 2021)
        The origins at which the recalibration is learned. A factor needs 200 earlier forecasts at its horizon and
        level, a map 500 earlier events, from the :data:`CAL_WINDOW` years before the origin.

    Returns
    -------
    pandas.DataFrame
        ``model, origin, kind, horizon, level, x, value``: one row per interval factor (kind ``interval``) and per
        beta-calibration parameter (kinds :data:`BETA_KINDS`); empty when nothing could be learned.

    See Also
    --------
    stored_calibration : The stored table read back for a forecast.

    Examples
    --------
    >>> from kzecon.forecast.world import calibration_table, world_backtest
    >>> bt = world_backtest(origins=range(2007, 2011), horizon=1, n_paths=100, models=("world", "world_cal"),
    ...                     statsforecast=False)
    >>> calibration_table(bt, origins=[2010])[["model", "origin", "kind", "horizon", "level"]]
           model  origin      kind  horizon  level
    0  world_cal    2010  interval      1.0    0.8
    1  world_cal    2010  interval      1.0    0.9
    2  world_cal    2010    beta_a      NaN    NaN
    3  world_cal    2010    beta_b      NaN    NaN
    4  world_cal    2010    beta_c      NaN    NaN
    """
    rows = []
    for base in CALIBRATED:
        rec = bt.records[bt.records["model"] == base]
        ev = bt.events[bt.events["model"] == f"{base}_cal"]  # the map applies to the recalibrated paths' probabilities
        if rec.empty:
            continue
        for o in origins:
            for (h, lv), c in sorted(_conformal(rec, o).items()):
                rows.append({"model": f"{base}_cal", "origin": o, "kind": "interval", "horizon": h, "level": lv,
                             "x": np.nan, "value": c})
            pmap = _probability_map(ev, o) if not ev.empty else None
            if pmap is not None:
                for kind, v in zip(BETA_KINDS, (pmap.a, pmap.b, pmap.c), strict=True):
                    rows.append({"model": f"{base}_cal", "origin": o, "kind": kind, "horizon": np.nan,
                                 "level": np.nan, "x": float(pmap.n), "value": float(v)})
    return pd.DataFrame(rows)


def _recalibrate_paths(paths: np.ndarray, factors: dict, level: float = 0.9) -> np.ndarray:
    """Scale each path's deviation from the median by the horizon's conformal factor (the 90% one); every path
    stays a composition (clipped at zero, divided by its sum, which moves it by less than the rounding of a
    share: the deviations from the medians sum to about zero)."""
    if not factors:
        return paths
    med = np.median(paths, axis=1, keepdims=True)
    out = paths.copy()
    for h in range(paths.shape[2]):
        c = factors.get((h + 1, level))
        if c is not None:
            out[:, :, h] = med[:, :, h] + c * (paths[:, :, h] - med[:, :, h])
    out = np.clip(out, 0.0, None)
    total = out.sum(axis=-1, keepdims=True)
    return np.divide(out, total, out=np.zeros_like(out), where=total > 0)


CALIBRATION_FILE = "world_calibration.csv"


def stored_calibration(origin: int, *, model: str = "world_cal"):
    """The recalibration of ``model`` (a ``_cal`` model) the world backtest learned by ``origin`` (or by the latest
    origin it covers): ({(horizon, level): factor}, probability map or None, the origin used). Read from
    ``kzecon/data/reference/world_calibration.csv`` (written by analyses/world_backtest.py).

    Parameters
    ----------
    origin : int
        The forecast's origin year; the stored origins' latest at or before it is used (the latest stored when it
        is later).
    model : str, default "world_cal"
        A ``_cal`` model: ``world_cal``, ``drivers_cal`` or ``pooled_cal``.

    Returns
    -------
    tuple
        ({(horizon, level): factor}, :class:`kzecon.forecast.calibration.BetaCalibration` or None, origin used);
        ``({}, None, None)`` when the file, the model or an origin that early is missing.

    Examples
    --------
    >>> from kzecon.forecast.world import stored_calibration
    >>> factors, prob_map, used = stored_calibration(2015, model="pooled_cal")
    >>> used, round(factors[(1, 0.9)], 3), round(float(prob_map(0.5)), 3)
    (2015, 0.993, 0.442)
    """
    from kzecon.data import read_reference

    from ..calibration import BetaCalibration

    try:
        cal = read_reference(CALIBRATION_FILE)
    except FileNotFoundError:
        return {}, None, None
    cal = cal[cal["model"] == model]
    if cal.empty:
        return {}, None, None
    o = int(min(origin, cal["origin"].max()))
    if o < cal["origin"].min():
        return {}, None, None
    c = cal[cal["origin"] == o]
    factors = {(int(r.horizon), float(r.level)): float(r.value) for r in c[c["kind"] == "interval"].itertuples()}
    beta = c[c["kind"].isin(BETA_KINDS)].set_index("kind")
    prob_map = None
    if len(beta) == len(BETA_KINDS):
        prob_map = BetaCalibration(a=float(beta.at["beta_a", "value"]), b=float(beta.at["beta_b", "value"]),
                                   c=float(beta.at["beta_c", "value"]), n=int(beta.at["beta_a", "x"]))
    return factors, prob_map, o
