"""PPML with high-dimensional fixed effects: kzecon's fast estimator (the default ``backend="kzecon"``).

The algorithm is the one of Stata's ``ppmlhdfe`` (Correia, Guimarães & Zylkin 2020), fixest's and pyfixest's
``fepois``: iteratively reweighted least squares (IRLS) in which, at every iteration, the working variable and the
regressors are demeaned with the current Poisson weights by alternating projections over the fixed effects.
Why not pyfixest: a profile of its three-way gravity fit finds 95% of the time in its demeaner, called afresh in
each of 12 IRLS iterations (BENCHMARKS.md). Here:

1. **starting values** μ₀ = y + 0.001·ȳ, close to the data (as glm's y + 0.1, but free of the flow's unit), where
   ppmlhdfe and pyfixest start from (y + ȳ)/2: 6–8 IRLS iterations instead of 12 on the benchmark panels;
2. **warm starts** — the fixed-effect coefficients of every demeaned column are kept from one IRLS iteration to
   the next, so each demeaning starts from the previous solution instead of from zero (as fixest does);
3. **adaptive inner tolerance** — the demeaning tolerance starts loose (1e-3) and is tightened tenfold whenever
   the IRLS criterion comes within ten times of it, and to its target once the criterion is below 1e-5
   (ppmlhdfe's scheme);
4. **Irons–Tuck acceleration** of the alternating projections (Irons & Tuck 1969; fixest's default), all
   columns in one compiled pass, the rows split across the cores (:mod:`kzecon.gravity._kernels`, numba).

The rest is pyfixest's ``fepois`` so that the two give the same answer to the digits the tests state: the
convergence criterion (relative change in deviance, fixest's, default tolerance here 1e-10), the score-based
sandwich (CRV1 with G/(G−1) only, or heteroskedasticity-robust without adjustment; evaluated at the estimate, with
the regressors demeaned by the final weights) and fixest's collinearity test (Cholesky pivots of X'X of the
demeaned regressors below 1e-9). A step that raises the deviance after the first is halved (fixest does the same).

Reuse across fits: :class:`FixedEffects` factorises the fixed effects once; :func:`fit` accepts ``start`` (the
state of an earlier fit on the same structure) so that refits — leads and lags, placebo draws, bootstraps — start
from a converged solution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numba
import numpy as np
import pandas as pd

from . import _kernels

TARGET_INNER_TOL = 1e-10  # demeaning tolerance at convergence (relative to each column's weighted s.d.)
START_INNER_TOL = 1e-3  # ... in the first IRLS iterations
JUMP_CRIT = 1e-5  # IRLS criterion below which the demeaning goes straight to its target
START_MU = 0.001  # starting values μ₀ = y + START_MU · mean(y)
COLLIN_TOL = 1e-9
MAX_HALVING = 30


@dataclass(frozen=True)
class FixedEffects:
    """Factorised fixed effects of N observations: ``codes`` (Q × N, int32, global group ids), ``offsets``
    (fixed effect q's groups are ``offsets[q]:offsets[q+1]``), ``names``."""

    names: tuple[str, ...]
    codes: np.ndarray
    offsets: np.ndarray

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, names: Sequence[str]) -> FixedEffects:
        return cls.from_arrays([frame[n].to_numpy() for n in names], names)

    @classmethod
    def from_arrays(cls, arrays: Sequence[np.ndarray], names: Sequence[str]) -> FixedEffects:
        local = [pd.factorize(a, sort=False)[0] for a in arrays]
        return cls._from_local(local, names)

    @classmethod
    def _from_local(cls, local: Sequence[np.ndarray], names: Sequence[str]) -> FixedEffects:
        n = len(local[0]) if local else 0
        codes = np.empty((len(local), n), dtype=np.int32)
        offsets = np.zeros(len(local) + 1, dtype=np.int64)
        for q, c in enumerate(local):
            size = int(c.max()) + 1 if n else 0
            codes[q] = c + offsets[q]
            offsets[q + 1] = offsets[q] + size
        return cls(tuple(names), codes, offsets)

    @property
    def nobs(self) -> int:
        return self.codes.shape[1]

    @property
    def n_groups(self) -> tuple[int, ...]:
        return tuple(int(b - a) for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True))

    def local(self, q: int) -> np.ndarray:
        return (self.codes[q] - self.offsets[q]).astype(np.int64)

    def subset(self, keep: np.ndarray) -> FixedEffects:
        """The structure of the kept observations, groups renumbered densely (in order of first appearance)."""
        local = []
        for q in range(len(self.names)):
            c = self.local(q)[keep]
            local.append(pd.factorize(c, sort=False)[0])
        return self._from_local(local, self.names)


