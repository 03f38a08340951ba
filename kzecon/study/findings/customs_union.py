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
    """
    from kzecon.study import customs_union as analysis

    _kazakhstan_only(country, "the customs-union difference-in-differences", _DESIGN)
    return analysis.customs_union(reps=reps, seed=seed)


def partner_models(*, country: str = DEFAULT_COUNTRY):
    """The economy's partner × year panel: log trade on partner log GDP (pooled, FE, two-way FE, RE, FD, between)
    and the Hausman test; a :class:`kzecon.study.customs_union.PartnerModels` (Kazakhstan only: its partner panel is
    built from its national series)."""
    from kzecon.study import customs_union as analysis

    _kazakhstan_only(country, "the partner × year panel",
                     "its trade with every partner by year from its own declarations (a national series)")
    return analysis.partner_models()
