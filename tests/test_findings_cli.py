"""Every study command of the CLI renders one findings object and computes nothing else (issue #40): each command is
run in this process and the tables it wrote are checked against the object the matching findings function returns
(:mod:`kzecon.study.findings`), called directly — for Kazakhstan and for another economy (``--country``). Sections
whose data exist only for Kazakhstan are refused for another economy with exit 3 and nothing written.

The numbers themselves are checked against independent references elsewhere (test_measures, test_timeseries_tests,
test_products, test_panel, test_decomposition); here the check is that the CLI's files are the finding's tables."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest

from kzecon import forecast
from kzecon.cli import main
from kzecon.study import findings


def _run(argv) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return main([str(a) for a in argv])


def _same(path, frame: pd.DataFrame) -> None:
    """The CSV the CLI wrote holds ``frame`` (both read back the way a user reads them)."""
    got = pd.read_csv(path)
    want = pd.read_csv(io.StringIO(frame.to_csv(index=False)))
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=0)


@pytest.fixture(scope="module")
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@pytest.mark.parametrize("country", ["KAZ", "UZB"])
def test_measures_writes_the_shares_finding(tmp_path, country, quiet):
    out = tmp_path / "m"
    assert _run(["measures", "--country", country, "--flow", "exports", "--out", out]) == 0
    res = (findings.trade_shares(russia_2010="flag", year_sides=False) if country == "KAZ"
           else findings.trade_shares(country))
    assert res.country == country
    assert list(res.tables()) == ["shares", "tilt", "balance", "concentration"]
    for name, frame in res.tables().items():
        _same(out / f"{name}.csv", frame)
    wide = res.table("export")  # the printed table: shares of exports, tilt = China less Russia
    assert np.allclose(wide["tilt_chn_rus"], wide["china"] - wide["russia"])


def test_timeseries_writes_the_breaks_finding(tmp_path, quiet, monkeypatch):
    """The battery takes ~30 s: the CLI's own call is recorded (a spy that passes everything through) and its object
    checked to be the finding for Uzbekistan — China's share of its DOTS composition, tested at its policy events."""
    seen = {}
    real = findings.share_breaks

    def spy(*args, **kwargs):
        seen["args"], seen["kwargs"] = args, kwargs
        seen["result"] = real(*args, **kwargs)
        return seen["result"]

    monkeypatch.setattr(findings, "share_breaks", spy)
    out = tmp_path / "t"
    assert _run(["timeseries", "--country", "UZB", "--horizon", "3", "--out", out]) == 0
    bat = seen["result"]
    assert seen["kwargs"]["country"] == "UZB" and seen["kwargs"]["horizon"] == 3
    for name, frame in bat.tables().items():  # every table the battery knows, as written
        _same(out / f"{name}.csv", frame)
    shares = findings.trade_shares("UZB").shares
    china = shares[(shares["flow"] == "total") & (shares["group"] == "china")].set_index("year")["share"]
    got = bat.series.set_index("year")["share"]
    assert np.allclose(got.to_numpy(), china.loc[got.index].to_numpy(), rtol=1e-12)
    assert len(got) >= 15


def test_forecast_and_backtest_take_the_economy(tmp_path, quiet):
    out = tmp_path / "f"
    assert _run(["forecast", "--country", "UZB", "--model", "drift", "--paths", "300", "--horizon", "3",
                 "--out", out]) == 0
    comp = findings.composition("UZB")
    fc = forecast.forecast_with(comp, model="drift", horizon=3, n_paths=300, seed=2026).forecast
    summ = fc.to_frame(levels=(0.8, 0.9))
    _same(out / "paths_summary.csv",
          summ[["year", "partner", "mean", "lower_90", "upper_90", "median", "lower_80", "upper_80"]])
    _same(out / "risk.csv", fc.risk())
    assert int(pd.read_csv(out / "paths_summary.csv")["year"].min()) == int(comp["year"].max()) + 1
    bt = tmp_path / "b"
    assert _run(["backtest", "--country", "UZB", "--models", "rw", "--start", "2014", "--horizon", "2", "--paths",
                 "100", "--quiet", "--out", bt]) == 0
    res = forecast.backtest.run(comp, models=["rw"], start=2014, horizon=2, n_paths=100, seed=2026)
    _same(bt / "coverage.csv", res.coverage)


def test_forecast_model_choice_lives_in_the_library():
    """--model auto's rule (the headline where the world model knows the parts) is the library's: forecast_with."""
    comp = findings.composition("KAZ")
    run = forecast.forecast_with(comp, model="auto", horizon=2, n_paths=200, seed=1)
    assert run.how.startswith(f"model: {forecast.WORLD_CHOICE}, chosen on the world backtest")
    assert run.forecast.model == forecast.WORLD_CHOICE
    with pytest.raises(Exception, match="--brent is the price history"):
        forecast.forecast_with(comp, model="rw", brent=pd.DataFrame({"year": [2020], "brent": [50.0]}))


def test_products_writes_the_products_finding(tmp_path, quiet):
    out = tmp_path / "p"
    assert _run(["products", "--brent", "40", "95", "--out", out]) == 0
    res = findings.products(brent_prices=(40.0, 95.0))
    for name, frame in res.tables(level=0.90).items():
        _same(out / f"{name}.csv", frame)
    _same(out / "brent_elasticities.csv", res.elasticities(level=0.90))
    assert sorted(pd.read_csv(out / "brent_scenarios.csv")["brent"].unique()) == [40.0, 95.0]


def test_panel_writes_the_customs_union_finding(tmp_path, quiet):
    out = tmp_path / "pa"
    assert _run(["panel", "--reps", "99", "--seed", "7", "--out", out]) == 0
    cu = findings.customs_union(reps=99, seed=7)
    _same(out / "did.csv", cu.did_table())
    _same(out / "event_study.csv", cu.events)
    assert set(cu.treated) == {"KAZ", "BLR"}  # read from the data, not typed into the titles


@pytest.mark.parametrize("argv", [["products", "--country", "UZB"], ["panel", "--country", "MNG", "--reps", "9"]])
def test_kazakhstan_only_sections_refuse_another_economy(tmp_path, argv, capsys):
    out = tmp_path / "x"
    assert _run([*argv, "--out", out]) == 3
    err = capsys.readouterr().err
    assert "CoverageError" in err and "would need" in err
    assert not out.exists()


@pytest.mark.parametrize("argv", [["measures", "--country", "KAZ", "--reporter", "UZB"],
                                  ["backtest", "--world", "--country", "UZB"],
                                  ["timeseries", "--country", "XX1"],
                                  ["measures", "--country", "UZB", "--russia-2010", "interpolate"]])
def test_country_conflicts_are_usage_errors(argv, capsys):
    assert _run(argv) == 64
    assert capsys.readouterr().err.count("\n") == 1


def test_findings_modules_and_the_old_names_are_one_object():
    """kzecon.study.pipeline re-exports the findings: the same functions, nothing copied."""
    from kzecon.study import pipeline

    for name in findings.__all__:
        assert getattr(pipeline, name) is getattr(findings, name)


def test_decompose_writes_the_decomposition_finding(tmp_path, quiet):
    out = tmp_path / "d"
    assert _run(["decompose", "--country", "UZB", "--from", "2005", "--out", out]) == 0
    res = findings.decompose(country="UZB", start=2005)
    _same(out / "decomposition.csv", res.to_frame())
    t = pd.read_csv(out / "decomposition.csv")
    assert np.allclose(t["world"] + t["policy"] + t["own"], t["change"], atol=1e-12)
