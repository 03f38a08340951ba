"""The boundary, second pass (issue 42): one test (or a generated family) per class of defect, through the API and
the CLI alike — fixest's formula meaning, degenerate designs, options checked before work, driver histories, one
validation for API and CLI, valid input accepted, output folders with the user's umask, kzecon exceptions only, and a
clean Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzecon
from kzecon import forecast, gravity, measures
from kzecon.cli import main
from kzecon.errors import CoverageError, KzeconError, SchemaError, SpecificationError, UsageError
from kzecon.gravity.formula import expand, parse
from kzecon.gravity.simulate import simulate_bloc_panel
from kzecon.study import pipeline


def _one_line(capsys) -> str:
    """The one error line on stderr (warnings about the input, such as made-up country codes, aside)."""
    err = [ln for ln in capsys.readouterr().err.strip().splitlines() if not ln.startswith("kzecon: warning:")]
    assert len(err) == 1, err
    return err[0]


@pytest.fixture(scope="module")
def panel():
    p = simulate_bloc_panel(12, 8, waves=((4, 3),), effect=0.1, seed=3)
    rng = np.random.default_rng(0)
    pairs = p.groupby(["exporter", "importer"]).ngroup().to_numpy()
    p["rta"] = (rng.uniform(size=len(p)) < 0.4).astype(int)
    p["lang"] = (rng.uniform(size=pairs.max() + 1) < 0.5)[pairs].astype(int)
    p["pair_const"] = pairs * 0.1
    p["one"] = 1
    return p


# ------------------------------------------------------------------------------------------ formula meaning


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d", "log(x)", "I(y * 2)"]), min_size=1, max_size=4, unique=True))
def test_star_is_every_main_effect_and_interaction(factors):
    """``a*b*…`` expands as in R: 2^k − 1 terms, the main effects first, each interaction once."""
    terms = expand("*".join(factors))
    assert len(terms) == 2 ** len(factors) - 1
    assert list(terms[:len(factors)]) == factors
    assert len(set(terms)) == len(terms)
    assert terms[-1] == ":".join(factors)


def test_star_equals_pyfixest(panel):
    """``flow ~ rta*bloc | …`` fits rta, bloc and rta:bloc, the same coefficients as pyfixest's fepois."""
    import pyfixest as pf

    d = panel.assign(ey=panel["exporter"] + panel["year"].astype(str), iy=panel["importer"] + panel["year"].astype(str))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.fepois("flow ~ rta*bloc | ey + iy", data=d, vcov="hetero").coef()
        got = gravity.ppml(panel, "flow ~ rta*bloc | exp_year + imp_year", cluster=None).params
    assert list(got.index) == ["rta", "bloc", "rta:bloc"]
    np.testing.assert_allclose(got.to_numpy(), ref[["rta", "bloc", "rta:bloc"]].to_numpy(), rtol=1e-6)


@pytest.mark.parametrize("formula", ["flow ~ rta/lang", "flow ~ rta^2", "flow ~ rta**2", "flow ~ rta - lang"])
def test_formula_operators_with_another_meaning_are_refused(tmp_path, capsys, panel, formula):
    with pytest.raises(UsageError, match="I\\("):
        parse(formula)
    f = tmp_path / "p.csv"
    panel.to_csv(f, index=False)
    assert main(["gravity", "--data", str(f), "--formula", formula + " | exp_year + imp_year",
                 "--out", str(tmp_path / "o")]) == 64
    assert "outside parentheses" in _one_line(capsys)
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------------------------------------ degenerate designs


def test_every_regressor_absorbed_is_one_error(tmp_path, capsys, panel):
    with pytest.raises(SpecificationError, match="pair_const"):
        gravity.ppml(panel, "flow ~ pair_const | exp_year + imp_year + pair")
    f = tmp_path / "p.csv"
    panel.to_csv(f, index=False)
    assert main(["gravity", "--data", str(f), "--formula", "flow ~ pair_const | exp_year + imp_year + pair",
                 "--out", str(tmp_path / "o")]) == 5
    assert "nothing left to estimate" in _one_line(capsys)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("backend", ["kzecon", "pyfixest"])
def test_one_cluster_is_refused_with_its_name(panel, backend):
    with pytest.raises(SpecificationError, match="'one' has 1 level"):
        gravity.ppml(panel, "flow ~ bloc | exp_year + imp_year + pair", cluster="one", backend=backend)


def test_an_absorbed_regressor_is_omitted_as_fixest_does(panel):
    with pytest.warns(kzecon.errors.CollinearityWarning, match="pair_const"):
        res = gravity.ppml(panel, "flow ~ bloc + pair_const | exp_year + imp_year + pair")
    assert list(res.params.index) == ["bloc"]


