"""Product dependence: what Kazakhstan sells to and buys from China, by HS sector, and its commodity-price exposure.

* :func:`composition` — sector values and shares of Kazakhstan's exports to / imports from China, 2015–2024
  (Kazakhstan-reported, true levels); 2020–2022 carry the copper-suppression flag of the source.
* :func:`sector_table` / :func:`validate_sector_table` / :func:`map_hs2` — one sector vocabulary by HS 2-digit
  chapter, overridable by the user, applied to any HS-coded trade frame (UN Comtrade reader output).
* :func:`brent_exposure` — elasticities of exports to China and of China's export share with respect to the
  Brent price (OLS with Newey–West HAC errors, statsmodels) and :func:`brent_scenarios` for price scenarios.

Flagged years are left out of every fit by default and the result says so in ``dropped``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kzecon import data as _data
from kzecon import measures
from kzecon.data.sectors import HS_CHAPTERS, SECTORS, map_hs2, sector_table, validate_sector_table
from kzecon.data.validate import check_positive_values, require_columns
from kzecon.errors import CoverageError, DataQualityWarning, EstimationError, SchemaError
from kzecon.results import EstimationResults, dropped_table

__all__ = ["SECTORS", "HS_CHAPTERS", "map_hs2", "sector_table", "validate_sector_table", "composition",
           "fuels_metals_share", "exposure_frame", "brent_exposure", "brent_scenarios", "OUTCOMES"]

FUELS_METALS = ("fuels", "metals")


# --------------------------------------------------------------------------------------------------------
# Composition
# --------------------------------------------------------------------------------------------------------
def composition(products: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sector composition of each year's flow: year, flow, sector, value_usd, share (0–1), flag.

    ``products`` defaults to :func:`kzecon.data.load_products` (Kazakhstan–China, 2015–2024,
    Kazakhstan-reported); any frame with year, flow, sector, value_usd (and optionally flag) works.
    """
    p = _data.load_products() if products is None else products
    require_columns(p, ["year", "flow", "sector", "value_usd"], "product data")
    v = pd.to_numeric(p["value_usd"], errors="coerce")
    if v.isna().any() or (v < 0).any():
        row = p[v.isna() | (v < 0)].iloc[0]
        raise SchemaError(f"column 'value_usd' has a missing or negative value: {row['value_usd']!r} "
                          f"({row['flow']} {row['sector']} {row['year']})")
    p = p.assign(value_usd=v)
    if p.duplicated(["year", "flow", "sector"]).any():
        row = p[p.duplicated(["year", "flow", "sector"])].iloc[0]
        raise SchemaError(f"duplicate rows for {row['flow']} {row['sector']} {row['year']}")
    flag = p["flag"].fillna("").astype(str) if "flag" in p else pd.Series("", index=p.index)
    out = pd.DataFrame({"year": p["year"].astype(int), "flow": p["flow"], "sector": p["sector"],
                        "value_usd": p["value_usd"], "flag": flag})
    total = out.groupby(["year", "flow"])["value_usd"].transform("sum")
    if (total <= 0).any():
        row = out[total <= 0].iloc[0]
        raise CoverageError(f"no trade in {row['flow']} {row['year']}: shares undefined")
    out["share"] = out["value_usd"] / total
    order = {s: i for i, s in enumerate(SECTORS)}
    out = out.assign(_o=out["sector"].map(order).fillna(len(order))).sort_values(["flow", "year", "_o", "sector"])
    return out[["year", "flow", "sector", "value_usd", "share", "flag"]].reset_index(drop=True)


def fuels_metals_share(comp: pd.DataFrame | None = None, *, flow: str = "export",
                       sectors: Sequence[str] = FUELS_METALS) -> pd.DataFrame:
    """Share of the listed sectors (default fuels + metals) in each year's flow: year, share, flag."""
    comp = composition() if comp is None else comp
    d = comp[comp["flow"] == flow]
    if d.empty:
        raise CoverageError(f"no {flow} rows in the composition")
    missing = set(sectors) - set(d["sector"])
    if missing:
        raise CoverageError(f"sector(s) {sorted(missing)} not in the composition")
    g = d[d["sector"].isin(sectors)].groupby("year")
    return pd.DataFrame({"share": g["share"].sum(), "value_usd": g["value_usd"].sum(),
                         "flag": d.groupby("year")["flag"].first()}).reset_index()


