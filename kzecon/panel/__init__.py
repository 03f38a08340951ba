"""Panel models of trade dependence: FE/RE/FD/between with honest errors (linearmodels), DiD and event studies
with wild cluster bootstrap and a heterogeneity-robust estimator (pyfixest)."""

from .data import REPORTERS, country_partner_panel, kazakhstan_partner_panel
from .did import did, event_study, event_table, staggered
from .models import absorbing, fit, hausman, make_panel

__all__ = ["REPORTERS", "country_partner_panel", "kazakhstan_partner_panel", "did", "event_study",
           "event_table", "staggered", "absorbing", "fit", "hausman", "make_panel"]
