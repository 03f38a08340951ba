"""Dependence-risk forecasts: simulated composition paths, risk probabilities, rolling-origin backtests."""

from . import backtest, parts, scores, world
from .backtest import choose_model
from .core import (
                   EVENT_KINDS,
                   MODELS,
                   WORLD_CHOICE,
                   WORLD_MODELS,
                   CompositionForecast,
                   kazakhstan_composition,
                   load_events,
                   read_events,
                   simulate,
                   simulate_scenario,
                   validate_events,
)

__all__ = ["backtest", "parts", "scores", "world", "MODELS", "WORLD_MODELS", "WORLD_CHOICE", "EVENT_KINDS",
           "CompositionForecast", "choose_model", "kazakhstan_composition", "load_events", "read_events", "simulate",
           "simulate_scenario", "validate_events"]
