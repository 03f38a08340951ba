"""Dependence risk learned from the world's history: a global model of partner compositions, its world backtest and
its recalibration, all without look-ahead.

The data are every economy's partner composition in IMF DOTS (:func:`world_panel`), in the parts ``china``,
``russia``, ``usa``, ``eu`` and ``rest`` or any coarser set of those parts. The global model (``"world"``,
:func:`fit_global`) is one regression of each part's log-ratio change on a world drift, momentum, the economy's own
recent drift and mean reversion, pooled across every economy and year up to the origin, with each economy's own
innovation scale shrunk towards the pooled scale of shares of its size. The driver model (``"drivers"``,
:func:`fit_drivers`) adds each part's GDP growth less the rest of the world's and the change in log Brent, with each
economy's own oil exposure; after the origin the drivers are simulated from their own history or fixed by a
scenario. The ``_cal`` models recalibrate the intervals (split conformal) and the event probabilities (beta
calibration) on the model's earlier forecasts whose outcomes are known by the origin (:func:`stored_calibration`).
The world backtest (:func:`world_backtest`) learns every model at each origin from data up to that origin on the
training economies only and scores it on held-out economies as well as on all.

The code is split by concern; every name is importable from this package:

- ``panel``: the compositions as one array and the parts kept at an origin (:class:`Panel`, :func:`world_panel`);
- ``fit``: the global model's regression, innovation scales and shock correlation (:func:`fit_global`);
- ``driver_fit``: the same model with drivers and each economy's own oil exposure (:func:`fit_drivers`);
- ``simulate``: paths of the models and of the baselines (:func:`simulate_global`, :func:`simulate_rw`);
- ``records``: the backtest's realised shares, per-forecast records and events (:func:`pairwise_events`);
- ``recalibration``: the conformal interval factors and the probability map (:func:`calibration_table`);
- ``backtest``: the world backtest and its score tables (:func:`world_backtest`, :class:`WorldBacktest`);
- ``composition``: the models applied to one composition (:func:`forecast_composition`).

The measured scores are not repeated here: they are in BENCHMARKS.md and in the stored files
``kzecon/data/reference/world_backtest_summary.csv``, ``world_backtest_reliability.csv`` and
``world_calibration.csv`` (written by analyses/world_backtest.py).
"""

from .backtest import MODELS, WorldBacktest, held_out_total, world_backtest
from .composition import _own_driver_params as _own_driver_params
from .composition import _own_scale as _own_scale
from .composition import forecast_composition, world_parts_of
from .driver_fit import (
    DRIVER_MIN_YEARS,
    DRIVER_TERMS,
    EXPOSURE_MIN,
    FIRST_DRIVER_ORIGIN,
    GDP_COMMON,
    SCALE_TO_QUANTILE,
    Z90,
    driver_columns,
    exposures,
    fit_drivers,
)
from .driver_fit import _quantile_factor as _quantile_factor
from .driver_fit import _with_drivers as _with_drivers
from .fit import DYNAMICS, LAGS, SCALE_YEARS, SHRINK_NU, SIZE_BINS, WEIGHTED, GlobalParams, fit_global
from .fit import _design as _design
from .fit import _rows as _rows
from .fit import _scales as _scales
from .fit import _shock_corr as _shock_corr
from .fit import _size_class as _size_class
from .fit import _state as _state
from .panel import ESTIMATED_MAX, FLOOR, KNOWN_PARTS, MIN_SHARE, SELF_PART, WORLD_PARTS, Panel, world_panel
from .panel import _active as _active
from .panel import _logratios as _logratios
from .recalibration import BETA_KINDS, CAL_WINDOW, CALIBRATED, CALIBRATION_FILE, calibration_table, stored_calibration
from .recalibration import _conformal as _conformal
from .recalibration import _probability_map as _probability_map
from .recalibration import _recalibrate_paths as _recalibrate_paths
from .records import THRESHOLDS, pairwise_events
from .records import _actual as _actual
from .records import _events as _events
from .records import _origin_shares as _origin_shares
from .records import _records as _records
from .simulate import _statsforecast_paths as _statsforecast_paths
from .simulate import point_forecast, simulate_global, simulate_rw, to_shares

__all__ = [
    # the panel
    "WORLD_PARTS", "KNOWN_PARTS", "SELF_PART", "MIN_SHARE", "FLOOR", "ESTIMATED_MAX", "Panel", "world_panel",
    # the global model
    "LAGS", "SHRINK_NU", "SCALE_YEARS", "WEIGHTED", "DYNAMICS", "SIZE_BINS", "GlobalParams", "fit_global",
    # the driver model
    "DRIVER_TERMS", "Z90", "SCALE_TO_QUANTILE", "GDP_COMMON", "DRIVER_MIN_YEARS", "FIRST_DRIVER_ORIGIN",
    "EXPOSURE_MIN", "driver_columns", "exposures", "fit_drivers",
    # simulation
    "simulate_global", "to_shares", "simulate_rw", "point_forecast",
    # the backtest's records and events
    "pairwise_events", "THRESHOLDS",
    # the backtest
    "MODELS", "WorldBacktest", "world_backtest", "held_out_total",
    # recalibration
    "CAL_WINDOW", "CALIBRATED", "BETA_KINDS", "CALIBRATION_FILE", "calibration_table", "stored_calibration",
    # one composition
    "world_parts_of", "forecast_composition",
]
