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
    where a library swallows the KeyboardInterrupt the signal raised, no :class:`Output` is committed afterwards."""
    _STOP["by"] = by


def clear_stop() -> None:
    """Forget an earlier stop request (at the start of a command)."""
    _STOP["by"] = None


def stop_requested() -> str | None:
    """"interrupted" or "terminated" when a signal asked the command to stop, else None."""
    return _STOP["by"]


def raise_if_stopped() -> None:
    """Raise KeyboardInterrupt when a signal asked the command to stop (long computations call it between steps)."""
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
        """Path of ``name`` inside the temporary folder (recorded as written)."""
        p = self.tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if name not in self.written:
            self.written.append(name)
        return p

    def csv(self, df: pd.DataFrame, name: str) -> None:
        """Write ``df`` as ``name`` (no index, Unix line ends)."""
        df.to_csv(self.path(name), index=False, lineterminator="\n")

    def json(self, data: dict, name: str) -> None:
        """Write ``data`` as ``name`` (UTF-8 JSON, indented, keys in the given order)."""
        import json

        self.path(name).write_text(json.dumps(data, indent=2, ensure_ascii=False, default=_plain) + "\n",
                                   encoding="utf-8")

    def figure(self, fig, name: str) -> None:
        """Save ``fig`` as ``name`` in kzecon's figure style (no timestamps)."""
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
        """Print one line naming the folder and the files written."""
        shown = ", ".join(self.written[:1] and [str(self.final / self.written[0])] + self.written[1:])
        print(f"wrote {shown}")
