"""Trade-dependence measures: pure functions on tidy trade frames returning tidy frames.

Input is kzecon's canonical trade frame (``reporter, partner, year, flow, value_usd`` with
``flow`` = ``export`` | ``import``), e.g. ``kzecon.data.load_trade("spliced")``.  Shares are
fractions in [0, 1] of the reporter's trade with all partners in that year (aggregate rows such
as WLD or EU27 are never counted as partners).

Which side reports matters: the frames carry ``reporter_side`` (reported / mirror / mixed); pass
``side=`` to pick one, and every output says which side it was computed from.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kzecon.data import load_partner_groups, validate_trade
from kzecon.data.countries import AGGREGATES, EXTRA_CODES
from kzecon.errors import CoverageError, DataQualityWarning, SchemaError, UsageError

DEFAULT_GROUP_ORDER = ("CHINA", "RUSSIA", "EU", "CENTRAL_ASIA")
FLOW_CHOICES = ("export", "import", "total", "all")
# IMF Direction of Trade Statistics convention: CIF import values ≈ 1.10 × FOB export values.
CIF_FOB_FACTOR = 1.10


def _reporter(code) -> str:
    """A reporter as the data files read it: stripped, upper case, a former ISO code as its successor (kaz → KAZ)."""
    from kzecon.data.countries import FORMER_ISO3, is_known_iso3

    if not isinstance(code, str) or not code.strip():
        raise UsageError(f"reporter must be an ISO-3 code such as 'KAZ', got {code!r}")
    c = code.strip().upper()
    return FORMER_ISO3.get(c, c) if not is_known_iso3(c) else c


def _select(trade: pd.DataFrame, reporter: str, side: str | None, source: str | None) -> pd.DataFrame:
    t = validate_trade(trade)  # the CLI's validation: unknown codes refused, aggregates left out below
    t.attrs = {}
    reporter = _reporter(reporter)
    t = t[t["reporter"] == reporter]
    if t.empty:
        raise CoverageError(f"no trade rows for reporter {reporter}; the data's reporters: "
                            f"{', '.join(sorted(set(trade['reporter'].astype(str)))[:8])}")
    if side is not None:
        if "reporter_side" not in t.columns:
            raise UsageError(f"side={side!r} given but the data have no 'reporter_side' column")
        if side not in set(t["reporter_side"]):
            raise UsageError(f"side={side!r}: the data's sides for {reporter} are "
                             f"{', '.join(map(repr, sorted(set(t['reporter_side']))))}")
        t = t[t["reporter_side"] == side]
    if source is not None:
        if "source" not in t.columns:
            raise UsageError(f"source={source!r} given but the data have no 'source' column")
        if source not in set(t["source"]):
            raise UsageError(f"source={source!r}: the data's sources for {reporter} are "
                             f"{', '.join(map(repr, sorted(set(t['source']))))}")
        t = t[t["source"] == source]
    own = t["partner"] == reporter
    if own.any():
        warnings.warn(f"{int(own.sum())} row(s) with {reporter} as its own partner left out of the shares (a country's "
                      "trade with itself is not foreign trade)", DataQualityWarning, stacklevel=3)
        t = t[~own]
    agg = t["partner"].isin(AGGREGATES)
    if agg.any():
        codes = ", ".join(f"{c} ({n} rows)" for c, n in t.loc[agg, "partner"].value_counts().sort_index().items())
        warnings.warn(f"aggregate partner rows left out of the shares (they are totals, not partners): {codes}",
                      DataQualityWarning, stacklevel=3)
        t = t[~agg]
    if t.empty:
        raise CoverageError(f"no trade rows for reporter {reporter}"
                            + (f", side {side}" if side else "") + (f", source {source}" if source else ""))
    dup = t.duplicated(["reporter", "partner", "year", "flow"], keep=False)
    if dup.any():
        ex = t.loc[dup, ["partner", "year", "flow"]].head(3).to_dict("records")
        raise SchemaError(f"{int(dup.sum())} rows give more than one figure for the same partner-year-flow "
                          f"(e.g. {ex}); pick one source or side (source=…, side=…) or use "
                          "load_trade('spliced')")
    return t


def _flows(flow: str) -> list[str]:
    if flow not in FLOW_CHOICES:
        raise UsageError(f"flow must be one of {', '.join(FLOW_CHOICES)}, got {flow!r}")
    return ["export", "import", "total"] if flow == "all" else [flow]


def _by_flow(t: pd.DataFrame, flow: str) -> pd.DataFrame:
    if flow == "total":
        # total = exports + imports: only in years where the data hold both flows, never one of them alone
        have = t.groupby("year")["flow"].agg(lambda f: frozenset(f))
        one = have[have.map(len) < 2]
        if len(one):
            if len(one) == len(have):
                raise CoverageError(f"total trade needs exports and imports; the data hold only "
                                    f"{'/'.join(sorted(set().union(*one.to_list())))}s (in every year): use "
                                    "flow='export' or flow='import'")
            desc = ", ".join(f"{y} (only {next(iter(f))}s)" for y, f in one.items())
            warnings.warn(f"total trade left out for year(s) with one flow only: {desc}", DataQualityWarning,
                          stacklevel=3)
            t = t[~t["year"].isin(one.index)]
        g = t.groupby(["reporter", "partner", "year"], as_index=False)["value_usd"].sum()
        return g.assign(flow="total")
    out = t[t["flow"] == flow][["reporter", "partner", "year", "flow", "value_usd"]]
    if out.empty:
        raise CoverageError(f"the data hold no {flow} rows for {t['reporter'].iloc[0]}")
    return out


def _each_flow(t: pd.DataFrame, flow: str):
    """(flow, rows) for each flow asked for; with flow='all' a flow the data cannot give is skipped with a note."""
    for f in _flows(flow):
        try:
            yield f, _by_flow(t, f)
        except CoverageError as err:
            if flow != "all":
                raise
            warnings.warn(f"{f} shares not computed: {err}", DataQualityWarning, stacklevel=3)


def _side_label(t: pd.DataFrame) -> str:
    if "reporter_side" not in t.columns:
        return "unknown"
    return "+".join(sorted(t["reporter_side"].astype(str).unique()))


def assign_groups(partners: pd.DataFrame, groups: pd.DataFrame | None = None,
                  order: Sequence[str] = DEFAULT_GROUP_ORDER, reporter: str | None = None) -> pd.Series:
    """Group of each (partner, year) row: the first group in ``order`` that holds it that year, else REST.

    Membership is by year (``from_year`` ≤ year ≤ ``to_year``), so the United Kingdom is in the EU to 2019 and in the
    rest from 2020.

    Parameters
    ----------
    partners : pandas.DataFrame
        Rows with columns ``partner`` (ISO-3) and ``year``.
    groups : pandas.DataFrame or None, default None
        Table ``group, iso3, from_year, to_year`` (years inclusive); None for :func:`kzecon.data.load_partner_groups`
        (CHINA, RUSSIA, EU by membership year, CENTRAL_ASIA).
    order : sequence of str, default ("CHINA", "RUSSIA", "EU", "CENTRAL_ASIA")
        The groups to use, in order of precedence where a partner is in several; group names as in ``groups``.
    reporter : str or None, default None
        The reporting country, never counted in its own group (Kazakhstan is not its own Central Asia partner).

    Returns
    -------
    pandas.Series
        The group of each row in lower case (``china``, ``russia``, ``eu``, ``central_asia``, or ``rest``), with
        ``partners``' index.

    Raises
    ------
    SchemaError
        If ``groups`` lacks a column, or a group of ``order`` has no members in it.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.measures import assign_groups
    >>> rows = pd.DataFrame({"partner": ["CHN", "DEU", "UZB", "GBR", "GBR"], "year": [2023, 2023, 2023, 2019, 2020]})
    >>> assign_groups(rows).tolist()
    ['china', 'eu', 'central_asia', 'eu', 'rest']
    """
    g = load_partner_groups() if groups is None else groups
    need = {"group", "iso3", "from_year", "to_year"}
    if not need <= set(g.columns):
        raise SchemaError(f"partner groups need columns {sorted(need)}; got {list(g.columns)}")
    rank = {name: i for i, name in enumerate(order)}
    missing = [name for name in order if not (g["group"] == name).any()]
    if missing:
        raise SchemaError(f"partner group {missing[0]!r} has no members in the groups table")
    g = g[g["group"].isin(rank)]
    rows = partners[["partner", "year"]].reset_index(drop=True).rename_axis("row").reset_index()
    m = rows.merge(g[["group", "iso3", "from_year", "to_year"]], left_on="partner", right_on="iso3")
    m = m[(m["year"] >= m["from_year"]) & (m["year"] <= m["to_year"])]
    if reporter is not None:
        m = m[m["partner"] != reporter]
    m = m.assign(rank=m["group"].map(rank)).sort_values(["row", "rank"]).drop_duplicates("row")
    out = pd.Series("REST", index=range(len(rows)), dtype=object)
    out[m["row"].to_numpy()] = m["group"].to_numpy()
    out.index = partners.index
    return out.str.lower()


def partner_shares(trade: pd.DataFrame, *, reporter: str = "KAZ", flow: str = "total",
                   groups: pd.DataFrame | None = None, order: Sequence[str] = DEFAULT_GROUP_ORDER,
                   side: str | None = None, source: str | None = None) -> pd.DataFrame:
    """Shares of the reporter's exports, imports or total trade by partner group and year.

    Parameters
    ----------
    trade : pandas.DataFrame
        Tidy trade frame (``reporter, partner, year, flow, value_usd``, optional ``source``, ``reporter_side``), e.g.
        :func:`kzecon.data.load_trade`; validated with :func:`kzecon.data.validate_trade`. After ``side`` and
        ``source`` it must hold one figure per reporter-partner-year-flow. Aggregate partners (WLD, EU27, …) and the
        reporter itself as partner are left out, with a warning.
    reporter : str, default "KAZ"
        ISO-3 of the reporting country (case and spaces do not matter; ISO 3166-3 former codes are mapped).
    flow : {"total", "export", "import", "all"}, default "total"
        Exports, imports, total trade (exports + imports, only in years that have both), or all three (a flow the data
        cannot give is then skipped with a warning).
    groups : pandas.DataFrame or None, default None
        Table ``group, iso3, from_year, to_year``; None for :func:`kzecon.data.load_partner_groups` (China, Russia,
        the EU with membership by year, Central Asia). Partners in no group are ``rest``.
    order : sequence of str, default ("CHINA", "RUSSIA", "EU", "CENTRAL_ASIA")
        Which groups to use, in order of precedence (see :func:`assign_groups`).
    side : str or None, default None
        Keep only rows of this ``reporter_side`` (``"reported"``, ``"mirror"``, ``"mixed"``, …); None keeps all.
    source : str or None, default None
        Keep only rows of this ``source`` (``"wits"``, ``"imf_dots"``, …); None keeps all.

    Returns
    -------
    pandas.DataFrame
        ``reporter, year, flow, group, value_usd, total_usd, share, side``: one row per year, flow and group (groups
        with no trade included, share 0); the shares of each year and flow sum to one over the groups. ``side`` names
        the reporting sides of the rows used (e.g. ``"mixed+reported"`` for the spliced series). Years with no trade
        at all have NaN shares (with a warning).

    Raises
    ------
    UsageError
        If ``reporter`` is not a code, ``flow`` is not one of the values above, or ``side``/``source`` is given but
        not in the data (the message lists what is).
    SchemaError
        If ``trade`` fails validation, several figures remain for a partner-year-flow (pick a ``source`` or ``side``),
        or ``groups`` is malformed.
    CoverageError
        If there are no rows for the reporter (after ``side``/``source``), total trade is asked for but the data hold
        one flow only, or no flow can be computed.

    Warns
    -----
    DataQualityWarning
        When aggregate partners or the reporter itself are left out, years with one flow only are left out of total
        trade, or a year has no trade.

    See Also
    --------
    share_of : One partner's share.
    china_russia_tilt, balance_index : Summaries of these shares.

    Examples
    --------
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import partner_shares
    >>> s = partner_shares(load_trade("spliced"), flow="total")
    >>> s.query("year == 2023 and group == 'china'")["share"].round(3).item()
    0.215
    >>> s.query("year == 2023")[["group", "share"]].round(3)
                group  share
    145         china  0.215
    146        russia  0.194
    147            eu  0.296
    148  central_asia  0.056
    149          rest  0.239

    The partners' side (mirror) from IMF DOTS, for comparison:

    >>> m = partner_shares(load_trade(), flow="import", source="imf_dots", side="mirror")
    >>> m.query("year == 2020 and group == 'china'")["share"].round(3).item()
    0.289
    """
    reporter = _reporter(reporter)
    t = _select(trade, reporter, side, source)
    label = _side_label(t)
    out = []
    for f, ft in _each_flow(t, flow):
        ft = ft.reset_index(drop=True)
        ft["group"] = assign_groups(ft[["partner", "year"]], groups, order, reporter).values
        agg = ft.groupby(["year", "group"], as_index=False)["value_usd"].sum()
        names = [o.lower() for o in order] + ["rest"]
        full = pd.MultiIndex.from_product([sorted(agg["year"].unique()), names], names=["year", "group"])
        agg = agg.set_index(["year", "group"]).reindex(full, fill_value=0.0).reset_index()
        tot = agg.groupby("year")["value_usd"].transform("sum")
        zero = sorted(int(y) for y in agg.loc[tot <= 0, "year"].unique())
        if zero:
            warnings.warn(f"{reporter}'s {f} trade is zero with every partner in year(s) {zero}: shares undefined "
                          "(NaN) there", DataQualityWarning, stacklevel=2)
        agg["total_usd"] = tot
        agg["share"] = np.where(tot > 0, agg["value_usd"] / tot.where(tot > 0, 1.0), np.nan)
        agg["flow"] = f
        out.append(agg)
    if not out:
        raise CoverageError(f"no shares can be computed for {reporter}: neither exports nor imports in the data")
    res = pd.concat(out, ignore_index=True)
    res.insert(0, "reporter", reporter)
    res["side"] = label
    return res[["reporter", "year", "flow", "group", "value_usd", "total_usd", "share", "side"]]


def share_of(trade: pd.DataFrame, partner: str, *, reporter: str = "KAZ", flow: str = "total",
             side: str | None = None, source: str | None = None) -> pd.DataFrame:
    """One partner's share of the reporter's trade by year.

    Parameters
    ----------
    trade : pandas.DataFrame
        Tidy trade frame, as for :func:`partner_shares` (validated the same way, aggregates and the reporter itself
        left out).
    partner : str
        ISO-3 of the partner, exactly as in the data (``"CHN"``); a partner absent from the data has share 0.
    reporter : str, default "KAZ"
        ISO-3 of the reporting country.
    flow : {"total", "export", "import", "all"}, default "total"
        As in :func:`partner_shares`.
    side : str or None, default None
        Keep only rows of this ``reporter_side``.
    source : str or None, default None
        Keep only rows of this ``source``.

    Returns
    -------
    pandas.DataFrame
        ``year, flow, partner, value_usd, total_usd, share, side``: the partner's trade, the reporter's trade with
        all partners, and the share (NaN where the total is zero).

    Raises
    ------
    UsageError, SchemaError, CoverageError
        As :func:`partner_shares` (bad ``reporter``, ``flow``, ``side`` or ``source``; invalid data or several figures
        per partner-year-flow; no rows).

    Examples
    --------
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import share_of
    >>> s = share_of(load_trade("spliced"), "CHN", flow="import")
    >>> s[["year", "share"]].tail(3).round(3)
        year  share
    29  2023  0.255
    30  2024  0.253
    31  2025  0.290
    """
    reporter = _reporter(reporter)
    t = _select(trade, reporter, side, source)
    out = []
    for f, ft in _each_flow(t, flow):
        tot = ft.groupby("year")["value_usd"].sum()
        val = ft[ft["partner"] == partner].groupby("year")["value_usd"].sum().reindex(tot.index, fill_value=0.0)
        out.append(pd.DataFrame({"year": tot.index, "flow": f, "partner": partner,
                                 "value_usd": val.values, "total_usd": tot.values,
                                 "share": (val / tot.where(tot > 0)).values}))
    res = pd.concat(out, ignore_index=True)
    res["side"] = _side_label(t)
    return res


def china_russia_tilt(shares: pd.DataFrame) -> pd.DataFrame:
    """China–Russia tilt from :func:`partner_shares`: difference and log ratio of the two shares.

    Parameters
    ----------
    shares : pandas.DataFrame
        Output of :func:`partner_shares` (columns ``year``, ``flow``, ``group``, ``share``) with the groups
        ``china`` and ``russia``.

    Returns
    -------
    pandas.DataFrame
        ``year, flow, china, russia, difference, log_ratio``: ``difference`` = china − russia (share points as
        fractions; positive means tilted toward China), ``log_ratio`` = ln(china / russia) (NaN where a share is 0).

    Raises
    ------
    SchemaError
        If ``shares`` lacks the columns of :func:`partner_shares` output.
    CoverageError
        If the ``china`` or ``russia`` group is missing.

    Examples
    --------
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import china_russia_tilt, partner_shares
    >>> tilt = china_russia_tilt(partner_shares(load_trade("spliced")))
    >>> tilt.query("year in [2000, 2023]").round(3)
        year   flow  china  russia  difference  log_ratio
    6   2000  total  0.061   0.298      -0.237     -1.593
    29  2023  total  0.215   0.194       0.022      0.105
    """
    need = {"year", "flow", "group", "share"}
    if not need <= set(shares.columns):
        raise SchemaError(f"tilt needs the output of partner_shares (columns {sorted(need)})")
    w = shares.pivot_table(index=["year", "flow"], columns="group", values="share").reset_index()
    for g in ("china", "russia"):
        if g not in w.columns:
            raise CoverageError(f"tilt needs the '{g}' group in the shares")
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.log(w["china"] / w["russia"])
    return pd.DataFrame({"year": w["year"], "flow": w["flow"], "china": w["china"], "russia": w["russia"],
                         "difference": w["china"] - w["russia"],
                         "log_ratio": lr.where(np.isfinite(lr))})


def concentration(trade: pd.DataFrame, *, reporter: str = "KAZ", flow: str = "total",
                  side: str | None = None, source: str | None = None) -> pd.DataFrame:
    """Herfindahl–Hirschman index over individual partners: ``hhi`` and normalised ``hhi_norm``.

    ``hhi = Σ s_i²`` over the partners' shares of the reporter's trade; ``hhi_norm = (hhi − 1/N) / (1 − 1/N)`` with
    N partners with non-zero trade (1 when there is a single partner).

    Parameters
    ----------
    trade : pandas.DataFrame
        Tidy trade frame, as for :func:`partner_shares`.
    reporter : str, default "KAZ"
        ISO-3 of the reporting country.
    flow : {"total", "export", "import", "all"}, default "total"
        As in :func:`partner_shares`.
    side : str or None, default None
        Keep only rows of this ``reporter_side``.
    source : str or None, default None
        Keep only rows of this ``source``.

    Returns
    -------
    pandas.DataFrame
        ``year, flow, n_partners, hhi, hhi_norm, side``, one row per year and flow.

    Raises
    ------
    UsageError, SchemaError, CoverageError
        As :func:`partner_shares`.

    Examples
    --------
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import concentration
    >>> c = concentration(load_trade("spliced"), flow="export")
    >>> c.query("year in [2000, 2023]")[["year", "n_partners", "hhi", "hhi_norm"]].round(3)
        year  n_partners    hhi  hhi_norm
    6   2000         114  0.100     0.092
    29  2023         134  0.101     0.094
    """
    reporter = _reporter(reporter)
    t = _select(trade, reporter, side, source)
    out = []
    for f, ft in _each_flow(t, flow):
        ft = ft[ft["value_usd"] > 0]
        for year, g in ft.groupby("year"):
            s = g["value_usd"] / g["value_usd"].sum()
            n = len(s)
            h = float((s ** 2).sum())
            norm = (h - 1 / n) / (1 - 1 / n) if n > 1 else 1.0
            out.append({"year": int(year), "flow": f, "n_partners": n, "hhi": h, "hhi_norm": norm})
    res = pd.DataFrame(out)
    res["side"] = _side_label(t)
    return res


def balance_index(shares: pd.DataFrame, vectors: Sequence[str] = ("china", "russia", "eu")) -> pd.DataFrame:
    """Multi-vector balance: 1 when trade is spread evenly over the vectors and 'other', 0 when all with one.

    With K = len(vectors) + 1 shares (the vectors and everything else), ``B = (1 − Σ s_k²) / (1 − 1/K)``.

    Parameters
    ----------
    shares : pandas.DataFrame
        Output of :func:`partner_shares` (columns ``year``, ``flow``, ``group``, ``share``).
    vectors : sequence of str, default ("china", "russia", "eu")
        The groups that are the policy's vectors (group names as in ``shares``); every other group is 'other'.

    Returns
    -------
    pandas.DataFrame
        ``year, flow, balance, vectors`` (``vectors`` lists the K shares used, ``other`` last).

    Raises
    ------
    SchemaError
        If ``shares`` lacks the columns of :func:`partner_shares` output.
    CoverageError
        If a group of ``vectors`` is not in ``shares``.

    Examples
    --------
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import balance_index, partner_shares
    >>> b = balance_index(partner_shares(load_trade("spliced")))
    >>> b.query("year in [2000, 2023]").round(3)
        year   flow  balance                vectors
    6   2000  total    0.911  china,russia,eu,other
    29  2023  total    0.989  china,russia,eu,other
    """
    need = {"year", "flow", "group", "share"}
    if not need <= set(shares.columns):
        raise SchemaError(f"balance_index needs the output of partner_shares (columns {sorted(need)})")
    w = shares.pivot_table(index=["year", "flow"], columns="group", values="share").fillna(0.0)
    missing = [v for v in vectors if v not in w.columns]
    if missing:
        raise CoverageError(f"balance_index: group(s) {missing} not in the shares")
    s = w[list(vectors)].copy()
    s["other"] = 1.0 - s.sum(axis=1)
    k = s.shape[1]
    h = (s ** 2).sum(axis=1)
    out = ((1 - h) / (1 - 1 / k)).rename("balance").reset_index()
    out["vectors"] = ",".join(list(vectors) + ["other"])
    return out


def asymmetry(trade: pd.DataFrame, *, a: str = "KAZ", b: str = "CHN", flow: str = "total",
              totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Hirschman-style asymmetry of dependence between ``a`` and ``b``.

    ``dep_a_on_b`` = a's trade with b / a's trade with all partners; ``dep_b_on_a`` = b's trade with a / b's total
    trade (from b's own rows in ``trade`` where present, else from ``totals``, using a's figures for the bilateral
    flow). ``asymmetry = dep_a_on_b − dep_b_on_a``; ``ratio = dep_a_on_b / dep_b_on_a``. Flows are from a's view: b's
    exports to a are paired with a's imports.

    Parameters
    ----------
    trade : pandas.DataFrame
        Tidy trade frame with rows of reporter ``a`` (and of ``b``, if available), one figure per
        reporter-partner-year-flow (e.g. :func:`kzecon.data.load_country_panel`).
    a : str, default "KAZ"
        ISO-3 of the first country (the smaller partner, in the usual reading).
    b : str, default "CHN"
        ISO-3 of the second country.
    flow : {"total", "export", "import", "all"}, default "total"
        As in :func:`partner_shares`.
    totals : pandas.DataFrame or None, default None
        National totals ``iso3, year, exports_usd, imports_usd`` (e.g. :func:`kzecon.data.load_totals`), used only
        when ``trade`` has no rows of reporter ``b``.

    Returns
    -------
    pandas.DataFrame
        ``year, flow, a, b, dep_a_on_b, dep_b_on_a, asymmetry, ratio`` for the years both dependences exist.

    Raises
    ------
    CoverageError
        If ``trade`` has no rows of ``b`` and no ``totals`` are given, or as :func:`share_of` raises.
    UsageError, SchemaError
        As :func:`share_of`.

    Examples
    --------
    >>> from kzecon.data import load_country_panel
    >>> from kzecon.measures import asymmetry
    >>> cp = load_country_panel()
    >>> two = cp[cp["reporter"].isin(["KAZ", "CHN"])]
    >>> asymmetry(two, a="KAZ", b="CHN").query("year == 2014").round(3)
        year   flow    a    b  dep_a_on_b  dep_b_on_a  asymmetry   ratio
    22  2014  total  KAZ  CHN       0.219       0.006      0.214  39.827
    """
    sa = share_of(trade, b, reporter=a, flow=flow)
    if (trade["reporter"] == b).any():
        sb = share_of(trade, a, reporter=b, flow=flow)
    elif totals is not None:
        ab = sa.copy()
        tb = totals[totals["iso3"] == b].set_index("year")
        col = {"export": "imports_usd", "import": "exports_usd"}
        rows = []
        for _, r in ab.iterrows():
            if r["year"] not in tb.index:
                continue
            denom = (tb.loc[r["year"], "exports_usd"] + tb.loc[r["year"], "imports_usd"]
                     if r["flow"] == "total" else tb.loc[r["year"], col[r["flow"]]])
            fb = {"export": "import", "import": "export", "total": "total"}[r["flow"]]
            rows.append({"year": r["year"], "flow": fb, "share": r["value_usd"] / denom})
        sb = pd.DataFrame(rows)
    else:
        raise CoverageError(f"asymmetry needs {b}'s trade: rows with reporter {b} or a totals table")
    # b's export to a is a's import from b: turn b's flows round to a's view before pairing
    flip = {"export": "import", "import": "export", "total": "total"}
    sb = sb.assign(flow=sb["flow"].map(flip))
    m = sa[["year", "flow", "share"]].merge(sb[["year", "flow", "share"]], on=["year", "flow"],
                                            suffixes=("_a", "_b"))
    return pd.DataFrame({"year": m["year"], "flow": m["flow"], "a": a, "b": b,
                         "dep_a_on_b": m["share_a"], "dep_b_on_a": m["share_b"],
                         "asymmetry": m["share_a"] - m["share_b"],
                         "ratio": m["share_a"] / m["share_b"]})


