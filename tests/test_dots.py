"""IMF DOTS: the annual world gravity panel and the world composition panel against cells read by hand from the raw
workbooks (tests/references/data/dots_hand.py, standard library only), the checked shares of the raw PROVENANCE,
and the IMF name map against a hand list."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kzecon
from kzecon.data.dots import CIF_FOB_FACTOR

REF = Path(__file__).parent / "references" / "data"
HAND = pd.read_csv(REF / "dots_hand.csv")


def hand(reporter, sheet, partner, year) -> float:
    r = HAND[(HAND["reporter"] == reporter) & (HAND["sheet"] == sheet) & (HAND["partner"] == partner)
             & (HAND["year"] == year)]
    assert len(r) == 1
    return float(r["value_musd"].iloc[0]) * 1e6


@pytest.fixture(scope="module")
def dots():
    return kzecon.data.load_gravity("dots").set_index(["exporter", "importer", "year"])


def test_contract_columns_and_shape(dots):
    g = dots.reset_index()
    for c in ("exporter", "importer", "year", "flow", "flow_exporter_reported", "flow_importer_reported"):
        assert c in g.columns
    assert g["year"].min() == 2000 and g["year"].max() == 2020
    n = g["exporter"].nunique()
    assert n == g["importer"].nunique() == 202 and len(g) == n * (n - 1) * 21
    assert not (g["exporter"] == g["importer"]).any() and (g["flow"] >= 0).all()
    assert set(g["flow_source"]) == {"importer", "exporter", "exporter_known_defect", "none"}


@pytest.mark.parametrize("year", [2013, 2018, 2020])
def test_kazakhstan_rows_equal_the_raw_cells_both_sides(dots, year):
    kaz_chn = dots.loc[("KAZ", "CHN", year)]
    assert kaz_chn["flow_exporter_reported"] == pytest.approx(hand("Kazakhstan, Rep. of", "export",
                                                                    "China, P.R.: Mainland", year), rel=1e-12)
    assert kaz_chn["flow_importer_reported"] == pytest.approx(hand("China, P.R.: Mainland", "import",
                                                                    "Kazakhstan, Rep. of", year), rel=1e-12)
    # the preferred flow: China's CIF report on an FOB basis
    assert kaz_chn["flow"] == pytest.approx(kaz_chn["flow_importer_reported"] / CIF_FOB_FACTOR, rel=1e-12)
    chn_kaz = dots.loc[("CHN", "KAZ", year)]
    assert chn_kaz["flow_exporter_reported"] == pytest.approx(hand("China, P.R.: Mainland", "export",
                                                                    "Kazakhstan, Rep. of", year), rel=1e-12)
    assert chn_kaz["flow_importer_reported"] == pytest.approx(hand("Kazakhstan, Rep. of", "import",
                                                                    "China, P.R.: Mainland", year), rel=1e-12)


def test_known_defects_are_replaced_by_the_partners_report(dots):
    for exp_, imp_, year, rep_exp in (("BLR", "RUS", 2006, "Belarus, Rep. of"),
                                      ("BLR", "RUS", 2011, "Belarus, Rep. of"),
                                      ("RUS", "KAZ", 2010, "Russian Federation")):
        row = dots.loc[(exp_, imp_, year)]
        partner = {"RUS": "Russian Federation", "KAZ": "Kazakhstan, Rep. of"}[imp_]
        assert row["flow_source"] == "exporter_known_defect"
        assert row["flow"] == pytest.approx(hand(rep_exp, "export", partner, year), rel=1e-12)
    # the defective report itself is kept, as reported, in its own column
    assert dots.loc[("RUS", "KAZ", 2010), "flow_importer_reported"] == pytest.approx(
        hand("Kazakhstan, Rep. of", "import", "Russian Federation", 2010), rel=1e-12)
    # Russia's missing Belarus cells (2001, 2004, 2009, 2010) are filled from Belarus's exports
    for year in (2001, 2004, 2009, 2010):
        row = dots.loc[("BLR", "RUS", year)]
        assert row["flow_source"] == "exporter" and row["flow_importer_reported"] == 0 and row["flow"] > 0


def test_kazakhstan_composition_equals_the_checked_shares():
    """Raw PROVENANCE.md (checked when the source was added): China's share of Kazakhstan's total trade, Kazakhstan-
    reported, 17.0 / 12.5 / 18.1% in 2013 / 2018 / 2020; Russia's 18.1 / 18.2 / 21.5%."""
    c = kzecon.data.load_compositions(side="reported", flow="total")
    k = c[c["economy"] == "KAZ"].set_index("year")
    for year, china, russia in ((2013, 17.0, 18.1), (2018, 12.5, 18.2), (2020, 18.1, 21.5)):
        assert 100 * k.loc[year, "china"] == pytest.approx(china, abs=0.05)
        assert 100 * k.loc[year, "russia"] == pytest.approx(russia, abs=0.05)
    shares = c[["china", "russia", "usa", "eu", "central_asia", "rest"]]
    assert np.allclose(shares.sum(axis=1), 1.0) and (shares >= 0).all().all()
    assert (c.loc[c["year"] < 1992, "russia_is_ussr"] == 1).all()


