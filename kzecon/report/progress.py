"""Progress of long steps on stderr, through tqdm (shown on a terminal, silent in pipes and tests)."""

from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def bar(total: int, desc: str, *, quiet: bool = False):
    """A tqdm progress bar on stderr; ``quiet`` or a non-terminal stderr gives a silent one.

    Parameters
    ----------
    total : int
        Number of steps the bar counts to (backtest origins, bootstrap replications, simulated paths, …); the
        callback of :func:`updater` resets it when the library reports another total.
    desc : str
        Label printed before the bar (e.g. ``"backtest"``).
    quiet : bool, default False
        True for a silent bar (the CLI's ``--quiet``). With False, tqdm decides: a bar is drawn when stderr is a
        terminal and nothing is written to a pipe, a file or a test's captured stream.

    Yields
    ------
    tqdm.tqdm
        The bar (a context manager's value: ``with bar(...) as pb``), closed and cleared from the terminal when the
        block ends. A silent bar is disabled: its updates do nothing and ``pb.n`` stays 0.

    See Also
    --------
    updater : The ``progress(done, total)`` callback that moves the bar.

    Examples
    --------
    >>> from kzecon.report.progress import bar
    >>> with bar(3, "origins", quiet=True) as pb:
    ...     for _ in range(3):
    ...         _ = pb.update(1)  # one origin done
    ...     print(pb.disable, pb.total)
    True 3
    """
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, file=sys.stderr, disable=True if quiet else None, leave=False,
              dynamic_ncols=True) as pb:
        yield pb


def updater(pb):
    """A ``progress(done, total)`` callback (the library's convention) that moves the bar ``pb`` to ``done`` of
    ``total``.

    Parameters
    ----------
    pb : tqdm.tqdm
        The bar to move, e.g. the one :func:`bar` yields.

    Returns
    -------
    callable
        ``update(done: int, total: int) -> None``: sets the bar's total to ``total`` and its count to ``done`` (steps
        done so far, not steps since the last call), as kzecon's long computations report through their ``progress``
        argument.

    See Also
    --------
    bar : The bar on stderr, silent off a terminal.

    Examples
    --------
    A bar drawn into a buffer (on a terminal, :func:`bar` draws it on stderr):

    >>> import io
    >>> from tqdm import tqdm
    >>> from kzecon.report.progress import updater
    >>> with tqdm(total=10, desc="paths", file=io.StringIO()) as pb:
    ...     progress = updater(pb)
    ...     progress(4, 10)
    ...     progress(7, 12)  # the library reports a new total
    ...     print(pb.n, pb.total)
    7 12
    """

    def update(done: int, total: int) -> None:
        pb.total = total
        pb.update(done - pb.n)

    return update