def trade_intensity(trade: pd.DataFrame, totals: pd.DataFrame, *, reporter: str = "KAZ",
                    partner: str = "CHN") -> pd.DataFrame:
    """Export intensity index ``(x_ij / X_i) / (M_j / M_w)``; above 1 = more than the partner's weight.

    ``x_ij``, ``X_i`` from ``trade`` (the reporter's exports to the partner and to all partners); ``M_j`` and world
    imports ``M_w`` from ``totals`` (aggregates and kzecon's extra codes other than CSK and YUG left out of the world
    sum). Years missing from ``totals`` are left out.

    Parameters
    ----------
    trade : pandas.DataFrame
        Tidy trade frame with the reporter's exports, as for :func:`share_of`.
    totals : pandas.DataFrame
        National totals ``iso3, year, imports_usd`` of (nearly) every country, e.g. :func:`kzecon.data.load_totals`.
    reporter : str, default "KAZ"
        ISO-3 of the exporting country.
    partner : str, default "CHN"
        ISO-3 of the importing partner.

    Returns
    -------
    pandas.DataFrame
        ``year, reporter, partner, export_share, partner_world_import_share, intensity``.

    Raises
    ------
    UsageError, SchemaError, CoverageError
        As :func:`share_of` (with ``flow="export"``).

    Examples
    --------
    >>> from kzecon.data import load_country_panel, load_totals
    >>> from kzecon.measures import trade_intensity
    >>> cp = load_country_panel()
    >>> ti = trade_intensity(cp[cp["reporter"] == "KAZ"], load_totals())
    >>> ti.query("year == 2014").round(3)
        year reporter partner  export_share  partner_world_import_share  intensity
    22  2014      KAZ     CHN          0.16                       0.136      1.182
    """
    s = share_of(trade, partner, reporter=reporter, flow="export")
    tot = totals[~totals["iso3"].isin(AGGREGATES | set(EXTRA_CODES) - {"CSK", "YUG"})]
    mw = tot.groupby("year")["imports_usd"].sum()
    mj = tot[tot["iso3"] == partner].set_index("year")["imports_usd"]
    s = s[s["year"].isin(mj.index)]
    w = mj.reindex(s["year"]).values / mw.reindex(s["year"]).values
    return pd.DataFrame({"year": s["year"].values, "reporter": reporter, "partner": partner,
                         "export_share": s["share"].values, "partner_world_import_share": w,
                         "intensity": s["share"].values / w})


