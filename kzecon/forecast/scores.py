"""Scores of probabilistic composition forecasts over many economies: coverage with uncertainty clustered by economy,
interval width, MAE against persistence, CRPS, Brier scores and reliability with the expected calibration error.

Coverage of many economies' forecasts is not a set of independent trials: the parts of one composition, its
horizons and neighbouring origins move together. The standard error of a coverage rate is therefore the
cluster-robust one with the economy as cluster (the variance of the economy totals of (inside − p), Liang & Zeger),
and the interval is p ± 1.96 se — not a Wilson interval over correlated cases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def crps_ensemble(obs, fct) -> np.ndarray:
    """CRPS of ensemble forecasts ``fct`` (members on the last axis) at observations ``obs`` — the same estimator
    as ``scoringrules.crps_ensemble`` (its default, the quantile decomposition of the empirical CDF:
    (2/M²) Σᵢ (x₍ᵢ₎ − y)(M·1{y < x₍ᵢ₎} − i + ½) over the sorted members), equal to it to rounding
    (tests/test_scores.py). Written here because importing scoringrules compiles its numba kernels, 3.3 s in every
    process that scores a forecast (each backtest, each ``kzecon forecast`` that chooses a model)."""
    x = np.sort(np.asarray(fct, dtype=float), axis=-1)
    y = np.asarray(obs, dtype=float)[..., None]
    M = x.shape[-1]
    w = M * (y < x) - np.arange(1, M + 1) + 0.5
    out = (2.0 / M ** 2) * np.sum((x - y) * w, axis=-1)
    return np.where(np.isnan(y[..., 0]), np.nan, out)


def consistency_band(forecast, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The range of observed frequencies a calibrated forecaster would show (Bröcker & Smith 2007's consistency
    bars): for a bin of ``n`` events forecast at probability ``forecast``, the central ``level`` interval of
    Binomial(n, forecast) / n (scipy's binomial quantiles). A reliability point outside it is evidence of
    miscalibration at that level (events treated as independent: optimistic where they are not)."""
    from scipy.stats import binom

    p = np.clip(np.asarray(forecast, dtype=float), 0.0, 1.0)
    n = np.asarray(n, dtype=float)
    a = (1 - level) / 2
    return binom.ppf(a, n, p) / n, binom.ppf(1 - a, n, p) / n


def clustered_rate(x: np.ndarray, cluster: np.ndarray) -> tuple[float, float]:
    """Mean of 0/1 ``x`` and its standard error clustered by ``cluster``."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n == 0:
        return float("nan"), float("nan")
    p = float(x.mean())
    g, _ = pd.factorize(np.asarray(cluster))
    s = np.bincount(g, weights=x - p)
    G = len(s)
    se = float(np.sqrt(G / max(G - 1, 1) * np.sum(s ** 2)) / n)
    return p, se


def coverage_clustered(records: pd.DataFrame, levels=(0.8, 0.9)) -> pd.DataFrame:
    """model, horizon, nominal, empirical, n, economies, se (clustered by economy), lower, upper."""
    rows = []
    for (m, h), g in records.groupby(["model", "horizon"], sort=True):
        for lv in levels:
            tag = round(100 * lv)
            inside = ((g["actual"] >= g[f"lower_{tag}"]) & (g["actual"] <= g[f"upper_{tag}"])).to_numpy()
            p, se = clustered_rate(inside, g["economy"].to_numpy())
            rows.append({"model": m, "horizon": int(h), "nominal": lv, "empirical": p, "n": int(len(g)),
                         "economies": int(g["economy"].nunique()), "se": se, "lower": p - 1.96 * se,
                         "upper": p + 1.96 * se})
    return pd.DataFrame(rows)


def accuracy_table(records: pd.DataFrame) -> pd.DataFrame:
    """model, horizon, mae (of the point forecast: ``point`` where the records have it, else the median),
    mae_persistence, mae_ratio, crps, width_90 (mean width of the 90% interval), n."""
    point = records["point"] if "point" in records else records["median"]
    d = records.assign(err=(point - records["actual"]).abs(),
                       err_p=(records["persistence"] - records["actual"]).abs(),
                       width=records["upper_90"] - records["lower_90"])
    out = d.groupby(["model", "horizon"], sort=True).agg(mae=("err", "mean"), mae_persistence=("err_p", "mean"),
                                                         crps=("crps", "mean"), width_90=("width", "mean"),
                                                         n=("err", "size")).reset_index()
    out["mae_ratio"] = out["mae"] / out["mae_persistence"]
    return out


def brier_table(events: pd.DataFrame) -> pd.DataFrame:
    """model, kind, horizon, brier, base_rate, n."""
    d = events.assign(sq=(events["probability"] - events["outcome"]) ** 2)
    return d.groupby(["model", "kind", "horizon"], sort=True).agg(brier=("sq", "mean"), base_rate=("outcome", "mean"),
                                                                  n=("sq", "size")).reset_index()


def reliability_table(events: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """model, bin_lower, bin_upper, forecast (mean probability), observed (frequency), n — equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(events["probability"].to_numpy(), edges[1:-1]), 0, bins - 1)
    d = events.assign(bin=idx)
    out = d.groupby(["model", "bin"], sort=True).agg(forecast=("probability", "mean"), observed=("outcome", "mean"),
                                                     n=("outcome", "size")).reset_index()
    out["bin_lower"], out["bin_upper"] = edges[out["bin"]], edges[out["bin"] + 1]
    return out[["model", "bin_lower", "bin_upper", "forecast", "observed", "n"]]


def ece(reliability: pd.DataFrame) -> pd.Series:
    """Expected calibration error per model: ``Σ n_b |forecast_b − observed_b| / Σ n_b``."""
    g = reliability.assign(w=reliability["n"] * (reliability["forecast"] - reliability["observed"]).abs())
    s = g.groupby("model")[["w", "n"]].sum()
    return s["w"] / s["n"]
