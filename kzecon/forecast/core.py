"""Probabilistic forecasts of a partner composition and the risk probabilities read off the paths.

A forecast is a set of simulated paths of the whole composition (n_paths × horizon × parts, each path
closed so it sums to one). Models, all on additive log-ratios (alr) of the composition:

* ``"var"`` — VAR on the log-ratios (lag by BIC, :func:`kzecon.timeseries.composition_var`);
* ``"drift"`` — multivariate random walk with drift (drift and covariance from the last ten log-ratio changes);
* ``"rw"`` — random walk without drift (the naive baseline: no change expected; covariance of the last ten
  changes);
* ``"mean5"`` — mean of the last 5 years' log-ratios, with the spread of a random walk widened by the horizon;
* ``"ensemble"`` — a mixture of member paths with given weights (e.g. from backtest scores).

The three baselines are the same code as the world backtest's (:func:`kzecon.forecast.world.simulate_rw`, window
:data:`kzecon.forecast.registry.BASELINE_WINDOW`): one name, one model (:mod:`kzecon.forecast.registry`).

Event kinds: ``exceeds_part`` (share of part_a > part_b), ``exceeds`` / ``below`` (share of part_a vs a threshold),
``balance_below`` (the multi-vector balance index over all parts, as :func:`kzecon.measures.balance_index` with
China, Russia, EU and the rest, below a threshold).

Simulation ignores parameter uncertainty (as statsmodels' VAR simulator does); the rolling-origin backtest
(:mod:`kzecon.forecast.backtest`) measures what that costs in interval coverage.
Risk events are data (``kzecon/data/reference/risk_events.csv``; pass your own table).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kzecon.data import read_reference
from kzecon.errors import CoverageError, DataQualityWarning, EstimationError, SchemaError, UsageError
from kzecon.results import check_level, results_class
from kzecon.timeseries import composition_frame, composition_var, transforms

from .registry import BASELINE_WINDOW, DRIVER_MODELS, POOLED_MODELS, WORLD_MODELS
from .registry import SERIES_MODELS as MODELS  # the per-series models (fitted on the composition alone)

ENSEMBLE = {m: 1.0 for m in MODELS}  # "ensemble" everywhere: equal weights of the per-series models
EVENT_KINDS = ("exceeds_part", "exceeds", "below", "balance_below")



def load_events() -> pd.DataFrame:
    """The default risk events (event, kind, part_a, part_b, threshold, description)."""
    return read_reference("risk_events.csv")


def read_events(path) -> pd.DataFrame:
    """A user's risk-event table (CSV: event, kind, part_a, part_b, threshold; '#' lines are comments), with the
    file checks of every kzecon reader; checked against a composition's parts by :func:`validate_events`."""
    from kzecon.data import read_table
    from kzecon.data.validate import require_columns

    ev = read_table(path)
    ev.columns = [str(c).strip() for c in ev.columns]
    twice = [c for c in ev.columns if "." in c and c.rsplit(".", 1)[0] in ev.columns and c.rsplit(".", 1)[1].isdigit()]
    if twice:
        raise SchemaError(f"risk events {path}: column {twice[0].rsplit('.', 1)[0]!r} appears more than once")
    require_columns(ev, ["event", "kind"], f"risk events {path}")
    if ev.empty:
        raise SchemaError(f"risk events {path}: the file defines no events (a header only)")
    return ev


