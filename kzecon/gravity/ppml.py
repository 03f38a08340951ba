"""PPML (and OLS on log flows) with high-dimensional fixed effects, with every dropped row reported.

Specifications are fixest/pyfixest formulas (``"flow ~ rta + bri | exp_year + imp_year + pair"``, see
:mod:`kzecon.gravity.formula`) or, as before, a list of regressors with ``depvar`` and ``fe``.

**Sample.** Before estimating kzecon removes, and counts by reason: (1) rows with a missing value in the model's
columns; (2) observations alone in a fixed-effect group (singletons: perfectly fitted, they carry no information;
fixest and pyfixest drop them too) and (3) observations whose fixed-effect group has only zero flows (perfectly
predicted: separation by the fixed effects, Correia, Guimarães & Zylkin 2020), both repeated until none is left.
``separation_check`` may add ``"ir"``, the iterative-rectifier check for separation by the regressors.
``nobs + n_dropped`` always equals the rows passed in.

**Estimator.** ``backend="kzecon"`` (default): :mod:`kzecon.gravity.poisson`, IRLS with warm-started, accelerated
demeaning — the same estimates as ``pyfixest.fepois`` several times faster on long panels (BENCHMARKS.md).
``backend="pyfixest"``: ``pyfixest.fepois`` on the same sample. A regressor absorbed by the fixed effects is a
:class:`SpecificationError` naming it; no convergence is a :class:`ConvergenceError`; a non-finite estimate or
standard error an :class:`EstimationError` naming the likely cause.

**Standard errors.** Clustered (CRV1) by ``cluster`` with the G/(G−1) correction only (Stata ``ppmlhdfe`` and the
Advanced Guide's tables), or heteroskedasticity-robust with ``cluster=None``. The default cluster is the country
pair regardless of direction (``pair_id``): flows in both directions between two countries share pair-specific
shocks (reporting practice, transport links, the agreement itself), so the Advanced Guide (Yotov et al. 2016)
clusters by the symmetric pair. ``cluster="auto"`` (the default) means that pair (a ``pair_id`` column, or built
from ``exporter`` and ``importer``); for a frame without those columns it means the formula's ``pair`` fixed effect,
and failing that it asks for ``cluster=``. Pass ``cluster="pair"`` for the directional pair, or any column.

**Refits.** :class:`PPML` keeps the validated sample and the factorised fixed effects; ``PPML.fit(replace=…)``
refits with other values of some regressors (placebo treatments, bootstrap draws) without repeating any of that,
starting from the first fit's solution.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kzecon import hdfe
from kzecon.errors import (
    ConvergenceError,
    CoverageError,
    DataQualityWarning,
    DroppedRowsWarning,
    EstimationError,
    SchemaError,
    SpecificationError,
    UsageError,
)
from kzecon.results import PYFIXEST_ATTRIBUTES, EstimationResults, dropped_table, pyfixest_attr  # noqa: F401  (re-exported)

from . import poisson
from .formula import GravityFormula, key, parse

DEFAULT_FE = ("exp_year", "imp_year", "pair")
DEFAULT_CLUSTER = "auto"
BACKENDS = ("kzecon", "pyfixest")
DEFAULT_TOL = 1e-10
PYFIXEST_FIXEF_TOL = 1e-12  # pyfixest's default 1e-6 leaves ~2e-6 relative error in clustered s.e. (BENCHMARKS.md)
DOMINANCE = 1e12  # a single flow larger than DOMINANCE × all other flows together is taken for a data error
INTERCEPT = "(intercept)"
MISSING = "missing values in the model's columns"
SINGLETON = "singleton fixed-effect groups (perfectly fitted, no information; as fixest and pyfixest)"


def _zero_reason(f: str) -> str:
    return f"all flows zero within a {f} group (PPML separation by fixed effects)"


def _spec(spec, depvar: str, fe: Sequence[str]) -> GravityFormula:
    if isinstance(spec, str):
        return parse(spec)
    if isinstance(spec, GravityFormula):
        return spec
    terms = [spec] if isinstance(spec, str) else list(spec)
    bad = [t for t in terms if not isinstance(t, str)]
    if bad:
        raise UsageError(f"regressors must be column names or a formula string, got {bad[0]!r}")
    return GravityFormula(depvar, tuple(terms), tuple(fe))


def _auto_cluster(frame: pd.DataFrame, f: GravityFormula) -> str:
    """The default cluster: the country pair in both directions, else the formula's pair fixed effect."""
    if "pair_id" in frame.columns or {"exporter", "importer"} <= set(frame.columns):
        return "pair_id"
    if "pair" in f.fixed_effects and "pair" in frame.columns:
        return "pair"
    raise SchemaError("no country pair to cluster by: the data have no 'pair_id' nor 'exporter' and 'importer' columns "
                      "and the formula no 'pair' fixed effect; pass cluster=COLUMN (or None for robust errors)")


