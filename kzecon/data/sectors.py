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
    """kzecon's HS 2-digit chapter → sector table (``chapter`` as two-digit text, ``sector``)."""
    return read_reference("hs2_sectors.csv", dtype={"chapter": str})


def sector_table(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The HS-2 → sector table: kzecon's (bundled) or a user's, validated."""
    return validate_sector_table(load_hs2_sectors() if table is None else table)


def validate_sector_table(table: pd.DataFrame) -> pd.DataFrame:
    """Check that every HS chapter 01–99 (except the reserved 77) is assigned to exactly one sector."""
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

    Rows whose code is ``TOTAL`` (or another aggregate such as ``AG2``) are set aside and counted in
    ``attrs["dropped"]``; a code that is not an HS chapter raises :class:`SchemaError` naming it. When a frame
    holds several levels of the same chapter (HS-2 and HS-4 rows), only the 2-digit rows are used, so
    nothing is counted twice. Returns reporter, partner, year, flow, sector, value_usd (+ side columns).
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
