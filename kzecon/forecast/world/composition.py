"""The world models applied to one composition: a user's or an economy's, years × parts summing to one.

The composition's parts are mapped to the world panel's (:func:`world_parts_of`); the global model (or the driver
model) is learned from the world panel up to the composition's last year, the composition's own innovation scale
(and, with drivers, its own Brent exposure) is estimated from its own history as the panel's economies' are, and
the recalibration is the one the world backtest had learned by then (:func:`kzecon.forecast.world.stored_calibration`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError, SchemaError

from .driver_fit import FIRST_DRIVER_ORIGIN, _with_drivers, exposures, fit_drivers
from .fit import LAGS, SCALE_YEARS, SHRINK_NU, GlobalParams, _design, _size_class, fit_global
from .panel import FLOOR, KNOWN_PARTS, world_panel
from .recalibration import _recalibrate_paths, stored_calibration
from .simulate import simulate_global, to_shares


def _own_scale(params: GlobalParams, z: np.ndarray, shares_now: np.ndarray) -> np.ndarray:
    """A composition's innovation scale per component: its residuals under the global coefficients over its last
    15 years, shrunk towards the pooled scale of its current share sizes (as :func:`fit_global` does for every
    economy of the panel)."""
    Y, K = z.shape
    X, y, k, _, _ = _design(z[None], Y - 1)
    resid = np.clip(y, *params.clip) - np.einsum("nj,nj->n", X, params.coef[k])
    recent = np.arange(len(y)) >= 0
    if len(y):
        ty = _design(z[None], Y - 1)[4]
        recent = ty > (Y - 1) - 15
    out = np.zeros(K)
    size = _size_class(shares_now)
    for kk in range(K):
        m = (k == kk) & recent
        prior = params.pooled_scale[kk, size[kk]] ** 2
        out[kk] = np.sqrt((np.sum(resid[m] ** 2) + SHRINK_NU * prior) / (m.sum() + SHRINK_NU))
    return out


def _own_driver_params(params: GlobalParams, z: np.ndarray, shares_now: np.ndarray, years: np.ndarray, hist):
    """A composition's own Brent exposure and innovation scale under the driver model (as :func:`fit_drivers`
    gives every economy of the panel): its residuals on the years its drivers are known, the exposure shrunk by the
    model's τ², the scale over its last SCALE_YEARS years shrunk towards the pooled scale of its share sizes and
    multiplied by the model's quantile factor. Returns ((1, K) exposure, (1, K) scale, (1, K) exposure s.d.)."""
    Y, K = z.shape
    X, y, k, e, ty = _with_drivers(*_design(z[None], Y - 1), hist, years, params.parts)
    X[:, 1] = np.clip(X[:, 1], *params.clip)
    u = np.clip(y, *params.clip) - np.einsum("nj,nj->n", X, params.coef[k])
    prior = params.pooled_scale[np.arange(K), _size_class(shares_now)] / params.scale_factor
    recent = ty > (Y - 1) - SCALE_YEARS

    def shrunk(r):  # its own scale over the recent years, shrunk towards the prior (as _scales does)
        return np.array([np.sqrt((np.sum(r[recent & (k == kk)] ** 2) + SHRINK_NU * prior[kk] ** 2)
                                 / ((recent & (k == kk)).sum() + SHRINK_NU)) for kk in range(K)])

    expo, _, expo_sd = exposures(u, X[:, 5], e, k, 1, K, shrunk(u)[None], tau2=params.tau2)
    return expo, (shrunk(u - expo[0, k] * X[:, 5]) * params.scale_factor)[None], expo_sd


