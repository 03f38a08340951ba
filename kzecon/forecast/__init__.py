"""Dependence-risk forecasts: simulated composition paths, risk probabilities, rolling-origin backtests.

Submodules and names load on first use (``kzecon.forecast.registry``, the model names, imports nothing heavy)."""

from kzecon._lazy import attach

_MODULES = ("backtest", "calibration", "choice", "core", "drivers", "parts", "pooled", "registry", "scenario", "scores",
            "world")
_NAMES = {"choose_model": "backtest", "forecast_with": "choice", "ModelChoice": "choice",
          "EVENT_KINDS": "core", "MODELS": "core", "WORLD_CHOICE": "core",
          "WORLD_MODELS": "core", "CompositionForecast": "core", "load_events": "core", "read_events": "core",
          "simulate": "core", "simulate_scenario": "core", "validate_events": "core"}

__all__ = ["backtest", "calibration", "choice", "forecast_with", "ModelChoice",
           "drivers", "parts", "pooled", "registry", "scenario", "scores", "world", "MODELS",
           "WORLD_MODELS", "WORLD_CHOICE", "EVENT_KINDS", "CompositionForecast", "choose_model", "load_events",
           "read_events", "simulate", "simulate_scenario", "validate_events"]


__getattr__, __dir__ = attach(__name__, globals(), modules=_MODULES, names=_NAMES, public=__all__)
