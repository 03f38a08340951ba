"""Finding: why the tilt — each partner's share change split into the world's part, policy and the economy's own."""

from __future__ import annotations

import functools

import numpy as np

from kzecon.study.findings.composition import composition
from kzecon.study.findings.economy import DEFAULT_COUNTRY, check_country, country_name, kzecon_data


@functools.lru_cache(maxsize=1)
def policy_coefficients() -> dict:
    """The policy terms of the annual world gravity model (:data:`kzecon.study.eaeu.SPECS` ``ppml_static`` on the
    DOTS panel 2000–2020): {term: PPML estimate} for the decomposition's policy part (fitted once per process).

    Returns
    -------
    dict of {str: float}
        ``eaeu``, ``bri_kaz_chn``, ``bri_chn`` (:data:`kzecon.study.decomposition.POLICY_TERMS`) → the estimate, in
        log points.

    See Also
    --------
    kzecon.study.eaeu.eaeu_models : The same model with its inference.

    Notes
    -----
    The fit (PPML with exporter-year, importer-year and pair effects on some 850,000 flows) takes about ten seconds
    and more, too long for an example; the example shows the terms and the model they come from.

    Examples
    --------
    >>> from kzecon.study import eaeu
    >>> from kzecon.study.decomposition import POLICY_TERMS
    >>> POLICY_TERMS
    ('eaeu', 'bri_kaz_chn', 'bri_chn')
    >>> f"flow ~ {eaeu.SPECS['ppml_static']} | {eaeu.FE}"
    'flow ~ eaeu + rta + bri_kaz_chn + bri_chn | exp_year + imp_year + pair'
    """
    from kzecon.gravity.ppml import PPML
    from kzecon.study import eaeu
    from kzecon.study.decomposition import POLICY_TERMS

    fit = PPML(eaeu.eaeu_frame(), f"flow ~ {eaeu.SPECS['ppml_static']} | {eaeu.FE}", name="ppml_static").fit()
    return {t: float(fit.params[t]) for t in POLICY_TERMS}


def decompose(*, country: str = DEFAULT_COUNTRY, start: int | None = None, end: int | None = None,
              coefficients: dict | None = None):
    """Each partner's share change of ``country`` from ``start`` (default 2000, or the composition's first year) to
    ``end`` (default the last year both its composition and the world's data cover) split into the world's part,
    the policy part and its own: a :class:`kzecon.study.decomposition.Decomposition`. ``coefficients``: the world
    gravity model's policy terms (default :func:`policy_coefficients`).

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code of the economy (:func:`check_country`); its composition is :func:`composition`'s.
    start : int, optional
        First year of the period (1900–2100; default 2000, or the composition's first year if later).
    end : int, optional
        Last year (default the last year both the composition and the world's data cover: 2020 at most).
    coefficients : dict of {str: float}, optional
        Exactly the policy terms ``eaeu``, ``bri_kaz_chn``, ``bri_chn`` → finite estimates in log points (default
        :func:`policy_coefficients`, a PPML fit of the world panel).

    Returns
    -------
    kzecon.study.decomposition.Decomposition
        With ``info``: the economy's name, the period and the sources and sides of each part.

    Raises
    ------
    UsageError
        ``country`` is not an economy the study can run on; ``coefficients`` does not give exactly the three terms
        as finite numbers; ``start`` or ``end`` is not a whole year in 1900–2100; the period does not run forward.
    CoverageError
        ``start`` or ``end`` is outside the composition or after the world's data (2020); no bilateral flows of the
        economy in ``end`` (:func:`kzecon.study.decomposition.policy_factors`).

    See Also
    --------
    kzecon.study.decomposition.decompose : The same for any composition and coefficients.

    Notes
    -----
    Without ``coefficients`` the first call fits the world gravity model (ten seconds and more), and a period that
    ends in 2010 or later reads the bilateral flows of the DOTS panel (a few seconds); the example gives the
    coefficients (illustrative values, not estimates) and ends in 2009, before any policy term switches on, so the
    policy part is zero.

    Examples
    --------
    >>> from kzecon.study.findings import decompose
    >>> d = decompose(end=2009, coefficients={"eaeu": 0.1, "bri_kaz_chn": 0.2, "bri_chn": 0.05})
    >>> print(d.summary())
    KAZ, 2000→2009: share change (points) = world + policy + own
      china      +7.2 =   +3.8   +0.0   +3.4
      russia    -12.4 =  +11.0   +0.0  -23.4
      eu        +17.9 =   -3.1   +0.0  +20.9
      rest      -12.6 =  -11.7   +0.0   -1.0
    >>> d.dominant("russia")
    'own'
    """
    from kzecon.data.validate import whole_number
    from kzecon.errors import UsageError
    from kzecon.study import decomposition as dec

    country = check_country(country)
    if coefficients is not None:
        if not isinstance(coefficients, dict) or set(coefficients) != set(dec.POLICY_TERMS):
            raise UsageError(f"coefficients must give exactly the policy terms {', '.join(dec.POLICY_TERMS)}; got "
                             f"{coefficients!r}")
        bad = {k: v for k, v in coefficients.items() if isinstance(v, bool)
               or not isinstance(v, int | float | np.floating) or not np.isfinite(v)}
        if bad:
            raise UsageError(f"coefficients must be finite numbers (log points); got {bad!r}")
    start = None if start is None else whole_number(start, "start (--from)", 1900, 2100)
    end = None if end is None else whole_number(end, "end (--to)", 1900, 2100)
    comp = composition(country)
    years = comp["year"]
    first, last = int(years.min()), int(years.max())
    world_last = int(kzecon_data().load_compositions(side="reported", flow="total")["year"].max())
    start = max(dec.DEFAULT_FROM, first) if start is None else int(start)
    end = min(last, world_last) if end is None else int(end)
    dec.check_period(comp, country=country, start=start, end=end, world_last_year=world_last)  # before any fit
    res = dec.decompose(comp, country=country, start=start, end=end,
                        coefficients=policy_coefficients() if coefficients is None else coefficients,
                        world_last_year=world_last)
    info = {"country": country, "name": country_name(country), "from_year": start, "to_year": end,
            "composition": {"side": comp.attrs.get("side", ""), "source": comp.attrs.get("source", ""),
                            "years": [first, last]},
            "world": {"source": "IMF DOTS compositions (compositions_dots), reported side, exports + imports, "
                                "weighted by each reporter's total; reporter-years more than half estimated by the "
                                "IMF left out; the economy and each part's own members left out",
                      "side": "reported", "years": [start, end],
                      "reporters": {r.part: int(r.reporters) for r in res.world_shares[res.world_shares["year"]
                                                                                      == end].itertuples()}},
            "policy": {"source": "PPML of the annual IMF DOTS gravity panel 2000–2020 (preferred flow), exporter-year, "
                                 "importer-year and pair fixed effects (kzecon.study.eaeu, ppml_static); bilateral "
                                 f"flows of {country} in {end} from the same panel",
                       "side": "preferred flow (importer-reported / 1.10, else exporter-reported)",
                       "coefficients": res.coefficients, "years": [2000, world_last]}}
    import dataclasses

    return dataclasses.replace(res, info=info)
