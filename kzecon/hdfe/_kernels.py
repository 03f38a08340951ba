"""Compiled kernels (numba) for weighted alternating projections on high-dimensional fixed effects.

Why hand-written: pyfixest's demeaner is called afresh in every IRLS iteration of ``fepois`` and cannot be
started from the previous iteration's fixed-effect solution (profile in BENCHMARKS.md: 95% of a three-way PPML
fit in the demeaner, 12 IRLS iterations, each demeaning from scratch). These kernels keep the fixed-effect
coefficients of every column between calls, so the estimators that use :mod:`kzecon.hdfe` can warm-start.

Layout: ``codes`` is a (Q, N) int32 array of *global* group ids (fixed effect q's groups occupy
``offsets[q]:offsets[q + 1]``), ``r`` the (N, K) residuals of the K columns being demeaned (changed in place),
``alpha`` the (G, K) fixed-effect coefficients (changed in place). A sweep is one Gauss–Seidel pass over the Q
fixed effects: each group's weighted mean of the current residual is added to its coefficient and removed
from the residual — the method of alternating projections (Gaure 2013; fixest, Bergé 2018).
"""

from __future__ import annotations

import os
import types

# OpenMP's default wait policy keeps idle worker threads spinning for a while after each parallel region; on a busy
# machine (another job on the other core) the spinning thread takes the time of the thread that has work, and fits
# ran 2-15x slower than on one thread (BENCHMARKS.md). Passive waiting is set before numba's OpenMP layer is
# loaded (it is loaded at the first parallel launch, which reads the variable then); a user's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
from numba import njit, prange  # noqa: E402


@njit(cache=True, inline="always")
def _row_residual(codes, v, alpha, r, i):
    """r[i] = v[i] − Σ_q alpha[codes[q, i]]: row i's residual implied by the coefficients (inlined where it is
    called: :func:`residual`, and the first pass of a warm-started :func:`sweep`)."""
    for k in range(v.shape[1]):
        r[i, k] = v[i, k]
    for q in range(codes.shape[0]):
        g = codes[q, i]
        for k in range(v.shape[1]):
            r[i, k] -= alpha[g, k]


@njit(cache=True, parallel=True)
def sweep(codes, offsets, w, inv_wsum, r, alpha, means, partial, bounds, r_copy, copy, v, first, c):
    """One Gauss–Seidel pass over all fixed effects; returns the largest absolute group mean removed for each
    column (the size of the step, the convergence criterion).

    Rows are split into ``len(bounds) - 1`` chunks, one per thread, each accumulating group sums into its own
    slice of ``partial`` (threads × G × K); removing fixed effect q's means is fused with accumulating fixed
    effect q + 1's sums, so a sweep reads the rows Q + 1 times instead of 2Q. The first pass also brings the
    residuals up to date with the coefficients: ``first`` = 1 computes them from the columns ``v`` (r = v −
    Σ_q alpha[codes[q]]: a warm start's residual), ``first`` = 2 applies the acceleration's extrapolation
    r − c·(r − r_copy) that :func:`irons_tuck` left to it (0: as they are); with ``copy``, the last pass also
    writes the residuals into ``r_copy`` (the acceleration's earlier iterate). Neither needs a pass of its own.
    """
    Q, N = codes.shape
    K = r.shape[1]
    T = bounds.shape[0] - 1
    step = np.zeros(K)
    for q in range(Q):
        lo = offsets[q]
        hi = offsets[q + 1]
        cq = codes[q]
        for t in prange(T):
            part = partial[t]
            for g in range(lo, hi):
                for k in range(K):
                    part[g, k] = 0.0
            if q == 0:
                for i in range(bounds[t], bounds[t + 1]):
                    if first == 1:  # the starting coefficients' residual
                        _row_residual(codes, v, alpha, r, i)
                    elif first == 2:  # the acceleration's extrapolation
                        for k in range(K):
                            r[i, k] -= c[k] * (r[i, k] - r_copy[i, k])
                    g = cq[i]
                    wi = w[i]
                    for k in range(K):
                        part[g, k] += wi * r[i, k]
            else:
                cp = codes[q - 1]
                for i in range(bounds[t], bounds[t + 1]):
                    g = cq[i]
                    gp = cp[i]
                    wi = w[i]
                    for k in range(K):
                        x = r[i, k] - means[gp, k]
                        r[i, k] = x
                        part[g, k] += wi * x
        for g in range(lo, hi):
            s = inv_wsum[g]
            for k in range(K):
                acc = 0.0
                for t in range(T):
                    acc += partial[t, g, k]
                m = acc * s
                means[g, k] = m
                alpha[g, k] += m
                a = abs(m)
                if a > step[k]:
                    step[k] = a
    cl = codes[Q - 1]
    for t in prange(T):
        for i in range(bounds[t], bounds[t + 1]):
            g = cl[i]
            for k in range(K):
                x = r[i, k] - means[g, k]
                r[i, k] = x
                if copy:
                    r_copy[i, k] = x
    return step


