"""PPML (and OLS on log flows) with high-dimensional fixed effects, with every dropped row reported.

Specifications are fixest/pyfixest formulas (``"flow ~ rta + bri | exp_year + imp_year + pair"``, see
:mod:`kzecon.gravity.formula`) or, as before, a list of regressors with ``depvar`` and ``fe``.

**Sample.** Before estimating kzecon removes, and counts by reason: (1) rows with a missing value in the model's
columns; (2) observations whose fixed-effect group has only zero flows (perfectly predicted: separation by the
fixed effects, Correia, Guimarães & Zylkin 2020); with ``separation_check=("fe", "ir")`` also (3) observations
separated by the regressors and fixed effects together, found by the iterative rectifier (ReLU) exactly as
ppmlhdfe does; then (4) observations alone in a fixed-effect group (singletons: perfectly fitted, no information;
fixest and pyfixest drop them too) — repeated until none is left. Separation comes before singletons, as in
ppmlhdfe's published separation data sets (a zero flow alone in its group is counted as separated). With the
default check a fit that runs off to infinity on some zero flows (no convergence, a non-finite estimate, or a zero
flow's fitted mean below 1e-6 × the smallest positive flow's: ppmlhdfe's "mu" rule) triggers the rectifier, and
the separated rows it finds are dropped, counted and warned about before the fit is repeated. ``separated`` on the
model marks the rows dropped as separated. ``nobs + n_dropped`` always equals the rows passed in.

**Estimator.** ``backend="kzecon"`` (default): :mod:`kzecon.gravity.poisson`, IRLS with warm-started, accelerated
demeaning — the same estimates as ``pyfixest.fepois`` (and R fixest) on the same sample, faster on long panels
(BENCHMARKS.md). ``backend="pyfixest"``: ``pyfixest.fepois`` on the same sample. A regressor absorbed by the fixed
effects, or collinear with the others on the sample, is omitted with a :class:`CollinearityWarning` and listed in
the result's ``omitted`` (as fixest and ppmlhdfe do; ``collinear="raise"`` makes it a :class:`SpecificationError`
naming it); no convergence is a :class:`ConvergenceError`; a non-finite estimate or standard error an
:class:`EstimationError` naming the likely cause.

**Standard errors.** Clustered (CRV1) by ``cluster`` with the G/(G−1) correction only (Stata ``ppmlhdfe`` and the
Advanced Guide's tables), or heteroskedasticity-robust with ``cluster=None``. Several cluster dimensions,
``cluster="exporter + importer"`` or a list, give multi-way clustered errors (Cameron, Gelbach & Miller 2011) with
G the smaller number of clusters, equal to R fixest's ``vcov = ~exporter + importer`` with ``ssc(adj = FALSE)``
(tests/references/fixest). The default cluster is the country
pair regardless of direction (``pair_id``): flows in both directions between two countries share pair-specific
shocks (reporting practice, transport links, the agreement itself), so the Advanced Guide (Yotov et al. 2016)
clusters by the symmetric pair. ``cluster="auto"`` (the default) means that pair (a ``pair_id`` column, or built
from ``exporter`` and ``importer``); for a frame without those columns it means the formula's ``pair`` fixed effect,
and failing that it asks for ``cluster=``. Pass ``cluster="pair"`` for the directional pair, or any column.

**Validation.** A frame with ``exporter``, ``importer`` and ``year`` is checked as the CLI checks a file: no
aggregates (WLD, EUU, HIC …) as countries, one row per exporter × importer × year (and sector or fixed-effect
column). Formula terms are read as data (:mod:`kzecon.gravity.terms`), never evaluated as Python.

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
from kzecon.data.validate import check_duplicates, check_no_aggregates
from kzecon.errors import (
    CollinearityWarning,
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
from . import terms as terms_mod
from .formula import GravityFormula, key, parse

DEFAULT_FE = ("exp_year", "imp_year", "pair")
DEFAULT_CLUSTER = "auto"
BACKENDS = ("kzecon", "pyfixest")
DEFAULT_TOL = 1e-8  # kzecon's IRLS: relative change in deviance, fixest's glm.tol (DOTS: 9 iterations, as fixest)
PYFIXEST_TOL = 1e-10  # pyfixest's IRLS at 1e-8 leaves ~1e-5 relative error in clustered s.e. on small panels
PYFIXEST_FIXEF_TOL = 1e-12  # pyfixest's default 1e-6 leaves ~2e-6 relative error in clustered s.e. (BENCHMARKS.md)
DOMINANCE = 1e12  # a single flow larger than DOMINANCE × all other flows together is taken for a data error
INTERCEPT = "(intercept)"
MISSING = "missing values in the model's columns"
SINGLETON = "singleton fixed-effect groups (perfectly fitted, no information; as fixest and pyfixest)"
SEPARATED_IR = "separated by the regressors and fixed effects (iterative rectifier, Correia et al. 2021)"
COLLINEAR = "collinear with the fixed effects or the other regressors"
MU_TOL = 1e-6  # ppmlhdfe's mu_tol: a zero flow fitted below MU_TOL × the smallest positive flow's mean is suspect


def _zero_reason(f: str) -> str:
    return f"all flows zero within a {f} group (PPML separation by fixed effects)"


def _spec(spec, depvar: str, fe, fe_default=DEFAULT_FE) -> GravityFormula:
    """The model's formula from a formula string (then ``depvar`` and ``fe`` must be left at their defaults: the
    formula says them), a parsed formula, or a list of regressor names with ``depvar`` and ``fe``."""
    if isinstance(spec, str | GravityFormula):
        f = parse(spec) if isinstance(spec, str) else spec
        given = [k for k, v, d in (("depvar", depvar, "flow"), ("fe", fe, tuple(fe_default)))
                 if (tuple(v) if isinstance(v, list | tuple) else v) != d]
        if given:
            raise UsageError(f"{' and '.join(given)} given beside a formula, which already names the flow and the "
                             f"fixed effects ({f.text}): write them in the formula")
        return f
    if spec is None or isinstance(spec, bytes) or not hasattr(spec, "__iter__"):
        raise UsageError(f"spec must be a formula string ('flow ~ rta | exp_year + imp_year + pair') or a list of "
                         f"regressor names, got {spec!r}")
    terms = list(spec)
    if not terms:
        raise UsageError("spec: an empty list of regressors; name at least one (or write a formula)")
    bad = [t for t in terms if not isinstance(t, str)]
    if bad:
        raise UsageError(f"regressors must be column names or a formula string, got {bad[0]!r}")
    if not isinstance(depvar, str) or not depvar.strip():
        raise UsageError(f"depvar must name the flow column, got {depvar!r}")
    fe = [e.strip() for e in fe.split("+")] if isinstance(fe, str) else list(fe)
    if any(not isinstance(e, str) or not e.strip() for e in fe):
        raise UsageError(f"fe must be fixed-effect names (a list, or 'exp_year + imp_year'), got {fe!r}")
    return GravityFormula(depvar, tuple(terms), tuple(fe))


def cluster_codes(frame: pd.DataFrame, cluster) -> tuple[str | None, np.ndarray | None]:
    """The cluster variable(s) of a model: ``None``, one name (a column or a built-in such as ``pair_id``), or
    several for multi-way clustering, written ``"exporter + importer"`` (fixest's ``vcov = ~exporter +
    importer``) or as a list.

    Parameters
    ----------
    frame : DataFrame
        The estimation data; a name is looked up among its columns first, then among kzecon's built-ins
        (``pair_id``, ``pair``, ``exporter``, ``importer``, ``year``, ``exp_year``, ``imp_year``, ``a^b``) built
        from its ``exporter``, ``importer`` and ``year`` columns.
    cluster : str, list of str or None
        One variable (``"pair_id"``), several joined by ``+`` (``"exporter + importer"``) or as a list, or
        ``None`` (no clustering: heteroskedasticity-robust errors). ``"auto"`` is resolved by the caller, not here.

    Returns
    -------
    tuple of (str or None, ndarray or None)
        The label (``"exporter + importer"``) and integer codes (0…G−1, −1 where missing): shape (N,) for one
        dimension, (N, C) for C dimensions; ``(None, None)`` for ``cluster=None``.

    Raises
    ------
    UsageError
        ``cluster`` is neither a string, a list nor None, is empty, or names a variable twice.
    SchemaError
        A name is neither a column nor a built-in that the frame's columns can make.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.gravity.ppml import cluster_codes
    >>> f = pd.DataFrame({"exporter": ["KAZ", "CHN", "KAZ"], "importer": ["CHN", "KAZ", "RUS"], "year": 2020})
    >>> label, codes = cluster_codes(f, "pair_id")
    >>> label, codes.tolist()
    ('pair_id', [0, 0, 1])
    >>> cluster_codes(f, "exporter + importer")[1].shape
    (3, 2)
    """
    if cluster is None:
        return None, None
    if not isinstance(cluster, str) and not isinstance(cluster, list | tuple):
        raise UsageError(f"cluster must name one or more variables (e.g. 'pair' or 'exporter + importer'), or be None "
                         f"for robust errors; got {cluster!r}")
    parts = [p.strip() for p in cluster.split("+")] if isinstance(cluster, str) else list(cluster)
    if not parts or any(not isinstance(p, str) or not p.strip() for p in parts):
        raise UsageError(f"cluster must name one or more variables (e.g. 'pair' or 'exporter + importer'), got "
                         f"{cluster!r}")
    parts = [p.strip() for p in parts]
    if len(set(parts)) < len(parts):
        raise UsageError(f"cluster {cluster!r} names a variable twice")
    codes = [key(frame, p, "cluster") for p in parts]
    label = " + ".join(parts)
    return label, (codes[0] if len(codes) == 1 else np.column_stack(codes))


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


def _normalised_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Exporter and importer codes as the CLI's reader leaves them (upper case, stripped, ISO 3166-3 former codes
    mapped to their successors, ROM → ROU, with the same warning), so that a frame and a file give one model.
    Checked on the distinct codes only; the caller's frame is never changed (a copy when something is mapped)."""
    from kzecon.data.countries import normalise_codes

    changes = {}
    for c in ("exporter", "importer"):
        if c in frame.columns and frame[c].dtype == object:
            uniq = pd.Series(pd.unique(frame[c].dropna()))
            if not uniq.map(lambda v: isinstance(v, str)).all():
                continue
            norm, mapped, _unknown = normalise_codes(uniq, c)
            if (norm.to_numpy() != uniq.to_numpy()).any():
                changes[c] = dict(zip(uniq, norm, strict=True))
            if mapped:
                warnings.warn(f"gravity data: column '{c}': former ISO codes mapped to their successors (ISO 3166-3): "
                              + ", ".join(f"{a}→{b}" for a, b in sorted(mapped.items())), DataQualityWarning,
                              stacklevel=4)
    if not changes:
        return frame
    return frame.assign(**{c: frame[c].map(m) for c, m in changes.items()})


