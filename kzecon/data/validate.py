"""Validation at the boundary: every frame a user hands to kzecon passes through here.

Each check raises a :mod:`kzecon.errors` exception whose message names the column and, where
there is one, the country and year of the offending rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError, DataQualityWarning, SchemaError, UsageError

from .countries import AGGREGATES, EXTRA_CODES, is_aggregate, is_known_iso3, normalise_codes

TRADE_KEY = ["reporter", "partner", "year", "flow"]
TRADE_COLUMNS = [*TRADE_KEY, "value_usd"]
FLOWS = ("export", "import")


def _examples(df: pd.DataFrame, mask, cols: Sequence[str], n: int = 3) -> str:
    mask = np.asarray(mask, dtype=bool)
    rows = df.loc[mask, [c for c in cols if c in df.columns]].head(n)
    parts = []
    for r in rows.itertuples(index=False):
        d = dict(zip(rows.columns, r, strict=True))
        if {"reporter", "partner"} <= d.keys():
            arrow = "→" if d.get("flow", "export") == "export" else "←"
            s = f"{d['reporter']}{arrow}{d['partner']}"
        elif {"exporter", "importer"} <= d.keys():
            s = f"{d['exporter']}→{d['importer']}"
        else:
            s = ", ".join(f"{k}={v}" for k, v in d.items() if k != "year")
        if "year" in d:
            s += f" {d['year']}"
        parts.append(s)
    more = int(np.asarray(mask).sum()) - len(parts)
    return ", ".join(parts) + (f", … ({more} more)" if more > 0 else "")


def require_columns(df: pd.DataFrame, columns: Sequence[str], what: str = "data") -> None:
    """Raise a :class:`SchemaError` naming the ``columns`` that ``df`` lacks.

    Parameters
    ----------
    df : pandas.DataFrame
        The frame to check.
    columns : sequence of str
        Columns it must have.
    what : str, default "data"
        What the frame is, named at the start of the message (e.g. ``"trade data"``).

    Raises
    ------
    SchemaError
        If ``df`` is not a DataFrame, or lacks any of ``columns`` (the message lists the missing and the found ones).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.validate import require_columns
    >>> require_columns(pd.DataFrame({"year": [2020]}), ["year", "share"], "shares")
    Traceback (most recent call last):
    ...
    kzecon.errors.SchemaError: shares: missing required column(s) 'share'; found year
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(f"{what}: missing required column(s) {', '.join(repr(c) for c in missing)}; "
                          f"found {', '.join(map(str, df.columns))}")


def check_years(df: pd.DataFrame, column: str = "year", lo: int = 1800, hi: int = 2100,
                key: Sequence[str] = ()) -> pd.Series:
    """Years must be whole numbers in [lo, hi]; returns them as int64.

    Parameters
    ----------
    df : pandas.DataFrame
        The frame holding the years.
    column : str, default "year"
        The column to check; numbers and numeric text (``"2020"``, ``2020.0``) are accepted.
    lo, hi : int, default 1800 and 2100
        The range of plausible years, inclusive.
    key : sequence of str, default ()
        Not used (the message names the offending values); accepted for the same call as :func:`check_numeric`.

    Returns
    -------
    pandas.Series
        The years as int64, same index.

    Raises
    ------
    SchemaError
        If a value is missing, not a number, has a fraction or lies outside [lo, hi] (the message shows up to three).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.validate import check_years
    >>> check_years(pd.DataFrame({"year": ["2020", 2021.0]})).tolist()
    [2020, 2021]
    """
    y = pd.to_numeric(df[column], errors="coerce")
    bad = y.isna() | (y % 1 != 0) | (y < lo) | (y > hi)
    if bad.any():
        vals = ", ".join(repr(v) for v in df.loc[bad, column].head(3))
        raise SchemaError(f"column '{column}' has {int(bad.sum())} value(s) that are not whole years in "
                          f"{lo}–{hi}: {vals}")
    return y.astype("int64")


