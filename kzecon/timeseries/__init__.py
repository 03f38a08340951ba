"""Time-series models of partner shares: transforms, unit-root and break tests, ARIMA, state space, VAR/VECM."""

from . import transforms
from .tests import TestResult, BreakResult, bai_perron, chow, cusum, tests_frame, unit_root

__all__ = ["transforms", "TestResult", "BreakResult", "bai_perron", "chow", "cusum", "tests_frame", "unit_root"]