def _who(frame: pd.DataFrame, pos: int) -> str:
    row = frame.iloc[pos]
    if {"exporter", "importer", "year"} <= set(frame.columns):
        return f" ({row['exporter']}→{row['importer']} {row['year']})"
    return f" (row {pos + 1})"


def _numeric(frame: pd.DataFrame, col: str, what: str) -> np.ndarray:
    raw = frame[col]
    if pd.api.types.is_bool_dtype(raw):
        return raw.to_numpy(dtype=float)
    if not pd.api.types.is_numeric_dtype(raw):
        conv = pd.to_numeric(raw, errors="coerce")
        bad = conv.isna() & raw.notna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            val = raw.iloc[pos]
            hint = " — decimal commas?" if isinstance(val, str) and "," in val else ""
            raise SchemaError(f"{what} '{col}' is not numeric: {val!r}{_who(frame, pos)}{hint}")
        raw = conv
    v = raw.to_numpy(dtype=float)
    inf = np.isinf(v)
    if inf.any():
        raise SchemaError(f"{what} '{col}' has {int(inf.sum())} infinite value(s){_who(frame, int(np.argmax(inf)))}")
    return v


def _design(frame: pd.DataFrame, terms: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """The regressors as an N × K float matrix (NaN where missing) and their names."""
    cols, names, exprs = [], [], []
    for t in terms:
        if t in frame.columns:
            cols.append(_numeric(frame, t, "regressor"))
            names.append(t)
        else:
            exprs.append(t)
    if exprs:
        import formulaic

        try:
            mm = formulaic.model_matrix("0 + " + " + ".join(exprs), frame, na_action="ignore")
        except Exception as err:  # formulaic raises many types for an unknown name or a bad expression
            raise SchemaError(f"regressor(s) {', '.join(repr(e) for e in exprs)}: not a column of the data and not "
                              f"an expression it can evaluate ({type(err).__name__}: {str(err)[:160]})") from None
        for c in mm.columns:
            cols.append(np.asarray(mm[c], dtype=float))
            names.append(str(c))
    X = np.column_stack(cols) if cols else np.zeros((len(frame), 0))
    return X, names


class PPML:
    """A PPML gravity model: the specification and its validated sample, fitted by :meth:`fit`.

    Parameters
    ----------
    frame : DataFrame
        The estimation data (one row per exporter × importer × year, or any rows the formula's columns describe).
    spec : str or list of str
        A formula ``"flow ~ rta + bri | exp_year + imp_year + pair"``, or a list of regressor names (then
        ``depvar`` and ``fe`` give the rest).
    cluster : str or None
        Cluster variable (a column or a built-in such as ``pair_id``, ``pair``, ``exporter``); ``None`` for
        heteroskedasticity-robust errors. Default ``"auto"``: the symmetric country pair (see the module notes).
    offset : str, optional
        A column entered with coefficient one (constrained trade costs in GE counterfactuals).
    separation_check : sequence of str
        ``("fe",)`` (always done) and optionally ``"ir"``: the iterative rectifier for separation by regressors.

    Examples
    --------
    >>> m = PPML(frame, "flow ~ rta | exp_year + imp_year + pair")    # doctest: +SKIP
    >>> m.fit().params["rta"]                                          # doctest: +SKIP
    """

    def __init__(self, frame: pd.DataFrame, spec, *, depvar: str = "flow", fe: Sequence[str] = DEFAULT_FE,
                 cluster: str | None = DEFAULT_CLUSTER, offset: str | None = None, name: str = "ppml",
                 separation_check: Sequence[str] = ("fe",)):
        if not isinstance(frame, pd.DataFrame):
            raise SchemaError(f"gravity data: expected a pandas DataFrame, got {type(frame).__name__}")
        self.formula = _spec(spec, depvar, fe)
        self.name = name
        self.offset_name = offset
        bad = [c for c in separation_check if c not in ("fe", "ir")]
        if bad:
            raise UsageError(f"separation_check: unknown method(s) {bad}; use 'fe' and/or 'ir'")
        self.separation_check = tuple(separation_check)
        self.rows_in = len(frame)
        if not len(frame):
            raise CoverageError(f"{name}: the gravity data have no rows")
        f = self.formula
        if f.depvar not in frame.columns:
            raise SchemaError(f"{name}: the flow column '{f.depvar}' is not in the data; found "
                              f"{', '.join(map(str, frame.columns))}")
        y = _numeric(frame, f.depvar, "flow column")
        neg = y < 0
        if neg.any():
            raise SchemaError(f"column '{f.depvar}' has {int(neg.sum())} negative flows"
                              f"{_who(frame, int(np.argmax(neg)))}")
        X, self.terms = _design(frame, f.terms)
        off = _numeric(frame, offset, "offset") if offset else None
        fe_codes = [key(frame, e) for e in f.fixed_effects]
        cluster = _auto_cluster(frame, f) if cluster == "auto" else cluster
        self.cluster = cluster
        cl = key(frame, cluster, "cluster") if cluster else None
        miss = np.isnan(y) | np.isnan(X).any(axis=1)
        for c in fe_codes:
            miss |= c < 0
        if cl is not None:
            miss |= cl < 0
        if off is not None:
            miss |= np.isnan(off)
        keep = ~miss
        drops: list[tuple[str, int]] = [(MISSING, int(miss.sum()))]
        if miss.any():
            warnings.warn(f"{name}: {int(miss.sum())} of {len(frame)} rows have a missing value in the model's "
                          "columns and are not used (counted in `dropped`)", DroppedRowsWarning, stacklevel=2)
        self._check_magnitudes(frame, y, keep)
        if f.fixed_effects:
            structure = hdfe.FixedEffects.from_arrays(fe_codes, f.fixed_effects)
        else:  # no fixed effects: one group for the constant, which is then absorbed like a fixed effect
            structure = hdfe.FixedEffects.from_arrays([np.zeros(len(frame), dtype=np.int64)], (INTERCEPT,))
        counts: dict[str, int] = {}
        if f.fixed_effects:
            while True:  # singletons and all-zero groups until neither is left (a unique end point)
                s = hdfe.singletons(structure.subset(keep))
                idx = np.flatnonzero(keep)
                if s.any():
                    counts[SINGLETON] = counts.get(SINGLETON, 0) + int(s.sum())
                    keep[idx[s]] = False
                z = hdfe.zero_groups(y[keep], structure.subset(keep), np.ones(int(keep.sum()), dtype=bool))
                if not z:
                    break
                idx = np.flatnonzero(keep)
                for fname, mask in z:
                    counts[_zero_reason(fname)] = counts.get(_zero_reason(fname), 0) + int(mask.sum())
                    keep[idx[mask]] = False
        drops += list(counts.items())
        if "ir" in self.separation_check and X.shape[1] and (y[keep] == 0).any():
            sep = _separation_ir(y[keep], X[keep], structure.subset(keep))
            if sep.any():
                drops.append(("separated by the regressors (iterative rectifier, Correia et al. 2021)",
                              int(sep.sum())))
                idx = np.flatnonzero(keep)
                keep[idx[sep]] = False
        if not keep.any() or y[keep].sum() <= 0:
            raise CoverageError(f"{name}: no positive flows left after removing separated observations")
        self.keep = keep
        self.index = frame.index[keep]
        self.y = y[keep]
        self.X = np.ascontiguousarray(X[keep])
        self.offset = off[keep] if off is not None else None
        self.fe = structure.subset(keep)
        self.cluster_codes = cl[keep] if cl is not None else None
        self.dropped = dropped_table(*drops)
        self._state: dict | None = None
        self._borrowed = False  # _state came from another specification (start_from), not from this model
        self._check_absorbed()

    # validation ---------------------------------------------------------------------------------------------
    def _check_magnitudes(self, frame, y, keep):
        v = np.where(keep, y, 0.0)
        if not np.isfinite(v.sum()) or v.max(initial=0) > 1e250:
            pos = int(np.nanargmax(v))
            raise SchemaError(f"column '{self.formula.depvar}' has a value of {v[pos]:.3g}{_who(frame, pos)}: too "
                              "large to estimate (overflow); check the units of that row")
        top = int(np.argmax(v))
        rest = v.sum() - v[top]
        if v[top] > 0 and v[top] > DOMINANCE * max(rest, np.finfo(float).tiny) and (v > 0).sum() > 2:
            raise SchemaError(f"column '{self.formula.depvar}': one value ({v[top]:.3g}{_who(frame, top)}) is more "
                              f"than {DOMINANCE:.0e} times all other flows together; a unit or typing error?")

    def _check_absorbed(self) -> None:
        """A regressor constant within every group of one fixed effect is absorbed by it: say which, before
        fitting (the numerical collinearity check after the first demeaning catches combinations)."""
        if not self.terms:
            return
        absorbed = {k: v for k, v in hdfe.constant_within(self.fe, self.X).items() if k != INTERCEPT}
        for j, t in enumerate(self.terms):
            for fname, a in absorbed.items():
                if a[j]:
                    raise SpecificationError(f"regressor '{t}' is collinear with (absorbed by) the {fname} fixed "
                                             f"effect: it does not vary within {fname} groups, so its effect is not "
                                             "identified", terms=(t,))

    # estimation ---------------------------------------------------------------------------------------------
    def start_from(self, other: PPML) -> bool:
        """Start this model's first fit from ``other``'s fitted means (another specification fitted on the same
        rows and fixed effects, e.g. the event-study model after the static one): fewer IRLS iterations, the same
        estimate. Returns whether it applies (same sample)."""
        same = (other._state is not None and len(other.keep) == len(self.keep)
                and np.array_equal(other.keep, self.keep) and other.fe.names == self.fe.names)
        if same:
            self._state = {"eta": other._state["eta"]}
            self._borrowed = True
        return same

    def fit(self, *, backend: str = "kzecon", tol: float = DEFAULT_TOL, maxiter: int = 100,
            replace: Mapping[str, np.ndarray] | None = None, warm: bool = True) -> EstimationResults:
        """Estimate. ``replace``: new values for some regressors (full-length arrays aligned with the frame, e.g. a
        placebo treatment), the sample and fixed effects unchanged; ``warm``: start from the previous fit's
        solution (kzecon backend)."""
        if backend not in BACKENDS:
            raise UsageError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        X = self.X
        if replace:
            X = X.copy()
            for col, vals in replace.items():
                if col not in self.terms:
                    raise UsageError(f"replace: {col!r} is not a regressor of {self.formula.text}")
                vals = np.asarray(vals, dtype=float)
                if len(vals) != self.rows_in:
                    raise UsageError(f"replace: {col!r} needs {self.rows_in} values (one per row), got {len(vals)}")
                X[:, self.terms.index(col)] = vals[self.keep]
            if np.isnan(X).any():
                raise SchemaError("replace: the new regressor values are missing for rows in the sample")
        if backend == "pyfixest":
            return self._fit_pyfixest(X, tol, maxiter)
        start = self._state if (warm and self._state is not None) else None
        with np.errstate(over="ignore", invalid="ignore"):
            res = poisson.fit(self.y, X, self.fe, offset=self.offset, tol=tol, maxiter=maxiter, start=start)
        if res.collinear:
            names = [self.terms[i] for i in res.collinear]
            raise SpecificationError(f"regressor(s) {', '.join(names)} collinear with (absorbed by) the fixed effects "
                                     f"({' + '.join(self.fe.names)}) or each other: their effect is not identified",
                                     terms=tuple(names))
        if not res.converged:
            raise ConvergenceError(f"{self.name}: PPML (IRLS) did not converge in {maxiter} iterations")
        if self._state is None or self._borrowed:
            self._state = res.state
            self._borrowed = False
        vcov, G = poisson.sandwich(res, self.cluster_codes)
        se = np.sqrt(np.diag(vcov)) if len(res.beta) else np.zeros(0)
        with np.errstate(divide="ignore", invalid="ignore"):
            loglik = float(np.sum(self.y * np.log(res.mu) - res.mu - _lgamma1(self.y)))
            ybar = self.y.mean()
            loglik0 = float(np.sum(self.y * np.log(ybar) - ybar - _lgamma1(self.y)))
        stats = {"deviance": res.deviance, "loglik": loglik, "pseudo_r2": 1 - loglik / loglik0,
                 "iterations": res.iterations, "demeaning_sweeps": res.sweeps}
        return self._result(res.beta, se, vcov, G, stats, "kzecon", res)

    def _fit_pyfixest(self, X, tol, maxiter) -> EstimationResults:
        import pyfixest as pf
        from pyfixest.demeaners import MapDemeaner

        d = pd.DataFrame({"y__": self.y})
        xs = [f"x{j}__" for j in range(X.shape[1])]
        for j, c in enumerate(xs):
            d[c] = X[:, j]
        fes = [f"fe{q}__" for q in range(len(self.fe.names))]
        for q, c in enumerate(fes):
            d[c] = self.fe.local(q)
        if self.cluster_codes is not None:
            d["cl__"] = self.cluster_codes
        if self.offset is not None:
            d["off__"] = self.offset
        fml = f"y__ ~ {' + '.join(xs) or '1'}" + (f" | {' + '.join(fes)}" if fes else "")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m = pf.fepois(fml, data=d, vcov={"CRV1": "cl__"} if self.cluster_codes is not None else "hetero",
                          ssc=pf.ssc(k_adj=False), offset="off__" if self.offset is not None else None,
                          iwls_tol=tol, iwls_maxiter=maxiter, separation_check=["fe"],
                          demeaner=MapDemeaner(fixef_tol=PYFIXEST_FIXEF_TOL))
        _surface(caught, self.name)
        coef = m.coef()
        lost = [self.terms[int(c[1:-2])] for c in xs if c not in coef.index]
        if lost:
            raise SpecificationError(f"regressor(s) {', '.join(lost)} collinear with (absorbed by) the fixed effects "
                                     f"({' + '.join(self.fe.names)}) or each other: their effect is not identified",
                                     terms=tuple(lost))
        if not pyfixest_attr(m, "convergence"):
            raise ConvergenceError(f"{self.name}: PPML (IRLS) did not converge in {maxiter} iterations")
        nobs = int(pyfixest_attr(m, "_N"))
        extra = len(self.y) - nobs
        beta = coef.reindex(xs).to_numpy()
        se = m.se().reindex(xs).to_numpy()
        stats = {"deviance": float(pyfixest_attr(m, "deviance")), "loglik": float(pyfixest_attr(m, "_loglik")),
                 "pseudo_r2": float(pyfixest_attr(m, "_pseudo_r2"))}
        G = len(np.unique(self.cluster_codes)) if self.cluster_codes is not None else None
        return self._result(beta, se, _pyfixest_vcov(m, xs, self.terms).to_numpy(), G, stats, "pyfixest", m,
                            extra_dropped=extra)

    def _result(self, beta, se, vcov, G, stats, backend, raw, extra_dropped: int = 0) -> EstimationResults:
        if not (np.all(np.isfinite(beta)) and np.all(np.isfinite(se))):
            raise EstimationError(f"{self.name}: non-finite estimates or standard errors (overflow); check the "
                                  "magnitudes of the flows and regressors")
        drops = self.dropped
        if extra_dropped:
            drops = pd.concat([drops, dropped_table(("removed by pyfixest (separation)", extra_dropped))],
                              ignore_index=True)
        f = self.formula
        info = {"method": "ppml", "formula": GravityFormula(f.depvar, tuple(self.terms), f.fixed_effects).text,
                "dependent": f.depvar, "fixed_effects": " + ".join(f.fixed_effects) or "none",
                "covariance": (f"clustered by {self.cluster} (CRV1, G/(G-1))" if self.cluster
                               else "heteroskedasticity-robust"), "rows_in": self.rows_in, "backend": backend}
        if G is not None:
            info["clusters"] = int(G)
        return EstimationResults(model=self.name, params=pd.Series(beta, index=self.terms),
                                 std_errors=pd.Series(se, index=self.terms), nobs=len(self.y) - extra_dropped,
                                 dropped=drops, stats=stats, info=info,
                                 vcov=pd.DataFrame(vcov, index=self.terms, columns=self.terms), backend=raw)


def _pyfixest_vcov(m, xs: list[str], terms: list[str]) -> pd.DataFrame:
    names = list(m.coef().index)
    v = pd.DataFrame(np.asarray(pyfixest_attr(m, "_vcov")), index=names, columns=names).loc[xs, xs]
    v.index, v.columns = terms, terms
    return v


def _lgamma1(y):
    from scipy.special import gammaln

    return gammaln(y + 1)


def _separation_ir(y: np.ndarray, X: np.ndarray, fe: hdfe.FixedEffects, tol: float = 1e-5,
                   maxiter: int = 1000) -> np.ndarray:
    """Observations separated by the regressors (and fixed effects): the iterative rectifier of Correia,
    Guimarães & Zylkin (2021), as ppmlhdfe — weighted least squares of U on X and the fixed effects, U the
    rectified fit on the zero-flow observations, until the fit is non-negative; a boolean mask."""
    interior = y > 0
    U = (~interior).astype(float)
    omega = np.where(interior, interior.sum() / tol ** 2, 1.0)
    dm = hdfe.Demeaner(fe, omega) if fe.codes.shape[0] else None
    alpha = None
    for _ in range(maxiter):
        v = np.column_stack([U, X])
        if dm is not None:
            r, alpha, _, _ = dm.demean(v, alpha, tol=1e-12)
        else:
            r = v - np.average(v, axis=0, weights=omega)
        xr, ur = r[:, 1:], r[:, 0]
        wx = xr * omega[:, None]
        b = np.linalg.lstsq(wx.T @ xr, wx.T @ ur, rcond=None)[0]
        uhat = U - (ur - xr @ b)
        uhat[interior | ((uhat > -0.1 * tol) & (uhat < tol))] = 0.0
        if (uhat >= 0).all():
            return uhat > 0
        U = np.where(interior, 0.0, np.maximum(uhat, 0.0))
    warnings.warn("iterative-rectifier separation check did not converge; no observations removed by it",
                  DataQualityWarning, stacklevel=3)
    return np.zeros(len(y), dtype=bool)


def _surface(caught, name: str) -> None:
    """Pass the estimator's warnings on to the user, except what kzecon reports itself (collinearity becomes an
    error naming the variables, singletons are counted in ``dropped``) and library-internal deprecations."""
    for w in caught:
        msg = str(w.message)
        if issubclass(w.category, (FutureWarning, DeprecationWarning)):
            continue
        if "collinear" in msg.lower() or "singleton" in msg.lower():
            continue
        warnings.warn(f"{name}: {msg}", DataQualityWarning, stacklevel=3)


def ppml(frame: pd.DataFrame, spec, *, depvar: str = "flow", fe: Sequence[str] = DEFAULT_FE,
         cluster: str | None = DEFAULT_CLUSTER, offset: str | None = None, name: str = "ppml",
         tol: float = DEFAULT_TOL, maxiter: int = 100, separation_check: Sequence[str] = ("fe",),
         backend: str = "kzecon") -> EstimationResults:
    """PPML gravity: E[flow] = exp(x'β + fixed effects), zeros kept.

    Parameters
    ----------
    frame : DataFrame
        Estimation data, e.g. :func:`kzecon.gravity.estimation_frame`, or any frame whose columns the formula names.
    spec : str or list of str
        ``"flow ~ rta + bri | exp_year + imp_year + pair"`` (fixest syntax; fixed effects are columns, ``a^b``
        interactions or kzecon's built-ins ``exp_year``, ``imp_year``, ``pair``, ``pair_id``), or a list of
        regressor names with ``depvar`` and ``fe``.
    cluster : str or None
        Default ``"auto"``: the country pair in both directions (see the module notes); ``None``: robust.
    backend : {"kzecon", "pyfixest"}
        kzecon's fast estimator (default) or pyfixest's ``fepois`` on the same sample.

    Returns an :class:`~kzecon.results.EstimationResults`: ``params`` indexed by term, ``dropped`` listing every
    removed row by reason, ``nobs + n_dropped`` equal to the rows passed in.

    Examples
    --------
    >>> r = ppml(frame, "flow ~ rta + bri | ey + iy + pair", cluster="pair")   # doctest: +SKIP
    >>> r.params["rta"]                                                         # doctest: +SKIP
    """
    if backend not in BACKENDS:
        raise UsageError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    model = PPML(frame, spec, depvar=depvar, fe=fe, cluster=cluster, offset=offset, name=name,
                 separation_check=separation_check)
    return model.fit(backend=backend, tol=tol, maxiter=maxiter)


def ols_log(frame: pd.DataFrame, spec, *, depvar: str = "flow", fe: Sequence[str] = ("exp_year", "imp_year"),
            cluster: str | None = DEFAULT_CLUSTER, name: str = "ols") -> EstimationResults:
    """OLS of log(flow) on the regressors with fixed effects (``pyfixest.feols``); zero flows are reported
    as dropped (the log is undefined — the reason PPML is preferred). ``spec`` as in :func:`ppml`."""
    import pyfixest as pf

    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"gravity data: expected a pandas DataFrame, got {type(frame).__name__}")
    f = _spec(spec, depvar, fe)
    n_in = len(frame)
    if f.depvar not in frame.columns:
        raise SchemaError(f"{name}: the flow column '{f.depvar}' is not in the data")
    y = _numeric(frame, f.depvar, "flow column")
    if (y < 0).any():
        raise SchemaError(f"column '{f.depvar}' has {int((y < 0).sum())} negative flows"
                          f"{_who(frame, int(np.argmax(y < 0)))}")
    X, terms = _design(frame, f.terms)
    fe_codes = [key(frame, e) for e in f.fixed_effects]
    cluster = _auto_cluster(frame, f) if cluster == "auto" else cluster
    cl = key(frame, cluster, "cluster") if cluster else None
    miss = np.isnan(y) | np.isnan(X).any(axis=1)
    for c in fe_codes + ([cl] if cl is not None else []):
        miss |= c < 0
    pos = ~miss & (y > 0)
    drops = [(MISSING, int(miss.sum())), ("zero flows (log undefined)", int((~miss & (y <= 0)).sum()))]
    d = pd.DataFrame({"log_flow": np.log(y[pos])})
    xs = [f"x{j}__" for j in range(X.shape[1])]
    for j, c in enumerate(xs):
        d[c] = X[pos, j]
    fes = [f"fe{q}__" for q in range(len(fe_codes))]
    for q, c in enumerate(fes):
        d[c] = fe_codes[q][pos]
    if cl is not None:
        d["cl__"] = cl[pos]
    structure = hdfe.FixedEffects.from_arrays([d[c].to_numpy() for c in fes], f.fixed_effects)
    for j, t in enumerate(terms):
        for q, fname in enumerate(f.fixed_effects):
            if (d.groupby(structure.local(q))[xs[j]].nunique() <= 1).all():
                raise SpecificationError(f"regressor '{t}' is collinear with (absorbed by) the {fname} fixed effect: "
                                         f"it does not vary within {fname} groups, so its effect is not identified")
    fml = f"log_flow ~ {' + '.join(xs) or '1'}" + (f" | {' + '.join(fes)}" if fes else "")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = pf.feols(fml, data=d, vcov={"CRV1": "cl__"} if cl is not None else "hetero", ssc=pf.ssc(k_adj=False))
    _surface(caught, name)
    coef = m.coef()
    lost = [terms[j] for j, c in enumerate(xs) if c not in coef.index]
    if lost:
        raise SpecificationError(f"regressor(s) {', '.join(lost)} collinear with (absorbed by) the fixed effects "
                                 f"({' + '.join(f.fixed_effects)}) or each other: their effect is not identified")
    nobs = int(pyfixest_attr(m, "_N"))
    extra = int(pos.sum()) - nobs
    if extra:
        drops.append((SINGLETON, extra))
    r2 = float(pyfixest_attr(m, "_r2"))
    stats = {"r2": r2} if np.isfinite(r2) else {}
    beta, se = coef.reindex(xs).to_numpy(), m.se().reindex(xs).to_numpy()
    info = {"method": "ols", "formula": f"log {GravityFormula(f.depvar, tuple(terms), f.fixed_effects).text}",
            "dependent": "log " + f.depvar, "fixed_effects": " + ".join(f.fixed_effects) or "none",
            "covariance": f"clustered by {cluster} (CRV1, G/(G-1))" if cluster else "heteroskedasticity-robust",
            "rows_in": n_in, "backend": "pyfixest"}
    return EstimationResults(model=name, params=pd.Series(beta, index=terms), std_errors=pd.Series(se, index=terms),
                             nobs=nobs, dropped=dropped_table(*drops), stats=stats, info=info,
                             vcov=_pyfixest_vcov(m, xs, terms), backend=m)