@njit(cache=True, parallel=True)
def residual(codes, v, alpha, r, bounds):
    """r = v − Σ_q alpha[codes[q]] (the residual implied by the coefficients), in one pass over the rows."""
    T = bounds.shape[0] - 1
    for t in prange(T):
        for i in range(bounds[t], bounds[t + 1]):
            _row_residual(codes, v, alpha, r, i)


@njit(cache=True, nogil=True)
def irons_tuck(a0, a1, a2, active):
    """Irons & Tuck (1969) extrapolation of the fixed-point iteration a → F(a), column by column, applied to the
    coefficients (a0, a1 = F(a0), a2 = F(a1)): a2 is overwritten with a2 − c·(a2 − a1) and c (K,) returned, for
    :func:`sweep` to apply to the residuals (affine in the coefficients) in its first pass. Columns where
    ``active`` is False, or where the second difference vanishes, keep a2 (c = 0)."""
    G, K = a0.shape
    c = np.zeros(K)
    for k in range(K):
        if not active[k]:
            continue
        num = 0.0
        den = 0.0
        for g in range(G):
            d1 = a2[g, k] - a1[g, k]
            d2 = d1 - (a1[g, k] - a0[g, k])
            num += d2 * d1
            den += d2 * d2
        if den > 0.0 and np.isfinite(num / den):
            c[k] = num / den
    for g in range(G):
        for k in range(K):
            a2[g, k] -= c[k] * (a2[g, k] - a1[g, k])
    return c


@njit(cache=True, nogil=True)
def all_group_sums(codes, n_groups, w):
    """The weight sum of every group of every fixed effect (global ids), in one pass over the rows."""
    Q, N = codes.shape
    out = np.zeros(n_groups)
    for i in range(N):
        wi = w[i]
        for q in range(Q):
            out[codes[q, i]] += wi
    return out


@njit(cache=True, nogil=True)
def varies_within(codes_q, n_groups, X, tol):
    """For each column of X (N × K): does it differ, by more than ``tol[k]``, from the first value of its group in
    some group of this fixed effect? One pass over the rows; stops once every column is known to vary."""
    N, K = X.shape
    first = np.empty((n_groups, K))
    seen = np.zeros(n_groups, dtype=np.bool_)
    varies = np.zeros(K, dtype=np.bool_)
    left = K
    for i in range(N):
        g = codes_q[i]
        if not seen[g]:
            seen[g] = True
            for k in range(K):
                first[g, k] = X[i, k]
            continue
        for k in range(K):
            if not varies[k] and abs(X[i, k] - first[g, k]) > tol[k]:
                varies[k] = True
                left -= 1
        if left == 0:
            break
    return varies


@njit(cache=True, parallel=True)
def weighted_sd(v, w, bounds):
    """Weighted standard deviation of each column of ``v`` (N × K, C order; weights ``w``), in two passes over the
    rows without temporaries, each split into the ``bounds`` chunks (one per thread) that sum into local arrays
    (summing into a shared (threads × K) array made the threads write to one cache line: 4x slower)."""
    N, K = v.shape
    T = bounds.shape[0] - 1
    part = np.zeros((T, K))
    wpart = np.zeros(T)
    for t in prange(T):
        acc = np.zeros(K)
        wacc = 0.0
        for i in range(bounds[t], bounds[t + 1]):
            wi = w[i]
            wacc += wi
            for k in range(K):
                acc[k] += wi * v[i, k]
        part[t] = acc
        wpart[t] = wacc
    wsum = wpart.sum()
    mean = np.zeros(K)
    for k in range(K):
        for t in range(T):
            mean[k] += part[t, k]
        mean[k] /= wsum
    ss = np.zeros((T, K))
    for t in prange(T):
        acc = np.zeros(K)
        for i in range(bounds[t], bounds[t + 1]):
            wi = w[i]
            for k in range(K):
                d = v[i, k] - mean[k]
                acc[k] += wi * d * d
        ss[t] = acc
    out = np.zeros(K)
    for k in range(K):
        acc = 0.0
        for t in range(T):
            acc += ss[t, k]
        out[k] = np.sqrt(max(acc / wsum, 0.0))
    return out


