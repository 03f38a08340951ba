"""Rolling-origin backtests: are the forecast intervals and risk probabilities right?

For each origin year (default from 2005) every model is fitted on the data up to that year only — never on
the years it is scored on — and forecasts 1…H years ahead. Scores per model and horizon:

* point accuracy of the mean share: MAE and RMSE (share points), over every part;
* interval coverage: share of realised values inside the equal-tailed 80% and 90% intervals, with a Wilson
  95% interval for the coverage itself (n is small; forecasts at neighbouring origins overlap, so the
  effective n is smaller still and the Wilson interval is optimistic);
* CRPS of each part's predictive distribution on the simulated paths (``scores.crps_ensemble``);
* Brier score of each risk event's probability, and reliability (binned predicted vs observed frequency);
* skill relative to the naive random walk: 1 − score / score_rw.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError, DataQualityWarning, EstimationError, SchemaError, UsageError
from kzecon.results import results_class

from .core import MODELS, WORLD_CHOICE, event_hits, events_for, simulate
from .registry import WORLD_MODELS as WORLD_MODELS_ALL


def wilson(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion k/n (statsmodels' ``proportion_confint``).

    Parameters
    ----------
    k : float
        Successes (e.g. realised values inside their interval).
    n : float
        Trials; 0 gives (NaN, NaN).
    level : float, default 0.95
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    tuple of float
        (lower, upper).

    Examples
    --------
    >>> from kzecon.forecast.backtest import wilson
    >>> tuple(round(x, 3) for x in wilson(8, 10))
    (0.49, 0.943)
    """
    from statsmodels.stats.proportion import proportion_confint

    if n == 0:
        return float("nan"), float("nan")
    lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
    return float(lo), float(hi)


def coverage_table(records: pd.DataFrame, levels: Sequence[float] = (0.8, 0.9)) -> pd.DataFrame:
    """From per-forecast records (model, horizon, partner, actual, lower_<L>, upper_<L>) →
    model, horizon, nominal, empirical, n, lower, upper (Wilson 95%).

    Parameters
    ----------
    records : pandas.DataFrame
        One row per forecast: ``model, horizon, actual`` and ``lower_<L>, upper_<L>`` for each level (L = 100 ×
        level), as :attr:`Backtest.records`.
    levels : sequence of float, default (0.8, 0.9)
        Nominal levels whose intervals are scored; each needs its two columns.

    Returns
    -------
    pandas.DataFrame
        ``model, horizon, nominal, empirical, n, lower, upper``: the share of realised values inside the interval
        (bounds included) and its Wilson 95% interval (:func:`wilson`; forecasts treated as independent, which
        overlapping origins are not: optimistic).

    Examples
    --------
    >>> from kzecon.forecast import backtest
    >>> from kzecon.study.findings import composition
    >>> bt = backtest.run(composition("KAZ"), models=["rw"], start=2019, horizon=2, n_paths=200)
    >>> backtest.coverage_table(bt.records).round(3).head(2)
      model  horizon  nominal  empirical   n  lower  upper
    0    rw        1      0.8      0.583  24  0.388  0.755
    1    rw        1      0.9      0.750  24  0.551  0.880
    """
    rows = []
    for (m, h), g in records.groupby(["model", "horizon"], sort=False):
        for lv in levels:
            tag = round(100 * lv)
            inside = ((g["actual"] >= g[f"lower_{tag}"]) & (g["actual"] <= g[f"upper_{tag}"]))
            lo, hi = wilson(inside.sum(), len(g))
            rows.append({"model": m, "horizon": int(h), "nominal": lv, "empirical": float(inside.mean()),
                         "n": int(len(g)), "lower": lo, "upper": hi})
    return pd.DataFrame(rows)


DEFAULT_MODELS = (*MODELS, "ensemble")  # the ensemble: equal weights of the four (core.ENSEMBLE), not tuned