def validate_events(events: pd.DataFrame, parts, *, skip_missing: bool = False) -> pd.DataFrame:
    """Check an event table against the composition's parts; errors name the event.

    Part names are matched to the composition's labels in any spelling (china / CHN / China; eu / EU / EUR; …:
    :mod:`kzecon.forecast.parts`) and replaced by those labels. ``skip_missing``: an event about a part the
    composition does not have is left out, with one note listing them (kzecon's default events on a user's
    composition); otherwise it is an error (a user's own events)."""
    from kzecon.data.validate import require_columns

    from .parts import resolve

    if not isinstance(events, pd.DataFrame):
        raise SchemaError(f"risk events must be a table (event, kind, part_a, part_b, threshold), got "
                          f"{type(events).__name__}")
    require_columns(events, ["event", "kind"], "risk events")
    ev = events.copy().reset_index(drop=True)
    for c in ("part_a", "part_b", "threshold"):
        if c not in ev:
            ev[c] = np.nan
    for c in ("event", "kind", "part_a", "part_b"):  # ' exceeds ' and 'EXCEEDS' read as 'exceeds'
        ev[c] = ev[c].map(lambda v: v.strip() if isinstance(v, str) else v)
    ev["kind"] = ev["kind"].map(lambda v: v.lower() if isinstance(v, str) else v)
    ev["part_a"] = ev["part_a"].astype(object)
    ev["part_b"] = ev["part_b"].astype(object)
    parts = list(parts)
    skipped, keep = [], []
    for i, r in ev.iterrows():
        if not isinstance(r["event"], str) or not r["event"].strip():
            raise SchemaError(f"risk events: row {i + 1} has no event name (column 'event' must name each event)")
        if r["kind"] not in EVENT_KINDS:
            raise SchemaError(f"risk event {r['event']!r}: kind must be one of {', '.join(EVENT_KINDS)}, "
                              f"got {r['kind']!r}")
        unused = [c for c, used in (("part_a", r["kind"] != "balance_below"), ("part_b", r["kind"] == "exceeds_part"),
                                    ("threshold", r["kind"] != "exceeds_part"))
                  if not used and pd.notna(r[c]) and str(r[c]).strip() != ""]
        if unused:
            raise SchemaError(f"risk event {r['event']!r}: kind {r['kind']} does not use column(s) "
                              f"{', '.join(unused)}; leave them empty (or choose the kind that uses them)")
        need = [] if r["kind"] == "balance_below" else ["part_a"] + (["part_b"] if r["kind"] == "exceeds_part"
                                                                      else [])
        missing = []
        for col in need:
            if pd.isna(r[col]):
                raise SchemaError(f"risk event {r['event']!r}: kind {r['kind']} needs column {col!r}")
            hit = resolve(str(r[col]), parts)
            if hit is None:
                missing.append(str(r[col]))
            else:
                ev.at[i, col] = hit
        if r["kind"] == "exceeds_part" and not missing and ev.at[i, "part_a"] == ev.at[i, "part_b"]:
            raise SchemaError(f"risk event {r['event']!r}: part_a and part_b are the same part "
                              f"({ev.at[i, 'part_a']!r}): a share never exceeds itself")
        if missing:
            if not skip_missing:
                raise SchemaError(f"risk event {r['event']!r}: part {missing[0]!r} is not in the composition "
                                  f"({', '.join(map(str, parts))})")
            skipped.append(f"{r['event']} ({', '.join(missing)})")
            continue
        if r["kind"] != "exceeds_part":
            t = pd.to_numeric(str(r["threshold"]).strip() if isinstance(r["threshold"], str) else r["threshold"],
                              errors="coerce")
            if not (0 < t < 1):
                hint = ("; decimal commas? write 0.3" if isinstance(r["threshold"], str) and "," in r["threshold"]
                        else "; a percentage? write 0.3 for 30%" if isinstance(r["threshold"], str)
                        and "%" in r["threshold"] else "")
                raise SchemaError(f"risk event {r['event']!r}: threshold must be a share in (0, 1), "
                                  f"got {r['threshold']!r}{hint}")
            ev.at[i, "threshold"] = float(t)
        keep.append(i)
    ev = ev.loc[keep].reset_index(drop=True)
    if ev["event"].duplicated().any():
        raise SchemaError(f"risk event {ev.loc[ev['event'].duplicated(), 'event'].iloc[0]!r} is defined twice")
    if skipped:
        warnings.warn(f"default risk events left out: the composition has no such part: {'; '.join(skipped)}",
                      DataQualityWarning, stacklevel=3)
    if ev.empty:
        raise SchemaError("no risk event applies to this composition's parts "
                          f"({', '.join(map(str, parts))}); pass your own events")
    return ev


def events_for(events: pd.DataFrame | None, parts) -> pd.DataFrame:
    """The user's events (every one must apply) or kzecon's defaults (those that apply)."""
    if events is None:
        return validate_events(load_events(), parts, skip_missing=True)
    return validate_events(events, parts)


def event_hits(paths: np.ndarray, parts: list, ev: pd.Series) -> np.ndarray:
    """Boolean (paths × years): whether risk event ``ev`` holds on each simulated path in each year."""
    if ev["kind"] == "balance_below":
        # the multi-vector balance index of kzecon.measures.balance_index, over the composition's K parts
        k = paths.shape[-1]
        return (1 - (paths ** 2).sum(axis=-1)) / (1 - 1 / k) < float(ev["threshold"])
    a = paths[..., parts.index(ev["part_a"])]
    if ev["kind"] == "exceeds_part":
        return a > paths[..., parts.index(ev["part_b"])]
    t = float(ev["threshold"])
    return a > t if ev["kind"] == "exceeds" else a < t


