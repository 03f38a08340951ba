"""Transforms for bounded shares and compositions, with exact inverses.

Shares live in (0, 1) and a partner composition sums to one, so models work on transformed data:
:func:`logit` for one share; :func:`alr` (additive log-ratio, against a reference part) and :func:`ilr`
(isometric log-ratio, pivot / Helmert basis of Egozcue et al. 2003) for a composition.

Zeros: a share of exactly 0 or 1 has no logit. ``zeros="raise"`` (default) names the year; ``zeros="replace"``
applies the multiplicative replacement of Martín-Fernández, Barceló-Vidal & Pawlowsky-Glahn (2003): each
zero part becomes ``delta`` and the non-zero parts are scaled by (1 − Σ delta) so the row still sums to
one. What was replaced is recorded in ``attrs["replaced"]``; no year is dropped.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError, DataQualityWarning, SchemaError

NEGLIGIBLE = 1e-9  # a share below this (or within it of one) is taken as zero (or one)
RENORMALISE = 1e-3  # compositions summing to one within this are rescaled, with a note
DEFAULT_DELTA = 1e-4


def _years(index) -> list:
    return [int(i) if isinstance(i, (int, np.integer)) else i for i in index]


def check_share(series: pd.Series, *, name: str = "share", zeros: str = "raise",
                delta: float = DEFAULT_DELTA) -> pd.Series:
    """Validate one share series (index = year): numeric, finite, inside [0, 1]; zeros/ones per ``zeros``.

    Parameters
    ----------
    series : pandas.Series
        The share of one partner in each year, a fraction in [0, 1] (not a percentage), indexed by year.
    name : str, default "share"
        What the series is called in error messages and warnings.
    zeros : {"raise", "replace"}, default "raise"
        What to do with a share of exactly 0 or 1 (or within ``NEGLIGIBLE`` = 1e-9 of it), which has no logit:
        "raise" refuses the series and names the years; "replace" sets such values to ``delta`` (or 1 − ``delta``),
        lists the years in ``attrs["replaced"]`` and warns. Any other value behaves as "raise".
    delta : float, default 1e-4
        The replacement value for a share of 0 (1 − ``delta`` for a share of 1).

    Returns
    -------
    pandas.Series
        The series as floats, same index; with ``zeros="replace"`` and a replacement made, ``attrs["replaced"]``
        lists the years replaced.

    Raises
    ------
    SchemaError
        A value is non-numeric, missing or infinite; a value lies outside [0, 1] (percentages: divide by 100);
        a value is 0 or 1 and ``zeros`` is not "replace".

    Warns
    -----
    DataQualityWarning
        When values of 0 or 1 were replaced.

    See Also
    --------
    check_composition : the same checks for a whole composition.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> from kzecon.timeseries.transforms import check_share
    >>> s = pd.Series([0.0, 0.2, 0.3], index=[2018, 2019, 2020])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fixed = check_share(s, zeros="replace")
    >>> fixed.tolist(), fixed.attrs["replaced"]
    ([0.0001, 0.2, 0.3], [2018])
    """
    s = pd.to_numeric(series, errors="coerce")
    bad = s.isna() & series.notna()
    if bad.any():
        raise SchemaError(f"column '{name}' has non-numeric values in year(s) {_years(s.index[bad])[:5]}")
    if s.isna().any():
        raise SchemaError(f"column '{name}' is missing in year(s) {_years(s.index[s.isna()])[:5]}")
    if not np.isfinite(s).all():
        raise SchemaError(f"column '{name}' has infinite values in year(s) {_years(s.index[~np.isfinite(s)])[:5]}")
    out = (s < 0) | (s > 1)
    if out.any():
        y = s.index[out][0]
        raise SchemaError(f"column '{name}' must be a share in [0, 1]; {s[y]!r} in year {y} "
                          f"({int(out.sum())} value(s) outside; percentages? divide by 100)")
    edge = (s < NEGLIGIBLE) | (s > 1 - NEGLIGIBLE)
    if edge.any():
        if zeros != "replace":
            y = s.index[edge][0]
            raise SchemaError(f"column '{name}' is 0 or 1 (or within {NEGLIGIBLE:g} of it: {s[y]:.3g} in {y}) in "
                              f"year(s) {_years(s.index[edge])[:5]}: the logit is infinite or meaningless; pass "
                              "zeros='replace' for the documented replacement")
        s = s.clip(delta, 1 - delta)
        s.attrs["replaced"] = _years(s.index[edge])
        warnings.warn(f"{name}: {int(edge.sum())} value(s) of exactly 0 or 1 replaced by {delta} / {1 - delta} "
                      f"(year(s) {s.attrs['replaced'][:5]})", DataQualityWarning, stacklevel=2)
    return s


def logit(p):
    """log(p / (1 − p)); inputs strictly inside (0, 1).

    Parameters
    ----------
    p : float or array_like
        Shares strictly inside (0, 1); 0 gives −inf, 1 gives +inf, and values outside [0, 1] give NaN (with
        numpy's runtime warning): validate with :func:`check_share` first.

    Returns
    -------
    float or numpy.ndarray
        The log-odds, same shape as ``p``. A pandas Series comes back as a bare array: its year index is not
        kept (wrap the result, ``pd.Series(logit(s), index=s.index)``).

    See Also
    --------
    inv_logit : the inverse.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.timeseries.transforms import logit
    >>> s = pd.Series([0.1, 0.25, 0.5], index=[2018, 2019, 2020])
    >>> logit(s).round(3)
    array([-2.197, -1.099,  0.   ])
    >>> pd.Series(logit(s), index=s.index).round(3).to_dict()
    {2018: -2.197, 2019: -1.099, 2020: 0.0}
    """
    p = np.asarray(p, dtype=float)
    return np.log(p) - np.log1p(-p)


def inv_logit(z):
    """The inverse of :func:`logit`, numerically stable for large ``|z|``.

    Parameters
    ----------
    z : float or array_like
        Log-odds, any real numbers.

    Returns
    -------
    numpy.ndarray
        Shares 1 / (1 + exp(−z)) in [0, 1], same shape as ``z`` (a 0-d array for a scalar; an index is not kept).

    See Also
    --------
    logit : the transform it inverts.

    Examples
    --------
    >>> from kzecon.timeseries.transforms import inv_logit, logit
    >>> inv_logit(logit([0.1, 0.25, 0.5])).round(3)
    array([0.1 , 0.25, 0.5 ])
    >>> float(inv_logit(800)), float(inv_logit(-800))
    (1.0, 0.0)
    """
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def _rounding_slack(c: pd.DataFrame) -> float:
    """How far rows of values rounded to k decimals (the fewest that every value has, up to 6) can miss their exact
    sum: half a unit in the last decimal per part (0 when the values carry more than 6 decimals)."""
    v = c.to_numpy(dtype=float).ravel()
    for k in range(7):
        scaled = v * 10 ** k
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return c.shape[1] * 0.5 * 10.0 ** -k * (1 + 1e-9)
    return 0.0


def check_composition(comp: pd.DataFrame, *, tol: float = 1e-6, zeros: str = "raise",
                      delta: float = DEFAULT_DELTA) -> pd.DataFrame:
    """Validate a composition (rows = years, columns = parts): non-negative, rows sum to one within ``tol``.

    Rows that sum to one only within ``RENORMALISE`` (rounded shares: 0.3333 + 0.3333 + 0.3334…) are divided by
    their sum, and a composition whose every row sums to about 100 is read as percentages; both with a note.
    A part below ``NEGLIGIBLE`` (1e-300 is a typing error, not a share) counts as zero.

    Parameters
    ----------
    comp : pandas.DataFrame
        One row per year, one column per part (partner or partner group), shares of the year's total.
    tol : float, default 1e-6
        How far a row's sum may be from one and be taken as is.
    zeros : {"raise", "replace"}, default "raise"
        What to do with a part of 0 (below 1e-9), which has no log-ratio: "raise" refuses the composition and
        names the year and parts; "replace" applies the multiplicative replacement (the zero part becomes
        ``delta``, the other parts of that row are scaled by 1 − (number of zeros) · ``delta``), records
        ``attrs["replaced"]`` ({year: [parts]}) and warns. Any other value behaves as "raise".
    delta : float, default 1e-4
        The value a zero part is replaced by.

    Returns
    -------
    pandas.DataFrame
        The composition as floats, same index and columns, every row summing to one.

    Raises
    ------
    SchemaError
        A part is missing or non-numeric; a share is negative; a row misses one by more than the rounding
        allows (``RENORMALISE`` = 1e-3, or half a unit in the last decimal per part); a part is 0 and ``zeros``
        is not "replace".

    Warns
    -----
    DataQualityWarning
        When the composition was read as percentages, rows were rescaled to sum to one, or zeros were replaced.

    See Also
    --------
    check_share : the checks for one share.
    kzecon.timeseries.composition_frame : long or wide input to a validated composition.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> from kzecon.timeseries.transforms import check_composition
    >>> pct = pd.DataFrame({"china": [20.0, 25.0], "russia": [30.0, 0.0], "other": [50.0, 75.0]},
    ...                    index=pd.Index([2019, 2020], name="year"))
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # read as percentages; the zero replaced
    ...     comp = check_composition(pct, zeros="replace")
    >>> comp.round(4)
          china  russia   other
    year
    2019   0.20  0.3000  0.5000
    2020   0.25  0.0001  0.7499
    >>> comp.attrs["replaced"]
    {2020: ['russia']}
    """
    c = comp.apply(pd.to_numeric, errors="coerce")
    if c.isna().any().any():
        col = c.columns[c.isna().any()][0]
        raise SchemaError(f"composition part '{col}' is missing or non-numeric in year(s) "
                          f"{_years(c.index[c[col].isna()])[:5]}")
    neg = (c < 0).any(axis=1)
    if neg.any():
        raise SchemaError(f"composition has negative shares in year(s) {_years(c.index[neg])[:5]}")
    total = c.sum(axis=1)
    rounding = _rounding_slack(c)  # shares rounded to k decimals may miss their sum by half a unit each
    if len(total) and ((total - 100).abs() <= max(100 * RENORMALISE, rounding)).all():
        warnings.warn("composition: every year sums to about 100: read as percentages (divided by 100)",
                      DataQualityWarning, stacklevel=2)
        c, total, rounding = c / 100, total / 100, rounding / 100
    off = (total - 1).abs() > tol
    if off.any():
        far = (total - 1).abs() > max(RENORMALISE, rounding)
        if far.any():
            y = c.index[far][0]
            hint = "; percentages? they must sum to 100 in every year" if total[y] > 1.5 else ""
            raise SchemaError(f"composition does not sum to one in year {y} (sum {float(total[y]):.6g}); "
                              f"{int(far.sum())} year(s) off by more than {max(RENORMALISE, rounding):.3g}{hint}")
        warnings.warn(f"composition: {int(off.sum())} year(s) sum to one only within "
                      f"{max(RENORMALISE, rounding):.3g} (rounded shares, "
                      f"e.g. {float(total[c.index[off][0]]):.6g} in {c.index[off][0]}): divided by their sums",
                      DataQualityWarning, stacklevel=2)
        c = c.div(total, axis=0)
    zero = c < NEGLIGIBLE
    if zero.any().any():
        if zeros != "replace":
            y = c.index[zero.any(axis=1)][0]
            parts = list(c.columns[zero.loc[y]])
            vals = ", ".join(f"{p} {float(c.loc[y, p]):.3g}" for p in parts)
            raise SchemaError(f"composition part(s) {parts} are 0 (or below {NEGLIGIBLE:g}) in year {y} ({vals}): "
                              "log-ratios are infinite or meaningless; pass zeros='replace' for the multiplicative "
                              "replacement")
        nz = zero.sum(axis=1)
        c = c.where(~zero, delta).mul(np.where(nz > 0, 1 - nz * delta, 1.0), axis=0).where(~zero, delta)
        c.attrs["replaced"] = {int(y) if isinstance(y, (int, np.integer)) else y: list(c.columns[zero.loc[y]])
                               for y in c.index[zero.any(axis=1)]}
        warnings.warn(f"composition: zero parts replaced by {delta} in {int(zero.any(axis=1).sum())} year(s) "
                      "(multiplicative replacement)", DataQualityWarning, stacklevel=2)
    return c


def alr(comp: pd.DataFrame, reference: str | None = None) -> pd.DataFrame:
    """Additive log-ratio: log(x_j / x_ref) for every part but the reference (default: the last column).

    Parameters
    ----------
    comp : pandas.DataFrame
        A composition without zeros (rows = years, columns = parts; see :func:`check_composition`); a zero part
        gives ±inf.
    reference : str, optional
        The part every other part is divided by; default (None) the last column.

    Returns
    -------
    pandas.DataFrame
        Columns ``alr_<part>`` for every part but the reference, same index; ``attrs`` holds ``parts`` (all the
        columns, in order) and ``reference``.

    Raises
    ------
    SchemaError
        ``reference`` is not a column of ``comp``.

    See Also
    --------
    alr_inv : the inverse.
    ilr : isometric log-ratios (no reference part).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.timeseries.transforms import alr
    >>> comp = pd.DataFrame({"china": [0.2, 0.25], "russia": [0.3, 0.25], "other": [0.5, 0.5]},
    ...                     index=pd.Index([2019, 2020], name="year"))
    >>> alr(comp).round(3)
          alr_china  alr_russia
    year
    2019     -0.916      -0.511
    2020     -0.693      -0.693
    >>> alr(comp, reference="russia").columns.tolist()
    ['alr_china', 'alr_other']
    """
    ref = comp.columns[-1] if reference is None else reference
    if ref not in comp.columns:
        raise SchemaError(f"alr reference part {ref!r} is not a column ({', '.join(map(str, comp.columns))})")
    others = [c for c in comp.columns if c != ref]
    out = np.log(comp[others]).sub(np.log(comp[ref]), axis=0)
    out.columns = [f"alr_{c}" for c in others]
    out.attrs.update(parts=list(comp.columns), reference=ref)
    return out


def alr_inv(z, parts: list, reference) -> pd.DataFrame | np.ndarray:
    """Inverse of :func:`alr`: from log-ratios (…, D − 1) back to the D parts in ``parts`` order.

    Parameters
    ----------
    z : pandas.DataFrame or array_like
        Log-ratios, last axis of length D − 1, in the order of ``parts`` without the reference (as :func:`alr`
        writes them). Leading axes are kept (simulated paths: n_paths × horizon × (D − 1)).
    parts : list
        All D part names in the order wanted for the output, the reference included.
    reference : str
        The reference part of the log-ratios.

    Returns
    -------
    pandas.DataFrame or numpy.ndarray
        The closed composition (each row sums to one): a DataFrame with ``parts`` as columns and ``z``'s index
        when ``z`` is a DataFrame, else an array of shape (…, D).

    See Also
    --------
    alr : the transform it inverts.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.timeseries.transforms import alr, alr_inv
    >>> comp = pd.DataFrame({"china": [0.2, 0.25], "russia": [0.3, 0.25], "other": [0.5, 0.5]},
    ...                     index=pd.Index([2019, 2020], name="year"))
    >>> alr_inv(alr(comp), ["china", "russia", "other"], "other").round(3)
          china  russia  other
    year
    2019   0.20    0.30    0.5
    2020   0.25    0.25    0.5
    >>> alr_inv([0.0, 0.0], ["china", "russia", "other"], "other").round(3)
    array([0.333, 0.333, 0.333])
    """
    arr = np.asarray(z, dtype=float)
    others = [p for p in parts if p != reference]
    ext = np.concatenate([arr, np.zeros(arr.shape[:-1] + (1,))], axis=-1)  # columns: others…, reference
    e = np.exp(ext - ext.max(axis=-1, keepdims=True))
    soft = e / e.sum(axis=-1, keepdims=True)
    order = [others.index(p) if p != reference else len(others) for p in parts]
    full = soft[..., order]
    if isinstance(z, pd.DataFrame):
        return pd.DataFrame(full, index=z.index, columns=parts)
    return full


def helmert_basis(D: int) -> np.ndarray:
    """Orthonormal (D − 1) × D contrast basis (pivot coordinates): row i contrasts part i with parts i+1…D.

    Parameters
    ----------
    D : int
        Number of parts, at least 2.

    Returns
    -------
    numpy.ndarray
        (D − 1) × D matrix V with orthonormal rows, each summing to zero (V V' = I).

    See Also
    --------
    ilr : the log-ratios in this basis.

    Examples
    --------
    >>> from kzecon.timeseries.transforms import helmert_basis
    >>> helmert_basis(3).round(3)
    array([[ 0.816, -0.408, -0.408],
           [ 0.   ,  0.707, -0.707]])
    """
    V = np.zeros((D - 1, D))
    for i in range(D - 1):
        r = D - i - 1
        V[i, i] = np.sqrt(r / (r + 1))
        V[i, i + 1:] = -1 / np.sqrt(r * (r + 1))
    return V


def ilr(comp: pd.DataFrame) -> pd.DataFrame:
    """Isometric log-ratio in pivot coordinates: z_i = sqrt(r/(r+1)) · log(x_i / gmean(x_{i+1..D})).

    Here r = D − i is the number of parts after part i.

    Parameters
    ----------
    comp : pandas.DataFrame
        A composition without zeros (rows = years, columns = parts; see :func:`check_composition`). The column
        order matters: the first coordinate contrasts the first part with all the others.

    Returns
    -------
    pandas.DataFrame
        Columns ``ilr_<part>`` for every part but the last, same index; ``attrs["parts"]`` holds the columns.

    See Also
    --------
    ilr_inv : the inverse.
    helmert_basis : the contrast basis.
    alr : log-ratios against one reference part.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.timeseries.transforms import ilr
    >>> comp = pd.DataFrame({"china": [0.2, 0.25], "russia": [0.3, 0.25], "other": [0.5, 0.5]},
    ...                     index=pd.Index([2019, 2020], name="year"))
    >>> ilr(comp).round(3)
          ilr_china  ilr_russia
    year
    2019     -0.540      -0.361
    2020     -0.283      -0.490
    """
    V = helmert_basis(comp.shape[1])
    out = pd.DataFrame(np.log(comp.to_numpy()) @ V.T, index=comp.index,
                       columns=[f"ilr_{c}" for c in comp.columns[:-1]])
    out.attrs.update(parts=list(comp.columns))
    return out


def ilr_inv(z, parts: list):
    """Inverse of :func:`ilr` (closure of exp(z · V)).

    Parameters
    ----------
    z : pandas.DataFrame or array_like
        Pivot coordinates, last axis of length D − 1 (leading axes are kept).
    parts : list
        The D part names, in the column order the coordinates were computed from.

    Returns
    -------
    pandas.DataFrame or numpy.ndarray
        The closed composition: a DataFrame with ``parts`` as columns and ``z``'s index when ``z`` is a DataFrame,
        else an array of shape (…, D).

    See Also
    --------
    ilr : the transform it inverts.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.timeseries.transforms import ilr, ilr_inv
    >>> comp = pd.DataFrame({"china": [0.2, 0.25], "russia": [0.3, 0.25], "other": [0.5, 0.5]},
    ...                     index=pd.Index([2019, 2020], name="year"))
    >>> ilr_inv(ilr(comp), list(comp.columns)).round(3)
          china  russia  other
    year
    2019   0.20    0.30    0.5
    2020   0.25    0.25    0.5
    """
    arr = np.asarray(z, dtype=float)
    V = helmert_basis(len(parts))
    clr = arr @ V
    e = np.exp(clr - clr.max(axis=-1, keepdims=True))
    full = e / e.sum(axis=-1, keepdims=True)
    if isinstance(z, pd.DataFrame):
        return pd.DataFrame(full, index=z.index, columns=parts)
    return full


def annual_series(df: pd.DataFrame, value: str = "share", *, min_years: int = 10) -> pd.Series:
    """A ``year``/``value`` frame → a Series indexed by consecutive years, validated.

    Missing years (a gap in the sequence), duplicate years, non-integer years and series shorter than
    ``min_years`` raise errors that name the years.

    Parameters
    ----------
    df : pandas.DataFrame
        A frame with a ``year`` column (whole calendar years 1800–2100; dates and annual periods are read as
        their years) and the ``value`` column; rows in any order.
    value : str, default "share"
        The column holding the series.
    min_years : int, default 10
        The fewest years accepted.

    Returns
    -------
    pandas.Series
        The values indexed by ``year`` (ints, ascending, consecutive), named ``value``. The values are not
        checked: pass the result to :func:`check_share` for a share.

    Raises
    ------
    SchemaError
        ``year`` or ``value`` is not a column; ``year`` holds non-whole numbers, years outside 1800–2100 or
        duplicates.
    CoverageError
        The frame has no rows; a year is missing between the first and the last; fewer than ``min_years`` years.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.timeseries.transforms import annual_series
    >>> df = pd.DataFrame({"year": [2020, 2018, 2019], "share": [0.3, 0.1, 0.2]})
    >>> annual_series(df, min_years=3).to_dict()
    {2018: 0.1, 2019: 0.2, 2020: 0.3}
    """
    from kzecon.data.validate import require_columns

    require_columns(df, ["year", value], "time series")
    if df.empty:
        raise CoverageError(f"the time series has no rows; at least {min_years} consecutive years are needed")
    years = df["year"]
    if pd.api.types.is_datetime64_any_dtype(years) or isinstance(years.iloc[0], pd.Timestamp):
        years = pd.to_datetime(years).dt.year  # dates (a DatetimeIndex): their years
    elif isinstance(years.iloc[0], pd.Period):
        years = years.map(lambda p: p.year if isinstance(p, pd.Period) else p)  # annual periods: their years
    y = pd.to_numeric(years, errors="coerce")
    if y.isna().any() or (y != np.round(y)).any():
        bad = df.loc[(y.isna() | (y != np.round(y))).to_numpy(), "year"].tolist()[:5]
        raise SchemaError(f"column 'year' must hold whole years, found {bad}")
    out_of_range = (y < 1800) | (y > 2100)
    if out_of_range.any():
        bad = sorted(set(y[out_of_range].astype(int)))[:5]
        raise SchemaError(f"column 'year' must hold calendar years (1800–2100), found {bad} (row positions? index the "
                          "series by year)")
    y = y.astype(int)
    if y.duplicated().any():
        raise SchemaError(f"duplicate year(s) {sorted(set(y[y.duplicated()]))[:5]}")
    s = pd.Series(df[value].to_numpy(), index=pd.Index(y.to_numpy(), name="year"), name=value).sort_index()
    full = range(int(s.index.min()), int(s.index.max()) + 1)
    missing = sorted(set(full) - set(s.index))
    if missing:
        raise CoverageError(f"missing year(s) {missing[:10]} in the series {s.index.min()}–{s.index.max()}: "
                            "annual models need consecutive years (fill or shorten the series)")
    if len(s) < min_years:
        raise CoverageError(f"series {s.index.min()}–{s.index.max()} has {len(s)} years; at least {min_years} "
                            "are needed")
    return s
