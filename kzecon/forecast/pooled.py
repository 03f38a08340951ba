"""The pooled direct model of partner compositions: the headline dependence-risk forecaster.

**Point forecasts** — for each part k of a composition and each horizon h = 1 … :data:`MAX_DIRECT`, one median
(least absolute deviations) regression of the h-year change in the share, pooled across every economy's history
in the IMF DOTS compositions (the world panel, :func:`kzecon.forecast.world.world_panel`) on origins T up to the
forecast origin less h (the outcomes known by then), over the last :data:`WINDOW` such origins:

    s_k(T+h) − s_k(T) = β₁ · s_k(T) g_k(T) + β₂ · Δs̄_k(T) + β₃ · (mean(s_k(T−2…T)) − s_k(T)) + β₄ · (s_k(T) − s_k(T−5))

- ``world_drift`` s_k g_k: g_k is the median across economies of the yearly change in the log of part k's share
  over the last :data:`DRIFT_YEARS` years (China's share has grown everywhere since the 1990s: a partner's rise across
  the world carries each economy's share with it, in proportion to its size there);
- ``world_shift`` Δs̄_k: the yearly change of the cross-economy mean share over those years (the same rise in
  share points);
- ``smooth``: the last three years' mean less the last value (a year's noise partly reverts);
- ``trend``: the economy's own change over five years (its coefficient is learned: own trends do not persist).

No intercept: a part's change is zero where the world and the economy are still. Median regression because the
forecasts are judged by their absolute error and a handful of small economies' shares jump by factors. The forecasts
of the parts are clipped at zero and closed (divided by their sum). Beyond :data:`MAX_DIRECT` years the point
forecast stays at the :data:`MAX_DIRECT`-year one. Every coefficient is learned from data up to the origin only.

**Uncertainty** — each economy's own scale σ_k (the root mean square of its last ten one-year changes of the part,
shrunk towards the pooled scale of shares of its size, empirical Bayes with prior weight :data:`SHRINK_NU` years)
times sums of one-year errors drawn jointly across parts (whole vectors) from the pooled one-year errors of the
training economies over the last :data:`POOL_YEARS` origins, standardised by their own scales. The horizon's
spread then comes from the data: ``horizon_factor`` scales the cumulated draws at each horizon so that the 90%
intervals cover 90% of the training economies' h-year errors up to the origin (in-sample direct residuals, split at
the median as the intervals are). ``pooled_cal`` (the headline) recalibrates intervals and event probabilities on
the world backtest's earlier out-of-sample forecasts (:mod:`kzecon.forecast.world`).

The choice of this model and its terms was made on the world backtest's training economies only (origins 2000–2015,
the held-out economies never used to learn or choose anything): the economy's own trend extrapolated, convergence
towards the cross-economy mean, the economy's own exponential smoothing and a per-part selection chosen afresh at
each origin were each no better there.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from kzecon.errors import CoverageError, EstimationError

FEATURES = ("world_drift", "world_shift", "smooth", "trend")
WINDOW = 40  # origins of training rows per horizon
DRIFT_YEARS = 5  # the world drift and shift are measured over this many years to the origin
HIST = 11  # years of an economy's history the features read (the origin and ten before: the scale's ten changes)
MAX_DIRECT = 5  # horizons with their own regression and spread factor; later years keep the last point forecast,
# their spread growing in proportion to the horizon
FACTOR_YEARS = 15  # the horizon factors learn from the h-year errors of origins this recent
POOL_YEARS = 15  # origins whose one-year errors make the pool of joint shocks
SHRINK_NU = 2.0  # prior weight (years) of the pooled scale
MIN_ROWS = 50  # a part with fewer training rows keeps its last share (no change expected)
SIZE_BINS = np.array([0.0, 0.02, 0.05, 0.1, 0.2, 1.0])
LEVELS = (0.8, 0.9)
RAKE_ROUNDS = 8  # rounds of raking the paths' mean to the point forecast


def lad(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least absolute deviations coefficients of ``y`` on ``X`` (no intercept added), exact: the median regression's
    linear programme in its dual form (Koenker 2005, §6.2), max y'a subject to X'a = X'1 / 2 and 0 ≤ a ≤ 1, solved by
    HiGHS's dual simplex (``highspy``, the solver's own Python interface); the coefficients are the multipliers of its
    k equality constraints. The optimum is a vertex: the fit passes through k rows exactly.

    statsmodels' ``QuantReg`` (iteratively reweighted least squares) reaches the same optimum only to its tolerance
    and is three to four times slower on the pooled model's designs (≈4,000 rows × 4); :func:`scipy.optimize.linprog`
    runs the same HiGHS but its wrapper spends more time in Python than the solver does on these programmes (a loop
    over the n columns' basis statuses: 8.6 against 2.4 ms a call). The tests compare with the primal programme
    (scipy) and with QuantReg.

    Parameters
    ----------
    X : numpy.ndarray
        (n, k) regressors (add a column of ones for an intercept).
    y : numpy.ndarray
        (n,) outcome.

    Returns
    -------
    numpy.ndarray
        (k,) coefficients. Where ``X`` has rank below k the optimum is not unique and one of the optimal vertices is
        returned.

    Raises
    ------
    EstimationError
        If HiGHS does not report an optimum (the programme is always feasible, a = 1/2, and bounded).

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.pooled import lad
    >>> X = np.column_stack([np.ones(5), np.arange(5.0)])
    >>> lad(X, np.array([0.0, 1.0, 2.0, 3.0, 10.0])).round(3)
    array([0., 1.])
    """
    import highspy

    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, k = X.shape
    h = highspy._Highs()  # the compiled solver without the Python wrapper's callbacks (and its banner on stdout)
    for option, value in _HIGHS_OPTIONS.items():
        h.setOptionValue(option, value)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, k
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = -y, np.zeros(n), np.ones(n)
    lp.row_lower_ = lp.row_upper_ = 0.5 * X.sum(axis=0)
    a = lp.a_matrix_
    a.format_, a.num_col_, a.num_row_ = highspy.MatrixFormat.kColwise, n, k
    a.start_, a.index_, a.value_ = np.arange(0, n * k + 1, k), np.tile(np.arange(k), n), X.ravel()
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise EstimationError(f"median regression ({n} rows, {k} regressors): HiGHS stopped without an optimum "
                              f"({h.modelStatusToString(status)})")
    return -np.asarray(h.getSolution().row_dual, dtype=float) + 0.0