@results_class
@dataclass(frozen=True)
class CompositionForecast:
    """Simulated composition paths with the tables a brief needs."""

    model: str
    origin: int
    years: tuple
    parts: tuple
    paths: Any = field(repr=False)  # n_paths × horizon × parts
    seed: int = 0
    info: Any = field(default_factory=dict)
    prob_map: Any = field(default=None, repr=False, compare=False)  # the recalibration of event probabilities
    drivers: Any = field(default=None, repr=False, compare=False)  # the driver paths used (drivers.DriverPaths)

    def drivers_frame(self, level: float = 0.90) -> pd.DataFrame:
        """year, driver, mean, lower_90, upper_90, unit, fixed: the driver paths the forecast used (simulated, or
        fixed by a scenario); no rows for a model without drivers."""
        if self.drivers is None:
            tag = round(100 * level)
            return pd.DataFrame(columns=["year", "driver", "mean", f"lower_{tag}", f"upper_{tag}", "unit", "fixed"])
        return self.drivers.to_frame(level)

    def __post_init__(self):
        p = np.asarray(self.paths, dtype=float)
        p.flags.writeable = False
        object.__setattr__(self, "paths", p)

    @property
    def n_paths(self) -> int:
        """Number of simulated paths."""
        return self.paths.shape[0]

    def summary(self) -> str:
        """The forecast in words: model, origin, horizon, paths and each part's mean and 90% interval in the last
        year."""
        t = self.to_frame().query("year == @self.years[-1]")
        parts = "; ".join(f"{r.partner} {r.mean:.3f} [{r.lower_90:.3f}, {r.upper_90:.3f}]" for r in t.itertuples())
        return (f"{self.model} forecast from {self.origin}, {len(self.years)} years ahead, {self.n_paths} paths "
                f"(seed {self.seed}); {self.years[-1]}: {parts}")

    @property
    def nobs(self) -> None:
        """None: a forecast holds simulated paths (:attr:`n_paths`), not observations."""
        return None

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """year, partner, lower, upper: the equal-tailed ``level`` interval of each part's share."""
        t = self.to_frame(level)
        tag = round(100 * level)
        return t[["year", "partner", f"lower_{tag}", f"upper_{tag}"]].rename(
            columns={f"lower_{tag}": "lower", f"upper_{tag}": "upper"})

    def to_frame(self, level: float = 0.90, *, levels: Sequence[float] | None = None) -> pd.DataFrame:
        """year, partner, mean, median, lower_<L>, upper_<L> (equal-tailed quantiles of the paths) at ``level``
        (L = 100 × level), or at each of ``levels`` (e.g. ``levels=(0.8, 0.9)``: one pair of columns a level)."""
        levels = (check_level(level),) if levels is None else tuple(check_level(lv) for lv in levels)
        rows = []
        for j, part in enumerate(self.parts):
            x = self.paths[:, :, j]
            d = {"year": list(self.years), "partner": part, "mean": x.mean(axis=0),
                 "median": np.median(x, axis=0)}
            for lv in levels:
                tag = round(100 * lv)
                d[f"lower_{tag}"] = np.quantile(x, 0.5 - lv / 2, axis=0)
                d[f"upper_{tag}"] = np.quantile(x, 0.5 + lv / 2, axis=0)
            rows.append(pd.DataFrame(d))
        return pd.concat(rows, ignore_index=True)

    def risk(self, events: pd.DataFrame | None = None) -> pd.DataFrame:
        """event, year, probability (the event holds in that year; recalibrated where the model carries a
        calibration map, ``raw_probability`` beside it), probability_by_year (at least once by then), mc_se
        (Monte Carlo standard error of the raw probability)."""
        ev = events_for(events, list(self.parts))
        pmap = self.prob_map
        rows = []
        for _, e in ev.iterrows():
            hit = event_hits(self.paths, list(self.parts), e)
            raw = hit.mean(axis=0)
            p = np.asarray(pmap(raw), dtype=float) if pmap is not None else raw
            ever = np.logical_or.accumulate(hit, axis=1).mean(axis=0)
            for i, y in enumerate(self.years):
                rows.append({"event": e["event"], "year": y, "probability": float(p[i]),
                             "raw_probability": float(raw[i]), "probability_by_year": float(ever[i]),
                             "mc_se": float(np.sqrt(raw[i] * (1 - raw[i]) / self.n_paths))})
        return pd.DataFrame(rows)

    def first_year(self, event: str, events: pd.DataFrame | None = None) -> pd.DataFrame:
        """Distribution of the first year in which ``event`` holds: year (or 'later'), probability."""
        ev = events_for(events, list(self.parts))
        row = ev[ev["event"] == event]
        if row.empty:
            raise SchemaError(f"unknown risk event {event!r}; defined: {', '.join(ev['event'])}")
        hit = event_hits(self.paths, list(self.parts), row.iloc[0])
        first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
        out = [{"year": str(y), "probability": float((first == i).mean())} for i, y in enumerate(self.years)]
        out.append({"year": f"after {self.years[-1]}", "probability": float((first == -1).mean())})
        return pd.DataFrame(out)


