"""One sector vocabulary by HS 2-digit chapter, and the map from HS-coded trade to sectors.

The bundled table (``kzecon/data/reference/hs2_sectors.csv``) follows the sector rules of the bundled
Kazakhstan–China sector data, so both agree; a user's table is validated the same way.
"""

from __future__ import annotations

import pandas as pd

from kzecon.errors import SchemaError

from ._store import read_reference
from .validate import require_columns

SECTORS = ("fuels", "metals", "chemicals", "agriculture", "machinery", "vehicles", "textiles",
           "plastics_rubber", "wood_paper", "stone_ceramics", "other")
HS_CHAPTERS = tuple(f"{c:02d}" for c in range(1, 100) if c != 77)  # chapter 77 is reserved in the HS


# --------------------------------------------------------------------------------------------------------
def load_hs2_sectors() -> pd.DataFrame:
    """kzecon's HS 2-digit chapter → sector table (``chapter`` as two-digit text, ``sector``).

    Returns
    -------
    pandas.DataFrame
        98 rows (chapters 01–99 without the reserved 77): ``chapter`` (``"01"`` … ``"99"``) and ``sector``, one of
        fuels, metals, chemicals, agriculture, machinery, vehicles, textiles, plastics_rubber, wood_paper,
        stone_ceramics, other — the sectors of the bundled Kazakhstan–China sector data
        (:func:`kzecon.data.load_products`).

    See Also
    --------
    map_hs2 : Aggregates HS-coded trade with it.

    Examples
    --------
    >>> from kzecon.data import load_hs2_sectors
    >>> hs = load_hs2_sectors()
    >>> hs.shape
    (98, 2)
    >>> hs[hs["chapter"].isin(["26", "27", "74"])].to_dict("records")
    [{'chapter': '26', 'sector': 'metals'}, {'chapter': '27', 'sector': 'fuels'}, {'chapter': '74', 'sector': 'metals'}]
    """
    return read_reference("hs2_sectors.csv", dtype={"chapter": str})


