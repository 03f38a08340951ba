"""Finding: why the tilt — each partner's share change split into the world's part, policy and the economy's own."""

from __future__ import annotations

import functools

import numpy as np

from kzecon.study.findings.composition import composition
from kzecon.study.findings.economy import DEFAULT_COUNTRY, check_country, country_name, kzecon_data


@functools.lru_cache(maxsize=1)
def policy_coefficients() -> dict:
    """The policy terms of the annual world gravity model (:data:`kzecon.study.eaeu.SPECS` ``ppml_static`` on the
    DOTS panel 2000–2020): {term: PPML estimate} for the decomposition's policy part (fitted once per process)."""
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
    gravity model's policy terms (default :func:`policy_coefficients`)."""
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
