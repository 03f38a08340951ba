"""Memory settings for kzecon's own processes — the ``kzecon brief`` command and the brief's second process — never
for a user's Python session.

The brief's models allocate and free arrays of the panel's size (852,642 rows × up to 28 columns) hundreds of
times. With glibc's defaults each large array is mapped afresh and returned on free, and numpy asks for transparent
huge pages for it; on a machine whose kernel compacts memory for huge pages on request (``defrag = madvise``, as on
the project machine) a fresh 184 MB array cost 0.25–0.45 s of page faults in a process that had run for a while,
against 0.02 s in a new one. The two processes spent 5.2–5.9 s of system time in a ``kzecon brief --no-cache``;
with freed memory kept for reuse and without the huge-page request, 2.8–2.9 s, and the build was 2–3 s shorter
(BENCHMARKS.md). A setting the user has given in the environment is left as it is.
"""

from __future__ import annotations

import os

#: glibc's and numpy's settings for the brief's worker (read by a new process at start-up): keep freed memory
#: (trim only above 1 GB), map afresh only arrays above 32 MB (glibc's largest threshold), grow the heap in 256 MB
#: steps, no huge-page request. Every value fits mallopt's C ``int``.
WORKER_ENV = {"MALLOC_TRIM_THRESHOLD_": str(1 << 30), "MALLOC_MMAP_THRESHOLD_": str(32 << 20),
              "MALLOC_TOP_PAD_": str(256 << 20), "NUMPY_MADVISE_HUGEPAGE": "0"}

_MALLOPT = {"MALLOC_TRIM_THRESHOLD_": -1, "MALLOC_TOP_PAD_": -2, "MALLOC_MMAP_THRESHOLD_": -3}  # glibc's M_* codes


def worker_env() -> dict[str, str]:
    """The settings of :data:`WORKER_ENV` the environment does not already give (to add to a new process's)."""
    return {k: v for k, v in WORKER_ENV.items() if k not in os.environ}


def tune_this_process() -> list[str]:
    """Apply :data:`WORKER_ENV` to the running process, where the environment does not set them: glibc's
    ``mallopt`` (on glibc only) and numpy's huge-page request. For kzecon's command line, not for a library call.
    Returns the settings applied."""
    import ctypes

    import numpy as np

    done = []
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt.argtypes, libc.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int  # no silent wrap
    except (OSError, AttributeError):  # not glibc: nothing to set
        libc = None
    for name, code in _MALLOPT.items():
        if libc is not None and name not in os.environ and libc.mallopt(code, int(WORKER_ENV[name])) == 1:
            done.append(name)
    setter = getattr(getattr(np, "_core", None), "multiarray", None)
    setter = getattr(setter, "_set_madvise_hugepage", None)
    if setter is not None and "NUMPY_MADVISE_HUGEPAGE" not in os.environ:
        setter(False)
        done.append("NUMPY_MADVISE_HUGEPAGE")
    return done
