import warnings
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
REFS = Path(__file__).resolve().parent / "references"
RAW = REPO.parent / "shared" / "data" / "raw"

needs_raw = pytest.mark.skipif(not (RAW / "README.md").exists(),
                               reason="../shared/data/raw not beside the checkout")


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path, monkeypatch):
    """No test reads or writes the real user data folder."""
    monkeypatch.setenv("KZECON_DATA_DIR", str(tmp_path / "userdata"))


@pytest.fixture(scope="session")
def spliced():
    from kzecon.data import load_trade

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_trade("spliced")


@pytest.fixture(scope="session")
def hand():
    return pd.read_csv(REFS / "hand_shares.csv").set_index("quantity")["value"]
