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
    process that scores a forecast (each backtest, each ``kzecon forecast`` that chooses a model).

    Parameters
    ----------
    obs : float or array_like
        Observations, shape (...,); NaN gives NaN.
    fct : array_like
        Ensemble members, shape (..., M): M members on the last axis.

    Returns
    -------
    numpy.ndarray
        CRPS of each observation, in the observation's units (share points for shares); lower is better.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.scores import crps_ensemble
    >>> crps_ensemble(np.array([0.3, 0.5]), np.array([[0.2, 0.3, 0.4], [0.2, 0.3, 0.4]])).round(4)
    array([0.0222, 0.1556])
    """
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
    miscalibration at that level (events treated as independent: optimistic where they are not).

    Parameters
    ----------
    forecast : array_like
        Each bin's mean forecast probability (clipped to [0, 1]).
    n : array_like
        Each bin's number of events.
    level : float, default 0.95
        Level of the central interval, in (0, 1).

    Returns
    -------
    tuple of numpy.ndarray
        (lower, upper) observed frequencies.

    Examples
    --------
    >>> from kzecon.forecast.scores import consistency_band
    >>> consistency_band([0.1, 0.5], [50, 50])
    (array([0.02, 0.36]), array([0.18, 0.64]))
    """
    from scipy.stats import binom

    p = np.clip(np.asarray(forecast, dtype=float), 0.0, 1.0)
    n = np.asarray(n, dtype=float)
    a = (1 - level) / 2
    return binom.ppf(a, n, p) / n, binom.ppf(1 - a, n, p) / n