# sample rules ------------------------------------------------------------------------------------------------


def singletons(fe: FixedEffects) -> np.ndarray:
    """Observations alone in a group of some fixed effect, found iteratively (removing one can create another),
    as pyfixest and fixest: a boolean mask of the observations to remove."""
    keep = np.ones(fe.nobs, dtype=bool)
    changed = True
    while changed:
        changed = False
        for q in range(len(fe.names)):
            c = fe.local(q)
            counts = np.bincount(c[keep], minlength=fe.n_groups[q])
            alone = keep & (counts[c] == 1)
            if alone.any():
                keep &= ~alone
                changed = True
    return ~keep


def zero_groups(y: np.ndarray, fe: FixedEffects, keep: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Observations in a fixed-effect group whose outcome is zero throughout (perfectly predicted: separation by
    the fixed effects), removed iteratively; returns (fixed-effect name, mask) per fixed effect."""
    keep = keep.copy()
    out = {name: np.zeros(fe.nobs, dtype=bool) for name in fe.names}
    changed = True
    while changed:
        changed = False
        for q, name in enumerate(fe.names):
            c = fe.local(q)
            tot = np.bincount(c[keep], weights=y[keep], minlength=fe.n_groups[q])
            drop = keep & (tot[c] <= 0)
            if drop.any():
                out[name] |= drop
                keep &= ~drop
                changed = True
    return [(name, m) for name, m in out.items() if m.any()]


def zero_groups_once(y: np.ndarray, fe: FixedEffects, keep: np.ndarray) -> np.ndarray:
    """pyfixest's ``separation_check=["fe"]``: one pass, observations of groups with zero outcomes only."""
    drop = np.zeros(fe.nobs, dtype=bool)
    for q in range(len(fe.names)):
        c = fe.local(q)
        tot = np.bincount(c[keep], weights=y[keep], minlength=fe.n_groups[q])
        cnt = np.bincount(c[keep], minlength=fe.n_groups[q])
        drop |= keep & (tot[c] <= 0) & (cnt[c] > 0)
    return drop


# demeaning ---------------------------------------------------------------------------------------------------


class Demeaner:
    """Weighted alternating projections of columns on the fixed effects, accelerated, warm-startable."""

    def __init__(self, fe: FixedEffects, weights: np.ndarray):
        self.fe = fe
        self.w = np.ascontiguousarray(weights, dtype=np.float64)
        G = int(fe.offsets[-1])
        wsum = np.zeros(G)
        for q in range(len(fe.names)):
            lo, hi = fe.offsets[q], fe.offsets[q + 1]
            wsum[lo:hi] = _kernels.group_sums(fe.codes[q] - lo, hi - lo, self.w)
        with np.errstate(divide="ignore"):
            self.inv_wsum = np.where(wsum > 0, 1.0 / wsum, 0.0)

    def demean(self, v: np.ndarray, alpha: np.ndarray | None = None, *, tol: float = TARGET_INNER_TOL,
               maxiter: int = 100_000) -> tuple[np.ndarray, np.ndarray, int, bool]:
        """Residuals of the columns of ``v`` (N × K) after the weighted projection on the fixed effects.

        ``alpha`` (G × K) starts the iteration (warm start) and is updated in place; the criterion is the largest
        change of a group mean in a sweep relative to the column's weighted standard deviation. Returns
        (residuals, alpha, sweeps, converged)."""
        v = np.ascontiguousarray(v, dtype=np.float64)
        N, K = v.shape
        G = int(self.fe.offsets[-1])
        if alpha is None:
            alpha = np.zeros((G, K))
        r = np.empty_like(v)
        _kernels.residual(self.fe.codes, v, alpha, r)
        wn = self.w / self.w.sum()
        mean = wn @ v
        scale = np.sqrt(np.maximum(wn @ (v - mean) ** 2, 0.0))
        scale = np.where(scale > 0, scale, 1.0)
        thresh = tol * scale
        means = np.empty((G, K))
        threads = max(1, min(numba.get_num_threads(), N // 10_000 or 1))
        partial = np.empty((threads, G, K))
        bounds = np.linspace(0, N, threads + 1).astype(np.int64)
        args = (self.fe.codes, self.fe.offsets, self.w, self.inv_wsum)
        r1 = np.empty_like(r)
        sweeps = 0
        while sweeps < maxiter:
            a0 = alpha.copy()
            step = _kernels.sweep(*args, r, alpha, means, partial, bounds)
            sweeps += 1
            if np.all(step <= thresh):
                return r, alpha, sweeps, True
            a1 = alpha.copy()
            _kernels.copy_rows(r, r1, bounds)
            step = _kernels.sweep(*args, r, alpha, means, partial, bounds)
            sweeps += 1
            active = step > thresh
            if not active.any():
                return r, alpha, sweeps, True
            _kernels.irons_tuck(a0, a1, alpha, r1, r, active, bounds)
        return r, alpha, sweeps, False


# the estimator -----------------------------------------------------------------------------------------------


@dataclass
class PoissonFit:
    """What an IRLS fit leaves: coefficients, fitted values, the demeaned design of the last iteration (for the
    sandwich), convergence, and the warm-start state for a refit on the same structure."""

    beta: np.ndarray
    y: np.ndarray
    eta: np.ndarray
    mu: np.ndarray
    weights: np.ndarray  # Poisson weights μ at the estimate
    x_resid: np.ndarray  # regressors demeaned with those weights
    z_resid: np.ndarray  # demeaned working variable of the last iteration
    iterations: int
    converged: bool
    deviance: float
    sweeps: int
    collinear: list[int] = field(default_factory=list)
    state: dict = field(default_factory=dict, repr=False)

    @property
    def response_resid(self) -> np.ndarray:
        return self.y - self.mu


def deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(y == 0, 0.0, y * np.log(y / mu))
    return float(2 * np.sum(t - (y - mu)))


def collinear_columns(xx: np.ndarray, tol: float = COLLIN_TOL) -> list[int]:
    """Columns whose Cholesky pivot of X'X falls below ``tol`` (fixest's ``cpp_check_collinearity``, as pyfixest's
    ``find_collinear_variables``)."""
    K = xx.shape[0]
    R = np.zeros((K, K))
    excl: list[int] = []
    for j in range(K):
        rjj = xx[j, j] - sum(R[k, j] ** 2 for k in range(j) if k not in excl)
        if rjj < tol:
            excl.append(j)
            continue
        rjj = np.sqrt(rjj)
        R[j, j] = rjj
        for i in range(j + 1, K):
            val = xx[i, j] - sum(R[k, j] * R[k, i] for k in range(j) if k not in excl)
            R[j, i] = val / rjj
    return excl


def fit(y: np.ndarray, X: np.ndarray, fe: FixedEffects, *, offset: np.ndarray | None = None, tol: float = 1e-8,
        maxiter: int = 25, inner_tol: float = TARGET_INNER_TOL, start: dict | None = None) -> PoissonFit:
    """Poisson IRLS with fixed effects. ``y`` (N,), ``X`` (N × K, no constant), ``fe`` the structure.

    Converged when the relative change in deviance, |D − D_prev| / (0.1 + |D_prev|), falls below ``tol`` (fixest's
    and pyfixest's criterion) with the demeaning at its target tolerance. Starting values μ₀ = y + 0.001·ȳ (close
    to the data, as glm's y + 0.1 but free of the flow's unit), or ``start``: the ``state`` of an earlier fit on the
    same rows and fixed effects (refits of leads and lags, placebo draws, bootstraps). A step that lowers the
    likelihood is halved (as fixest). The demeaned regressors of the result are recomputed with the final weights,
    so the sandwich is evaluated at the estimate; collinear regressors found there are reported in ``collinear``
    (indices) and the fit is not marked converged, as the caller refuses such a specification.
    """
    y = np.asarray(y, dtype=np.float64)
    N = len(y)
    X = np.zeros((N, 0)) if X is None else np.asarray(X, dtype=np.float64).reshape(N, -1)
    K = X.shape[1]
    off = np.zeros(N) if offset is None else np.asarray(offset, dtype=np.float64)
    G = int(fe.offsets[-1])
    alpha = None
    if start is not None and len(start.get("eta", ())) == N:
        eta = np.array(start["eta"], dtype=np.float64)
        mu = np.exp(eta)
        a = start.get("alpha")
        if a is not None and a.shape == (G, K + 1):
            alpha = a.copy()
    else:
        mu = y + START_MU * y.mean()
        eta = np.log(mu)
    itol = max(inner_tol, START_INNER_TOL)
    last = deviance(y, mu)
    has_fe = fe.codes.shape[0] > 0
    sweeps = 0
    v = np.empty((N, K + 1))
    v[:, 1:] = X
    converged = False
    beta = np.zeros(K)
    it = 0
    r = v
    for it in range(1, maxiter + 1):  # noqa: B007 - reported after the loop
        v[:, 0] = eta - off + y / mu - 1.0
        if has_fe:
            r, alpha, n, _ok = Demeaner(fe, mu).demean(v, alpha, tol=itol)
            sweeps += n
        else:
            r = v.copy()
        xr, zr = r[:, 1:], r[:, 0]
        if K:
            wx = xr * mu[:, None]
            beta = np.linalg.lstsq(wx.T @ xr, wx.T @ zr, rcond=None)[0]  # collinear columns are caught below
            resid = zr - xr @ beta
        else:
            resid = zr
        eta_new = v[:, 0] - resid + off
        for _ in range(MAX_HALVING):
            mu_new = np.exp(eta_new)
            dev = deviance(y, mu_new)
            # starting values need not be a fit of this model (data, or a fit with other regressors): judge
            # only later steps by the deviance
            if np.isfinite(dev) and (it == 1 or dev <= last * (1 + 1e-10) + 1e-10):
                break
            eta_new = (eta_new + eta) / 2  # step halving: the full step lowered the likelihood
        eta, mu = eta_new, mu_new
        crit = abs(dev - last) / (0.1 + abs(last))
        last = dev
        if crit < tol and itol <= inner_tol:
            converged = True
            break
        while itol > inner_tol and crit < 10 * itol:
            itol = max(itol / 10, inner_tol)
        if crit < JUMP_CRIT:
            itol = inner_tol
    xr = r[:, 1:]
    if K and has_fe:
        # the regressors demeaned with the final weights to the target tolerance: the sandwich at the estimate,
        # and fixest's collinearity check on their cross-product
        xa = alpha[:, 1:].copy() if alpha is not None else None
        xr, _, n, _ok = Demeaner(fe, mu).demean(np.ascontiguousarray(X), xa, tol=inner_tol)
        sweeps += n
    elif K:
        xr = X - X.mean(axis=0)
    bad = collinear_columns(xr.T @ xr) if K else []
    state = {"eta": eta, "alpha": alpha}
    return PoissonFit(beta, y, eta, mu, mu, xr, r[:, 0], it, converged and not bad, last, sweeps, collinear=bad,
                      state=state)


def sandwich(fitres: PoissonFit, cluster: np.ndarray | None = None) -> tuple[np.ndarray, int | None]:
    """Score-based sandwich of a Poisson fit: clustered (CRV1, G/(G−1)) when ``cluster`` codes are given, else
    heteroskedasticity-robust without small-sample factor (pyfixest's ``ssc(k_adj=False)`` conventions).
    Returns (vcov, number of clusters)."""
    xr, w = fitres.x_resid, fitres.weights
    bread = np.linalg.inv((xr * w[:, None]).T @ xr)
    scores = fitres.response_resid[:, None] * xr
    if cluster is None:
        meat = scores.T @ scores
        return bread @ meat @ bread, None
    codes, uniq = pd.factorize(cluster, sort=False)
    G = len(uniq)
    sums = np.column_stack([np.bincount(codes, weights=scores[:, k], minlength=G) for k in range(scores.shape[1])])
    meat = sums.T @ sums
    return G / (G - 1) * (bread @ meat @ bread), G