def sector_table(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The HS-2 → sector table: kzecon's (bundled) or a user's, validated.

    Parameters
    ----------
    table : pandas.DataFrame or None, default None
        A user's table with columns ``chapter`` and ``sector``; None for kzecon's (:func:`load_hs2_sectors`).

    Returns
    -------
    pandas.DataFrame
        ``chapter`` (two-digit text) and ``sector``, sorted by chapter.

    Raises
    ------
    SchemaError
        If the table fails :func:`validate_sector_table`.

    Examples
    --------
    >>> from kzecon.data.sectors import sector_table
    >>> sector_table().head(2)
      chapter       sector
    0      01  agriculture
    1      02  agriculture
    """
    return validate_sector_table(load_hs2_sectors() if table is None else table)


def validate_sector_table(table: pd.DataFrame) -> pd.DataFrame:
    """Check that every HS chapter 01–99 (except the reserved 77) is assigned to exactly one sector.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``chapter`` (HS chapter as text or number: ``1``, ``"01"`` and ``1.0`` all read as ``"01"``) and
        ``sector`` (any non-empty label); other columns are ignored.

    Returns
    -------
    pandas.DataFrame
        ``chapter`` (two-digit text) and ``sector``, sorted by chapter.

    Raises
    ------
    SchemaError
        If a column is missing, a chapter is not an HS chapter, a chapter is assigned twice or not at all, or a
        sector is empty (the message names the chapter).

    Examples
    --------
    >>> from kzecon.data import load_hs2_sectors
    >>> from kzecon.data.sectors import validate_sector_table
    >>> t = load_hs2_sectors()
    >>> validate_sector_table(t[t["chapter"] != "27"])
    Traceback (most recent call last):
    ...
    kzecon.errors.SchemaError: sector table leaves HS chapter(s) 27 unassigned
    """
    require_columns(table, ["chapter", "sector"], "sector table")
    t = table[["chapter", "sector"]].copy()
    t["chapter"] = t["chapter"].map(_chapter)
    bad = t["chapter"].isna()
    if bad.any():
        raise SchemaError(f"sector table: column 'chapter' has values that are not HS chapters 01–99: "
                          f"{table.loc[bad, 'chapter'].astype(str).tolist()[:5]}")
    twice = t[t["chapter"].duplicated(keep=False)]
    if len(twice):
        ch = twice["chapter"].iloc[0]
        raise SchemaError(f"sector table assigns HS chapter {ch} more than once "
                          f"({', '.join(twice.loc[twice['chapter'] == ch, 'sector'].astype(str))})")
    missing = sorted(set(HS_CHAPTERS) - set(t["chapter"]))
    if missing:
        raise SchemaError(f"sector table leaves HS chapter(s) {', '.join(missing[:10])} unassigned")
    empty = t["sector"].isna() | (t["sector"].astype(str).str.strip() == "")
    if empty.any():
        raise SchemaError(f"sector table: HS chapter {t.loc[empty, 'chapter'].iloc[0]} has an empty sector")
    return t.sort_values("chapter").reset_index(drop=True)


def _normalise_code(code) -> str:
    """An HS code as text: trimmed, without a float's ``.0``, and with the leading zero that numeric files lose
    (HS codes have an even number of digits)."""
    s = str(code).strip().removesuffix(".0")
    return "0" + s if s.isdigit() and len(s) % 2 else s


def _chapter(code) -> str | None:
    s = _normalise_code(code)
    return s[:2] if s.isdigit() and s[:2] in HS_CHAPTERS else None


def map_hs2(trade: pd.DataFrame, table: pd.DataFrame | None = None, *, code_column: str = "cmd_code") -> pd.DataFrame:
    """Aggregate HS-coded trade (e.g. :func:`kzecon.data.read_comtrade` output) to sectors.

    Rows whose code is ``TOTAL`` (or another aggregate: ``AG2``, ``AG4``, ``AG6``, ``ALL``) are set aside; when a
    frame holds several levels of the same chapter (HS-2 and HS-4 rows), only the coarsest rows of each chapter are
    used, so nothing is counted twice. Both are counted in ``attrs["dropped"]``.

    Parameters
    ----------
    trade : pandas.DataFrame
        HS-coded trade: ``reporter``, ``partner``, ``year``, ``flow``, the code column and ``value_usd``; optional
        ``reporter_side`` and ``source`` are kept as keys. Codes may be text or numbers (a lost leading zero is
        restored: ``7`` → ``"07"``).
    table : pandas.DataFrame or None, default None
        The chapter → sector table; None for kzecon's (:func:`load_hs2_sectors`). A user's table is validated.
    code_column : str, default "cmd_code"
        Name of the column holding the HS codes.

    Returns
    -------
    pandas.DataFrame
        ``reporter``, ``partner``, ``year``, ``flow`` (+ ``reporter_side``, ``source`` where present), ``sector``,
        ``value_usd`` summed over the chapters of each sector; ``attrs["dropped"]`` counts the rows set aside.

    Raises
    ------
    SchemaError
        If a required column is missing, a code is not an HS chapter (named, with its row), or ``table`` is invalid.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data import map_hs2
    >>> hs = pd.DataFrame({"reporter": "KAZ", "partner": "CHN", "year": 2023, "flow": "export",
    ...                    "cmd_code": ["TOTAL", "26", "74", "7403", "27"], "value_usd": [10.0, 2.0, 3.0, 2.5, 4.0]})
    >>> m = map_hs2(hs)
    >>> m
      reporter partner  year    flow  sector  value_usd
    0      KAZ     CHN  2023  export   fuels        4.0
    1      KAZ     CHN  2023  export  metals        5.0
    >>> m.attrs["dropped"]
    {'aggregate rows (TOTAL)': 1, 'finer HS rows under a chapter already present': 1}
    """
    require_columns(trade, ["reporter", "partner", "year", "flow", code_column, "value_usd"], "HS trade data")
    t = sector_table(table).set_index("chapter")["sector"]
    code = trade[code_column].map(_normalise_code)
    aggregate = code.str.upper().isin(["TOTAL", "AG2", "AG4", "AG6", "ALL"])
    df = trade[~aggregate].copy()
    code = code[~aggregate]
    chapter = code.map(_chapter)
    if chapter.isna().any():
        bad = df[chapter.isna()].iloc[0]
        raise SchemaError(f"column '{code_column}': {code[chapter.isna()].iloc[0]!r} is not an HS chapter "
                          f"({bad['reporter']}→{bad['partner']} {bad['year']} {bad['flow']})")
    digits = code.str.len()
    finest_needed = digits == digits.groupby([df["reporter"], df["partner"], df["year"], df["flow"], chapter]
                                             ).transform("min")
    n_detail = int((~finest_needed).sum())
    df = df[finest_needed.to_numpy()].assign(sector=chapter[finest_needed].map(t).to_numpy())
    keys = [k for k in ("reporter", "partner", "year", "flow", "reporter_side", "source") if k in df.columns]
    out = df.groupby(keys + ["sector"], as_index=False, dropna=False)["value_usd"].sum()
    out.attrs["dropped"] = {k: v for k, v in {"aggregate rows (TOTAL)": int(aggregate.sum()),
                                              "finer HS rows under a chapter already present": n_detail}.items() if v}
    return out
