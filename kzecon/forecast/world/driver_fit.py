"""The global model with drivers (``"drivers"``, recalibrated ``"drivers_cal"``).

The regression of :func:`kzecon.forecast.world.fit_global` plus two driver terms with coefficients learned across
economies, on the years every driver is known:

    … + g_k (GDP growth of part k − GDP growth of the rest of the world)_t + (β_k + b_ik) Δlog Brent_t

GDP is in current US dollars, as the trade values are (gravity's mass term), and g_k is held at zero or above.
b_ik is economy i's own oil exposure beyond the pooled β_k: its least-squares slope on its own residuals shrunk by
empirical Bayes (:func:`exposures`), drawn per path from its posterior. The innovation scales are multiplied by
the factor that would have made one-year 90% intervals cover 90% of the training economies' last years out of
sample (:func:`_quantile_factor`). After the origin the drivers are simulated from their own history
(:mod:`kzecon.forecast.drivers`), or fixed by a scenario, one driver path per composition path, so that their
uncertainty is in the intervals; no driver value after the origin is read.

Policy memberships (``policy_membership.csv``) are not drivers: before the backtest's last origin too few
economies join the customs union or sign Belt-and-Road documents to learn a pooled coefficient or to test one out
of sample. How the driver terms were chosen (each driver set to zero, one GDP coefficient for every part with
:data:`GDP_COMMON`) is measured in BENCHMARKS.md ("World backtest scores: the headline model with drivers").
"""

from __future__ import annotations

import numpy as np

from kzecon.errors import CoverageError

from .fit import GlobalParams, _rows, _scales, _shock_corr
from .panel import Panel

DRIVER_TERMS = ("gdp", "brent")


