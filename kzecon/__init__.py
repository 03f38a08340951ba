"""kzecon: measuring and forecasting trade dependence — Kazakhstan between China, Russia and the EU.

Public API, each family imported on first use: :mod:`kzecon.data` (bundled real datasets, readers, validation),
:mod:`kzecon.measures` (shares, tilt, concentration, balance, asymmetry), :mod:`kzecon.alignment` (UN vote
alignment), :mod:`kzecon.gravity` (PPML, Dask), :mod:`kzecon.panel`, :mod:`kzecon.timeseries`,
:mod:`kzecon.forecast` (compositions, world risk), :mod:`kzecon.report` (tables, figures, output folders),
:mod:`kzecon.hdfe` (fixed-effects demeaning), :mod:`kzecon.errors`, :mod:`kzecon.results` — the general library,
which knows no country — and :mod:`kzecon.study` above it: the dependence study (each result of the brief computed
once, the brief, peers), parameterised by the economy studied, Kazakhstan by default.
"""

from importlib.metadata import PackageNotFoundError, version

from ._lazy import attach

try:
    __version__ = version("kzecon")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"

# every family, imported on first use (``kzecon.gravity`` …): ``import kzecon`` and ``kzecon --help`` stay fast
_FAMILIES = ("alignment", "data", "errors", "measures", "results", "gravity", "panel", "timeseries", "forecast",
             "report", "hdfe", "study")
__all__ = [*_FAMILIES, "__version__"]


__getattr__, __dir__ = attach(__name__, globals(), modules=_FAMILIES)