# presolve off: on these small dense programmes it costs more than it saves; the dual simplex (strategy 1)
_HIGHS_OPTIONS = {"output_flag": False, "presolve": "off", "solver": "simplex", "simplex_strategy": 1, "threads": 1}


def size_class(share: np.ndarray) -> np.ndarray:
    """Share size class (SIZE_BINS) of each share: the pooled scale is by size.

    Parameters
    ----------
    share : numpy.ndarray
        Shares (NaN read as 0).

    Returns
    -------
    numpy.ndarray
        Integer classes 0–4: below 2%, 2–5%, 5–10%, 10–20%, 20% and above.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.pooled import size_class
    >>> size_class(np.array([0.01, 0.03, 0.15, 0.5, np.nan]))
    array([0, 1, 3, 4, 0])
    """
    return np.clip(np.searchsorted(SIZE_BINS, np.nan_to_num(share), side="right") - 1, 0, len(SIZE_BINS) - 2)


# --------------------------------------------------------------------------------------------- the world's state


@dataclass(frozen=True)
class WorldState:
    """The world panel's state at one origin index: each economy's merged history (E, HIST, P) with which
    (economy, part) have it complete (E, P), the world drift g (P,) and shift (P,), and the pooled scale by part and
    size class (P, bins).

    Attributes
    ----------
    hist : numpy.ndarray
        (E, HIST, P) each economy's shares in the :data:`HIST` years to the origin, inactive parts merged into rest
        (:func:`merged_window`).
    ok : numpy.ndarray
        (E, P) booleans: active parts with a complete history.
    drift : numpy.ndarray
        (P,) the world drift: the median across training economies of the yearly change in the log share over
        :data:`DRIFT_YEARS` years (0 with fewer than 10 economies).
    shift : numpy.ndarray
        (P,) the yearly change of the cross-economy mean share over those years.
    pooled_scale : numpy.ndarray
        (P, bins) RMS of one-year share changes by part and size class (:func:`size_class`).

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.pooled import world_state
    >>> from kzecon.forecast.world import world_panel
    >>> p = world_panel(("china", "russia", "eu", "rest"), declared_only=True)
    >>> t = 2010 - int(p.years[0])
    >>> st = world_state(p, t, np.ones(len(p.economies), bool))
    >>> st.hist.shape, st.drift.round(3)
    ((218, 11, 4), array([ 0.096,  0.019, -0.013, -0.001]))
    """

    hist: np.ndarray
    ok: np.ndarray
    drift: np.ndarray
    shift: np.ndarray
    pooled_scale: np.ndarray


