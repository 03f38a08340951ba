"""Readers of the official file formats a user brings, each returning kzecon's tidy frame.

========================  =======================================================================
reader                    format
========================  =======================================================================
:func:`read_imf`          IMF Direction of Trade Statistics bulk CSV (wide, one column per year)
                          and IMF IMTS SDMX-CSV (long: COUNTRY, INDICATOR, COUNTERPART_COUNTRY,
                          FREQUENCY, TIME_PERIOD, OBS_VALUE)
:func:`read_comtrade`     UN Comtrade CSV, classic (``Trade Value (US$)``) and Comtrade Plus
                          (``primaryValue``) column sets
:func:`read_gravity_csv`  CEPII Gravity (``iso3_o``/``iso3_d``), USITC ITPD-E (``exporter_iso3``)
                          and USITC DGD, or a canonical exporter/importer/year/flow CSV
:func:`read_wdi`          World Bank WDI CSV (bulk wide layout with its 4 metadata lines, or long)
:func:`read_dta`          Stata .dta of trade or gravity data (names normalised)
:func:`read_any`          detects the format of a path and dispatches
========================  =======================================================================

Trade readers return ``reporter, partner, year, flow, value_usd, source, reporter_side`` (+ the
commodity code where the file has one); gravity readers return ``exporter, importer, year, flow``
plus covariates.  Country codes come out as ISO-3.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from kzecon.errors import CountryCodeError, DataFileError, DataQualityWarning, SchemaError

from .countries import normalise_codes, to_iso3
from .validate import check_numeric, check_years, require_columns

_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_GZIP_MAGIC = b"\x1f\x8b"
MEMORY_FACTOR = 8  # a CSV of B bytes needs roughly this many times B of memory once parsed


def _available_memory() -> int | None:
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not on every platform
        return None


def _raw_bytes(path) -> bytes:
    """The file's bytes (gunzipped), after the checks every reader shares: exists, not a folder, fits in memory,
    not Excel."""
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"file not found: {path}")
    if path.is_dir():
        raise DataFileError(f"{path} is a folder, not a data file")
    size = path.stat().st_size
    avail = _available_memory()
    if avail is not None and size * MEMORY_FACTOR > avail:
        raise DataFileError(f"{path} is {size / 1e9:.1f} GB, too large to read into this machine's "
                            f"{avail / 1e9:.1f} GB of free memory: select the years or columns you need first "
                            "(or use kzecon.gravity.ppml_by for a panel split by sector)")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise DataFileError(f"cannot read {path}: {err.strerror}") from err
    if raw[:4] in _EXCEL_MAGIC:
        raise DataFileError(f"{path} is an Excel/zip file, not CSV text: save it as CSV first")
    if raw[:2] == _GZIP_MAGIC:
        import gzip

        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise DataFileError(f"{path} is a damaged gzip file: {err}") from err
    return raw


def _read_text(path) -> str:
    raw = _raw_bytes(path)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark (Excel's "Unicode text")
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise DataFileError(f"{path} starts like UTF-16 text but does not decode: re-save it as UTF-8") from err
    if b"\x00" in raw[:4096]:
        half = raw[1:4096:2] if raw[:1] != b"\x00" else raw[0:4096:2]
        hint = (" (it looks like UTF-16 text without a byte-order mark: re-save it as UTF-8)"
                if half and half.count(b"\x00") > 0.8 * len(half) else "")
        raise DataFileError(f"{path} is a binary file, not CSV text{hint}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataFileError(f"{path} is not UTF-8 text (byte {err.start}: {raw[err.start:err.start + 1]!r});"
                            " re-save it as UTF-8") from err


def _read_csv_text(text: str, path, skiprows: int = 0, comment: str | None = None) -> pd.DataFrame:
    if comment:
        text = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith(comment))
    lines = text.splitlines()[skiprows:skiprows + 5]
    sample = "\n".join(lines)
    if not sample.strip():
        raise DataFileError(f"{path} is empty")
    try:
        sep = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, skiprows=skiprows, dtype=str,
                         keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, ValueError) as err:
        raise DataFileError(f"{path} is not a well-formed CSV file: {str(err).splitlines()[0]}") from err
    df.columns = [str(c).strip() for c in df.columns]
    if df.shape[1] == 1 and len(df):
        raise DataFileError(f"{path} has a single column {df.columns[0]!r}: wrong delimiter or not a "
                            "table")
    return df


def _trade_frame(reporter, partner, year, flow, value, source, side, extra=None) -> pd.DataFrame:
    out = pd.DataFrame({"reporter": reporter, "partner": partner, "year": year, "flow": flow,
                        "value_usd": value, "source": source, "reporter_side": side})
    if extra:
        for k, v in extra.items():
            out[k] = v
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------- IMF

IMF_INDICATORS = {
    # legacy DOTS codes
    "TXG_FOB_USD": "export", "TMG_CIF_USD": "import", "TMG_FOB_USD": "import_fob",
    # IMTS (2025–) codes
    "XG_FOB_USD": "export", "MG_CIF_USD": "import", "MG_FOB_USD": "import_fob",
}


IMF_WORLD = {"G001", "1", "001", "W00", "WLD"}  # the World as counterpart: IMTS G001, DOTS area code 1


def _iso3_any(values, column) -> list[str]:
    vals = [str(v).strip() for v in values]
    if all(v.isdigit() for v in vals):
        return to_iso3([int(v) for v in vals], origin="imf", column=column)
    if all(len(v) == 3 and v.isupper() for v in vals):
        return to_iso3(vals, origin="iso3", column=column)
    return to_iso3(vals, origin="name", column=column)


def read_imf(path, *, include_fob_imports: bool = False) -> pd.DataFrame:
    r"""IMF DOTS bulk CSV or IMTS SDMX-CSV → tidy trade, as reported by the ``COUNTRY``.

    Two layouts are read: the IMTS SDMX-CSV (long: ``COUNTRY``, ``INDICATOR``, ``COUNTERPART_COUNTRY``,
    ``TIME_PERIOD``, ``OBS_VALUE``, optional ``FREQUENCY`` — annual rows kept — and ``SCALE``/``UNIT_MULT``, applied
    as a power of ten) and the legacy DOTS bulk CSV (wide: ``Country Code``, ``Indicator Code``, ``Counterpart
    Country Code``, one column per year). Indicators: ``XG_FOB_USD``/``TXG_FOB_USD`` (exports, FOB),
    ``MG_CIF_USD``/``TMG_CIF_USD`` (imports, CIF), ``MG_FOB_USD``/``TMG_FOB_USD`` (imports, FOB). Rows with the World
    as counterpart (G001, 1, 001, W00, WLD) are totals, not partners: left out with a warning. Country codes may be
    IMF numeric codes, ISO-3 codes or names.

    Parameters
    ----------
    path : str or path-like
        The CSV file (gzip allowed).
    include_fob_imports : bool, default False
        Also keep the FOB-valued import rows (``flow = "import"`` like the CIF rows, so a file holding both then has
        two import figures per partner-year); by default imports are CIF only.

    Returns
    -------
    pandas.DataFrame
        ``reporter``, ``partner`` (ISO-3), ``year``, ``flow`` (export | import), ``value_usd`` (US dollars),
        ``source`` (``imf``), ``reporter_side`` (``reported``).

    Raises
    ------
    DataFileError
        If the file is missing, a folder, too large for memory, Excel, binary, not UTF-8/UTF-16 text, empty or not
        a well-formed CSV.
    SchemaError
        If required columns are missing, the DOTS file has no year columns, an ``INDICATOR`` code is unknown, years
        are not whole years, or values are not finite non-negative numbers.
    CountryCodeError
        If a country code or name has no ISO-3 code.

    Warns
    -----
    DataQualityWarning
        When World-counterpart rows are left out.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kzecon.data import read_imf
    >>> path = Path(tempfile.mkdtemp()) / "imts.csv"
    >>> _ = path.write_text("COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE\n"
    ...                     "KAZ,XG_FOB_USD,CHN,A,2023,15.2e9\n"
    ...                     "KAZ,MG_CIF_USD,CHN,A,2023,13.1e9\n"
    ...                     "KAZ,XG_FOB_USD,G001,A,2023,78.7e9\n")
    >>> read_imf(path)
      reporter partner  year    flow     value_usd source reporter_side
    0      KAZ     CHN  2023  export  1.520000e+10    imf      reported
    1      KAZ     CHN  2023  import  1.310000e+10    imf      reported
    """
    df = _read_csv_text(_read_text(path), path)
    if "OBS_VALUE" in df.columns:
        require_columns(df, ["COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "TIME_PERIOD", "OBS_VALUE"],
                        f"IMF IMTS file {path}")
        if "FREQUENCY" in df.columns:
            df = df[df["FREQUENCY"].fillna("A").str.upper() == "A"]
        rep, par, ind = df["COUNTRY"], df["COUNTERPART_COUNTRY"], df["INDICATOR"]
        year = df["TIME_PERIOD"]
        value = df["OBS_VALUE"]
        mult = None
        for c in ("SCALE", "UNIT_MULT"):
            if c in df.columns:
                mult = pd.to_numeric(df[c], errors="coerce").fillna(0)
        long = pd.DataFrame({"rep": rep, "par": par, "ind": ind, "year": year, "value": value})
        if mult is not None:
            long["mult"] = mult.values
    else:
        id_cols = ["Country Code", "Indicator Code", "Counterpart Country Code"]
        require_columns(df, id_cols, f"IMF DOTS file {path} (neither IMTS SDMX-CSV nor DOTS bulk CSV)")
        if "Attribute" in df.columns:
            df = df[df["Attribute"].fillna("Value") == "Value"]
        years = [c for c in df.columns if c.isdigit() and len(c) == 4]
        if not years:
            raise SchemaError(f"IMF DOTS file {path}: no annual columns (1948, 1949, …)")
        long = df.melt(id_vars=id_cols, value_vars=years, var_name="year", value_name="value")
        long = long.rename(columns={"Country Code": "rep", "Counterpart Country Code": "par",
                                    "Indicator Code": "ind"})
        long = long.dropna(subset=["value"])
    unknown = sorted(set(long["ind"]) - set(IMF_INDICATORS))
    if unknown:
        raise SchemaError(f"IMF file {path}: unknown INDICATOR code(s) {unknown[:5]}; expected "
                          f"{', '.join(IMF_INDICATORS)}")
    long["flow"] = long["ind"].map(IMF_INDICATORS)
    if not include_fob_imports:
        long = long[long["flow"] != "import_fob"]
    long["flow"] = long["flow"].replace({"import_fob": "import"})
    long = long.reset_index(drop=True)
    long["year"] = check_years(long.rename(columns={"year": "year"}), "year")
    v = check_numeric(long, "value", key=["rep", "par", "year"])
    if "mult" in long:
        v = v * 10.0 ** long["mult"]
    world = long["par"].astype(str).str.strip().str.upper().isin(IMF_WORLD)
    if world.any():  # the world total is not a partner: left out, as the other readers leave it out, with a note
        warnings.warn(f"IMF file {path}: {int(world.sum())} row(s) with the World as counterpart "
                      f"({', '.join(sorted(set(long.loc[world, 'par'].astype(str))))}) left out: totals, not "
                      "partners", DataQualityWarning, stacklevel=2)
        long = long[~world].reset_index(drop=True)
        v = v[~world.to_numpy()].reset_index(drop=True)
    rep3 = _iso3_any(long["rep"], "COUNTRY")
    par3 = _iso3_any(long["par"], "COUNTERPART_COUNTRY")
    return _trade_frame(rep3, par3, long["year"].values, long["flow"].values, v.values,
                        "imf", "reported")


# ----------------------------------------------------------------------------- Comtrade

_CT_CLASSIC = {"year": "Year", "reporter": "Reporter ISO", "partner": "Partner ISO",
               "flow": "Trade Flow", "value": "Trade Value (US$)", "cmd": "Commodity Code"}
_CT_PLUS = {"year": "refYear", "reporter": "reporterISO", "partner": "partnerISO", "flow": "flowCode",
            "value": "primaryValue", "cmd": "cmdCode"}
_CT_FLOWS = {"export": "export", "import": "import", "x": "export", "m": "import",
             "re-export": None, "re-import": None, "rx": None, "rm": None}


def read_comtrade(path, *, keep_world: bool = False) -> pd.DataFrame:
    r"""UN Comtrade CSV (classic or Comtrade Plus) → tidy trade with ``cmd_code``.

    Both column sets are read: classic (``Year``, ``Reporter ISO``, ``Partner ISO``, ``Trade Flow``, ``Trade Value
    (US$)``, ``Commodity Code``) and Comtrade Plus (``refYear``, ``reporterISO``, ``partnerISO``, ``flowCode``,
    ``primaryValue``, ``cmdCode``). Re-exports and re-imports are left out; both they and the World rows left out
    are counted in ``attrs['dropped']`` and named in one warning.

    Parameters
    ----------
    path : str or path-like
        The CSV file (gzip allowed).
    keep_world : bool, default False
        Keep the rows whose partner is the World (W00 / WLD, written ``WLD``); by default they are left out, since
        they are totals, not partners.

    Returns
    -------
    pandas.DataFrame
        ``reporter``, ``partner`` (ISO-3), ``year``, ``flow`` (export | import), ``value_usd`` (US dollars), ``source``
        (``comtrade``), ``reporter_side`` (``reported``) and ``cmd_code`` (the commodity code as text, where the file
        has one; map HS chapters to sectors with :func:`kzecon.data.map_hs2`).

    Raises
    ------
    DataFileError
        If the file is missing, unreadable or not CSV text (as :func:`read_imf`).
    SchemaError
        If required columns are missing, a trade flow is unknown, years are not whole years, or values are not finite
        non-negative numbers.
    CountryCodeError
        If a reporter or partner code is not ISO-3.

    Warns
    -----
    DataQualityWarning
        When rows are left out (re-exports, re-imports, World).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kzecon.data import read_comtrade
    >>> path = Path(tempfile.mkdtemp()) / "comtrade.csv"
    >>> _ = path.write_text("refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue\n"
    ...                     "2023,KAZ,CHN,X,26,2.1e9\n"
    ...                     "2023,KAZ,CHN,X,27,4.0e9\n"
    ...                     "2023,KAZ,W00,X,TOTAL,7.8e10\n"
    ...                     "2023,KAZ,CHN,RX,27,1e6\n")
    >>> ct = read_comtrade(path)
    >>> ct
      reporter partner  year    flow     value_usd    source reporter_side cmd_code
    0      KAZ     CHN  2023  export  2.100000e+09  comtrade      reported       26
    1      KAZ     CHN  2023  export  4.000000e+09  comtrade      reported       27
    >>> ct.attrs["dropped"]
    {'re-exports/re-imports': 1, 'partner World': 1}
    """
    df = _read_csv_text(_read_text(path), path)
    cols = _CT_PLUS if "primaryValue" in df.columns else _CT_CLASSIC
    require_columns(df, [cols[k] for k in ("year", "reporter", "partner", "flow", "value")],
                    f"UN Comtrade file {path}")
    flow = df[cols["flow"]].astype(str).str.strip().str.lower().map(_CT_FLOWS)
    unknown = df.loc[flow.isna() & ~df[cols["flow"]].astype(str).str.lower().str.strip().isin(_CT_FLOWS),
                     cols["flow"]]
    if len(unknown):
        raise SchemaError(f"UN Comtrade file {path}: unknown trade flow(s) {sorted(set(unknown))[:5]}")
    dropped = {"re-exports/re-imports": int(flow.isna().sum())}
    df = df.assign(_flow=flow).dropna(subset=["_flow"])
    df[cols["reporter"]] = df[cols["reporter"]].astype(str).str.strip().str.upper()  # kaz → KAZ, as everywhere
    partner = df[cols["partner"]].astype(str).str.strip().str.upper().replace({"W00": "WLD", "WLD": "WLD"})
    world = partner.eq("WLD")
    if not keep_world:
        dropped["partner World"] = int(world.sum())
        df, partner = df[~world], partner[~world]
    df = df.reset_index(drop=True)
    partner = partner.reset_index(drop=True)
    year = check_years(df, cols["year"])
    value = check_numeric(df, cols["value"], key=[cols["reporter"], cols["partner"], cols["year"]])
    rep = to_iso3(df[cols["reporter"]].str.strip(), origin="iso3", column=cols["reporter"])
    par = to_iso3(partner, origin="iso3", column=cols["partner"])
    extra = {"cmd_code": df[cols["cmd"]].astype(str).str.strip().values} if cols["cmd"] in df else None
    out = _trade_frame(rep, par, year.values, df["_flow"].values, value.values, "comtrade",
                       "reported", extra)
    out.attrs["dropped"] = {k: v for k, v in dropped.items() if v}
    if out.attrs["dropped"]:
        warnings.warn(f"UN Comtrade file {path}: rows left out: "
                      + ", ".join(f"{n} {what}" for what, n in out.attrs["dropped"].items()),
                      DataQualityWarning, stacklevel=2)
    return out


# ------------------------------------------------------------------------------ gravity

_GRAVITY_LAYOUTS = {
    "cepii": {"exporter": "iso3_o", "importer": "iso3_d", "year": "year",
              "flow": ("tradeflow_baci", "tradeflow_comtrade_o", "tradeflow_imf_o", "tradeflow_comtrade_d"),
              "dist": "dist", "contig": "contig", "lang": "comlang_off", "colony": "col_dep_ever",
              "rta": "fta_wto"},
    "itpd": {"exporter": "exporter_iso3", "importer": "importer_iso3", "year": "year", "flow": ("trade",)},
    "dgd": {"exporter": "iso3_o", "importer": "iso3_d", "year": "year", "flow": (),
            "dist": "distance", "contig": "contiguity", "lang": "common_language",
            "colony": "colony_ever", "rta": "agree_fta"},
    "canonical": {"exporter": "exporter", "importer": "importer", "year": "year", "flow": ("flow", "trade")},
}


def read_gravity_csv(path, *, flow_column: str | None = None, sum_industries: bool = True) -> pd.DataFrame:
    r"""CEPII Gravity, USITC ITPD-E / DGD, or canonical gravity CSV → exporter, importer, year, flow and other columns.

    The layout is detected from the columns (``attrs['layout']``): CEPII Gravity (``iso3_o``/``iso3_d`` with
    ``tradeflow_*``), USITC DGD (``iso3_o``/``iso3_d`` without flows), USITC ITPD-E (``exporter_iso3``/
    ``importer_iso3``, one row per industry) or canonical (``exporter``/``importer``). Covariates are renamed to
    kzecon's ``dist``, ``contig``, ``lang``, ``colony``, ``rta`` where the layout has them; every other column of the
    file is kept (numbers parsed), for formulas that name it. Country codes are upper-cased, ISO 3166-3 former codes
    mapped to their successors (ROM → ROU, ZAR → COD, TMP → TLS; ``attrs['recoded']``), and codes that are not ISO-3
    (BLX, KN1, …: real datasets carry them) kept as they are, listed in one warning and in ``attrs['non_iso3']``.

    Parameters
    ----------
    path : str or path-like
        The CSV file (gzip allowed).
    flow_column : str or None, default None
        The column holding the trade flow. None: the layout's default, for CEPII Gravity the first non-empty of
        ``tradeflow_baci`` (thousand USD), ``tradeflow_comtrade_o``, ``tradeflow_imf_o``, ``tradeflow_comtrade_d``;
        ``trade`` for ITPD-E; ``flow`` or ``trade`` for a canonical file; none for DGD (no ``flow`` column then).
    sum_industries : bool, default True
        For ITPD-E, sum the industry rows per exporter-importer-year (only ``flow`` is kept then); False keeps one
        row per industry. Other layouts are not affected.

    Returns
    -------
    pandas.DataFrame
        ``exporter``, ``importer``, ``year``, ``flow`` and the covariates, in the file's units; ``attrs``:
        ``layout``, ``flow_column`` and, where they apply, ``recoded`` and ``non_iso3``. Validate the panel (and
        refuse aggregates) with :func:`kzecon.data.validate_gravity`.

    Raises
    ------
    DataFileError
        If the file is missing, unreadable or not CSV text.
    SchemaError
        If the file is a trade file (reporter/partner) or no known layout, has no rows, no flow column, missing
        country codes, years that are not whole years, or non-numeric flows or covariates.

    Warns
    -----
    DataQualityWarning
        When country codes are recoded or kept although not ISO-3.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kzecon.data import read_gravity_csv
    >>> path = Path(tempfile.mkdtemp()) / "gravity.csv"
    >>> _ = path.write_text("iso3_o,iso3_d,year,tradeflow_baci,dist,contig,comlang_off,col_dep_ever,fta_wto,gdp_o\n"
    ...                     "KAZ,CHN,2019,9800,3277,1,0,0,0,181.7\n"
    ...                     "ROM,KAZ,2019,150,4100,0,0,0,0,250.1\n")
    >>> g = read_gravity_csv(path)
    >>> g
      exporter importer  year    flow  dist  contig  lang  colony  rta  gdp_o
    0      KAZ      CHN  2019  9800.0  3277       1     0       0    0  181.7
    1      ROU      KAZ  2019   150.0  4100       0     0       0    0  250.1
    >>> g.attrs["layout"], g.attrs["recoded"]
    ('cepii', {'ROM': 'ROU'})
    """
    df = _read_csv_text(_read_text(path), path)
    if {"iso3_o", "iso3_d"} <= set(df.columns):
        layout = "cepii" if any(c.startswith("tradeflow") for c in df.columns) else "dgd"
    elif {"exporter_iso3", "importer_iso3"} <= set(df.columns):
        layout = "itpd"
    elif {"exporter", "importer"} <= set(df.columns):
        layout = "canonical"
    elif {"reporter", "partner"} <= set(df.columns):
        raise SchemaError(f"{path}: a trade file (reporter, partner, …), not a gravity panel: gravity needs "
                          "exporter, importer, year, flow (use `kzecon measures --data` for trade files)")
    else:
        raise SchemaError(f"{path}: not a gravity file: need iso3_o/iso3_d (CEPII, DGD), "
                          "exporter_iso3/importer_iso3 (ITPD-E) or exporter/importer columns; found "
                          f"{', '.join(df.columns[:8])}")
    if not len(df):
        raise SchemaError(f"{path}: the file has a header but no rows")
    spec = _GRAVITY_LAYOUTS[layout]
    require_columns(df, [spec["year"]], f"gravity file {path}")
    out = pd.DataFrame({"exporter": df[spec["exporter"]], "importer": df[spec["importer"]]})
    out["year"] = check_years(df, spec["year"])
    candidates = (flow_column,) if flow_column else spec["flow"]
    fcol = next((c for c in candidates if c in df.columns and df[c].notna().any()), None)
    if fcol is None and layout != "dgd":
        raise SchemaError(f"{path}: no trade-flow column (looked for {', '.join(c for c in candidates if c)})")
    if fcol is not None:
        out["flow"] = check_numeric(df, fcol, key=[spec["exporter"], spec["importer"], spec["year"]]) \
            if df[fcol].notna().all() else _to_number(df[fcol], fcol)
    for k in ("dist", "contig", "lang", "colony", "rta"):
        c = spec.get(k)
        if c and c in df.columns and k not in out.columns:
            out[k] = _to_number(df[c], c)
    used = {spec["exporter"], spec["importer"], spec["year"], fcol} | {spec.get(k) for k in
                                                                      ("dist", "contig", "lang", "colony", "rta")}
    for c in df.columns:  # every other column of the file, numbers parsed where the whole column is numeric
        if c not in used and c not in out.columns:
            num = pd.to_numeric(df[c], errors="coerce")
            out[c] = num if (num.notna() | df[c].isna()).all() else df[c]
    recoded, non_iso = {}, []
    for c in ("exporter", "importer"):
        if out[c].isna().any():
            raise SchemaError(f"column '{spec[c]}' has {int(out[c].isna().sum())} missing country code(s)")
        out[c], mapped, unknown = normalise_codes(out[c], spec[c])
        recoded.update(mapped)
        non_iso += [u for u in unknown if u not in non_iso]
    notes = []
    if recoded:
        out.attrs["recoded"] = recoded
        notes.append("former ISO codes mapped to their successors (ISO 3166-3): "
                     + ", ".join(f"{a}→{b}" for a, b in sorted(recoded.items())))
    if non_iso:
        out.attrs["non_iso3"] = non_iso
        notes.append(f"{len(non_iso)} code(s) that are not current ISO-3 kept as they are: "
                     f"{', '.join(non_iso[:20])}{' …' if len(non_iso) > 20 else ''}")
    if notes:
        warnings.warn(f"{path}: country codes: {'; '.join(notes)}", DataQualityWarning, stacklevel=2)
    if layout == "itpd" and sum_industries:
        keep_attrs = dict(out.attrs)
        out = out.groupby(["exporter", "importer", "year"], as_index=False)["flow"].sum()
        out.attrs.update(keep_attrs)
    out.attrs["layout"] = layout
    if fcol:
        out.attrs["flow_column"] = fcol
    return out


def _to_number(col: pd.Series, name: str) -> pd.Series:
    """A column as numbers (empty cells missing); text that is not a number is an error naming it."""
    num = pd.to_numeric(col, errors="coerce")
    bad = num.isna() & col.notna() & (col.astype(str).str.strip().str.lower() != "nan")
    if bad.any():
        val = col[bad].iloc[0]
        hint = " — decimal commas? use '.' for decimals" if isinstance(val, str) and "," in val else ""
        raise SchemaError(f"column '{name}' has {int(bad.sum())} non-numeric value(s), e.g. {val!r} in row "
                          f"{int(np.flatnonzero(bad.to_numpy())[0]) + 2}{hint}")
    return num


# ---------------------------------------------------------------------------------- WDI


def read_wdi(path) -> pd.DataFrame:
    r"""World Bank WDI CSV → ``iso3, country, indicator, year, value`` (long).

    Accepts the bulk download (metadata lines, then ``Country Name, Country Code, Indicator Name, Indicator Code,
    1960, …``) and the long ``Country Name, Country Code, Year, Value`` layout. Empty cells are left out.

    Parameters
    ----------
    path : str or path-like
        The CSV file (gzip allowed).

    Returns
    -------
    pandas.DataFrame
        ``iso3`` (as the file writes it: World Bank aggregates such as WLD included), ``country``, ``indicator``
        (the indicator code; empty for the long layout), ``year``, ``value`` (float; may be negative).

    Raises
    ------
    DataFileError
        If the file is missing, unreadable or not CSV text.
    SchemaError
        If required columns or the year columns are missing, years are not whole years, or values are not numbers.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kzecon.data import read_wdi
    >>> path = Path(tempfile.mkdtemp()) / "wdi.csv"
    >>> _ = path.write_text('"Data Source","World Development Indicators",\n\n'
    ...                     '"Country Name","Country Code","Indicator Name","Indicator Code","2022","2023",\n'
    ...                     '"Kazakhstan","KAZ","GDP (current US$)","NY.GDP.MKTP.CD","225496000000","261421000000",\n')
    >>> read_wdi(path)
      iso3     country       indicator  year         value
    0  KAZ  Kazakhstan  NY.GDP.MKTP.CD  2022  2.254960e+11
    1  KAZ  Kazakhstan  NY.GDP.MKTP.CD  2023  2.614210e+11
    """
    text = _read_text(path)
    skip = 0
    for i, line in enumerate(text.splitlines()[:10]):
        if line.lstrip("\ufeff").startswith(('"Country Name"', "Country Name")):
            skip = i
            break
    df = _read_csv_text(text, path, skiprows=skip)
    df = df.loc[:, [c for c in df.columns if c and not c.startswith("Unnamed")]]
    if "Indicator Code" in df.columns:
        require_columns(df, ["Country Code", "Indicator Code"], f"WDI file {path}")
        years = [c for c in df.columns if c.isdigit() and len(c) == 4]
        if not years:
            raise SchemaError(f"WDI file {path}: no year columns (1960, 1961, …)")
        long = df.melt(id_vars=["Country Name", "Country Code", "Indicator Code"], value_vars=years,
                       var_name="year", value_name="value").dropna(subset=["value"])
        ind = long["Indicator Code"]
    else:
        require_columns(df, ["Country Code", "Year", "Value"], f"WDI file {path}")
        long = df.rename(columns={"Year": "year", "Value": "value"}).dropna(subset=["value"])
        ind = pd.Series("", index=long.index)
    long = long.reset_index(drop=True)
    out = pd.DataFrame({"iso3": long["Country Code"].str.strip(),
                        "country": long.get("Country Name", pd.Series("", index=long.index)),
                        "indicator": ind.reset_index(drop=True),
                        "year": check_years(long, "year"),
                        "value": check_numeric(long, "value", nonnegative=False, key=["Country Code", "year"])})
    return out


# ---------------------------------------------------------------------------------- Stata

_DTA_RENAMES = {"trade": "flow", "cntg": "contig", "clny": "colony", "dist": "dist", "lang": "lang",
                "rta": "rta", "wto": "wto", "exp": "exporter", "imp": "importer", "time": "year"}


def read_dta(path) -> pd.DataFrame:
    """Stata .dta of gravity or trade data; names lower-cased and mapped to kzecon's.

    Renamed: ``exp`` → ``exporter``, ``imp`` → ``importer``, ``time`` → ``year``, ``trade`` → ``flow``, ``cntg`` →
    ``contig``, ``clny`` → ``colony`` (the names of the Advanced Guide's files). Years are checked; float32 columns
    become float64. Nothing else is validated: pass the result to :func:`kzecon.data.validate_gravity` or
    :func:`kzecon.data.validate_trade`.

    Parameters
    ----------
    path : str or path-like
        The .dta file.

    Returns
    -------
    pandas.DataFrame
        The file's table with kzecon's column names.

    Raises
    ------
    DataFileError
        If the file does not exist or is not a readable Stata file.
    SchemaError
        If a ``year`` column holds values that are not whole years.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from kzecon.data import read_dta
    >>> path = Path(tempfile.mkdtemp()) / "gravity.dta"
    >>> frame = pd.DataFrame({"exp": ["KAZ"], "imp": ["CHN"], "time": [2019], "trade": [9800.0]})
    >>> frame.to_stata(path, write_index=False)
    >>> read_dta(path)
      exporter importer  year    flow
    0      KAZ      CHN  2019  9800.0
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"file not found: {path}")
    try:
        df = pd.read_stata(path)
    except Exception as err:  # pandas raises ValueError/struct.error/… on non-Stata bytes
        raise DataFileError(f"{path} is not a readable Stata .dta file: {err}") from err
    df.columns = [c.lower() for c in df.columns]
    df = df.rename(columns={k: v for k, v in _DTA_RENAMES.items() if k in df.columns})
    if "year" in df.columns:
        df["year"] = check_years(df, "year")
    for c in df.columns:
        if df[c].dtype == np.float32:
            df[c] = df[c].astype("float64")
    return df