def _baseline(z: np.ndarray, model: str, horizon: int, n_paths: int, rng) -> np.ndarray:
    """rw / drift / mean5 on the log-ratios ``z`` (years × K): the world backtest's simulator on the last
    :data:`BASELINE_WINDOW` changes (fewer when the series is shorter, at least 3)."""
    from .world import simulate_rw

    if len(z) < 4 or (model == "mean5" and len(z) < 7):
        raise CoverageError(f"{len(z)} years are too few for the {model} forecast")
    win = z[-(BASELINE_WINDOW + 1):][None]
    ok = np.ones((1, z.shape[1]), bool)
    return simulate_rw(win, ok, horizon=horizon, n_paths=n_paths, rng=rng, drift=model == "drift",
                       mean5=model == "mean5")[0]


def simulate(comp: pd.DataFrame, *, model: str = "var", horizon: int = 5, n_paths: int = 4000, seed: int = 0,
             reference: str = "rest", weights: dict | None = None, scenario: pd.DataFrame | None = None,
             brent: pd.Series | None = None) -> CompositionForecast:
    """Simulate ``n_paths`` future paths of a composition ``horizon`` years ahead with one model.

    ``comp``: long (year, partner, share) or wide (year × parts) composition, consecutive years, rows summing
    to one (within 1e-3: rescaled; about 100: read as percent; both with a note). ``model``: a per-series model
    (``var``, ``drift``, ``rw``, ``mean5``), ``ensemble`` (equal weights of the four unless ``weights``, a dict
    model → weight), or a world model (``world``: the global model learned from every economy's history up to
    the composition's last year; ``world_cal``: the same, recalibrated on the world backtest — both need parts
    that are kzecon's known parts in any spelling, :mod:`kzecon.forecast.world`; ``drivers``: the global model
    moved by the partners' GDP growth and the oil price, ``drivers_cal`` recalibrated — the headline).

    ``scenario`` (driver models only): a frame with ``year`` and any of ``brent`` (USD a barrel) and
    ``gdp_growth_<CODE>`` (% a year) fixing those drivers in those years
    (:func:`kzecon.forecast.drivers.read_scenario`);
    ``brent``: a user's Brent price history (Series by year) for the driver model.
    """
    from kzecon.data.validate import whole_number

    horizon = whole_number(horizon, "horizon (years ahead)", 1, 30)
    n_paths = whole_number(n_paths, "n_paths (at least 100 for stable probabilities)", 100)
    seed = whole_number(seed, "seed", 0, 2**32 - 1)
    wide = composition_frame(comp, min_years=8)
    parts = list(wide.columns)
    from .parts import resolve

    ref = resolve(reference, parts) if isinstance(reference, str) else None
    if ref is None:
        if reference != "rest":  # the default names the rest; a composition without one takes its last part
            raise UsageError(f"reference {reference!r} is not a part of the composition ({', '.join(map(str, parts))})")
        ref = parts[-1]
    z = transforms.alr(wide, ref).to_numpy()
    rng = np.random.default_rng(seed)
    origin = int(wide.index[-1])
    info = {"reference": ref, "history": f"{int(wide.index[0])}–{origin}"}
    known = (*MODELS, *WORLD_MODELS, "ensemble")
    if model not in known:
        raise UsageError(f"unknown forecast model {model!r}; choose {', '.join(known)}")
    if (scenario is not None or brent is not None) and model not in DRIVER_MODELS:
        raise UsageError(f"a driver scenario or price history conditions the driver models "
                         f"({', '.join(DRIVER_MODELS)}), not {model!r}")
    if brent is not None:
        from kzecon.data.validate import check_year_coverage

        from .drivers import FIRST_YEAR

        brent = _price_series(brent)
        lo = int(brent.index.min())
        check_year_coverage(brent, max(lo, FIRST_YEAR - 1), origin, "the Brent price history",
                            f"the driver model (its years to {origin}, the composition's last)")
        if lo > FIRST_YEAR - 1:
            warnings.warn(f"the Brent price history starts in {lo}: the oil effect is learned from {lo + 1}–{origin} "
                          f"only (the bundled series from {FIRST_YEAR})", DataQualityWarning, stacklevel=2)
    if model in POOLED_MODELS:
        from .pooled import forecast_composition as pooled_composition

        paths, winfo = pooled_composition(wide, horizon=horizon, n_paths=n_paths, seed=seed,
                                          calibrated=model.endswith("_cal"))
        if scenario is not None:
            from .scenario import scenario_shift

            sh = scenario_shift(wide, scenario, horizon=horizon, n_paths=n_paths, seed=seed,
                                brent=_price_series(brent) if brent is not None else None)
            paths = sh.apply(paths, tuple(parts))
            winfo["point"] = sh.apply(winfo["point"][None], tuple(parts))[0]
            winfo["driver_paths"] = sh.paths
            winfo["gdp_elasticity"] = None if sh.gdp_elasticity is None else sh.gdp_elasticity.estimate
            winfo["brent_exposure"] = sh.brent_effect or None
        info.update(winfo)
    elif model in WORLD_MODELS:
        from .world import forecast_composition

        paths, winfo = forecast_composition(wide, horizon=horizon, n_paths=n_paths, seed=seed,
                                            calibrated=model.endswith("_cal"), drivers=model in DRIVER_MODELS,
                                            scenario=scenario,
                                            brent=_price_series(brent) if brent is not None else None)
        info.update(winfo)
    elif model == "ensemble":
        weights = weights or ENSEMBLE
        bad = [m for m in weights if m not in MODELS]
        if bad:
            raise UsageError(f"ensemble weights name unknown model(s) {bad}; models: {', '.join(MODELS)}")
        try:
            w = np.array([max(float(v), 0.0) for v in weights.values()])
        except (TypeError, ValueError):
            raise UsageError(f"ensemble weights must be numbers, got {weights!r}") from None
        if not np.all(np.isfinite(w)) or w.sum() <= 0:
            raise UsageError("ensemble weights must be finite with a positive sum")
        counts = rng.multinomial(n_paths, w / w.sum())
        members = [simulate(wide, model=m, horizon=horizon, n_paths=max(int(c), 100), seed=seed + 1 + i,
                            reference=ref).paths[: int(c)]
                   for i, (m, c) in enumerate(zip(weights, counts, strict=True)) if c > 0]
        paths = np.concatenate(members, axis=0)
        info["weights"] = {m: float(x) for m, x in zip(weights, w / w.sum(), strict=True)}
    elif model == "var":
        res = composition_var(wide, reference=ref)
        try:
            paths = res.simulate(horizon, n_paths, seed)
        except np.linalg.LinAlgError as err:
            raise EstimationError(f"VAR: the shock covariance of the log-ratios is singular ({err}): a part that "
                                  "moves in fixed proportion to another, or a constant part; merge such parts") \
                from None
        info.update(lags=res.info["lags"], stable=res.stats["stable"])
    elif model in ("drift", "rw", "mean5"):
        paths = transforms.alr_inv(_baseline(z, model, horizon, n_paths, rng), parts, ref)
        info["window"] = min(BASELINE_WINDOW, len(z) - 1)
    else:  # checked above
        raise UsageError(f"unknown forecast model {model!r}")
    years = tuple(range(origin + 1, origin + horizon + 1))
    prob_map = info.pop("prob_map", None)
    dpaths = info.pop("driver_paths", None)
    if scenario is not None:
        info["scenario"] = {k: list(v) for k, v in dpaths.fixed.items()}
    return CompositionForecast(model=model, origin=origin, years=years, parts=tuple(parts), paths=paths, seed=seed,
                               info=info, prob_map=prob_map, drivers=dpaths)