def merged_window(panel, t: int, act: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(E, HIST, P) shares of years t−HIST+1 … t with the parts inactive at ``t`` merged into rest (NaN where the
    economy has no data), and the (E, P) parts active at t.

    Parameters
    ----------
    panel : kzecon.forecast.world.Panel
        The world panel.
    t : int
        Origin index (``panel.years[t]``).
    act : numpy.ndarray or None, default None
        (E, P) the active parts; None: those of the panel at t (average share of at least
        :data:`kzecon.forecast.world.MIN_SHARE` over the five years to t; rest always).

    Returns
    -------
    tuple of numpy.ndarray
        ((E, HIST, P) shares, (E, P) active parts); years before the panel's first are NaN.

    Examples
    --------
    >>> from kzecon.forecast.pooled import merged_window
    >>> from kzecon.forecast.world import world_panel
    >>> p = world_panel(("china", "russia", "eu", "rest"), declared_only=True)
    >>> t = 2010 - int(p.years[0])
    >>> hist, act = merged_window(p, t)
    >>> hist.shape, hist[p.index("KAZ"), -1].round(3)
    ((218, 11, 4), array([0.176, 0.097, 0.475, 0.253]))
    """
    from .world import _active

    act = _active(panel, t) if act is None else act
    r = panel.parts.index("rest")
    lo = t - HIST + 1
    s = panel.shares[:, max(lo, 0):t + 1, :]
    if lo < 0:
        s = np.concatenate([np.full((s.shape[0], -lo, s.shape[2]), np.nan), s], axis=1)
    merged = np.nansum(np.where(act[:, None, :], 0.0, s), axis=2)
    out = np.where(act[:, None, :], np.nan_to_num(s), 0.0)
    out[:, :, r] += merged
    out[np.isnan(s[:, :, r])] = np.nan
    return out, act


def _scale_rms(hist: np.ndarray) -> np.ndarray:
    """(…, P) root mean square of the one-year changes in a (…, HIST, P) history."""
    d = np.diff(hist, axis=-2)
    return np.sqrt(np.mean(d ** 2, axis=-2))


def world_state(panel, t: int, train: np.ndarray) -> WorldState:
    """The world's drift, shift and pooled scales at origin index ``t``, measured on the ``train`` economies whose
    history is complete.

    Parameters
    ----------
    panel : kzecon.forecast.world.Panel
        The world panel.
    t : int
        Origin index.
    train : numpy.ndarray
        (E,) booleans: the economies the drift, shift and pooled scales are measured on.

    Returns
    -------
    WorldState
    """
    hist, act = merged_window(panel, t)
    ok = ~np.isnan(hist).any(axis=1) & act
    P = len(panel.parts)
    s0, s5 = hist[:, -1], hist[:, -1 - DRIFT_YEARS]
    with np.errstate(divide="ignore", invalid="ignore"):
        lg = (np.log(np.maximum(s0, 1e-4)) - np.log(np.maximum(s5, 1e-4))) / DRIFT_YEARS
    drift, shift = np.zeros(P), np.zeros(P)
    pooled = np.zeros((P, len(SIZE_BINS) - 1))
    rms = _scale_rms(np.nan_to_num(hist))
    cls = size_class(s0)
    for k in range(P):
        m = ok[:, k] & train
        if m.sum() >= 10:
            drift[k] = float(np.median(lg[m, k]))
            shift[k] = float((s0[m, k].mean() - s5[m, k].mean()) / DRIFT_YEARS)
            fill = float(np.sqrt(np.mean(rms[m, k] ** 2)))
        else:
            fill = 0.01
        for b in range(len(SIZE_BINS) - 1):
            mb = m & (cls[:, k] == b)
            pooled[k, b] = float(np.sqrt(np.mean(rms[mb, k] ** 2))) if mb.sum() >= 10 else fill
    return WorldState(hist, ok, drift, shift, pooled)


def features(hist: np.ndarray, drift: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """(…, P, 4) the model's regressors from (…, HIST, P) histories and the world's (P,) drift and shift.

    Parameters
    ----------
    hist : numpy.ndarray
        (…, HIST, P) share histories to the origin.
    drift : numpy.ndarray
        (P,) the world drift (:class:`WorldState`).
    shift : numpy.ndarray
        (P,) the world shift.

    Returns
    -------
    numpy.ndarray
        (…, P, 4) :data:`FEATURES`: world_drift (s · g), world_shift, smooth (mean of the last three years less the
        last), trend (the last five years' change).
    """
    s0 = hist[..., -1, :]
    return np.stack([s0 * drift, np.broadcast_to(shift, s0.shape), hist[..., -3:, :].mean(axis=-2) - s0,
                     s0 - hist[..., -1 - DRIFT_YEARS, :]], axis=-1)


def own_scale(hist: np.ndarray, pooled_scale: np.ndarray) -> np.ndarray:
    """(…, P) each part's own scale: the RMS of its last HIST − 1 one-year changes shrunk towards the pooled scale
    of its current size class.

    Parameters
    ----------
    hist : numpy.ndarray
        (…, HIST, P) share histories.
    pooled_scale : numpy.ndarray
        (P, bins) the pooled scale by part and size class.

    Returns
    -------
    numpy.ndarray
        (…, P) scales, at least 1e-4: √((n · own² + ν · pooled²) / (n + ν)) with ν = :data:`SHRINK_NU`.
    """
    n = hist.shape[-2] - 1
    own2 = _scale_rms(hist) ** 2
    prior = pooled_scale[np.arange(pooled_scale.shape[0]), size_class(hist[..., -1, :])] ** 2
    return np.maximum(np.sqrt((n * own2 + SHRINK_NU * prior) / (n + SHRINK_NU)), 1e-4)


# --------------------------------------------------------------------------------------------- the fit


@dataclass(frozen=True)
class PooledParams:
    """The pooled model learned at one origin: coefficients (P, MAX_DIRECT, 4), the world's drift and shift at the
    origin, the pooled scale (P, bins), the pool of standardised one-year error vectors (N, P), each horizon's
    spread factor (MAX_DIRECT,), and the training rows per horizon (MAX_DIRECT,).

    Attributes
    ----------
    parts : tuple of str
        The P parts (canonical names).
    origin_year : int
        The origin: nothing later was read.
    coef : numpy.ndarray
        (P, MAX_DIRECT, 4) coefficients of :data:`FEATURES` per part and horizon.
    drift : numpy.ndarray
        (P,) the world drift at the origin.
    shift : numpy.ndarray
        (P,) the world shift at the origin.
    pooled_scale : numpy.ndarray
        (P, bins) the pooled scale by size class.
    pool : numpy.ndarray
        (N, P) standardised one-year error vectors, centred, drawn whole when simulating.
    horizon_factor : numpy.ndarray
        (MAX_DIRECT,) each horizon's spread factor.
    nobs : numpy.ndarray
        (MAX_DIRECT,) training rows per horizon (0 for horizons not fitted).

    Examples
    --------
    >>> from kzecon.forecast.pooled import fit_pooled
    >>> from kzecon.forecast.world import world_panel
    >>> p = world_panel(("china", "russia", "eu", "rest"), declared_only=True)
    >>> t = 2010 - int(p.years[0])
    >>> pp = fit_pooled(p, t, max_horizon=2)
    >>> pp.coef.shape, pp.nobs.tolist(), pp.horizon_factor.round(3)[:2]
    ((4, 5, 4), [10560, 10018, 0, 0, 0], array([1.119, 1.046]))
    """

    parts: tuple
    origin_year: int
    coef: np.ndarray
    drift: np.ndarray
    shift: np.ndarray
    pooled_scale: np.ndarray
    pool: np.ndarray
    horizon_factor: np.ndarray
    nobs: np.ndarray

    def point(self, hist: np.ndarray, horizon: int) -> np.ndarray:
        """(…, horizon, P) closed point forecasts from (…, HIST, P) merged histories.

        Parameters
        ----------
        hist : numpy.ndarray
            (…, HIST, P) merged share histories to the origin.
        horizon : int
            Years ahead; beyond :data:`MAX_DIRECT` the last horizon's coefficients are used.

        Returns
        -------
        numpy.ndarray
            (…, horizon, P) shares clipped at zero and closed (NaN where every part is zero).

        Examples
        --------
        >>> from kzecon.forecast.pooled import fit_pooled, merged_window
        >>> from kzecon.forecast.world import world_panel
        >>> p = world_panel(("china", "russia", "eu", "rest"), declared_only=True)
        >>> t = 2010 - int(p.years[0])
        >>> hist, _ = merged_window(p, t)
        >>> fit_pooled(p, t, max_horizon=2).point(hist[p.index("KAZ")], 2).round(3)
        array([[0.182, 0.099, 0.463, 0.257],
               [0.189, 0.098, 0.459, 0.254]])
        """
        f = features(hist, self.drift, self.shift)
        s0 = hist[..., -1, :]
        out = []
        for h in range(1, horizon + 1):
            c = self.coef[:, min(h, MAX_DIRECT) - 1, :]
            m = np.clip(s0 + np.einsum("...pf,pf->...p", np.nan_to_num(f), c), 0.0, None)
            tot = m.sum(axis=-1, keepdims=True)
            out.append(np.divide(m, tot, out=np.full_like(m, np.nan), where=tot > 0))
        return np.stack(out, axis=-2)


class _States:
    """World states by origin index, computed once (a backtest reuses them across origins and horizons), and the
    regression rows each origin gives (:meth:`rows`), also once: a training origin serves every horizon and up to
    :data:`WINDOW` fits."""

    def __init__(self, panel, train: np.ndarray):
        self.panel, self.train, self.cache, self._rows = panel, train, {}, {}

    def __call__(self, t: int) -> WorldState:
        if t not in self.cache:
            self.cache[t] = world_state(self.panel, t, self.train)
        return self.cache[t]

    def rows(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """At origin index ``t``: the (E, P, 4) :func:`features`, the (E, P) :func:`own_scale` and the
        (E, MAX_DIRECT, P) shares at t + 1 … t + MAX_DIRECT merged as at t (NaN beyond the panel)."""
        if t not in self._rows:
            from .world import _active, _actual

            st = self(t)
            self._rows[t] = (features(st.hist, st.drift, st.shift), own_scale(st.hist, st.pooled_scale),
                             _actual(self.panel, _active(self.panel, t), t, MAX_DIRECT))
        return self._rows[t]


def fit_pooled(panel, t: int, *, train: np.ndarray | None = None, states: _States | None = None,
               max_horizon: int = MAX_DIRECT) -> PooledParams:
    """Learn the pooled model at origin index ``t`` (``panel.years[t]``) on the ``train`` economies (default all):
    nothing after ``panel.years[t]`` is read.

    Parameters
    ----------
    panel : kzecon.forecast.world.Panel
        The world panel (its parts, including ``rest``).
    t : int
        Origin index.
    train : numpy.ndarray or None, default None
        (E,) booleans: the training economies; None for all.
    states : object or None, default None
        A cache of :class:`WorldState` by origin index shared across fits (the world backtest passes one); None
        makes a fresh one.
    max_horizon : int, default 5
        Horizons with their own regression (1 … :data:`MAX_DIRECT`); later ones copy the last.

    Returns
    -------
    PooledParams

    Raises
    ------
    CoverageError
        If no training rows exist at horizon 1, or fewer than 50 error vectors make the pool, before the origin.
    """
    E, P = len(panel.economies), len(panel.parts)
    train = np.ones(E, bool) if train is None else np.asarray(train, bool)
    states = states or _States(panel, train)
    Hd = min(max(max_horizon, 1), MAX_DIRECT)
    coef = np.zeros((P, MAX_DIRECT, len(FEATURES)))
    nobs = np.zeros(MAX_DIRECT, int)
    resid_h: dict[int, tuple] = {}
    first = HIST + DRIFT_YEARS - 1  # the first origin index with a complete history and world drift
    for h in range(1, Hd + 1):
        Xs, ys, ks, es, sc = [], [], [], [], []
        for T in range(max(first, t - h - WINDOW + 1), t - h + 1):
            st = states(T)
            f, scale, actual = states.rows(T)
            y = actual[:, h - 1]
            m = st.ok & train[:, None] & ~np.isnan(y)
            e, k = np.nonzero(m)
            if not len(e):
                continue
            Xs.append(f[e, k])
            ys.append(y[e, k] - st.hist[e, -1, k])
            ks.append(k)
            es.append(e * 10_000 + T)
            sc.append(scale[e, k])
        if not Xs:
            if h == 1:
                raise CoverageError(f"too little world history before {panel.years[t]} to learn the pooled model")
            coef[:, h - 1] = coef[:, h - 2]
            continue
        X, y, k = np.concatenate(Xs), np.concatenate(ys), np.concatenate(ks)
        nobs[h - 1] = len(y)
        res = np.zeros_like(y)
        for kk in range(P):
            mk = k == kk
            if mk.sum() >= MIN_ROWS:
                coef[kk, h - 1] = lad(X[mk], y[mk])
            res[mk] = y[mk] - X[mk] @ coef[kk, h - 1]
        resid_h[h] = (res / np.concatenate(sc), k, np.concatenate(es))
    for h in range(Hd + 1, MAX_DIRECT + 1):
        coef[:, h - 1] = coef[:, Hd - 1]
    pool = _pool(panel, t, train, states, coef[:, 0])
    if len(pool) < 50:
        raise CoverageError(f"too little world history before {panel.years[t]} for the pooled model's error pool")
    factor = _horizon_factors(pool, resid_h, Hd, t)
    st = states(t)
    return PooledParams(tuple(panel.parts), int(panel.years[t]), coef, st.drift, st.shift, st.pooled_scale, pool,
                        factor, nobs)


def _pool(panel, t: int, train, states, coef1: np.ndarray) -> np.ndarray:
    """(N, P) standardised one-year error vectors of the training economies at origins t − POOL_YEARS … t − 1,
    centred (a part's mean error zero): the whole vector of one economy-year, so that the parts' errors keep their
    joint shape (one part's gain is another's loss)."""
    from .world import _active

    out = []
    for T in range(t - POOL_YEARS, t):
        if T < HIST + DRIFT_YEARS - 1:
            continue
        st = states(T)
        act = _active(panel, T)
        f, scale, actual = states.rows(T)
        y = actual[:, 0]
        full = (st.ok | ~act).all(axis=1) & train & ~np.isnan(y).any(axis=1)
        if not full.any():
            continue
        s0 = st.hist[full, -1]
        pred = s0 + np.einsum("epf,pf->ep", np.nan_to_num(f[full]), coef1)
        err = (y[full] - pred) / scale[full]
        out.append(np.where(act[full], err, 0.0))
    if not out:
        return np.zeros((0, len(panel.parts)))
    pool = np.concatenate(out)
    lo, hi = np.quantile(pool, [0.001, 0.999])
    pool = np.clip(pool, lo, hi)  # a few economy-years jump by dozens of scales: kept, but not beyond the 0.1% tails
    return pool - pool.mean(axis=0, keepdims=True)


def _cumulated_quantiles(pool: np.ndarray, horizon: int, n: int = 4000, seed: int = 0) -> np.ndarray:
    """(horizon, 2, P) the 5% and 95% quantiles of sums of h draws from the pool (h = 1 … horizon)."""
    rng = np.random.default_rng(seed)
    draws = pool[rng.integers(0, len(pool), size=(n, horizon))].cumsum(axis=1)  # (n, H, P)
    return np.moveaxis(np.quantile(draws, [0.05, 0.95], axis=0), 0, 1)


def _horizon_factors(pool: np.ndarray, resid_h: dict, Hd: int, t: int) -> np.ndarray:
    """Each horizon's spread factor: the 90% quantile, over the training economies' h-year errors (in scales) at the
    last FACTOR_YEARS origins, of the error over the cumulated draws' 90% half-width on its side — so that the 90%
    intervals would have covered 90% of them. Horizons without errors keep the last factor."""
    q = _cumulated_quantiles(pool, Hd)
    out = np.ones(MAX_DIRECT)
    for h in range(1, Hd + 1):
        prev = out[h - 2] if h > 1 else 1.0
        if h not in resid_h:
            out[h - 1] = prev
            continue
        r, k, key = resid_h[h]
        recent = key % 10_000 > t - h - FACTOR_YEARS
        r, k = r[recent], k[recent]
        up, dn = np.maximum(q[h - 1, 1, k], 1e-9), np.maximum(-q[h - 1, 0, k], 1e-9)
        ratio = np.where(r > 0, r / up, -r / dn)
        out[h - 1] = float(np.quantile(ratio, 0.9)) if len(ratio) >= 100 else prev
    out[Hd:] = out[Hd - 1]
    return out


def simulate_pooled(params: PooledParams, hist: np.ndarray, ok: np.ndarray, *, horizon: int, n_paths: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Share paths (E, n_paths, horizon, P) from merged histories (E, HIST, P); ``ok`` (E, P) the active parts
    (inactive parts stay at zero, merged in rest). Each path: the point forecast plus the economy's scales times the
    cumulated pooled error vectors, widened by each horizon's factor, clipped at zero and closed.

    The paths are then raked (iterative proportional fitting) so that their mean is the point forecast.

    Parameters
    ----------
    params : PooledParams
        The fitted model (:func:`fit_pooled`).
    hist : numpy.ndarray
        (E, HIST, P) merged share histories to the origin.
    ok : numpy.ndarray
        (E, P) booleans: the active parts.
    horizon : int
        Years ahead.
    n_paths : int
        Paths per economy.
    rng : numpy.random.Generator
        The random stream.

    Returns
    -------
    numpy.ndarray
        (E, n_paths, horizon, P) share paths, each summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.pooled import fit_pooled, merged_window, simulate_pooled
    >>> from kzecon.forecast.world import world_panel
    >>> p = world_panel(("china", "russia", "eu", "rest"), declared_only=True)
    >>> t = 2010 - int(p.years[0])
    >>> hist, act = merged_window(p, t)
    >>> i = [p.index("KAZ")]
    >>> paths = simulate_pooled(fit_pooled(p, t, max_horizon=2), hist[i], act[i], horizon=2, n_paths=200,
    ...                         rng=np.random.default_rng(0))
    >>> paths.shape, paths.mean(axis=1)[0].round(3)
    ((1, 200, 2, 4), array([[0.182, 0.099, 0.463, 0.257],
           [0.189, 0.098, 0.459, 0.254]]))
    """
    E, _, P = hist.shape
    point = params.point(hist, horizon)  # (E, H, P)
    scale = own_scale(hist, params.pooled_scale)  # (E, P)
    idx = rng.integers(0, len(params.pool), size=(E, n_paths, horizon))
    noise = params.pool[idx].cumsum(axis=2)  # (E, n, H, P)
    # beyond MAX_DIRECT the deviations widen in proportion to the horizon (errors that persist): the cumulated draws
    # grow as √h, times √(h / MAX_DIRECT)
    hs = np.arange(1, horizon + 1)
    fac = params.horizon_factor[np.minimum(hs, MAX_DIRECT) - 1] * np.sqrt(np.maximum(hs / MAX_DIRECT, 1.0))
    paths = point[:, None] + scale[:, None, None, :] * fac[None, None, :, None] * noise
    paths = np.where(ok[:, None, None, :], np.clip(paths, 0.0, None), 0.0)
    return _rake(paths, np.where(ok[:, None, :], point, 0.0))


def _rake(paths: np.ndarray, point: np.ndarray, rounds: int = RAKE_ROUNDS) -> np.ndarray:
    """Close the paths (each sums to one) with their mean at the point forecast: clipping at zero lifts the mean of
    a small part, and closing moves the others'; rounds of multiplying each part by point / mean and closing again
    (iterative proportional fitting) bring the mean back without leaving the simplex. (E, n, H, P) paths,
    (E, H, P) points."""
    for _ in range(rounds):
        tot = paths.sum(axis=-1, keepdims=True)
        paths = np.divide(paths, tot, out=np.zeros_like(paths), where=tot > 0)
        mean = paths.mean(axis=1, keepdims=True)
        paths = paths * np.divide(point[:, None], mean, out=np.ones_like(mean), where=mean > 0)
    tot = paths.sum(axis=-1, keepdims=True)
    return np.divide(paths, tot, out=np.zeros_like(paths), where=tot > 0)


# --------------------------------------------------------------------------------------------- one composition


@functools.lru_cache(maxsize=8)
def _panel(order: tuple):
    """The declared world panel in ``order``'s parts, built once per process (read-only by convention)."""
    from .world import world_panel

    p = world_panel(order, declared_only=True)
    p.shares.flags.writeable = False
    return p


@functools.lru_cache(maxsize=8)
def _states(order: tuple) -> _States:
    return _States(_panel(order), np.ones(len(_panel(order).economies), bool))


@functools.lru_cache(maxsize=64)
def fitted(order: tuple, t: int, max_horizon: int = MAX_DIRECT) -> PooledParams:
    """The pooled model of the parts ``order`` learned from every economy at origin index ``t``, fitted once per
    process (a brief forecasts many compositions, scenarios and backtest origins from the same origins)."""
    return fit_pooled(_panel(order), t, states=_states(order), max_horizon=max_horizon)


def forecast_composition(wide, *, horizon: int, n_paths: int, seed: int, calibrated: bool = False):
    """Paths (n_paths × horizon × parts, in ``wide``'s column order) of a composition (years × parts summing to one,
    parts that are kzecon's known parts in any spelling, with a rest) under the pooled model learned from every
    economy's declared history in the world panel up to the composition's last year (or the panel's last, 2020, when
    the composition runs on: the world's drift is then the panel's latest). ``calibrated``: the intervals and the
    event probabilities recalibrated as the world backtest learned by then (``pooled_cal``). Returns (paths, info);
    info holds the point forecast (``"point"``: horizon × parts, the regressions' closed forecast).

    :func:`kzecon.forecast.simulate` with ``model="pooled"`` or ``"pooled_cal"`` calls it; use that.

    Parameters
    ----------
    wide : pandas.DataFrame
        Years (index, consecutive) × parts summing to one; kzecon's known parts with a rest, at least :data:`HIST`
        years.
    horizon : int
        Years ahead.
    n_paths : int
        Simulated paths.
    seed : int
        Random seed.
    calibrated : bool, default False
        Apply the stored ``pooled_cal`` recalibration (:func:`kzecon.forecast.world.stored_calibration`).

    Returns
    -------
    tuple
        (paths: n_paths × horizon × parts in ``wide``'s column order; info: ``world_params_to``, ``world_nobs``,
        ``parts``, ``world_drift``, ``horizon_factor``, ``point``, ``calibration_origin`` (when calibrated),
        ``prob_map``, ``driver_paths`` (None)).

    Raises
    ------
    CoverageError
        If a part is unknown or there is no rest (:func:`kzecon.forecast.world.world_parts_of`); the composition
        ends before the panel's first year + HIST + DRIFT_YEARS + 1, or has fewer than HIST years; too little world
        history to fit (:func:`fit_pooled`).
    SchemaError
        If two labels mean the same part.

    Examples
    --------
    >>> from kzecon.forecast.pooled import forecast_composition
    >>> from kzecon.study.findings import composition
    >>> wide = composition("KAZ").pivot(index="year", columns="partner", values="share")
    >>> paths, info = forecast_composition(wide, horizon=3, n_paths=200, seed=0)
    >>> paths.shape, list(wide.columns), info["point"][-1].round(3)
    ((200, 3, 4), ['china', 'eu', 'rest', 'russia'], array([0.241, 0.314, 0.256, 0.189]))
    """
    from .world import KNOWN_PARTS, _recalibrate_paths, stored_calibration, world_parts_of

    canon = world_parts_of(wide.columns)
    order = tuple(p for p in KNOWN_PARTS if p in canon.values())
    panel = _panel(order)
    origin = int(wide.index[-1])
    first = int(panel.years[0]) + HIST + DRIFT_YEARS + 1
    if origin < first:
        raise CoverageError(f"the pooled model learns from the world's history before the origin: it needs a "
                            f"composition ending in {first} or later; this one ends in {origin}")
    if len(wide) < HIST:
        raise CoverageError(f"the pooled model reads the last {HIST} years of a composition; it has {len(wide)}")
    t = int(min(origin, panel.years[-1]) - panel.years[0])
    cols = [next(lab for lab, c in canon.items() if c == p) for p in order]
    hist = wide[cols].to_numpy(dtype=float)[-HIST:]
    params = fitted(order, t, min(horizon, MAX_DIRECT))
    ok = np.ones((1, len(order)), bool)
    paths = simulate_pooled(params, hist[None], ok, horizon=horizon, n_paths=n_paths,
                            rng=np.random.default_rng(seed))[0]
    point = params.point(hist[None], horizon)[0]
    info = {"world_params_to": int(panel.years[t]), "world_nobs": int(params.nobs[0]), "parts": dict(canon),
            "world_drift": {p: float(g) for p, g in zip(order, params.drift, strict=True)},
            "horizon_factor": [float(x) for x in params.horizon_factor[:min(horizon, MAX_DIRECT)]]}
    prob_map = None
    if calibrated:
        factors, prob_map, cal_origin = stored_calibration(origin, model="pooled_cal")
        if factors:
            last = max(h for h, _ in factors)
            full = {(h + 1, lv): factors.get((min(h + 1, last), lv)) for h in range(horizon) for lv in LEVELS}
            paths = _recalibrate_paths(paths[None], full)[0]
            info["calibration_origin"] = cal_origin
    back = [order.index(canon[lab]) for lab in wide.columns]
    info["point"] = point[:, back]
    return paths[:, :, back], {**info, "prob_map": prob_map, "driver_paths": None}