# ------------------------------------------------------------------------------------------ options before work


@pytest.mark.parametrize("args", [
    ["backtest", "--world", "--data", "x.csv"], ["backtest", "--world", "--horizon", "3"],
    ["backtest", "--world", "--start", "2008"], ["backtest", "--world", "--models", "rw"],
    ["backtest", "--world", "--score-from", "2014", "--last-origin", "2010"],
    ["backtest", "--first-origin", "2000"], ["forecast", "--out", ""], ["forecast", "--out", "  "],
    ["decompose", "--from", "2012", "--to", "2011", "--out", "d"],
])
def test_contradicting_or_ignored_options_are_refused_at_once(tmp_path, capsys, args):
    os.chdir(tmp_path)
    t0 = time.perf_counter()
    assert main(args) == 64
    assert time.perf_counter() - t0 < 5  # before any work
    _one_line(capsys)
    assert not any(p.name != "x.csv" for p in tmp_path.iterdir())


# ------------------------------------------------------------------------------------------ driver histories


@pytest.mark.parametrize("cut", ["end", "gap"])
def test_a_brent_history_that_misses_years_is_refused(tmp_path, capsys, cut):
    b = kzecon.data.load_oil("brent", "annual")[["year", "price_usd_per_bbl"]].rename(
        columns={"price_usd_per_bbl": "brent"})
    b = b[b["year"] <= 2019] if cut == "end" else b[b["year"] != 2003]
    bf, sf = tmp_path / "b.csv", tmp_path / "s.csv"
    b.to_csv(bf, index=False)
    pd.DataFrame({"year": [2026], "brent": [60.0]}).to_csv(sf, index=False)
    out = tmp_path / "o"
    assert main(["forecast", "--scenario", str(sf), "--brent", str(bf), "--horizon", "2", "--out", str(out)]) == 3
    line = _one_line(capsys)
    assert ("ends in 2019" in line) if cut == "end" else ("2003" in line and "missing" in line)
    assert not out.exists()


# ------------------------------------------------------------------------------------------ one validation


@pytest.mark.parametrize("partner", ["World", "EU", "WLD", "EU27_2020"])
def test_aggregate_partner_labels_are_left_out_by_api_and_cli_alike(tmp_path, capsys, partner):
    t = pd.DataFrame({"reporter": "KAZ", "partner": ["CHN", "RUS", partner], "year": 2015, "flow": "export",
                      "value_usd": [10.0, 30.0, 40.0]})
    with pytest.warns(kzecon.errors.DataQualityWarning, match="aggregate"):
        s = measures.partner_shares(t, flow="export")
    assert s.set_index("group").loc["china", "share"] == pytest.approx(0.25)
    f = tmp_path / "t.csv"
    t.to_csv(f, index=False)
    assert main(["measures", "--data", str(f), "--flow", "exports", "--out", str(tmp_path / "o")]) == 0
    assert "aggregate" in capsys.readouterr().err


def test_own_trade_rows_are_left_out(tmp_path):
    t = pd.DataFrame({"reporter": "KAZ", "partner": ["CHN", "RUS", "KAZ"], "year": 2015, "flow": "export",
                      "value_usd": [10.0, 30.0, 1000.0]})
    with pytest.warns(kzecon.errors.DataQualityWarning, match="its own partner"):
        s = measures.partner_shares(t, flow="export", reporter="kaz")
    assert s.set_index("group").loc["china", "share"] == pytest.approx(0.25)


@pytest.mark.parametrize("partner, words", [("XYZ", "XYZ"), ("SUN", "after 1991")])
def test_api_refuses_the_partners_the_cli_refuses(tmp_path, capsys, partner, words):
    t = pd.DataFrame({"reporter": "KAZ", "partner": ["CHN", "RUS", partner], "year": 2015, "flow": "export",
                      "value_usd": [10.0, 20.0, 5.0]})
    with pytest.raises(SchemaError, match=words):
        measures.partner_shares(t, flow="export")
    f = tmp_path / "t.csv"
    t.to_csv(f, index=False)
    assert main(["measures", "--data", str(f), "--out", str(tmp_path / "o")]) == 3
    assert words.strip("'") in _one_line(capsys)


# ------------------------------------------------------------------------------------------ output folders