# ----------------------------------------------------------------------------- dispatch


def read_table(path, *, comment: str | None = "#") -> pd.DataFrame:
    r"""A plain CSV table (text columns as strings), after every check the format readers make.

    Checks: the file exists, is not a folder, not Excel, not binary; text in UTF-8, UTF-16 (with byte-order mark) or
    gzip-compressed; the delimiter (comma, semicolon, tab or bar) detected; lines starting with ``comment`` skipped.

    Parameters
    ----------
    path : str or path-like
        The CSV file.
    comment : str or None, default "#"
        Lines whose first non-blank characters are this string are skipped; None keeps every line.

    Returns
    -------
    pandas.DataFrame
        Every column as text (``str``; empty cells missing), column names stripped. Parse numbers yourself, or use
        :func:`read_any` for kzecon's canonical layouts.

    Raises
    ------
    DataFileError
        If the file is missing, a folder, too large for memory, Excel, binary, not UTF-8/UTF-16 text, empty, not a
        well-formed CSV, or has a single column (wrong delimiter).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kzecon.data import read_table
    >>> path = Path(tempfile.mkdtemp()) / "notes.csv"
    >>> _ = path.write_text("# my notes\nreporter;partner;year\nKAZ;CHN;2023\n")
    >>> t = read_table(path)
    >>> t
      reporter partner  year
    0      KAZ     CHN  2023
    >>> t["year"].tolist()
    ['2023']
    """
    return _read_csv_text(_read_text(path), path, comment=comment)