def _price_series(brent) -> pd.Series:
    """A Brent price history (Series by year, or a frame year, brent) validated: whole years once, positive."""
    from kzecon.data.validate import year_series

    if isinstance(brent, pd.DataFrame):
        return year_series(brent, "brent", "Brent price history", positive=True)
    s = pd.Series(brent)
    return year_series(pd.DataFrame({"year": s.index, "brent": s.to_numpy()}), "brent", "Brent price history",
                       positive=True)


def simulate_scenario(comp: pd.DataFrame, scenario: pd.DataFrame, *, horizon: int = 5, n_paths: int = 4000,
                      seed: int = 0, reference: str = "rest", brent: pd.Series | None = None) -> CompositionForecast:
    """Composition paths conditioned on a Brent price path: a VAR on the log-ratios and log Brent, simulated
    with log Brent held at the scenario's values.

    ``scenario``: columns year, brent (USD/bbl) for the forecast years (years not given are simulated freely).
    In each simulated year the Brent shock is set to what the scenario requires and the log-ratio shocks are
    drawn from their normal distribution conditional on it (the VAR's residual covariance): the paths respond
    both through the lagged dynamics and through the contemporaneous correlation of shocks.

    ``brent``: the annual price history (a Series indexed by year, USD/bbl, in the scenario's units); default the
    bundled annual Brent series (``kzecon.data.load_oil("brent", "annual")``).
    """
    import kzecon
    from kzecon.data.validate import whole_number, year_series

    horizon = whole_number(horizon, "horizon (years ahead)", 1, 30)
    n_paths = whole_number(n_paths, "n_paths", 100)
    seed = whole_number(seed, "seed", 0, 2**32 - 1)
    sc = year_series(scenario, "brent", "scenario", positive=True)
    wide = composition_frame(comp)
    ref = reference if reference in wide.columns else wide.columns[-1]
    brent = _price_series(kzecon.data.load_oil("brent", "annual").set_index("year").iloc[:, -1]
                          if brent is None else brent)
    from kzecon.data.validate import check_year_coverage

    check_year_coverage(brent, int(wide.index[0]), int(wide.index[-1]), "the Brent price history",
                        "the VAR on the log-ratios and log Brent (every year of the composition)")
    res = composition_var(wide, reference=ref, extra=pd.DataFrame({"log_brent": np.log(brent)}))
    var = res.backend
    origin = int(wide.index[-1])
    fut = list(range(origin + 1, origin + horizon + 1))
    unknown = sorted(set(sc.index) - set(fut))
    if unknown:
        raise SchemaError(f"scenario years {unknown[:5]} are outside the forecast years {fut[0]}–{fut[-1]}")
    target = np.array([np.log(sc[y]) if y in sc.index else np.nan for y in fut])
    rng = np.random.default_rng(seed)
    K, p = var.neqs, var.k_ar
    c = K - 1  # log_brent is the last variable
    S = np.asarray(var.sigma_u)
    o = list(range(c))
    B = S[np.ix_(o, [c])] / S[c, c]
    Lc = np.linalg.cholesky(S[np.ix_(o, o)] - B @ S[np.ix_([c], o)] + 1e-14 * np.eye(c))
    L = np.linalg.cholesky(S)
    hist = np.repeat(np.asarray(var.endog)[-p:][None], n_paths, axis=0)
    sims = np.empty((n_paths, horizon, K))
    for t in range(horizon):
        mean = np.broadcast_to(var.intercept, (n_paths, K)).copy()
        for lag in range(p):
            mean += hist[:, -1 - lag, :] @ var.coefs[lag].T
        if np.isnan(target[t]):
            draw = mean + rng.standard_normal((n_paths, K)) @ L.T
        else:
            e_c = target[t] - mean[:, c]
            e_o = e_c[:, None] * B.T + rng.standard_normal((n_paths, c)) @ Lc.T
            draw = mean + np.column_stack([e_o, e_c])
        sims[:, t] = draw
        hist = np.concatenate([hist[:, 1:], draw[:, None]], axis=1)
    paths = transforms.alr_inv(sims[..., :c], list(wide.columns), ref)
    info = {"reference": ref, "lags": p, "scenario": {int(k): float(v) for k, v in sc.items()}}
    return CompositionForecast(model="var+brent scenario", origin=origin, years=tuple(fut),
                               parts=tuple(wide.columns), paths=paths, seed=seed, info=info)


WORLD_CHOICE = "pooled"
"""The headline model: the pooled world model (:mod:`kzecon.forecast.pooled`), chosen on the world backtest's
training economies (lowest CRPS and Brier score of every model there, with 90% intervals that cover 90%; its
recalibrated twin ``pooled_cal`` scored worse there). Its scores on the held-out economies are in
``kzecon/data/reference/world_backtest_summary.csv`` (analyses/world_backtest.py) and BENCHMARKS.md. It answers
scenarios of the partners' growth and the oil price through the scenario layer (:mod:`kzecon.forecast.scenario`)."""
