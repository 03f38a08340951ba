"""Finding: the customs-union difference-in-differences and event study, and the economy's partner panel."""

from __future__ import annotations

from kzecon.study.findings.economy import DEFAULT_COUNTRY, _kazakhstan_only

_DESIGN = ("a treated economy that joined a union at a known date and comparable untreated neighbours (the bundled "
           "design is the customs union's two smaller founders from 2010 against post-Soviet controls)")


def customs_union(*, country: str = DEFAULT_COUNTRY, reps: int = 9999, seed: int = 2026):
    """The customs-union DiD and event studies.

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code; the bundled design exists for Kazakhstan only (another economy: a :class:`CoverageError` naming
        what it would need).
    reps : int, default 9999
        Wild cluster bootstrap replications.
    seed : int, default 2026
        Random seed of the bootstrap.

    Returns
    -------
    kzecon.study.customs_union.CustomsUnion

    Raises
    ------
    UsageError
        ``country`` is not an economy the study can run on (:func:`check_country`).
    CoverageError
        ``country`` is not Kazakhstan.

    See Also
    --------
    kzecon.panel.did.did, kzecon.panel.did.event_study : The estimators, on any panel.

    Examples
    --------
    Few replications, for speed (the brief's p-values use 9999):

    >>> from kzecon.study.findings import customs_union
    >>> cu = customs_union(reps=19)
    >>> cu.treated, cu.nobs
    (('BLR', 'KAZ'), 240)
    >>> cu.conf_int().round(3)
                   model        term  lower  upper
    0  did_log_trade_rus  treat_post -0.419  0.111
    1      did_share_chn  treat_post -0.213  0.053
    """
    from kzecon.study import customs_union as analysis

    _kazakhstan_only(country, "the customs-union difference-in-differences", _DESIGN)
    return analysis.customs_union(reps=reps, seed=seed)


def partner_models(*, country: str = DEFAULT_COUNTRY):
    """The economy's partner × year panel: log trade on partner log GDP (pooled, FE, two-way FE, RE, FD, between)
    and the Hausman test; a :class:`kzecon.study.customs_union.PartnerModels` (Kazakhstan only: its partner panel is
    built from its national series).

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code; the partner panel exists for Kazakhstan only.

    Returns
    -------
    kzecon.study.customs_union.PartnerModels

    Raises
    ------
    UsageError
        ``country`` is not an economy the study can run on (:func:`check_country`).
    CoverageError
        ``country`` is not Kazakhstan (the message names the data it would need).

    Notes
    -----
    The eight panel fits take several seconds; the example fits one of them, the two-way FE with Driscoll–Kraay
    errors, on the same panel (Kazakhstan's partner × year trade with WDI GDP).

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.data import load_gdp
    >>> from kzecon.panel.data import kazakhstan_partner_panel
    >>> from kzecon.panel.models import fit
    >>> p = kazakhstan_partner_panel().merge(load_gdp()[["iso3", "year", "gdp_usd"]].rename(
    ...     columns={"iso3": "partner"}), on=["partner", "year"])
    >>> p["log_gdp"] = np.log(p["gdp_usd"])
    >>> r = fit(p, "log_trade", ["log_gdp"], model="twoway", cov="driscoll-kraay", bandwidth=2, entity="partner",
    ...         time="year")
    >>> round(float(r.params["log_gdp"]), 3)
    0.542
    >>> from kzecon.study.findings import partner_models
    >>> partner_models(country="UZB")
    Traceback (most recent call last):
    ...
    kzecon.errors.CoverageError: the partner × year panel for Uzbekistan would need ...
    """
    from kzecon.study import customs_union as analysis

    _kazakhstan_only(country, "the partner × year panel",
                     "its trade with every partner by year from its own declarations (a national series)")
    return analysis.partner_models()
