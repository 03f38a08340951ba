"""The user's data folder, where ``kzecon data update`` stores fresh downloads.

The folder is ``$KZECON_DATA_DIR`` if set, else ``~/.local/share/kzecon``.  Loaders read from it
(and say so in their vintage note); nothing in kzecon writes there except the updater.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from kzecon.errors import DataFileError, KzeconError

UPDATE_FILE = "imf_imts.csv"
META_FILE = "imf_imts.json"
COMTRADE_FILE = "comtrade_totals.csv"
COMTRADE_META_FILE = "comtrade_totals.json"
COMTRADE_HS2_FILE = "comtrade_hs2.csv"
COMTRADE_HS2_META_FILE = "comtrade_hs2.json"


def user_data_dir() -> Path:
    """The user data folder: ``$KZECON_DATA_DIR`` or ``~/.local/share/kzecon``.

    Where ``kzecon data update`` stores its downloads and the loaders look for them. The folder need not exist.

    Returns
    -------
    pathlib.Path
        ``$KZECON_DATA_DIR`` if that environment variable is set, else ``~/.local/share/kzecon``.

    Examples
    --------
    >>> from kzecon.data import user_data_dir
    >>> import os
    >>> from pathlib import Path
    >>> default = Path.home() / ".local" / "share" / "kzecon"
    >>> user_data_dir() == Path(os.environ.get("KZECON_DATA_DIR", default))
    True
    """
    env = os.environ.get("KZECON_DATA_DIR")
    return Path(env) if env else Path.home() / ".local" / "share" / "kzecon"


def load_updates() -> tuple[pd.DataFrame | None, str]:
    """The user's IMF and UN Comtrade downloads (totals by partner) as canonical trade rows, and a vintage note."""
    frames, notes = [], []
    for label, data_file, meta_file in (("IMF IMTS", UPDATE_FILE, META_FILE),
                                        ("UN Comtrade API", COMTRADE_FILE, COMTRADE_META_FILE)):
        df, note = _read_update(label, data_file, meta_file)
        if df is not None:
            frames.append(df)
            notes.append(note)
    if not frames:
        return None, ""
    df = pd.concat(frames, ignore_index=True)
    df["flag"] = df["flag"].fillna("") if "flag" in df.columns else ""
    return df, "; ".join(notes)


def load_hs2_update() -> tuple[pd.DataFrame | None, str]:
    """The user's UN Comtrade HS-2 download (``kzecon data update --source comtrade --hs2``), if any."""
    return _read_update("UN Comtrade API HS-2", COMTRADE_HS2_FILE, COMTRADE_HS2_META_FILE, dtype={"cmd_code": str})


def _read_meta(path: Path, label: str) -> dict:
    """The JSON note kzecon wrote beside a download ({} when there is none); an unreadable one is a
    :class:`DataFileError` naming it (anyone can edit the data folder)."""
    if not path.exists():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataFileError(f"{label} download note {path} (in the kzecon data folder) is not readable JSON "
                            f"({type(err).__name__}: {err}); remove it or re-download with `kzecon data update`") \
            from None
    if not isinstance(meta, dict):
        raise DataFileError(f"{label} download note {path} (in the kzecon data folder) should hold a JSON object, "
                            f"found {type(meta).__name__}; remove it or re-download with `kzecon data update`")
    return meta


def _read_update(label: str, data_file: str, meta_file: str, **read_csv_kwargs) -> tuple[pd.DataFrame | None, str]:
    """One download from the user data folder and its vintage note; (None, "") when it is not there."""
    from .readers import read_table
    from .validate import validate_trade

    path = user_data_dir() / data_file
    if not path.exists():
        return None, ""
    # a file in the data folder is validated as any user file is: kzecon wrote it, but anyone can edit it
    df = read_table(path, comment=None)
    if "cmd_code" in read_csv_kwargs.get("dtype", {}) and "cmd_code" in df.columns:
        df["cmd_code"] = df["cmd_code"].astype(str)
    try:
        df = validate_trade(df, key=[c for c in ("reporter", "partner", "year", "flow", "cmd_code", "reporter_side")
                                     if c in df.columns])
    except KzeconError as err:
        raise type(err)(f"{label} download {path} (in the kzecon data folder; remove or re-download it with "
                        f"`kzecon data update`): {err}") from None
    meta_path = user_data_dir() / meta_file
    meta = _read_meta(meta_path, label)
    return df, (f"update: {label} downloaded {meta.get('downloaded', '?')}, "
                f"{int(df['year'].min())}–{int(df['year'].max())}, {len(df)} rows ({path})")
