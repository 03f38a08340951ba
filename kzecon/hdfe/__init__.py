"""High-dimensional fixed effects: factorised structures, the sample rules of fixed-effect models, and weighted
demeaning by accelerated alternating projections — shared by the PPML estimator (:mod:`kzecon.gravity.poisson`)
and the panel models' covariance (:mod:`kzecon.panel.models`).

Why hand-written: the demeaning must start from the previous solution (warm starts across IRLS iterations and
refits), which no kept library's demeaner offers (pyfixest's Rust demeaner starts from zero each call); the
kernels (:mod:`kzecon.hdfe._kernels`, numba) are tested against pyfixest and against exact within transformations.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np
import pandas as pd

from . import _kernels


@dataclass(frozen=True)
class FixedEffects:
    """Factorised fixed effects of N observations: ``codes`` (Q × N, int32, global group ids), ``offsets``
    (fixed effect q's groups are ``offsets[q]:offsets[q+1]``), ``names``."""

    names: tuple[str, ...]
    codes: np.ndarray
    offsets: np.ndarray

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, names: Sequence[str]) -> FixedEffects:
        """Fixed effects from columns of ``frame`` (one integer code per level)."""
        return cls.from_arrays([frame[n].to_numpy() for n in names], names)

    @classmethod
    def from_arrays(cls, arrays: Sequence[np.ndarray], names: Sequence[str]) -> FixedEffects:
        """Fixed effects from arrays of group labels, one per dimension."""
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
        """Number of observations."""
        return self.codes.shape[1]

    @property
    def n_groups(self) -> tuple[int, ...]:
        """Number of groups in each dimension."""
        return tuple(int(b - a) for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True))

    def local(self, q: int) -> np.ndarray:
        """The fixed effects restricted to the rows in ``mask``, codes renumbered."""
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


def constant_within(fe: FixedEffects, X: np.ndarray, rtol: float = 1e-12) -> dict[str, np.ndarray]:
    """For each fixed effect (by name), which columns of ``X`` (N × K) are constant within every one of its groups
    (to ``rtol`` times the column's largest absolute value): the regressors that fixed effect absorbs."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    tol = rtol * np.maximum(np.abs(X).max(axis=0, initial=0.0), 1e-300)
    return {name: ~_kernels.varies_within(fe.codes[q] - fe.offsets[q], fe.n_groups[q], X, tol)
            for q, name in enumerate(fe.names)}


# demeaning ---------------------------------------------------------------------------------------------------

#: Rows below which the demeaning runs on one thread (the serial kernels; no OpenMP pool is started). Measured in
#: BENCHMARKS.md: a second thread pays on the long annual panels, not on the Advanced Guide's 28,566 rows.
PARALLEL_MIN_ROWS = int(os.environ.get("KZECON_PARALLEL_MIN_ROWS", "200000"))


def _threads(nobs: int) -> int:
    """Threads for demeaning ``nobs`` rows: one below :data:`PARALLEL_MIN_ROWS` (without asking numba, so that
    its OpenMP pool is never started for small problems), else numba's thread count."""
    if nobs < PARALLEL_MIN_ROWS:
        return 1
    return max(1, numba.get_num_threads())


class _Serial:
    """The kernels compiled without threads (one chunk of rows)."""

    sweep, copy_rows = _kernels.sweep_serial, _kernels.copy_rows_serial
    irons_tuck, residual = _kernels.irons_tuck_serial, _kernels.residual_serial


def row_bounds(nobs: int) -> np.ndarray:
    """Row boundaries of one chunk per thread for ``nobs`` rows (one chunk below :data:`PARALLEL_MIN_ROWS`: the
    serial kernels' case)."""
    return np.linspace(0, nobs, _threads(nobs) + 1).astype(np.int64)


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

    def demean(self, v: np.ndarray, alpha: np.ndarray | None = None, *, tol: float = 1e-10,
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
        bounds = row_bounds(N)
        threads = len(bounds) - 1
        k = _kernels if threads > 1 else _Serial
        sweep, copy_rows, irons_tuck = k.sweep, k.copy_rows, k.irons_tuck
        r = np.empty_like(v)
        k.residual(self.fe.codes, v, alpha, r, bounds)
        wn = self.w / self.w.sum()
        scale = _kernels.weighted_sd(v, wn)
        scale = np.where(scale > 0, scale, 1.0)
        thresh = tol * scale
        means = np.empty((G, K))
        partial = np.empty((threads, G, K))
        args = (self.fe.codes, self.fe.offsets, self.w, self.inv_wsum)
        r1 = np.empty_like(r)
        sweeps = 0
        while sweeps < maxiter:
            a0 = alpha.copy()
            step = sweep(*args, r, alpha, means, partial, bounds)
            sweeps += 1
            if np.all(step <= thresh):
                return r, alpha, sweeps, True
            a1 = alpha.copy()
            copy_rows(r, r1, bounds)
            step = sweep(*args, r, alpha, means, partial, bounds)
            sweeps += 1
            active = step > thresh
            if not active.any():
                return r, alpha, sweeps, True
            irons_tuck(a0, a1, alpha, r1, r, active, bounds)
        return r, alpha, sweeps, False


def within(values: np.ndarray, fe: FixedEffects, weights: np.ndarray | None = None, tol: float = 1e-12) -> np.ndarray:
    """The columns of ``values`` with the (weighted) projection on the fixed effects removed: the within
    transformation of any number of fixed effects, balanced panel or not."""
    v = np.asarray(values, dtype=np.float64)
    flat = v.ndim == 1
    v = v.reshape(len(v), -1)
    w = np.ones(len(v)) if weights is None else np.asarray(weights, dtype=np.float64)
    r, _alpha, _n, ok = Demeaner(fe, w).demean(v, tol=tol)
    if not ok:  # pragma: no cover - the sweep limit is far above what any panel needs
        raise RuntimeError("demeaning did not converge")
    return r[:, 0] if flat else r
