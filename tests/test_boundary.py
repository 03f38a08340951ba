"""The boundary (issue 32): a test per class of failure a hostile probe found, through the CLI and the API alike, and
contract tests generated with hypothesis: valid inputs of varied shape give exit 0 and every contracted file;
mutations of them give the documented exit code, one line on stderr and nothing written."""

import gzip
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzecon
from kzecon import forecast, gravity, measures
from kzecon.cli import main
from kzecon.errors import (
    DataQualityWarning,
    KzeconError,
    SchemaError,
    SpecificationError,
    UsageError,
)
from kzecon.timeseries.models import composition_frame

ISO = ["AUT", "BRA", "CAN", "DEU", "EGY", "FRA", "GHA", "IND", "JPN", "KEN", "MEX", "NOR", "PER", "SWE", "TUR", "VNM"]


def one_line(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if not ln.startswith("kzecon: warning:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def cli(argv, capsys):
    """Run the CLI in this process: (exit code, the one error line or '')."""
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    return code, (one_line(err) if code else "")


def gravity_panel(n: int, years: list[int], zeros: float, seed: int, codes=ISO) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    c = list(codes[:n])
    rows = [(e, i, y) for y in years for e in c for i in c if e != i]
    df = pd.DataFrame(rows, columns=["exporter", "importer", "year"])
    size = {k: rng.lognormal(3, 1) for k in c}
    mu = np.array([size[e] * size[i] for e, i in zip(df["exporter"], df["importer"], strict=True)])
    df["rta"] = (rng.random(len(df)) < 0.4).astype(int)
    df["dist"] = rng.uniform(100, 9000, len(df))
    df["flow"] = rng.poisson(mu * np.exp(0.3 * df["rta"])).astype(float)
    df.loc[rng.random(len(df)) < zeros, "flow"] = 0.0
    return df


def composition(parts: list[str], years: range, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = rng.dirichlet(np.ones(len(parts)) * 5)
    rows = []
    for k, y in enumerate(years):
        s = base * np.exp(rng.normal(0, 0.05, len(parts)) + 0.01 * k * np.arange(len(parts)))
        s = s / s.sum()
        rows += [(y, p, float(v)) for p, v in zip(parts, s, strict=True)]
    return pd.DataFrame(rows, columns=["year", "partner", "share"])


# ---------------------------------------------------------------------------------------- the classes, one by one


def test_gravity_out_with_no_dropped_row(tmp_path, capsys):
    """A valid panel where nothing is dropped (every flow positive, every pair in several years) used to crash
    `--out` (no objects to concatenate): now dropped.csv is written with its header and no rows."""
    df = gravity_panel(6, [2000, 2001, 2002], 0.0, 1)
    assert (df["flow"] > 0).all()
    f = tmp_path / "g.csv"
    df.to_csv(f, index=False)
    out = tmp_path / "out"
    code, _ = cli(["gravity", "--data", f, "--formula", "flow ~ rta | exp_year + imp_year + pair", "--out", out],
                  capsys)
    assert code == 0
    dropped = pd.read_csv(out / "dropped.csv")
    assert list(dropped.columns) == ["reason", "rows", "model"] and dropped.empty
    assert not pd.read_csv(out / "estimates.csv").empty


@pytest.mark.parametrize("which", ["scenario", "brent"])
def test_duplicated_year_in_scenario_or_price_history(tmp_path, capsys, which):
    scen = tmp_path / "s.csv"
    hist = tmp_path / "h.csv"
    pd.DataFrame({"year": [2026, 2027], "brent": [60.0, 70.0]}).to_csv(scen, index=False)
    pd.DataFrame({"year": range(1995, 2026), "brent": 60.0}).to_csv(hist, index=False)
    bad = scen if which == "scenario" else hist
    d = pd.read_csv(bad)
    pd.concat([d, d.iloc[[0]]]).to_csv(bad, index=False)
    out = tmp_path / "out"
    code, line = cli(["forecast", "--scenario", scen, "--brent", hist, "--paths", 200, "--out", out], capsys)
    assert code == 3 and "more than once" in line and str(int(d["year"].iloc[0])) in line
    assert not out.exists()


def test_api_scenario_checks_equal_the_cli():
    comp = kzecon.study.pipeline.composition()
    for scen, words in [(pd.DataFrame({"year": [2026], "brent": [np.nan]}), "finite positive"),
                        (pd.DataFrame({"year": [2026], "brent": [-3.0]}), "finite positive"),
                        (pd.DataFrame({"year": [2026.5], "brent": [60.0]}), "whole years"),
                        (pd.DataFrame({"year": [2026, 2026], "brent": [60.0, 61.0]}), "more than once")]:
        with pytest.raises(SchemaError, match=words):
            forecast.simulate_scenario(comp, scen, n_paths=100)


def test_malformed_download_note_names_the_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KZECON_DATA_DIR", str(tmp_path))
    rows = pd.DataFrame({"reporter": "KAZ", "partner": ["CHN", "RUS"], "year": 2021, "flow": "export",
                         "value_usd": [1e9, 2e9]})
    rows.to_csv(tmp_path / "imf_imts.csv", index=False)
    (tmp_path / "imf_imts.json").write_text("{not json")
    code, line = cli(["measures"], capsys)
    assert code == 2 and "imf_imts.json" in line and "JSON" in line
    (tmp_path / "imf_imts.json").write_text("[1, 2]")
    code, line = cli(["measures"], capsys)
    assert code == 2 and "JSON object" in line


@pytest.mark.parametrize("address", ["tcp://", "localhost", "tcp://host:port", "ftp://h:1", "tcp://h:99999",
                                     "tcp://a b:1"])
def test_malformed_scheduler_address_is_a_usage_error(tmp_path, capsys, address):
    f = tmp_path / "g.csv"
    gravity_panel(4, [2000, 2001], 0.0, 2).assign(sector="S1").to_csv(f, index=False)
    code, line = cli(["gravity", "--data", f, "--formula", "flow ~ rta | exp_year + imp_year + pair", "--by",
                      "sector", "--scheduler", address, "--out", tmp_path / "o"], capsys)
    assert code == 64 and "scheduler address" in line
    assert not (tmp_path / "o").exists()
    from kzecon.gravity.distributed import check_scheduler_address

    with pytest.raises(UsageError):
        check_scheduler_address(address)
    assert check_scheduler_address("tcp://127.0.0.1:8786") == "tcp://127.0.0.1:8786"


@pytest.mark.parametrize("prices", [["nan", "80"], ["inf"], ["0"], ["-5", "80"]])
def test_products_brent_must_be_finite_positive(tmp_path, capsys, prices):
    code, line = cli(["products", "--brent", *prices, "--out", tmp_path / "p"], capsys)
    assert code == 64 and "Brent prices" in line
    assert not (tmp_path / "p").exists()


def test_case_duplicated_parts_are_one_part_written_twice(tmp_path, capsys):
    comp = composition(["china", "China", "rest"], range(1995, 2020), 3)
    with pytest.raises(SchemaError, match="'China' and 'china'|'china' and 'China'"):
        composition_frame(comp)
    f = tmp_path / "c.csv"
    comp.to_csv(f, index=False)
    code, line = cli(["forecast", "--data", f, "--model", "rw", "--paths", 100, "--out", tmp_path / "o"], capsys)
    assert code == 3 and "case" in line
    assert not (tmp_path / "o").exists()


def test_fractional_years_are_refused_not_truncated():
    comp = composition(["a", "b", "rest"], range(1995, 2020), 4)
    comp["year"] = comp["year"] + 0.5
    with pytest.raises(SchemaError, match="whole years"):
        composition_frame(comp)


@pytest.mark.parametrize("code", ["WLD", "EUU", "HIC"])
def test_aggregates_are_not_countries_in_gravity(tmp_path, capsys, code):
    df = gravity_panel(5, [2000, 2001, 2002], 0.1, 5, codes=[*ISO[:4], code])
    with pytest.raises(SchemaError, match=f"aggregates, not countries: {code}"):
        gravity.ppml(df, "flow ~ rta | exp_year + imp_year + pair")
    f = tmp_path / "g.csv"
    df.to_csv(f, index=False)
    rc, line = cli(["gravity", "--data", f, "--formula", "flow ~ rta | exp_year + imp_year + pair"], capsys)
    assert rc == 3 and code in line


def test_aggregate_partners_left_out_by_api_and_cli_alike(tmp_path, capsys):
    t = pd.DataFrame({"reporter": "KAZ", "partner": ["CHN", "RUS", "EUU", "WLD"], "year": 2021, "flow": "export",
                      "value_usd": [1e9, 2e9, 5e9, 9e9]})
    with pytest.warns(DataQualityWarning, match="EUU"):
        s = measures.partner_shares(t, flow="export")
    row = s[(s["group"] == "china")] if "china" in set(s["group"]) else s[s["group"].str.lower() == "china"]
    assert row["share"].iloc[0] == pytest.approx(1 / 3)  # of CHN + RUS only: the aggregates are totals
    f = tmp_path / "t.csv"
    t.to_csv(f, index=False)
    code, _ = cli(["measures", "--data", f, "--flow", "exports", "--out", tmp_path / "m"], capsys)
    assert code == 0
    got = pd.read_csv(tmp_path / "m" / "shares.csv")
    got = got[(got["flow"] == "export") & (got["group"].str.lower() == "china")]
    assert got["share"].iloc[0] == pytest.approx(1 / 3)


def test_duplicated_gravity_rows_refused_by_the_api():
    df = gravity_panel(5, [2000, 2001], 0.0, 6)
    dup = pd.concat([df, df.iloc[[3]]], ignore_index=True)
    with pytest.raises(SchemaError, match="share a key"):
        gravity.ppml(dup, "flow ~ rta | exp_year + imp_year + pair")
    sectors = pd.concat([df.assign(sector="A"), df.assign(sector="B")], ignore_index=True)
    gravity.ppml(sectors, "flow ~ rta | exp_year + imp_year + pair")  # told apart by the sector column: fine


@pytest.mark.parametrize("formula,words", [
    ("flow ~ rta |", "nothing after"),
    ("flow ~ I(__import__('os').system('touch HACKED')) | pair", "not allowed"),
    ("flow ~ rta + open('x').read() | pair", "not allowed"),
    ("flow ~ rta + np.random.seed(1) | pair", "not allowed"),
    ("flow ~ rta + log(dist, 2) | pair", "not allowed"),
    ("flow ~ C(rta + 1) | pair", "C(column)"),
])
def test_formulas_are_data(tmp_path, capsys, monkeypatch, formula, words):
    monkeypatch.chdir(tmp_path)
    df = gravity_panel(5, [2000, 2001, 2002], 0.0, 7)
    with pytest.raises(UsageError, match=re.escape(words)):
        gravity.ppml(df, formula)
    f = tmp_path / "g.csv"
    df.to_csv(f, index=False)
    code, line = cli(["gravity", "--data", f, "--formula", formula, "--out", tmp_path / "o"], capsys)
    assert code == 64 and words in line
    assert not (tmp_path / "HACKED").exists() and not (tmp_path / "o").exists()


def test_formula_transforms_equal_precomputed_columns():
    """log(), I(a*b), a:b and i() evaluated by kzecon equal the same columns computed beforehand."""
    df = gravity_panel(6, [2000, 2001, 2002], 0.1, 8)
    df["post"] = (df["year"] >= 2001).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = gravity.ppml(df, "flow ~ log(dist) + I(rta * post) | exp_year + imp_year + pair")
        b = gravity.ppml(df.assign(ld=np.log(df["dist"]), rp=df["rta"] * df["post"]),
                         "flow ~ ld + rp | exp_year + imp_year + pair")
        c = gravity.ppml(df, "flow ~ rta:post | exp_year + imp_year + pair")
        d = gravity.ppml(df.assign(rp=df["rta"] * df["post"]), "flow ~ rp | exp_year + imp_year + pair")
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), rtol=1e-10)
    assert list(a.params.index) == ["log(dist)", "I(rta * post)"]
    np.testing.assert_allclose(c.params.to_numpy(), d.params.to_numpy(), rtol=1e-10)
    assert list(c.params.index) == ["rta:post"]


def test_gravity_api_normalises_codes_and_refuses_fractional_years_as_the_cli_does(tmp_path, capsys):
    df = gravity_panel(5, [2000, 2001, 2002], 0.0, 12, codes=["AUT", "BRA", "CAN", "DEU", "ROU"])
    old = df.assign(exporter=df["exporter"].replace({"ROU": "ROM"}).str.lower(), importer=df["importer"])
    with pytest.warns(DataQualityWarning, match="ROM→ROU"):
        a = gravity.ppml(old, "flow ~ rta | exp_year + imp_year + pair")
    b = gravity.ppml(df, "flow ~ rta | exp_year + imp_year + pair")
    np.testing.assert_allclose(a.params, b.params, rtol=1e-12)  # one country, not ROM and ROU apart
    assert set(old["exporter"]) >= {"rom", "aut"}  # the caller's frame is not changed
    frac = df.assign(year=df["year"] + np.where(df.index == 4, 0.5, 0.0))
    with pytest.raises(SchemaError, match="whole years"):
        gravity.ppml(frac, "flow ~ rta | exp_year + imp_year + pair")
    f = tmp_path / "g.csv"
    frac.to_csv(f, index=False)
    code, line = cli(["gravity", "--data", f, "--formula", "flow ~ rta | exp_year + imp_year + pair"], capsys)
    assert code == 3 and "whole years" in line


def test_historical_codes_mapped_with_the_promised_warning():
    t = pd.DataFrame({"reporter": "KAZ", "partner": ["ROM", "CHN"], "year": 2001, "flow": "export",
                      "value_usd": [1.0, 2.0]})
    with pytest.warns(DataQualityWarning, match="ROM→ROU"):
        out = kzecon.data.validate_trade(t)
    assert "ROU" in set(out["partner"])


def test_two_reporters_need_a_choice(tmp_path, capsys):
    t = pd.DataFrame({"reporter": ["KAZ", "KAZ", "UZB", "UZB"], "partner": ["CHN", "RUS", "CHN", "RUS"],
                      "year": 2021, "flow": "export", "value_usd": [1e9, 2e9, 3e9, 1e9]})
    f = tmp_path / "t.csv"
    t.to_csv(f, index=False)
    code, line = cli(["measures", "--data", f, "--flow", "exports"], capsys)
    assert code == 64 and "KAZ" in line and "UZB" in line and "--reporter" in line
    code, _ = cli(["measures", "--data", f, "--flow", "exports", "--reporter", "uzb"], capsys)
    assert code == 0


def test_kzecon_errors_are_value_errors():
    assert issubclass(KzeconError, ValueError)
    with pytest.raises(ValueError):
        gravity.ppml(gravity_panel(4, [2000, 2001], 0.0, 9), "flow ~ nosuch | pair")


def test_did2s_with_a_one_untreated_year_cohort_is_a_kzecon_error():
    from kzecon.panel.did import staggered

    rng = np.random.default_rng(1)
    rows = [(f"U{e}", y, {0: 2001, 1: 2001, 2: 2005}.get(e, 0), rng.normal()) for e in range(8)
            for y in range(2000, 2010)]
    df = pd.DataFrame(rows, columns=["unit", "year", "start", "y"])
    with pytest.raises(SpecificationError, match="single untreated period"):
        staggered(df, "y", entity="unit", time="year", treat_start="start")
    with pytest.raises(SpecificationError, match="no untreated period"):
        staggered(df[df["year"] >= 2001], "y", entity="unit", time="year", treat_start="start")


# ---------------------------------------------------------------------------------------- generated contracts


def _must_work(argv, out, files, capsys) -> None:
    """The command on a valid generated file: exit 0 and every named output file written (warnings aside)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code, line = cli([*argv, "--out", out], capsys)
    assert code == 0, line
    for name in files:
        assert (out / name).is_file(), name


def _must_refuse(argv, out, expected: int, capsys, mutation) -> None:
    """The command on a file with one mistake: the documented exit code and no output folder."""
    code, line = cli([*argv, "--out", out], capsys)
    assert code == expected, (mutation, line)
    assert not out.exists()


def _write(df: pd.DataFrame, path, gz: bool, order: list[int]) -> None:
    df = df[[df.columns[i] for i in order]]
    if gz:
        with gzip.open(path, "wt") as fh:
            df.to_csv(fh, index=False)
    else:
        df.to_csv(path, index=False)


@st.composite
def gravity_files(draw):
    n = draw(st.integers(4, 8))
    years = sorted(draw(st.sets(st.integers(1990, 2020), min_size=3, max_size=6)))
    zeros = draw(st.sampled_from([0.0, 0.0, 0.15, 0.3]))  # none dropped, or many (zeros make separated groups)
    codes = draw(st.permutations(ISO))
    df = gravity_panel(n, years, zeros, draw(st.integers(0, 10_000)), codes=codes)
    order = draw(st.permutations(list(range(df.shape[1]))))
    return df, draw(st.booleans()), list(order)


MUTATIONS_GRAVITY = {
    "negative flow": (lambda d: d.assign(flow=d["flow"].where(d.index != 1, -5.0)), 3),
    "duplicated row": (lambda d: pd.concat([d, d.iloc[[0]]], ignore_index=True), 3),
    "aggregate": (lambda d: d.assign(exporter=d["exporter"].where(d.index != 2, "WLD")), 3),
    "text flow": (lambda d: d.astype({"flow": object}).assign(flow=lambda x: x["flow"].where(x.index != 0, "n/a")),
                  3),
    "no flow column": (lambda d: d.drop(columns="flow"), 3),
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gravity_files(), st.sampled_from(sorted(MUTATIONS_GRAVITY)))
def test_gravity_contract_generated(tmp_path_factory, capsys, drawn, mutation):
    df, gz, order = drawn
    tmp = tmp_path_factory.mktemp("gc")
    f = tmp / ("g.csv.gz" if gz else "g.csv")
    _write(df, f, gz, order)
    out = tmp / "out"
    _must_work(["gravity", "--data", f, "--formula", "flow ~ rta + log(dist) | exp_year + imp_year + pair"], out,
               ("estimates.csv", "dropped.csv", "estimates.png"), capsys)
    est = pd.read_csv(out / "estimates.csv")
    assert {"model", "term", "estimate", "std_error", "nobs"} <= set(est.columns)
    assert np.isfinite(est["estimate"]).all()
    fn, expected = MUTATIONS_GRAVITY[mutation]
    bad = fn(df.copy())
    f2 = tmp / ("bad.csv.gz" if gz else "bad.csv")
    _write(bad, f2, gz, list(range(bad.shape[1])))
    _must_refuse(["gravity", "--data", f2, "--formula", "flow ~ rta | exp_year + imp_year + pair"], tmp / "out2",
                 expected, capsys, mutation)


@st.composite
def composition_files(draw):
    k = draw(st.integers(2, 5))
    parts = draw(st.lists(st.sampled_from(["alpha", "Beta", "gamma_1", "Delta Co", "eps", "Zeta-2", "eta"]),
                          min_size=k, max_size=k, unique=True))
    first = draw(st.integers(1960, 2000))
    n = draw(st.integers(15, 35))
    return composition([*parts, "rest"], range(first, first + n), draw(st.integers(0, 10_000)))


MUTATIONS_COMPOSITION = {
    "case-duplicated part": lambda d: d.assign(partner=d["partner"].where(  # the first part renamed as the second,
        d["partner"] != d["partner"].iloc[0], f" {d['partner'].iloc[1].upper()}")),  # in capitals with a space
    "fractional year": lambda d: d.assign(year=d["year"] + 0.5),
    "gap": lambda d: d[d["year"] != d["year"].min() + 3],
    "negative share": lambda d: d.assign(share=d["share"].where(d.index != 0, -0.2)),
    "duplicated row": lambda d: pd.concat([d, d.iloc[[0]]], ignore_index=True),
}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(composition_files(), st.sampled_from(sorted(MUTATIONS_COMPOSITION)), st.sampled_from(["rw", "drift", "mean5"]))
def test_forecast_contract_generated(tmp_path_factory, capsys, comp, mutation, model):
    tmp = tmp_path_factory.mktemp("fc")
    f = tmp / "c.csv"
    comp.sample(frac=1.0, random_state=0).to_csv(f, index=False)  # rows in any order
    out = tmp / "out"
    _must_work(["forecast", "--data", f, "--model", model, "--horizon", 3, "--paths", 200], out,
               ("paths_summary.csv", "risk.csv"), capsys)
    summ = pd.read_csv(out / "paths_summary.csv")
    assert {"year", "partner", "mean", "median", "lower_90", "upper_90"} <= set(summ.columns)
    assert set(summ["partner"]) == set(comp["partner"])
    risk = pd.read_csv(out / "risk.csv")
    assert {"event", "year", "probability"} <= set(risk.columns)
    assert risk["probability"].between(0, 1).all()
    bad = MUTATIONS_COMPOSITION[mutation](comp.copy())
    f2 = tmp / "bad.csv"
    bad.to_csv(f2, index=False)
    _must_refuse(["forecast", "--data", f2, "--model", model, "--paths", 200], tmp / "out2", 3, capsys, mutation)


@st.composite
def trade_files(draw):
    reporter = draw(st.sampled_from(["KAZ", "UZB", "MNG", "AZE", "NOR", "CHL"]))
    partners = draw(st.lists(st.sampled_from(["CHN", "RUS", "DEU", "FRA", "USA", "KGZ", "TUR", "IND", "JPN"]),
                             min_size=2, max_size=9, unique=True))
    years = sorted(draw(st.sets(st.integers(1995, 2023), min_size=1, max_size=8)))
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    rows = [(reporter, p, y, fl, float(rng.lognormal(18, 2))) for y in years for p in partners
            for fl in ("export", "import")]
    df = pd.DataFrame(rows, columns=["reporter", "partner", "year", "flow", "value_usd"])
    if draw(st.booleans()):
        df["partner"] = df["partner"].str.lower()  # normalised as the API does
    order = draw(st.permutations(list(range(df.shape[1]))))
    return df, draw(st.booleans()), list(order)


MUTATIONS_TRADE = {
    "negative value": (lambda d: d.assign(value_usd=d["value_usd"].where(d.index != 0, -1.0)), 3),
    "duplicated row": (lambda d: pd.concat([d, d.iloc[[1]]], ignore_index=True), 3),
    "unknown code": (lambda d: d.assign(partner=d["partner"].where(d.index != 0, "XQZ")), 3),
    "bad flow": (lambda d: d.assign(flow=d["flow"].where(d.index != 0, "transit")), 3),
    "fractional year": (lambda d: d.assign(year=d["year"] + 0.5), 3),
}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(trade_files(), st.sampled_from(sorted(MUTATIONS_TRADE)))
def test_measures_contract_generated(tmp_path_factory, capsys, drawn, mutation):
    df, gz, order = drawn
    tmp = tmp_path_factory.mktemp("mc")
    f = tmp / ("t.csv.gz" if gz else "t.csv")
    _write(df, f, gz, order)
    out = tmp / "out"
    _must_work(["measures", "--data", f], out,
               ("shares.csv", "tilt.csv", "balance.csv", "concentration.csv", "shares_total.png"), capsys)
    shares = pd.read_csv(out / "shares.csv")
    total = shares.groupby(["year", "flow"])["share"].sum()
    np.testing.assert_allclose(total.to_numpy(), 1.0, rtol=1e-9)  # the groups cover every partner, once
    fn, expected = MUTATIONS_TRADE[mutation]
    bad = fn(df.copy())
    f2 = tmp / "bad.csv"
    bad.to_csv(f2, index=False)
    _must_refuse(["measures", "--data", f2], tmp / "out2", expected, capsys, mutation)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(14, 40), st.integers(1950, 2000), st.integers(0, 10_000),
       st.sampled_from(["gap", "duplicated year", "share above one", "fractional year"]))
def test_timeseries_contract_generated(tmp_path_factory, capsys, n, first, seed, mutation):
    rng = np.random.default_rng(seed)
    z = np.cumsum(rng.normal(0, 0.15, n)) - 1.0
    df = pd.DataFrame({"year": range(first, first + n), "share": 1 / (1 + np.exp(-z))})
    tmp = tmp_path_factory.mktemp("tc")
    f = tmp / "s.csv"
    df.sample(frac=1.0, random_state=seed).to_csv(f, index=False)
    _must_work(["timeseries", "--data", f, "--horizon", 3], tmp / "out",
               ("tests.csv", "breaks.csv", "forecast.csv", "share_breaks.png"), capsys)
    bad = {"gap": lambda d: d[d["year"] != first + 5],
           "duplicated year": lambda d: pd.concat([d, d.iloc[[2]]], ignore_index=True),
           "share above one": lambda d: d.assign(share=d["share"].where(d.index != 3, 7.0)),
           "fractional year": lambda d: d.assign(year=d["year"] + 0.25)}[mutation](df.copy())
    f2 = tmp / "bad.csv"
    bad.to_csv(f2, index=False)
    _must_refuse(["timeseries", "--data", f2], tmp / "out2", 3, capsys, mutation)
