"""Simulated paths of the world models and of the per-series baselines, and the point forecast of a composition.

The global model's paths are simulated for all economies at once (economies × paths × horizon × parts), on the
log-ratio scale (:func:`simulate_global`), and mapped to shares (:func:`to_shares`). The baselines are the random
walk, the random walk with drift and the mean of the last five years (:func:`simulate_rw`, the same code as the
per-series models of :mod:`kzecon.forecast.core`), and statsforecast's AutoETS on each log-ratio with its conformal
intervals (:func:`_statsforecast_paths`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kzecon.errors import SchemaError

from .fit import LAGS, GlobalParams


def simulate_global(params: GlobalParams, win: np.ndarray, ok: np.ndarray, *, horizon: int, n_paths: int,
                    rng: np.random.Generator, drivers=None) -> np.ndarray:
    """Paths of the log-ratios for every economy at once: (E, n_paths, horizon, K); NaN where not forecast.
    ``drivers`` (the driver model's): a :class:`kzecon.forecast.drivers.DriverPaths` of ``n_paths`` driver paths
    for the ``horizon`` years, one path of the drivers shared by every economy's path of the same index.

    Parameters
    ----------
    params : GlobalParams
        The model (:func:`fit_global` or :func:`fit_drivers`), its ``scale`` (and a driver model's ``exposure``,
        ``exposure_sd``) with one row per economy of ``win``.
    win : numpy.ndarray
        (E, LAGS + 1, K) each economy's last log-ratios to the origin (NaN read as 0: see ``ok``).
    ok : numpy.ndarray
        (E, K) booleans: the log-ratios forecast (others come out NaN).
    horizon : int
        Years ahead.
    n_paths : int
        Paths per economy.
    rng : numpy.random.Generator
        The random stream.
    drivers : kzecon.forecast.drivers.DriverPaths or None, default None
        Required by a driver model (``params.drivers`` non-empty); ignored otherwise.

    Returns
    -------
    numpy.ndarray
        (E, n_paths, horizon, K) log-ratio paths; map them to shares with :func:`to_shares`.

    Raises
    ------
    SchemaError
        If the model has drivers and ``drivers`` is None.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.world import _active, _logratios, _state, fit_global, simulate_global, world_panel
    >>> p = world_panel()
    >>> t = 2010 - int(p.years[0])
    >>> win, ok = _state(_logratios(p, _active(p, t)), t)
    >>> z = simulate_global(fit_global(p, t), win, ok, horizon=3, n_paths=200, rng=np.random.default_rng(0))
    >>> z.shape
    (218, 200, 3, 4)
    """
    E, L1, K = win.shape
    # one buffer of history then forecasts (time on the third axis): each step reads the last values it needs
    # (last change, mean change over five years = difference over five years / 5, level less its recent mean)
    buf = np.empty((E, n_paths, L1 + horizon, K))
    buf[:, :, :L1] = np.nan_to_num(win)[:, None]
    chol = np.linalg.cholesky(params.corr + 1e-10 * np.eye(K))
    lo, hi = params.clip
    c = params.coef
    if params.drivers:
        from ..drivers import SERIES, relative_growth

        if drivers is None:
            raise SchemaError("the driver model needs driver paths (kzecon.forecast.drivers.simulate_drivers)")
        parts = params.parts
        rel = relative_growth(drivers.growth, parts)  # (n, H, K)
        d_brent = drivers.growth[:, :, SERIES.index("brent")]
        expo = params.exposure if params.exposure is not None else np.zeros((E, K))
        # each path its own draw of the economy's exposure (its posterior spread: the exposure is an estimate)
        if params.exposure_sd is not None:
            expo = expo[:, None, :] + params.exposure_sd[:, None, :] * rng.standard_normal((E, n_paths, K))
        else:
            expo = np.broadcast_to(expo[:, None, :], (E, n_paths, K))
    for h in range(horizon):
        p = L1 + h
        last = buf[:, :, p - 1]
        x1 = np.clip(last - buf[:, :, p - 2], lo, hi)
        x2 = (last - buf[:, :, p - 6]) / 5.0
        x3 = last - buf[:, :, p - LAGS:p].mean(axis=2)
        mean = c[:, 0] + c[:, 1] * x1 + c[:, 2] * x2 + c[:, 3] * x3
        if params.drivers:
            mean = mean + c[:, 4] * rel[None, :, h, :] \
                + (c[:, 5][None, None, :] + expo) * d_brent[None, :, h, None]
        shock = (rng.standard_normal((E, n_paths, K)) @ chol.T) * params.scale[:, None, :]
        buf[:, :, p] = last + mean + shock
    out = buf[:, :, L1:].copy()
    out[np.broadcast_to(~ok[:, None, None, :], out.shape)] = np.nan
    return out


def to_shares(z: np.ndarray, ok: np.ndarray, parts: tuple) -> np.ndarray:
    """Log-ratio paths (E, n, H, K) → share paths (E, n, H, P) with inactive parts at 0 (merged into rest).

    Parameters
    ----------
    z : numpy.ndarray
        (E, n, H, K) log-ratios of the non-rest parts against rest.
    ok : numpy.ndarray
        (E, K) booleans: the active log-ratios; the others' shares are 0.
    parts : tuple of str
        The P = K + 1 parts, including ``rest`` (inserted at its place).

    Returns
    -------
    numpy.ndarray
        (E, n, H, P) shares, each path summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.world import to_shares
    >>> z = np.log(np.array([2.0, 1.0])).reshape(1, 1, 1, 2)
    >>> to_shares(z, np.ones((1, 2), bool), ("china", "russia", "rest")).ravel()
    array([0.5 , 0.25, 0.25])
    """
    r = parts.index("rest")
    ez = np.where(ok[:, None, None, :], np.exp(np.nan_to_num(z, nan=-np.inf)), 0.0)
    denom = 1.0 + ez.sum(axis=-1, keepdims=True)
    comps = ez / denom
    rest = 1.0 / denom
    return np.insert(comps, r, rest[..., 0], axis=-1)


def simulate_rw(win: np.ndarray, ok: np.ndarray, *, horizon: int, n_paths: int, rng, drift: bool = False,
                mean5: bool = False) -> np.ndarray:
    """The per-series baselines, vectorised: random walk (covariance of the economy's own changes over the last
    ten years, no drift), random walk with drift (mean change), mean of the last five years (level = that mean,
    spread of a random walk).

    The per-series models ``rw``, ``drift`` and ``mean5`` of :func:`kzecon.forecast.simulate` are this function.

    Parameters
    ----------
    win : numpy.ndarray
        (E, L + 1, K) each economy's last log-ratios (NaN read as 0): the covariance (and drift) come from their L
        changes.
    ok : numpy.ndarray
        (E, K) booleans: the log-ratios forecast (others come out NaN).
    horizon : int
        Years ahead.
    n_paths : int
        Paths per economy.
    rng : numpy.random.Generator
        The random stream.
    drift : bool, default False
        Random walk with drift: the mean change of the window added each year.
    mean5 : bool, default False
        Start from the mean of the last five log-ratios instead of the last one.

    Returns
    -------
    numpy.ndarray
        (E, n_paths, horizon, K) log-ratio paths.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.world import simulate_rw, to_shares
    >>> win = np.cumsum(np.random.default_rng(1).normal(0, 0.1, (1, 11, 2)), axis=1)
    >>> z = simulate_rw(win, np.ones((1, 2), bool), horizon=3, n_paths=200, rng=np.random.default_rng(0))
    >>> z.shape, to_shares(z, np.ones((1, 2), bool), ("china", "russia", "rest")).shape
    ((1, 200, 3, 2), (1, 200, 3, 3))
    """
    E, L1, K = win.shape
    dz = np.diff(np.nan_to_num(win), axis=1)  # (E, L, K): the window's changes (the world backtest: LAGS = 10)
    mu = dz.mean(axis=1) if drift else np.zeros((E, K))
    dev = dz - (dz.mean(axis=1, keepdims=True) if drift else 0.0)
    cov = np.einsum("elk,elj->ekj", dev, dev) / max(dz.shape[1] - (1 if drift else 0), 1)
    cov = cov + 1e-8 * np.eye(K)[None]
    ch = np.linalg.cholesky(cov)
    shocks = np.einsum("enhk,ejk->enhj", rng.standard_normal((E, n_paths, horizon, K)), ch)
    level = np.nan_to_num(win)[:, -5:].mean(axis=1) if mean5 else np.nan_to_num(win)[:, -1]
    paths = level[:, None, None, :] + mu[:, None, None, :] * np.arange(1, horizon + 1)[None, None, :, None] \
        + np.cumsum(shocks, axis=2)
    paths[np.broadcast_to(~ok[:, None, None, :], paths.shape)] = np.nan
    return paths


def point_forecast(paths: np.ndarray, parts: tuple) -> np.ndarray:
    """The point forecast of a composition: the shares at the median log-ratios of the paths (a closed
    composition; for a random walk, the last observed composition), (..., H, P) from paths (..., n, H, P).

    Parameters
    ----------
    paths : numpy.ndarray
        (..., n, H, P) share paths (the paths' axis third from last).
    parts : tuple of str
        The P parts, including ``rest``.

    Returns
    -------
    numpy.ndarray
        (..., H, P) shares summing to one; a part that is zero on every path stays zero.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.world import point_forecast
    >>> paths = np.array([[0.2, 0.3, 0.5], [0.3, 0.2, 0.5]]).reshape(2, 1, 3)
    >>> point_forecast(paths, ("china", "russia", "rest")).round(3)
    array([[0.247, 0.247, 0.505]])
    """
    r = parts.index("rest")
    logs = np.log(np.maximum(paths, 1e-300))
    zmed = np.median(logs - logs[..., [r]], axis=-3)
    ez = np.exp(zmed)
    ez = np.where(np.all(paths == 0, axis=-3), 0.0, ez)  # inactive (merged) parts stay at zero
    return ez / ez.sum(axis=-1, keepdims=True)


def _statsforecast_paths(z: np.ndarray, ok: np.ndarray, *, horizon: int, n_paths: int, rng) -> np.ndarray:
    """statsforecast's AutoETS on each log-ratio series (its whole history to the origin) with conformal 80/90%
    intervals; paths drawn as independent normals matching each forecast's median and 90% interval (the library
    gives intervals, not joint paths): (E, n, H, K)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, Naive
    from statsforecast.utils import ConformalIntervals

    E, T, K = z.shape
    rows = []
    for e in range(E):
        for k in range(K):
            if not ok[e, k]:
                continue
            s = z[e, :, k]
            good = ~np.isnan(s)
            first = int(np.argmax(good))
            s = s[first:]
            if np.isnan(s).any() or len(s) < 12:
                s = s[-11:] if not np.isnan(s[-11:]).any() else None
            if s is None:
                continue
            rows.append(pd.DataFrame({"unique_id": f"{e}_{k}", "ds": np.arange(len(s)), "y": s}))
    out = np.full((E, n_paths, horizon, K), np.nan)
    if not rows:
        return out
    df = pd.concat(rows, ignore_index=True)
    # a series AutoETS cannot take (statsforecast fails on some flat conformal windows) gets the naive forecast
    sf = StatsForecast(models=[AutoETS(season_length=1, model="ZZN")], freq=1, n_jobs=1,
                       fallback_model=Naive(alias="AutoETS"))
    # statsforecast divides by zero inside AutoETS's fit on flat windows (numpy warns; its fallback handles them): a
    # library-internal message a user cannot act on, so it is silenced here and only here
    with np.errstate(divide="ignore", invalid="ignore"):
        fc = sf.forecast(df=df, h=horizon, level=[90],
                         prediction_intervals=ConformalIntervals(h=horizon, n_windows=2))
    fc = fc.reset_index() if "unique_id" not in fc.columns else fc
    fc["step"] = fc.groupby("unique_id").cumcount()
    ids = fc["unique_id"].str.split("_", expand=True).astype(int)
    mid = fc["AutoETS"].to_numpy()
    sd = np.maximum((fc["AutoETS-hi-90"] - fc["AutoETS-lo-90"]).to_numpy() / (2 * 1.6448536), 1e-6)
    draws = mid[:, None] + sd[:, None] * rng.standard_normal((len(fc), n_paths))
    out[ids[0].to_numpy(), :, fc["step"].to_numpy(), ids[1].to_numpy()] = draws
    for e in range(E):  # series statsforecast could not take: a random walk on the last step's spread
        miss = ok[e] & np.isnan(out[e, 0, 0])
        if miss.any():
            out[e][:, :, miss] = np.nan_to_num(z[e, -1, miss])
    return out