def world_parts_of(labels) -> dict[str, str]:
    """{label: world part} for a composition whose every part is one of kzecon's known parts (any spelling), with
    a rest; else a CoverageError naming what the world panel cannot provide.

    Parameters
    ----------
    labels : iterable of str
        The composition's part labels (any spelling: CHN, China, EU, EUR, REST …; :mod:`kzecon.forecast.parts`).

    Returns
    -------
    dict
        {label: canonical part among :data:`KNOWN_PARTS`}.

    Raises
    ------
    CoverageError
        If a label is not a known part, or no label is the rest.
    SchemaError
        If two labels mean the same part.

    Examples
    --------
    >>> from kzecon.forecast.world import world_parts_of
    >>> world_parts_of(["CHN", "Russia", "EU", "rest"])
    {'CHN': 'china', 'Russia': 'russia', 'EU': 'eu', 'rest': 'rest'}
    """
    from ..parts import canonical

    canon = {lab: canonical(lab) for lab in labels}
    unknown = [lab for lab, c in canon.items() if c is None]
    if unknown:
        raise CoverageError(f"the world model knows the parts {', '.join(KNOWN_PARTS)} (any spelling: CHN, china, "
                            f"EU, EUR, REST …); not {', '.join(map(repr, unknown))}")
    dup = [c for c in set(canon.values()) if list(canon.values()).count(c) > 1]
    if dup:
        raise SchemaError(f"two parts of the composition mean the same {dup[0]!r}: "
                          f"{', '.join(lab for lab, c in canon.items() if c == dup[0])}")
    if "rest" not in canon.values():
        raise CoverageError("the world model needs a 'rest' part (the trade with every other partner)")
    return canon


