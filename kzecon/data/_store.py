"""Where bundled files live, and the SHA-256 check against the manifest."""

from __future__ import annotations

import hashlib
import json
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from kzecon.errors import CoverageError, IntegrityError

from ._registry import DATASETS, DatasetInfo


def bundled_dir() -> Path:
    return Path(str(resources.files("kzecon.data") / "bundled"))


@cache
def manifest() -> dict:
    return json.loads((bundled_dir() / "manifest.json").read_text())


def read_reference(name: str, **read_csv_kwargs) -> pd.DataFrame:
    """A typed reference table shipped in ``kzecon/data/reference/`` (lines starting with ``#`` are comments)."""
    path = resources.files("kzecon.data") / "reference" / name
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", **read_csv_kwargs)


def list_datasets() -> list[str]:
    """Names of the bundled datasets, sorted."""
    return sorted(manifest())


def describe(name: str) -> DatasetInfo:
    """Source, units, coverage, side, caveats, file and hash of a bundled dataset."""
    m = manifest()
    if name not in m:
        raise CoverageError(f"no bundled dataset named {name!r}; known: {', '.join(sorted(m))}")
    entry = m[name]
    meta = dict(DATASETS.get(name, {}))
    extra = {k: v for k, v in entry.items() if k not in {"file", "rows", "sha256", "raw_source"}}
    meta.setdefault("title", name)
    meta.setdefault("source", "see data/PROVENANCE.md")
    meta.setdefault("units", "see data/PROVENANCE.md")
    meta.setdefault("coverage", "see data/PROVENANCE.md")
    return DatasetInfo(name=name, file=entry["file"], rows=entry["rows"], sha256=entry["sha256"],
                       raw_source=entry["raw_source"], extra=extra, **meta)


def verified_path(name: str) -> Path:
    """The path of a bundled dataset's file, its SHA-256 checked against the manifest now (not cached)."""
    _verified.cache_clear()
    return _verified(name)


_READ: set[str] = set()


def datasets_read() -> frozenset[str]:
    """Names of the bundled datasets this process has read (:func:`read_bundled`) so far."""
    return frozenset(_READ)


@cache
def _verified(name: str) -> Path:
    info = describe(name)
    path = bundled_dir() / info.file
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != info.sha256:
        raise IntegrityError(
            f"bundled file {info.file} has SHA-256 {digest[:12]}…, manifest says {info.sha256[:12]}…; "
            "rebuild with data/build/build_all.py or reinstall kzecon")
    return path


def read_bundled(name: str, **read_csv_kwargs) -> pd.DataFrame:
    """Read a bundled dataset after checking its hash; ``attrs['dataset']`` names it. The parsed file is kept for
    the process, keyed by its verified path (bundled files do not change while it runs), and each call returns a
    copy of it, so callers may change what they get."""
    path = _verified(name)
    _READ.add(name)
    if read_csv_kwargs:
        return _parse(path, name, **read_csv_kwargs)
    return _parsed(path, name).copy()


@lru_cache(maxsize=12)
def _parsed(path: Path, name: str) -> pd.DataFrame:
    return _parse(path, name)


def _parse(path: Path, name: str, **read_csv_kwargs) -> pd.DataFrame:
    df = pd.read_csv(path, keep_default_na=False, na_values=[""], **read_csv_kwargs)
    df.attrs["dataset"] = name
    df.attrs["sha256"] = describe(name).sha256
    return df
