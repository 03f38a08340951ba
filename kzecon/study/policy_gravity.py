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
    """The all-pairs penppml panel with kzecon's policy terms (customs union with lead and lag, KAZ–CHN BRI).

    Parameters
    ----------
    panel : DataFrame, optional
        A gravity panel of the penppml shape: exporter, importer, year, flow, rta (default the bundled one,
        :func:`kzecon.data.load_gravity` ``("penppml")``: every 4th year 1964–2016).

    Returns
    -------
    DataFrame
        The estimation frame (:func:`kzecon.gravity.spec.estimation_frame`, no domestic flows) with the 0/1 columns
        customs_union, customs_union_lead4, customs_union_lag4 and bri_kaz_chn.

    Examples
    --------
    >>> from kzecon.study.policy_gravity import TERMS, policy_frame
    >>> f = policy_frame()
    >>> f[f["year"] == 2016][TERMS].sum().to_dict()
    {'rta': 7060, 'customs_union': 20, 'customs_union_lead4': 20, 'customs_union_lag4': 6, 'bri_kaz_chn': 2}
    """
    p = load_gravity("penppml") if panel is None else panel
    f = estimation_frame(p, domestic=False)
    f = add_policy(f, "customs_union")
    f = add_pair_term(f, "KAZ", "CHN", 2013, name="bri_kaz_chn")
    return add_leads_lags(f, "customs_union", leads=[4], lags=[4])


def policy_models(panel=None) -> ResultsSet:
    """A :class:`~kzecon.results.ResultsSet`: ``ppml_policy`` (three-way FE with leads/lags and the KAZ–CHN term),
    ``ppml_policy_nolead`` (without anticipation), ``ols_policy`` (log flows, same fixed effects).

    Parameters
    ----------
    panel : DataFrame, optional
        The gravity panel (:func:`policy_frame`; default the bundled penppml panel).

    Returns
    -------
    kzecon.results.ResultsSet
        ppml_policy, ppml_policy_nolead, ols_policy.

    Notes
    -----
    The three fits of the whole panel take some fifteen seconds; the example fits them on the trade among sixteen
    economies (Kazakhstan, its neighbours and large partners), which is fast but not the estimate.

    Examples
    --------
    >>> import kzecon
    >>> from kzecon.study.policy_gravity import policy_models
    >>> g = kzecon.data.load_gravity("penppml")
    >>> keep = ["KAZ", "CHN", "RUS", "BLR", "ARM", "KGZ", "UZB", "DEU", "USA", "TUR", "IND", "JPN", "UKR", "MNG", "IRN",
    ...         "KOR"]
    >>> m = policy_models(g[g["exporter"].isin(keep) & g["importer"].isin(keep)])
    >>> print(m.summary())
    model                   ppml_policy ppml_policy_nolead      ols_policy
    term
    rta                  -0.033 (0.068)     -0.034 (0.068)   0.452 (0.225)
    customs_union         0.170 (0.203)     -0.005 (0.203)   0.049 (0.200)
    customs_union_lead4  -0.528 (0.189)                     -0.557 (0.245)
    customs_union_lag4    0.387 (0.149)      0.384 (0.147)  -0.183 (0.209)
    bri_kaz_chn          -0.165 (0.124)     -0.175 (0.122)  -0.896 (0.204)
    N                             1,714              1,714           1,641
    """
    f = policy_frame(panel)
    return ResultsSet({
        "ppml_policy": ppml(f, TERMS, name="ppml_policy"),
        "ppml_policy_nolead": ppml(f, ["rta", "customs_union", "customs_union_lag4", "bri_kaz_chn"],
                                   name="ppml_policy_nolead"),
        "ols_policy": ols_log(f, TERMS, fe=("exp_year", "imp_year", "pair"), name="ols_policy"),
    })
