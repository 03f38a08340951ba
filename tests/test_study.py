"""The dependence study on any economy (kzecon.study): the parameterised results against the bundled data read
directly, the peers table, the refusals, and one brief on an economy other than Kazakhstan through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzecon
from kzecon.cli import main
from kzecon.errors import CoverageError, UsageError
from kzecon.study import pipeline

COMPOSITIONS = kzecon.data.load_compositions(side="reported", flow="total")
ECONOMIES = sorted(set(COMPOSITIONS["economy"]) - {"CHN", "RUS", "KAZ"})


def _direct(country: str, side: str = "reported") -> pd.DataFrame:
    """The economy's composition on one side read from the bundled file with pandas alone (not the loader)."""
    from kzecon.data import verified_path

    c = pd.read_csv(verified_path("compositions_dots"))
    return c[(c["economy"] == country) & (c["side"] == side) & (c["flow"] == "total")].set_index("year")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(country=st.sampled_from(ECONOMIES))
def test_any_economy_composition_is_its_dots_run_on_the_real_side(country):
    """For any DOTS economy the study's composition is, year by year, its own declarations where the IMF did not
    estimate more than half of the year's trade and no partner's share sits flat for years, else its partners'
    (mirror), over the last run of consecutive years with every part positive (usa and Central Asia in rest); or a
    CoverageError that names the economy."""
    try:
        comp = pipeline.composition(country)
    except CoverageError as err:
        assert pipeline.country_name(country) in str(err)
        return
    w = comp.pivot_table(index="year", columns="partner", values="share")
    q = pipeline.data_quality(country).set_index("year")
    assert list(q.index) == list(w.index)
    rep, mir = _direct(country), _direct(country, "mirror")
    for y in w.index:
        d = (rep if q.loc[y, "side"] == "reported" else mir).loc[y]
        assert w.loc[y, "china"] == pytest.approx(d["china"], abs=1e-12)
        assert w.loc[y, "rest"] == pytest.approx(d["rest"] + d["usa"] + d["central_asia"], abs=1e-12)
        if y in rep.index and rep.loc[y, "estimated_share"] > 0.5:
            assert q.loc[y, "side"] == "mirror" and "estimated" in q.loc[y, "note"]
    assert (w > 0).all().all() and np.allclose(w.sum(axis=1), 1, atol=1e-6)
    assert (np.diff(w.index) == 1).all() and len(w) >= pipeline.MIN_YEARS


def test_filled_series_are_read_from_the_partners():
    """Uzbekistan's own Russia share is 19.0–19.1% in every year 2000–2015 with the IMF's estimated share near
    zero: a filled series, read from the partners' declarations; 2016–2020 are its own."""
    q = pipeline.data_quality("UZB").set_index("year")
    assert (q.loc[2000:2015, "side"] == "mirror").all() and (q.loc[2016:2020, "side"] == "reported").all()
    assert "filled series" in q.loc[2005, "note"]
    from kzecon.data.quality import flat_years

    for code in ("DEU", "USA", "JPN", "BRA", "KGZ", "MNG", "TUR"):  # customs series move every year
        assert not flat_years(_direct(code)), code


@pytest.mark.parametrize("country", ["UZB", "MNG"])
def test_trade_shares_of_another_economy(country):
    ts = pipeline.trade_shares(country)
    d = _direct(country)
    assert ts.country == country and ts.name in ts.summary()
    assert ts.total.loc[ts.last_year, "china"] == pytest.approx(d.loc[ts.last_year, "china"], abs=1e-12)
    s = ts.shares.groupby(["year", "flow"])["share"].sum()
    assert np.allclose(s, 1, atol=1e-6)
    # the mirror comparison: the economy's exports to China as it reported them, and China's imports from it, read
    # from the gravity panel directly
    g = kzecon.data.load_gravity("dots")
    row = g[(g["exporter"] == country) & (g["importer"] == "CHN") & (g["year"] == 2019)].iloc[0]
    m = ts.mirror[(ts.mirror["partner"] == "CHN") & (ts.mirror["flow"] == "export") & (ts.mirror["year"] == 2019)]
    assert m["reported_usd"].item() == pytest.approx(row["flow_exporter_reported"])
    assert m["mirror_usd"].item() == pytest.approx(row["flow_importer_reported"])
    assert "IMF DOTS" in ts.source and ts.name in ts.side


@pytest.mark.parametrize("bad, error", [("CHN", UsageError), ("rus", UsageError), ("WLD", UsageError),
                                        ("XYZ", UsageError), ("KA", UsageError), ("EUU", UsageError),
                                        ("YUG", CoverageError)])
def test_economies_the_study_cannot_run_on(bad, error):
    with pytest.raises(error):
        pipeline.composition(bad) if error is CoverageError else pipeline.check_country(bad)


def test_kazakhstan_only_sections_name_what_they_need():
    with pytest.raises(CoverageError, match="HS-2"):
        pipeline.products("UZB")
    with pytest.raises(CoverageError, match="treated economy"):
        pipeline.customs_union(country="MNG", reps=9)


