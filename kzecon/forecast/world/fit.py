"""The global model of partner compositions (``"world"``): one regression pooled across every economy and year.

For each non-rest part k (alr log-ratio z = log(s_k / s_rest)), pooled across every economy and year up to the
origin T and weighted by (s(1 − s))², the share-scale weight of a log-ratio error:

    Δz_t = a_k + b_k Δz_{t−1} + c_k · mean(Δz_{t−5…t−1}) + d_k (z_{t−1} − mean(z_{t−10…t−1})) + ε_t

a world drift, momentum, the economy's own recent drift and mean reversion towards its recent level, each learned
from thousands of economy-years instead of one economy's few decades. The innovation scale of economy i and part k,
from its residuals over the last :data:`SCALE_YEARS` years, is shrunk towards the pooled scale of shares of its size
over those years (empirical Bayes: σ²ᵢₖ = (nᵢ s²ᵢₖ + ν σ²_pool) / (nᵢ + ν), ν = :data:`SHRINK_NU`), and shocks are
correlated across parts with the pooled correlation of the standardised residuals. The regression rows and the
scales are shared with the driver model (:mod:`kzecon.forecast.world.driver_fit`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError

from .panel import Panel, _active, _logratios

LAGS = 10  # years of history the regressors need
SHRINK_NU = 2.0  # prior weight (years) of the pooled innovation scale
SCALE_YEARS = 8  # the pooled and own innovation scales come from the last this many years
WEIGHTED = True
DYNAMICS = True
SIZE_BINS = np.array([0.0, 0.02, 0.05, 0.1, 0.2, 1.0])  # share size classes for the pooled scale


def _design(z: np.ndarray, t_hi: int):
    """Regression rows for target years LAGS+1 … t_hi: X (n, 4), y (n,), component (n,), economy (n,), target year
    index (n,)."""
    E, Y, K = z.shape
    Xs, ys, ks, es, ts = [], [], [], [], []
    for t in range(LAGS + 1, t_hi + 1):
        win = z[:, t - LAGS - 1:t + 1, :]  # t−11 … t
        ok = ~np.isnan(win).any(axis=1)  # (E, K)
        if not ok.any():
            continue
        dz = np.diff(win, axis=1)  # Δz for t−10 … t
        x = np.stack([np.ones((E, K)), dz[:, -2], dz[:, -6:-1].mean(axis=1),
                      win[:, -2] - win[:, -11:-1].mean(axis=1)], axis=-1)
        e_idx, k_idx = np.nonzero(ok)
        Xs.append(x[e_idx, k_idx])
        ys.append(dz[e_idx, -1, k_idx])
        ks.append(k_idx)
        es.append(e_idx)
        ts.append(np.full(len(e_idx), t))
    if not Xs:
        return np.zeros((0, 4)), np.zeros(0), np.zeros(0, int), np.zeros(0, int), np.zeros(0, int)
    return tuple(np.concatenate(a) for a in (Xs, ys, ks, es, ts))


def _state(z: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Regressor history at origin index t: the last LAGS+1 log-ratios (E, LAGS+1, K) and which (E, K) have it."""
    win = z[:, t - LAGS:t + 1, :]
    return win, ~np.isnan(win).any(axis=1)


def _size_class(share: np.ndarray) -> np.ndarray:
    return np.clip(np.searchsorted(SIZE_BINS, np.nan_to_num(share), side="right") - 1, 0, len(SIZE_BINS) - 2)


