"""Fresh trade data in one command: ``kzecon data update --source imf|comtrade``.

IMF: bilateral goods trade from the IMF's public SDMX API, dataflow ``IMF.STA:IMTS``
(International Merchandise Trade Statistics, successor of the Direction of Trade Statistics),
through the kept SDMX client ``sdmx1`` (source ``IMF_DATA``).  Key
``{COUNTRY}.{INDICATOR}.{COUNTERPART_COUNTRY}.{FREQUENCY}`` with indicators ``XG_FOB_USD``
(exports, FOB) and ``MG_CIF_USD`` (imports, CIF).  For each country two queries are made: the
country's own reports with every partner (``reporter_side = reported``) and every partner's
reports of trade with it (``reporter_side = mirror``, flows turned round to the country's view).

UN Comtrade: the public preview API (``comtradeapi.un.org/public/v1/preview``), JSON, HS
``TOTAL`` by partner, parsed by :func:`kzecon.data.readers` conventions.

Both validate the response, convert to kzecon's canonical trade rows and store them in the
user data folder (:func:`kzecon.data.user_data_dir`) with a vintage note that every loader prints.
No network is touched at import time; a missing connection is an :class:`UpdateError`.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from kzecon.errors import CountryCodeError, UpdateError, UsageError

from . import readers
from .countries import is_known_iso3
from .downloads import (
    COMTRADE_FILE,
    COMTRADE_HS2_FILE,
    COMTRADE_HS2_META_FILE,
    COMTRADE_META_FILE,
    META_FILE,
    UPDATE_FILE,
    user_data_dir,
)

IMF_FLOW = "IMTS"
IMF_INDICATORS = {k: readers.IMF_INDICATORS[k] for k in ("XG_FOB_USD", "MG_CIF_USD")}  # what the update asks for
_DIMS = ["COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "FREQUENCY", "TIME_PERIOD"]


def _client(source: str = "IMF_DATA"):
    import sdmx

    return sdmx.Client(source)


def _imf_query(client, key: str, start: int, end: int | None) -> pd.DataFrame:
    import requests

    params = {"startPeriod": str(start)}
    if end is not None:
        params["endPeriod"] = str(end)
    try:
        msg = client.data(IMF_FLOW, key=key, params=params,
                          headers={"Accept": "application/vnd.sdmx.genericdata+xml;version=2.1"})
    except requests.exceptions.ConnectionError as err:
        raise UpdateError("cannot reach the IMF SDMX API (no network connection?): "
                          f"{type(err).__name__}") from err
    except requests.exceptions.HTTPError as err:
        code = getattr(err.response, "status_code", "?")
        if code == 404:  # SDMX 'no results found'
            return pd.DataFrame(columns=_DIMS + ["value", "SCALE"])
        raise UpdateError(f"IMF SDMX API answered HTTP {code} for key {key}") from err
    except Exception as err:  # sdmx1 raises XMLParseError/ValueError/KeyError on malformed messages
        raise UpdateError(f"IMF response for key {key} is not a valid SDMX data message: "
                          f"{type(err).__name__}: {str(err)[:200]}") from err
    return _imf_frame(msg, key)


def _imf_frame(msg, key: str) -> pd.DataFrame:
    import sdmx

    if not getattr(msg, "data", None):
        raise UpdateError(f"IMF response for key {key} holds no data set")
    try:
        s = sdmx.to_pandas(msg, attributes="dsgo")
    except Exception as err:
        raise UpdateError(f"IMF response for key {key} could not be read: {err}") from err
    if isinstance(s, list):
        s = pd.concat(s)
    df = s.reset_index() if isinstance(s, pd.DataFrame) else s.rename("value").reset_index()
    missing = [d for d in _DIMS if d not in df.columns]
    if missing:
        raise UpdateError(f"IMF response for key {key} lacks dimension(s) {missing}: not an IMTS message")
    if "value" not in df.columns:
        raise UpdateError(f"IMF response for key {key} has no observation values")
    return df


def _imf_rows(df: pd.DataFrame, country: str, side: str) -> pd.DataFrame:
    df = df[df["FREQUENCY"].astype(str) == "A"].copy()
    bad_ind = sorted(set(df["INDICATOR"].astype(str)) - set(IMF_INDICATORS))
    if bad_ind:
        raise UpdateError(f"IMF response has unexpected INDICATOR code(s) {bad_ind}")
    value = pd.to_numeric(df["value"], errors="coerce")
    if value.isna().any() or not np.isfinite(value).all():
        bad = df.loc[value.isna(), ["COUNTRY", "COUNTERPART_COUNTRY", "TIME_PERIOD"]].head(3)
        raise UpdateError(f"IMF response has non-numeric observation values at {bad.to_dict('records')}")
    if (value < 0).any():
        raise UpdateError("IMF response has negative trade values")
    scale = pd.to_numeric(df["SCALE"], errors="coerce").fillna(0) if "SCALE" in df else 0
    year = pd.to_numeric(df["TIME_PERIOD"].astype(str).str[:4], errors="coerce")
    if year.isna().any():
        raise UpdateError("IMF response has TIME_PERIOD values that are not years")
    flow = df["INDICATOR"].astype(str).map(IMF_INDICATORS)
    rep = df["COUNTRY"].astype(str)
    par = df["COUNTERPART_COUNTRY"].astype(str)
    if side == "mirror":  # partner P reports exports to C = C's imports from P, seen by P
        rep, par = par, rep
        flow = flow.map({"export": "import", "import": "export"})
    out = pd.DataFrame({"reporter": rep.values, "partner": par.values, "year": year.astype("int64").values,
                        "flow": flow.values, "value_usd": (value * 10.0 ** scale).values,
                        "source": "imf_imts", "reporter_side": side, "flag": ""})
    unknown = sorted({c for c in pd.concat([out["reporter"], out["partner"]]) if not is_known_iso3(c)})
    # IMF aggregates (e.g. G001 world, G998 …) are not partners: keep them out, counted in the note.
    out.attrs["aggregates_dropped"] = int(out["partner"].isin(unknown).sum() + out["reporter"].isin(unknown).sum())
    out = out[~out["partner"].isin(unknown) & ~out["reporter"].isin(unknown)]
    return out[out["reporter"] == country]


def update_imf(countries=("KAZ",), start: int = 2015, end: int | None = None,
               out_dir: Path | None = None, client=None) -> tuple[Path, int, str]:
    """Download IMTS trade of ``countries`` (reported and mirror) into the user data folder.

    For each country two queries go to the IMF's SDMX API (dataflow ``IMF.STA:IMTS``, annual, exports FOB and
    imports CIF): its own reports with every partner (``reporter_side = "reported"``) and every partner's reports of
    trade with it (``"mirror"``, flows turned round to the country's view). IMF aggregates (the World, regions) are
    left out; the rows are written to ``imf_imts.csv`` with a JSON vintage note, and :func:`kzecon.data.load_trade`
    adds them (source ``imf_imts``) from then on. ``kzecon data update --source imf`` calls it.

    Parameters
    ----------
    countries : iterable of str, default ("KAZ",)
        ISO-3 codes of the countries whose trade to download.
    start : int, default 2015
        First year asked for.
    end : int or None, default None
        Last year asked for; None for the latest the IMF has.
    out_dir : path-like or None, default None
        Folder to write to; None for :func:`kzecon.data.user_data_dir`. Created if missing.
    client : sdmx.Client or None, default None
        The SDMX client to query (an ``sdmx1`` client for source ``IMF_DATA``, made when None); pass another to use
        a proxy or a test double.

    Returns
    -------
    path : pathlib.Path
        The file written (``imf_imts.csv``; the note ``imf_imts.json`` beside it).
    rows : int
        Number of rows written.
    note : str
        The vintage note (source, download time, years).

    Raises
    ------
    CountryCodeError
        If a country is not a known ISO-3 code.
    UsageError
        If ``end`` is before ``start``.
    UpdateError
        If the API cannot be reached, answers with an HTTP error (other than 'no results'), sends a message that is
        not valid IMTS data (unknown indicators, non-numeric, negative or undated values), returns no annual trade
        at all, or the folder cannot be created.

    Examples
    --------
    Not run here (it needs the network): ``update_imf(["KAZ"], start=2020)`` writes ``imf_imts.csv`` to
    :func:`kzecon.data.user_data_dir`.
    """
    countries = list(countries)
    for c in countries:
        if not is_known_iso3(c):
            raise CountryCodeError(f"countries: unknown ISO-3 code {c!r}")
    if end is not None and end < start:
        raise UsageError(f"end year {end} is before start year {start}")
    client = client or _client()
    ind = "+".join(IMF_INDICATORS)
    frames = []
    dropped = 0
    for c in countries:
        for side, key in (("reported", f"{c}.{ind}..A"), ("mirror", f".{ind}.{c}.A")):
            raw = _imf_query(client, key, start, end)
            rows = _imf_rows(raw, c, side)
            dropped += rows.attrs.get("aggregates_dropped", 0)
            frames.append(rows)
    df = pd.concat(frames, ignore_index=True)
    if df.empty:
        raise UpdateError(f"the IMF returned no annual trade for {', '.join(countries)} from {start}")
    dup = df.duplicated(["reporter", "partner", "year", "flow", "reporter_side"])
    df = df[~dup]
    return _store(df, {"source": "IMF IMTS (SDMX, dataflow IMF.STA:IMTS)", "countries": countries,
                       "start": start, "end": end, "aggregate_rows_dropped": dropped,
                       "duplicate_rows_dropped": int(dup.sum())}, out_dir)


def _store(df: pd.DataFrame, meta: dict, out_dir: Path | None, data_file: str = UPDATE_FILE,
           meta_file: str = META_FILE) -> tuple[Path, int, str]:
    out_dir = Path(out_dir) if out_dir else user_data_dir()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UpdateError(f"cannot create the user data folder {out_dir}: {err.strerror}") from err
    df = df.sort_values(["reporter", "reporter_side", "partner", "year", "flow"], kind="mergesort")
    path = out_dir / data_file
    df.to_csv(path, index=False, lineterminator="\n")
    meta = dict(meta, downloaded=_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%MZ"), rows=len(df),
                years=[int(df["year"].min()), int(df["year"].max())])
    (out_dir / meta_file).write_text(json.dumps(meta, indent=1) + "\n")
    note = (f"vintage: {meta['source']}, downloaded {meta['downloaded']}, {meta['years'][0]}–"
            f"{meta['years'][1]}; loaders now add these rows (source '{df['source'].iloc[0]}')")
    return path, len(df), note


COMTRADE_URL = "https://comtradeapi.un.org/public/v1/preview/C/A/HS"


def update_comtrade(countries=("KAZ",), start: int = 2015, end: int | None = None,
                    out_dir: Path | None = None, get=None, *, hs2: bool = False,
                    partners=None) -> tuple[Path, int, str]:
    """Download UN Comtrade trade by partner (public preview API, JSON) into the user data folder.

    Totals (``cmdCode=TOTAL``) by partner by default, written to ``comtrade_totals.csv`` and added by
    :func:`kzecon.data.load_trade` (source ``comtrade_api``); with ``hs2=True`` every HS 2-digit chapter
    (``cmdCode=AG2``) of the trade with ``partners``, written to ``comtrade_hs2.csv``, which
    :func:`kzecon.data.load_products` maps to sectors when ``include_updates`` is set. Rows are Kazakhstan-reported
    (``reporter_side = "reported"``); the World (partner code 0) and partners without an ISO-3 code are left out.
    ``kzecon data update --source comtrade`` calls it.

    Parameters
    ----------
    countries : iterable of str, default ("KAZ",)
        ISO-3 codes of the reporters whose declarations to download.
    start : int, default 2015
        First year asked for.
    end : int or None, default None
        Last year asked for; None for last calendar year.
    out_dir : path-like or None, default None
        Folder to write to; None for :func:`kzecon.data.user_data_dir`. Created if missing.
    get : callable or None, default None
        The HTTP GET function, called as ``get(url, params=..., timeout=60)`` and returning an object with
        ``status_code`` and ``json()``; None for ``requests.get``. Pass another to use a session or a test double.
    hs2 : bool, default False
        Download HS 2-digit chapters for ``partners`` instead of totals for every partner.
    partners : iterable of str or None, default None
        With ``hs2``, the ISO-3 codes of the partners (None for China); ignored otherwise.

    Returns
    -------
    path : pathlib.Path
        The file written (with a ``.json`` vintage note beside it).
    rows : int
        Number of rows written.
    note : str
        The vintage note (source, download time, years).

    Raises
    ------
    CountryCodeError
        If a country or partner is not a known ISO-3 code.
    UpdateError
        If the API cannot be reached, answers other than HTTP 200, sends JSON of another layout or with missing or
        negative values, returns no rows at all, or the folder cannot be created.
    SchemaError
        With ``hs2``, if a returned code is not an HS chapter.

    Examples
    --------
    Offline, with a stand-in for the API's answer:

    >>> import tempfile
    >>> from kzecon.data.update import update_comtrade
    >>> class Answer:
    ...     status_code = 200
    ...     def json(self):
    ...         return {"data": [
    ...             {"refYear": 2023, "reporterCode": 398, "partnerCode": 156, "flowCode": "X", "primaryValue": 15.2e9},
    ...             {"refYear": 2023, "reporterCode": 398, "partnerCode": 0, "flowCode": "X", "primaryValue": 78.7e9}]}
    >>> path, rows, note = update_comtrade(start=2023, end=2023, out_dir=tempfile.mkdtemp(),
    ...                                    get=lambda url, params, timeout: Answer())
    >>> path.name, rows
    ('comtrade_totals.csv', 1)
    >>> print(note)
    vintage: UN Comtrade public API (HS TOTAL by partner), downloaded ..., 2023–2023; loaders now add these rows ...
    """
    import requests
    from countrycode import countrycode

    get = get or requests.get
    end = end or _dt.date.today().year - 1
    frames = []
    for c in countries:
        if not is_known_iso3(c):
            raise CountryCodeError(f"countries: unknown ISO-3 code {c!r}")
        code = countrycode([c], origin="iso3c", destination="un")[0]
        partner_codes = None
        if hs2:
            plist = [p.strip().upper() for p in (partners or ["CHN"])]
            for p in plist:
                if not is_known_iso3(p):
                    raise CountryCodeError(f"partners: unknown ISO-3 code {p!r}")
            partner_codes = ",".join(str(int(x)) for x in countrycode(plist, origin="iso3c", destination="un"))
        params = {"reporterCode": int(code), "period": ",".join(str(y) for y in range(start, end + 1)),
                  "flowCode": "X,M", "cmdCode": "AG2" if hs2 else "TOTAL", "partnerCode": partner_codes}
        try:
            resp = get(COMTRADE_URL, params={k: v for k, v in params.items() if v is not None}, timeout=60)
        except requests.exceptions.ConnectionError as err:
            raise UpdateError("cannot reach the UN Comtrade API (no network connection?)") from err
        if getattr(resp, "status_code", 200) != 200:
            raise UpdateError(f"UN Comtrade API answered HTTP {resp.status_code}")
        try:
            payload = resp.json()
            data = payload["data"]
        except (ValueError, KeyError, TypeError) as err:
            raise UpdateError("UN Comtrade response is not the API's JSON layout (no 'data' list)") from err
        if not isinstance(data, list):
            raise UpdateError("UN Comtrade response: 'data' is not a list")
        df = pd.DataFrame(data)
        need = ["refYear", "reporterCode", "partnerCode", "flowCode", "primaryValue"]
        miss = [k for k in need if k not in df.columns] if len(df) else []
        if miss:
            raise UpdateError(f"UN Comtrade response lacks field(s) {miss}")
        if df.empty:
            continue
        df = df[df["partnerCode"].astype(int) != 0]  # 0 = World
        val = pd.to_numeric(df["primaryValue"], errors="coerce")
        if val.isna().any() or (val < 0).any():
            raise UpdateError("UN Comtrade response has missing or negative primaryValue")
        par = countrycode(df["partnerCode"].astype(int).tolist(), origin="un", destination="iso3c")
        keep = [p is not None for p in par]
        rows = pd.DataFrame({
            "reporter": c, "partner": [p for p in par if p is not None],
            "year": df["refYear"].astype(int).values[keep],
            "flow": df["flowCode"].map({"X": "export", "M": "import"}).values[keep],
            "value_usd": val.values[keep], "source": "comtrade_api", "reporter_side": "reported",
            "flag": ""})
        if hs2:
            if "cmdCode" not in df.columns:
                raise UpdateError("UN Comtrade response lacks field(s) ['cmdCode']")
            rows.insert(4, "cmd_code", df["cmdCode"].astype(str).values[keep])
        frames.append(rows)
    if not frames:
        raise UpdateError(f"UN Comtrade returned no rows for {', '.join(countries)}")
    df = pd.concat(frames, ignore_index=True).dropna(subset=["flow"])
    if hs2:
        from .sectors import map_hs2

        map_hs2(df)  # every code must be an HS chapter: a bad response fails here, not at load time
        return _store(df, {"source": "UN Comtrade public API (HS 2-digit by partner)", "countries": list(countries),
                           "partners": list(partners or ["CHN"]), "start": start, "end": end},
                      out_dir, COMTRADE_HS2_FILE, COMTRADE_HS2_META_FILE)
    return _store(df, {"source": "UN Comtrade public API (HS TOTAL by partner)", "countries": list(countries),
                       "start": start, "end": end}, out_dir, COMTRADE_FILE, COMTRADE_META_FILE)
