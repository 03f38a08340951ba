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


def user_data_dir() -> Path:
    env = os.environ.get("KZECON_DATA_DIR")
    return Path(env) if env else Path.home() / ".local" / "share" / "kzecon"


def load_updates() -> tuple[pd.DataFrame | None, str]:
    """The user's IMF download as canonical trade rows, and a one-line vintage note."""
    path = user_data_dir() / UPDATE_FILE
    if not path.exists():
        return None, ""
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    meta_path = user_data_dir() / META_FILE
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    note = (f"update: IMF IMTS downloaded {meta.get('downloaded', '?')}, "
            f"{int(df['year'].min())}–{int(df['year'].max())}, {len(df)} rows ({path})")
    if "flag" not in df.columns:
        df["flag"] = ""
    df["flag"] = df["flag"].fillna("")
    return df, note
