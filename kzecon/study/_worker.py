"""The brief's second process (:class:`Background`) and what it runs: its initializer and its jobs.

A module of its own that imports nothing heavy when loaded: the worker unpickles its initializer and its jobs by
reference, and importing them from :mod:`kzecon.study.brief` would load the brief's figures and templates
(matplotlib, jinja2: 0.4 s) into a process that draws nothing.
"""

from __future__ import annotations

from kzecon import _memory

# kzecon.study.pipeline is imported where it is used: importing this module stays cheap (0.03 s)


def gdp_elasticity_for(country: str):
    """The GDP elasticity the scenarios of ``country``'s headline forecast ask for (the panel to its composition's
    last year, at most 2020), or None when it cannot be estimated (the main process then fits it itself and raises
    where it would have)."""
    from kzecon.errors import KzeconError
    from kzecon.forecast import scenario
    from kzecon.study import pipeline

    try:
        return scenario.gdp_elasticity(int(pipeline.composition(country)["year"].max()))
    except KzeconError:
        return None


def _or_why(fn, **kwargs):
    """``fn(**kwargs)``, or the message of the CoverageError or CountryCodeError it raised: why a section whose data
    exist only for some economies is missing (the main process says it in one line, as for its own sections)."""
    from kzecon.errors import CountryCodeError, CoverageError

    try:
        return fn(**kwargs)
    except (CoverageError, CountryCodeError) as err:
        return str(err)


def world_gravity_and_why(country: str, seed: int):
    """The world gravity and, with its static model's policy terms, the decomposition of ``country``'s share changes
    (one job: the decomposition reads the same DOTS panel): (world gravity, decomposition), or (world gravity, why
    the decomposition is missing)."""
    from kzecon.study import pipeline
    from kzecon.study.decomposition import POLICY_TERMS

    wg = pipeline.world_gravity(seed=seed)
    static = wg.models["ppml_static"].params
    coef = {t: float(static[t]) for t in POLICY_TERMS}
    return wg, _or_why(pipeline.decompose, country=country, coefficients=coef)


def customs_union_or_why(country: str, reps: int, seed: int):
    """:func:`kzecon.study.findings.customs_union`, or why it is missing for ``country`` (its message)."""
    from kzecon.study import pipeline

    return _or_why(pipeline.customs_union, country=country, reps=reps, seed=seed)


TASKS = {"gdp_elasticity": gdp_elasticity_for, "world_gravity_and_why": world_gravity_and_why,
         "customs_union": customs_union_or_why}


def task(name: str):
    """The function a job named ``name`` runs: one of :data:`TASKS`, else ``kzecon.study.pipeline.<name>``."""
    from kzecon.study import pipeline

    return TASKS[name] if name in TASKS else getattr(pipeline, name)


def run(name: str, kwargs: dict):
    """Run ``kzecon.study.pipeline.<name>(**kwargs)`` (or one of the brief's own tasks, :data:`TASKS`) in a worker
    process: the result (it travels without the fitted models' working arrays, see
    :func:`kzecon.results.reduce_frozen`) and the warnings raised on the way."""
    import warnings

    from kzecon.data import datasets_read

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = task(name)(**kwargs)
    return res, [(w.category, str(w.message)) for w in caught], sorted(datasets_read())


def quiet() -> None:
    """A worker ignores Ctrl-C (the terminal sends it to the whole process group): the parent reports the
    interrupt in one line and terminates the worker, which would otherwise print a traceback of its own."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def ready() -> None:
    """A worker's initializer: ignore Ctrl-C (:func:`quiet`) and import the pipeline and what it runs on (pandas,
    numpy, kzecon's estimators: about a second), so that a worker started early (:func:`prestart`) is ready when its
    first job arrives."""
    quiet()
    import kzecon.study.pipeline  # noqa: F401 - imported for its cost, paid here


def _spawn():
    """A one-process pool on a fresh interpreter (spawn), or None on one core. The worker ignores Ctrl-C from its
    first instruction: a spawned interpreter inherits an ignored SIGINT (the initializer runs only after it has
    unpickled its task, and a Ctrl-C before that printed a traceback of its own). It starts with the memory settings
    of :func:`kzecon._memory.worker_env`."""
    import multiprocessing
    import os

    if (os.cpu_count() or 1) < 2:
        return None
    import signal
    import threading

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    added = _memory.worker_env()  # the worker's memory settings, read by the new process at start-up
    os.environ.update(added)
    try:
        return multiprocessing.get_context("spawn").Pool(1, initializer=ready)
    finally:
        for name in added:
            os.environ.pop(name, None)
        if main:
            signal.signal(signal.SIGINT, previous)


_PRESTARTED: list = []  # a pool started by prestart() and not yet taken by a Background


def prestart() -> None:
    """Start the second process now, before this one loads the brief's own modules (matplotlib, the templates): it
    imports the pipeline meanwhile, and the :class:`Background` made next takes it. The command line calls this
    first thing; :func:`discard` ends a worker no build took (a brief served from its cache, an error before)."""
    if not _PRESTARTED:
        pool = _spawn()
        if pool is not None:
            _PRESTARTED.append(pool)


def discard() -> None:
    """Terminate a worker started by :func:`prestart` that no :class:`Background` took."""
    while _PRESTARTED:
        _PRESTARTED.pop().terminate()


class Background:
    """A second process that runs pipeline functions (:meth:`submit`, one after another in the order submitted) while
    this one computes and renders the other sections (the sections are independent; on one core each runs in place,
    when its result is asked for). An error or an interrupt in either process stops both. It takes the process
    :func:`prestart` started, if any, else starts one."""

    def __init__(self):
        self.jobs = []
        self.pool = _PRESTARTED.pop() if _PRESTARTED else _spawn()

    def submit(self, name: str, **kwargs) -> Job:
        """Queue ``kzecon.study.pipeline.<name>(**kwargs)`` (or a task of :data:`TASKS`): its :class:`Job`."""
        job = Job(self.pool, name, kwargs)
        self.jobs.append(job)
        return job

    @property
    def datasets(self) -> list[str]:
        """The datasets the second process read for the jobs asked for."""
        return sorted({d for job in self.jobs for d in job.datasets})

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.pool is not None:
            if exc_type is None and not all(job.done for job in self.jobs):
                self.pool.close()
                self.pool.join()
            else:  # an error, or every result is in: the worker has nothing left to do (no wait for its exit)
                self.pool.terminate()
            self.pool = None  # closed once, whoever closes it first
        return False


class Job:
    """One pipeline function queued in the second process (:class:`Background`); :meth:`result` waits for it and
    re-issues the warnings it raised there (or runs it here, without a second process)."""

    def __init__(self, pool, name: str, kwargs: dict):
        self.name, self.kwargs, self.datasets, self.done = name, kwargs, [], False
        self.job = None if pool is None else pool.apply_async(run, (name, kwargs))

    def result(self):
        import warnings

        if self.job is None:
            self.done = True
            return task(self.name)(**self.kwargs)
        res, caught, self.datasets = self.job.get()
        self.done = True
        for category, message in caught:
            warnings.warn(message, category, stacklevel=2)
        return res