def forecast_composition(wide: pd.DataFrame, *, horizon: int, n_paths: int, seed: int,
                         calibrated: bool = True, drivers: bool = False, scenario: pd.DataFrame | None = None,
                         brent: pd.Series | None = None) -> tuple[np.ndarray, dict]:
    """Paths (n_paths × horizon × parts, in ``wide``'s column order) of a composition (years × parts summing to one)
    under the global model learned from the world panel up to the composition's last year (no later data), and,
    with ``calibrated``, the recalibration learned from the world backtest's forecasts known by then.

    ``drivers``: the driver model (:func:`fit_drivers`), its drivers' futures simulated from their own history up
    to the origin (:mod:`kzecon.forecast.drivers`) unless ``scenario`` (a frame year, brent and/or
    gdp_growth_<CODE>) fixes them; ``brent`` a user's price history (Series by year, USD a barrel) in place of the
    bundled one. The driver paths used are returned in the info dict (``"driver_paths"``).

    :func:`kzecon.forecast.simulate` with ``model="world"``, ``"world_cal"``, ``"drivers"`` or ``"drivers_cal"``
    calls it; use that.

    Parameters
    ----------
    wide : pandas.DataFrame
        Years (index, consecutive) × parts summing to one, parts that are kzecon's known parts with a rest
        (:func:`world_parts_of`), at least :data:`LAGS` + 1 years.
    horizon : int
        Years ahead.
    n_paths : int
        Simulated paths.
    seed : int
        Random seed.
    calibrated : bool, default True
        Apply the stored recalibration (:func:`stored_calibration`) of ``world_cal`` (or ``drivers_cal``).
    drivers : bool, default False
        The driver model instead of the global one (compositions ending in :data:`FIRST_DRIVER_ORIGIN` or later).
    scenario : pandas.DataFrame or None, default None
        With ``drivers``: ``year`` and any of ``brent``, ``gdp_growth_<CODE>``
        (:func:`kzecon.forecast.drivers.read_scenario`).
    brent : pandas.Series or None, default None
        With ``drivers``: a Brent price history (USD a barrel by year) in place of the bundled one.

    Returns
    -------
    tuple
        (paths: n_paths × horizon × parts in ``wide``'s column order; info: ``world_params_to``, ``world_nobs``,
        ``parts``, ``calibration_origin`` (when calibrated), ``brent_exposure`` (drivers), ``prob_map`` and
        ``driver_paths``).

    Raises
    ------
    CoverageError
        If a part is unknown or there is no rest; the composition ends before the world history allows (the
        panel's start + :data:`LAGS` + 10) or before :data:`FIRST_DRIVER_ORIGIN` for the driver model; it has fewer
        than :data:`LAGS` + 1 years.
    SchemaError
        If two labels mean the same part, a scenario is given without ``drivers``, or the scenario is malformed.

    Examples
    --------
    >>> from kzecon.forecast.world import forecast_composition
    >>> from kzecon.study.findings import composition
    >>> wide = composition("KAZ").pivot(index="year", columns="partner", values="share")
    >>> paths, info = forecast_composition(wide, horizon=3, n_paths=200, seed=0)
    >>> paths.shape, info["world_params_to"], info["calibration_origin"]
    ((200, 3, 4), 2020, 2020)
    """
    canon = world_parts_of(wide.columns)
    order = tuple(p for p in KNOWN_PARTS if p in canon.values())
    panel = world_panel(order)
    origin = int(wide.index[-1])
    if origin < panel.years[0] + LAGS + 10:
        raise CoverageError(f"the world model needs world history before {origin}; the panel starts in "
                            f"{panel.years[0]}")
    if scenario is not None and not drivers:
        raise SchemaError("a scenario conditions the driver model (drivers=True)")
    t = int(min(origin, panel.years[-1]) - panel.years[0])
    cols = [next(lab for lab, c in canon.items() if c == p) for p in order]
    s = wide[cols].to_numpy(dtype=float)
    r = order.index("rest")
    comps = [j for j in range(len(order)) if j != r]
    z = np.log(np.maximum(s[:, comps], FLOOR) / np.maximum(s[:, [r]], FLOOR))
    if len(z) < LAGS + 1:
        raise CoverageError(f"the world model needs the last {LAGS + 1} years of the composition; it has {len(z)}")
    ok = np.ones((1, len(comps)), bool)
    dp = None
    if drivers:
        from ..drivers import driver_history, fit_driver_model, read_scenario, simulate_drivers

        hist = driver_history(brent=brent).upto(origin)
        if origin < FIRST_DRIVER_ORIGIN:
            raise CoverageError(f"the driver model needs the drivers' history (from 1989) before the origin; the "
                                f"composition ends in {origin}: use the model world_cal")
        params = fit_drivers(panel, t, hist)
        params.exposure, params.scale, params.exposure_sd = _own_driver_params(params, z, s[-1, comps],
                                                                               wide.index.to_numpy(), hist)
        sc = read_scenario(scenario, origin=origin, horizon=horizon) if scenario is not None else None
        dp = simulate_drivers(fit_driver_model(hist, origin), horizon, n_paths, np.random.default_rng([seed, 2]),
                              scenario=sc)
    else:
        params = fit_global(panel, t)
        params.scale = _own_scale(params, z, s[-1, comps])[None]
    zp = simulate_global(params, z[None, -(LAGS + 1):], ok, horizon=horizon, n_paths=n_paths,
                         rng=np.random.default_rng(seed), drivers=dp)
    paths = to_shares(zp, ok, order)[0]  # (n, H, P) in world order
    info = {"world_params_to": int(panel.years[t]), "world_nobs": params.nobs, "parts": dict(canon)}
    if drivers:
        info["brent_exposure"] = {order[j]: float(params.coef[i, 5] + params.exposure[0, i])
                                  for i, j in enumerate(comps)}
    prob_map = None
    if calibrated:
        factors, prob_map, cal_origin = stored_calibration(origin, model="drivers_cal" if drivers else "world_cal")
        if factors:
            last = max(h for h, _ in factors)
            full = {(h + 1, lv): factors.get((min(h + 1, last), lv)) for h in range(horizon) for lv in (0.8, 0.9)}
            paths = _recalibrate_paths(paths[None], full)[0]
            info["calibration_origin"] = cal_origin
    back = [order.index(canon[lab]) for lab in wide.columns]
    return paths[:, :, back], {**info, "prob_map": prob_map, "driver_paths": dp}
