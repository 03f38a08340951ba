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
    for partners with trade in at least ``min_years`` years (the others are listed in ``attrs['excluded']``)."""
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
