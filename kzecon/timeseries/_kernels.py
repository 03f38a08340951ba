"""Compiled kernels (numba) of :mod:`kzecon.timeseries.stattests`.

Why hand-written: the supF null distribution of the Bai–Perron test is simulated (50,000 Brownian bridges of 1,000
steps); in numpy each step of it (cumulative sum, bridge, squares, the weighted maximum) is a pass over a
5,000 × 1,000 × k block, 0.6 s of the simulation's 1.15 s beside the 0.55 s of drawing the normals. Here it is one
pass per path. The arithmetic is numpy's, operation for operation and in the same order (the sum over k
sequential, as numpy sums fewer than 8 terms; from 8 on numpy sums in blocks, so the caller keeps numpy there), so the
draws are the same to the last bit; tested against the numpy expressions (``tests/test_timeseries_tests.py``).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def supf_draws(z, grid, lo, hi, weight):
    """For each path i of the normal increments ``z`` (r × steps × k): with W the cumulative sum over steps divided by
    √steps and B = W − grid · W[last], max over t in [lo − 1, hi) of Σ_j B[t, j]² / weight[t − lo + 1], divided by k."""
    r, steps, k = z.shape
    out = np.empty(r)
    root = np.sqrt(steps)
    W = np.empty((steps, k))
    for i in range(r):
        for j in range(k):
            s = 0.0
            for t in range(steps):
                s += z[i, t, j]
                W[t, j] = s / root
        best = -np.inf
        for t in range(lo - 1, hi):
            q = 0.0
            for j in range(k):
                b = W[t, j] - grid[t] * W[steps - 1, j]
                q += b * b
            q = q / weight[t - lo + 1]
            if q > best:
                best = q
        out[i] = best / k
    return out