# Precedence among the reporter's own sources where several cover a year (as in the spliced series).
REPORTED_PRECEDENCE = {"bns": 0, "wits": 1, "imf_dots": 2}
# ... and among the partners' (mirror) sources: the partner's own customs data (UN Comtrade rows of China
# customs), then UN Comtrade exporter reports (penppml), then IMF DOTS (annual 1992–2020, every partner).
MIRROR_PRECEDENCE = {"comtrade": 0, "penppml": 1, "imf_dots": 2}


def _best_reported(t: pd.DataFrame) -> pd.DataFrame:
    """The reporter-declared rows of the highest-precedence source for each year and flow."""
    rep = t[t["reporter_side"] == "reported"]
    rank = rep["source"].map(REPORTED_PRECEDENCE).fillna(len(REPORTED_PRECEDENCE))
    best = rank.groupby([rep["year"], rep["flow"]]).transform("min")
    return rep[rank == best]


def reported_vs_mirror(trade_all: pd.DataFrame, *, partner: str = "CHN", reporter: str = "KAZ",
                       cif_fob: float = CIF_FOB_FACTOR) -> pd.DataFrame:
    """Reporter's own figures against the partner's mirror figures, by year and flow.

    ``reported`` = the reporter's declarations (``reporter_side == 'reported'``; BNS, then WITS, then IMF DOTS where
    several exist); ``mirror`` = the partner's (``reporter_side == 'mirror'``; China customs rows, then penppml, then
    IMF DOTS where several exist). Imports are CIF and the partner's exports FOB, so ``mirror_adjusted_usd``
    multiplies the mirror of imports by ``cif_fob`` (IMF DOTS convention 1.10) and divides the mirror of exports (the
    partner's CIF imports) by it. ``gap_usd`` and ``gap_pct`` compare the mirror figure as reported (``mirror_usd``,
    not the adjusted one) with the reported figure.

    Parameters
    ----------
    trade_all : pandas.DataFrame
        Trade rows of both sides with ``reporter_side`` and ``source``, e.g. ``kzecon.data.load_trade("all")``.
    partner : str, default "CHN"
        ISO-3 of the partner.
    reporter : str, default "KAZ"
        ISO-3 of the reporter.
    cif_fob : float, default 1.10
        Ratio of CIF to FOB values used for ``mirror_adjusted_usd``.

    Returns
    -------
    pandas.DataFrame
        ``year, partner, flow, reported_usd, mirror_usd, mirror_adjusted_usd, source_reported, source_mirror,
        gap_usd, gap_pct``, sorted by year and flow; ``gap_pct`` = 100 · gap_usd / reported_usd.

    Raises
    ------
    CoverageError
        If no year and flow has both a reported and a mirror figure.

    See Also
    --------
    share_band : The two sides as shares.

    Examples
    --------
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import reported_vs_mirror
    >>> rm = reported_vs_mirror(load_trade())
    >>> rm.query("year == 2019")[["flow", "source_reported", "source_mirror", "gap_pct"]].round(1)
          flow source_reported source_mirror  gap_pct
    54  export            wits      comtrade     10.7
    55  import            wits      imf_dots     88.7
    """
    t = trade_all[(trade_all["reporter"] == reporter) & (trade_all["partner"] == partner)]
    rep = _best_reported(t)
    mir = t[t["reporter_side"] == "mirror"]
    rank = mir["source"].map(MIRROR_PRECEDENCE).fillna(len(MIRROR_PRECEDENCE)) if "source" in mir else 0
    mir = mir.assign(_rank=rank).sort_values(["year", "flow", "_rank"], kind="mergesort").drop_duplicates(
        ["year", "flow"])
    m = rep[["year", "flow", "value_usd", "source"]].merge(
        mir[["year", "flow", "value_usd", "source"]], on=["year", "flow"], suffixes=("_reported", "_mirror"))
    if m.empty:
        raise CoverageError(f"no year with both reported and mirror figures for {reporter}–{partner}")
    adj = np.where(m["flow"] == "import", cif_fob, 1 / cif_fob)
    out = pd.DataFrame({"year": m["year"], "partner": partner, "flow": m["flow"],
                        "reported_usd": m["value_usd_reported"], "mirror_usd": m["value_usd_mirror"],
                        "mirror_adjusted_usd": m["value_usd_mirror"] * adj,
                        "source_reported": m["source_reported"], "source_mirror": m["source_mirror"]})
    out["gap_usd"] = out["mirror_usd"] - out["reported_usd"]
    out["gap_pct"] = 100 * out["gap_usd"] / out["reported_usd"]
    return out.sort_values(["year", "flow"]).reset_index(drop=True)


