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

    Parameters
    ----------
    products : DataFrame, optional
        year, flow, sector, value_usd (USD, non-negative), optionally flag; one row per year, flow and sector
        (default the bundled Kazakhstan–China sector data).

    Returns
    -------
    DataFrame
        year, flow, sector, value_usd, share (of the year's flow, 0–1), flag ("" where none), sorted by flow, year
        and the order of :data:`SECTORS`.

    Raises
    ------
    SchemaError
        A column is missing, a value is missing or negative, or a year-flow-sector appears twice.
    CoverageError
        A year's flow has no trade at all (its shares are undefined).

    Examples
    --------
    >>> from kzecon.study.products import composition
    >>> c = composition()
    >>> c[["year", "flow", "sector", "share"]].head(3).round(3)
       year    flow     sector  share
    0  2015  export      fuels  0.392
    1  2015  export     metals  0.342
    2  2015  export  chemicals  0.221

    Any frame of the same columns:

    >>> import pandas as pd
    >>> own = pd.DataFrame({"year": 2020, "flow": "export", "sector": ["fuels", "metals"], "value_usd": [3.0, 1.0]})
    >>> composition(own)["share"].tolist()
    [0.75, 0.25]
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
    """Share of the listed sectors (default fuels + metals) in each year's flow: year, share, value_usd, flag.

    Parameters
    ----------
    comp : DataFrame, optional
        A sector composition (:func:`composition`; default that of the bundled data).
    flow : {"export", "import"}, default "export"
        The flow.
    sectors : sequence of str, default ("fuels", "metals")
        Sectors of the composition whose shares are summed.

    Returns
    -------
    DataFrame
        year, share (0–1), value_usd (the sectors' sum), flag (the year's flag of the source, "" where none).

    Raises
    ------
    CoverageError
        The composition has no rows of ``flow``, or lacks one of ``sectors``.

    Examples
    --------
    >>> from kzecon.study.products import fuels_metals_share
    >>> fuels_metals_share()[["year", "share"]].head(3).round(3)
       year  share
    0  2015  0.733
    1  2016  0.747
    2  2017  0.772
    >>> fuels_metals_share(flow="import", sectors=("machinery",))["share"].head(2).round(3).tolist()
    [0.455, 0.434]
    """
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
    fuel_exports_to_china (2015–2024 only), flag.

    Parameters
    ----------
    start : int, default 1995
        First year.
    end : int, default 2023
        Last year (inclusive).

    Returns
    -------
    DataFrame
        One row per year: brent (USD a barrel, annual mean), exports_to_china (USD) and china_export_share (0–1)
        from Kazakhstan's spliced national series (2010 Russia undercount interpolated), fuel_exports_to_china (USD,
        the sector data; NaN outside 2015–2024), flag (the sector data's flag, "" where none). A year a source does
        not cover is NaN.

    Examples
    --------
    >>> from kzecon.study.products import exposure_frame
    >>> exposure_frame(start=2015, end=2017)[["year", "brent", "china_export_share"]].round(3)
       year  brent  china_export_share
    0  2015  52.32               0.119
    1  2016  43.64               0.115
    2  2017  54.13               0.120
    """
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

    Parameters
    ----------
    outcome : {"exports_to_china", "fuel_exports_to_china", "china_export_share"}, default "exports_to_china"
        The dependent variable (:data:`OUTCOMES`): log exports to China, log fuel (HS 27) exports to China, or the
        logit of China's share of Kazakhstan's exports.
    frame : DataFrame, optional
        year, brent and the outcome's column (flag, optionally) instead of :func:`exposure_frame`.
    trend : bool, default True
        Include a linear trend (years since the first year used).
    include_flagged : bool, default False
        Keep the years flagged in the product data (fuel exports only).
    maxlags : int, optional
        HAC lag length (default the Newey–West rule above).
    start : int, default 1995
        First year (with the default frame).
    end : int, optional
        Last year (with the default frame; default 2023, 2024 for fuel exports).

    Returns
    -------
    kzecon.results.EstimationResults
        Terms const, log_brent, trend; ``stats``: r2, hac_maxlags, ljung_box_p, first_year, last_year, scale;
        ``dropped``: the years left out and why.

    Raises
    ------
    SchemaError
        ``outcome`` is unknown; ``frame`` lacks year, brent or the outcome; an outcome value is not positive (a share
        not inside (0, 1)).
    CoverageError
        Fewer than 6 usable years.

    See Also
    --------
    brent_scenarios : Predictions at given prices.

    Examples
    --------
    >>> from kzecon.study.products import brent_exposure
    >>> r = brent_exposure()
    >>> r.params.round(3).to_dict(), r.nobs, r.info["covariance"]
    ({'const': 15.803, 'log_brent': 1.372, 'trend': 0.058}, 29, 'Newey–West HAC, 3 lags')
    >>> brent_exposure("fuel_exports_to_china").dropped
                                                  reason  rows
    0      no data for the outcome or Brent in that year    20
    1  year flagged in the product data (copper suppr...     3
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

    Parameters
    ----------
    result : kzecon.results.EstimationResults
        A fit of :func:`brent_exposure`.
    prices : sequence of float, default (50, 80, 110)
        Brent prices, USD a barrel (positive, at most 1000, each once).
    level : float, default 0.90
        Coverage of the prediction interval, in (0, 1).
    year : int, optional
        The year predicted (sets the trend; default the year after the sample's last).

    Returns
    -------
    DataFrame
        brent, year, outcome, estimate (the median), lower, upper, level: one row per price.

    Raises
    ------
    EstimationError
        ``result`` carries no covariance or residual variance.
    UsageError
        A price is not a positive number of at most 1000, or is given twice.

    Warns
    -----
    DataQualityWarning
        ``year`` is more than five years past the sample (the trend is extrapolated).

    Examples
    --------
    >>> from kzecon.study.products import brent_exposure, brent_scenarios
    >>> s = brent_scenarios(brent_exposure(), (50, 80))
    >>> (s[["estimate", "lower", "upper"]] / 1e9).round(2).assign(brent=s["brent"], year=s["year"])
       estimate  lower  upper  brent  year
    0      8.32   5.15  13.44   50.0  2024
    1     15.84  10.00  25.11   80.0  2024
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