def _check_rows(frame: pd.DataFrame, f: GravityFormula) -> None:
    """What the CLI's file validation checks, for a frame handed to the API: no aggregates (WLD, EUU …) as
    exporter or importer, and one row per exporter × importer × year (× whatever column a fixed effect or a
    ``sector``/``industry``/``product`` column tells the rows apart by)."""
    check_no_aggregates(frame, ["exporter", "importer"])
    if "year" in frame.columns and pd.api.types.is_float_dtype(frame["year"]):
        yr = frame["year"].to_numpy()
        frac = np.isfinite(yr) & (yr % 1 != 0)
        if frac.any():  # a typing error, not a new fixed-effect group
            raise SchemaError(f"column 'year' has {int(frac.sum())} value(s) that are not whole years: "
                              f"{', '.join(map(str, yr[frac][:3]))}{_who(frame, int(np.argmax(frac)))}")
    base = ["exporter", "importer", "year"]
    if not set(base) <= set(frame.columns):
        return
    named = [p for fe in f.fixed_effects for p in fe.split("^") if p in frame.columns]
    extra = [c for c in ("sector", "industry", "product") if c in frame.columns]
    key = list(dict.fromkeys(base + named + extra))
    check_duplicates(frame, key)


def _design(frame: pd.DataFrame, terms: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """The regressors as an N × K float matrix (NaN where missing) and their names: columns as they are, other
    terms through :mod:`kzecon.gravity.terms` (parsed, never evaluated as Python)."""
    cols, names = [], []
    for t in terms:
        if t in frame.columns:
            cols.append(_numeric(frame, t, "regressor"))
            names.append(t)
        else:
            c, n = terms_mod.evaluate(frame, t, _numeric, present=terms)
            cols += c
            names += n
    if len(set(names)) < len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise UsageError(f"the formula's terms make regressor(s) {', '.join(map(repr, twice))} twice")
    return _stack(cols, len(frame)), names


_BLOCK_ROWS = 1 << 14  # rows of a block of the design's in-cache copies (16k × K columns of doubles)


def _compact(X: np.ndarray, keep: np.ndarray, rows: int = _BLOCK_ROWS) -> np.ndarray:
    """``X[keep]`` (C order) made in place, in blocks of ``rows``: the rows kept are moved up and the first
    ``keep.sum()`` rows returned (a view; ``X`` is overwritten). A kept row only ever moves up, so a block's sources
    are never rows an earlier block wrote. ``X[keep]`` would allocate a second N × K matrix, and a fresh allocation of
    that size in a long-running process stalls on the kernel's memory compaction (DOTS, 757k × 27: 0.25–0.38 s
    against 0.03 s)."""
    idx = np.flatnonzero(keep)
    for i in range(0, len(idx), rows):
        src = idx[i:i + rows]
        X[i:i + len(src)] = X[src]
    return X[:len(idx)]


def _stack(cols: list[np.ndarray], n: int, rows: int = _BLOCK_ROWS) -> np.ndarray:
    """``np.column_stack(cols)`` (N × K, C order) written in blocks of ``rows`` rows, so that each block's K columns
    are written while it is in cache: column_stack writes one column at a time down all N rows (DOTS, 852k × 27:
    0.43 against 0.06 s)."""
    X = np.empty((n, len(cols)))
    for i in range(0, n, rows):
        block = X[i:i + rows]
        for j, c in enumerate(cols):
            block[:, j] = c[i:i + rows]
    return X


class PPML:
    """A PPML gravity model: the specification and its validated sample, fitted by :meth:`fit`.

    The constructor does all the work that does not depend on the regressors' values: it validates the frame,
    builds the design and the factorised fixed effects, and removes (and counts in ``dropped``) missing, separated
    and singleton rows; :meth:`fit` then estimates, and can be called again with other values of a regressor.

    Parameters
    ----------
    frame : DataFrame
        The estimation data (one row per exporter × importer × year, or any rows the formula's columns describe),
        e.g. :func:`kzecon.gravity.estimation_frame`. It is not modified.
    spec : str, GravityFormula or list of str
        A formula ``"flow ~ rta + bri | exp_year + imp_year + pair"`` (see :mod:`kzecon.gravity.formula`), a
        parsed :class:`~kzecon.gravity.GravityFormula`, or a list of regressor names (then ``depvar`` and ``fe``
        give the rest).
    depvar : str, default "flow"
        The flow column, when ``spec`` is a list; with a formula leave it at its default (the formula names it).
    fe : sequence of str or str, default ("exp_year", "imp_year", "pair")
        The fixed effects, when ``spec`` is a list (a list, or ``"exp_year + imp_year"``); columns, ``a^b``
        interactions or kzecon's built-ins. With a formula leave it at its default.
    cluster : str, list of str or None, default "auto"
        Cluster variable (a column or a built-in such as ``pair_id``, ``pair``, ``exporter``), several for multi-way
        clustering (``"exporter + importer"`` or a list); ``None`` for heteroskedasticity-robust errors.
        ``"auto"``: the symmetric country pair ``pair_id`` (or the formula's ``pair`` fixed effect for a frame
        without exporter and importer; see the module notes).
    offset : str, optional
        A column entered with coefficient one (constrained trade costs in GE counterfactuals). Default None.
    name : str, default "ppml"
        The model's name in results, warnings and errors.
    separation_check : sequence of str, default ("fe",)
        ``("fe",)`` (always done) and optionally ``"ir"``: the iterative rectifier for separation by regressors
        (run anyway, under the default, when a fit diverges on zero flows).
    collinear : {"drop", "raise"}, default "drop"
        A regressor not identified on the sample: omitted with a :class:`CollinearityWarning` and listed in
        ``omitted`` (as fixest), or a :class:`SpecificationError`.

    Attributes
    ----------
    formula : GravityFormula
        The specification as parsed.
    terms : list of str
        The regressors' names after expanding terms (``i(year)`` → ``year::1990`` …) and omitting any not identified.
    omitted : dict
        Regressor → reason it was left out.
    dropped : DataFrame
        ``reason, rows``: every row removed from the sample, by reason.
    keep, separated : ndarray of bool
        Rows of the frame in the estimation sample; rows dropped as separated.
    rows_in : int
        Rows of the frame passed in (``nobs + n_dropped`` of every fit).

    Raises
    ------
    SchemaError
        ``frame`` is not a DataFrame; the flow, a regressor, a fixed effect, the offset or a cluster column is
        missing, not numeric or infinite; negative flows; duplicate exporter × importer × year rows; aggregates
        (WLD, EUU …) as countries; a flow too large to estimate or dominating all others (a unit error).
    UsageError
        A malformed formula or spec, ``depvar``/``fe`` given beside a formula, an unknown ``separation_check`` or
        ``collinear`` value.
    CoverageError
        No rows, or no positive flows left after removing separated observations.
    SpecificationError
        With ``collinear="raise"``, a regressor absorbed by a fixed effect; with either, every regressor absorbed.

    See Also
    --------
    ppml : the one-call form (``PPML(...).fit()``).
    kzecon.gravity.inference.randomization_inference : placebo refits of a PPML model.

    Examples
    --------
    The Advanced Guide's RTA model (Yotov et al. 2016, ch. 1) on the bundled panel, every fourth year, then a
    refit with the RTA dummy replaced by its four-year lead (the sample and fixed effects are kept):

    >>> from kzecon.data import load_gravity
    >>> from kzecon.gravity import PPML, estimation_frame
    >>> f = estimation_frame(load_gravity(), interval=4)
    >>> m = PPML(f, "flow ~ rta | exp_year + imp_year + pair")
    >>> print(round(m.fit().params["rta"], 3))
    0.567
    >>> print(round(m.fit(replace={"rta": f["rta_lead4"].to_numpy()}, se=False).params["rta"], 3))
    0.412
    """

    def __init__(self, frame: pd.DataFrame, spec, *, depvar: str = "flow", fe: Sequence[str] = DEFAULT_FE,
                 cluster: str | None = DEFAULT_CLUSTER, offset: str | None = None, name: str = "ppml",
                 separation_check: Sequence[str] = ("fe",), collinear: str = "drop"):
        if not isinstance(frame, pd.DataFrame):
            raise SchemaError(f"gravity data: expected a pandas DataFrame, got {type(frame).__name__}")
        self.formula = _spec(spec, depvar, fe)
        self.name = name
        self.offset_name = offset
        bad = [c for c in separation_check if c not in ("fe", "ir")]
        if bad:
            raise UsageError(f"separation_check: unknown method(s) {bad}; use 'fe' and/or 'ir'")
        self.separation_check = tuple(separation_check)
        if collinear not in ("drop", "raise"):
            raise UsageError(f"collinear must be 'drop' (omit such regressors, with a warning, as fixest and ppmlhdfe "
                             f"do) or 'raise', got {collinear!r}")
        self.collinear = collinear
        self.omitted: dict[str, str] = {}
        self.rows_in = len(frame)
        if not len(frame):
            raise CoverageError(f"{name}: the gravity data have no rows")
        f = self.formula
        if f.depvar not in frame.columns:
            raise SchemaError(f"{name}: the flow column '{f.depvar}' is not in the data; found "
                              f"{', '.join(map(str, frame.columns))}")
        frame = _normalised_codes(frame)
        _check_rows(frame, f)
        y = _numeric(frame, f.depvar, "flow column")
        neg = y < 0
        if neg.any():
            raise SchemaError(f"column '{f.depvar}' has {int(neg.sum())} negative flows"
                              f"{_who(frame, int(np.argmax(neg)))}")
        X, self.terms = _design(frame, f.terms)
        if offset is not None and (not isinstance(offset, str) or offset not in frame.columns):
            raise SchemaError(f"{name}: offset {offset!r} is not a column of the data; found "
                              f"{', '.join(map(str, frame.columns))}")
        off = _numeric(frame, offset, "offset") if offset else None
        fe_codes = [key(frame, e) for e in f.fixed_effects]
        cluster = _auto_cluster(frame, f) if cluster == "auto" else cluster
        self.cluster, cl = cluster_codes(frame, cluster)
        miss = np.isnan(y) | np.isnan(X).any(axis=1)
        for c in fe_codes:
            miss |= c < 0
        if cl is not None:
            miss |= (cl < 0).reshape(len(cl), -1).any(axis=1)
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

        separated = np.zeros(len(frame), dtype=bool)

        def remove(mask_kept: np.ndarray, reason: str | None) -> None:
            """Drop the rows ``mask_kept`` marks among those kept, counted under ``reason`` (None: counted by the
            caller)."""
            if reason is not None:
                counts[reason] = counts.get(reason, 0) + int(mask_kept.sum())
            rows = np.flatnonzero(keep)[mask_kept]
            keep[rows] = False
            if reason != SINGLETON:
                separated[rows] = True

        # separation first (all-zero fixed-effect groups, then the regressors' separation by the rectifier), then
        # singletons of what is left, until neither finds more: as ppmlhdfe, a zero flow that is also alone in its
        # group is counted as separated (perfectly predicted), a positive singleton as a singleton
        use_ir = "ir" in self.separation_check
        while True:
            if f.fixed_effects:
                zero = hdfe.zero_groups(y[keep], structure.subset(keep), np.ones(int(keep.sum()), dtype=bool))
                if zero:  # disjoint masks, all relative to the rows kept before this pass
                    together = np.zeros(int(keep.sum()), dtype=bool)
                    for fname, mask in zero:
                        counts[_zero_reason(fname)] = counts.get(_zero_reason(fname), 0) + int(mask.sum())
                        together |= mask
                    remove(together, None)
            if use_ir and (y[keep] == 0).any():
                sep = _separation_relu(y[keep], X[keep], structure.subset(keep))
                if sep.any():
                    remove(sep, SEPARATED_IR)
                    continue
            if not f.fixed_effects:
                break
            single = hdfe.singletons(structure.subset(keep))
            if not single.any():
                break
            remove(single, SINGLETON)
        order = [*(k for k in counts if k != SINGLETON), SINGLETON]
        drops += [(k, counts[k]) for k in order if k in counts]
        if not keep.any() or y[keep].sum() <= 0:
            raise CoverageError(f"{name}: no positive flows left after removing separated observations")
        self.keep = keep
        self.separated = separated  # rows dropped as separated (all-zero groups, the rectifier), not singletons
        self.index = frame.index[keep]
        self.y = y[keep]
        self.X = _compact(X, keep)
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
        """A regressor constant within every group of one fixed effect is absorbed by it: found before fitting (the
        numerical collinearity check after the first demeaning catches combinations). ``collinear="drop"``: it is
        omitted with a warning and listed in ``omitted`` (as fixest and ppmlhdfe do); ``"raise"``: an error."""
        if not self.terms:
            return
        absorbed = {k: v for k, v in hdfe.constant_within(self.fe, self.X).items() if k != INTERCEPT}
        gone: dict[str, str] = {}
        for j, t in enumerate(self.terms):
            for fname, a in absorbed.items():
                if a[j] and t not in gone:
                    if self.collinear == "raise":
                        raise SpecificationError(f"regressor '{t}' is collinear with (absorbed by) the {fname} fixed "
                                                 f"effect: it does not vary within {fname} groups, so its effect is "
                                                 "not identified", terms=(t,))
                    gone[t] = f"absorbed by the {fname} fixed effect (constant within its groups)"
        self._omit(gone)

    def _suspect_separation(self, res: poisson.PoissonFit | None) -> bool:
        """Signs that a fit met separation (ppmlhdfe's "mu" rule as a trigger): no fit, no convergence, a
        non-finite estimate, or a zero flow whose fitted mean has fallen far below every positive flow's."""
        if not (self.y == 0).any():
            return False
        if res is None or not res.converged or not np.all(np.isfinite(res.beta)):
            return True
        pos = res.mu[self.y > 0]
        return bool(len(pos)) and bool((res.mu[self.y == 0] < MU_TOL * pos.min()).any())

    def _drop_separated(self, sep: np.ndarray) -> None:
        """Remove the separated rows ``sep`` (a mask over the current sample) and the singletons that leaves, with
        the counts added to ``dropped`` and one warning."""
        rows = np.flatnonzero(self.keep)
        keep = np.ones(len(self.y), dtype=bool)
        keep[sep] = False
        counts = {SEPARATED_IR: int(sep.sum())}
        if self.formula.fixed_effects:
            while True:
                single = hdfe.singletons(self.fe.subset(keep))
                if not single.any():
                    break
                counts[SINGLETON] = counts.get(SINGLETON, 0) + int(single.sum())
                keep[np.flatnonzero(keep)[single]] = False
        self.separated[rows[sep]] = True
        self.keep[rows[~keep]] = False
        self.index = self.index[keep]
        self.y, self.X = self.y[keep], np.ascontiguousarray(self.X[keep])
        self.offset = self.offset[keep] if self.offset is not None else None
        self.fe = self.fe.subset(keep)
        self.cluster_codes = self.cluster_codes[keep] if self.cluster_codes is not None else None
        old = dict(zip(self.dropped["reason"], self.dropped["rows"], strict=True))
        for k, n in counts.items():
            old[k] = old.get(k, 0) + n
        self.dropped = dropped_table(*old.items())
        self._state, self._borrowed = None, False
        warnings.warn(f"{self.name}: {int(sep.sum())} observation(s) separated by the regressors and fixed effects "
                      "(the fit diverged on them) removed by the iterative rectifier; counted in `dropped`",
                      DroppedRowsWarning, stacklevel=4)
        if not len(self.y) or self.y.sum() <= 0:
            raise CoverageError(f"{self.name}: no positive flows left after removing separated observations")
        self._check_absorbed()

    def _check_clusters(self) -> None:
        """A clustered variance needs two clusters or more in every dimension on the estimation sample (fixest refuses
        one too): a :class:`SpecificationError` naming the variable otherwise."""
        if self.cluster_codes is None:
            return
        cl = self.cluster_codes.reshape(len(self.cluster_codes), -1)
        for name, col in zip(self.cluster.split(" + "), cl.T, strict=False):
            g = len(np.unique(col[col >= 0]))
            if g < 2:
                raise SpecificationError(f"{self.name}: cluster variable '{name}' has {g} level(s) on the estimation "
                                         "sample: a clustered variance needs at least two clusters; cluster by "
                                         "another variable, or pass cluster=None (--cluster none) for "
                                         "heteroskedasticity-robust errors")

    def _omit(self, gone: Mapping[str, str]) -> None:
        """Leave the regressors ``gone`` ({term: reason}) out of the model, with one warning naming them; when that
        would leave no regressor a :class:`SpecificationError` (fixest refuses such a model too)."""
        if not gone:
            return
        if all(t in gone for t in self.terms):
            raise SpecificationError(f"{self.name}: every regressor is not identified on this sample — "
                                     + "; ".join(f"{t} ({why})" for t, why in gone.items())
                                     + ": nothing left to estimate; drop the fixed effect that absorbs them or use "
                                       "regressors that vary within its groups", terms=tuple(gone))
        cols = [j for j, t in enumerate(self.terms) if t not in gone]
        self.X = np.ascontiguousarray(self.X[:, cols])
        self.terms = [self.terms[j] for j in cols]
        self.omitted.update(gone)
        self._state = None
        warnings.warn(f"{self.name}: {len(gone)} regressor(s) omitted, not identified on this sample: "
                      + "; ".join(f"{t} ({why})" for t, why in gone.items()), CollinearityWarning, stacklevel=3)

    # estimation ---------------------------------------------------------------------------------------------
    def start_from(self, other: PPML) -> bool:
        """Start this model's first fit from ``other``'s fitted means (another specification fitted on the same
        rows and fixed effects, e.g. the event-study model after the static one): fewer IRLS iterations, the same
        estimate.

        Parameters
        ----------
        other : PPML
            A model already fitted (with the kzecon backend) on the same estimation sample and fixed effects.

        Returns
        -------
        bool
            Whether it applies: True when ``other`` has been fitted and kept the same rows and fixed effects;
            otherwise nothing changes and this model starts from the data.

        Examples
        --------
        >>> from kzecon.data import load_gravity
        >>> from kzecon.gravity import PPML, estimation_frame
        >>> f = estimation_frame(load_gravity(), interval=4)
        >>> static = PPML(f, "flow ~ rta | exp_year + imp_year + pair")
        >>> _ = static.fit()
        >>> lead = PPML(f, "flow ~ rta + rta_lead4 | exp_year + imp_year + pair")
        >>> lead.start_from(static)
        True
        >>> print(round(lead.fit().params["rta_lead4"], 3))
        0.082
        """
        same = (other._state is not None and len(other.keep) == len(self.keep)
                and np.array_equal(other.keep, self.keep) and other.fe.names == self.fe.names)
        if same:
            self._state = {"eta": other._state["eta"]}
            self._borrowed = True
        return same

    def fit(self, *, backend: str = "kzecon", tol: float | None = None, maxiter: int = 100,
            replace: Mapping[str, np.ndarray] | None = None, warm: bool = True, se: bool = True) -> EstimationResults:
        """Estimate the model on its validated sample.

        Parameters
        ----------
        backend : {"kzecon", "pyfixest"}, default "kzecon"
            kzecon's IRLS (:mod:`kzecon.gravity.poisson`) or ``pyfixest.fepois`` on the same sample.
        tol : float, optional
            The IRLS tolerance on the relative change in deviance, between 0 and 1. Default None: :data:`DEFAULT_TOL`
            = 1e-8 (fixest's) for kzecon — whose convergence also needs its demeaning at 1e-7: on the benchmark and
            DOTS panels its estimates equal those at 1e-10 to 1e-11 relative — and :data:`PYFIXEST_TOL` = 1e-10 for
            pyfixest.
        maxiter : int, default 100
            The most IRLS iterations (a whole number ≥ 1).
        replace : mapping of str to array, optional
            New values for some regressors (full-length arrays aligned with the frame passed to the constructor, e.g.
            a placebo treatment); the sample and fixed effects are unchanged. Default None: the data's values.
        warm : bool, default True
            Start from the previous fit's solution (kzecon backend), which makes refits cheap.
        se : bool, default True
            ``False`` (kzecon backend): the coefficients only — no final demeaning, no sandwich; the standard errors
            and covariance are NaN (placebo refits need only the coefficient).

        Returns
        -------
        EstimationResults
            ``params``, ``std_errors`` and ``vcov`` indexed by term; ``dropped`` (every removed row by reason);
            ``omitted`` (regressors left out and why); ``stats`` deviance, loglik, pseudo_r2, iterations,
            demeaning_sweeps; ``info`` method, formula, covariance, rows_in, backend, clusters.

        Raises
        ------
        UsageError
            Unknown ``backend``; ``tol`` not in (0, 1); ``maxiter`` not a whole number ≥ 1; ``replace`` names a term
            that is not a regressor or was omitted, or has the wrong length.
        SchemaError
            ``replace`` leaves missing values in the sample.
        SpecificationError
            A cluster variable with fewer than two clusters on the sample; a regressor collinear with the fixed
            effects or the others under ``collinear="raise"`` or with ``replace``.
        ConvergenceError
            IRLS did not converge in ``maxiter`` iterations.
        EstimationError
            The system is singular, or an estimate or standard error is not finite.
        CoverageError
            No positive flows left after removing observations separated by the regressors.

        Examples
        --------
        >>> from kzecon.data import load_gravity
        >>> from kzecon.gravity import PPML, estimation_frame
        >>> f = estimation_frame(load_gravity(), interval=4)
        >>> m = PPML(f, "flow ~ rta | exp_year + imp_year + pair", cluster=None)
        >>> r = m.fit()
        >>> print(round(r.params["rta"], 3), r.info["covariance"])
        0.567 heteroskedasticity-robust
        """
        if backend not in BACKENDS:
            raise UsageError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        if tol is None:
            tol = PYFIXEST_TOL if backend == "pyfixest" else DEFAULT_TOL
        if isinstance(tol, bool) or not isinstance(tol, int | float | np.floating) or not 0 < tol < 1:
            raise UsageError(f"tol must be a number between 0 and 1 (the IRLS tolerance, e.g. 1e-8), got {tol!r}")
        from kzecon.data.validate import whole_number

        maxiter = whole_number(maxiter, "maxiter (IRLS iterations)", 1)
        X = self.X
        if replace:
            X = X.copy()
            for col, vals in replace.items():
                if col in self.omitted:
                    raise UsageError(f"replace: {col!r} was omitted from the model ({self.omitted[col]})")
                if col not in self.terms:
                    raise UsageError(f"replace: {col!r} is not a regressor of {self.formula.text}")
                vals = np.asarray(vals, dtype=float)
                if len(vals) != self.rows_in:
                    raise UsageError(f"replace: {col!r} needs {self.rows_in} values (one per row), got {len(vals)}")
                X[:, self.terms.index(col)] = vals[self.keep]
            if np.isnan(X).any():
                raise SchemaError("replace: the new regressor values are missing for rows in the sample")
        if se:
            self._check_clusters()
        if backend == "pyfixest":
            return self._fit_pyfixest(X, tol, maxiter, replaced=bool(replace))
        start = self._state if (warm and self._state is not None) else None
        if replace and start is not None and start.get("alpha") is not None:
            # a replaced regressor's demeaning starts from zero: the kept coefficients belong to its old values (on
            # the DOTS placebo refits: 22.9 → 20.9 sweeps a refit, BENCHMARKS.md)
            start = dict(start, alpha=start["alpha"].copy())
            for col in replace:
                start["alpha"][:, 1 + self.terms.index(col)] = 0.0
        checked = "ir" in self.separation_check or bool(replace)
        while True:
            try:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    res = poisson.fit(self.y, X, self.fe, offset=self.offset, tol=tol, maxiter=maxiter, start=start,
                                      final_demean=se)
            except np.linalg.LinAlgError as err:
                res, failure = None, err
            if not checked and self._suspect_separation(res):
                # the fit runs off to infinity on some zero flows: separation the fixed-effect check cannot see;
                # find it exactly (the rectifier), drop it, and fit again
                checked = True
                sep = _separation_relu(self.y, self.X, self.fe)
                if sep.any():
                    self._drop_separated(sep)
                    X, start = self.X, None
                    continue
            if res is None:
                raise EstimationError(f"{self.name}: the PPML system is singular on this sample ({failure}); check "
                                      "for regressors that are collinear with the fixed effects") from None
            if not res.collinear:
                break
            names = [self.terms[i] for i in res.collinear]
            if self.collinear == "raise" or replace:
                raise SpecificationError(f"regressor(s) {', '.join(names)} collinear with (absorbed by) the fixed "
                                         f"effects ({' + '.join(self.fe.names)}) or each other: their effect is not "
                                         "identified", terms=tuple(names))
            self._omit({t: COLLINEAR for t in names})
            X, start = self.X, None
        if not res.converged:
            raise ConvergenceError(f"{self.name}: PPML (IRLS) did not converge in {maxiter} iterations")
        if self._state is None or self._borrowed:
            self._state = res.state
            self._borrowed = False
        if not se:  # coefficients only
            K = len(res.beta)
            stats = {"deviance": res.deviance, "iterations": res.iterations, "demeaning_sweeps": res.sweeps}
            return self._result(res.beta, np.full(K, np.nan), np.full((K, K), np.nan), None, stats, "kzecon", res,
                                coef_only=True)
        vcov, G = poisson.sandwich(res, self.cluster_codes)
        se = np.sqrt(np.diag(vcov)) if len(res.beta) else np.zeros(0)
        with np.errstate(divide="ignore", invalid="ignore"):
            loglik = float(np.sum(self.y * np.log(res.mu) - res.mu - _lgamma1(self.y)))
            ybar = self.y.mean()
            loglik0 = float(np.sum(self.y * np.log(ybar) - ybar - _lgamma1(self.y)))
        stats = {"deviance": res.deviance, "loglik": loglik, "pseudo_r2": 1 - loglik / loglik0,
                 "iterations": res.iterations, "demeaning_sweeps": res.sweeps}
        return self._result(res.beta, se, vcov, G, stats, "kzecon", res)

    def _fit_pyfixest(self, X, tol, maxiter, replaced: bool = False) -> EstimationResults:
        import pyfixest as pf
        from pyfixest.demeaners import MapDemeaner

        d = pd.DataFrame({"y__": self.y})
        xs = [f"x{j}__" for j in range(X.shape[1])]
        for j, c in enumerate(xs):
            d[c] = X[:, j]
        fes = [f"fe{q}__" for q in range(len(self.fe.names))]
        for q, c in enumerate(fes):
            d[c] = self.fe.local(q)
        cl_names = []
        if self.cluster_codes is not None:
            cc = self.cluster_codes.reshape(len(self.cluster_codes), -1)
            for j in range(cc.shape[1]):
                d[f"cl{j}__"] = cc[:, j]
                cl_names.append(f"cl{j}__")
        if self.offset is not None:
            d["off__"] = self.offset
        fml = f"y__ ~ {' + '.join(xs) or '1'}" + (f" | {' + '.join(fes)}" if fes else "")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                m = pf.fepois(fml, data=d, vcov={"CRV1": "+".join(cl_names)} if cl_names else "hetero",
                              ssc=pf.ssc(k_adj=False), offset="off__" if self.offset is not None else None,
                              iwls_tol=tol, iwls_maxiter=maxiter, separation_check=["fe"],
                              demeaner=MapDemeaner(fixef_tol=PYFIXEST_FIXEF_TOL))
            except (ValueError, RuntimeError, np.linalg.LinAlgError) as err:  # pyfixest's own failures
                text = str(err)
                kind = ConvergenceError if "converg" in text.lower() or "failed after" in text else EstimationError
                raise kind(f"{self.name}: pyfixest could not fit the model ({text[:200]}); the kzecon backend "
                           "(the default) may") from None
        _surface(caught, self.name)
        coef = m.coef()
        lost = [self.terms[int(c[1:-2])] for c in xs if c not in coef.index]
        if lost and (self.collinear == "raise" or replaced):
            raise SpecificationError(f"regressor(s) {', '.join(lost)} collinear with (absorbed by) the fixed effects "
                                     f"({' + '.join(self.fe.names)}) or each other: their effect is not identified",
                                     terms=tuple(lost))
        if lost:  # pyfixest left them out; so does the model from now on
            xs = [c for c in xs if c in coef.index]
            self._omit({t: COLLINEAR for t in lost})
        if not pyfixest_attr(m, "convergence"):
            raise ConvergenceError(f"{self.name}: PPML (IRLS) did not converge in {maxiter} iterations")
        nobs = int(pyfixest_attr(m, "_N"))
        extra = len(self.y) - nobs
        beta = coef.reindex(xs).to_numpy()
        se = m.se().reindex(xs).to_numpy()
        stats = {"deviance": float(pyfixest_attr(m, "deviance")), "loglik": float(pyfixest_attr(m, "_loglik")),
                 "pseudo_r2": float(pyfixest_attr(m, "_pseudo_r2"))}
        G = (min(len(np.unique(c)) for c in self.cluster_codes.reshape(len(self.cluster_codes), -1).T)
             if self.cluster_codes is not None else None)
        return self._result(beta, se, _pyfixest_vcov(m, xs, self.terms).to_numpy(), G, stats, "pyfixest", m,
                            extra_dropped=extra)

    def _result(self, beta, se, vcov, G, stats, backend, raw, extra_dropped: int = 0,
                coef_only: bool = False) -> EstimationResults:
        if not (np.all(np.isfinite(beta)) and (coef_only or np.all(np.isfinite(se)))):
            raise EstimationError(f"{self.name}: non-finite estimates or standard errors (overflow); check the "
                                  "magnitudes of the flows and regressors")
        drops = self.dropped
        if extra_dropped:
            drops = pd.concat([drops, dropped_table(("removed by pyfixest (separation)", extra_dropped))],
                              ignore_index=True)
        f = self.formula
        # the formula as the user wrote it: an i(year, ref=…) term stays one term (its dummies are in the table,
        # the absorbed ones among the omitted terms)
        info = {"method": "ppml", "formula": f.text,
                "dependent": f.depvar, "fixed_effects": " + ".join(f.fixed_effects) or "none",
                "covariance": ("not computed (coefficients only)" if coef_only else
                               f"clustered by {self.cluster} (CRV1, G/(G-1))" if self.cluster
                               else "heteroskedasticity-robust"), "rows_in": self.rows_in, "backend": backend}
        if G is not None:
            info["clusters"] = int(G)
        return EstimationResults(model=self.name, params=pd.Series(beta, index=self.terms),
                                 std_errors=pd.Series(se, index=self.terms), nobs=len(self.y) - extra_dropped,
                                 dropped=drops, stats=stats, info=info,
                                 vcov=pd.DataFrame(vcov, index=self.terms, columns=self.terms), backend=raw,
                                 omitted=dict(self.omitted))


def _pyfixest_vcov(m, xs: list[str], terms: list[str]) -> pd.DataFrame:
    names = list(m.coef().index)
    v = pd.DataFrame(np.asarray(pyfixest_attr(m, "_vcov")), index=names, columns=names).loc[xs, xs]
    v.index, v.columns = terms, terms
    return v


def _lgamma1(y):
    from scipy.special import gammaln

    return gammaln(y + 1)


RELU_TOL = 1e-4  # ppmlhdfe's relu_tol: a fitted value above it (plus the solver's epsilon) on a zero flow is separation
RELU_ZERO_TOL = 1e-8  # ppmlhdfe's relu_zero_tol: residuals smaller than this are zero
RELU_MAXITER = 100
DENSE_LIMIT = 20_000_000  # rows × (regressors + fixed-effect groups) up to which the rectifier's fit is dense


def _weighted_lstsq(X: np.ndarray, fe: hdfe.FixedEffects, sw: np.ndarray):
    """A function u → fitted values of the least-squares fit of u on X and the fixed-effect dummies with row weights
    ``sw**2``: a direct solve (SVD, exact even when the weights span seven orders of magnitude, where alternating
    projections stall) on the dense design when it is small, else LSMR on the sparse one (as ppmlhdfe)."""
    import scipy.sparse as sp

    N = len(sw)
    G = int(fe.offsets[-1])
    rows = np.tile(np.arange(N), fe.codes.shape[0])
    D = sp.csr_matrix((np.ones(len(rows)), (rows, fe.codes.ravel().astype(np.int64))), shape=(N, G))
    if X.shape[1]:
        D = sp.hstack([sp.csr_matrix(X), D], format="csr")
    Dw = sp.diags(sw) @ D
    if N * D.shape[1] <= DENSE_LIMIT:
        dense, full = Dw.toarray(), D.toarray()
        return lambda u: full @ np.linalg.lstsq(dense, u * sw, rcond=None)[0]
    from scipy.sparse.linalg import lsmr

    return lambda u: D @ lsmr(Dw, u * sw, atol=1e-14, btol=1e-14, maxiter=20 * D.shape[1])[0]


def _separation_relu(y: np.ndarray, X: np.ndarray, fe: hdfe.FixedEffects, tol: float = RELU_TOL,
                     zero_tol: float = RELU_ZERO_TOL, maxiter: int = RELU_MAXITER) -> np.ndarray:
    """Observations separated by the regressors and fixed effects together: the iterative rectifier (ReLU) of
    Correia, Guimarães & Zylkin (2021), as ppmlhdfe's ``relu_fix_separation``. A least-squares fit of U (1 on the
    zero flows at first) on X and the fixed effects, with the positive flows constrained to a fitted value of zero
    by the method of weighting (weight 1/√ε on them, Van Loan 1985), U then set to the rectified fit on the zero
    flows, until the fit is non-negative there (its positive points are separated) or no residual on the zero
    flows is negative. Returns a boolean mask.

    Why by hand: no Python library implements it (pyfixest's ``separation_check=["ir"]`` does not handle
    collinear designs); tested on ppmlhdfe's published separation data sets (tests/references/separation)."""
    boundary = y == 0
    interior = ~boundary
    if not boundary.any():
        return np.zeros(len(y), dtype=bool)
    M = float(np.ceil(np.finfo(float).eps ** -0.5))
    sw = np.sqrt(np.where(interior, M, 1.0))
    X = np.asarray(X, dtype=float)
    sd = X.std(axis=0) if X.shape[1] else np.zeros(0)
    X = X[:, sd > 0] / sd[sd > 0]  # columns constant on the sample are the constant's, which the fixed effects hold
    norm_b = np.abs(X[boundary]).sum(axis=0).max(initial=0.0)
    norm_i = np.abs(X[interior]).sum(axis=0).max(initial=0.0)
    ratio = max(norm_b / norm_i, 1.0) if norm_i > 0 else 1.0
    solve = _weighted_lstsq(X, fe, sw)
    u = boundary.astype(float)
    for _ in range(maxiter):
        epsilon = max(float(u @ u) / M * ratio ** 2, 1e-8)
        delta = epsilon + tol
        xbd = solve(u)
        resid = u - xbd
        xbd[interior] = 0.0
        xbd[boundary & (xbd >= -0.1 * delta) & (xbd <= delta)] = 0.0
        if (xbd[boundary] >= 0).all():
            return boundary & (xbd > 0)
        resid = np.where(np.abs(resid) < zero_tol, 0.0, resid)
        if resid[boundary].min() >= 0:  # no negative residual: nothing more to find (the normal equations)
            xbd[boundary & (resid > delta)] = 0.0
            return boundary & (xbd > 0)
        u = np.where(boundary, np.maximum(xbd, 0.0), 0.0)
    warnings.warn(f"separation check (iterative rectifier) did not settle in {maxiter} iterations; no observations "
                  "removed by it", DataQualityWarning, stacklevel=3)
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
         tol: float | None = None, maxiter: int = 100, separation_check: Sequence[str] = ("fe",),
         backend: str = "kzecon", collinear: str = "drop") -> EstimationResults:
    """PPML gravity: E[flow] = exp(x'β + fixed effects), zeros kept.

    ``ppml(frame, spec, ...)`` is ``PPML(frame, spec, ...).fit(backend=..., tol=..., maxiter=...)``; keep the
    :class:`PPML` object instead to refit with other regressor values.

    Parameters
    ----------
    frame : DataFrame
        Estimation data, e.g. :func:`kzecon.gravity.estimation_frame`, or any frame whose columns the formula names.
    spec : str, GravityFormula or list of str
        ``"flow ~ rta + bri | exp_year + imp_year + pair"`` (fixest syntax; fixed effects are columns, ``a^b``
        interactions or kzecon's built-ins ``exp_year``, ``imp_year``, ``pair``, ``pair_id``), or a list of
        regressor names with ``depvar`` and ``fe``.
    depvar : str, default "flow"
        The flow column when ``spec`` is a list (a formula names it itself: leave the default).
    fe : sequence of str or str, default ("exp_year", "imp_year", "pair")
        The fixed effects when ``spec`` is a list (a formula names them itself: leave the default).
    cluster : str, list of str or None, default "auto"
        ``"auto"``: the country pair in both directions (see the module notes); a column or built-in, several for
        multi-way clustering (``"exporter + importer"``); ``None``: heteroskedasticity-robust.
    offset : str, optional
        A column entered with coefficient one. Default None.
    name : str, default "ppml"
        The model's name in the results.
    tol : float, optional
        IRLS tolerance on the relative change in deviance; default None: 1e-8 (kzecon) or 1e-10 (pyfixest).
    maxiter : int, default 100
        The most IRLS iterations.
    separation_check : sequence of str, default ("fe",)
        ``"fe"`` (always) and optionally ``"ir"`` (the iterative rectifier on every fit; by default it runs only
        when a fit diverges on zero flows).
    backend : {"kzecon", "pyfixest"}, default "kzecon"
        kzecon's fast estimator or pyfixest's ``fepois`` on the same sample.
    collinear : {"drop", "raise"}, default "drop"
        A regressor not identified on the sample: omitted with a warning, or a :class:`SpecificationError`.

    Returns
    -------
    EstimationResults
        ``params`` indexed by term, ``dropped`` listing every removed row by reason, ``nobs + n_dropped`` equal to
        the rows passed in, ``omitted`` the regressors left out.

    Raises
    ------
    UsageError, SchemaError, CoverageError, SpecificationError, ConvergenceError, EstimationError
        As :class:`PPML` and :meth:`PPML.fit` (an unknown ``backend`` is a :class:`UsageError`).

    See Also
    --------
    PPML : the model object, for refits.
    ols_log : OLS on log flows, the comparison PPML corrects.

    Examples
    --------
    The Advanced Guide's RTA estimate with exporter-year, importer-year and pair fixed effects, clustered by the
    symmetric pair; 330 observations of pairs that never trade are dropped as separated:

    >>> from kzecon.data import load_gravity
    >>> from kzecon.gravity import estimation_frame, ppml
    >>> f = estimation_frame(load_gravity(), interval=4)
    >>> r = ppml(f, "flow ~ rta | exp_year + imp_year + pair")
    >>> print(round(r.params["rta"], 3), round(r.std_errors["rta"], 3))
    0.567 0.104
    >>> r.nobs, r.n_dropped
    (28236, 330)
    """
    if backend not in BACKENDS:
        raise UsageError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    model = PPML(frame, spec, depvar=depvar, fe=fe, cluster=cluster, offset=offset, name=name,
                 separation_check=separation_check, collinear=collinear)
    return model.fit(backend=backend, tol=tol, maxiter=maxiter)


