"""Dependence risk learned from the world's history: a global model of partner compositions, its world backtest,
and its recalibration — all without look-ahead.

**Data** — every economy's partner composition 1960–2020 from IMF DOTS (:func:`kzecon.data.load_compositions`,
reported side, exports + imports), in parts ``china``, ``russia`` (the Soviet Union before 1992), ``usa``, ``eu``
and ``rest`` (Central Asia in rest), or any coarser set of those parts (Kazakhstan's: china, russia, eu, rest).
A part's own economy (China's trade with China) is structurally zero and left out; a part with less than
``MIN_SHARE`` (0.5%) of the economy's trade on average over the five years to the origin is merged into ``rest``
for that origin (decided from data up to the origin only).

**The global model** (``"world"``) — for each part k (alr log-ratio z = log(s_k / s_rest)), pooled across every
economy and year up to the origin T (weighted by (s(1 − s))², the share-scale weight of a log-ratio error):

    Δz_t = a_k + b_k Δz_{t−1} + c_k · mean(Δz_{t−5…t−1}) + d_k (z_{t−1} − mean(z_{t−10…t−1})) + ε_t

a world drift (China's share has risen nearly everywhere since 1990), momentum, the economy's own recent drift
(how much of it persists: conditioning on the economy's history) and mean reversion towards its recent level, each
learned from thousands of economy-years instead of one economy's thirty. The innovation scale of economy i and
part k — its residuals over the last eight years — is shrunk towards the pooled scale of shares of its size over
those years (empirical Bayes: σ²ᵢₖ = (nᵢ s²ᵢₖ + ν σ²_pool) / (nᵢ + ν), ν = 2), and shocks are correlated across
parts with the pooled correlation. (Volatility of compositions fell from the 1960s–90s to the 2000s: recent
years are what predicts it; chosen on the training economies' backtest, not the held-out ones.) Paths are
simulated for all economies at once (economies × paths × horizon × parts).

**Drivers** (``"drivers"``, recalibrated ``"drivers_cal"``: the headline) — the same regression plus two driver
terms with coefficients learned across economies, on the years every driver is known (1989 on):

    … + g_k (GDP growth of part k − GDP growth of the rest of the world)_t + (β_k + b_ik) Δlog Brent_t

(:func:`fit_drivers`; GDP in current US dollars, as the trade values are — gravity's mass term). b_ik is economy i's
own oil exposure beyond the pooled β_k, its least-squares slope on its own residuals shrunk by empirical Bayes
(:func:`exposures`), drawn per path from its posterior. The innovation scales are set so that one-year 90% intervals
would have covered 90% of the training economies' last three years out of sample. After the origin the drivers are
simulated from their own history (:mod:`kzecon.forecast.drivers`) — or fixed by a scenario — one driver path per
composition path, so their uncertainty is in the intervals; no driver value after the origin is read. Compared on
the world backtest's training economies (origins 2000–2015, five years ahead, recalibrated): a GDP coefficient per
part against one shared by all parts (``GDP_COMMON``), CRPS 0.0291 against 0.0294; both drivers, GDP only, Brent
only and neither (the same model with the drivers set to zero): CRPS 0.0290 / 0.0291 / 0.0292 / 0.0290, Brier on
crossings 0.0818 / 0.0821 / 0.0824 / 0.0807. The drivers do not make the forecasts more accurate (the gain over
``world_cal`` is the scales: every economy's own, set out of sample); both are kept in the headline because it must
answer scenarios of oil and growth, at a Brier cost of 1.4% on the training economies. The memberships in
``policy_membership.csv`` are not drivers: before the backtest's last origin (2015) the customs union has two
economies besides Russia joining (Belarus and Kazakhstan, 2010; Armenia and Kyrgyzstan in 2015) and Belt-and-Road
documents two (China, the initiator, and Kazakhstan, 2013; the twenty MoUs date from 2017–2019) — too few joinings
to learn a pooled coefficient or to test one out of sample.

**Recalibration** (``"world_cal"``, ``"drivers_cal"``) — the model's intervals widened or narrowed by horizon so
that, on the earlier forecasts of the last eight years whose outcome is known by the origin (o + h ≤ T), they would
have covered 90% (split conformal on the share scale), and event probabilities mapped through an isotonic regression
fitted on those earlier events.

**The world backtest** (:func:`world_backtest`) — origins 1990–2015, horizons 1–5, every economy with at least 15
years of history, the global model's parameters and its recalibration learned at each origin from data up to that
origin on the training economies only; 20% of the economies are held out (never used to learn anything) and the
scores are reported for them as well as for all. Baselines in the same backtest: the random walk, the random walk
with drift and the mean of the last five years (the per-series models of :mod:`kzecon.forecast.core`), persistence
(the last value) for the MAE ratio, and statsforecast's AutoETS on each log-ratio with its conformal intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError, SchemaError
from kzecon.results import results_class

WORLD_PARTS = ("china", "russia", "usa", "eu", "rest")
KNOWN_PARTS = ("china", "russia", "usa", "eu", "central_asia", "rest")  # parts a composition may be made of
SELF_PART = {"CHN": "china", "RUS": "russia", "SUN": "russia", "USA": "usa"}
MIN_SHARE = 0.005  # parts below this average share over the five years to the origin are merged into rest
FLOOR = 1e-4  # remaining zero shares are floored here (multiplicative replacement)
LAGS = 10  # years of history the regressors need
SHRINK_NU = 2.0  # prior weight (years) of the pooled innovation scale
SCALE_YEARS = 8  # the pooled and own innovation scales come from the last this many years
WEIGHTED = True
DYNAMICS = True
SIZE_BINS = np.array([0.0, 0.02, 0.05, 0.1, 0.2, 1.0])  # share size classes for the pooled scale
MODELS = ("pooled", "pooled_cal", "world", "world_cal", "drivers", "drivers_cal", "drivers_oracle", "rw", "drift",
          "mean5")
# names of kzecon.forecast.registry: the same models (drivers_oracle: the backtest's realised-driver row only)


@dataclass
class Panel:
    """Shares of every economy (E) × year (Y) × part (P); NaN where the economy has no data that year."""

    economies: np.ndarray
    years: np.ndarray
    parts: tuple
    shares: np.ndarray

    def index(self, economy: str) -> int:
        """Row of ``economy`` in the panel; a CoverageError when it is not there."""
        hit = np.flatnonzero(self.economies == economy)
        if not len(hit):
            raise CoverageError(f"economy {economy!r} is not in the world panel")
        return int(hit[0])


ESTIMATED_MAX = 0.5  # an economy-year whose trade the IMF estimated for more than this share is not a declaration


def world_panel(parts: Sequence[str] = WORLD_PARTS, *, side: str = "reported", declared_only: bool = False) -> Panel:
    """The DOTS compositions as a dense array in ``parts`` (a subset of the world parts plus ``rest``: the world
    groups not listed, and Central Asia, are added to rest). The economy's own part is NaN (structurally zero).
    ``declared_only``: economy-years whose trade the IMF estimated for more than :data:`ESTIMATED_MAX` of the total
    (``estimated_share``: years the economy did not report) are NaN — the models learn, and are scored, on
    declarations only."""
    import kzecon

    parts = tuple(parts)
    if "rest" not in parts or not set(parts) <= set(KNOWN_PARTS):
        raise SchemaError(f"world parts must be among {KNOWN_PARTS} and include 'rest', got {parts}")
    c = kzecon.data.load_compositions(side=side, flow="total")
    for p in KNOWN_PARTS:
        if p not in parts:
            c["rest"] = c["rest"] + c[p]
    economies = np.array(sorted(c["economy"].unique()))
    years = np.arange(int(c["year"].min()), int(c["year"].max()) + 1)
    arr = np.full((len(economies), len(years), len(parts)), np.nan)
    ei = np.searchsorted(economies, c["economy"].to_numpy())
    yi = c["year"].to_numpy() - years[0]
    declared = ~(c["estimated_share"].to_numpy() > ESTIMATED_MAX) if declared_only else np.ones(len(c), bool)
    for j, p in enumerate(parts):
        arr[ei[declared], yi[declared], j] = c[p].to_numpy()[declared]
    for e, own in SELF_PART.items():
        if own in parts and e in set(economies):
            arr[np.searchsorted(economies, e), :, parts.index(own)] = np.nan
    return Panel(economies, years, parts, arr)


def _active(panel: Panel, t: int) -> np.ndarray:
    """(E, P) parts kept at origin index t: present, average share ≥ MIN_SHARE over the five years to t; rest
    always."""
    w = panel.shares[:, max(0, t - 4):t + 1, :]
    with np.errstate(invalid="ignore"):
        m = np.nansum(w, axis=1) / np.maximum((~np.isnan(w)).sum(axis=1), 1)
    act = np.nan_to_num(m, nan=0.0) >= MIN_SHARE
    act[:, panel.parts.index("rest")] = True
    return act


def _logratios(panel: Panel, active: np.ndarray) -> np.ndarray:
    """(E, Y, K) log-ratios of the non-rest parts against rest, with inactive parts merged into rest and zero
    shares floored; NaN where the part is inactive or the year missing."""
    r = panel.parts.index("rest")
    s = np.nan_to_num(panel.shares, nan=0.0)
    merged = s[:, :, r] + np.einsum("eyp,ep->ey", s, (~active).astype(float))
    comps = [j for j in range(len(panel.parts)) if j != r]
    rest = np.maximum(merged, FLOOR)
    z = np.log(np.maximum(s[:, :, comps], FLOOR) / rest[:, :, None])
    missing = np.isnan(panel.shares[:, :, r])
    z[missing] = np.nan
    z[~active[:, comps][:, None, :].repeat(len(panel.years), axis=1)] = np.nan
    return z


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
    by component and share-size class (K, bins), per-economy scales (E, K), the pooled shock correlation (K, K)."""

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
    """Learn the global model from the panel up to origin index ``t`` (years[t]) on the ``train`` economies."""
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


