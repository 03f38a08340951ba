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

from kzecon.errors import UsageError

from . import _kernels


@dataclass(frozen=True)
class FixedEffects:
    """Factorised fixed effects of N observations: ``codes`` (Q × N, int32, global group ids), ``offsets``
    (fixed effect q's groups are ``offsets[q]:offsets[q+1]``), ``names``.

    Build one with :meth:`from_frame` or :meth:`from_arrays`; the structure is immutable and reused across fits.

    Attributes
    ----------
    names : tuple of str
        The Q fixed effects' names.
    codes : ndarray
        Q × N int32 group ids, global across fixed effects (fixed effect q's ids run from ``offsets[q]``).
    offsets : ndarray
        Q + 1 int64 boundaries of each fixed effect's ids.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon import hdfe
    >>> fe = hdfe.FixedEffects.from_arrays([np.array(["a", "a", "b", "b", "c"]), np.array([1, 2, 1, 2, 1])],
    ...                                    ["entity", "year"])
    >>> fe.codes.tolist(), fe.offsets.tolist(), fe.n_groups
    ([[0, 0, 1, 1, 2], [3, 4, 3, 4, 3]], [0, 3, 5], (3, 2))
    """

    names: tuple[str, ...]
    codes: np.ndarray
    offsets: np.ndarray

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, names: Sequence[str]) -> FixedEffects:
        """Fixed effects from columns of ``frame`` (one integer code per level).

        Parameters
        ----------
        frame : DataFrame
            The data.
        names : sequence of str
            The columns, one per fixed effect (any dtype; levels coded in order of first appearance).

        Returns
        -------
        FixedEffects

        Raises
        ------
        KeyError
            A name is not a column of ``frame``.

        Examples
        --------
        >>> import pandas as pd
        >>> from kzecon.hdfe import FixedEffects
        >>> f = pd.DataFrame({"entity": ["a", "a", "b"], "year": [1, 2, 1]})
        >>> FixedEffects.from_frame(f, ["entity", "year"]).codes.tolist()
        [[0, 0, 1], [2, 3, 2]]
        """
        return cls.from_arrays([frame[n].to_numpy() for n in names], names)

    @classmethod
    def from_arrays(cls, arrays: Sequence[np.ndarray], names: Sequence[str]) -> FixedEffects:
        """Fixed effects from arrays of group labels, one per dimension.

        Parameters
        ----------
        arrays : sequence of array-like
            Q arrays of N group labels each (any hashable values; no missing labels: drop those rows first).
        names : sequence of str
            The Q fixed effects' names.

        Returns
        -------
        FixedEffects
            Levels coded in order of first appearance.

        Examples
        --------
        >>> import numpy as np
        >>> from kzecon import hdfe
        >>> fe = hdfe.FixedEffects.from_arrays([np.array(["a", "a", "b", "b", "c"]), np.array([1, 2, 1, 2, 1])],
        ...                                    ["entity", "year"])
        >>> fe.nobs, fe.names
        (5, ('entity', 'year'))
        """
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
        """Number of observations N."""
        return self.codes.shape[1]

    @property
    def n_groups(self) -> tuple[int, ...]:
        """Number of groups of each fixed effect, a tuple of Q ints."""
        return tuple(int(b - a) for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True))

    def local(self, q: int) -> np.ndarray:
        """Fixed effect ``q``'s group codes on their own scale, 0…G_q−1 (the global ids minus ``offsets[q]``).

        Parameters
        ----------
        q : int
            Position of the fixed effect in :attr:`names` (0-based).

        Returns
        -------
        ndarray of int64
            N codes.

        Examples
        --------
        >>> import numpy as np
        >>> from kzecon import hdfe
        >>> fe = hdfe.FixedEffects.from_arrays([np.array(["a", "a", "b", "b", "c"]), np.array([1, 2, 1, 2, 1])],
        ...                                    ["entity", "year"])
        >>> fe.local(1).tolist()
        [0, 1, 0, 1, 0]
        """
        return (self.codes[q] - self.offsets[q]).astype(np.int64)

    def subset(self, keep: np.ndarray) -> FixedEffects:
        """The structure of the kept observations, groups renumbered densely (in order of first appearance).

        Parameters
        ----------
        keep : ndarray of bool
            N flags: the observations to keep (an integer index array works too).

        Returns
        -------
        FixedEffects
            The structure of the kept rows; groups left empty disappear.

        Examples
        --------
        >>> import numpy as np
        >>> from kzecon import hdfe
        >>> fe = hdfe.FixedEffects.from_arrays([np.array(["a", "a", "b", "b", "c"]), np.array([1, 2, 1, 2, 1])],
        ...                                    ["entity", "year"])
        >>> fe.subset(np.array([True, True, False, True, True])).codes.tolist()
        [[0, 0, 1, 2], [3, 4, 4, 3]]
        """
        local = []
        for q in range(len(self.names)):
            c = self.local(q)[keep]
            local.append(pd.factorize(c, sort=False)[0])
        return self._from_local(local, self.names)