def ols_log(frame: pd.DataFrame, spec, *, depvar: str = "flow", fe: Sequence[str] = ("exp_year", "imp_year"),
            cluster: str | None = DEFAULT_CLUSTER, name: str = "ols") -> EstimationResults:
    """OLS of log(flow) on the regressors with fixed effects (``pyfixest.feols``); zero flows are reported
    as dropped (the log is undefined — the reason PPML is preferred).

    Parameters
    ----------
    frame : DataFrame
        Estimation data, as for :func:`ppml`.
    spec : str, GravityFormula or list of str
        As in :func:`ppml`: a formula (its left-hand side is the flow, logged here) or a list of regressors.
    depvar : str, default "flow"
        The flow column when ``spec`` is a list.
    fe : sequence of str or str, default ("exp_year", "imp_year")
        The fixed effects when ``spec`` is a list (no pair effect by default: the Advanced Guide's OLS columns);
        ``()`` for none.
    cluster : str, list of str or None, default "auto"
        As in :func:`ppml`: the symmetric country pair by default; ``None`` for robust errors.
    name : str, default "ols"
        The model's name in the results.

    Returns
    -------
    EstimationResults
        As :func:`ppml`'s, with ``stats['r2']``; ``dropped`` counts missing values, zero flows and singletons.

    Raises
    ------
    SchemaError
        Not a DataFrame; the flow column missing, not numeric or negative; a regressor, fixed-effect or cluster
        column missing.
    UsageError
        A malformed formula or spec.
    SpecificationError
        A regressor absorbed by a fixed effect or collinear with the others.

    See Also
    --------
    ppml : the estimator that keeps the zero flows.

    Examples
    --------
    >>> from kzecon.data import load_gravity
    >>> from kzecon.gravity import estimation_frame, ols_log
    >>> f = estimation_frame(load_gravity(), interval=4, domestic=False)
    >>> r = ols_log(f, "flow ~ log_dist + contig + lang + colony + rta | exp_year + imp_year")
    >>> print(round(r.params["log_dist"], 3))
    -1.216
    >>> r.dropped
                           reason  rows
    0  zero flows (log undefined)  2463
    """
    import pyfixest as pf

    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"gravity data: expected a pandas DataFrame, got {type(frame).__name__}")
    f = _spec(spec, depvar, fe, fe_default=("exp_year", "imp_year"))
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
    cluster, cl = cluster_codes(frame, cluster)
    miss = np.isnan(y) | np.isnan(X).any(axis=1)
    for c in fe_codes:
        miss |= c < 0
    if cl is not None:
        cl = cl.reshape(len(cl), -1)
        miss |= (cl < 0).any(axis=1)
    pos = ~miss & (y > 0)
    drops = [(MISSING, int(miss.sum())), ("zero flows (log undefined)", int((~miss & (y <= 0)).sum()))]
    d = pd.DataFrame({"log_flow": np.log(y[pos])})
    xs = [f"x{j}__" for j in range(X.shape[1])]
    for j, c in enumerate(xs):
        d[c] = X[pos, j]
    fes = [f"fe{q}__" for q in range(len(fe_codes))]
    for q, c in enumerate(fes):
        d[c] = fe_codes[q][pos]
    cl_names = [f"cl{j}__" for j in range(cl.shape[1])] if cl is not None else []
    for j, c in enumerate(cl_names):
        d[c] = cl[pos, j]
    structure = hdfe.FixedEffects.from_arrays([d[c].to_numpy() for c in fes], f.fixed_effects)
    for j, t in enumerate(terms):
        for q, fname in enumerate(f.fixed_effects):
            if (d.groupby(structure.local(q))[xs[j]].nunique() <= 1).all():
                raise SpecificationError(f"regressor '{t}' is collinear with (absorbed by) the {fname} fixed effect: "
                                         f"it does not vary within {fname} groups, so its effect is not identified")
    fml = f"log_flow ~ {' + '.join(xs) or '1'}" + (f" | {' + '.join(fes)}" if fes else "")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = pf.feols(fml, data=d, vcov={"CRV1": "+".join(cl_names)} if cl_names else "hetero",
                     ssc=pf.ssc(k_adj=False, G_df="min"))
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
    info = {"method": "ols", "formula": f"log {f.text}",
            "dependent": "log " + f.depvar, "fixed_effects": " + ".join(f.fixed_effects) or "none",
            "covariance": f"clustered by {cluster} (CRV1, G/(G-1))" if cluster else "heteroskedasticity-robust",
            "rows_in": n_in, "backend": "pyfixest"}
    return EstimationResults(model=name, params=pd.Series(beta, index=terms), std_errors=pd.Series(se, index=terms),
                             nobs=nobs, dropped=dropped_table(*drops), stats=stats, info=info,
                             vcov=_pyfixest_vcov(m, xs, terms), backend=m)
