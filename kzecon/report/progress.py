"""Progress of long steps on stderr, through tqdm (shown on a terminal, silent in pipes and tests)."""

from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def bar(total: int, desc: str, *, quiet: bool = False):
    """A tqdm progress bar on stderr; ``quiet`` or a non-terminal stderr gives a silent one."""
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, file=sys.stderr, disable=True if quiet else None, leave=False,
              dynamic_ncols=True) as pb:
        yield pb


def updater(pb):
    """A ``progress(done, total)`` callback (the library's convention) that moves the bar ``pb`` to ``done`` of
    ``total``."""

    def update(done: int, total: int) -> None:
        pb.total = total
        pb.update(done - pb.n)

    return update
