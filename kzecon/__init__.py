"""kzecon: measuring and forecasting trade dependence — Kazakhstan between China, Russia and the EU.

Public API: :mod:`kzecon.data` (bundled real datasets, readers, validation), :mod:`kzecon.measures`
(shares, tilt, concentration, balance, asymmetry), :mod:`kzecon.errors`.
"""

from importlib.metadata import PackageNotFoundError, version

from . import data, errors, measures

try:
    __version__ = version("kzecon")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"

__all__ = ["data", "errors", "measures", "__version__"]
