"""Policy gravity for Kazakhstan on the bundled all-pairs panel (penppml: every 4th year 1964–2016, no domestic flows).

Specification: PPML with exporter-year, importer-year and directional pair fixed effects; RTA (the panel's own
WTO-based indicator, which already counts the customs union / EAEU as an RTA), the customs union of
Belarus, Kazakhstan and Russia (from 2010; EAEU members from 2015) over and above the RTA, with a 4-year lead
(anticipation) and lag (phasing-in), and a Kazakhstan–China term from the 2013 BRI announcement.
No intra-national flows in this panel: no globalisation terms and no GE counterfactuals for Kazakhstan
(the GE module needs X_ii; see ``kzecon.gravity.ge``).
"""

from __future__ import annotations

from kzecon.data import load_gravity
from kzecon.gravity.ppml import ols_log, ppml
from kzecon.gravity.spec import add_leads_lags, add_pair_term, add_policy, estimation_frame
from kzecon.results import ResultsSet

TERMS = ["rta", "customs_union", "customs_union_lead4", "customs_union_lag4", "bri_kaz_chn"]


def policy_frame(panel=None):
    """The all-pairs penppml panel with kzecon's policy terms (customs union with lead and lag, KAZ–CHN BRI)."""
    p = load_gravity("penppml") if panel is None else panel
    f = estimation_frame(p, domestic=False)
    f = add_policy(f, "customs_union")
    f = add_pair_term(f, "KAZ", "CHN", 2013, name="bri_kaz_chn")
    return add_leads_lags(f, "customs_union", leads=[4], lags=[4])


def policy_models(panel=None) -> ResultsSet:
    """A :class:`~kzecon.results.ResultsSet`: ``ppml_policy`` (three-way FE with leads/lags and the KAZ–CHN term),
    ``ppml_policy_nolead`` (without anticipation), ``ols_policy`` (log flows, same fixed effects)."""
    f = policy_frame(panel)
    return ResultsSet({
        "ppml_policy": ppml(f, TERMS, name="ppml_policy"),
        "ppml_policy_nolead": ppml(f, ["rta", "customs_union", "customs_union_lag4", "bri_kaz_chn"],
                                   name="ppml_policy_nolead"),
        "ols_policy": ols_log(f, TERMS, fe=("exp_year", "imp_year", "pair"), name="ols_policy"),
    })