def driver_columns(hist, years: np.ndarray, parts: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The driver regressors in ``years``: each non-rest part's GDP growth less the rest of the world's (Y, K) and
    the change in log Brent (Y,), from a :class:`kzecon.forecast.drivers.DriverHistory` (NaN where unknown).

    Parameters
    ----------
    hist : kzecon.forecast.drivers.DriverHistory
        The drivers' history (:func:`kzecon.forecast.drivers.driver_history`).
    years : numpy.ndarray
        (Y,) the years wanted.
    parts : tuple of str
        The parts, canonical names (:data:`KNOWN_PARTS`); ``rest`` is left out of the GDP columns.

    Returns
    -------
    tuple of numpy.ndarray
        ((Y, K) relative GDP growth, in changes of logs of current-dollar GDP, K the non-rest parts in ``parts``'
        order; (Y,) the change in log Brent).

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.drivers import driver_history
    >>> from kzecon.forecast.world import driver_columns
    >>> gdp, brent = driver_columns(driver_history(), np.array([2008, 2009]), ("china", "russia", "eu", "rest"))
    >>> gdp.round(3), brent.round(3)
    (array([[ 0.161,  0.149,  0.005],
           [ 0.166, -0.245, -0.037]]), array([ 0.291, -0.451]))
    """
    from ..drivers import SERIES, relative_growth

    g = hist.at(years)
    return relative_growth(g, parts), g[:, SERIES.index("brent")]


Z90 = 1.6448536269514722  # the standard normal's 95% quantile
SCALE_TO_QUANTILE = True
GDP_COMMON = False  # one GDP coefficient for every part (else one per part)
DRIVER_MIN_YEARS = 4  # the driver model is learned from origins this many years after the drivers' first change
FIRST_DRIVER_ORIGIN = 1989 + DRIVER_MIN_YEARS + 1  # the first origin the driver model forecasts from (1994)
EXPOSURE_MIN = 8  # years of an economy's own history (with Brent known) before its own exposure is learned


def exposures(u: np.ndarray, x: np.ndarray, e: np.ndarray, k: np.ndarray, E: int, K: int, sigma: np.ndarray,
              tau2: np.ndarray | None = None, train: np.ndarray | None = None):
    """Each economy's own Brent coefficient beyond the pooled one, empirical Bayes: its least-squares slope b̂ of the
    residuals ``u`` on the Brent change ``x``, shrunk by τ²/(τ² + v) with v = σ²/Σx² its sampling variance and τ²
    the spread of the true slopes (method of moments over the ``train`` economies: mean(b̂² − v), at least 0).
    Returns ((E, K) exposures, (K,) τ², (E, K) posterior standard deviations √(λ v) — τ where an economy has too
    few years of its own).

    An economy's own slope is learned only with at least :data:`EXPOSURE_MIN` rows of its own (and a Brent change
    that varies); otherwise its exposure is 0 and its posterior s.d. is τ.

    Parameters
    ----------
    u : numpy.ndarray
        (n,) residuals of the pooled regression, one per row (economy × year × part).
    x : numpy.ndarray
        (n,) the change in log Brent of each row's year.
    e : numpy.ndarray
        (n,) integer economy index of each row, 0 … E − 1.
    k : numpy.ndarray
        (n,) integer part (log-ratio) index of each row, 0 … K − 1.
    E : int
        Number of economies.
    K : int
        Number of parts (log-ratios).
    sigma : numpy.ndarray
        (E, K) each economy's innovation scale (the residual standard deviation in v = σ² / Σx²).
    tau2 : numpy.ndarray or None, default None
        (K,) a known spread of the true slopes (a composition scored with the panel's τ²); None: estimated.
    train : numpy.ndarray or None, default None
        (E,) booleans: the economies τ² is estimated from (at least 10 with a slope of their own, else τ² = 0);
        None for all.

    Returns
    -------
    tuple of numpy.ndarray
        ((E, K) exposures λ b̂, (K,) τ², (E, K) posterior standard deviations).

    Examples
    --------
    Three economies with true Brent slopes 0, 0.1 and −0.1, shrunk with a known τ² = 0.01:

    >>> import numpy as np
    >>> from kzecon.forecast.world import exposures
    >>> rng = np.random.default_rng(0)
    >>> e = np.repeat(np.arange(3), 20)
    >>> x = rng.normal(0, 0.3, 60)
    >>> u = np.array([0.0, 0.1, -0.1])[e] * x + rng.normal(0, 0.05, 60)
    >>> expo, tau2, sd = exposures(u, x, e, np.zeros(60, int), 3, 1, np.full((3, 1), 0.05), tau2=np.array([0.01]))
    >>> expo.round(3).ravel(), sd.round(3).ravel()
    (array([ 0.048, -0.004, -0.121]), array([0.039, 0.047, 0.032]))
    """
    expo = np.zeros((E, K))
    sd = np.zeros((E, K))
    est_tau = tau2 is None
    tau2 = np.zeros(K) if tau2 is None else np.asarray(tau2, float)
    for kk in range(K):
        m = k == kk
        n = np.bincount(e[m], minlength=E)
        sxx = np.bincount(e[m], weights=x[m] ** 2, minlength=E)
        sxu = np.bincount(e[m], weights=x[m] * u[m], minlength=E)
        have = (n >= EXPOSURE_MIN) & (sxx > 1e-9)
        bhat = np.where(have, sxu / np.where(have, sxx, 1.0), 0.0)
        v = np.where(have, sigma[:, kk] ** 2 / np.where(have, sxx, 1.0), np.inf)
        if est_tau:
            sel = have & (train if train is not None else True)
            tau2[kk] = max(0.0, float(np.mean(bhat[sel] ** 2 - v[sel]))) if sel.sum() >= 10 else 0.0
        lam = np.where(have, tau2[kk] / (tau2[kk] + v), 0.0)
        expo[:, kk] = lam * bhat
        sd[:, kk] = np.sqrt(np.where(have, lam * np.where(have, v, 0.0), tau2[kk]))
    return expo, tau2, sd


def _with_drivers(X, y, k, e, ty, hist, years: np.ndarray, parts: tuple):
    """_design's rows extended by the driver columns (GDP growth less the rest of the world's, the change in log
    Brent: columns 4 and 5), keeping the rows whose target year has every driver known."""
    rel, brent = driver_columns(hist, years, parts)
    d_gdp, d_brent = rel[ty, k], brent[ty]
    have = ~np.isnan(d_gdp) & ~np.isnan(d_brent)
    return np.column_stack([X[have], d_gdp[have], d_brent[have]]), y[have], k[have], e[have], ty[have]


def _quantile_factor(resid, k, e, ty, size, panel, comps, t, E, K, tr, years: int = 3) -> float:
    """The factor that makes one-year 90% intervals cover 90% out of sample: for each of the last ``years`` target
    years, the training rows' residuals over the scales learned from the SCALE_YEARS years before that year; the
    90% quantile of their absolute ratio over the normal's (1 when there are fewer than 100 such rows)."""
    ratios = []
    for lag in range(years):
        tt = t - lag - 1  # the scales as known a year before the target year t − lag
        before = ty <= tt
        if before.sum() < 50:
            continue
        _, sc = _scales(resid[before], k[before], e[before], ty[before], size[before], panel.shares[:, tt, comps],
                        tt, E, K, tr[before])
        m = tr & (ty == t - lag)
        ratios.append(np.abs(resid[m]) / np.maximum(sc[e[m], k[m]], 1e-9))
    r = np.concatenate(ratios) if ratios else np.zeros(0)
    return float(np.quantile(r, 0.9) / Z90) if len(r) >= 100 else 1.0