# sample rules ------------------------------------------------------------------------------------------------


def singletons(fe: FixedEffects) -> np.ndarray:
    """Observations alone in a group of some fixed effect, found iteratively (removing one can create another),
    as pyfixest and fixest: a boolean mask of the observations to remove.

    Parameters
    ----------
    fe : FixedEffects
        The structure of the sample.

    Returns
    -------
    ndarray of bool
        N flags, True for the singletons to remove.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon import hdfe
    >>> fe = hdfe.FixedEffects.from_arrays([np.array(["a", "a", "b", "b", "c"]), np.array([1, 2, 1, 2, 1])],
    ...                                    ["entity", "year"])
    >>> hdfe.singletons(fe).tolist()
    [False, False, False, False, True]
    """
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
    the fixed effects), removed iteratively; returns (fixed-effect name, mask) per fixed effect.

    Parameters
    ----------
    y : ndarray
        The outcome (N,), ≥ 0.
    fe : FixedEffects
        The structure.
    keep : ndarray of bool
        N flags: the observations still in the sample (not changed).

    Returns
    -------
    list of (str, ndarray of bool)
        Per fixed effect that removes any, its name and the N-long mask of the observations it removes (the masks
        are disjoint); an empty list when none.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon import hdfe
    >>> fe = hdfe.FixedEffects.from_arrays([np.array(["a", "a", "b", "b", "c"]), np.array([1, 2, 1, 2, 1])],
    ...                                    ["entity", "year"])
    >>> y = np.array([0.0, 0.0, 1.0, 2.0, 3.0])
    >>> [(name, mask.tolist()) for name, mask in hdfe.zero_groups(y, fe, np.ones(5, dtype=bool))]
    [('entity', [True, True, False, False, False])]
    """
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
    """pyfixest's ``separation_check=["fe"]``: one pass, observations of groups with zero outcomes only.

    Parameters
    ----------
    y : ndarray
        The outcome (N,), ≥ 0.
    fe : FixedEffects
        The structure.
    keep : ndarray of bool
        N flags: the observations in the sample.

    Returns
    -------
    ndarray of bool
        N flags, True for observations in a group of some fixed effect whose kept outcomes are all zero.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon import hdfe
    >>> fe = hdfe.FixedEffects.from_arrays([np.array(["a", "a", "b", "b", "c"]), np.array([1, 2, 1, 2, 1])],
    ...                                    ["entity", "year"])
    >>> hdfe.zero_groups_once(np.array([0.0, 0.0, 1.0, 2.0, 3.0]), fe, np.ones(5, dtype=bool)).tolist()
    [True, True, False, False, False]
    """
    drop = np.zeros(fe.nobs, dtype=bool)
    for q in range(len(fe.names)):
        c = fe.local(q)
        tot = np.bincount(c[keep], weights=y[keep], minlength=fe.n_groups[q])
        cnt = np.bincount(c[keep], minlength=fe.n_groups[q])
        drop |= keep & (tot[c] <= 0) & (cnt[c] > 0)
    return drop


def constant_within(fe: FixedEffects, X: np.ndarray, rtol: float = 1e-12) -> dict[str, np.ndarray]:
    """For each fixed effect (by name), which columns of ``X`` (N × K) are constant within every one of its groups
    (to ``rtol`` times the column's largest absolute value): the regressors that fixed effect absorbs.

    Parameters
    ----------
    fe : FixedEffects
        The structure.
    X : ndarray
        N × K regressors.
    rtol : float, default 1e-12
        Relative tolerance of "constant".

    Returns
    -------
    dict of str to ndarray of bool
        Fixed-effect name → K flags.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon import hdfe
    >>> fe = hdfe.FixedEffects.from_arrays([np.array(["a", "a", "b", "b", "c"]), np.array([1, 2, 1, 2, 1])],
    ...                                    ["entity", "year"])
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0], [2.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> {k: v.tolist() for k, v in hdfe.constant_within(fe, X).items()}
    {'entity': [True, False], 'year': [False, True]}
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    # the largest absolute value from the column maxima and minima: no N × K temporary (np.abs(X) was most of the
    # check's time on the DOTS panel)
    big = np.maximum(X.max(axis=0, initial=0.0), -X.min(axis=0, initial=0.0))
    tol = rtol * np.maximum(big, 1e-300)
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

    sweep = _kernels.sweep_serial
    residual, weighted_sd = _kernels.residual_serial, _kernels.weighted_sd_serial
    put_columns, take_columns = _kernels.put_columns_serial, _kernels.take_columns_serial


def row_bounds(nobs: int) -> np.ndarray:
    """Row boundaries of one chunk per thread for ``nobs`` rows (one chunk below :data:`PARALLEL_MIN_ROWS`: the
    serial kernels' case).

    Parameters
    ----------
    nobs : int
        Number of rows.

    Returns
    -------
    ndarray of int64
        Chunk boundaries, from 0 to ``nobs``.

    Examples
    --------
    >>> from kzecon import hdfe
    >>> hdfe.row_bounds(10).tolist()
    [0, 10]
    """
    return np.linspace(0, nobs, _threads(nobs) + 1).astype(np.int64)


#: A column leaves the demeaning's working set once its step is below this fraction of its threshold: a column that
#: merely met the threshold while others went on was swept further before, and the estimates of warm-started fits
#: (whose columns converge sweeps apart) moved by up to 1e-7 relative when it left at the threshold itself.
LEAVE = 0.1


class Demeaner:
    """Weighted alternating projections of columns on the fixed effects, accelerated, warm-startable.

    Parameters
    ----------
    fe : FixedEffects
        The structure.
    weights : ndarray
        N non-negative observation weights (the Poisson weights μ in IRLS; ones for unweighted demeaning).

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon import hdfe
    >>> fe = hdfe.FixedEffects.from_arrays([np.array(["a", "a", "b", "b", "c"]), np.array([1, 2, 1, 2, 1])],
    ...                                    ["entity", "year"])
    >>> r, alpha, sweeps, ok = hdfe.Demeaner(fe, np.ones(5)).demean(np.array([[1.0], [2.0], [3.0], [5.0], [4.0]]))
    >>> r.ravel().round(3).tolist(), ok
    ([0.25, -0.25, -0.25, 0.25, 0.0], True)
    """

    def __init__(self, fe: FixedEffects, weights: np.ndarray):
        self.fe = fe
        self.w = np.ascontiguousarray(weights, dtype=np.float64)
        wsum = _kernels.all_group_sums(fe.codes, int(fe.offsets[-1]), self.w)
        with np.errstate(divide="ignore"):
            self.inv_wsum = np.where(wsum > 0, 1.0 / wsum, 0.0)

    def demean(self, v: np.ndarray, alpha: np.ndarray | None = None, *, tol: float = 1e-10,
               maxiter: int = 100_000, out: np.ndarray | None = None,
               scratch: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, int, bool]:
        """Residuals of the columns of ``v`` (N × K) after the weighted projection on the fixed effects.

        ``alpha`` (G × K) starts the iteration (warm start) and is updated in place; the criterion is the largest
        change of a group mean in a sweep relative to the column's weighted standard deviation. Returns
        (residuals, alpha, sweeps, converged).

        Parameters
        ----------
        v : ndarray
            N × K columns to demean (float; copied if not contiguous).
        alpha : ndarray, optional
            G × K fixed-effect coefficients to start from (G = all groups of all fixed effects), updated in place.
            Default None: zeros.
        tol : float, default 1e-10
            Convergence tolerance, relative to each column's weighted standard deviation.
        maxiter : int, default 100000
            The most sweeps.
        out, scratch : ndarray, optional
            N × K float64 C-order arrays, distinct from ``v`` and from each other: ``out`` receives the residuals
            (and is returned), ``scratch`` is overwritten. A caller that demeans again and again (the IRLS of
            :mod:`kzecon.gravity.poisson`) passes the same two arrays each time: fresh ones cost a page fault per
            4 kB written (about 5 ms for the DOTS panel's 757,533 × 5). Default None: new arrays.

        Returns
        -------
        tuple of (ndarray, ndarray, int, bool)
            Residuals (N × K), the coefficients ``alpha`` (G × K), sweeps done, whether it converged (not raised:
            the caller decides).

        Raises
        ------
        UsageError
            ``out`` or ``scratch`` is not an N × K float64 C-order array apart from ``v``, or both are one array.
        """
        v = np.ascontiguousarray(v, dtype=np.float64)
        N, K = v.shape
        G = int(self.fe.offsets[-1])
        if alpha is None:
            alpha = np.zeros((G, K))
        bounds = row_bounds(N)
        threads = len(bounds) - 1
        k = _kernels if threads > 1 else _Serial
        sweep = k.sweep
        r = _buffer(out, v, "out")  # the residuals; the first sweep's first pass computes those of the starting alpha
        r1 = _buffer(scratch, v, "scratch")  # the acceleration's earlier iterate (and the working set, below)
        if np.shares_memory(r, r1):
            raise UsageError("out and scratch must be two arrays")
        spare = r1.reshape(-1)
        scale = k.weighted_sd(v, self.w, bounds)
        scale = np.where(scale > 0, scale, 1.0)
        thresh = tol * scale
        if maxiter < 1:
            k.residual(self.fe.codes, v, alpha, r, bounds)
            return r, alpha, 0, False
        # the working set: the columns not yet converged (``cols``, their positions in v). Once at least half of
        # them have a step below LEAVE times their threshold at the end of an accelerated pair of sweeps, those are
        # written out and left alone; the others go on in the same buffers, compacted (a move costs about a quarter
        # of a sweep, so never for a column or two of many). On the DOTS placebo refits a third of the sweeps then
        # run on one or two columns of five, at half the cost of a sweep of all five (BENCHMARKS.md).
        cols, a, columns, result = np.arange(K), alpha, v, None
        means, partial = np.empty((G, K)), np.empty((threads, G, K))
        args = (self.fe.codes, self.fe.offsets, self.w, self.inv_wsum)
        sweeps, first, c, done = 0, 1, np.zeros(K), False
        while sweeps < maxiter:
            a0 = a.copy()
            step = sweep(*args, r, a, means, partial, bounds, r1, True, v, first, c)
            sweeps += 1
            if np.all(step <= thresh):
                done = True
                break
            a1 = a.copy()
            step = sweep(*args, r, a, means, partial, bounds, r1, False, v, 0, c)
            sweeps += 1
            active = step > thresh
            if not active.any():
                done = True
                break
            stay = step > LEAVE * thresh
            if 2 * stay.sum() <= len(stay):  # half the columns or more converged well: out of the working set
                keep = np.flatnonzero(stay)
                J = len(keep)
                _kernels.compact_columns(r1, keep)
                r1 = _front(r1, (N, J))
                if result is None:  # the converged columns stay where they are; the working set moves out, into
                    result = r  # the scratch array behind r1 (at most half its columns each)
                    r = spare[N * J: 2 * N * J].reshape(N, J)
                    k.take_columns(result, keep, r, bounds)
                else:
                    _put(k, result, alpha, r, a, cols, ~stay, bounds)
                    _kernels.compact_columns(r, keep)
                    r = _front(r, (N, J))
                cols, thresh = cols[keep], thresh[keep]
                a, a0, a1 = a[:, keep], a0[:, keep], a1[:, keep]
                means, partial = _front(means, (G, J)), _front(partial, (threads, G, J))  # scratch
                v, active = r, active[keep]  # v is read only by a first pass with ``first`` = 1 (the first sweep)
            c = _kernels.irons_tuck(a0, a1, a, active)  # the residuals follow in the next sweep's first pass
            first = 2
        if not done and first == 2:  # the sweep limit came right after an extrapolation: bring the residuals up to date
            k.residual(self.fe.codes, np.ascontiguousarray(columns[:, cols]), a, r, bounds)
        if result is None:  # no column left early: the working arrays are the caller's
            return r, alpha, sweeps, done
        _put(k, result, alpha, r, a, cols, np.ones(len(cols), dtype=bool), bounds)
        return result, alpha, sweeps, done


def _buffer(x: np.ndarray | None, like: np.ndarray, name: str) -> np.ndarray:
    """``x`` checked to be an array of ``like``'s shape, float64, C order and not ``like`` itself; a new one if
    None."""
    if x is None:
        return np.empty_like(like)
    if not (isinstance(x, np.ndarray) and x.shape == like.shape and x.dtype == np.float64 and x.flags.c_contiguous
            and x.flags.writeable and not np.shares_memory(x, like)):
        raise UsageError(f"{name} must be a writeable {like.shape[0]} × {like.shape[1]} float64 C-order array apart "
                         "from the columns")
    return x


def _front(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The start of ``x``'s (C-order) buffer as a C-order array of ``shape`` (a view)."""
    return x.reshape(-1)[: int(np.prod(shape))].reshape(shape)


def _put(k, out: np.ndarray, alpha: np.ndarray, r: np.ndarray, a: np.ndarray, cols: np.ndarray, which: np.ndarray,
         bounds: np.ndarray) -> None:
    """Write the working set's columns ``which`` (residuals ``r``, coefficients ``a``) into the caller's arrays at
    their positions ``cols``; ``k``: the kernels (threaded or serial)."""
    if a is not alpha:
        alpha[:, cols[which]] = a[:, which]
    k.put_columns(out, r, cols[which], np.flatnonzero(which), bounds)


def within(values: np.ndarray, fe: FixedEffects, weights: np.ndarray | None = None, tol: float = 1e-12) -> np.ndarray:
    """The columns of ``values`` with the (weighted) projection on the fixed effects removed: the within
    transformation of any number of fixed effects, balanced panel or not.

    Parameters
    ----------
    values : ndarray
        N values, or N × K columns.
    fe : FixedEffects
        The structure.
    weights : ndarray, optional
        N observation weights. Default None: equal weights.
    tol : float, default 1e-12
        Demeaning tolerance (relative to each column's weighted s.d.).

    Returns
    -------
    ndarray
        The residuals, shaped as ``values``.

    Raises
    ------
    RuntimeError
        The demeaning did not converge (not met in practice: the sweep limit is far above what panels need).

    Examples
    --------
    Two-way within transformation of an unbalanced panel:

    >>> import numpy as np
    >>> from kzecon import hdfe
    >>> fe = hdfe.FixedEffects.from_arrays([np.array(["a", "a", "b", "b", "c"]), np.array([1, 2, 1, 2, 1])],
    ...                                    ["entity", "year"])
    >>> hdfe.within(np.array([1.0, 2.0, 3.0, 5.0, 4.0]), fe).round(3).tolist()
    [0.25, -0.25, -0.25, 0.25, 0.0]
    """
    v = np.asarray(values, dtype=np.float64)
    flat = v.ndim == 1
    v = v.reshape(len(v), -1)
    w = np.ones(len(v)) if weights is None else np.asarray(weights, dtype=np.float64)
    r, _alpha, _n, ok = Demeaner(fe, w).demean(v, tol=tol)
    if not ok:  # pragma: no cover - the sweep limit is far above what any panel needs
        raise RuntimeError("demeaning did not converge")
    return r[:, 0] if flat else r
