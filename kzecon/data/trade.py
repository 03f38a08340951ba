"""Kazakhstan's trade by partner from every source, kept apart, and the default spliced series.

Sources (all real, see ``data/PROVENANCE.md``):

============  =========  ==========  ============================================================
source        years      side        what
============  =========  ==========  ============================================================
cow_v4        1992–2014  mixed       Correlates of War v4 (IMF DOTS; mirror fills missing reports)
wits          1995–2023  reported    UN Comtrade via WITS, Kazakhstan as reporter
bns           2020–2025  reported    Kazakhstan's Bureau of National Statistics, table 312101
penppml       1992–2016  mirror      partners' reported exports to Kazakhstan (every 4th year)
comtrade      2014–2019  mirror      China-reported imports from Kazakhstan (2014, 2018, 2019)
imf_dots      1992–2020  both        IMF DOTS: Kazakhstan's own reports and every partner's (mirror), annual
imf_imts      any        both        user's downloads from ``kzecon data update --source imf``
============  =========  ==========  ============================================================

The **default series** (``source="spliced"``) takes, for each year, the highest-precedence source
that covers it: ``bns`` (2020–2025) > ``wits`` (1995–2019) > ``cow_v4`` (1994), then years
after the bundled vintage from the user's IMF download (Kazakhstan-reported rows).  The first
year of each new segment carries ``splice_break = True``, so time-series models can put a break
there.  WITS 2020–2022 are not used by default because they are incomplete for non-EAEU partners.
COW 1992–1993 are left out of the default series (kept in ``source="all"``, flagged): COW records no
trade at all between Kazakhstan and Russia or the other CIS states in those years (zeros), so any
share computed from them is an artefact.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError, DataQualityWarning, SchemaError

from ._store import read_bundled
from .downloads import load_updates

TRADE_OUT = ["reporter", "partner", "year", "flow", "value_usd", "source", "reporter_side", "flag"]

SPLICE = [("cow_v4", 1994, 1994), ("wits", 1995, 2019), ("bns", 2020, 2025)]
UNDERCOUNT = "customs_union_undercount: KAZ-RUS/BLR trade left customs records in 2010"
CIS_MISSING = "cis_not_recorded: COW has no KAZ trade with Russia/CIS in 1992-1993"
INCOMPLETE = "incomplete_year: WITS 2020-2022 miss most non-EAEU partners"
RUSSIA_2010_OPTIONS = ("flag", "interpolate")


def _bundled_sources() -> pd.DataFrame:
    cow = read_bundled("trade_cow")
    cow = cow[cow["reporter"] == "KAZ"].copy()
    cow["flag"] = np.where((cow["partner"] == "RUS") & cow["year"].between(2010, 2012), UNDERCOUNT, "")
    cow.loc[cow["year"] <= 1993, "flag"] = CIS_MISSING
    wits = read_bundled("trade_wits").drop(columns=["partner_name"])
    wits["flag"] = ""
    wits.loc[wits["partner"].isin(["RUS", "BLR"]) & (wits["year"] == 2010), "flag"] = UNDERCOUNT
    wits.loc[wits["year"].between(2020, 2022), "flag"] = INCOMPLETE
    bns = read_bundled("trade_bns")
    bns["flag"] = ""
    mir = read_bundled("trade_mirror_penppml")
    mir["flag"] = ""
    ct = read_bundled("comtrade_kaz_chn_hs2", dtype={"cmd_code": str})
    ct = ct[(ct["cmd_code"] == "TOTAL") & (ct["reporter_side"] == "mirror")].copy()
    ct["flag"] = ""
    dots = read_bundled("trade_dots_kaz")
    dots["flag"] = np.where(dots["estimated"] == 1, "imf_estimate", "")
    dots.loc[(dots["partner"] == "RUS") & (dots["year"] == 2010) & (dots["reporter_side"] == "reported"),
             "flag"] = UNDERCOUNT
    frames = [f[TRADE_OUT] for f in (cow, wits, bns, mir, ct, dots)]
    return pd.concat(frames, ignore_index=True)


def _interpolate_russia_2010(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace WITS 2010 RUS/BLR flows by the geometric mean of 2009 and 2011 (documented option)."""
    df = df.copy()
    imputed = []
    for partner in ("RUS", "BLR"):
        for flow in ("export", "import"):
            sel = (df["partner"] == partner) & (df["flow"] == flow)
            vals = df[sel].set_index("year")["value_usd"]
            if {2009, 2010, 2011} <= set(vals.index):
                new = float(np.sqrt(vals[2009] * vals[2011]))
                idx = df.index[sel & (df["year"] == 2010)]
                imputed.append({"partner": partner, "year": 2010, "flow": flow,
                                "reported_usd": float(vals[2010]), "imputed_usd": new})
                df.loc[idx, "value_usd"] = new
                df.loc[idx, "flag"] = "imputed: geometric mean of 2009 and 2011 (customs union undercount)"
    return df, pd.DataFrame(imputed)