def test_output_folders_get_the_users_umask(tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "o"
        assert main(["decompose", "--country", "MNG", "--from", "2010", "--to", "2012", "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert (out.stat().st_mode & 0o777) == 0o755
    assert all((p.stat().st_mode & 0o044) == 0o044 for p in out.iterdir())


# ------------------------------------------------------------------------------------------ kzecon exceptions only


NOT_A_WHOLE_NUMBER = st.one_of(st.floats(allow_nan=True, allow_infinity=True).filter(
    lambda x: not (np.isfinite(x) and float(x).is_integer())), st.text(max_size=3), st.booleans(), st.none())


@settings(max_examples=30, deadline=None)
@given(horizon=st.one_of(NOT_A_WHOLE_NUMBER, st.integers(-5, 0), st.integers(31, 10**6)),
       paths=st.one_of(NOT_A_WHOLE_NUMBER, st.integers(-5, 99)))
def test_bad_option_values_are_usage_errors(horizon, paths):
    comp = pipeline.composition("KAZ")
    with pytest.raises(UsageError, match="horizon"):
        forecast.simulate(comp, model="rw", horizon=horizon, n_paths=100)
    with pytest.raises(UsageError, match="n_paths"):
        forecast.simulate(comp, model="rw", horizon=2, n_paths=paths)


def test_lookups_of_what_a_forecast_does_not_hold_are_usage_errors():
    comp = pipeline.composition("KAZ")
    fc = forecast.simulate(comp, model="rw", horizon=3, n_paths=200)
    risk = fc.risk()
    with pytest.raises(UsageError, match="events: china_above_russia"):
        pipeline.event_probability(risk, "no_such_event", 2027)
    with pytest.raises(UsageError, match="runs 2026–2028"):
        pipeline.event_probability(risk, "china_above_russia", 2090)


def test_errors_are_kzecon_errors():
    with pytest.raises(KzeconError):
        pipeline.decompose(country="KAZ", start=2010, end=2010)
    with pytest.raises(CoverageError):
        pipeline.decompose(country="KAZ", start=2015, end=2025)


# ------------------------------------------------------------------------------------------ Ctrl-C


@pytest.mark.slow
def test_ctrl_c_to_the_process_group_during_the_brief_prints_one_line(tmp_path):
    """The terminal sends Ctrl-C to the whole group, the background worker included, at any moment of its start."""
    for delay in (2.5, 4.0):
        out = tmp_path / f"b{delay}"
        p = subprocess.Popen([sys.executable, "-m", "kzecon.cli", "brief", "--out", str(out), "--no-cache"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(delay)
        os.killpg(p.pid, signal.SIGINT)
        _, err = p.communicate(timeout=60)
        lines = [ln for ln in err.splitlines() if not ln.startswith("[")]  # the progress lines
        assert p.returncode == 130
        assert lines == ["kzecon: interrupted; nothing written"], err[-2000:]
        assert not out.exists()


# ------------------------------------------------------------------------------------------ the second probe's cases


@pytest.mark.parametrize("ours, theirs", [
    ("flow ~ (rta+lang2) | exp_year + imp_year", "flow ~ (rta+lang2) | ey + iy"),
    ("flow ~ bloc*(rta+lang2) | exp_year + imp_year", "flow ~ bloc*(rta+lang2) | ey + iy"),
    ("flow ~ x:C(region) | exp_year + imp_year", "flow ~ x:C(region) | ey + iy"),
    ("flow ~ x + x:C(region) | exp_year + imp_year", "flow ~ x + x:C(region) | ey + iy"),
    ("flow ~ rta:C(lang2) | exp_year + imp_year", "flow ~ rta:C(lang2) | ey + iy"),
])
def test_grouping_and_categorical_interactions_equal_pyfixest(panel, ours, theirs):
    """Parentheses group terms and C() in an interaction without its margin has every level, as in fixest."""
    import pyfixest as pf

    rng = np.random.default_rng(4)
    d = panel.assign(x=rng.normal(size=len(panel)), lang2=rng.integers(0, 2, len(panel)),
                     region=np.array(["a", "b", "c"])[panel.groupby("exporter").ngroup() % 3],
                     ey=panel["exporter"] + panel["year"].astype(str), iy=panel["importer"] + panel["year"].astype(str))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.fepois(theirs, data=d, vcov="hetero").coef()
        got = gravity.ppml(d, ours, cluster=None).params
    assert list(got.index) == [str(i) for i in ref.index]
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-6)


def test_a_number_as_a_factor_is_refused():
    with pytest.raises(UsageError, match="I\\(2 \\* x\\)"):
        parse("flow ~ 2*x | exp_year")


@pytest.mark.parametrize("args", [
    ["--replicate", "yotov2016", "--cluster", "exporter"], ["--replicate", "yotov2016", "--years", "1990:2000"],
    ["--panel", "dots", "--backend", "pyfixest"], ["--panel", "dots", "--years", "2005:2010"],
    ["--ri", "3"], ["--score-reps", "5"], ["--workers", "2"], ["--cluster", ""], ["--years", ""],
    ["--panel", "penppml", "--data", "x.csv", "--formula", "flow ~ rta | pair"],
])
def test_gravity_options_that_would_be_ignored_are_refused(tmp_path, capsys, args):
    os.chdir(tmp_path)
    assert main(["gravity", *args, "--out", "o"]) == 64
    _one_line(capsys)
    assert not (tmp_path / "o").exists()


def test_pyfixest_failures_are_kzecon_errors(panel, monkeypatch):
    import pyfixest as pf

    def fail(*a, **k):
        raise ValueError("Demeaning failed after 10000 iterations.")

    monkeypatch.setattr(pf, "fepois", fail)
    with pytest.raises(kzecon.errors.ConvergenceError, match="pyfixest"):
        gravity.ppml(panel, "flow ~ bloc | exp_year + imp_year", backend="pyfixest")


@pytest.mark.parametrize("row, words", [
    (",exceeds,china,,0.3", "no event name"), ("e,exceeds_part,china,russia,0.3", "does not use"),
    ("e,exceeds_part,china,china,", "same part"), ("e,below,china,russia,0.1", "does not use"),
    ("e,balance_below,china,,0.9", "does not use"),
])
def test_event_columns_must_fit_their_kind(tmp_path, capsys, row, words):
    f = tmp_path / "ev.csv"
    f.write_text("event,kind,part_a,part_b,threshold\n" + row + "\n")
    assert main(["forecast", "--events", str(f), "--paths", "200", "--horizon", "2", "--out", str(tmp_path / "o")]) == 3
    assert words in _one_line(capsys)
    assert not (tmp_path / "o").exists()


def test_an_out_that_is_a_file_is_refused_before_work(tmp_path, capsys):
    f = tmp_path / "f"
    f.write_text("x")
    t0 = time.perf_counter()
    assert main(["decompose", "--country", "MNG", "--out", str(f)]) == 2
    assert time.perf_counter() - t0 < 5
    assert "is a file" in _one_line(capsys)


def test_compositions_in_kzecon_codes_wide_and_with_one_part_twice(tmp_path, capsys):
    c = kzecon.data.load_compositions(side="reported", flow="total")
    d = c[(c["economy"] == "MNG") & c["year"].between(2000, 2014)].set_index("year")
    wide = pd.DataFrame({"CHN": d["china"], "RUS": d["russia"], "EUU": d["eu"],
                         "ROW": d["rest"] + d["usa"] + d["central_asia"]}).rename_axis("year").reset_index()
    f = tmp_path / "w.csv"
    wide.to_csv(f, index=False)  # wide, in the scenario file's codes
    assert main(["forecast", "--data", str(f), "--paths", "200", "--horizon", "2", "--out", str(tmp_path / "o")]) == 0
    assert "model: pooled" in capsys.readouterr().out
    twice = wide.assign(China=wide["CHN"] / 2, CHN=wide["CHN"] / 2)
    twice.to_csv(f, index=False)
    assert main(["forecast", "--data", str(f), "--paths", "200", "--horizon", "2", "--out", str(tmp_path / "p")]) == 3
    assert "both name 'china'" in _one_line(capsys)


def test_the_bundled_brent_layout_is_a_price_history(tmp_path):
    f = tmp_path / "b.csv"
    kzecon.data.load("brent_annual").to_csv(f, index=False)
    b = kzecon.data.read_price_history(f)
    assert b.index.min() == 1987 and b.loc[2008] == pytest.approx(96.94, abs=0.01)


def test_a_former_code_is_read_with_a_note():
    with pytest.warns(kzecon.errors.DataQualityWarning, match="ROU"):
        assert pipeline.check_country("ROM") == "ROU"


# ------------------------------------------------------------------------------------------ the third probe's cases


def test_share_battery_reads_years_not_positions_and_checks_its_options():
    from kzecon import timeseries

    v = 0.1 + 0.005 * np.arange(30) + 0.01 * np.sin(np.arange(30))
    dated = timeseries.share_battery(pd.Series(v, index=pd.to_datetime([f"{y}-01-01" for y in range(1990, 2020)])))
    assert dated.series["year"].iloc[0] == 1990
    with pytest.raises(SchemaError, match="calendar years"):
        timeseries.share_battery(pd.Series(v))
    s = pd.Series(v, index=range(1990, 2020))
    for kw in ({"horizon": 2.5}, {"horizon": 0}, {"level": 95}, {"level": "0.9"}, {"events": [2010]},
               {"events": {"2010": "x"}}, {"interventions": True}):
        with pytest.raises(UsageError):
            timeseries.share_battery(s, **kw)


@pytest.mark.parametrize("header, words", [("year,part,share", "missing 'partner'"),
                                           ("year,partner,value", "missing 'share'")])
def test_a_composition_with_misnamed_columns_is_named(tmp_path, capsys, header, words):
    f = tmp_path / "c.csv"
    f.write_text(header + "\n2000,a,0.5\n2000,b,0.5\n")
    assert main(["forecast", "--data", str(f), "--out", str(tmp_path / "o")]) == 3
    assert words in _one_line(capsys)


@pytest.mark.parametrize("models", ["", "rw,rw", "rw,,drift"])
def test_backtest_models_are_a_list_of_distinct_names(tmp_path, capsys, models):
    assert main(["backtest", "--models", models, "--quiet", "--out", str(tmp_path / "o")]) == 64
    _one_line(capsys)


@pytest.mark.parametrize("models", [[], ["rw", "rw"], None, "rw"])
def test_backtest_api_models_are_checked(models):
    with pytest.raises(UsageError):
        forecast.backtest.run(pipeline.composition(), models=models)


def test_a_closed_pipe_does_not_lose_the_run(tmp_path):
    out = tmp_path / "o"
    p = subprocess.run(f"{sys.executable} -m kzecon.cli forecast --paths 200 --horizon 2 --out {out} | head -1",
                       shell=True, capture_output=True, text=True, timeout=300)
    assert "Broken pipe" not in p.stderr and (out / "paths_summary.csv").exists()


def test_imf_world_counterparts_are_left_out_with_a_note(tmp_path):
    f = tmp_path / "imts.csv"
    f.write_text("COUNTRY,INDICATOR,COUNTERPART_COUNTRY,TIME_PERIOD,OBS_VALUE\nKAZ,XG_FOB_USD,CHN,2019,100\n"
                 "KAZ,XG_FOB_USD,G001,2019,500\n")
    with pytest.warns(kzecon.errors.DataQualityWarning, match="World"):
        d = kzecon.data.read_imf(f)
    assert list(d["partner"]) == ["CHN"]


def test_event_files_read_kind_in_any_case_and_refuse_a_doubled_column(tmp_path, capsys):
    ok, twice = tmp_path / "ok.csv", tmp_path / "twice.csv"
    ok.write_text("event,kind,part_a,part_b,threshold\ne, EXCEEDS ,china,,0.3\n")
    twice.write_text("event,kind,part_a,part_b,threshold,threshold\ne,exceeds,china,,0.3,0.5\n")
    assert main(["forecast", "--events", str(ok), "--paths", "200", "--horizon", "2"]) == 0
    capsys.readouterr()
    assert main(["forecast", "--events", str(twice), "--paths", "200", "--horizon", "2"]) == 3
    assert "more than once" in _one_line(capsys)


def test_alignment_periods_outside_the_votes(capsys):
    with pytest.warns(kzecon.errors.DataQualityWarning, match="begin in 1992"):
        d = kzecon.alignment.divergent_votes(("KAZ", "CHN", "RUS"), start=1940)
    assert d.attrs["period"][0] == 1992
    with pytest.raises(CoverageError, match="begin in 1992"):
        kzecon.alignment.divergent_votes(("KAZ", "CHN", "RUS"), start=1940, end=1950)
    with pytest.raises(UsageError):
        kzecon.alignment.divergent_votes(("KAZ", "KAZ", "RUS"))


def test_a_signal_while_unwinding_from_another_still_prints_one_line(monkeypatch, capsys):
    """A second Ctrl-C that lands while the first is being reported (the group's signal to the process, or one
    re-sent after Python swallowed the first in a finalizer) must not escape as a traceback (exit −2): one line,
    exit 130, printed once."""
    import kzecon.cli as cli

    def interrupted_twice(argv):
        cli._report_stop("interrupted")  # the first was reported …
        raise KeyboardInterrupt  # … and the second escapes the command's own handler

    monkeypatch.setattr(cli, "_main", interrupted_twice)
    cli._REPORTED.clear()
    assert cli.main(["measures"]) == 130
    assert capsys.readouterr().err.splitlines() == ["kzecon: interrupted; nothing written"]
    cli._REPORTED.clear()
    monkeypatch.setattr(cli, "_main", lambda argv: (_ for _ in ()).throw(KeyboardInterrupt()))
    assert cli.main(["measures"]) == 130  # never reported before: reported now, once
    assert capsys.readouterr().err.splitlines() == ["kzecon: interrupted; nothing written"]
