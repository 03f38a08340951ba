"""Structural gravity: estimation frames with policy terms, PPML with high-dimensional fixed effects
(kzecon's estimator by default, pyfixest as the other backend), many fits on Dask,
general-equilibrium counterfactuals, and the Advanced Guide's published results reproduced.

The estimators are imported with the package; ``replicate`` (the Advanced Guide's published results),
``inference`` and ``ge`` on first use, so that ``import kzecon.gravity`` and a first fit load
only what the fit needs.
"""

from kzecon._lazy import attach

from .formula import GravityFormula
from .formula import parse as parse_formula
from .ppml import PPML, ols_log, ppml
from .spec import add_leads_lags, add_pair_term, add_policy, estimation_frame

_LAZY_MODULES = ("ge", "inference", "replicate")
_LAZY_NAMES = {"counterfactual": "ge", "GEResult": "ge"}

__all__ = ["estimation_frame", "add_policy", "add_pair_term", "add_leads_lags", "ppml", "PPML", "ols_log",
           "GravityFormula", "parse_formula", "ge",
           "counterfactual", "GEResult", "replicate", "inference"]


__getattr__, __dir__ = attach(__name__, globals(), modules=_LAZY_MODULES, names=_LAZY_NAMES, public=__all__)
