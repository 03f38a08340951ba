"""The dependence study: kzecon's own published results, built on the general library below it.

The general library (:mod:`kzecon.data`, :mod:`kzecon.measures`, :mod:`kzecon.timeseries`, :mod:`kzecon.panel`,
:mod:`kzecon.gravity`, :mod:`kzecon.forecast`, :mod:`kzecon.hdfe`, :mod:`kzecon.results`, :mod:`kzecon.alignment`,
:mod:`kzecon.report`) knows no country. This package is the study above it, parameterised by the economy studied
(ISO-3, Kazakhstan by default) and its comparison partners:

=========================  ========================================================================================
:mod:`.pipeline`           one function per published result (shares, breaks, risk, products, customs union,
                           world gravity, UN alignment, peers), each returning one results object
:mod:`.brief`              the HTML policy brief rendered from those results (any economy of the DOTS panel)
:mod:`.eaeu`               the EAEU / customs-union and BRI terms on the annual IMF DOTS world gravity panel
:mod:`.policy_gravity`     Kazakhstan's policy gravity on the Advanced Guide panel (COW v4 to 2006)
:mod:`.customs_union`      the customs-union DiD and Kazakhstan's partner panel
:mod:`.products`           Kazakhstan–China trade by HS sector and its exposure to the oil price
=========================  ========================================================================================

The CLI, ``analyses/`` and the brief call the same functions here; nothing below this package imports it.
"""

import importlib

_MODULES = ("brief", "customs_union", "eaeu", "pipeline", "policy_gravity", "products")
__all__ = list(_MODULES)


def __getattr__(name: str):
    if name in _MODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kzecon.study' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_MODULES))
