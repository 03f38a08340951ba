"""The world backtest's scored records: realised shares, per-forecast records and event outcomes.

The realised compositions after an origin have the parts inactive at the origin merged into ``rest``, as the
forecasts do (:func:`_actual`). Each forecast gives one record per economy × horizon × active part (quantiles,
point forecast, CRPS: :func:`_records`) and the probabilities and outcomes of the events: 'A's share above B's'
for every pair of non-rest parts (:func:`pairwise_events`) and each part above the :data:`THRESHOLDS`
(:func:`_events`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .panel import Panel
from .simulate import point_forecast


def pairwise_events(parts: tuple) -> list[tuple[str, int, int]]:
    """'A's share above B's' for every ordered pair of non-rest parts (name, a, b).

    Parameters
    ----------
    parts : tuple of str
        The parts; ``rest`` takes part in no event.

    Returns
    -------
    list of tuple
        (``"<a>_above_<b>"``, index of a, index of b), a before b in ``parts``' order.

    Examples
    --------
    >>> from kzecon.forecast.world import pairwise_events
    >>> pairwise_events(("china", "russia", "eu", "rest"))
    [('china_above_russia', 0, 1), ('china_above_eu', 0, 2), ('russia_above_eu', 1, 2)]
    """
    idx = [(j, p) for j, p in enumerate(parts) if p != "rest"]
    return [(f"{pa}_above_{pb}", ja, jb) for ja, pa in idx for jb, pb in idx if ja < jb]


THRESHOLDS = (0.1, 0.2, 0.3)


def _actual(panel: Panel, act: np.ndarray, t: int, horizon: int) -> np.ndarray:
    """(E, H, P) realised shares after origin index t with the parts inactive at t merged into rest."""
    r = panel.parts.index("rest")
    Y = len(panel.years)
    out = np.full((len(panel.economies), horizon, len(panel.parts)), np.nan)
    for h in range(1, horizon + 1):
        if t + h >= Y:
            break
        s = panel.shares[:, t + h, :].copy()
        merged = np.nansum(np.where(act, 0.0, s), axis=1)
        s = np.where(act, np.nan_to_num(s), 0.0)
        s[:, r] = s[:, r] + merged
        s[np.isnan(panel.shares[:, t + h, r])] = np.nan
        out[:, h - 1] = s
    return out


def _origin_shares(panel: Panel, act: np.ndarray, t: int) -> np.ndarray:
    r = panel.parts.index("rest")
    s = panel.shares[:, t, :]
    merged = np.nansum(np.where(act, 0.0, s), axis=1)
    out = np.where(act, np.nan_to_num(s), 0.0)
    out[:, r] = out[:, r] + merged
    return out


def _records(model: str, origin: int, econ: np.ndarray, held: np.ndarray, parts: tuple, act: np.ndarray,
             paths: np.ndarray, actual: np.ndarray, last: np.ndarray, point: np.ndarray | None = None) -> pd.DataFrame:
    """Tidy records from share paths (E, n, H, P): one row per economy × horizon × active part with data.
    ``point`` (E, H, P): the model's own point forecast (default: :func:`point_forecast` of the paths)."""
    from ..scores import crps_ensemble

    q = np.quantile(paths, [0.05, 0.1, 0.5, 0.9, 0.95], axis=1)  # (5, E, H, P)
    point = point_forecast(paths, parts) if point is None else point
    mean = paths.mean(axis=1)
    obs = np.nan_to_num(actual)
    crps = crps_ensemble(obs, np.moveaxis(paths, 1, -1))
    E, H, P = actual.shape
    e, h, p = np.meshgrid(np.arange(E), np.arange(H), np.arange(P), indexing="ij")
    m = (~np.isnan(actual)) & act[:, None, :]
    e, h, p = e[m], h[m], p[m]
    return pd.DataFrame({"model": model, "origin": origin, "economy": econ[e], "held_out": held[e],
                         "horizon": h + 1, "year": origin + h + 1, "partner": np.asarray(parts)[p],
                         "actual": actual[e, h, p], "persistence": last[e, p], "mean": mean[e, h, p],
                         "point": point[e, h, p], "median": q[2][e, h, p], "lower_90": q[0][e, h, p],
                         "upper_90": q[4][e, h, p],
                         "lower_80": q[1][e, h, p], "upper_80": q[3][e, h, p], "crps": crps[e, h, p]})


def _events(model: str, origin: int, econ: np.ndarray, held: np.ndarray, parts: tuple, act: np.ndarray,
            prob_paths: np.ndarray, actual: np.ndarray, prob_map=None) -> pd.DataFrame:
    """Pairwise 'A above B' and threshold events for active parts: probability from the paths, outcome."""
    rows = []
    E, n, H, P = prob_paths.shape
    for name, a, b in pairwise_events(parts):
        ok = act[:, a] & act[:, b]
        prob = (prob_paths[..., a] > prob_paths[..., b]).mean(axis=1)  # (E, H)
        out = actual[..., a] > actual[..., b]
        rows.append(("pairwise", name, ok, prob, out, ~np.isnan(actual[..., a])))
    for j, part in enumerate(parts):
        if part == "rest":
            continue
        for thr in THRESHOLDS:
            prob = (prob_paths[..., j] > thr).mean(axis=1)
            rows.append(("threshold", f"{part}_above_{round(100 * thr)}pct", act[:, j], prob, actual[..., j] > thr,
                         ~np.isnan(actual[..., j])))
    frames = []
    for kind, name, ok, prob, out, have in rows:
        m = ok[:, None] & have
        e, h = np.nonzero(m)
        raw = prob[e, h]
        pr = prob_map(raw) if prob_map is not None else raw
        frames.append(pd.DataFrame({"model": model, "origin": origin, "economy": econ[e], "held_out": held[e],
                                    "horizon": h + 1, "kind": kind, "event": name, "probability": pr,
                                    "raw_probability": raw, "outcome": out[e, h].astype(int)}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