@dataclass
class GlobalParams:
    """The global model learned up to one origin: coefficients per component (K, 4), pooled innovation scale
    by component and share-size class (K, bins), per-economy scales (E, K), the pooled shock correlation (K, K).

    K is the number of non-rest parts (the log-ratios against rest), E the panel's economies. Mutable: a forecast
    replaces ``scale`` (and the driver model's ``exposure``, ``exposure_sd``) by the rows of the economies it
    simulates.

    Attributes
    ----------
    coef : numpy.ndarray
        (K, 4) intercept, momentum, own five-year drift and mean reversion of each log-ratio's change; the driver
        model adds columns 4 (GDP growth less the rest of the world's) and 5 (change in log Brent): (K, 6).
    pooled_scale : numpy.ndarray
        (K, bins) the pooled innovation scale by share-size class (:data:`SIZE_BINS`).
    scale : numpy.ndarray
        (E, K) each economy's innovation scale, shrunk towards the pooled scale (:data:`SHRINK_NU`).
    corr : numpy.ndarray
        (K, K) the pooled correlation of the standardised shocks (positive definite).
    nobs : int
        Regression rows (economy × year × part) the coefficients were learned from.
    origin_year : int
        The last year read.
    clip : tuple of float
        (low, high): the 0.5% and 99.5% quantiles the changes were winsorised at (the momentum term is clipped to
        them when simulating).
    exposure : numpy.ndarray or None, default None
        Driver model: (E, K) each economy's own Brent coefficient beyond the pooled one (:func:`exposures`).
    tau2 : numpy.ndarray or None, default None
        Driver model: (K,) the spread of the economies' true Brent coefficients.
    drivers : tuple of str, default ()
        The driver terms in ``coef``'s columns 4…: ``("gdp", "brent")`` for the driver model, empty otherwise.
    parts : tuple of str, default ()
        The panel's parts (the driver model maps the GDP series to them).
    scale_factor : float, default 1.0
        The quantile factor the driver model's scales were multiplied by.
    exposure_sd : numpy.ndarray or None, default None
        Driver model: (E, K) posterior standard deviation of each economy's own exposure (drawn per path).

    See Also
    --------
    fit_global, fit_drivers : Which learn it.

    Examples
    --------
    >>> from kzecon.forecast.world import fit_global, world_panel
    >>> p = world_panel()
    >>> g = fit_global(p, 2010 - int(p.years[0]))
    >>> g.coef.shape, g.scale.shape, g.corr.shape, g.origin_year
    ((4, 4), (218, 4), (4, 4), 2010)
    """

    coef: np.ndarray
    pooled_scale: np.ndarray
    scale: np.ndarray
    corr: np.ndarray
    nobs: int
    origin_year: int
    clip: tuple
    exposure: np.ndarray | None = None  # (E, K) each economy's own Brent coefficient less the pooled one (drivers)
    tau2: np.ndarray | None = None  # (K,) spread of the economies' own Brent coefficients (drivers)
    drivers: tuple = ()  # the driver terms in coef's columns 4…: ("gdp", "brent") for the driver model
    parts: tuple = ()  # the panel's parts (the driver model maps GDP series to them)
    scale_factor: float = 1.0  # the quantile factor applied to the scales (driver model)
    exposure_sd: np.ndarray | None = None  # (E, K) posterior s.d. of each economy's own exposure (drawn per path)


def _rows(panel: Panel, t: int, train: np.ndarray | None):
    """The regression rows up to origin index ``t``: components, E, K, the training mask and _design's arrays."""
    z = _logratios(panel, _active(panel, t))[:, :t + 1]
    comps = [j for j, p in enumerate(panel.parts) if p != "rest"]
    E, K = len(panel.economies), len(comps)
    train = np.ones(E, bool) if train is None else np.asarray(train, bool)
    return (comps, E, K, train, *_design(z, t))


