"""Time-series models of partner shares: transforms, unit-root and break tests, ARIMA, state space, VAR/VECM."""

from . import models, transforms
from .analysis import ShareBattery, share_battery
from .models import (
                     CompositionModelResults,
                     ShareModelResults,
                     arima,
                     composition_frame,
                     composition_var,
                     composition_vecm,
                     step_dummies,
                     trend,
                     unobserved_components,
)
from .stattests import BreakResult, TestResult, bai_perron, chow, cusum, tests_frame, unit_root

__all__ = ["transforms", "models", "share_battery", "ShareBattery", "TestResult", "BreakResult", "bai_perron",
           "chow", "cusum", "tests_frame", "unit_root", "arima", "unobserved_components", "trend", "composition_var",
           "composition_vecm", "composition_frame", "step_dummies", "ShareModelResults", "CompositionModelResults"]
