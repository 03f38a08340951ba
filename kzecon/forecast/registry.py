"""The forecasting models by name: one registry for the CLI, the library, the backtests and the brief.

Each name means one model everywhere: ``kzecon forecast --model rw``, ``forecast.simulate(model="rw")``, the
rolling-origin backtest and the world backtest run the same code (:func:`kzecon.forecast.world.simulate_rw` for
the three per-series baselines, on the last :data:`BASELINE_WINDOW` year-to-year changes).
"""

from __future__ import annotations

from dataclasses import dataclass

BASELINE_WINDOW = 10  # the per-series baselines learn their spread (and drift) from the last this many changes


@dataclass(frozen=True)
class ModelSpec:
    """One forecasting model: its name, a reader's label, its family and one line on how it forecasts.

    Attributes
    ----------
    name : str
        The model's name everywhere (``--model``, :func:`kzecon.forecast.simulate`, the backtests).
    label : str
        A reader's name (e.g. ``"random walk"``).
    family : str
        ``"world"`` (learned from every economy), ``"series"`` (the composition alone) or ``"ensemble"``.
    how : str
        One line for a reader, with ``{name}`` (the economy) and ``{n}`` (its years) to fill in: :func:`how`.

    Examples
    --------
    >>> from kzecon.forecast.registry import MODELS
    >>> MODELS["rw"].label, MODELS["rw"].family
    ('random walk', 'series')
    """
    name: str
    label: str  # a reader's name
    family: str  # "world" (learned from every economy), "series" (the composition alone), "ensemble"
    how: str  # one line for a reader; {name} = the economy, {n} = its years


MODELS = {m.name: m for m in (
    ModelSpec("pooled", "pooled world model", "world",
              "median regressions of each partner's share change on its rise across the world's trade, learned from "
              "~200 economies' histories up to the forecast year; {name}'s own recent path smoothed; errors drawn "
              "from the world's, scaled to {name}'s own volatility"),
    ModelSpec("pooled_cal", "pooled world model, recalibrated", "world",
              "the pooled world model with its intervals and probabilities recalibrated on earlier world forecasts"),
    ModelSpec("drivers_cal", "global model with drivers, recalibrated", "world",
              "dynamics learned from ~200 economies' partner shares, moved by the partners' GDP growth and the oil "
              "price (with {name}'s own oil exposure), the drivers' futures simulated; intervals and probabilities "
              "recalibrated on earlier world forecasts"),
    ModelSpec("drivers", "global model with drivers", "world",
              "dynamics learned from ~200 economies' partner shares, moved by the partners' GDP growth and the oil "
              "price, the drivers' futures simulated"),
    ModelSpec("drivers_oracle", "global model with drivers, realised drivers", "world",
              "the driver model given the drivers as they turned out (world backtest only: how much error the "
              "drivers' uncertainty leaves)"),
    ModelSpec("world_cal", "global model, recalibrated", "world",
              "dynamics learned from ~200 economies' partner shares since 1960, its intervals and probabilities "
              "recalibrated on earlier world forecasts"),
    ModelSpec("world", "global model", "world", "dynamics learned from ~200 economies' partner shares since 1960"),
    ModelSpec("var", "VAR on log-ratios", "series", "a vector autoregression fitted to {name}'s {n} annual points "
              "alone"),
    ModelSpec("drift", "random walk with drift", "series",
              f"continues {{name}}'s average trend of the last {BASELINE_WINDOW} years"),
    ModelSpec("rw", "random walk", "series",
              f"no change expected; uncertainty from {{name}}'s year-to-year changes over the last {BASELINE_WINDOW} "
              "years"),
    ModelSpec("mean5", "mean of the last 5 years", "series", "reverts to the last five years' average"),
    ModelSpec("ensemble", "equal-weight ensemble", "ensemble", "equal weights of the per-series models"),
    ModelSpec("statsforecast_ets", "statsforecast AutoETS", "series",
              "exponential smoothing of each log-ratio (world backtest only)"),
)}

SERIES_MODELS = ("var", "drift", "rw", "mean5")  # what simulate() fits on the composition alone
WORLD_MODELS = ("pooled", "pooled_cal", "world", "world_cal", "drivers", "drivers_cal")
POOLED_MODELS = ("pooled", "pooled_cal")
DRIVER_MODELS = ("pooled", "pooled_cal", "drivers", "drivers_cal")  # the models a driver scenario can condition
FORECAST_CHOICES = ("auto", "pooled", "pooled_cal", "drivers_cal", "drivers", "world_cal", "world", "var", "drift",
                    "rw", "mean5", "ensemble")  # kzecon forecast --model


def label(name: str) -> str:
    """A reader's name of a forecasting model (the name itself when unknown).

    Parameters
    ----------
    name : str
        A model name of :data:`MODELS`.

    Returns
    -------
    str

    Examples
    --------
    >>> from kzecon.forecast.registry import label
    >>> label("rw"), label("mine")
    ('random walk', 'mine')
    """
    return MODELS[name].label if name in MODELS else name


def how(name: str, *, economy: str = "the economy", years: int | str = "its") -> str:
    """One line on how model ``name`` forecasts ``economy`` (with ``years`` of history).

    Parameters
    ----------
    name : str
        A model name of :data:`MODELS`.
    economy : str, default "the economy"
        The economy's name in the sentence.
    years : int or str, default "its"
        Its years of history (used by ``var``'s line).

    Returns
    -------
    str
        The line; empty for an unknown model.

    Examples
    --------
    >>> from kzecon.forecast.registry import how
    >>> how("drift", economy="Kazakhstan")
    "continues Kazakhstan's average trend of the last 10 years"
    """
    return MODELS[name].how.format(name=economy, n=years) if name in MODELS else ""