@results_class
@dataclass(frozen=True)
class Backtest:
    """A rolling-origin backtest of one composition (:func:`run`): ``records`` (one row per model × origin ×
    horizon × part, with the interval bounds and CRPS), ``event_records`` (one row per model × event × origin ×
    horizon: probability, outcome), ``coverage`` (model, horizon, nominal, empirical, n, Wilson 95% bounds),
    ``accuracy`` (model, horizon, mae, rmse, crps, n, skill_* against the random walk), ``brier`` (model, event,
    horizon, brier, base_rate, n) and ``reliability`` (model, bin, predicted, observed, n; with the consistency band
    in :attr:`reliability_band`).

    Attributes
    ----------
    records : pandas.DataFrame
        ``model, origin, horizon, year, partner, actual, mean, lower_80, upper_80, lower_90, upper_90, crps``: one
        row per model × origin × horizon × part.
    event_records : pandas.DataFrame
        ``model, event, origin, horizon, probability, outcome`` (outcome 0/1): one row per model × event × origin ×
        horizon.
    coverage : pandas.DataFrame
        ``model, horizon, nominal, empirical, n, lower, upper`` (:func:`coverage_table`).
    accuracy : pandas.DataFrame
        ``model, horizon, mae, rmse, crps, n`` (errors of the mean share, in share points) and, when ``rw`` was
        scored, ``skill_mae, skill_rmse, skill_crps`` = 1 − score / score of ``rw``.
    brier : pandas.DataFrame
        ``model, event, horizon, brier, base_rate, n``.
    reliability : pandas.DataFrame
        ``model, bin, predicted, observed, n``: the events' probabilities in five equal bins, their mean and the
        observed frequency.

    See Also
    --------
    run : Which makes it.

    Examples
    --------
    >>> from kzecon.forecast import backtest
    >>> from kzecon.study.findings import composition
    >>> bt = backtest.run(composition("KAZ"), models=["rw", "drift"], start=2019, horizon=2, n_paths=200)
    >>> print(bt.summary())
    Rolling-origin backtest: origins 2019–2024, horizons 1–2; mean CRPS (lower is better) and mean 90% coverage by model
      rw                 CRPS 0.0175  coverage_90 0.80
      drift              CRPS 0.0197  coverage_90 0.80
    >>> bt.nobs
    88
    """

    records: pd.DataFrame
    event_records: pd.DataFrame
    coverage: pd.DataFrame
    accuracy: pd.DataFrame
    brier: pd.DataFrame
    reliability: pd.DataFrame

    @property
    def nobs(self) -> int:
        """Scored forecasts (model × origin × horizon × part records)."""
        return len(self.records)

    @property
    def reliability_band(self) -> pd.DataFrame:
        """The reliability table with ``band_low``, ``band_high``: the 95% range of a calibrated forecaster's
        observed frequency in each bin (:func:`.scores.consistency_band`), which
        :func:`kzecon.report.figures.reliability` draws."""
        from .scores import consistency_band

        rel = self.reliability.copy()
        rel["band_low"], rel["band_high"] = consistency_band(rel["predicted"], rel["n"])
        return rel

    def mean_crps(self) -> pd.Series:
        """Mean CRPS by model over every horizon and part, lowest first."""
        return self.accuracy.groupby("model")["crps"].mean().sort_values()

    def to_frame(self) -> pd.DataFrame:
        """The accuracy table (model × horizon): a copy of :attr:`accuracy`."""
        return self.accuracy.copy()

    def summary(self) -> str:
        """Origins, horizons, and each model's mean CRPS and 90% coverage, best first."""
        o = self.records["origin"]
        c90 = self.coverage[np.isclose(self.coverage["nominal"], 0.9)].groupby("model")["empirical"].mean()
        lines = [f"Rolling-origin backtest: origins {int(o.min())}–{int(o.max())}, horizons 1–"
                 f"{int(self.records['horizon'].max())}; mean CRPS (lower is better) and mean 90% coverage by model"]
        lines += [f"  {m:<18} CRPS {v:.4f}  coverage_90 {c90.get(m, np.nan):.2f}" for m, v in self.mean_crps().items()]
        return "\n".join(lines)


