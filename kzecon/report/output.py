"""Writing a command's or the brief's files so that no reader ever sees half of them."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kzecon.errors import DataFileError

if TYPE_CHECKING:
    import pandas as pd


_STOP: dict = {"by": None}  # "interrupted" / "terminated" once a signal asked the command to stop


def request_stop(by: str) -> None:
    """Record that a signal asked the running command to stop (the CLI's SIGINT / SIGTERM handlers call it): even
    where a library swallows the KeyboardInterrupt the signal raised, no :class:`Output` is committed afterwards.

    Parameters
    ----------
    by : str
        What asked: ``"interrupted"`` (SIGINT, Ctrl-C) or ``"terminated"`` (SIGTERM), as the CLI passes; any text is
        kept as given and becomes the message of the KeyboardInterrupt raised later.

    See Also
    --------
    stop_requested, raise_if_stopped, clear_stop

    Examples
    --------
    >>> from kzecon.report.output import clear_stop, request_stop, stop_requested
    >>> request_stop("interrupted")
    >>> stop_requested()
    'interrupted'
    >>> clear_stop()
    """
    _STOP["by"] = by


def clear_stop() -> None:
    """Forget an earlier stop request (at the start of a command).

    See Also
    --------
    request_stop

    Examples
    --------
    >>> from kzecon.report.output import clear_stop, request_stop, stop_requested
    >>> request_stop("terminated")
    >>> clear_stop()
    >>> stop_requested() is None
    True
    """
    _STOP["by"] = None


def stop_requested() -> str | None:
    """``"interrupted"`` or ``"terminated"`` when a signal asked the command to stop, else None.

    Returns
    -------
    str or None
        What :func:`request_stop` recorded since the last :func:`clear_stop`; None when nothing asked.

    Examples
    --------
    >>> from kzecon.report.output import clear_stop, stop_requested
    >>> clear_stop()
    >>> print(stop_requested())
    None
    """
    return _STOP["by"]


def raise_if_stopped() -> None:
    """Raise KeyboardInterrupt when a signal asked the command to stop (long computations call it between steps).

    Raises
    ------
    KeyboardInterrupt
        When :func:`request_stop` was called since the last :func:`clear_stop`; its message is what asked
        (``"interrupted"`` or ``"terminated"``). Nothing happens otherwise.

    Examples
    --------
    >>> from kzecon.report.output import clear_stop, raise_if_stopped, request_stop
    >>> raise_if_stopped()  # nothing asked: returns
    >>> request_stop("terminated")
    >>> try:
    ...     raise_if_stopped()
    ... except KeyboardInterrupt as stop:
    ...     print("stopped:", stop)
    stopped: terminated
    >>> clear_stop()
    """
    if _STOP["by"] is not None:
        raise KeyboardInterrupt(_STOP["by"])


def _plain(x):
    """numpy scalars and arrays as plain JSON values."""
    import numpy as np

    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def _umask() -> int:
    """The process's file-creation mask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class Output:
    """The files of one command, written into a temporary folder beside ``DIR`` and moved into ``DIR`` only when
    the command has finished: an interrupted, failed or concurrent run never leaves a half-written output.

    ``DIR`` that does not exist yet is created by one rename; into an existing ``DIR`` each file is moved with
    ``os.replace`` (atomic per file; files of earlier runs that this run does not write are left as they were).

    Use it as a context manager: the files are written with :meth:`csv`, :meth:`json`, :meth:`figure` (or into
    :meth:`path`) inside the ``with`` block and moved into ``DIR`` when the block ends without an exception. When
    the block raises, or a signal asked the command to stop (:func:`request_stop`), the temporary folder is removed
    and ``DIR`` is left as it was.

    Parameters
    ----------
    path : str or pathlib.Path
        The output folder ``DIR`` (relative to the working directory or absolute). Its parent folders are created
        on entering the ``with`` block; ``DIR`` itself appears only when the block completes.

    Attributes
    ----------
    final : pathlib.Path
        The output folder ``DIR``, as given.
    tmp : pathlib.Path or None
        The temporary folder beside ``DIR`` (named ``.<DIR's name>.kzecon-tmp-…``) while the block runs; None
        before it.
    written : list of str
        Names of the files written so far, in the order first written (each once).

    Raises
    ------
    DataFileError
        On entering the ``with`` block: if the parent folder of ``DIR`` cannot be created or written to, or ``DIR``
        exists and is a file, not a folder.
    KeyboardInterrupt
        On leaving the block, when a signal asked the command to stop (:func:`request_stop`) and a library
        swallowed the KeyboardInterrupt it raised: nothing is committed.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from kzecon.report.output import Output
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with Output(Path(tmp) / "out") as out:
    ...         out.csv(pd.DataFrame({"year": [2022, 2023], "share": [0.2, 0.215]}), "shares.csv")
    ...         out.json({"reporter": "KAZ", "years": [2022, 2023]}, "meta.json")
    ...         print((Path(tmp) / "out").exists())  # nothing in DIR before the block ends
    ...     print(sorted(p.name for p in (Path(tmp) / "out").iterdir()))
    False
    ['meta.json', 'shares.csv']

    A failing block leaves no folder behind:

    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     try:
    ...         with Output(Path(tmp) / "out") as out:
    ...             out.json({"step": 1}, "meta.json")
    ...             raise RuntimeError("the estimation failed")
    ...     except RuntimeError:
    ...         pass
    ...     print(sorted(p.name for p in Path(tmp).iterdir()))
    []
    """

    def __init__(self, path: str | Path):
        self.final = Path(path)
        self.tmp: Path | None = None
        self.written: list[str] = []

    def __enter__(self) -> Output:
        parent = self.final.parent if str(self.final.parent) else Path(".")
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.kzecon-tmp-", dir=parent))
            # mkdtemp makes the folder private (0700); the output folder gets the user's umask, as mkdir gives
            os.chmod(self.tmp, 0o777 & ~_umask())
        except OSError as err:
            raise DataFileError(f"cannot write to {self.final}: {err.strerror or err}") from err
        if self.final.exists() and not self.final.is_dir():
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise DataFileError(f"output folder {self.final} is a file, not a folder")
        return self

    def path(self, name: str) -> Path:
        """Path of ``name`` inside the temporary folder (recorded as written), for a writer of one's own.

        Only inside the ``with`` block (before it the temporary folder does not exist).

        Parameters
        ----------
        name : str
            File name relative to ``DIR``; may name subfolders (``"figures/shares.png"``), which are created.

        Returns
        -------
        pathlib.Path
            Where to write the file now; it is moved to ``DIR / name`` when the block completes.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from kzecon.report.output import Output
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     with Output(Path(tmp) / "out") as out:
        ...         _ = out.path("notes/readme.txt").write_text("read me")
        ...     print((Path(tmp) / "out" / "notes" / "readme.txt").read_text().strip(), out.written)
        read me ['notes/readme.txt']
        """
        p = self.tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if name not in self.written:
            self.written.append(name)
        return p

    def csv(self, df: pd.DataFrame, name: str) -> None:
        """Write ``df`` as ``name`` (no index, Unix line ends).

        Parameters
        ----------
        df : pandas.DataFrame
            The table; its index is not written (reset it first to keep it).
        name : str
            File name relative to ``DIR`` (e.g. ``"shares.csv"``).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import pandas as pd
        >>> from kzecon.report.output import Output
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     with Output(Path(tmp) / "out") as out:
        ...         out.csv(pd.DataFrame({"year": [2023], "share": [0.215]}), "shares.csv")
        ...     print((Path(tmp) / "out" / "shares.csv").read_text())
        year,share
        2023,0.215
        <BLANKLINE>
        """
        df.to_csv(self.path(name), index=False, lineterminator="\n")

    def json(self, data: dict, name: str) -> None:
        """Write ``data`` as ``name`` (UTF-8 JSON, indented, keys in the given order).

        Parameters
        ----------
        data : dict
            JSON-serialisable values; numpy scalars and arrays are written as plain numbers and lists, non-ASCII
            text as is (not ``\\u`` escapes).
        name : str
            File name relative to ``DIR`` (e.g. ``"meta.json"``).

        Raises
        ------
        TypeError
            If a value is neither JSON-serialisable nor a numpy scalar or array (e.g. a DataFrame).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import numpy as np
        >>> from kzecon.report.output import Output
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     with Output(Path(tmp) / "out") as out:
        ...         out.json({"reporter": "KAZ", "share": np.float64(0.215)}, "meta.json")
        ...     print((Path(tmp) / "out" / "meta.json").read_text())
        {
          "reporter": "KAZ",
          "share": 0.215
        }
        <BLANKLINE>
        """
        import json

        self.path(name).write_text(json.dumps(data, indent=2, ensure_ascii=False, default=_plain) + "\n",
                                   encoding="utf-8")

    def figure(self, fig, name: str) -> None:
        """Save ``fig`` as ``name`` in kzecon's figure style (no timestamps).

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            The figure, e.g. one of :mod:`kzecon.report.figures`.
        name : str
            File name relative to ``DIR``, ending in ``.png``: the figure is saved as PNG
            (:func:`kzecon.report.figures.save` with its default format) under ``name`` with its suffix replaced by
            ``.png``, while ``name`` is recorded in :attr:`written` as given.

        Examples
        --------
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import tempfile
        >>> from pathlib import Path
        >>> import pandas as pd
        >>> from kzecon.report import figures
        >>> from kzecon.report.output import Output
        >>> tilt = pd.DataFrame({"year": [2021, 2022, 2023], "flow": "total", "difference": [-0.02, 0.01, 0.02]})
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     with Output(Path(tmp) / "out") as out:
        ...         out.figure(figures.tilt(tilt), "tilt.png")
        ...     print(sorted(p.name for p in (Path(tmp) / "out").iterdir()))
        ['tilt.png']
        >>> import matplotlib.pyplot as plt; plt.close("all")
        """
        from kzecon.report import figures

        figures.save(fig, self.path(name))

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        if stop_requested() is not None:  # a signal arrived and some library swallowed its KeyboardInterrupt
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise KeyboardInterrupt(stop_requested())
        try:
            if not self.final.exists():
                os.replace(self.tmp, self.final)
                return
            for p in sorted(self.tmp.rglob("*")):
                if p.is_file():
                    dest = self.final / p.relative_to(self.tmp)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(p, dest)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def report(self) -> None:
        """Print one line naming the folder and the files written (after the ``with`` block).

        The first file is given with the folder's path (as passed to :class:`Output`), the others by name.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import pandas as pd
        >>> from kzecon.report.output import Output
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     with Output(Path(tmp) / "out") as out:
        ...         out.csv(pd.DataFrame({"year": [2023]}), "shares.csv")
        ...         out.json({"reporter": "KAZ"}, "meta.json")
        ...     out.report()
        wrote .../out/shares.csv, meta.json
        """
        shown = ", ".join(self.written[:1] and [str(self.final / self.written[0])] + self.written[1:])
        print(f"wrote {shown}")
