"""Panels built from the bundled trade data, validated, with gaps reported (never dropped silently)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kzecon.data import load_country_panel, load_policy_membership, load_trade
from kzecon.errors import CoverageError

# Central Asian, EAEU and other post-Soviet economies with COW v4 trade 1995–2014, plus Mongolia
REPORTERS = ("KAZ", "KGZ", "BLR", "ARM", "UZB", "TJK", "TKM", "MNG", "AZE", "GEO", "MDA", "UKR")


def country_partner_panel(partners=("RUS", "CHN"), reporters=REPORTERS, *, start: int = 1995,
                          end: int = 2014, policy: str = "customs_union") -> pd.DataFrame:
    """reporter × partner × year: trade_usd (exports + imports), total_usd (with all partners), share,
    log_trade, and ``treat_start`` — the year the reporter joined ``policy`` with the partner (customs union:
    KAZ, BLR 2010; ARM, KGZ 2015 — after 2014, so they are not-yet-treated controls in 1995–2014), 0 if never.

    Source: Correlates of War v4 (``trade_cow``; both flows as recorded by COW, side 'mixed'). COW records no
    trade among CIS members in 1992–93, hence the default start in 1995.

    Parameters
    ----------
    partners : sequence of str, default ("RUS", "CHN")
        The partners (ISO-3).
    reporters : sequence of str, default REPORTERS
        The reporting economies (ISO-3); by default the Central Asian, EAEU and other post-Soviet economies and
        Mongolia (:data:`REPORTERS`).
    start, end : int, default 1995, 2014
        The years, inclusive (COW v4 ends in 2014).
    policy : str, default "customs_union"
        The policy of :func:`kzecon.data.load_policy_membership` that sets ``treat_start`` (``"eaeu"`` …): the
        reporter's first year in it, and 0 when the reporter or the partner is never a member.

    Returns
    -------
    DataFrame
        reporter, partner, year, trade_usd, total_usd, share, log_trade (NaN where trade is zero), treat_start;
        sorted by partner, reporter, year; ``attrs['source']`` names the source.

    Raises
    ------
    CoverageError
        No trade of the reporters in the years chosen.

    See Also
    --------
    kzecon.panel.did : the difference-in-differences this panel is made for.

    Examples
    --------
    >>> from kzecon.panel import country_partner_panel
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"]
    >>> rus.shape, rus["reporter"].nunique()
    ((240, 8), 12)
    >>> rus[rus["treat_start"] > 0].groupby("reporter")["treat_start"].first().to_dict()
    {'ARM': 2015, 'BLR': 2010, 'KAZ': 2010, 'KGZ': 2015}
    """
    c = load_country_panel()
    c = c[c["reporter"].isin(reporters) & c["year"].between(start, end)]
    if c.empty:
        raise CoverageError(f"no trade for {', '.join(reporters)} in {start}–{end}")
    total = c.groupby(["reporter", "year"])["value_usd"].sum().rename("total_usd")
    bil = c[c["partner"].isin(partners)].groupby(["reporter", "partner", "year"])["value_usd"].sum().rename("trade_usd")
    out = bil.reset_index().join(total, on=["reporter", "year"])
    out["share"] = out["trade_usd"] / out["total_usd"]
    out["log_trade"] = np.log(out["trade_usd"].where(out["trade_usd"] > 0))
    mem = load_policy_membership()
    mem = mem[mem["policy"] == policy].groupby("iso3")["from_year"].min()
    out["treat_start"] = out["reporter"].map(mem).fillna(0).astype(int)
    partner_start = out["partner"].map(mem).fillna(0).astype(int)
    out.loc[partner_start == 0, "treat_start"] = 0  # the policy is about trade with a member partner only
    out.attrs["source"] = "Correlates of War v4 (trade_cow), side mixed"
    return out.sort_values(["partner", "reporter", "year"]).reset_index(drop=True)


def kazakhstan_partner_panel(*, start: int = 1995, min_years: int = 20) -> pd.DataFrame:
    """Kazakhstan's partner × year panel from the spliced series: partner, year, trade_usd, share, log_trade,
    for partners with trade in at least ``min_years`` years (the others are listed in ``attrs['excluded']``).

    Parameters
    ----------
    start : int, default 1995
        The first year.
    min_years : int, default 20
        Keep partners with positive trade in at least this many years.

    Returns
    -------
    DataFrame
        partner, year, trade_usd (exports + imports), total_usd (with all partners), share, log_trade; rows with
        zero trade are left out. ``attrs['excluded']``: the partners with fewer years.

    Examples
    --------
    >>> from kzecon.panel import kazakhstan_partner_panel
    >>> k = kazakhstan_partner_panel(min_years=25)
    >>> list(k.columns), k["partner"].nunique()
    (['partner', 'year', 'trade_usd', 'total_usd', 'share', 'log_trade'], 134)
    """
    t = load_trade("spliced", russia_2010="interpolate")
    t = t[(t["reporter"] == "KAZ") & (t["year"] >= start)]
    tot = t.groupby("year")["value_usd"].sum().rename("total_usd")
    p = t.groupby(["partner", "year"])["value_usd"].sum().rename("trade_usd").reset_index().join(tot, on="year")
    p = p[p["trade_usd"] > 0]
    n = p.groupby("partner")["year"].nunique()
    keep = n[n >= min_years].index
    out = p[p["partner"].isin(keep)].copy()
    out["share"] = out["trade_usd"] / out["total_usd"]
    out["log_trade"] = np.log(out["trade_usd"])
    out.attrs["excluded"] = sorted(set(n.index) - set(keep))
    return out.reset_index(drop=True)
