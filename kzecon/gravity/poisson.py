"""PPML with high-dimensional fixed effects: kzecon's fast estimator (the default ``backend="kzecon"``).

The algorithm is the one of Stata's ``ppmlhdfe`` (Correia, Guimarães & Zylkin 2020), fixest's and pyfixest's
``fepois``: iteratively reweighted least squares (IRLS) in which, at every iteration, the working variable and the
regressors are demeaned with the current Poisson weights by alternating projections over the fixed effects.
Why not pyfixest: a profile of its three-way gravity fit finds 95% of the time in its demeaner, called afresh in
each of 12 IRLS iterations (BENCHMARKS.md). Here:

1. **starting values** μ₀ = y + 10⁻⁵·ȳ, close to the data (as glm's and fixest's y + 0.1, but free of the flow's
   unit), where ppmlhdfe and pyfixest start from (y + ȳ)/2: 6–8 IRLS iterations instead of 12 on the benchmark
   panels, and 9 instead of 14 (with 10⁻³·ȳ) on the IMF DOTS panel, whose many zero flows end with tiny means;
2. **warm starts** — the fixed-effect coefficients of every demeaned column are kept from one IRLS iteration to
   the next, so each demeaning starts from the previous solution instead of from zero (as fixest does);
3. **adaptive inner tolerance** — the demeaning tolerance starts loose (1e-3) and is tightened tenfold whenever
   the IRLS criterion comes within ten times of it, and to its target (1e-7, at most ten times the IRLS tolerance)
   once the criterion is below 1e-5 (ppmlhdfe's scheme). The target can be far above the coefficients' precision:
   their error is of second order in the demeaning's, as fixest's 1e-6 fixed-effect tolerance shows;
4. **Irons–Tuck acceleration** of the alternating projections (Irons & Tuck 1969; fixest's default), all
   columns in one compiled pass, the rows split across the cores (:mod:`kzecon.hdfe`, numba).

The rest is pyfixest's ``fepois`` so that the two give the same answer to the digits the tests state: the
convergence criterion (relative change in deviance, fixest's, default tolerance 1e-8 as fixest's), the score-based
sandwich (CRV1 with G/(G−1) only, or heteroskedasticity-robust without adjustment; evaluated at the estimate, with
the regressors demeaned by the final weights) and fixest's collinearity test (Cholesky pivots of X'X of the
demeaned regressors below 1e-9). A step that raises the deviance after the first is halved (fixest does the same).

Reuse across fits: :class:`FixedEffects` factorises the fixed effects once; :func:`fit` accepts ``start`` (the
state of an earlier fit on the same structure) so that refits — leads and lags, placebo draws, bootstraps — start
from a converged solution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kzecon.hdfe import Demeaner, FixedEffects, row_bounds

from . import _kernels

__all__ = ["PoissonFit", "fit", "sandwich", "deviance", "collinear_columns"]

# demeaning tolerance at convergence (relative to each column's weighted s.d.). The coefficients' error is of second
# order in the demeaning's (the demeaned regressors are orthogonal to the fixed effects' space), so a tolerance far
# above the coefficients' own is enough: against 1e-9, 1e-7 takes 12–15% fewer sweeps on benchmark panels a and b
# (244 → 192, 277 → 235) and 10% fewer on DOTS (62 → 56), moves the estimates by less than 1e-11 relative and the
# clustered standard errors by at most 4e-8 (pyfixest at 1e-12 tolerances as the reference; BENCHMARKS.md)
TARGET_INNER_TOL = 1e-7
START_INNER_TOL = 1e-3  # ... in the first IRLS iterations
JUMP_CRIT = 1e-5  # IRLS criterion below which the demeaning goes straight to its target
START_MU = 1e-5  # starting values μ₀ = y + START_MU · mean(y) (IRLS sweeps at 1e-3 → 1e-5: DOTS 84 → 62,
# benchmark panel a 249 → 244, b 287 → 277, c 175 → 175; same estimates to 1e-11 relative)
COLLIN_TOL = 1e-9
# besides the deviance criterion, the last IRLS step must move no coefficient by more than sqrt(tol)·(0.1 + |β|):
# IRLS is Newton's method for Poisson, so the error left after such a step is of order tol. The deviance alone
# stopped a warm placebo refit of the DOTS model 3e-6 (relative 5e-6) from the estimate: a bloc of a few pairs
# barely moves the deviance of 757,533 flows (BENCHMARKS.md)
MAX_HALVING = 30


class _Serial:
    """The IRLS row kernels compiled without threads (one chunk of rows; the threaded ones are the module's)."""

    working_variable, weighted_gram = _kernels.working_variable_serial, _kernels.weighted_gram_serial
    poisson_step = _kernels.poisson_step_serial


# the estimator -----------------------------------------------------------------------------------------------


@dataclass
class PoissonFit:
    """What an IRLS fit leaves: coefficients, fitted values, the demeaned design of the last iteration (for the
    sandwich), convergence, and the warm-start state for a refit on the same structure.

    Attributes
    ----------
    beta : ndarray
        Coefficients (K,).
    y : ndarray
        The flows of the fitted rows (N,).
    eta, mu : ndarray
        Linear predictor and fitted means (N,), μ = exp(η).
    weights : ndarray
        Poisson weights μ at the estimate.
    x_resid : ndarray
        Regressors demeaned with those weights (N × K; the sandwich's design).
    z_resid : ndarray
        Demeaned working variable of the last iteration.
    iterations : int
        IRLS iterations done.
    converged : bool
        Whether the criterion was met (False also when collinear regressors were found).
    deviance : float
        Poisson deviance at the estimate.
    sweeps : int
        Demeaning sweeps over all iterations.
    collinear : list of int
        Indices of regressors found collinear with the fixed effects or each other. Default empty.
    state : dict
        ``eta``, ``alpha``, ``beta``: the warm-start state for :func:`fit`'s ``start``. Default empty.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.gravity import poisson
    >>> from kzecon.gravity.simulate import simulate_panel
    >>> from kzecon.hdfe import FixedEffects
    >>> p = simulate_panel(n_countries=10, n_years=4, seed=0)
    >>> fe = FixedEffects.from_arrays([p["exporter"] + p["year"].astype(str), p["importer"] + p["year"].astype(str),
    ...                                p["exporter"] + p["importer"]], ["exp_year", "imp_year", "pair"])
    >>> res = poisson.fit(p["flow"].to_numpy(), p[["policy"]].to_numpy(float), fe)
    >>> res.converged, res.iterations, round(float(res.beta[0]), 3)
    (True, 10, 0.404)
    """

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
        """Response residuals ``y − μ`` of the fitted rows."""
        return self.y - self.mu


def deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """Poisson deviance ``2 Σ [y log(y/μ) − (y − μ)]`` (the y log y term 0 where y = 0).

    Parameters
    ----------
    y : ndarray
        Observed flows (≥ 0).
    mu : ndarray
        Fitted means (> 0), aligned with ``y``.

    Returns
    -------
    float
        The deviance.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.gravity.poisson import deviance
    >>> round(deviance(np.array([0.0, 1.0, 2.0]), np.array([0.5, 1.0, 1.5])), 4)
    1.1507
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(y == 0, 0.0, y * np.log(y / mu))
    return float(2 * np.sum(t - (y - mu)))


def collinear_columns(xx: np.ndarray, tol: float = COLLIN_TOL) -> list[int]:
    """Columns whose Cholesky pivot of X'X falls below ``tol`` (fixest's ``cpp_check_collinearity``, as pyfixest's
    ``find_collinear_variables``).

    Parameters
    ----------
    xx : ndarray
        The K × K cross-product X'X of the (demeaned) regressors.
    tol : float, default 1e-9
        Pivot below which a column is taken as collinear with the earlier ones (:data:`COLLIN_TOL`).

    Returns
    -------
    list of int
        Indices of the collinear columns (the later of two equal columns).

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.gravity.poisson import collinear_columns
    >>> collinear_columns(np.array([[1.0, 1.0], [1.0, 1.0]]))
    [1]
    """
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
        maxiter: int = 25, inner_tol: float = TARGET_INNER_TOL, start: dict | None = None,
        final_demean: bool = True) -> PoissonFit:
    """Poisson IRLS with fixed effects. ``y`` (N,), ``X`` (N × K, no constant), ``fe`` the structure.

    Converged when the relative change in deviance, |D − D_prev| / (0.1 + |D_prev|), falls below ``tol`` (fixest's
    and pyfixest's criterion) with the demeaning at its target tolerance, and the last step moved no coefficient by
    more than √tol·(0.1 + |β|) (Newton's method: what is left is then of order ``tol``; the deviance alone can stop a
    warm refit early when the replaced regressor touches few, small flows). Starting values μ₀ = y + 10⁻⁵·ȳ (close
    to the data, as glm's y + 0.1 but free of the flow's unit), or ``start``: the ``state`` of an earlier fit on the
    same rows and fixed effects (refits of leads and lags, placebo draws, bootstraps). A step that lowers the
    likelihood is halved (as fixest). The demeaned regressors of the result are recomputed with the final weights,
    so the sandwich is evaluated at the estimate; collinear regressors found there are reported in ``collinear``
    (indices) and the fit is not marked converged, as the caller refuses such a specification. ``final_demean=False``
    (coefficients only: placebo refits) keeps the regressors as demeaned in the last iteration — the collinearity
    check runs on them — and skips that last demeaning (about a quarter of a warm refit's sweeps).

    Parameters
    ----------
    y : ndarray
        Flows (N,), ≥ 0, on the estimation sample (separated and singleton rows already removed).
    X : ndarray or None
        Regressors (N × K), no constant (the fixed effects hold it); None for none.
    fe : FixedEffects
        The factorised fixed effects of the N rows (:class:`kzecon.hdfe.FixedEffects`).
    offset : ndarray, optional
        A term with coefficient one (N,). Default None.
    tol : float, default 1e-8
        Tolerance on the relative change in deviance.
    maxiter : int, default 25
        The most IRLS iterations (:class:`~kzecon.gravity.PPML` passes 100).
    inner_tol : float, default 1e-7
        The demeaning's target tolerance (:data:`TARGET_INNER_TOL`), at most ten times ``tol``: a tighter IRLS
        tolerance tightens the demeaning with it.
    start : dict, optional
        The ``state`` of an earlier fit on the same rows and fixed effects. Default None: μ₀ = y + 10⁻⁵·ȳ.
    final_demean : bool, default True
        Demean the regressors with the final weights (needed for standard errors).

    Returns
    -------
    PoissonFit
        Coefficients, fitted values, the demeaned design, convergence and the warm-start state. No convergence is
        reported in ``converged``, not raised (the caller decides).

    Raises
    ------
    numpy.linalg.LinAlgError
        A singular system (the caller turns it into an :class:`~kzecon.errors.EstimationError`).

    See Also
    --------
    kzecon.gravity.PPML : the model around this estimator (validation, sample rules, results).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.gravity import poisson
    >>> from kzecon.gravity.simulate import simulate_panel
    >>> from kzecon.hdfe import FixedEffects
    >>> p = simulate_panel(n_countries=10, n_years=4, seed=0)
    >>> fe = FixedEffects.from_arrays([p["exporter"] + p["year"].astype(str), p["importer"] + p["year"].astype(str),
    ...                                p["exporter"] + p["importer"]], ["exp_year", "imp_year", "pair"])
    >>> res = poisson.fit(p["flow"].to_numpy(), p[["policy"]].to_numpy(float), fe)
    >>> print(round(float(res.beta[0]), 3), res.converged)
    0.404 True
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
    inner_tol = min(inner_tol, 10 * tol)  # a tighter IRLS tolerance asks for a tighter demeaning too
    itol = max(inner_tol, START_INNER_TOL)
    last = deviance(y, mu)
    has_fe = fe.codes.shape[0] > 0
    sweeps = 0
    v = np.empty((N, K + 1))
    v[:, 1:] = X
    converged = False
    beta = np.zeros(K)
    beta_prev = np.asarray(start["beta"]) if start is not None and len(start.get("beta", ())) == K else beta
    it = 0
    r = v
    bounds = row_bounds(N)
    kern = _kernels if len(bounds) > 2 else _Serial
    eta_new, mu_new = np.empty(N), np.empty(N)
    # the demeaning's two arrays, reused by every iteration (the last iteration's residuals are dead by then)
    out, scratch = (np.empty_like(v), np.empty_like(v)) if has_fe else (None, None)
    for it in range(1, maxiter + 1):  # noqa: B007 - reported after the loop
        kern.working_variable(eta, off, y, mu, v, bounds)
        if has_fe:
            r, alpha, n, _ok = Demeaner(fe, mu).demean(v, alpha, tol=itol, out=out, scratch=scratch)
            sweeps += n
        else:
            r = v.copy()
        gram = kern.weighted_gram(r, mu, bounds)  # [z̃ X̃]' W [z̃ X̃]: NaN or inf if any row is
        if not (np.isfinite(gram).all() and np.isfinite(mu).all()):
            break  # the fit ran off to infinity (separation): not converged, and no LAPACK call on NaN
        if K:
            beta = np.linalg.lstsq(gram[1:, 1:], gram[1:, 0], rcond=None)[0]  # collinear columns are caught below
        dev = kern.poisson_step(v, r, beta, off, y, eta_new, mu_new, bounds)
        for _ in range(MAX_HALVING):
            # starting values need not be a fit of this model (data, or a fit with other regressors): judge
            # only later steps by the deviance
            if np.isfinite(dev) and (it == 1 or dev <= last * (1 + 1e-10) + 1e-10):
                break
            eta_new = (eta_new + eta) / 2  # step halving: the full step lowered the likelihood
            mu_new = np.exp(eta_new)
            dev = deviance(y, mu_new)
        eta, mu, eta_new, mu_new = eta_new, mu_new, eta, mu
        crit = abs(dev - last) / (0.1 + abs(last))
        last = dev
        moved = np.abs(beta - beta_prev) > np.sqrt(tol) * (0.1 + np.abs(beta))
        beta_prev = beta
        if crit < tol and itol <= inner_tol and not moved.any():
            converged = True
            break
        while itol > inner_tol and crit < 10 * itol:
            itol = max(itol / 10, inner_tol)
        if crit < JUMP_CRIT:
            itol = inner_tol
    xr = r[:, 1:]
    if K and has_fe and final_demean:
        # the regressors demeaned with the final weights to the target tolerance: the sandwich at the estimate,
        # and fixest's collinearity check on their cross-product
        xa = alpha[:, 1:].copy() if alpha is not None else None
        xr, _, n, _ok = Demeaner(fe, mu).demean(np.ascontiguousarray(X), xa, tol=inner_tol)
        sweeps += n
    elif K:
        xr = X - X.mean(axis=0)
    bad = collinear_columns(xr.T @ xr) if K else []
    state = {"eta": eta, "alpha": alpha, "beta": beta}
    return PoissonFit(beta, y, eta, mu, mu, xr, r[:, 0], it, converged and not bad, last, sweeps, collinear=bad,
                      state=state)


def sandwich(fitres: PoissonFit, cluster: np.ndarray | None = None) -> tuple[np.ndarray, int | None]:
    """Score-based sandwich of a Poisson fit: clustered (CRV1, G/(G−1)) when ``cluster`` codes are given, else
    heteroskedasticity-robust without small-sample factor (pyfixest's ``ssc(k_adj=False)`` conventions).
    Returns (vcov, number of clusters).

    Parameters
    ----------
    fitres : PoissonFit
        A fit made with ``final_demean=True``.
    cluster : ndarray, optional
        Integer cluster codes (N,), or (N × C) for multi-way clustering. Default None: heteroskedasticity-robust.

    Returns
    -------
    tuple of (ndarray, int or None)
        The K × K covariance and the number of clusters (the smallest dimension's; None when not clustered).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.gravity import poisson
    >>> from kzecon.gravity.simulate import simulate_panel
    >>> from kzecon.hdfe import FixedEffects
    >>> p = simulate_panel(n_countries=10, n_years=4, seed=0)
    >>> fe = FixedEffects.from_arrays([p["exporter"] + p["year"].astype(str), p["importer"] + p["year"].astype(str),
    ...                                p["exporter"] + p["importer"]], ["exp_year", "imp_year", "pair"])
    >>> res = poisson.fit(p["flow"].to_numpy(), p[["policy"]].to_numpy(float), fe)
    >>> import numpy as np
    >>> V, G = poisson.sandwich(res, fe.local(2))
    >>> print(round(float(np.sqrt(V[0, 0])), 3), G)
    0.096 100
    """
    xr, w = fitres.x_resid, fitres.weights
    bread = np.linalg.inv((xr * w[:, None]).T @ xr)
    scores = fitres.response_resid[:, None] * xr
    if cluster is None:
        meat = scores.T @ scores
        return bread @ meat @ bread, None
    return multiway_cluster(bread, scores, cluster)


def multiway_cluster(bread: np.ndarray, scores: np.ndarray, cluster: np.ndarray) -> tuple[np.ndarray, int]:
    """Cluster-robust covariance ``bread · meat · bread`` for one or several cluster dimensions (``cluster``: N
    codes, or N × C for C dimensions): the inclusion–exclusion sum over every non-empty set of dimensions, each
    clustered by their intersection (Cameron, Gelbach & Miller 2011), times G/(G−1) with G the smallest number of
    clusters of one dimension (fixest's default ``cluster.df = "min"``); a matrix with a negative variance is
    made positive semi-definite by zeroing its negative eigenvalues, as fixest and CGM do. Returns (vcov, G)."""
    from itertools import combinations

    cl = np.asarray(cluster)
    cl = cl.reshape(len(cl), -1)
    C = cl.shape[1]
    K = scores.shape[1]
    vcov = np.zeros((K, K))
    sizes = []
    for size in range(1, C + 1):
        for dims in combinations(range(C), size):
            codes = pd.factorize(pd.MultiIndex.from_arrays([cl[:, d] for d in dims]) if size > 1 else cl[:, dims[0]],
                                 sort=False)[0]
            G = int(codes.max()) + 1
            if size == 1:
                sizes.append(G)
            sums = np.column_stack([np.bincount(codes, weights=scores[:, k], minlength=G) for k in range(K)])
            vcov += (-1) ** (size + 1) * (bread @ (sums.T @ sums) @ bread)
    G = min(sizes)
    vcov *= G / (G - 1)
    if C > 1 and (np.diag(vcov) < 0).any():
        vals, vecs = np.linalg.eigh((vcov + vcov.T) / 2)
        vcov = (vecs * np.maximum(vals, 0.0)) @ vecs.T
    return vcov, G