def clustered_rate(x: np.ndarray, cluster: np.ndarray) -> tuple[float, float]:
    """Mean of 0/1 ``x`` and its standard error clustered by ``cluster``.

    The standard error is √(G/(G − 1) · Σ_g (Σ_{i∈g} (x_i − p))²) / n over the G clusters.

    Parameters
    ----------
    x : array_like
        (n,) 0/1 outcomes (any numbers: the mean and its clustered standard error).
    cluster : array_like
        (n,) cluster labels (the economy).

    Returns
    -------
    tuple of float
        (mean, standard error); (NaN, NaN) when ``x`` is empty.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.forecast.scores import clustered_rate
    >>> p, se = clustered_rate(np.array([1, 1, 0, 1, 0, 1]), np.array(["a", "a", "b", "b", "c", "c"]))
    >>> round(p, 3), round(se, 3)
    (0.667, 0.167)
    """
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
    """model, horizon, nominal, empirical, n, economies, se (clustered by economy), lower, upper.

    Parameters
    ----------
    records : pandas.DataFrame
        ``model, horizon, economy, actual`` and ``lower_<L>, upper_<L>`` for each level (as
        :attr:`kzecon.forecast.world.WorldBacktest.records`).
    levels : sequence of float, default (0.8, 0.9)
        Nominal levels scored.

    Returns
    -------
    pandas.DataFrame
        One row per model, horizon and level: the share inside (bounds included), its clustered standard error
        (:func:`clustered_rate`) and p ± 1.96 se.

    Examples
    --------
    >>> from kzecon.forecast.scores import coverage_clustered
    >>> import pandas as pd
    >>> rec = pd.DataFrame({"model": "m", "horizon": 1, "economy": ["a", "a", "b", "b"],
    ...                     "actual": [0.2, 0.3, 0.25, 0.5], "median": [0.2, 0.3, 0.25, 0.35],
    ...                     "persistence": [0.21, 0.28, 0.24, 0.33], "crps": [0.01, 0.01, 0.01, 0.05],
    ...                     "lower_80": [0.15, 0.25, 0.2, 0.3], "upper_80": [0.25, 0.35, 0.3, 0.4],
    ...                     "lower_90": [0.1, 0.2, 0.15, 0.25], "upper_90": [0.3, 0.4, 0.35, 0.45]})
    >>> coverage_clustered(rec).round(3)
      model  horizon  nominal  empirical  n  economies    se  lower  upper
    0     m        1      0.8       0.75  4          2  0.25   0.26   1.24
    1     m        1      0.9       0.75  4          2  0.25   0.26   1.24
    """
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
    mae_persistence, mae_ratio, crps, width_90 (mean width of the 90% interval), n.

    Parameters
    ----------
    records : pandas.DataFrame
        ``model, horizon, actual, persistence, crps, lower_90, upper_90`` and ``point`` or ``median``.

    Returns
    -------
    pandas.DataFrame
        ``model, horizon, mae, mae_persistence, crps, width_90, n, mae_ratio`` (mae / mae_persistence: below 1
        beats no change).

    Examples
    --------
    >>> from kzecon.forecast.scores import accuracy_table
    >>> import pandas as pd
    >>> rec = pd.DataFrame({"model": "m", "horizon": 1, "economy": ["a", "a", "b", "b"],
    ...                     "actual": [0.2, 0.3, 0.25, 0.5], "median": [0.2, 0.3, 0.25, 0.35],
    ...                     "persistence": [0.21, 0.28, 0.24, 0.33], "crps": [0.01, 0.01, 0.01, 0.05],
    ...                     "lower_80": [0.15, 0.25, 0.2, 0.3], "upper_80": [0.25, 0.35, 0.3, 0.4],
    ...                     "lower_90": [0.1, 0.2, 0.15, 0.25], "upper_90": [0.3, 0.4, 0.35, 0.45]})
    >>> accuracy_table(rec).round(3)
      model  horizon    mae  mae_persistence  crps  width_90  n  mae_ratio
    0     m        1  0.038            0.052  0.02       0.2  4      0.714
    """
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
    """model, kind, horizon, brier, base_rate, n.

    Parameters
    ----------
    events : pandas.DataFrame
        ``model, kind, horizon, probability, outcome`` (0/1).

    Returns
    -------
    pandas.DataFrame
        The mean squared difference of probability and outcome (``brier``) and the outcome's frequency
        (``base_rate``) by model, kind and horizon.

    Examples
    --------
    >>> from kzecon.forecast.scores import brier_table
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"model": "m", "kind": "pairwise", "horizon": 1,
    ...                    "probability": [0.1, 0.3, 0.65, 0.85, 0.9], "outcome": [0, 0, 0, 1, 1]})
    >>> brier_table(ev).round(3)
      model      kind  horizon  brier  base_rate  n
    0     m  pairwise        1  0.111        0.4  5
    """
    d = events.assign(sq=(events["probability"] - events["outcome"]) ** 2)
    return d.groupby(["model", "kind", "horizon"], sort=True).agg(brier=("sq", "mean"), base_rate=("outcome", "mean"),
                                                                  n=("sq", "size")).reset_index()


def reliability_table(events: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """model, bin_lower, bin_upper, forecast (mean probability), observed (frequency), n — equal-width bins.

    Parameters
    ----------
    events : pandas.DataFrame
        ``model, probability, outcome`` (0/1).
    bins : int, default 10
        Equal-width bins of [0, 1]; empty bins have no row.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from kzecon.forecast.scores import reliability_table
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"model": "m", "kind": "pairwise", "horizon": 1,
    ...                    "probability": [0.1, 0.3, 0.65, 0.85, 0.9], "outcome": [0, 0, 0, 1, 1]})
    >>> reliability_table(ev, bins=5).round(3)
      model  bin_lower  bin_upper  forecast  observed  n
    0     m        0.0        0.2     0.100       0.0  1
    1     m        0.2        0.4     0.300       0.0  1
    2     m        0.6        0.8     0.650       0.0  1
    3     m        0.8        1.0     0.875       1.0  2
    """
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(events["probability"].to_numpy(), edges[1:-1]), 0, bins - 1)
    d = events.assign(bin=idx)
    out = d.groupby(["model", "bin"], sort=True).agg(forecast=("probability", "mean"), observed=("outcome", "mean"),
                                                     n=("outcome", "size")).reset_index()
    out["bin_lower"], out["bin_upper"] = edges[out["bin"]], edges[out["bin"] + 1]
    return out[["model", "bin_lower", "bin_upper", "forecast", "observed", "n"]]


def ece(reliability: pd.DataFrame) -> pd.Series:
    """Expected calibration error per model: ``Σ n_b |forecast_b − observed_b| / Σ n_b``.

    Parameters
    ----------
    reliability : pandas.DataFrame
        ``model, forecast, observed, n`` (:func:`reliability_table`).

    Returns
    -------
    pandas.Series
        ECE by model (0: calibrated in every bin).

    Examples
    --------
    >>> from kzecon.forecast.scores import ece, reliability_table
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"model": "m", "kind": "pairwise", "horizon": 1,
    ...                    "probability": [0.1, 0.3, 0.65, 0.85, 0.9], "outcome": [0, 0, 0, 1, 1]})
    >>> ece(reliability_table(ev, bins=5)).round(3)
    model
    m    0.26
    dtype: float64
    """
    g = reliability.assign(w=reliability["n"] * (reliability["forecast"] - reliability["observed"]).abs())
    s = g.groupby("model")[["w", "n"]].sum()
    return s["w"] / s["n"]
