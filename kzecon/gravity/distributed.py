"""Many independent PPML fits on Dask (dask.distributed): one per group of a panel (sector-by-sector gravity on
ITPD-E's 170 industries or BACI's ~5,000 products) or one per placebo draw (randomization inference), from a
laptop's local cluster to a real one, with the same results as one process.

* :func:`ppml_by` — groups are read and fitted where the data is: the panel becomes a Dask DataFrame (read from
  CSV/Parquet files by the workers, or split from a pandas frame), is shuffled so that each group lands in one
  partition, and every partition fits its groups with :class:`kzecon.gravity.PPML`; only the small tidy result
  table of each group travels back to the driver. A group that cannot be fitted (no convergence, separation of
  every flow, too few rows) is a row with its reason, never a lost group; a regressor absorbed by the fixed effects
  in one group (a sector with no variation in it) is dropped from that group's model, as fixest does, and reported
  as a row with status ``absorbed``. Dask re-runs the
  tasks of a worker that dies, so a group is neither lost nor counted twice.
* :func:`map_batches` — the placebo refits of :func:`kzecon.gravity.inference.randomization_inference`: the model
  is sent once to every worker, the draws in batches.

``client``: ``None`` starts a local cluster with the machine's cores (or ``workers``) for the call and closes it
afterwards; a ``dask.distributed.Client`` or a scheduler address (``"tcp://host:8786"``) runs on that cluster.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from kzecon.errors import DataFileError, KzeconError, SchemaError, SpecificationError, UsageError

from .formula import GravityFormula, parse

RESULT_COLUMNS = ["sector", "model", "term", "estimate", "std_error", "nobs", "n_dropped", "dropped", "status",
                  "reason"]
# layouts of the per-product / per-industry gravity files users bring: their columns → kzecon's
LAYOUTS = {
    "baci": {"t": "year", "i": "exporter", "j": "importer", "k": "sector", "v": "flow"},
    "itpd": {"exporter_iso3": "exporter", "importer_iso3": "importer", "industry_id": "sector", "trade": "flow"},
}


SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")


def check_scheduler_address(address: str) -> str:
    """A Dask scheduler address as ``[scheme://]host:port`` (scheme tcp, tls, ws, wss, ucx or inproc; port
    1–65535), checked before connecting: a malformed one is a :class:`UsageError` naming it.

    Parameters
    ----------
    address : str
        ``"tcp://10.0.0.5:8786"``, ``"10.0.0.5:8786"`` (tcp assumed), ``"[::1]:8786"``, or ``"inproc://…"``.

    Returns
    -------
    str
        The address, stripped (unchanged otherwise).

    Raises
    ------
    UsageError
        An unknown scheme, no host or port, a port outside 1–65535, or white space inside.

    Examples
    --------
    >>> from kzecon.gravity.distributed import check_scheduler_address
    >>> check_scheduler_address(" tcp://10.0.0.5:8786 ")
    'tcp://10.0.0.5:8786'
    """
    text = str(address).strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    if scheme not in SCHEMES:
        raise UsageError(f"scheduler address {address!r}: unknown scheme {scheme!r} (use {', '.join(SCHEMES)})")
    if scheme == "inproc":
        return text
    host, colon, port = rest.rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536 or any(c.isspace() for c in rest):
        raise UsageError(f"scheduler address {address!r} must read host:port or tcp://host:port "
                         "(e.g. tcp://10.0.0.5:8786)")
    return text


@contextmanager
def client_for(client=None, *, workers: int | None = None):
    """A dask.distributed Client: the one given, one connected to a scheduler address, or a local cluster with
    ``workers`` single-threaded worker processes (default: the machine's cores) closed on exit.

    A context manager: ``with client_for("tcp://10.0.0.5:8786") as c: ...``.

    Parameters
    ----------
    client : dask.distributed.Client, str or None, default None
        A Client (used as it is, not closed), a scheduler address (connected, closed on exit), or None (a local
        cluster for the ``with`` block).
    workers : int, optional
        Worker processes of the local cluster. Default None: ``os.cpu_count()``.

    Yields
    ------
    dask.distributed.Client

    Raises
    ------
    UsageError
        A malformed scheduler address.
    DataFileError
        The scheduler cannot be reached within 20 s.
    """
    from dask.distributed import Client, LocalCluster

    if client is not None and not isinstance(client, str):
        yield client
        return
    if isinstance(client, str):
        check_scheduler_address(client)
        try:
            c = Client(client, timeout="20s")
        except (OSError, ValueError, TypeError) as err:
            raise DataFileError(f"cannot reach the Dask scheduler at {client}: {err}") from None
        try:
            yield c
        finally:
            c.close()
        return
    n = workers or os.cpu_count() or 1
    # one thread per worker: kzecon's demeaning already uses the cores it is given (numba)
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as c:
        yield c


def _fit_group(g: pd.DataFrame, key, formula: str, cluster, kwargs: dict) -> pd.DataFrame:
    from .ppml import PPML

    def failed(reason: str) -> pd.DataFrame:
        return pd.DataFrame([{"sector": key, "model": kwargs.get("name", "ppml"), "term": None, "estimate": np.nan,
                              "std_error": np.nan, "nobs": 0, "n_dropped": len(g), "dropped": "",
                              "status": "failed", "reason": reason}])

    name = kwargs.get("name", "ppml")
    fit_kw = {k: v for k, v in kwargs.items() if k in ("tol", "maxiter", "backend")}
    spec = parse(formula)
    absorbed: dict[str, str] = {}
    while True:  # as fixest: a regressor absorbed in this group is dropped from it, reported, and the rest fitted
        f = GravityFormula(spec.depvar, tuple(t for t in spec.terms if t not in absorbed), spec.fixed_effects)
        try:
            # collinear="raise": a term absorbed in this group is reported as its own row (status "absorbed")
            model = PPML(g, f.text, cluster=cluster, name=name, collinear="raise",
                         **{k: v for k, v in kwargs.items() if k in ("offset", "separation_check")})
            r = model.fit(**fit_kw)
            break
        except SpecificationError as err:
            gone = [t for t in err.terms if t in f.terms]
            if not gone or len(gone) == len(f.terms):
                return failed(f"{type(err).__name__}: {str(err)[:300]}")
            absorbed.update({t: f"{type(err).__name__}: {str(err)[:300]}" for t in gone})
        except KzeconError as err:
            return failed(f"{type(err).__name__}: {str(err)[:300]}")
        except (ValueError, np.linalg.LinAlgError, FloatingPointError) as err:  # numerical failure of this group
            return failed(f"{type(err).__name__}: {str(err)[:300]}")
    dropped = "; ".join(f"{row.rows} {row.reason}" for row in r.dropped.itertuples())
    t = r.to_frame()
    rows = pd.DataFrame({"sector": key, "model": name, "term": t["term"], "estimate": t["estimate"],
                         "std_error": t["std_error"], "nobs": r.nobs, "n_dropped": r.n_dropped, "dropped": dropped,
                         "status": "ok", "reason": ""})
    if absorbed:
        lost = pd.DataFrame({"sector": key, "model": name, "term": list(absorbed), "estimate": np.nan,
                             "std_error": np.nan, "nobs": r.nobs, "n_dropped": r.n_dropped, "dropped": dropped,
                             "status": "absorbed", "reason": list(absorbed.values())})
        rows = pd.concat([rows, lost], ignore_index=True)
        order = {t: i for i, t in enumerate(spec.terms)}
        rows = rows.sort_values("term", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    return rows


def _fit_partition(part: pd.DataFrame, by: str, formula: str, cluster, kwargs: dict,
                   prepare: Callable | None) -> pd.DataFrame:
    from kzecon.data.countries import normalise_codes

    out = []
    for c in ("exporter", "importer"):  # the same code normalisation as a single frame gets (kaz → KAZ, ROM → ROU)
        if c in part.columns and part[c].dtype == object:
            part = part.assign(**{c: normalise_codes(part[c], c)[0]})
    for key, g in part.groupby(by, sort=True):
        g = g.reset_index(drop=True)
        if prepare is not None:
            g = prepare(g)
        out.append(_fit_group(g, key, formula, cluster, kwargs))
    if not out:
        return _empty()
    return pd.concat(out, ignore_index=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"sector": pd.Series(dtype=object), "model": pd.Series(dtype=object),
                         "term": pd.Series(dtype=object), "estimate": pd.Series(dtype=float),
                         "std_error": pd.Series(dtype=float), "nobs": pd.Series(dtype="int64"),
                         "n_dropped": pd.Series(dtype="int64"), "dropped": pd.Series(dtype=object),
                         "status": pd.Series(dtype=object), "reason": pd.Series(dtype=object)})


def _paths(source) -> list[str]:
    p = Path(str(source))
    if p.is_dir():
        files = sorted(str(f) for f in p.iterdir() if f.suffix in (".csv", ".gz", ".parquet", ".pq"))
    else:
        files = sorted(glob.glob(str(source)))
    if not files:
        raise DataFileError(f"no CSV or Parquet files at {source}")
    return files


def read_panel(source, *, layout: str | None = None, blocksize: str = "64MB"):
    """A Dask DataFrame of a gravity panel from a CSV/Parquet file, a glob or a folder of files (one per year is
    common); ITPD-E and BACI column layouts are renamed to kzecon's (exporter, importer, year, flow, sector).

    Parameters
    ----------
    source : str or path
        A file, a glob (``"baci/*.csv"``) or a folder of ``.csv``, ``.csv.gz``, ``.parquet`` or ``.pq`` files.
    layout : {"baci", "itpd"}, optional
        The files' column layout (BACI: t, i, j, k, v; ITPD-E: exporter_iso3, importer_iso3, industry_id, trade).
        Default None: recognised from the columns, or kept as it is when neither matches.
    blocksize : str, default "64MB"
        Bytes per partition of uncompressed CSV files (gzip files are one partition each).

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; numeric CSV columns are read as floats (``assume_missing``).

    Raises
    ------
    DataFileError
        No CSV or Parquet file at ``source``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.gravity.distributed import read_panel
    >>> pd.DataFrame({"t": [2020, 2020], "i": ["KAZ", "CHN"], "j": ["CHN", "KAZ"], "k": ["270900", "850440"],
    ...               "v": [1.5, 2.5]}).to_csv("baci_2020.csv", index=False)
    >>> d = read_panel("baci_2020.csv")
    >>> list(d.columns), len(d)
    (['year', 'exporter', 'importer', 'sector', 'flow'], 2)
    """
    import dask.dataframe as dd

    files = _paths(source)
    if all(f.endswith((".parquet", ".pq")) for f in files):
        ddf = dd.read_parquet(files)
    else:
        ddf = dd.read_csv(files, blocksize=None if any(f.endswith(".gz") for f in files) else blocksize,
                          assume_missing=True, dtype={"exporter": "object", "importer": "object",
                                                      "exporter_iso3": "object", "importer_iso3": "object"})
    cols = set(ddf.columns)
    layout = layout or next((k for k, m in LAYOUTS.items() if set(m) - {"k", "industry_id"} <= cols), None)
    if layout is not None:
        ddf = ddf.rename(columns={a: b for a, b in LAYOUTS[layout].items() if a in cols})
    return ddf


def ppml_by(frame_or_path, formula: str, *, by: str = "sector", cluster: str | None = "auto", client=None,
            workers: int | None = None, npartitions: int | None = None, prepare: Callable | None = None,
            **ppml_kwargs) -> pd.DataFrame:
    """One PPML per group of ``by`` on Dask; returns the tidy table (``RESULT_COLUMNS``: sector, model, term,
    estimate, std_error, nobs, n_dropped, dropped (rows by reason), status, reason; the group is in ``sector``
    whatever ``by`` is called, and also in a column named ``by`` when that is not ``sector``), one row per term of
    each fitted group and one row with its reason per group that could not be fitted, sorted by group and term.

    ``frame_or_path``: a pandas or Dask DataFrame, or CSV/Parquet file(s) (a path, a glob, a folder) read by the
    workers. ``prepare``: a function applied to each group's frame before fitting (on the worker). Other keywords
    go to :class:`kzecon.gravity.PPML` and its ``fit`` (``name``, ``tol``, ``maxiter``, ``offset``, ``backend``).

    Parameters
    ----------
    frame_or_path : DataFrame, dask.dataframe.DataFrame, str or path
        The panel: in memory, lazy, or file(s) read by :func:`read_panel` (a path, a glob, a folder).
    formula : str
        The model of every group, e.g. ``"flow ~ rta | exp_year + imp_year + pair"``.
    by : str, default "sector"
        The group column.
    cluster : str, list of str or None, default "auto"
        As in :class:`kzecon.gravity.PPML`.
    client : dask.distributed.Client, str or None, default None
        A Client, a scheduler address, or None for a local cluster of ``workers`` for this call.
    workers : int, optional
        Workers of the local cluster. Default None: the machine's cores.
    npartitions : int, optional
        Partitions after the shuffle by group. Default None: twice the workers (at least the input's partitions).
    prepare : callable, optional
        ``prepare(group_frame) -> frame``, run on the worker before each fit (e.g. :func:`estimation_frame`).
    **ppml_kwargs
        ``name``, ``tol``, ``maxiter``, ``offset``, ``backend``, ``separation_check``; ``years`` (a list) keeps
        those years before fitting.

    Returns
    -------
    DataFrame
        The tidy table described above.

    Raises
    ------
    UsageError
        A malformed formula or scheduler address.
    SchemaError
        ``by`` is not a column.
    DataFileError
        No files at the path, or the scheduler cannot be reached.

    Notes
    -----
    Starts (or connects to) a Dask cluster, so it has no doctest example; ``tests/test_gravity_dask.py`` runs it.
    """
    import dask.dataframe as dd

    from .formula import parse

    parse(formula)  # a malformed formula fails here, not in every task
    years = ppml_kwargs.pop("years", None)
    if isinstance(frame_or_path, pd.DataFrame):
        if by not in frame_or_path.columns:
            cols = ", ".join(map(str, frame_or_path.columns))
            raise SchemaError(f"group column {by!r} is not a column of the data ({cols})")
        n = npartitions or max(1, min(frame_or_path[by].nunique(), 2 * (workers or os.cpu_count() or 1)))
        ddf = dd.from_pandas(frame_or_path, npartitions=n)
    elif isinstance(frame_or_path, dd.DataFrame):
        ddf = frame_or_path
    else:
        ddf = read_panel(frame_or_path)
    if by not in ddf.columns:
        raise SchemaError(f"group column {by!r} is not a column of the data ({', '.join(map(str, ddf.columns))})")
    if years is not None:
        ddf = ddf[ddf["year"].isin(list(years))]
    with client_for(client, workers=workers) as c:
        n = npartitions or max(2 * len(c.scheduler_info()["workers"]), ddf.npartitions)
        shuffled = ddf.shuffle(on=by, npartitions=n)
        res = shuffled.map_partitions(_fit_partition, by, formula, cluster, dict(ppml_kwargs), prepare,
                                      meta=_empty())
        out = c.compute(res, retries=3).result()
    order = {t: i for i, t in enumerate(parse(formula).terms)}
    out = out.assign(_o=out["term"].map(order)).sort_values(["sector", "_o"], na_position="first", kind="mergesort")
    out = out.drop(columns="_o").reset_index(drop=True)[RESULT_COLUMNS]
    if by not in out.columns:  # the group column keeps its own name too (``sector`` stays: the table's fixed layout)
        out.insert(1, by, out["sector"])
    return out


def map_batches(client, fn: Callable, model, term: str, columns: list, *, batch: int = 10,
                progress: Callable | None = None, workers: int | None = None) -> list[float]:
    """``fn(model, term, batch_of_columns)`` on Dask, the model sent once to each worker; the results of the
    batches in order. ``client="local"`` starts a local cluster of ``workers`` for the call.

    Parameters
    ----------
    client : dask.distributed.Client, str or None
        A Client, a scheduler address, ``"local"`` or None (both: a local cluster for this call).
    fn : callable
        ``fn(model, term, columns) -> list of float``, importable on the workers (a module-level function).
    model : object
        Sent once to every worker (e.g. a :class:`kzecon.gravity.PPML`).
    term : str
        Passed to ``fn``.
    columns : list
        The items to process, split into batches.
    batch : int, default 10
        Items per task (≥ 1).
    progress : callable, optional
        ``progress(done, total)`` as batches finish. Default None.
    workers : int, optional
        Workers of a local cluster. Default None: the machine's cores.

    Returns
    -------
    list of float
        The results of all batches, in the order of ``columns``.

    Raises
    ------
    UsageError
        ``batch`` < 1 or a malformed scheduler address.
    DataFileError
        The scheduler cannot be reached.
    """
    from dask.distributed import as_completed

    if batch < 1:
        raise UsageError(f"batch must be at least 1, got {batch}")
    with client_for(None if client == "local" else client, workers=workers) as c:
        m = c.scatter(model, broadcast=True)
        chunks = [columns[i:i + batch] for i in range(0, len(columns), batch)]
        futures = [c.submit(fn, m, term, ch, pure=False, retries=3) for ch in chunks]
        done = 0
        for _ in as_completed(futures):
            done += batch
            if progress:
                progress(min(done, len(columns)), len(columns))
        results = c.gather(futures)
    return [v for part in results for v in part]