def fit_global(panel: Panel, t: int, *, train: np.ndarray | None = None) -> GlobalParams:
    """Learn the global model from the panel up to origin index ``t`` (years[t]) on the ``train`` economies.

    Weighted least squares per part, on the regression rows of every economy and year up to ``years[t]`` (the
    module's docstring gives the equation); the innovation scales of every economy (training or not) from its own
    residuals. Nothing after ``years[t]`` is read.

    Parameters
    ----------
    panel : Panel
        The world panel (:func:`world_panel`).
    t : int
        Origin index: the origin year is ``panel.years[t]``.
    train : numpy.ndarray or None, default None
        (E,) booleans: the economies the coefficients and the pooled scales are learned from; None for all.

    Returns
    -------
    GlobalParams

    Raises
    ------
    CoverageError
        If the training economies give fewer than 50 regression rows up to the origin (each row needs
        :data:`LAGS` + 1 years of history).

    Examples
    --------
    >>> from kzecon.forecast.world import fit_global, world_panel
    >>> p = world_panel()
    >>> g = fit_global(p, 2010 - int(p.years[0]))
    >>> g.nobs, g.coef[0].round(3)
    (18025, array([ 0.058, -0.202, -0.128, -0.025]))
    """
    comps, E, K, train, X, y, k, e, ty = _rows(panel, t, train)
    keep = train[e]
    X, y, k, e, ty = X[keep], y[keep], k[keep], e[keep], ty[keep]
    if len(y) < 50:
        raise CoverageError(f"too little world history before {panel.years[t]} to learn the global model")
    lo, hi = np.quantile(y, [0.005, 0.995])  # winsorised: a handful of near-zero shares jump by factors of 100
    yc = np.clip(y, lo, hi)
    Xc = X.copy()
    Xc[:, 1] = np.clip(Xc[:, 1], lo, hi)
    size = panel.shares[e, ty - 1, np.asarray(comps)[k]]
    # weighted least squares: a log-ratio error moves the share by about s(1 − s) times as much, so rows are
    # weighted by (s(1 − s))² — the fit targets the share scale the forecasts are judged on, not tiny shares
    wts = np.maximum(np.nan_to_num(size) * (1 - np.nan_to_num(size)), 1e-3) ** 2 if WEIGHTED else np.ones(len(yc))
    coef = np.zeros((K, 4))
    resid = np.zeros_like(yc)
    for kk in range(K):
        m = k == kk
        if m.sum() >= 20:
            sw = np.sqrt(wts[m])
            coef[kk] = np.linalg.lstsq(Xc[m] * sw[:, None], yc[m] * sw, rcond=None)[0]
        if not DYNAMICS:
            coef[kk] = 0.0
        resid[m] = yc[m] - Xc[m] @ coef[kk]
    # pooled scale by the part's share size the year before (small shares move more in log-ratio terms), from
    # the last SCALE_YEARS years only (volatility has fallen since the 1960s–80s); each economy's own recent scale
    # shrunk towards the pooled scale of its current size
    pooled, scale = _scales(resid, k, e, ty, size, panel.shares[:, t, comps], t, E, K, np.ones(len(y), bool))
    corr = _shock_corr(resid, scale, e, k, ty, K)
    return GlobalParams(coef, pooled, scale, corr, int(len(y)), int(panel.years[t]), (float(lo), float(hi)))


def _scales(resid, k, e, ty, size_prev, cur_size, t, E, K, train_rows):
    """Pooled scale by component and share-size class (training rows, last SCALE_YEARS years) and each economy's own
    scale over those years shrunk towards the pooled scale of its current size (all economies' own residuals)."""
    b = _size_class(size_prev)
    nb = len(SIZE_BINS) - 1
    pooled = np.zeros((K, nb))
    window = ty > t - SCALE_YEARS
    for kk in range(K):
        mk = (k == kk) & window & train_rows
        fill = np.sqrt(np.mean(resid[mk] ** 2)) if mk.any() else 0.3
        for bb in range(nb):
            m = mk & (b == bb)
            pooled[kk, bb] = np.sqrt(np.mean(resid[m] ** 2)) if m.sum() >= 10 else fill
    cur = _size_class(cur_size)
    scale = np.zeros((E, K))
    for kk in range(K):
        prior = pooled[kk, cur[:, kk]] ** 2
        mk = (k == kk) & window
        n = np.bincount(e[mk], minlength=E).astype(float)
        ss = np.bincount(e[mk], weights=resid[mk] ** 2, minlength=E)
        scale[:, kk] = np.sqrt((ss + SHRINK_NU * prior) / (n + SHRINK_NU))
    return pooled, scale


def _shock_corr(resid, scale, e, k, ty, K):
    """Pooled correlation of the standardised residuals across components within economy-years (positive
    definite)."""
    corr = np.eye(K)
    if K > 1:
        std = resid / np.maximum(scale[e, k], 1e-6)
        wide = pd.DataFrame({"key": e * 10_000 + ty, "k": k, "s": std}).pivot_table(index="key", columns="k",
                                                                                   values="s")
        if wide.shape[1] == K and len(wide) > 20:
            c = wide.corr(min_periods=20).to_numpy()
            c = np.where(np.isnan(c), np.eye(K), c)
            w, v = np.linalg.eigh((c + c.T) / 2)
            c = (v * np.maximum(w, 1e-6)) @ v.T
            d = np.sqrt(np.diag(c))
            corr = c / np.outer(d, d)
    return corr