def check_numeric(df: pd.DataFrame, column: str, *, nonnegative: bool = True,
                  key: Sequence[str] = ()) -> pd.Series:
    """Values must be numeric, finite and (by default) non-negative; names offending rows.

    Parameters
    ----------
    df : pandas.DataFrame
        The frame holding the values.
    column : str
        The column to check (numbers or numeric text).
    nonnegative : bool, default True
        Also refuse negative values (trade values); False allows them (e.g. growth rates).
    key : sequence of str, default ()
        Columns that identify a row (e.g. ``["reporter", "partner", "year", "flow"]``), used to name up to three
        offending rows in the message (``KAZ→CHN 2020``).

    Returns
    -------
    pandas.Series
        The values as float64, same index.

    Raises
    ------
    SchemaError
        If a value is not a number (with a hint when it has a decimal comma), missing or infinite, or negative where
        ``nonnegative``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.validate import check_numeric
    >>> df = pd.DataFrame({"reporter": ["KAZ"], "partner": ["CHN"], "year": [2020], "flow": ["export"],
    ...                    "value_usd": ["1,5"]})
    >>> check_numeric(df, "value_usd", key=["reporter", "partner", "year", "flow"])
    Traceback (most recent call last):
    ...
    kzecon.errors.SchemaError: column 'value_usd' has 1 non-numeric value(s) ('1,5') at KAZ→CHN 2020; ...
    """
    raw = df[column]
    v = pd.to_numeric(raw, errors="coerce")
    nonnum = v.isna() & raw.notna() & (raw.astype(str).str.strip().str.lower() != "nan")
    if nonnum.any():
        bad = raw[nonnum]
        vals = ", ".join(repr(x) for x in bad.head(3))
        hint = "; decimal commas? use '.' for decimals" if bad.astype(str).str.contains(",").any() else ""
        raise SchemaError(f"column '{column}' has {int(nonnum.sum())} non-numeric value(s) ({vals}) at "
                          f"{_examples(df, nonnum, key)}{hint}")
    nonfin = ~np.isfinite(v.to_numpy(dtype="float64"))
    if nonfin.any():
        raise SchemaError(f"column '{column}' has {int(nonfin.sum())} missing or infinite value(s) at "
                          f"{_examples(df, nonfin, key)}")
    if nonnegative:
        neg = v < 0
        if neg.any():
            raise SchemaError(f"column '{column}' has {int(neg.sum())} negative value(s) at "
                              f"{_examples(df, neg, key)}")
    return v.astype("float64")


DOMINANCE = 1e12  # one value larger than DOMINANCE × all the others together is taken for a data error
OVERFLOW = 1e250  # values beyond this overflow sums of squares and exponentials in estimation


def check_magnitude(df: pd.DataFrame, column: str, values: pd.Series, key: Sequence[str] = ()) -> None:
    """Refuse a single value that dominates all others by many orders of magnitude, or one that would overflow.

    Such a value is a unit or typing error (a share computed from it would say 100%): a value above ``OVERFLOW``
    (1e250), or, with more than two values, one larger than ``DOMINANCE`` (1e12) times all the others together.

    Parameters
    ----------
    df : pandas.DataFrame
        The frame the values come from (to name the row).
    column : str
        The values' column name, for the message.
    values : pandas.Series
        The values, already numeric (as :func:`check_numeric` returns them), aligned with ``df``'s rows.
    key : sequence of str, default ()
        Columns that identify a row, to name the offending one.

    Raises
    ------
    SchemaError
        If a value overflows or dominates (the message names its row).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.validate import check_magnitude
    >>> df = pd.DataFrame({"reporter": "KAZ", "partner": ["CHN", "RUS", "USA"], "year": 2020, "flow": "export"})
    >>> check_magnitude(df, "value_usd", pd.Series([1.0, 2.0, 1e20]), key=["reporter", "partner", "year", "flow"])
    Traceback (most recent call last):
    ...
    kzecon.errors.SchemaError: column 'value_usd': one value (1e+20 at KAZ→USA 2020) is more than 1e+12 times ...
    """
    v = values.to_numpy(dtype="float64")
    if not len(v):
        return
    top = int(np.argmax(v))
    big = v > OVERFLOW
    if big.any():
        raise SchemaError(f"column '{column}' has a value of {v[top]:.3g} at {_examples(df, big, key, 1)}: too "
                          "large to compute with (overflow); check its units")
    rest = float(v.sum() - v[top])
    if len(v) > 2 and v[top] > 0 and v[top] > DOMINANCE * max(rest, np.finfo(float).tiny):
        mask = np.zeros(len(v), dtype=bool)
        mask[top] = True
        raise SchemaError(f"column '{column}': one value ({v[top]:.3g} at {_examples(df, mask, key, 1)}) is more "
                          f"than {DOMINANCE:.0e} times all other values together; a unit or typing error?")


