"""The study's findings under their 0.3 names: :mod:`kzecon.study.findings` holds one module per result; this module
re-exports them so scripts written as ``kzecon.study.pipeline.trade_shares()`` keep working (the same objects,
nothing recomputed or copied)."""

from kzecon.study.findings import *  # noqa: F403 - the re-export is the module's purpose
from kzecon.study.findings import __all__  # noqa: F401
