"""An economy's composition of trade by partner group as the study reads it, and which side reported each year."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from kzecon.study.findings.economy import DEFAULT_COUNTRY, DOTS_SOURCE, TRADE_SOURCE, check_country, country_name


def composition(country: str = DEFAULT_COUNTRY, *, national: bool = True) -> pd.DataFrame:
    """``country``'s composition by partner group — china, russia, eu, rest — as forecast by the study: year,
    partner, share. Kazakhstan: the spliced national series 1994–2025 with the 2010 Russia/Belarus undercount
    interpolated (Central Asia in rest). Any other economy (and Kazakhstan with ``national=False``, as its peers are
    read): IMF DOTS, each year from its own declarations where they are real and from its partners' (mirror) where
    the IMF filled them (:func:`data_quality`), the last run of consecutive years in which every part is positive
    (years before a zero share, e.g. Russia not yet reported apart from the Soviet Union, are left out and named in
    ``attrs["note"]``); ``attrs["side"]``: the side, or the sides joined by '+'.

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code of the economy (checked by :func:`check_country`).
    national : bool, default True
        Kazakhstan only: its national spliced series (True) or IMF DOTS as for any other economy (False); ignored
        for other economies.

    Returns
    -------
    DataFrame
        year, partner (china, eu, rest, russia), share (0–1, each year's shares sum to one), long and sorted by year;
        ``attrs``: ``side``, ``source`` (in a reader's words) and ``note`` (the years left out, the mirror years).

    Raises
    ------
    UsageError
        ``country`` is not an economy the study can run on (:func:`check_country`).
    CoverageError
        ``country`` has no DOTS composition, or no run of :data:`MIN_YEARS` consecutive years with a positive share
        for every part.

    See Also
    --------
    data_quality : Which side each year was read from.
    kzecon.forecast.simulate : The forecast of such a composition.

    Examples
    --------
    >>> from kzecon.study.findings import composition
    >>> c = composition()
    >>> c.head(4).round(3)
       year partner  share
    0  1994   china  0.039
    1  1994      eu  0.127
    2  1994    rest  0.352
    3  1994  russia  0.481
    >>> c.attrs["side"]
    'mixed+reported'
    >>> u = composition("UZB")
    >>> int(u["year"].min()), int(u["year"].max()), u.attrs["side"]
    (1994, 2020, 'mirror+reported')
    """
    import kzecon
    from kzecon import measures

    country = check_country(country)
    if country == DEFAULT_COUNTRY and national:
        trade = kzecon.data.load_trade("spliced", russia_2010="interpolate")
        sh = measures.partner_shares(trade, flow="total")
        sh = sh.assign(partner=sh["group"].replace({"central_asia": "rest"}))
        out = sh.groupby(["year", "partner"], as_index=False)["share"].sum()
        out.attrs.update(side=str(sh["side"].iloc[0]), source=TRADE_SOURCE, note="")
        return out
    kept, note = _dots_run(country)
    out = kept.rename_axis("year").reset_index().melt(id_vars="year", var_name="partner", value_name="share")
    out = out.sort_values(["year", "partner"], kind="mergesort").reset_index(drop=True)
    sides = _dots_sides(country).set_index("year").loc[kept.index, "side"]
    side = sides.iloc[0] if sides.nunique() == 1 else "+".join(sorted(set(sides)))
    out.attrs.update(side=side, source=DOTS_SOURCE.format(name=country_name(country), first=int(kept.index[0]),
                                                          last=int(kept.index[-1]), sides=_sides_phrase(sides)),
                     note=note)
    return out


def _sides_phrase(sides: pd.Series) -> str:
    """'own declarations 1992–2020' or 'own declarations 2016–2020 and partners' declarations (mirror) 1994–2015'."""
    return " and ".join(f"{SIDE_LABEL[sd]} {_year_ranges(sides.index[sides == sd])}" for sd in ("reported", "mirror")
                        if (sides == sd).any())

MIN_YEARS = 15  # the shortest run of years the study forecasts and tests (the world model needs LAGS + 1 = 11)


SIDE_LABEL = {"reported": "own declarations", "mirror": "partners' declarations (mirror)"}


@functools.lru_cache(maxsize=32)
def _dots_sides(country: str) -> pd.DataFrame:
    """For each year of ``country`` in the IMF DOTS compositions, the side the study reads: its own declarations
    where they are real (:func:`kzecon.data.quality.declared_years`), else its partners' (mirror): year, side,
    estimated_share (of its own declarations), note."""
    import kzecon
    from kzecon.data.quality import declared_years

    rep = kzecon.data.load_compositions(side="reported", flow="total")
    rep = rep[rep["economy"] == country]
    mir = kzecon.data.load_compositions(side="mirror", flow="total")
    mir_years = set(mir.loc[mir["economy"] == country, "year"].astype(int))
    q = declared_years(rep) if len(rep) else pd.DataFrame(columns=["year", "estimated_share", "declared", "reason"])
    rows = []
    for y in sorted(set(q["year"].astype(int)) | mir_years):
        r = q[q["year"] == y]
        own = len(r) and bool(r["declared"].iloc[0])
        est = float(r["estimated_share"].iloc[0]) if len(r) else np.nan
        if own:
            rows.append((y, "reported", est, ""))
        elif y in mir_years:
            why = r["reason"].iloc[0] if len(r) else "no own declaration"
            rows.append((y, "mirror", est, f"partners' declarations: own figures not used ({why})"))
    return pd.DataFrame(rows, columns=["year", "side", "estimated_share", "note"])


def _dots_by_side(country: str, flow: str = "total") -> pd.DataFrame:
    """``country``'s DOTS compositions (``flow``: total, or all) with each year on the side :func:`_dots_sides`
    chose; a ``side`` column says which."""
    import kzecon

    sides = _dots_sides(country).set_index("year")["side"]
    c = kzecon.data.load_compositions(side="both", flow=flow)
    c = c[c["economy"] == country]
    keep = c["side"].to_numpy() == c["year"].map(sides).to_numpy()
    return c[keep].sort_values(["year", "flow"]).reset_index(drop=True)


def _dots_run(country: str) -> tuple[pd.DataFrame, str]:
    """``country``'s DOTS composition (china, russia, eu, rest), each year on the side the study reads
    (:func:`_dots_sides`), over its last run of consecutive years in which every part is positive, and a note naming
    the years left out before it and the years taken from the partners' declarations."""
    from kzecon.errors import CoverageError

    c = _dots_by_side(country).set_index("year").sort_index()
    wide = pd.DataFrame({"china": c["china"], "russia": c["russia"], "eu": c["eu"],
                         "rest": c["rest"] + c["usa"] + c["central_asia"]})
    bad = ((wide <= 0) | wide.isna()).any(axis=1).to_numpy()
    years = wide.index.to_numpy()
    start = None
    for i in range(len(years)):
        if bad[i]:
            start = None
        elif start is None or years[i] != years[i - 1] + 1:
            start = years[i]
    if start is None or years[-1] - start + 1 < MIN_YEARS:
        raise CoverageError(f"{country_name(country)}'s trade in the IMF DOTS compositions has no run of "
                            f"{MIN_YEARS} consecutive years to {int(years[-1]) if len(years) else '—'} with a positive "
                            "share for China, Russia, the EU and the rest")
    left = [int(y) for y in years if y < start]
    note = (f"{', '.join(map(str, left[:6]))}{' …' if len(left) > 6 else ''} left out: a zero share, a missing "
            f"year or a gap before {start}" if left else "")
    mirror = [int(y) for y in c.index[(c["side"] == "mirror") & (c.index >= start)]]
    if mirror:
        note = "; ".join(filter(None, [note, f"{_year_ranges(mirror)} from the partners' declarations (mirror): the "
                                              "economy's own figures for those years are IMF estimates"]))
    return wide.loc[start:], note


def _year_ranges(years) -> str:
    """2000, 2001, 2002, 2005 → '2000–2002, 2005'."""
    ys = sorted(int(y) for y in years)
    out, i = [], 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        out.append(f"{ys[i]}–{ys[j]}" if j > i else f"{ys[i]}")
        i = j + 1
    return ", ".join(out)


def data_quality(country: str = DEFAULT_COUNTRY) -> pd.DataFrame:
    """Every year the study reads for ``country``: year, side (reported / mirror / mixed), source, estimated_share
    (the share of the year's own declarations the IMF estimated; NaN where not known), note.

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code of the economy (checked by :func:`check_country`). Kazakhstan: its national spliced series; any
        other economy: IMF DOTS, its own declarations where real, its partners' (mirror) where the IMF filled them.

    Returns
    -------
    DataFrame
        year, side, source, estimated_share, note: one row per year of :func:`composition`.

    Raises
    ------
    UsageError, CoverageError
        As :func:`composition`.

    Examples
    --------
    >>> from kzecon.study.findings import data_quality
    >>> data_quality()[["year", "side", "source"]].head(3)
       year      side            source
    0  1994     mixed            COW v4
    1  1995  reported  WITS/UN Comtrade
    2  1996  reported  WITS/UN Comtrade
    >>> data_quality("UZB")["side"].value_counts().sort_index().to_dict()
    {'mirror': 22, 'reported': 5}
    """
    country = check_country(country)
    comp = composition(country)
    years = sorted(comp["year"].unique())
    if country == DEFAULT_COUNTRY:
        import kzecon

        t = kzecon.data.load_trade("spliced", russia_2010="interpolate")
        g = t.groupby("year").agg(side=("reporter_side", lambda x: "+".join(sorted(set(x)))),
                                  source=("source", lambda x: ", ".join(sorted(set(map(str, x))))))
        rows = [{"year": int(y), "side": g.loc[y, "side"], "source": _source_name(g.loc[y, "source"]),
                 "estimated_share": np.nan,
                 "note": "Russia and Belarus interpolated (the customs union's first-year undercount)" if y == 2010
                 else ""} for y in years]
        return pd.DataFrame(rows)
    sides = _dots_sides(country).set_index("year")
    rows = []
    for y in years:
        r = sides.loc[y]
        rows.append({"year": int(y), "side": r["side"],
                     "source": f"IMF DOTS, {country_name(country)}'s {SIDE_LABEL[r['side']]}",
                     "estimated_share": r["estimated_share"], "note": r["note"]})
    return pd.DataFrame(rows)


def _source_name(codes: str) -> str:
    """Readers' names of the bundled trade sources (cow_v4, wits, bns, …)."""
    from kzecon.report.figures import SOURCE_NAMES

    return ", ".join(SOURCE_NAMES.get(c.strip(), c.strip()) for c in codes.split(","))
