"""kzecon: measuring and forecasting trade dependence — Kazakhstan between China, Russia and the EU.

Public API: :mod:`kzecon.data` (bundled real datasets, readers, validation), :mod:`kzecon.measures`
(shares, tilt, concentration, balance, asymmetry), :mod:`kzecon.alignment` (UN vote alignment),
:mod:`kzecon.errors`, :mod:`kzecon.results` (the results shape every estimator returns).
"""

from importlib.metadata import PackageNotFoundError, version

from . import alignment, data, errors, measures, results

try:
    __version__ = version("kzecon")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"

__all__ = ["alignment", "data", "errors", "measures", "results", "__version__"]