def gravity_to_trade(panel: pd.DataFrame, *, international_only: bool = True) -> pd.DataFrame:
    """Turn a directed gravity panel (exporter, importer, year, flow) into reporter-view trade rows.

    Each flow i→j becomes i's export to j and j's import from i (both as the panel gives it:
    ``reporter_side = 'panel'``), so the share functions work on any country of the panel.

    Parameters
    ----------
    panel : pandas.DataFrame
        Gravity panel ``exporter, importer, year, flow`` (e.g. :func:`kzecon.data.load_gravity`), validated with
        :func:`kzecon.data.validate_gravity`.
    international_only : bool, default True
        Leave out domestic flows (exporter = importer), which some panels carry.

    Returns
    -------
    pandas.DataFrame
        ``reporter, partner, year, flow, value_usd, reporter_side``: two rows per international flow, in the
        panel's units.

    Raises
    ------
    SchemaError, CoverageError
        As :func:`kzecon.data.validate_gravity` (missing columns, invalid flows, aggregates, duplicates, no rows).

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.measures import gravity_to_trade, share_of
    >>> panel = pd.DataFrame({"exporter": ["KAZ", "KAZ", "CHN", "RUS"], "importer": ["CHN", "RUS", "KAZ", "KAZ"],
    ...                       "year": 2016, "flow": [6.0, 4.0, 8.0, 9.0]})
    >>> share_of(gravity_to_trade(panel), "CHN", flow="all").round(3)
       year    flow partner  value_usd  total_usd  share   side
    0  2016  export     CHN        6.0       10.0  0.600  panel
    1  2016  import     CHN        8.0       17.0  0.471  panel
    2  2016   total     CHN       14.0       27.0  0.519  panel
    """
    from kzecon.data import validate_gravity

    g = validate_gravity(panel)
    if international_only:
        g = g[g["exporter"] != g["importer"]]
    exp = pd.DataFrame({"reporter": g["exporter"], "partner": g["importer"], "year": g["year"],
                        "flow": "export", "value_usd": g["flow"]})
    imp = pd.DataFrame({"reporter": g["importer"], "partner": g["exporter"], "year": g["year"],
                        "flow": "import", "value_usd": g["flow"]})
    out = pd.concat([exp, imp], ignore_index=True)
    out["reporter_side"] = "panel"
    return out


