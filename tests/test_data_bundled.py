"""Bundled data: manifest hashes, loaders, row counts, and byte-for-byte rebuild from raw."""

import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest

import kzecon
from kzecon.data import _store
from kzecon.errors import CoverageError, IntegrityError

from .conftest import RAW, REPO, needs_raw


def test_every_dataset_loads_with_manifest_rowcount():
    names = kzecon.data.list_datasets()
    assert len(names) >= 20
    for name in names:
        df = kzecon.data.load(name)
        info = kzecon.data.describe(name)
        assert len(df) == info.rows, name
        assert df.attrs["dataset"] == name
        assert info.source and info.units and info.coverage


def test_manifest_hashes_match_files():
    m = _store.manifest()
    for name, entry in m.items():
        digest = hashlib.sha256((_store.bundled_dir() / entry["file"]).read_bytes()).hexdigest()
        assert digest == entry["sha256"], name


def test_tampered_file_is_refused(tmp_path, monkeypatch):
    src = _store.bundled_dir()
    dst = tmp_path / "bundled"
    dst.mkdir()
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    p = dst / "brent_annual.csv"
    p.write_bytes(p.read_bytes().replace(b"18.53", b"18.54"))
    monkeypatch.setattr(_store, "bundled_dir", lambda: dst)
    _store._verified.cache_clear()
    try:
        with pytest.raises(IntegrityError, match="brent_annual.csv"):
            _store.read_bundled("brent_annual")
    finally:
        _store._verified.cache_clear()


def test_load_gravity_is_the_real_panel():
    g = kzecon.data.load_gravity()
    assert {"exporter", "importer", "year", "flow"} <= set(g.columns)
    assert len(g) == 69 * 69 * 21  # complete square panel, 1986–2006 (PROVENANCE)
    # first data row of the raw file: ARG,ARG,12339,1986,61288.59026286057 (million USD)
    row = g[(g.exporter == "ARG") & (g.importer == "ARG") & (g.year == 1986)].iloc[0]
    assert row["flow"] == 61288.59026286057
    assert row["pair_id"] == 12339
    assert "ROU" in set(g.exporter) and "ROM" not in set(g.exporter)


def test_unknown_names_are_clear_errors():
    with pytest.raises(CoverageError, match="no bundled dataset named 'nope'"):
        kzecon.data.describe("nope")
    with pytest.raises(CoverageError, match="unknown gravity panel 'x'"):
        kzecon.data.load_gravity("x")


def test_penppml_kaz_sanity_figures():
    """PROVENANCE (penppml_trade) sanity table: KAZ→CHN 2016 = 4.21 bn, KAZ→world 2016 = 36.74 bn."""
    g = kzecon.data.load_gravity("penppml")
    k = g[(g.exporter == "KAZ") & (g.year == 2016)]
    assert round(k[k.importer == "CHN"]["flow"].sum() / 1e9, 2) == 4.21
    assert round(k["flow"].sum() / 1e9, 2) == 36.74


def test_products_are_halved():
    """Halved totals equal the UN Comtrade KAZ→CHN totals (kz_chn_comtrade_metals_hs2) to 0.1%."""
    p = kzecon.data.load_products()
    ct = kzecon.data.load("comtrade_kaz_chn_hs2")
    tot = ct[(ct.cmd_code.astype(str) == "TOTAL") & (ct.reporter_side == "reported") & (ct.flow == "export")]
    tot = tot.set_index("year")["value_usd"]
    halved = p[p.flow == "export"].groupby("year")["value_usd"].sum()
    common = tot.index.intersection(halved.index)
    assert len(common) == 10
    assert ((halved[common] / tot[common] - 1).abs() < 1e-3).all()
    assert set(p.loc[p.year.between(2020, 2022), "flag"].str[:17]) == {"copper_suppressed"}
    assert (p.loc[~p.year.between(2020, 2022), "flag"].fillna("") == "").all()


def test_un_votes_codes_are_iso3():
    v = kzecon.data.load_un_votes()
    assert v["country"].str.len().between(3, 3).all()
    kaz = v[v.country == "KAZ"]
    assert len(kaz) == 2394  # PROVENANCE: Kazakhstan (KZ) votes from 1992 (2,394 votes)


@needs_raw
def test_every_raw_source_has_a_builder():
    sys.path.insert(0, str(REPO / "data" / "build"))
    try:
        from _common import raw_sources
        from sources import BUILDERS
    finally:
        sys.path.pop(0)
    listed = raw_sources(RAW)
    assert len(listed) >= 14
    assert [f for f in listed if f not in BUILDERS] == []


@needs_raw
@pytest.mark.slow
def test_rebuild_is_byte_for_byte(tmp_path):
    r = subprocess.run([sys.executable, str(REPO / "data" / "build" / "build_all.py"), "--raw", str(RAW),
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    rebuilt = json.loads((tmp_path / "manifest.json").read_text())
    shipped = _store.manifest()
    assert rebuilt == shipped


def test_partner_groups_have_sources():
    g = kzecon.data.load_partner_groups()
    assert g["source"].str.len().gt(5).all()
    eu = g[g.group == "EU"]
    assert len(eu) == 28
    assert eu.set_index("iso3").loc["GBR", "to_year"] == 2019
    assert isinstance(kzecon.data.load_policy_membership(), pd.DataFrame)