# --------------------------------------------------------------------------------------------------------
# Commodity-price exposure
# --------------------------------------------------------------------------------------------------------
OUTCOMES = {
    "exports_to_china": "log exports to China (USD, Kazakhstan-reported)",
    "fuel_exports_to_china": "log fuel (HS 27) exports to China (USD, Kazakhstan-reported)",
    "china_export_share": "logit of China's share of Kazakhstan's exports (Kazakhstan-reported)",
}


def exposure_frame(*, start: int = 1995, end: int = 2023) -> pd.DataFrame:
    """Annual series for the Brent regressions: year, brent, exports_to_china, china_export_share,
    fuel_exports_to_china (2015–2024 only), flag."""
    trade = _data.load_trade("spliced", russia_2010="interpolate")  # 2010 customs-union undercount corrected
    shares = measures.partner_shares(trade, reporter="KAZ", flow="export")
    ch = shares[shares["group"] == "china"].set_index("year")
    brent = _data.load_oil("brent", "annual").set_index("year")
    col = "price" if "price" in brent else brent.columns[-1]
    comp = composition()
    fuels = comp[(comp["flow"] == "export") & (comp["sector"] == "fuels")].set_index("year")
    years = pd.Index(range(start, end + 1), name="year")
    out = pd.DataFrame(index=years)
    out["brent"] = brent[col].reindex(years)
    out["exports_to_china"] = ch["value_usd"].reindex(years)
    out["china_export_share"] = ch["share"].reindex(years)
    out["fuel_exports_to_china"] = fuels["value_usd"].reindex(years)
    out["flag"] = fuels["flag"].reindex(years).fillna("")
    return out.reset_index()


