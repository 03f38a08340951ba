"""One call that runs the standard battery on a share series: the tables behind ``kzecon timeseries``."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError

from . import models, transforms
from .tests import EVENTS, TestResult, bai_perron, chow, cusum, tests_frame, unit_root


def share_battery(share: pd.Series | pd.DataFrame, *, horizon: int = 5, level: float = 0.90,
                  interventions: bool = False) -> dict[str, pd.DataFrame | object]:
    """Unit-root/stationarity tests, Chow tests at 2010/2013/2015, CUSUM, Bai–Perron, ARIMA forecast.

    All on the logit of the share. Returns a dict: ``tests`` (test, statistic, p_value, lags, nobs, null,
    decision, …), ``breaks`` (Bai–Perron: one row per break of the BIC choice, with its interval, and the
    number of breaks each criterion selects), ``criteria`` (SSR/BIC/LWZ by m), ``forecast`` (year, mean,
    lower_<L>, upper_<L> on the share scale), ``arima`` (the results object), ``series``.
    """
    if isinstance(share, pd.DataFrame):
        share = transforms.annual_series(share)
    s = models._prepare_share(share)
    z = pd.Series(transforms.logit(s.to_numpy()), index=s.index, name="logit_share")
    years = s.index
    results = []
    for reg in ("c", "ct"):
        for test in ("adf", "kpss", "pp", "za"):
            r = unit_root(z, test, regression=reg)
            results.append((r, {"regression": reg}))
    skipped = []
    for year in EVENTS:
        try:
            results.append((chow(z, year), {"regression": "ct"}))
        except CoverageError as err:
            skipped.append(f"Chow {year}: {err}")
    results.append((cusum(z), {"regression": "ct"}))
    bp = bai_perron(z, trend=False)
    for _, row in bp.sequential.iterrows():  # sup-F(l+1 | l); l = 0 is Andrews' sup-F test of no break
        l_ = int(row["l"])
        results.append((TestResult(f"sup-F({l_ + 1}|{l_})", float(row["statistic"]), float(row["p_value"]),
                                   f"{l_} break(s) in the mean", 0.05, None, bp.nobs, {},
                                   {"trim": bp.h / bp.nobs}), {"regression": "c"}))
    tab = tests_frame([r for r, _ in results])
    tab.insert(1, "regression", [extra["regression"] for _, extra in results])
    m = bp.selected_bic
    breaks = bp.to_frame(m) if m else pd.DataFrame(columns=["m", "break", "index", "year", "lower", "upper", "level"])
    breaks = breaks.assign(model="mean shifts in logit share (Bai–Perron, h=15%)", selected_by="BIC",
                           n_breaks_bic=bp.selected_bic, n_breaks_lwz=bp.selected_lwz,
                           n_breaks_sequential=bp.selected_sequential)
    fit = models.arima(s, interventions=interventions)
    fc = fit.forecast(horizon, level)
    tag = round(100 * level)
    if skipped:
        warnings.warn("; ".join(skipped), stacklevel=2)
    return {"tests": tab, "breaks": breaks, "criteria": bp.criteria(), "bai_perron": bp,
            "forecast": fc[["year", "mean", f"lower_{tag}", f"upper_{tag}", "median"]], "arima": fit,
            "series": pd.DataFrame({"year": years, "share": s.to_numpy(), "logit_share": z.to_numpy()}),
            "nobs": int(np.size(z))}
