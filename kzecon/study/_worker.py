"""What the brief's second process runs (:class:`kzecon.study.brief._Background`): its initializer and its jobs.

A module of its own, importing only the study's findings: the worker unpickles its initializer and its jobs by
reference, and importing them from :mod:`kzecon.study.brief` would load the brief's figures and templates
(matplotlib, jinja2: 0.4 s) into a process that draws nothing.
"""

from __future__ import annotations

import kzecon
from kzecon.study import pipeline
from kzecon.study.decomposition import POLICY_TERMS as DECOMPOSITION_TERMS


def gdp_elasticity_for(country: str):
    """The GDP elasticity the scenarios of ``country``'s headline forecast ask for (the panel to its composition's
    last year, at most 2020), or None when it cannot be estimated (the main process then fits it itself and raises
    where it would have)."""
    from kzecon.errors import KzeconError
    from kzecon.forecast import scenario

    try:
        return scenario.gdp_elasticity(int(pipeline.composition(country)["year"].max()))
    except KzeconError:
        return None


def world_gravity_and_why(country: str, seed: int):
    """The world gravity and, with its static model's policy terms, the decomposition of ``country``'s share changes
    (one job: the decomposition reads the same DOTS panel): (world gravity, decomposition), or (world gravity, why
    the decomposition is missing)."""
    from kzecon.errors import CountryCodeError, CoverageError

    wg = pipeline.world_gravity(seed=seed)
    static = wg.models["ppml_static"].params
    coef = {t: float(static[t]) for t in DECOMPOSITION_TERMS}
    try:
        return wg, pipeline.decompose(country=country, coefficients=coef)
    except (CoverageError, CountryCodeError) as err:
        return wg, str(err)


def customs_union_or_why(country: str, reps: int, seed: int):
    """:func:`kzecon.study.findings.customs_union`, or why it is missing for ``country`` (its message)."""
    from kzecon.errors import CountryCodeError, CoverageError

    try:
        return pipeline.customs_union(country=country, reps=reps, seed=seed)
    except (CoverageError, CountryCodeError) as err:
        return str(err)


TASKS = {"gdp_elasticity": gdp_elasticity_for, "world_gravity_and_why": world_gravity_and_why,
         "customs_union": customs_union_or_why}


def task(name: str):
    """The function a job named ``name`` runs: one of :data:`TASKS`, else ``kzecon.study.pipeline.<name>``."""
    return TASKS[name] if name in TASKS else getattr(pipeline, name)


def run(name: str, kwargs: dict):
    """Run ``kzecon.study.pipeline.<name>(**kwargs)`` (or one of the brief's own tasks, :data:`TASKS`) in a worker
    process: the result (it travels without the fitted models' working arrays, see
    :func:`kzecon.results.reduce_frozen`) and the warnings raised on the way."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = task(name)(**kwargs)
    return res, [(w.category, str(w.message)) for w in caught], sorted(kzecon.data.datasets_read())


def quiet() -> None:
    """A worker ignores Ctrl-C (the terminal sends it to the whole process group): the parent reports the
    interrupt in one line and terminates the worker, which would otherwise print a traceback of its own."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
