"""Structural gravity: estimation frames with policy terms, PPML with high-dimensional fixed effects
(kzecon's estimator by default, pyfixest as the other backend), many fits on Dask,
general-equilibrium counterfactuals, and the Advanced Guide's published results reproduced."""

from . import ge, inference, kazakhstan, replicate, world
from .formula import GravityFormula
from .formula import parse as parse_formula
from .ge import GEResult, counterfactual
from .ppml import PPML, ols_log, ppml
from .spec import add_leads_lags, add_pair_term, add_policy, estimation_frame

__all__ = ["estimation_frame", "add_policy", "add_pair_term", "add_leads_lags", "ppml", "PPML", "ols_log",
           "GravityFormula", "parse_formula", "ge",
           "counterfactual", "GEResult", "replicate", "kazakhstan", "world", "inference"]
