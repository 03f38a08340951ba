"""The dependence study: kzecon's own published results, built on the general library below it.

The general library (:mod:`kzecon.data`, :mod:`kzecon.measures`, :mod:`kzecon.timeseries`, :mod:`kzecon.panel`,
:mod:`kzecon.gravity`, :mod:`kzecon.forecast`, :mod:`kzecon.hdfe`, :mod:`kzecon.results`, :mod:`kzecon.alignment`,
:mod:`kzecon.report`) knows no country. This package is the study above it, parameterised by the economy studied
(ISO-3, Kazakhstan by default) and its comparison partners:

=========================  ========================================================================================
:mod:`.findings`           one module per published result (shares, breaks, risk, decomposition, products,
                           customs union, world gravity, UN alignment, peers), each one function of ``country=``
                           returning one results object (:mod:`.pipeline`: the same under their 0.3 names)
:mod:`.brief`              the HTML policy brief rendered from those results (any economy of the DOTS panel)
:mod:`.eaeu`               the EAEU / customs-union and BRI terms on the annual IMF DOTS world gravity panel
:mod:`.policy_gravity`     Kazakhstan's policy gravity on the Advanced Guide panel (COW v4 to 2006)
:mod:`.customs_union`      the customs-union DiD and Kazakhstan's partner panel
:mod:`.products`           Kazakhstan–China trade by HS sector and its exposure to the oil price
=========================  ========================================================================================

The CLI, ``analyses/`` and the brief call the same functions here; nothing below this package imports it.
"""

from kzecon._lazy import attach

_MODULES = ("brief", "customs_union", "eaeu", "findings", "pipeline", "policy_gravity", "products")
__all__ = list(_MODULES)


__getattr__, __dir__ = attach(__name__, globals(), modules=_MODULES)
