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
    """A typed reference table shipped in ``kzecon/data/reference/`` (lines starting with ``#`` are comments).

    Reference tables are kzecon's own sourced tables (partner groups, policy membership, the HS-2 sector map,
    published estimates for replication checks), not hashed datasets: they have no manifest entry.

    Parameters
    ----------
    name : str
        File name in ``kzecon/data/reference/``, with its extension (e.g. ``"partner_groups.csv"``,
        ``"policy_membership.csv"``, ``"hs2_sectors.csv"``).
    **read_csv_kwargs
        Passed on to :func:`pandas.read_csv` (e.g. ``dtype={"chapter": str}``).

    Returns
    -------
    pandas.DataFrame
        The table, comment lines left out.

    Raises
    ------
    FileNotFoundError
        If there is no reference file of that name (a Python error, not a kzecon one).

    Examples
    --------
    >>> from kzecon.data import read_reference
    >>> read_reference("partner_groups.csv").columns.tolist()
    ['group', 'iso3', 'from_year', 'to_year', 'source']
    """
    path = resources.files("kzecon.data") / "reference" / name
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", **read_csv_kwargs)


def list_datasets() -> list[str]:
    """Names of the bundled datasets, sorted.

    Returns
    -------
    list of str
        Every name the manifest lists: the names :func:`load` and :func:`describe` take.

    See Also
    --------
    describe : Source, units, coverage and caveats of one.

    Examples
    --------
    >>> from kzecon.data import list_datasets
    >>> names = list_datasets()
    >>> len(names)
    26
    >>> names[:4]
    ['bns_summary', 'brent_annual', 'brent_monthly', 'cepii_dist']
    """
    return sorted(manifest())


def describe(name: str) -> DatasetInfo:
    """Source, units, coverage, side, caveats, file and hash of a bundled dataset.

    Parameters
    ----------
    name : str
        A bundled dataset's name, one of :func:`list_datasets`.

    Returns
    -------
    DatasetInfo
        Its description; ``print()`` it for the text ``kzecon data describe NAME`` shows.

    Raises
    ------
    CoverageError
        If no bundled dataset has that name (the message lists the known ones).

    Examples
    --------
    >>> from kzecon.data import describe
    >>> info = describe("trade_wits")
    >>> info.side
    "reported (Kazakhstan's own declarations)"
    >>> info.caveats[0]
    '2010 Russia/Belarus undercount (EAEU customs union: Russia 10.4% is an artefact)'
    """
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
    """The path of a bundled dataset's file, its SHA-256 checked against the manifest now (not cached).

    Parameters
    ----------
    name : str
        A bundled dataset's name, one of :func:`list_datasets`.

    Returns
    -------
    pathlib.Path
        The file inside the installed package (``kzecon/data/bundled/``), safe to read: its hash matches.

    Raises
    ------
    CoverageError
        If no bundled dataset has that name.
    IntegrityError
        If the file's SHA-256 differs from the manifest (rebuild the data or reinstall kzecon).

    Examples
    --------
    >>> from kzecon.data import verified_path
    >>> verified_path("brent_annual").name
    'brent_annual.csv'
    """
    _verified.cache_clear()
    return _verified(name)


_READ: set[str] = set()


def datasets_read() -> frozenset[str]:
    """Names of the bundled datasets this process has read (:func:`read_bundled`) so far.

    The reports use it to cite exactly the data a result came from.

    Returns
    -------
    frozenset of str
        Dataset names, as :func:`list_datasets` gives them.

    Examples
    --------
    >>> from kzecon.data import datasets_read, load_oil
    >>> _ = load_oil()
    >>> "brent_annual" in datasets_read()
    True
    """
    return frozenset(_READ)


def mark_read(*names: str) -> None:
    """Record bundled datasets as read by this process (:func:`datasets_read`) where a result made from them is
    reused from a per-process cache instead of reading them again."""
    _READ.update(names)


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
    mark_read(name)
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
