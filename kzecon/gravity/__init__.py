"""Structural gravity: estimation frames with policy terms, PPML with high-dimensional fixed effects (pyfixest),
general-equilibrium counterfactuals, and the Advanced Guide's published results reproduced."""

from . import ge, kazakhstan, replicate
from .ge import GEResult, counterfactual
from .ppml import ols_log, ppml
from .spec import add_leads_lags, add_pair_term, add_policy, estimation_frame

__all__ = ["estimation_frame", "add_policy", "add_pair_term", "add_leads_lags", "ppml", "ols_log", "ge",
           "counterfactual", "GEResult", "replicate", "kazakhstan"]