def check_codes(df: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise a :class:`SchemaError` naming the values of ``columns`` that are not ISO-3 codes (aggregates allowed).

    Parameters
    ----------
    df : pandas.DataFrame
        The frame to check.
    columns : sequence of str
        Columns of country codes; each value must be a known ISO-3 code (:func:`kzecon.data.countries.is_known_iso3`)
        or an aggregate (:func:`kzecon.data.countries.is_aggregate`).

    Raises
    ------
    SchemaError
        If a column holds unknown codes (up to five named, with a pointer to :func:`kzecon.data.to_iso3`).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.validate import check_codes
    >>> check_codes(pd.DataFrame({"partner": ["CHN", "WLD", "XXX"]}), ["partner"])
    Traceback (most recent call last):
    ...
    kzecon.errors.SchemaError: column 'partner' has unknown ISO-3 country code(s) 'XXX' (convert ...)
    """
    for c in columns:
        vals = df[c].astype(str).unique()
        bad = [v for v in vals if not is_known_iso3(v) and not is_aggregate(v)]
        if bad:
            shown = ", ".join(repr(b) for b in bad[:5])
            raise SchemaError(f"column '{c}' has unknown ISO-3 country code(s) {shown}"
                              f"{' …' if len(bad) > 5 else ''} (convert with kzecon.data.to_iso3)")


def whole_number(value, name: str, lo: int, hi: int | None = None) -> int:
    """An option that must be a whole number in [lo, hi] (``horizon``, ``n_paths``, a year), returned as int.

    Parameters
    ----------
    value : int or float
        The option's value; a float with no fraction (``3.0``) is accepted.
    name : str
        The option's name, for the message.
    lo : int
        Smallest allowed value.
    hi : int or None, default None
        Largest allowed value; None for no upper bound.

    Returns
    -------
    int

    Raises
    ------
    UsageError
        If ``value`` is a fraction, a string, a boolean or out of range (exit code 64, as the CLI's own check).

    Examples
    --------
    >>> from kzecon.data.validate import whole_number
    >>> whole_number(3.0, "horizon", 1, 50)
    3
    >>> whole_number(2.5, "horizon", 1, 50)
    Traceback (most recent call last):
    ...
    kzecon.errors.UsageError: horizon must be a whole number (1–50), got 2.5
    """
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
    if not ok and isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
        ok, value = True, int(value)
    rng = f"{lo}–{hi}" if hi is not None else f"at least {lo}"
    if not ok:
        raise UsageError(f"{name} must be a whole number ({rng}), got {value!r}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        raise UsageError(f"{name} must be {rng}, got {value}")
    return value


DISSOLVED = {"SUN": 1991, "CSK": 1992, "DDR": 1990, "YMD": 1990, "YUG": 2003, "SCG": 2006, "ANT": 2010}
"""Former states (ISO 3166-3) and their last year: the Soviet Union, Czechoslovakia, the German Democratic Republic,
South Yemen, Yugoslavia (the code the Federal Republic kept to 2003), Serbia and Montenegro, the Netherlands
Antilles."""


def check_dissolved(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """A former state's code in a year after it ended (SUN in 2015) is a coding error, not a partner.

    Former states and their last years: :data:`DISSOLVED` (SUN 1991, CSK 1992, DDR 1990, YMD 1990, YUG 2003,
    SCG 2006, ANT 2010).

    Parameters
    ----------
    df : pandas.DataFrame
        The frame to check; must have a ``year`` column.
    columns : sequence of str
        Columns of country codes to check; columns not in ``df`` are skipped.
    what : str
        What the frame is, named at the start of the message.

    Raises
    ------
    SchemaError
        If a former state's code appears after its last year (the message names the code, the year and a row).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.validate import check_dissolved
    >>> df = pd.DataFrame({"reporter": ["KAZ"], "partner": ["SUN"], "year": [2015]})
    >>> check_dissolved(df, ["partner"], "trade data")
    Traceback (most recent call last):
    ...
    kzecon.errors.SchemaError: trade data: column 'partner' has 1 row(s) of SUN after 1991, the last year ...
    """
    for c in columns:
        if c not in df.columns:
            continue
        code = df[c].astype(str)
        for old, last in DISSOLVED.items():
            bad = (code == old).to_numpy() & (df["year"].to_numpy() > last)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                row = df.iloc[i]
                ex = (f"{row['reporter']}→{row['partner']} {int(row['year'])}" if {"reporter", "partner"} <= set(df)
                      else str(int(row["year"])))
                raise SchemaError(f"{what}: column '{c}' has {int(bad.sum())} row(s) of {old} after {last}, the last "
                                  f"year of that former state (e.g. {ex}); give its trade under the successor states' "
                                  "codes")


def check_positive_values(values, what: str, *, upper: float | None = None) -> list[float]:
    """A list of option values (prices, levels) that must be finite positive numbers (at most ``upper``), each once.

    Parameters
    ----------
    values : iterable
        The values (numbers or numeric text).
    what : str
        What they are, named at the start of the message (e.g. ``"--brent"``).
    upper : float or None, default None
        Largest allowed value; None for no upper bound.

    Returns
    -------
    list of float
        The values, in order.

    Raises
    ------
    UsageError
        If a value is not a number, not finite or not positive, there are no values, one exceeds ``upper``, or a value
        is given twice.

    Examples
    --------
    >>> from kzecon.data.validate import check_positive_values
    >>> check_positive_values(["80", 65.5], "Brent prices")
    [80.0, 65.5]
    """
    out = []
    for v in list(values):
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise UsageError(f"{what}: {v!r} is not a number") from None
        if not np.isfinite(x) or x <= 0:
            raise UsageError(f"{what} must be finite positive numbers, got {v!r}")
        out.append(x)
    if not out:
        raise UsageError(f"{what}: no values given")
    if upper is not None and max(out) > upper:
        raise UsageError(f"{what} must be at most {upper:g}, got {max(out):g}")
    if len(set(out)) < len(out):
        raise UsageError(f"{what}: {', '.join(f'{v:g}' for v in sorted({v for v in out if out.count(v) > 1}))} given "
                         "twice")
    return out


def year_series(df: pd.DataFrame, column: str, what: str, *, positive: bool = False,
                allow_missing: bool = False) -> pd.Series:
    """One value a year from a frame with ``year`` and ``column``, checked, as a Series indexed by year.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``year`` and ``column``.
    column : str
        The value column.
    what : str
        What the data are, named at the start of each message.
    positive : bool, default False
        Require every value to be positive (prices, levels).
    allow_missing : bool, default False
        Allow empty values (kept as NaN); otherwise every year needs a finite number.

    Returns
    -------
    pandas.Series
        Float values indexed by ``year`` (int), sorted, named ``column``.

    Raises
    ------
    SchemaError
        If a column is missing, a year is not a whole year or appears twice, or a value is not a finite (positive)
        number (the message names the year).
    CoverageError
        If ``df`` has no rows.

    See Also
    --------
    check_year_coverage : Whether a series covers the years a computation needs.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.validate import year_series
    >>> year_series(pd.DataFrame({"year": [2021, 2020], "brent": [70.9, 41.8]}), "brent", "Brent prices", positive=True)
    year
    2020    41.8
    2021    70.9
    Name: brent, dtype: float64
    """
    require_columns(df, ["year", column], what)
    if not len(df):
        raise CoverageError(f"{what}: no rows")
    years = check_years(df)
    dup = years.duplicated(keep=False)
    if dup.any():
        twice = sorted(set(years[dup]))
        raise SchemaError(f"{what}: year(s) {', '.join(map(str, twice[:5]))} appear more than once")
    raw = df[column]
    v = pd.to_numeric(raw, errors="coerce").astype("float64")
    bad = ~np.isfinite(v.to_numpy()) & ~(allow_missing & raw.isna().to_numpy())
    if positive:
        bad |= (v <= 0).to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        need = "a finite positive number" if positive else "a finite number"
        raise SchemaError(f"{what}: column '{column}' must be {need} in every year; {raw.iloc[first]!r} in "
                          f"{years.iloc[first]}" + (f" ({int(bad.sum())} such rows)" if bad.sum() > 1 else ""))
    return pd.Series(v.to_numpy(), index=pd.Index(years.to_numpy(), name="year"), name=column).sort_index()


def check_year_coverage(series: pd.Series, first: int, last: int, what: str, why: str) -> None:
    """Every year from ``first`` to ``last`` must be in ``series``' index.

    Parameters
    ----------
    series : pandas.Series
        A series indexed by year (as :func:`year_series` returns it).
    first, last : int
        The years needed, inclusive.
    what : str
        What the series is, named at the start of the message.
    why : str
        What needs the years, named in the message (e.g. ``"the scenario"``).

    Raises
    ------
    CoverageError
        If a year is missing: the message names the years the series covers, those missing inside or at either end,
        and ``why`` they are needed.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.validate import check_year_coverage
    >>> prices = pd.Series([1.0, 2.0, 3.0], index=[2000, 2001, 2003])
    >>> check_year_coverage(prices, 2000, 2005, "Brent price history", "the scenario")
    Traceback (most recent call last):
    ...
    kzecon.errors.CoverageError: Brent price history runs 2000–2003 but it ends in 2003 and year(s) 2002 ...
    """
    have = set(int(y) for y in series.index)
    missing = [y for y in range(int(first), int(last) + 1) if y not in have]
    if not missing:
        return
    lo, hi = min(have), max(have)
    inside = [y for y in missing if lo < y < hi]
    parts = []
    if first < lo:
        parts.append(f"it starts in {lo}")
    if last > hi:
        parts.append(f"it ends in {hi}")
    if inside:
        parts.append(f"year(s) {', '.join(map(str, inside[:5]))}{' …' if len(inside) > 5 else ''} are missing")
    raise CoverageError(f"{what} runs {lo}–{hi} but {' and '.join(parts)}; {why} needs every year {first}–{last}")


def check_no_aggregates(df: pd.DataFrame, columns: Sequence[str], what: str = "gravity data") -> None:
    """Rows whose country is an aggregate (WLD, EU27, the World Bank's EUU, HIC …) are totals, not a country's trade.

    A gravity panel with them would estimate the world as one more country.

    Parameters
    ----------
    df : pandas.DataFrame
        The frame to check.
    columns : sequence of str
        Columns of country codes (compared stripped and upper-cased); columns not in ``df`` are skipped.
    what : str, default "gravity data"
        What the frame is, named at the start of the message.

    Raises
    ------
    SchemaError
        If a column holds aggregates (up to four named, with a row).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.validate import check_no_aggregates
    >>> g = pd.DataFrame({"exporter": ["KAZ", "WLD"], "importer": ["CHN", "KAZ"], "year": 2019, "flow": [1.0, 2.0]})
    >>> check_no_aggregates(g, ["exporter", "importer"])
    Traceback (most recent call last):
    ...
    kzecon.errors.SchemaError: gravity data: column 'exporter' has 1 row(s) of aggregates, not countries: ...
    """
    for c in columns:
        if c not in df.columns:
            continue
        # each distinct code normalised once (a world panel has 852,642 rows and 202 codes)
        rows, uniq = pd.factorize(df[c], use_na_sentinel=False)
        norm = pd.Index(uniq, dtype=object).astype(str).str.strip().str.upper()
        agg_code = np.asarray(norm.isin(AGGREGATES))
        agg = agg_code[rows]
        if agg.any():
            found = sorted(set(norm[agg_code]))
            names = ", ".join(f"{a} ({EXTRA_CODES.get(a, 'World Bank aggregate')})" for a in found[:4])
            more = " …" if len(found) > 4 else ""
            raise SchemaError(f"{what}: column '{c}' has {int(agg.sum())} row(s) of aggregates, not countries: "
                              f"{names}{more} (e.g. {_examples(df, agg, GRAVITY_COLUMNS, 1)}); remove those rows")


def check_duplicates(df: pd.DataFrame, key: Sequence[str]) -> None:
    """Raise a :class:`SchemaError` naming the first rows that repeat the ``key`` (with the count of such rows).

    Parameters
    ----------
    df : pandas.DataFrame
        The frame to check.
    key : sequence of str
        Columns that must identify each row.

    Raises
    ------
    SchemaError
        If two or more rows share the key.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.validate import check_duplicates
    >>> t = pd.DataFrame({"reporter": "KAZ", "partner": ["CHN", "CHN"], "year": 2023, "flow": "export"})
    >>> check_duplicates(t, ["reporter", "partner", "year", "flow"])
    Traceback (most recent call last):
    ...
    kzecon.errors.SchemaError: 2 rows share a key (reporter, partner, year, flow): KAZ→CHN 2023, KAZ→CHN 2023
    """
    dup = df.duplicated(list(key), keep=False)
    if dup.any():
        raise SchemaError(f"{int(dup.sum())} rows share a key ({', '.join(key)}): "
                          f"{_examples(df, dup, key)}")


def validate_trade(df: pd.DataFrame, *, key: Sequence[str] | None = None,
                   check_country_codes: bool = True) -> pd.DataFrame:
    """Validate a tidy bilateral trade frame and return a clean copy.

    The boundary check every trade frame passes (the CLI's ``--data`` and every measure): required columns
    ``reporter, partner, year, flow, value_usd``; ``flow`` ``export`` or ``import`` (any case); years whole; values
    finite, non-negative and of plausible magnitude; country codes normalised (stripped, upper-cased, ISO 3166-3
    former codes mapped to their successors with a warning) and known; no former state after its end; one row per
    key.

    Parameters
    ----------
    df : pandas.DataFrame
        The trade frame; other columns are kept.
    key : sequence of str or None, default None
        Columns that must identify each row; None for ``reporter, partner, year, flow`` plus ``source`` and
        ``reporter_side`` where present.
    check_country_codes : bool, default True
        Refuse codes that are neither ISO-3 nor an aggregate; False keeps them (aggregates are allowed either way: the
        measures leave them out).

    Returns
    -------
    pandas.DataFrame
        A copy with ``year`` as int64, ``flow`` lower-case, ``value_usd`` float64 and the codes normalised.

    Raises
    ------
    SchemaError
        If a column is missing, a flow is not export/import, a year or value is invalid, a country code is missing or
        unknown, a former state appears after its end, or a key repeats (messages name the rows).
    CoverageError
        If the frame has no rows.

    Warns
    -----
    DataQualityWarning
        When former ISO codes are mapped to their successors.

    See Also
    --------
    validate_gravity : The same for a gravity panel.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data import validate_trade
    >>> t = pd.DataFrame({"reporter": [" kaz", "KAZ"], "partner": ["CHN", "RUS"], "year": [2023, 2023],
    ...                   "flow": ["Export", "import"], "value_usd": [15.2e9, 17.0e9]})
    >>> validate_trade(t)
      reporter partner  year    flow     value_usd
    0      KAZ     CHN  2023  export  1.520000e+10
    1      KAZ     RUS  2023  import  1.700000e+10
    >>> validate_trade(t.assign(partner=["CHN", "SUN"]))
    Traceback (most recent call last):
    ...
    kzecon.errors.SchemaError: trade data: column 'partner' has 1 row(s) of SUN after 1991, the last year ...
    """
    require_columns(df, TRADE_COLUMNS, "trade data")
    if len(df) == 0:
        raise CoverageError("trade data: no rows")
    out = df.copy()
    out["year"] = check_years(out)
    out["flow"] = out["flow"].astype(str).str.lower().str.strip()
    badflow = ~out["flow"].isin(FLOWS)
    if badflow.any():
        vals = sorted(out.loc[badflow, "flow"].unique())[:5]
        raise SchemaError(f"column 'flow' must be 'export' or 'import'; found {vals} at "
                          f"{_examples(out, badflow, ['reporter', 'partner', 'year'])}")
    out["value_usd"] = check_numeric(out, "value_usd", key=TRADE_KEY)
    check_magnitude(out, "value_usd", out["value_usd"], key=TRADE_KEY)
    for c in ("reporter", "partner"):  # the API normalises codes as the CLI does: ' kaz' → KAZ, ROM → ROU
        if out[c].isna().any():
            raise SchemaError(f"column '{c}' has {int(out[c].isna().sum())} missing country code(s)")
        out[c], mapped, _unknown = normalise_codes(out[c], c)
        if mapped:
            warnings.warn(f"trade data: column '{c}': former ISO codes mapped to their successors (ISO 3166-3): "
                          + ", ".join(f"{a}→{b}" for a, b in sorted(mapped.items())), DataQualityWarning, stacklevel=2)
    if check_country_codes:
        check_codes(out, ["reporter", "partner"])
    check_dissolved(out, ["reporter", "partner"], "trade data")
    if key is None:
        key = TRADE_KEY + [c for c in ("source", "reporter_side") if c in out.columns]
    check_duplicates(out, key)
    return out


GRAVITY_COLUMNS = ["exporter", "importer", "year", "flow"]


def validate_gravity(df: pd.DataFrame, *, check_country_codes: bool = False,
                     allow_missing_flow: bool = False) -> pd.DataFrame:
    """Validate a gravity panel (exporter, importer, year, flow) and return a clean copy.

    Checks: required columns; no rows, missing pair identifiers, invalid years or flows refused; no single flow of
    implausible magnitude; no aggregates (WLD, EU27, …) as exporter or importer; one row per exporter-importer-year.
    Country codes are not changed.

    Parameters
    ----------
    df : pandas.DataFrame
        The panel; other columns (covariates) are kept.
    check_country_codes : bool, default False
        Also refuse codes that are not ISO-3 (by default a panel may use its own labels as identifiers).
    allow_missing_flow : bool, default False
        Keep empty flows as NaN (the estimators leave them out and count them) instead of refusing them;
        non-numeric, negative, infinite and implausibly large flows are errors either way.

    Returns
    -------
    pandas.DataFrame
        A copy with ``year`` as int64 and ``flow`` float64.

    Raises
    ------
    SchemaError
        If a column is missing, an exporter or importer is missing, a year or flow is invalid, an aggregate is
        present, a code is unknown (with ``check_country_codes``) or an exporter-importer-year repeats.
    CoverageError
        If the panel has no rows.

    See Also
    --------
    kzecon.data.load_gravity : Bundled panels.
    read_gravity_csv : A user's gravity file.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data import validate_gravity
    >>> g = pd.DataFrame({"exporter": ["KAZ", "CHN"], "importer": ["CHN", "KAZ"], "year": [2019, 2019],
    ...                   "flow": ["9800", None]})
    >>> validate_gravity(g, allow_missing_flow=True)
      exporter importer  year    flow
    0      KAZ      CHN  2019  9800.0
    1      CHN      KAZ  2019     NaN
    """
    require_columns(df, GRAVITY_COLUMNS, "gravity data")
    if len(df) == 0:
        raise CoverageError("gravity data: no rows")
    out = df.copy()
    for c in ("exporter", "importer"):
        if out[c].isna().any():
            raise SchemaError(f"column '{c}' has {int(out[c].isna().sum())} missing pair identifier(s)")
    out["year"] = check_years(out)
    if allow_missing_flow:
        miss = pd.to_numeric(out["flow"], errors="coerce").isna() & out["flow"].isna()
        vals = check_numeric(out.loc[~miss], "flow", key=GRAVITY_COLUMNS)
        out["flow"] = vals.reindex(out.index)
    else:
        out["flow"] = check_numeric(out, "flow", key=GRAVITY_COLUMNS)
    check_magnitude(out, "flow", out["flow"].fillna(0.0), key=GRAVITY_COLUMNS)
    check_no_aggregates(out, ["exporter", "importer"])
    if check_country_codes:
        check_codes(out, ["exporter", "importer"])
    check_duplicates(out, ["exporter", "importer", "year"])
    return out