def share_band(trade_all: pd.DataFrame, *, partner: str = "CHN", reporter: str = "KAZ", flow: str = "import",
               cif_fob: float = CIF_FOB_FACTOR) -> pd.DataFrame:
    """A partner's share from the reporter's own figures and from the partner's mirror figures.

    ``reported_share`` = reporter-declared flow with the partner / reporter-declared total (BNS over WITS over IMF
    DOTS where several exist). ``mirror_share`` = the partner's reported flow, put on the reporter's valuation
    (imports: FOB mirror × ``cif_fob``; exports: CIF mirror ÷ ``cif_fob``; IMF DOTS convention 1.10), over the same
    reporter-declared total; where several mirror sources cover a year the first row in ``trade_all``'s order is used
    (for ``load_trade()``: penppml, then China customs, then IMF DOTS). ``low``/``high`` bound the two and ``mid`` is
    their average — the measurement band that models can carry.

    Parameters
    ----------
    trade_all : pandas.DataFrame
        Trade rows of both sides with ``reporter_side`` and ``source``, e.g. ``kzecon.data.load_trade("all")``;
        aggregate partners are left out.
    partner : str, default "CHN"
        ISO-3 of the partner.
    reporter : str, default "KAZ"
        ISO-3 of the reporter.
    flow : {"import", "export"}, default "import"
        The direction compared, from the reporter's view.
    cif_fob : float, default 1.10
        Ratio of CIF to FOB values.

    Returns
    -------
    pandas.DataFrame
        ``year, partner, flow, reported_share, mirror_share, low, high, mid, cif_fob`` for the years with both a
        reporter-declared total and a mirror figure.

    Raises
    ------
    SchemaError
        If ``flow`` is neither ``"export"`` nor ``"import"``.
    CoverageError
        If no year has both a reporter-declared total and the partner's mirror figure.

    Examples
    --------
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import share_band
    >>> band = share_band(load_trade())
    >>> band[["year", "reported_share", "mirror_share", "mid"]].tail(2).round(3)
        year  reported_share  mirror_share    mid
    27  2019           0.171         0.355  0.263
    28  2020           0.164         0.331  0.247
    """
    if flow not in ("export", "import"):
        raise SchemaError("share_band compares one direction: flow must be 'export' or 'import'")
    t = trade_all[(trade_all["reporter"] == reporter) & (trade_all["flow"] == flow)
                  & ~trade_all["partner"].isin(AGGREGATES)]
    rep = _best_reported(t)
    total = rep.groupby("year")["value_usd"].sum()
    own = rep[rep["partner"] == partner].groupby("year")["value_usd"].sum()
    mir = t[(t["reporter_side"] == "mirror") & (t["partner"] == partner)].groupby("year")["value_usd"].first()
    years = sorted(set(mir.index) & set(total.index))
    if not years:
        raise CoverageError(f"no year with both {reporter}-reported totals and {partner}'s mirror {flow}s")
    adj = cif_fob if flow == "import" else 1 / cif_fob
    out = pd.DataFrame({"year": years, "partner": partner, "flow": flow,
                        "reported_share": own.reindex(years, fill_value=0.0).values / total[years].values,
                        "mirror_share": mir[years].values * adj / total[years].values})
    out["low"] = out[["reported_share", "mirror_share"]].min(axis=1)
    out["high"] = out[["reported_share", "mirror_share"]].max(axis=1)
    out["mid"] = out[["reported_share", "mirror_share"]].mean(axis=1)
    out["cif_fob"] = cif_fob
    return out
