"""The panel analyses behind ``kzecon panel``: Kazakhstan's partner panel and the customs-union DiD."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kzecon.data import load_gdp

from .data import country_partner_panel, kazakhstan_partner_panel
from .did import did, event_study, event_table, staggered
from .models import fit, hausman


def partner_models() -> dict:
    """log trade of Kazakhstan with partner k in year t on log GDP of k: pooled, FE, two-way FE (Driscoll–Kraay),
    RE, FD, between; and the Hausman test. Partners with ≥ 20 years of trade and WDI GDP."""
    p = kazakhstan_partner_panel()
    gdp = load_gdp()[["iso3", "year", "gdp_usd"]].rename(columns={"iso3": "partner"})
    p = p.merge(gdp, on=["partner", "year"], how="inner")
    p["log_gdp"] = np.log(p["gdp_usd"])
    kw = {"entity": "partner", "time": "year"}
    with warnings.catch_warnings(record=True) as caught:  # the same gap report from every model: say it once
        warnings.simplefilter("always")
        out = _partner_fits(p, kw)
    if caught:
        warnings.warn(str(caught[0].message), caught[0].category, stacklevel=2)
    return out


def _partner_fits(p: pd.DataFrame, kw: dict) -> dict:
    out = {
        "pooled": fit(p, "log_trade", ["log_gdp"], model="pooled", cov="clustered", name="pooled", **kw),
        "fe": fit(p, "log_trade", ["log_gdp"], model="fe", cov="clustered", name="fe_partner", **kw),
        "twoway_dk": fit(p, "log_trade", ["log_gdp"], model="twoway", cov="driscoll-kraay", bandwidth=2,
                         name="twoway_driscoll_kraay", **kw),
        "re": fit(p, "log_trade", ["log_gdp"], model="re", cov="clustered", name="re", **kw),
        "fd": fit(p, "log_trade", ["log_gdp"], model="fd", cov="clustered", name="fd", **kw),
        "between": fit(p, "log_trade", ["log_gdp"], model="between", cov="robust", name="between", **kw),
    }
    fe_u = fit(p, "log_trade", ["log_gdp"], model="fe", cov="unadjusted", **kw)
    re_u = fit(p, "log_trade", ["log_gdp"], model="re", cov="unadjusted", **kw)
    out["hausman"] = hausman(fe_u, re_u)
    return out


def customs_union(reps: int = 9999, seed: int = 2026) -> dict:
    """Customs-union DiD (treated KAZ, BLR from 2010; controls: the other post-Soviet economies and Mongolia,
    ARM and KGZ not yet members in 1995–2014) on log trade with Russia and on China's share of trade."""
    p = country_partner_panel()
    rus = p[p["partner"] == "RUS"]
    # the treatment is joining the union with Russia; the outcome here is China's share of the same countries
    chn = p[p["partner"] == "CHN"].assign(
        treat_start=lambda d: d["reporter"].map(rus.groupby("reporter")["treat_start"].first()))
    kw = {"entity": "reporter", "time": "year", "treat_start": "treat_start"}
    res = {
        "did_log_trade_rus": did(rus, "log_trade", reps=reps, seed=seed, name="did_log_trade_rus", **kw),
        "did_share_chn": did(chn, "share", reps=reps, seed=seed, name="did_share_chn", **kw),
        "es_log_trade_rus": event_study(rus, "log_trade", window=(-5, 4), reps=reps, seed=seed,
                                        name="event_twfe", **kw),
        "es_did2s_log_trade_rus": staggered(rus, "log_trade", window=(-5, 4), name="event_did2s", **kw),
    }
    return res


def did_table(res: dict) -> pd.DataFrame:
    rows = []
    for k, r in res.items():
        if not k.startswith("did"):
            continue
        t = r.to_frame()
        t["p_wild"] = r.stats["p_wild"]
        t["clusters"] = r.stats["clusters"]
        t["treated_clusters"] = r.stats["treated_clusters"]
        rows.append(t)
    return pd.concat(rows, ignore_index=True)


def event_frame(res: dict) -> pd.DataFrame:
    a = event_table(res["es_log_trade_rus"]).assign(model="two-way FE")
    b = res["es_did2s_log_trade_rus"].to_frame()
    b["event_time"] = [(-1 if s.startswith("rel_m") else 1) * int(s[5:]) for s in b["term"]]
    b["model"] = "two-stage DiD (Gardner)"
    return pd.concat([a, b], ignore_index=True)