def test_kazakhstan_dots_rows_in_load_trade():
    t = kzecon.data.load_trade("imf_dots")
    own = t[(t["partner"] == "CHN") & (t["year"] == 2013) & (t["reporter_side"] == "reported")].set_index("flow")
    assert own.loc["export", "value_usd"] == pytest.approx(hand("Kazakhstan, Rep. of", "export",
                                                                "China, P.R.: Mainland", 2013), rel=1e-12)
    mir = t[(t["partner"] == "CHN") & (t["year"] == 2013) & (t["reporter_side"] == "mirror")].set_index("flow")
    assert mir.loc["export", "value_usd"] == pytest.approx(hand("China, P.R.: Mainland", "import",
                                                                "Kazakhstan, Rep. of", 2013), rel=1e-12)


def test_imf_name_map_against_the_hand_list():
    from kzecon.data import read_reference

    ours = read_reference("imf_dots_names.csv", keep_default_na=False).set_index("imf_name")
    ref = pd.read_csv(REF / "imf_names_hand.csv", comment="#", keep_default_na=False)
    for r in ref.itertuples(index=False):
        assert ours.loc[r.imf_name, "iso3"] == r.iso3, r.imf_name
        assert ours.loc[r.imf_name, "kind"] == r.kind, r.imf_name
    assert not ours.index.duplicated().any()


def test_describe_tells_sides_defects_and_gaps():
    text = str(kzecon.data.describe("gravity_dots"))
    for w in ("exporter_reported", "importer_reported", "known defects", "2016", "1.10"):
        assert w in text


def test_the_cached_gravity_panel_records_every_dataset_it_reads():
    """load_gravity_dots builds its panel once a process and records ``SOURCES`` as read on every call: they must be
    the datasets the build itself reads (as read_bundled records them), so a cached call reports what the first did."""
    from kzecon.data import _store, dots

    saved = set(_store._READ)
    try:
        _store._READ.clear()
        dots._built.__wrapped__()
        assert _store._READ == set(dots.SOURCES)
    finally:
        _store._READ.clear()
        _store._READ.update(saved)


@pytest.mark.parametrize("case", ["bundled", "every pair", "fewer pairs"])
def test_distances_join_equals_pandas_left_merge(monkeypatch, case):
    """The panel's CEPII columns (joined by looking the pair up) equal pandas' left merge of the same tables, values
    and dtypes: on the bundled tables (some pairs are not in CEPII: NaN), with a CEPII table covering every pair with
    integer 0/1 columns (they stay integers), and with 40 more pairs left out."""
    from kzecon.data import _store, dots
    from kzecon.data.countries import FORMER_ISO3

    cep = _store.read_bundled("cepii_dist")
    if case == "every pair":
        pairs = _store.read_bundled("gravity_dots")[["exporter", "importer"]].drop_duplicates()
        cep = pairs.assign(dist=1000.0, distw=1100.0, contig=0, comlang_off=1, colony=0)
    elif case == "fewer pairs":
        cep = cep.drop(index=cep.sample(40, random_state=1).index)
    real = _store.read_bundled
    monkeypatch.setattr(dots, "read_bundled", lambda name: cep.copy() if name == "cepii_dist" else real(name))
    got = dots._built.__wrapped__()
    c = cep[["exporter", "importer", "dist", "distw", "contig", "comlang_off", "colony"]].rename(
        columns={"comlang_off": "lang"})
    for col in ("exporter", "importer"):
        c[col] = c[col].replace(FORMER_ISO3)
    c = c.drop_duplicates(["exporter", "importer"])
    want = got[["exporter", "importer"]].merge(c, on=["exporter", "importer"], how="left", validate="many_to_one")
    cols = ["dist", "distw", "contig", "lang", "colony"]
    pd.testing.assert_frame_equal(got[cols], want[cols], check_exact=True)
    assert (got["contig"].dtype == np.int64) == (case == "every pair")