PRICE_COLUMNS = ("brent", "price_usd_per_bbl", "price", "value", "usd_per_bbl")


def read_price_history(path, what: str = "Brent price history") -> pd.Series:
    r"""A price history file (USD a barrel by year), checked, as a Series indexed by year.

    The file holds a ``year`` column and one price column: ``brent``, ``price_usd_per_bbl`` (the bundled layout),
    ``price``, ``value`` or ``usd_per_bbl``, in any case, or the file's only other column. It is checked as every
    year-series is (:func:`kzecon.data.validate.year_series`): whole years, each once, finite positive prices;
    errors name the year. Lines starting with ``#`` are comments.

    Parameters
    ----------
    path : str or path-like
        The CSV file.
    what : str, default "Brent price history"
        What the file is, named in error messages.

    Returns
    -------
    pandas.Series
        Prices (float) named ``brent``, indexed by ``year`` (int), sorted; in the file's unit (no upper bound is
        checked, so USD and cents both pass: keep one unit throughout).

    Raises
    ------
    DataFileError
        If the file is missing, unreadable or not CSV text.
    SchemaError
        If there is no ``year`` column, the price column cannot be told, a year is repeated or not a whole year, or a
        price is not a finite positive number.
    CoverageError
        If the file has no rows.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kzecon.data import read_price_history
    >>> path = Path(tempfile.mkdtemp()) / "brent.csv"
    >>> _ = path.write_text("year,brent\n2024,80.5\n2025,69.1\n")
    >>> read_price_history(path)
    year
    2024    80.5
    2025    69.1
    Name: brent, dtype: float64
    """
    from .validate import year_series

    t = read_table(path)
    t.columns = [str(c).strip() for c in t.columns]
    lower = {c.lower(): c for c in t.columns}
    if "year" not in lower:
        raise SchemaError(f"{what} {path}: no 'year' column; found {', '.join(t.columns)}")
    others = [c for c in t.columns if c.lower() != "year"]
    col = next((lower[c] for c in PRICE_COLUMNS if c in lower), others[0] if len(others) == 1 else None)
    if col is None:
        raise SchemaError(f"{what} {path}: which column is the price? name it 'brent' or 'price' (found "
                          f"{', '.join(others)})")
    frame = pd.DataFrame({"year": t[lower["year"]], col: t[col]})
    # any unit (USD, cents …) as long as the scenario's is the same: no upper bound here
    return year_series(frame, col, f"{what} {path}", positive=True).rename("brent")