def run(comp: pd.DataFrame, *, models: Sequence[str] = DEFAULT_MODELS, start: int = 2005, horizon: int = 5,
        n_paths: int = 2000, seed: int = 0, events: pd.DataFrame | None = None, reference: str = "rest",
        progress: Callable[[int, int], None] | None = None) -> Backtest:
    """Rolling-origin backtest of ``models`` on ``comp``: a :class:`Backtest`. ``progress(done, total)`` is told
    after each model × origin.

    At each origin year o from ``start`` to the year before the last, each model is fitted on the years up to o
    (:func:`kzecon.forecast.simulate` with seed ``seed + o``) and scored on the years o + 1 … o + h that the data
    have (h ≤ ``horizon``).

    Parameters
    ----------
    comp : pandas.DataFrame
        The composition, long or wide, at least 8 consecutive years (:func:`kzecon.timeseries.composition_frame`).
    models : sequence of str, default ("var", "drift", "rw", "mean5", "ensemble")
        Model names of :func:`kzecon.forecast.simulate`, each once (world models too: they learn from the world
        panel up to each origin).
    start : int, default 2005
        The first origin year.
    horizon : int, default 5
        Years ahead, 1–30.
    n_paths : int, default 2000
        Simulated paths per forecast, at least 100.
    seed : int, default 0
        Base seed; origin o draws with ``seed + o``.
    events : pandas.DataFrame or None, default None
        Risk events to score (:func:`kzecon.forecast.validate_events`); None for the defaults that apply.
    reference : str, default "rest"
        The log-ratios' denominator part (:func:`kzecon.forecast.simulate`).
    progress : callable or None, default None
        Called as ``progress(done, total)`` after each model × origin.

    Returns
    -------
    Backtest
        The records and the coverage, accuracy, Brier and reliability tables.

    Raises
    ------
    UsageError
        If ``start``, ``horizon``, ``n_paths`` or ``seed`` is not a whole number in range; ``models`` is a string,
        empty, names an unknown model or one twice; ``progress`` is not callable.
    SchemaError
        If ``comp`` or ``events`` is malformed.
    CoverageError
        If ``comp`` has fewer than 8 years, no origin falls between ``start`` and the last year but one, or no model
        could be fitted at any origin.

    Warns
    -----
    DataQualityWarning
        Naming the model-origins that could not be fitted (a CoverageError or EstimationError there): they are not
        scored.

    See Also
    --------
    kzecon.forecast.world.world_backtest : The same across every economy, with held-out economies.

    Examples
    --------
    >>> from kzecon.forecast import backtest
    >>> from kzecon.study.findings import composition
    >>> bt = backtest.run(composition("KAZ"), models=["rw", "drift"], start=2019, horizon=2, n_paths=200)
    >>> bt.accuracy[["model", "horizon", "mae", "crps", "n", "skill_crps"]].round(3)
       model  horizon    mae   crps   n  skill_crps
    0     rw        1  0.021  0.016  24       0.000
    1     rw        2  0.026  0.019  20       0.000
    2  drift        1  0.023  0.017  24      -0.058
    3  drift        2  0.032  0.023  20      -0.184
    """
    from kzecon.data.validate import whole_number
    from kzecon.timeseries import composition_frame

    from .scores import crps_ensemble

    start = whole_number(start, "start (the first origin year)", 1800, 2200)
    horizon = whole_number(horizon, "horizon (years ahead)", 1, 30)
    n_paths = whole_number(n_paths, "n_paths", 100)
    seed = whole_number(seed, "seed", 0, 2**32 - 1)
    known = (*WORLD_MODELS_ALL, *MODELS, "ensemble")
    if isinstance(models, str) or not hasattr(models, "__iter__"):
        raise UsageError(f"models must be a list of model names ({', '.join(known)}), got {models!r}")
    models = list(models)
    unknown = [m for m in models if m not in known]
    if unknown or not models:
        raise UsageError(f"models: {'unknown model(s) ' + ', '.join(map(repr, unknown)) if unknown else 'none given'};"
                         f" choose among {', '.join(known)}")
    twice = sorted({m for m in models if models.count(m) > 1})
    if twice:
        raise UsageError(f"models names {', '.join(twice)} twice: each model is scored once")
    if progress is not None and not callable(progress):
        raise UsageError(f"progress must be a function progress(done, total), got {progress!r}")
    wide = composition_frame(comp, min_years=8)
    years = [int(y) for y in wide.index]
    origins = [y for y in years if y >= start and y < years[-1]]
    if not origins:
        raise CoverageError(f"no backtest origins: the data end in {years[-1]} and origins start in {start}")
    ev = events_for(events, list(wide.columns))
    recs, ev_recs = [], []
    skipped: list[str] = []
    total = len(origins) * len(models)
    done = 0
    for o in origins:
        hist = wide.loc[:o]
        h = min(horizon, years[-1] - o)
        for m in models:
            try:
                fc = simulate(hist, model=m, horizon=horizon, n_paths=n_paths, seed=seed + o, reference=reference)
            except (CoverageError, EstimationError) as err:  # this model cannot be fitted at this origin
                skipped.append(f"{m} at {o}: {str(err)[:120]}")
                done += 1
                continue
            paths = fc.paths[:, :h, :]
            actual = wide.loc[o + 1:o + h].to_numpy()
            for i in range(h):
                for j, part in enumerate(fc.parts):
                    x = paths[:, i, j]
                    recs.append({"model": m, "origin": o, "horizon": i + 1, "year": o + i + 1, "partner": part,
                                 "actual": actual[i, j], "mean": x.mean(),
                                 "lower_80": np.quantile(x, 0.1), "upper_80": np.quantile(x, 0.9),
                                 "lower_90": np.quantile(x, 0.05), "upper_90": np.quantile(x, 0.95),
                                 "crps": float(crps_ensemble(actual[i, j], x))})
            for _, e in ev.iterrows():
                p = event_hits(paths, list(fc.parts), e).mean(axis=0)
                obs = event_hits(actual[None], list(fc.parts), e)[0]
                for i in range(h):
                    ev_recs.append({"model": m, "event": e["event"], "origin": o, "horizon": i + 1,
                                    "probability": float(p[i]), "outcome": int(obs[i])})
            done += 1
            if progress:
                progress(done, total)
    if skipped:
        warnings.warn(f"backtest: {len(skipped)} model-origin(s) could not be fitted and are not scored: "
                      f"{'; '.join(skipped[:3])}{' …' if len(skipped) > 3 else ''}", DataQualityWarning, stacklevel=2)
    if not recs:
        raise CoverageError("backtest: no model could be fitted at any origin")
    records = pd.DataFrame(recs)
    evr = pd.DataFrame(ev_recs)
    acc = records.assign(err=records["mean"] - records["actual"]).groupby(["model", "horizon"], sort=False).agg(
        mae=("err", lambda e: float(np.abs(e).mean())), rmse=("err", lambda e: float(np.sqrt((e ** 2).mean()))),
        crps=("crps", "mean"), n=("err", "size")).reset_index()
    if "rw" in models:
        base = acc[acc["model"] == "rw"].set_index("horizon")
        for k in ("mae", "rmse", "crps"):
            acc[f"skill_{k}"] = 1 - acc[k] / acc["horizon"].map(base[k])
    brier = evr.assign(sq=(evr["probability"] - evr["outcome"]) ** 2).groupby(
        ["model", "event", "horizon"], sort=False).agg(brier=("sq", "mean"), base_rate=("outcome", "mean"),
                                                       n=("sq", "size")).reset_index()
    bins = np.linspace(0, 1, 6)
    rel = evr.assign(bin=pd.cut(evr["probability"], bins, include_lowest=True)).groupby(
        ["model", "bin"], observed=True, sort=False).agg(predicted=("probability", "mean"),
                                                         observed=("outcome", "mean"),
                                                         n=("outcome", "size")).reset_index()
    rel["bin"] = rel["bin"].astype(str)
    return Backtest(records=records, event_records=evr, coverage=coverage_table(records), accuracy=acc,
                    brier=brier, reliability=rel)


