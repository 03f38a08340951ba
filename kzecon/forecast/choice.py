"""Which model forecasts a composition, and how a scenario reaches it: the rules behind ``kzecon forecast``.

``--model auto`` takes the headline model where the world model knows the composition's parts (chosen on the world
backtest: every economy's history), else the per-series model with the best rolling-origin CRPS on the composition
itself (:func:`kzecon.forecast.backtest.choose_model`). A scenario conditions the driver models
(:data:`kzecon.forecast.registry.DRIVER_MODELS`: the partners' GDP growth and the oil price); for parts the world
model does not know, a VAR on the log-ratios and log Brent (:func:`kzecon.forecast.core.simulate_scenario`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kzecon.errors import UsageError

__all__ = ["ModelChoice", "forecast_with"]


@dataclass(frozen=True)
class ModelChoice:
    """A composition forecast and how its model was chosen.

    Attributes
    ----------
    forecast : kzecon.forecast.CompositionForecast
        The forecast.
    how : str or None
        "model: NAME, chosen on …" when the model was chosen (``model="auto"``), else None.

    See Also
    --------
    forecast_with : Which returns it.

    Examples
    --------
    >>> from kzecon.forecast import forecast_with
    >>> from kzecon.study.findings import composition
    >>> mc = forecast_with(composition("KAZ"), model="rw", horizon=3, n_paths=200)
    >>> mc.forecast.model, mc.how
    ('rw', None)
    """

    forecast: object
    how: str | None = None


def forecast_with(comp: pd.DataFrame, *, model: str = "auto", horizon: int = 5, n_paths: int = 4000,
                  seed: int = 2026, scenario: pd.DataFrame | None = None, brent: pd.DataFrame | None = None,
                  events: pd.DataFrame | None = None) -> ModelChoice:
    """Forecast ``comp`` with ``model`` (or the model the rules choose), conditioned on ``scenario`` if given.

    Parameters
    ----------
    comp : DataFrame
        The composition: year, partner, share (long), validated by the forecast.
    model : str, default "auto"
        A name of :data:`kzecon.forecast.registry.FORECAST_CHOICES`; "auto": the headline model where the world
        model knows the parts, else the per-series model with the lowest backtest CRPS on ``comp`` (horizons up to
        5), or the VAR when a scenario is given for parts the world model does not know.
    horizon : int, default 5
        Years ahead.
    n_paths : int, default 4000
        Simulated paths.
    seed : int, default 2026
        Random seed: the same seed gives the same paths.
    scenario : DataFrame, optional
        year and any of brent (USD a barrel) and gdp_growth_<CODE> (% a year): those drivers fixed in those years.
    brent : DataFrame, optional
        With ``scenario``: the price history (year, brent) in the scenario's units (default: the bundled series).
    events : DataFrame, optional
        Risk events the choice of model is scored with (default: those that apply to the parts).

    Returns
    -------
    ModelChoice
        The forecast (:class:`kzecon.forecast.CompositionForecast`) and, with ``model="auto"``, the sentence saying
        which model was chosen on what.

    Raises
    ------
    UsageError
        ``brent`` without ``scenario``; a scenario for a model it cannot condition; a VAR scenario with columns other
        than brent.
    SchemaError, CoverageError, EstimationError
        As :func:`kzecon.forecast.simulate` and :func:`kzecon.forecast.simulate_scenario` (a malformed or short
        composition or scenario, parts a world model does not know, a singular VAR).

    See Also
    --------
    kzecon.forecast.backtest.choose_model : The rule behind ``"auto"``.
    kzecon.forecast.simulate : One model, named.

    Examples
    --------
    Kazakhstan's parts are the world model's, so ``"auto"`` takes the headline model (learned from every economy's
    history; a few seconds the first time):

    >>> from kzecon.forecast import forecast_with
    >>> from kzecon.study.findings import composition
    >>> mc = forecast_with(composition("KAZ"), horizon=3, n_paths=200)
    >>> print(mc.how)
    model: pooled, chosen on the world backtest (every economy's history)
    >>> mc.forecast.paths.shape
    (200, 3, 4)
    """
    from kzecon.forecast import backtest, core, registry

    if brent is not None and scenario is None:
        raise UsageError("--brent is the price history for --scenario; give --scenario FILE too")
    how = None
    if model == "auto":
        model, acc = backtest.choose_model(comp, horizon=min(horizon, 5), seed=seed, events=events)
        basis = ("the world backtest (every economy's history)" if acc is None and model in core.WORLD_MODELS
                 else "this composition's own backtest (mean CRPS)" if acc is not None else "default (short series)")
        if scenario is not None and model not in registry.DRIVER_MODELS:
            model, basis = "var", "the scenario (the world model does not know these parts: a VAR with log Brent)"
        how = f"model: {model}, chosen on {basis}"
    if scenario is not None and model in registry.DRIVER_MODELS:
        fc = core.simulate(comp, model=model, horizon=horizon, n_paths=n_paths, seed=seed, scenario=scenario,
                           brent=brent)
    elif scenario is not None:
        if model != "var":
            raise UsageError(f"--scenario conditions the driver models ({', '.join(registry.DRIVER_MODELS)}) or, for "
                             f"parts the world model does not know, the VAR; not --model {model}")
        extra = [c for c in scenario.columns if c not in ("year", "brent")]
        if extra:
            raise UsageError(f"--scenario column(s) {', '.join(map(repr, extra))}: the VAR scenario (parts the world "
                             "model does not know) takes brent only")
        fc = core.simulate_scenario(comp, scenario, horizon=horizon, n_paths=n_paths, seed=seed, brent=brent)
    else:
        fc = core.simulate(comp, model=model, horizon=horizon, n_paths=n_paths, seed=seed)
    return ModelChoice(forecast=fc, how=how)