def brent_exposure(outcome: str = "exports_to_china", *, frame: pd.DataFrame | None = None,
                   trend: bool = True, include_flagged: bool = False, maxlags: int | None = None,
                   start: int = 1995, end: int | None = None) -> EstimationResults:
    """Elasticity of an outcome with respect to the Brent price: OLS with Newey–West (HAC) errors.

    ``y_t = a + b·log(Brent_t) [+ c·(t − t0)] + e_t`` where y is log exports to China, log fuel exports
    to China, or the logit of China's export share (then b is a semi-elasticity of the odds).
    Years: ``start``–``end`` (default 1995–2023; fuel exports exist 2015–2024 only, default end 2024).
    HAC lag length: ``maxlags`` or the Newey–West rule floor(4·(T/100)^(2/9)); inference uses t with the
    residual degrees of freedom (small sample). Years flagged in the product data (2020–2022) are left out
    when the outcome uses product data, unless ``include_flagged``; missing years are reported in ``dropped``.
    """
    import statsmodels.api as sm

    if outcome not in OUTCOMES:
        raise SchemaError(f"outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
    if end is None:  # partner data to 2023 (as in the issue); sector data run to 2024
        end = 2024 if outcome == "fuel_exports_to_china" else 2023
    f = exposure_frame(start=start, end=end) if frame is None else frame
    require_columns(f, ["year", "brent", outcome], "exposure data")
    n_in = len(f)
    missing = f[["brent", outcome]].isna().any(axis=1)
    flagged = pd.Series(False, index=f.index)
    if outcome == "fuel_exports_to_china" and not include_flagged and "flag" in f:
        flagged = (f["flag"].fillna("") != "") & ~missing
    d = f[~missing & ~flagged]
    if len(d) < 6:
        raise CoverageError(f"{outcome}: only {len(d)} usable years; at least 6 are needed for a regression "
                            "with HAC errors")
    y = d[outcome].astype(float)
    if (outcome != "china_export_share" and (y <= 0).any()) or (outcome == "china_export_share" and
                                                                   ((y <= 0) | (y >= 1)).any()):
        raise SchemaError(f"{outcome}: values must be positive (shares inside (0, 1)) for the log/logit")
    y = np.log(y / (1 - y)) if outcome == "china_export_share" else np.log(y)
    X = pd.DataFrame({"const": 1.0, "log_brent": np.log(d["brent"].astype(float))}, index=d.index)
    if trend:
        X["trend"] = d["year"] - d["year"].min()
    T = len(d)
    lags = int(np.floor(4 * (T / 100) ** (2 / 9))) if maxlags is None else int(maxlags)
    fit = sm.OLS(y.to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
    lb = sm.stats.acorr_ljungbox(fit.resid, lags=[min(4, T // 3)], return_df=True)["lb_pvalue"].iloc[0]
    dropped = dropped_table(("no data for the outcome or Brent in that year", int(missing.sum())),
                            ("year flagged in the product data (copper suppressed 2020–2022)", int(flagged.sum())))
    assert n_in == len(d) + int(dropped["rows"].sum())  # nothing lost: used + reported as dropped
    return EstimationResults(
        model=f"brent_{outcome}", params=fit.params, std_errors=fit.bse, nobs=int(fit.nobs),
        df_resid=float(fit.df_resid), dropped=dropped,
        stats={"r2": float(fit.rsquared), "hac_maxlags": lags, "ljung_box_p": float(lb),
               "first_year": int(d["year"].min()), "last_year": int(d["year"].max()), "scale": float(fit.scale)},
        vcov=pd.DataFrame(fit.cov_params(), index=fit.params.index, columns=fit.params.index),
        info={"dependent": OUTCOMES[outcome], "covariance": f"Newey–West HAC, {lags} lags", "trend": trend,
              "outcome": outcome, "years": ",".join(str(int(v)) for v in d["year"])},
        backend=fit)


def brent_scenarios(result: EstimationResults, prices: Sequence[float] = (50, 80, 110), *,
                    level: float = 0.90, year: int | None = None) -> pd.DataFrame:
    """Predicted outcome at given Brent prices (USD/bbl) in ``year`` (default: the year after the sample).

    Returns brent, year, outcome, estimate, lower, upper — on the natural scale (USD or share): the
    log/logit prediction interval for a new year (parameter and residual uncertainty, HAC covariance)
    transformed back, so the estimate is the median and share intervals stay inside (0, 1). Computed from the
    result's numbers alone (``params``, ``vcov``, the residual variance ``stats["scale"]``, t with ``df_resid``),
    as statsmodels' ``get_prediction`` does, so it works on a result that crossed a process boundary.
    """
    from scipy import stats as st

    if result.vcov is None or "scale" not in result.stats:
        raise EstimationError("result carries no covariance and residual variance to predict from")
    prices = check_positive_values(prices, "Brent prices (USD/bbl)", upper=1000.0)
    first, last = result.stats["first_year"], result.stats["last_year"]
    year = last + 1 if year is None else int(year)
    X = pd.DataFrame({"const": 1.0, "log_brent": np.log(np.asarray(prices, dtype=float))})
    if "trend" in result.params.index:
        X["trend"] = year - first
    X = X[list(result.params.index)].to_numpy(dtype=float)
    mean = X @ result.params.to_numpy()
    V = result.vcov.loc[result.params.index, result.params.index].to_numpy()
    se_obs = np.sqrt(np.einsum("ij,jk,ik->i", X, V, X) + result.stats["scale"])
    q = st.t.ppf(0.5 + level / 2, result.df_resid)
    outcome = result.info["outcome"]
    back = (lambda z: 1 / (1 + np.exp(-z))) if outcome == "china_export_share" else np.exp
    if year > last + 5:
        warnings.warn(f"scenario year {year} is {year - last} years past the sample: the trend is extrapolated",
                      DataQualityWarning, stacklevel=2)
    return pd.DataFrame({"brent": list(prices), "year": year, "outcome": outcome,
                         "estimate": back(mean), "lower": back(mean - q * se_obs), "upper": back(mean + q * se_obs),
                         "level": level})
