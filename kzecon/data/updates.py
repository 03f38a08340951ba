"""The user's data folder, where ``kzecon data update`` stores fresh downloads.

The folder is ``$KZECON_DATA_DIR`` if set, else ``~/.local/share/kzecon``.  Loaders read from it
(and say so in their vintage note); nothing in kzecon writes there except the updater.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

UPDATE_FILE = "imf_imts.csv"
META_FILE = "imf_imts.json"
COMTRADE_FILE = "comtrade_totals.csv"


def user_data_dir() -> Path:
    env = os.environ.get("KZECON_DATA_DIR")
    return Path(env) if env else Path.home() / ".local" / "share" / "kzecon"


def load_updates() -> tuple[pd.DataFrame | None, str]:
    """The user's IMF (and UN Comtrade) downloads as canonical trade rows, and a vintage note."""
    path = user_data_dir() / UPDATE_FILE
    ct = user_data_dir() / COMTRADE_FILE
    frames, notes = [], []
    if ct.exists():
        c = pd.read_csv(ct, keep_default_na=False, na_values=[""])
        frames.append(c)
        notes.append(f"update: UN Comtrade API, {int(c['year'].min())}–{int(c['year'].max())}, {len(c)} rows ({ct})")
    if not path.exists():
        if not frames:
            return None, ""
        df = pd.concat(frames, ignore_index=True)
        df["flag"] = df["flag"].fillna("") if "flag" in df else ""
        return df, "; ".join(notes)
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    meta_path = user_data_dir() / META_FILE
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    note = (f"update: IMF IMTS downloaded {meta.get('downloaded', '?')}, "
            f"{int(df['year'].min())}–{int(df['year'].max())}, {len(df)} rows ({path})")
    df = pd.concat([df, *frames], ignore_index=True)
    if "flag" not in df.columns:
        df["flag"] = ""
    df["flag"] = df["flag"].fillna("")
    return df, "; ".join([note, *notes])