def fit_drivers(panel: Panel, t: int, hist, *, train: np.ndarray | None = None) -> GlobalParams:
    """The global model with drivers, learned from the panel up to origin index ``t`` on the ``train`` economies:
    the regression of :func:`fit_global` plus each part's GDP growth less the rest of the world's and the change
    in log Brent (columns 4 and 5 of ``coef``), on the years every driver is known (1989 on) up to the origin; then
    each economy's own Brent exposure from its own residuals (:func:`exposures`, every economy — held-out ones
    included, as a user's composition is treated) and its own innovation scale, shrunk as in :func:`fit_global`.
    ``hist`` is a :class:`kzecon.forecast.drivers.DriverHistory`; nothing after ``panel.years[t]`` is read.

    Parameters
    ----------
    panel : Panel
        The world panel (:func:`world_panel`).
    t : int
        Origin index: the origin year is ``panel.years[t]`` (from :data:`FIRST_DRIVER_ORIGIN` for enough driver
        years).
    hist : kzecon.forecast.drivers.DriverHistory
        The drivers' history (:func:`kzecon.forecast.drivers.driver_history`); cut at the origin here.
    train : numpy.ndarray or None, default None
        (E,) booleans: the economies the coefficients, scales and τ² are learned from; None for all.

    Returns
    -------
    GlobalParams
        ``coef`` (K, 6) with the GDP (column 4, at zero or above) and Brent (column 5) terms, ``exposure``,
        ``exposure_sd``, ``tau2``, ``scale_factor``, ``drivers = ("gdp", "brent")``.

    Raises
    ------
    CoverageError
        If the training economies give fewer than 50 rows with every driver known up to the origin.

    Examples
    --------
    >>> from kzecon.forecast.drivers import driver_history
    >>> from kzecon.forecast.world import fit_drivers, world_panel
    >>> p = world_panel()
    >>> d = fit_drivers(p, 2010 - int(p.years[0]), driver_history())
    >>> d.coef.shape, d.drivers, bool(d.coef[:, 4].min() >= 0)
    ((4, 6), ('gdp', 'brent'), True)
    """
    hist = hist.upto(int(panel.years[t]))
    comps, E, K, train, *rows = _rows(panel, t, train)
    X, y, k, e, ty = _with_drivers(*rows, hist, panel.years[:t + 1], panel.parts)
    tr = train[e]
    if tr.sum() < 50:
        raise CoverageError(f"too little world history with known drivers before {panel.years[t]} to learn the "
                            "driver model")
    lo, hi = np.quantile(y[tr], [0.005, 0.995])
    yc = np.clip(y, lo, hi)
    X[:, 1] = np.clip(X[:, 1], lo, hi)
    size = panel.shares[e, ty - 1, np.asarray(comps)[k]]
    wts = np.maximum(np.nan_to_num(size) * (1 - np.nan_to_num(size)), 1e-3) ** 2
    coef = np.zeros((K, X.shape[1]))
    # the GDP coefficient is held at zero or above: in gravity a partner's trade rises with its size, and the pooled
    # regression's negative estimates for some parts (China's dollar GDP grew fastest in years its share stalled)
    # would make a scenario of faster growth lower the partner's share
    if GDP_COMMON:  # one GDP coefficient shared by the parts: the part-specific terms by part dummies
        Z = np.zeros((len(yc), K * 5 + 1))
        for kk in range(K):
            m = k == kk
            Z[m, kk * 5:(kk + 1) * 5] = X[m][:, [0, 1, 2, 3, 5]]
        Z[:, -1] = X[:, 4]
        sw = np.sqrt(wts[tr])
        beta = np.linalg.lstsq(Z[tr] * sw[:, None], yc[tr] * sw, rcond=None)[0]
        for kk in range(K):
            coef[kk, [0, 1, 2, 3, 5]] = beta[kk * 5:(kk + 1) * 5]
            coef[kk, 4] = beta[-1]
    else:
        for kk in range(K):
            m = (k == kk) & tr
            if m.sum() >= 20:
                sw = np.sqrt(wts[m])
                coef[kk] = np.linalg.lstsq(X[m] * sw[:, None], yc[m] * sw, rcond=None)[0]
                if coef[kk, 4] < 0:  # a partner's faster growth never lowers its share (gravity): refit without it
                    keep = [0, 1, 2, 3, 5]
                    coef[kk] = 0.0
                    coef[kk, keep] = np.linalg.lstsq(X[m][:, keep] * sw[:, None], yc[m] * sw, rcond=None)[0]
    resid = yc - np.einsum("nj,nj->n", X, coef[k])
    cur_size = panel.shares[:, t, comps]
    _, sigma = _scales(resid, k, e, ty, size, cur_size, t, E, K, tr)
    expo, tau2, expo_sd = exposures(resid, X[:, 5], e, k, E, K, sigma, train=train)
    resid = resid - expo[e, k] * X[:, 5]
    pooled, scale = _scales(resid, k, e, ty, size, cur_size, t, E, K, tr)
    # the scales set so that one-year 90% intervals would have covered 90% of the training rows of the last three
    # years, each year's residuals standardised by the scales learned from the years before it (out of sample: an
    # economy's scale from eight years is noisy, and the in-sample residuals it was learned from look too small)
    factor = _quantile_factor(resid, k, e, ty, size, panel, comps, t, E, K, tr) if SCALE_TO_QUANTILE else 1.0
    pooled, scale = pooled * factor, scale * factor
    corr = _shock_corr(resid[tr], scale, e[tr], k[tr], ty[tr], K)
    return GlobalParams(coef, pooled, scale, corr, int(tr.sum()), int(panel.years[t]), (float(lo), float(hi)),
                        exposure=expo, tau2=tau2, drivers=DRIVER_TERMS, parts=tuple(panel.parts),
                        scale_factor=factor, exposure_sd=expo_sd)