DRIVER_TERMS = ("gdp", "brent")


def driver_columns(hist, years: np.ndarray, parts: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The driver regressors in ``years``: each non-rest part's GDP growth less the rest of the world's (Y, K) and
    the change in log Brent (Y,), from a :class:`kzecon.forecast.drivers.DriverHistory` (NaN where unknown)."""
    from .drivers import SERIES, relative_growth

    g = hist.at(years)
    return relative_growth(g, parts), g[:, SERIES.index("brent")]


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
    few years of its own)."""
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
    ``hist`` is a :class:`kzecon.forecast.drivers.DriverHistory`; nothing after ``panel.years[t]`` is read."""
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


def simulate_global(params: GlobalParams, win: np.ndarray, ok: np.ndarray, *, horizon: int, n_paths: int,
                    rng: np.random.Generator, drivers=None) -> np.ndarray:
    """Paths of the log-ratios for every economy at once: (E, n_paths, horizon, K); NaN where not forecast.
    ``drivers`` (the driver model's): a :class:`kzecon.forecast.drivers.DriverPaths` of ``n_paths`` driver paths
    for the ``horizon`` years, one path of the drivers shared by every economy's path of the same index."""
    E, L1, K = win.shape
    # one buffer of history then forecasts (time on the third axis): each step reads the last values it needs
    # (last change, mean change over five years = difference over five years / 5, level less its recent mean)
    buf = np.empty((E, n_paths, L1 + horizon, K))
    buf[:, :, :L1] = np.nan_to_num(win)[:, None]
    chol = np.linalg.cholesky(params.corr + 1e-10 * np.eye(K))
    lo, hi = params.clip
    c = params.coef
    if params.drivers:
        from .drivers import SERIES, relative_growth

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
    """Log-ratio paths (E, n, H, K) → share paths (E, n, H, P) with inactive parts at 0 (merged into rest)."""
    r = parts.index("rest")
    ez = np.where(ok[:, None, None, :], np.exp(np.nan_to_num(z, nan=-np.inf)), 0.0)
    denom = 1.0 + ez.sum(axis=-1, keepdims=True)
    comps = ez / denom
    rest = 1.0 / denom
    return np.insert(comps, r, rest[..., 0], axis=-1)


# --------------------------------------------------------------------------------------------- baselines


def simulate_rw(win: np.ndarray, ok: np.ndarray, *, horizon: int, n_paths: int, rng, drift: bool = False,
                mean5: bool = False) -> np.ndarray:
    """The per-series baselines, vectorised: random walk (covariance of the economy's own changes over the last
    ten years, no drift), random walk with drift (mean change), mean of the last five years (level = that mean,
    spread of a random walk)."""
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


# --------------------------------------------------------------------------------------------- events

def pairwise_events(parts: tuple) -> list[tuple[str, int, int]]:
    """'A's share above B's' for every ordered pair of non-rest parts (name, a, b)."""
    idx = [(j, p) for j, p in enumerate(parts) if p != "rest"]
    return [(f"{pa}_above_{pb}", ja, jb) for ja, pa in idx for jb, pb in idx if ja < jb]


THRESHOLDS = (0.1, 0.2, 0.3)


# --------------------------------------------------------------------------------------------- backtest


@results_class
@dataclass
class WorldBacktest:
    """Per-forecast records of the world backtest and the score tables."""

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
        """Coverage of the 80% and 90% intervals by model and horizon, with intervals clustered by economy."""
        from .scores import coverage_clustered

        return coverage_clustered(self._sel(self.records, subset, min_origin))

    def accuracy(self, *, subset: str = "held_out", min_origin: int = 2000) -> pd.DataFrame:
        """MAE (and its ratio to no change) and CRPS by model and horizon."""
        from .scores import accuracy_table

        return accuracy_table(self._sel(self.records, subset, min_origin))

    def reliability(self, *, subset: str = "held_out", min_origin: int = 2000, bins: int = 10) -> pd.DataFrame:
        """Forecast probability against observed frequency of the events, by model and bin."""
        from .scores import reliability_table

        return reliability_table(self._sel(self.events, subset, min_origin), bins=bins)

    def brier(self, *, subset: str = "held_out", min_origin: int = 2000) -> pd.DataFrame:
        """Brier scores of the events by model, kind and horizon."""
        from .scores import brier_table

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
        """model × horizon: coverage 80/90, mean 90% width, MAE/persistence, CRPS, Brier (pairwise), ECE."""
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


def point_forecast(paths: np.ndarray, parts: tuple) -> np.ndarray:
    """The point forecast of a composition: the shares at the median log-ratios of the paths (a closed
    composition; for a random walk, the last observed composition), (..., H, P) from paths (..., n, H, P)."""
    r = parts.index("rest")
    logs = np.log(np.maximum(paths, 1e-300))
    zmed = np.median(logs - logs[..., [r]], axis=-3)
    ez = np.exp(zmed)
    ez = np.where(np.all(paths == 0, axis=-3), 0.0, ez)  # inactive (merged) parts stay at zero
    return ez / ez.sum(axis=-1, keepdims=True)


def _records(model: str, origin: int, econ: np.ndarray, held: np.ndarray, parts: tuple, act: np.ndarray,
             paths: np.ndarray, actual: np.ndarray, last: np.ndarray, point: np.ndarray | None = None) -> pd.DataFrame:
    """Tidy records from share paths (E, n, H, P): one row per economy × horizon × active part with data.
    ``point`` (E, H, P): the model's own point forecast (default: :func:`point_forecast` of the paths)."""
    from .scores import crps_ensemble

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
    from .calibration import fit_beta

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
    each learned only from the raw model's forecasts whose outcomes were known by that origin."""
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


def world_backtest(parts: Sequence[str] = WORLD_PARTS, *, origins: Sequence[int] = range(1990, 2016),
                   horizon: int = 5, n_paths: int = 500, seed: int = 2026, held_out_share: float = 0.2,
                   min_years: int = 15, models: Sequence[str] = MODELS, statsforecast: bool = True,
                   declared_only: bool = True, progress=None) -> WorldBacktest:
    """The world backtest of the module notes. Returns the per-forecast records and the events."""
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
    from .pooled import _States, fit_pooled, merged_window, simulate_pooled

    states = _States(panel, ~held)  # the world's state at each origin, shared by the origins' pooled fits
    hist = None
    if want & {"drivers", "drivers_cal", "drivers_oracle"}:
        from .drivers import driver_history

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
                from .drivers import fit_driver_model, simulate_drivers

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
                from .drivers import realised_paths

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


# --------------------------------------------------------------------------------------------- one composition


def _own_scale(params: GlobalParams, z: np.ndarray, shares_now: np.ndarray) -> np.ndarray:
    """A composition's innovation scale per component: its residuals under the global coefficients over its last
    15 years, shrunk towards the pooled scale of its current share sizes (as :func:`fit_global` does for every
    economy of the panel)."""
    Y, K = z.shape
    X, y, k, _, _ = _design(z[None], Y - 1)
    resid = np.clip(y, *params.clip) - np.einsum("nj,nj->n", X, params.coef[k])
    recent = np.arange(len(y)) >= 0
    if len(y):
        ty = _design(z[None], Y - 1)[4]
        recent = ty > (Y - 1) - 15
    out = np.zeros(K)
    size = _size_class(shares_now)
    for kk in range(K):
        m = (k == kk) & recent
        prior = params.pooled_scale[kk, size[kk]] ** 2
        out[kk] = np.sqrt((np.sum(resid[m] ** 2) + SHRINK_NU * prior) / (m.sum() + SHRINK_NU))
    return out


def _own_driver_params(params: GlobalParams, z: np.ndarray, shares_now: np.ndarray, years: np.ndarray, hist):
    """A composition's own Brent exposure and innovation scale under the driver model (as :func:`fit_drivers`
    gives every economy of the panel): its residuals on the years its drivers are known, the exposure shrunk by the
    model's τ², the scale over its last SCALE_YEARS years shrunk towards the pooled scale of its share sizes and
    multiplied by the model's quantile factor. Returns ((1, K) exposure, (1, K) scale, (1, K) exposure s.d.)."""
    Y, K = z.shape
    X, y, k, e, ty = _with_drivers(*_design(z[None], Y - 1), hist, years, params.parts)
    X[:, 1] = np.clip(X[:, 1], *params.clip)
    u = np.clip(y, *params.clip) - np.einsum("nj,nj->n", X, params.coef[k])
    prior = params.pooled_scale[np.arange(K), _size_class(shares_now)] / params.scale_factor
    recent = ty > (Y - 1) - SCALE_YEARS

    def shrunk(r):  # its own scale over the recent years, shrunk towards the prior (as _scales does)
        return np.array([np.sqrt((np.sum(r[recent & (k == kk)] ** 2) + SHRINK_NU * prior[kk] ** 2)
                                 / ((recent & (k == kk)).sum() + SHRINK_NU)) for kk in range(K)])

    expo, _, expo_sd = exposures(u, X[:, 5], e, k, 1, K, shrunk(u)[None], tau2=params.tau2)
    return expo, (shrunk(u - expo[0, k] * X[:, 5]) * params.scale_factor)[None], expo_sd


def world_parts_of(labels) -> dict[str, str]:
    """{label: world part} for a composition whose every part is one of kzecon's known parts (any spelling), with
    a rest; else a CoverageError naming what the world panel cannot provide."""
    from .parts import canonical

    canon = {lab: canonical(lab) for lab in labels}
    unknown = [lab for lab, c in canon.items() if c is None]
    if unknown:
        raise CoverageError(f"the world model knows the parts {', '.join(KNOWN_PARTS)} (any spelling: CHN, china, "
                            f"EU, EUR, REST …); not {', '.join(map(repr, unknown))}")
    dup = [c for c in set(canon.values()) if list(canon.values()).count(c) > 1]
    if dup:
        raise SchemaError(f"two parts of the composition mean the same {dup[0]!r}: "
                          f"{', '.join(lab for lab, c in canon.items() if c == dup[0])}")
    if "rest" not in canon.values():
        raise CoverageError("the world model needs a 'rest' part (the trade with every other partner)")
    return canon


def forecast_composition(wide: pd.DataFrame, *, horizon: int, n_paths: int, seed: int,
                         calibrated: bool = True, drivers: bool = False, scenario: pd.DataFrame | None = None,
                         brent: pd.Series | None = None) -> tuple[np.ndarray, dict]:
    """Paths (n_paths × horizon × parts, in ``wide``'s column order) of a composition (years × parts summing to one)
    under the global model learned from the world panel up to the composition's last year (no later data), and,
    with ``calibrated``, the recalibration learned from the world backtest's forecasts known by then.

    ``drivers``: the driver model (:func:`fit_drivers`), its drivers' futures simulated from their own history up
    to the origin (:mod:`kzecon.forecast.drivers`) unless ``scenario`` (a frame year, brent and/or
    gdp_growth_<CODE>) fixes them; ``brent`` a user's price history (Series by year, USD a barrel) in place of the
    bundled one. The driver paths used are returned in the info dict (``"driver_paths"``)."""
    canon = world_parts_of(wide.columns)
    order = tuple(p for p in KNOWN_PARTS if p in canon.values())
    panel = world_panel(order)
    origin = int(wide.index[-1])
    if origin < panel.years[0] + LAGS + 10:
        raise CoverageError(f"the world model needs world history before {origin}; the panel starts in "
                            f"{panel.years[0]}")
    if scenario is not None and not drivers:
        raise SchemaError("a scenario conditions the driver model (drivers=True)")
    t = int(min(origin, panel.years[-1]) - panel.years[0])
    cols = [next(lab for lab, c in canon.items() if c == p) for p in order]
    s = wide[cols].to_numpy(dtype=float)
    r = order.index("rest")
    comps = [j for j in range(len(order)) if j != r]
    z = np.log(np.maximum(s[:, comps], FLOOR) / np.maximum(s[:, [r]], FLOOR))
    if len(z) < LAGS + 1:
        raise CoverageError(f"the world model needs the last {LAGS + 1} years of the composition; it has {len(z)}")
    ok = np.ones((1, len(comps)), bool)
    dp = None
    if drivers:
        from .drivers import driver_history, fit_driver_model, read_scenario, simulate_drivers

        hist = driver_history(brent=brent).upto(origin)
        if origin < FIRST_DRIVER_ORIGIN:
            raise CoverageError(f"the driver model needs the drivers' history (from 1989) before the origin; the "
                                f"composition ends in {origin}: use the model world_cal")
        params = fit_drivers(panel, t, hist)
        params.exposure, params.scale, params.exposure_sd = _own_driver_params(params, z, s[-1, comps],
                                                                               wide.index.to_numpy(), hist)
        sc = read_scenario(scenario, origin=origin, horizon=horizon) if scenario is not None else None
        dp = simulate_drivers(fit_driver_model(hist, origin), horizon, n_paths, np.random.default_rng([seed, 2]),
                              scenario=sc)
    else:
        params = fit_global(panel, t)
        params.scale = _own_scale(params, z, s[-1, comps])[None]
    zp = simulate_global(params, z[None, -(LAGS + 1):], ok, horizon=horizon, n_paths=n_paths,
                         rng=np.random.default_rng(seed), drivers=dp)
    paths = to_shares(zp, ok, order)[0]  # (n, H, P) in world order
    info = {"world_params_to": int(panel.years[t]), "world_nobs": params.nobs, "parts": dict(canon)}
    if drivers:
        info["brent_exposure"] = {order[j]: float(params.coef[i, 5] + params.exposure[0, i])
                                  for i, j in enumerate(comps)}
    prob_map = None
    if calibrated:
        factors, prob_map, cal_origin = stored_calibration(origin, model="drivers_cal" if drivers else "world_cal")
        if factors:
            last = max(h for h, _ in factors)
            full = {(h + 1, lv): factors.get((min(h + 1, last), lv)) for h in range(horizon) for lv in (0.8, 0.9)}
            paths = _recalibrate_paths(paths[None], full)[0]
            info["calibration_origin"] = cal_origin
    back = [order.index(canon[lab]) for lab in wide.columns]
    return paths[:, :, back], {**info, "prob_map": prob_map, "driver_paths": dp}


def held_out_total(name: str = "world_backtest_summary.csv") -> int | None:
    """How many economies the stored world backtest held out (its header line says so; fewer may be scored, those
    with a forecast from 2000 on), or None when the header does not say."""
    import re
    from importlib import resources

    with (resources.files("kzecon.data") / "reference" / name).open("r", encoding="utf-8") as fh:
        head = fh.readline()
    m = re.search(r"(\d+) held-out economies", head)
    return int(m.group(1)) if m else None


CALIBRATION_FILE = "world_calibration.csv"


def stored_calibration(origin: int, *, model: str = "world_cal"):
    """The recalibration of ``model`` (a ``_cal`` model) the world backtest learned by ``origin`` (or by the latest
    origin it covers): ({(horizon, level): factor}, probability map or None, the origin used). Read from
    ``kzecon/data/reference/world_calibration.csv`` (written by analyses/world_backtest.py)."""
    from kzecon.data import read_reference

    from .calibration import BetaCalibration

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
