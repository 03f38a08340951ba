"""Dependence-risk forecasts: simulated composition paths, risk probabilities, rolling-origin backtests.

Submodules and names load on first use (``kzecon.forecast.registry``, the model names, imports nothing heavy)."""

import importlib

_MODULES = ("backtest", "parts", "registry", "scores", "world", "core")
_NAMES = {"choose_model": "backtest", "EVENT_KINDS": "core", "MODELS": "core", "WORLD_CHOICE": "core",
          "WORLD_MODELS": "core", "CompositionForecast": "core", "load_events": "core", "read_events": "core",
          "simulate": "core", "simulate_scenario": "core", "validate_events": "core"}

__all__ = ["backtest", "parts", "registry", "scores", "world", "MODELS", "WORLD_MODELS", "WORLD_CHOICE",
           "EVENT_KINDS", "CompositionForecast", "choose_model", "load_events", "read_events", "simulate",
           "simulate_scenario", "validate_events"]


def __getattr__(name: str):
    if name in _MODULES:
        value = importlib.import_module(f".{name}", __name__)
    elif name in _NAMES:
        value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    else:
        raise AttributeError(f"module 'kzecon.forecast' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