@njit(cache=True, nogil=True)
def compact_columns(x, keep):
    """Keep the columns ``keep`` (increasing) of ``x`` (N × K, C order) in place: the first N·J elements of its
    buffer become x[:, keep] as an N × J C-order array (J = len(keep)). In one forward pass: element (i, j) moves to
    i·J + j, never after its source i·K + keep[j], and every later source lies after both. The caller takes the
    view; ``x`` itself no longer holds its old columns."""
    N, K = x.shape
    J = keep.shape[0]
    flat = x.reshape(N * K)
    for i in range(N):
        for j in range(J):
            flat[i * J + j] = flat[i * K + keep[j]]


@njit(cache=True, parallel=True)
def take_columns(x, keep, out, bounds):
    """out[:, j] = x[:, keep[j]] (``out`` N × len(keep), C order): numpy's fancy indexing of a C-order array's
    columns is 5x slower."""
    J = keep.shape[0]
    T = bounds.shape[0] - 1
    for t in prange(T):
        for i in range(bounds[t], bounds[t + 1]):
            for j in range(J):
                out[i, j] = x[i, keep[j]]


@njit(cache=True, parallel=True)
def put_columns(dst, src, to, frm, bounds):
    """dst[:, to] = src[:, frm] (column positions), in place."""
    J = to.shape[0]
    T = bounds.shape[0] - 1
    for t in prange(T):
        for i in range(bounds[t], bounds[t + 1]):
            for j in range(J):
                dst[i, to[j]] = src[i, frm[j]]


# The same kernels compiled without threads, for problems too small for a second thread to pay: a parallel kernel
# wakes the OpenMP pool on every call even when it has one chunk of work.


def serial_twin(kernel, **options):
    """``kernel`` (a parallel numba function) compiled again without threads, under a name of its own.

    numba's on-disk cache identifies a function by its module, qualified name and line and an entry by the argument
    types only — not by ``parallel``. Compiled from the same Python function under the same name, the serial and
    the threaded kernels shared one cache entry, and whichever was compiled first was loaded for both: the threaded
    sweeps then ran on one core (seen 2026-12-07: 100% CPU, the same time with 1 or 2 threads). The twin is a copy of
    the function whose qualified name ends in ``_serial``.

    Parameters
    ----------
    kernel : numba dispatcher
        A function compiled with ``njit(parallel=True)``.
    **options
        Further options of :func:`numba.njit` (``cache=True`` and ``nogil=True`` are set).

    Returns
    -------
    numba dispatcher
        The serial compilation, cached apart from the threaded one.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.hdfe import _kernels
    >>> _kernels.sweep_serial.py_func.__qualname__
    'sweep_serial'
    >>> bounds = np.array([0, 3])
    >>> r = np.empty((3, 1))
    >>> _kernels.residual_serial(np.zeros((1, 3), dtype=np.int32), np.ones((3, 1)), np.full((1, 1), 0.5), r, bounds)
    >>> r.ravel().tolist()
    [0.5, 0.5, 0.5]
    """
    f = kernel.py_func
    twin = types.FunctionType(f.__code__, f.__globals__, f.__name__ + "_serial", f.__defaults__, f.__closure__)
    twin.__qualname__ = f.__qualname__ + "_serial"
    twin.__doc__ = f.__doc__
    return njit(cache=True, nogil=True, **options)(twin)


sweep_serial = serial_twin(sweep)
residual_serial = serial_twin(residual)
weighted_sd_serial = serial_twin(weighted_sd)
put_columns_serial = serial_twin(put_columns)
take_columns_serial = serial_twin(take_columns)