def test_peers_table_from_the_same_model():
    """Every peer's P(China > Russia) in 2030 is the headline model's forecast of that peer's own composition
    (re-simulated here through kzecon.forecast directly), and its shares are its latest own-reported DOTS year."""
    from kzecon import forecast

    pe = pipeline.peers(paths=500, seed=7)
    t = pe.table.set_index("country")
    assert {"KAZ", "UZB", "KGZ", "TJK", "TKM", "MNG"} <= set(t.index)
    assert list(pe.table.columns[:5]) == ["country", "year", "china_share", "russia_share",
                                          "p_china_above_russia_2030"]
    assert "RUS" not in t.index and "CHN" not in t.index
    assert t["p_china_above_russia_2030"].between(0, 1).all()
    for code in ("KGZ", "MNG"):
        comp = pipeline.composition(code)
        fc = forecast.simulate(comp, model=forecast.WORLD_CHOICE, horizon=10, n_paths=500, seed=7)
        r = fc.risk().query("event == 'china_above_russia' and year == 2030")
        assert t.loc[code, "p_china_above_russia_2030"] == pytest.approx(r["probability"].item(), abs=1e-12)
        d = _direct(code)
        assert t.loc[code, "year"] == d.index.max()
        assert t.loc[code, "china_share"] == pytest.approx(d["china"].iloc[-1], abs=1e-12)
    assert t.loc["KAZ", "group"] == "studied" and t.loc["KAZ", "year"] == 2025


def test_a_peer_that_cannot_be_forecast_keeps_its_row(monkeypatch):
    monkeypatch.setitem(pipeline.PEERS, "neighbour", ("MNG", "LSO"))  # Lesotho: no 15-year run with Russia > 0
    t = pipeline.peers(paths=200).table.set_index("country")
    assert np.isnan(t.loc["LSO", "p_china_above_russia_2030"]) and "not computed" in t.loc["LSO", "note"]
    assert np.isfinite(t.loc["MNG", "p_china_above_russia_2030"])


@pytest.mark.parametrize("country", ["CHN", "ZZZ"])
def test_cli_brief_refuses_an_economy_and_writes_nothing(country, tmp_path, capsys):
    out = tmp_path / "b"
    assert main(["brief", "--country", country, "--out", str(out)]) == 64
    assert not out.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and country in err[0]


@pytest.fixture(scope="module")
def uzb_brief(tmp_path_factory):
    out = tmp_path_factory.mktemp("uzb") / "brief"
    r = subprocess.run([sys.executable, "-m", "kzecon.cli", "brief", "--country", "UZB", "--out", str(out),
                        "--reps", "99", "--paths", "500"], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return out


def test_brief_on_another_economy(uzb_brief):
    """The interface contract: any economy's brief, with the sections whose data exist only for Kazakhstan
    saying what they would need."""
    f = json.loads((uzb_brief / "findings.json").read_text())
    assert f["country"] == "UZB"
    p = f["p_china_above_russia_2030"]
    assert isinstance(p, float) and 0 <= p <= 1
    assert p == pytest.approx(f["p_cr_5"]["value"])  # the quoted years are calendar years, 2030 for everyone
    html = (uzb_brief / "index.html").read_text(encoding="utf-8")
    assert "<h1>Uzbekistan&#39;s trade dependence</h1>" in html or "<h1>Uzbekistan's trade dependence</h1>" in html
    assert "Kazakhstan's total trade" not in html and "Customs-union difference-in-differences" not in html
    assert html.count('class="missing"') == 2 and "HS-2" in html
    spans = dict(__import__("re").findall(r'<span class="num" data-key="([^"]+)">([^<]+)</span>', html))
    assert set(spans) == {k for k, v in f.items() if isinstance(v, dict)} | {"eaeu_p_ri"}
    assert spans["eaeu_p_ri"] == f"{f['eaeu_p_ri']:.2f}"
    d = _direct("UZB")
    assert f["china_share_last"]["value"] == pytest.approx(d["china"].iloc[-1], abs=1e-12)
    peers = pd.read_csv(uzb_brief / "peers.csv")
    assert peers["country"].iloc[0] == "UZB"
    assert peers.set_index("country").loc["UZB", "p_china_above_russia_2030"] == pytest.approx(p, abs=1e-6)
    assert set(peers["target_year"]) == {2030} and peers.set_index("country").loc["UZB", "data_last_year"] == 2020
    q = pd.read_csv(uzb_brief / "data_quality.csv")
    assert list(q.columns) == ["year", "side", "source", "estimated_share", "note"]
    assert set(q["side"]) == {"reported", "mirror"} and q["year"].is_monotonic_increasing
    # the years between the data's end and this year are said to be past, not forecast as the future
    assert f"2021–{pipeline.this_year() - 1} are past but not yet in them" in html


def test_another_economys_brief_never_names_kazakhstan_outside_the_peers(uzb_brief):
    import re

    html = (uzb_brief / "index.html").read_text(encoding="utf-8")
    rest = re.sub(r'<section id="peers">.*?</section>', "", html, flags=re.S)
    assert "Kazakhstan" not in rest and "Kazakhstan" in html


def test_backtest_includes_the_headline_model_by_default(tmp_path):
    from kzecon import forecast

    out = tmp_path / "bt"
    assert main(["backtest", "--out", str(out), "--paths", "100", "--start", "2021", "--quiet"]) == 0
    cov = pd.read_csv(out / "coverage.csv")
    assert forecast.WORLD_CHOICE in set(cov["model"]) and {"rw", "var"} <= set(cov["model"])
    assert main(["backtest", "--models", "rw,nosuch", "--out", str(tmp_path / "x")]) == 64