def read_any(path) -> pd.DataFrame:
    r"""Read a user's file in any supported format; ``attrs['format']`` says which was detected.

    Detection, in order: ``.dta`` → :func:`read_dta` (``stata``); IMF columns → :func:`read_imf` (``imf``); UN
    Comtrade columns → :func:`read_comtrade` (``comtrade``); WDI columns → :func:`read_wdi` (``wdi``); CEPII/USITC
    columns → :func:`read_gravity_csv` (``gravity``); else kzecon's canonical CSVs, returned as they are with
    numbers parsed: ``reporter, partner, year, flow, value_usd`` (``trade``), ``exporter, importer, year, flow``
    (``gravity``), ``year, share`` or ``year, partner, share`` (``shares``), ``year, brent`` (``scenario``).
    Unlike :func:`read_table`, no comment lines are skipped.

    Parameters
    ----------
    path : str or path-like
        The file (CSV, gzip-compressed CSV or Stata .dta).

    Returns
    -------
    pandas.DataFrame
        As the reader chosen returns it, with ``attrs['format']``.

    Raises
    ------
    DataFileError
        If the file is missing, unreadable, an Excel file, or not CSV text.
    SchemaError
        If the layout is not recognised (the message lists the columns found), or as the reader chosen raises
        (non-numeric values, years that are not whole years, …).
    CountryCodeError
        As :func:`read_imf` and :func:`read_comtrade` raise it.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kzecon.data import read_any
    >>> path = Path(tempfile.mkdtemp()) / "trade.csv"
    >>> _ = path.write_text("reporter,partner,year,flow,value_usd\nKAZ,CHN,2023,export,15.2e9\n")
    >>> t = read_any(path)
    >>> t.attrs["format"], t["value_usd"].item()
    ('trade', 15200000000.0)
    """
    p = Path(path)
    if p.suffix.lower() == ".dta":
        df = read_dta(p)
        df.attrs["format"] = "stata"
        return df
    if p.suffix.lower() in (".xlsx", ".xls"):
        raise DataFileError(f"{p} is an Excel file: save the sheet as CSV (UTF-8) first")
    text = _read_text(p)
    head = text[:4000]
    if "OBS_VALUE" in head or "Counterpart Country Code" in head:
        fmt, df = "imf", read_imf(p)
    elif "primaryValue" in head or "Trade Value (US$)" in head:
        fmt, df = "comtrade", read_comtrade(p)
    elif "Indicator Code" in head or ("Country Code" in head and "Value" in head):
        fmt, df = "wdi", read_wdi(p)
    elif "iso3_o" in head or "exporter_iso3" in head:
        fmt, df = "gravity", read_gravity_csv(p)
    else:
        df = _read_csv_text(text, p)
        cols = set(df.columns)
        for c in df.columns:
            if c in ("value_usd", "share", "flow") and c in cols:
                if c == "flow" and {"exporter", "importer"} - cols:
                    continue
                df[c] = _to_number(df[c], c)  # text that is not a number is an error naming it (decimal commas?)
        if {"reporter", "partner", "year", "flow", "value_usd"} <= cols:
            fmt = "trade"
            df["value_usd"] = check_numeric(df, "value_usd", key=["reporter", "partner", "year"])
        elif {"exporter", "importer", "year", "flow"} <= cols:
            fmt = "gravity"
        elif {"year", "share"} <= cols:
            fmt = "shares"
        elif {"year", "brent"} <= cols:
            fmt = "scenario"
            df["brent"] = check_numeric(df, "brent", key=["year"])
        else:
            raise SchemaError(
                f"{p}: unrecognised layout (columns {', '.join(df.columns[:8])}); expected IMF DOTS/IMTS, "
                "UN Comtrade, CEPII/USITC gravity, WDI, or kzecon's canonical columns "
                "(reporter, partner, year, flow, value_usd)")
        df["year"] = check_years(df, "year")
    df.attrs["format"] = fmt
    return df


__all__ = ["read_any", "read_table", "read_imf", "read_comtrade", "read_gravity_csv", "read_wdi", "read_dta",
           "CountryCodeError"]