def world_applies(comp: pd.DataFrame) -> bool:
    """Whether the world models can forecast ``comp``: parts that are kzecon's known parts (any spelling) and at
    least LAGS + 1 years ending in 1981 or later (world history before it).

    Parameters
    ----------
    comp : pandas.DataFrame
        The composition, long or wide, at least 8 consecutive years.

    Returns
    -------
    bool

    Raises
    ------
    SchemaError, CoverageError
        If ``comp`` itself is malformed or too short (:func:`kzecon.timeseries.composition_frame`); unknown parts
        give False, not an error.

    Examples
    --------
    >>> from kzecon.forecast.backtest import world_applies
    >>> from kzecon.study.findings import composition
    >>> world_applies(composition("KAZ"))
    True
    """
    from kzecon.timeseries import composition_frame

    from .world import LAGS, world_parts_of

    wide = composition_frame(comp, min_years=8)
    try:
        world_parts_of(wide.columns)
    except (CoverageError, SchemaError):
        return False
    return len(wide) >= LAGS + 1 and int(wide.index[-1]) >= 1981


def choose_model(comp: pd.DataFrame, *, horizon: int = 5, start: int | None = None, n_paths: int = 1000,
                 seed: int = 0, events: pd.DataFrame | None = None) -> tuple[str, pd.DataFrame | None]:
    """The model for ``comp``: :data:`WORLD_CHOICE` where the world model applies (parts that are kzecon's known
    parts, with world history before the composition's last year); otherwise the per-series model with the lowest
    mean CRPS in a rolling-origin backtest of ``comp`` itself (origins from ``start``, default the 12th year,
    scored with ``events`` or the default events that apply), or ``("rw", None)`` when the series is too short
    for any origin.

    Parameters
    ----------
    comp : pandas.DataFrame
        The composition, long or wide, at least 8 consecutive years.
    horizon : int, default 5
        Years ahead scored by the backtest.
    start : int or None, default None
        The backtest's first origin; None for the composition's 12th year.
    n_paths : int, default 1000
        Simulated paths per backtest forecast.
    seed : int, default 0
        Base seed of the backtest (:func:`run`).
    events : pandas.DataFrame or None, default None
        Risk events the backtest scores (they do not enter the choice, which is by CRPS); None for the defaults that
        apply.

    Returns
    -------
    tuple
        (model name, accuracy table of the backtest or None): ``(WORLD_CHOICE, None)`` where the world model
        applies, ``("rw", None)`` for a series too short to backtest.

    Raises
    ------
    SchemaError, CoverageError, UsageError
        As :func:`run` (a malformed or short composition, bad options, no model fitted at any origin).

    See Also
    --------
    kzecon.forecast.forecast_with : ``model="auto"``, which uses it.

    Examples
    --------
    >>> from kzecon.forecast import choose_model
    >>> from kzecon.study.findings import composition
    >>> choose_model(composition("KAZ"))
    ('pooled', None)

    Parts the world model does not know: the per-series model with the lowest backtest CRPS.

    >>> wide = composition("KAZ").pivot(index="year", columns="partner", values="share")
    >>> wide = wide.rename(columns={"china": "east", "eu": "west", "rest": "other", "russia": "north"})
    >>> model, acc = choose_model(wide, start=2021, n_paths=200)
    >>> model, sorted(acc["model"].unique())
    ('rw', ['drift', 'mean5', 'rw', 'var'])
    """
    from kzecon.timeseries import composition_frame

    wide = composition_frame(comp, min_years=8)
    if world_applies(wide):
        return WORLD_CHOICE, None
    first = int(wide.index[0])
    start = first + 11 if start is None else start
    if int(wide.index[-1]) - start < 2:
        return "rw", None
    acc = run(wide, models=MODELS, start=start, horizon=horizon, n_paths=n_paths, seed=seed,
              events=events).accuracy
    best = acc.groupby("model")["crps"].mean().idxmin()
    return str(best), acc
