"""Dependence-risk forecasts: simulated composition paths, risk probabilities, rolling-origin backtests."""

from . import backtest
from .core import (
                   EVENT_KINDS,
                   MODELS,
                   CompositionForecast,
                   choose_model,
                   kazakhstan_composition,
                   load_events,
                   read_events,
                   simulate,
                   simulate_scenario,
                   validate_events,
)

__all__ = ["backtest", "MODELS", "EVENT_KINDS", "CompositionForecast", "choose_model", "kazakhstan_composition",
           "load_events", "read_events", "simulate", "simulate_scenario", "validate_events"]