def load_trade(source: str = "all", *, russia_2010: str = "flag",
               include_updates: bool = True) -> pd.DataFrame:
    """Kazakhstan's merchandise trade with every partner, from every source kept apart, or the spliced default series.

    Parameters
    ----------
    source : str, default "all"
        ``"all"``: every source stacked, told apart by ``source`` and ``reporter_side``; ``"spliced"``: the documented
        default series, one figure per partner-year-flow (BNS 2020–2025 > WITS 1995–2019 > COW 1994, then the
        user's IMF download for years after 2025; see the module notes); or one source's name: ``cow_v4``, ``wits``,
        ``bns``, ``penppml``, ``comtrade``, ``imf_dots``, and, after ``kzecon data update``, ``imf_imts`` and
        ``comtrade_api``.
    russia_2010 : {"flag", "interpolate"}, default "flag"
        The 2010 customs-union undercount of Kazakhstan-reported trade with Russia and Belarus in the spliced
        series: ``"flag"`` keeps the reported figures (``flag`` column, with a :class:`DataQualityWarning`);
        ``"interpolate"`` replaces them by the geometric mean of 2009 and 2011, listed in ``attrs['imputed']``.
        Only the spliced series is affected.
    include_updates : bool, default True
        Add the user's IMF and UN Comtrade downloads (``kzecon data update``, stored in
        :func:`kzecon.data.user_data_dir`) where present; without downloads nothing changes.

    Returns
    -------
    pandas.DataFrame
        Columns ``reporter`` (KAZ), ``partner`` (ISO-3), ``year``, ``flow`` (export | import, Kazakhstan's view),
        ``value_usd`` (current USD), ``source``, ``reporter_side`` (reported | mirror | mixed), ``flag`` (a known
        defect of the row, else empty), plus ``splice_break`` (True in the first year of each new segment) for the
        spliced series. ``attrs``: ``vintage`` (bundled and downloaded data), ``splice`` (segments
        ``(source, first, last)``) and ``imputed`` (rows replaced by ``russia_2010="interpolate"``).

    Raises
    ------
    SchemaError
        If ``russia_2010`` is neither ``"flag"`` nor ``"interpolate"``.
    CoverageError
        If ``source`` is none of the sources in the data (the message lists them).
    IntegrityError
        If a bundled file's SHA-256 differs from the manifest.
    DataFileError, SchemaError, CountryCodeError
        With ``include_updates``, if a download in the user data folder is unreadable or not valid trade data (the
        message names the file).

    Warns
    -----
    DataQualityWarning
        For the spliced series with ``russia_2010="flag"``: how many rows carry the 2010 undercount.

    See Also
    --------
    kzecon.measures.partner_shares : Shares of partner groups from these rows.
    kzecon.measures.reported_vs_mirror : The reported and mirror sides of ``source="all"`` compared.

    Examples
    --------
    >>> from kzecon.data import load_trade
    >>> t = load_trade("spliced")
    >>> sorted(t["source"].unique())
    ['bns', 'cow_v4', 'wits']
    >>> t.attrs["splice"]
    [('cow_v4', 1994, 1994), ('wits', 1995, 2019), ('bns', 2020, 2025)]
    >>> sorted(t.loc[t["splice_break"], "year"].unique().tolist())
    [1995, 2020]
    >>> sorted(load_trade()["source"].unique())
    ['bns', 'comtrade', 'cow_v4', 'imf_dots', 'penppml', 'wits']
    """
    if russia_2010 not in RUSSIA_2010_OPTIONS:
        raise SchemaError(f"russia_2010 must be one of {RUSSIA_2010_OPTIONS}, got {russia_2010!r}")
    df = _bundled_sources()
    vintage = ["bundled: cow_v4 1992–2014, wits 1995–2023, bns 2020–2025, imf_dots 1992–2020"]
    if include_updates:
        upd, note = load_updates()
        if upd is not None:
            df = pd.concat([df, upd[TRADE_OUT]], ignore_index=True)
            vintage.append(note)
    if source == "all":
        out = df.reset_index(drop=True)
        out.attrs.update(vintage=vintage, splice=None, imputed=None)
        return out
    if source != "spliced":
        known = sorted(df["source"].unique())
        if source not in known:
            raise CoverageError(f"unknown trade source {source!r}; available: {', '.join(known)}")
        out = df[df["source"] == source].reset_index(drop=True)
        out.attrs.update(vintage=vintage, splice=None, imputed=None)
        return out
    parts = []
    segments = []
    for src, lo, hi in SPLICE:
        seg = df[(df["source"] == src) & df["year"].between(lo, hi)]
        parts.append(seg)
        segments.append((src, lo, hi))
    last = max(hi for _, _, hi in SPLICE)
    ext = df[(df["source"] == "imf_imts") & (df["reporter_side"] == "reported") & (df["year"] > last)]
    if len(ext):
        parts.append(ext)
        segments.append(("imf_imts", int(ext["year"].min()), int(ext["year"].max())))
    out = pd.concat(parts, ignore_index=True)
    imputed = pd.DataFrame(columns=["partner", "year", "flow", "reported_usd", "imputed_usd"])
    if russia_2010 == "interpolate":
        out, imputed = _interpolate_russia_2010(out)
    else:
        n = int((out["flag"] == UNDERCOUNT).sum())
        if n:
            warnings.warn(f"{n} rows of the spliced series carry the 2010 customs-union undercount of "
                          "trade with Russia/Belarus (flag column); russia_2010='interpolate' corrects it",
                          DataQualityWarning, stacklevel=2)
    starts = {lo for _, lo, _ in segments[1:]}
    out["splice_break"] = out["year"].isin(starts)
    out = out.sort_values(["year", "partner", "flow"], kind="mergesort").reset_index(drop=True)
    out.attrs.update(vintage=vintage, splice=segments, imputed=imputed.to_dict("records"))
    return out
