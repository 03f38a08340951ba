"""Recalibration of event probabilities that keeps their order: beta calibration.

A model's raw probability p of an event (the share of its simulated paths on which it holds) is mapped to

    logit q = c + a · ln p − b · ln(1 − p),   a, b ≥ :data:`MIN_SLOPE`

(Kull, Silva Filho & Flach 2017, "Beyond sigmoids: how to obtain well-calibrated probabilities from binary
classifiers with beta calibration", Electronic Journal of Statistics 11(2)), fitted by maximum likelihood on earlier
forecasts whose outcomes are known. The map is continuous and strictly increasing in p (its derivative
a/p + b/(1 − p) is positive), so two forecasts with different raw probabilities never print the same calibrated one —
unlike an isotonic regression, whose steps send whole ranges of raw probabilities to one value. It contains the
identity (a = b = 1, c = 0) and Platt scaling on the log-odds (a = b).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_SLOPE = 1e-3  # a and b at least this: the map stays strictly increasing
EPS = 1e-9  # raw probabilities are read inside [EPS, 1 − EPS] (0 and 1 from a finite number of paths)


def _design(p) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    return np.stack([np.ones_like(p), np.log(p), -np.log1p(-p)], axis=-1)


@dataclass(frozen=True)
class BetaCalibration:
    """The map raw probability → calibrated probability (``a``, ``b`` ≥ 0, ``c``), with the number of events it was
    learned from. Picklable: forecasts carrying it cross process boundaries.

    Call it on raw probabilities (a number or an array) to get the calibrated ones.

    Attributes
    ----------
    a : float
        Slope on ln p (at least :data:`MIN_SLOPE` when fitted).
    b : float
        Slope on −ln(1 − p) (at least :data:`MIN_SLOPE` when fitted).
    c : float
        Intercept on the log-odds scale.
    n : int, default 0
        Events the map was learned from (0: not learned, e.g. :data:`IDENTITY`).

    Examples
    --------
    >>> from kzecon.forecast.calibration import BetaCalibration
    >>> BetaCalibration(a=1.0, b=1.0, c=0.0)([0.2, 0.5]).round(3)
    array([0.2, 0.5])
    >>> round(float(BetaCalibration(a=1.0, b=1.0, c=-1.0)(0.5)), 3)
    0.269
    """

    a: float
    b: float
    c: float
    n: int = 0

    def __call__(self, p):
        z = _design(p) @ np.array([self.c, self.a, self.b])
        return 1.0 / (1.0 + np.exp(-z))


IDENTITY = BetaCalibration(1.0, 1.0, 0.0)


def fit_beta(raw, outcome) -> BetaCalibration:
    """Maximum-likelihood beta calibration of ``raw`` probabilities against 0/1 ``outcome`` (scipy's bounded
    L-BFGS-B from the identity).

    Parameters
    ----------
    raw : array_like
        Raw probabilities (read inside [1e-9, 1 − 1e-9]).
    outcome : array_like
        The events' outcomes, 0 or 1, as many as ``raw``.

    Returns
    -------
    BetaCalibration
        With ``n`` = the number of events.

    Examples
    --------
    >>> from kzecon.forecast.calibration import fit_beta
    >>> cal = fit_beta([0.1, 0.2, 0.3, 0.7, 0.8, 0.9, 0.6, 0.4], [0, 0, 1, 1, 1, 1, 0, 0])
    >>> cal.n, cal([0.2, 0.5, 0.8]).round(3)
    (8, array([0.146, 0.414, 0.917]))
    """
    from scipy.optimize import minimize

    X = _design(raw)
    y = np.asarray(outcome, dtype=float)

    def nll(theta):
        z = X @ theta
        # log(1 + e^z) − y z, and its gradient, without overflow
        val = np.sum(np.logaddexp(0.0, z) - y * z)
        grad = X.T @ (1.0 / (1.0 + np.exp(-z)) - y)
        return val, grad

    res = minimize(nll, np.array([0.0, 1.0, 1.0]), jac=True, method="L-BFGS-B",
                   bounds=[(None, None), (MIN_SLOPE, None), (MIN_SLOPE, None)], options={"maxiter": 500})
    c, a, b = (float(v) for v in res.x)
    return BetaCalibration(a=a, b=b, c=c, n=int(len(y)))
