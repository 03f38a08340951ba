"""Bring your own data (issue 18): every command and function on a user's file and specification, each case of
the issue with its error type, exit code or flagged output; the gravity formula path against pyfixest called
directly on the same frame."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzecon
from kzecon import forecast, timeseries
from kzecon.cli import main
from kzecon.errors import CoverageError, DataFileError, IntegrityError, KzeconError, SchemaError


def run(*args, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "kzecon.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.strip().splitlines() if not ln.startswith("kzecon: warning:")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


# ---------------------------------------------------------------------------------------- gravity formula


@pytest.fixture(scope="module")
def user_gravity(tmp_path_factory):
    """A user's panel in the contract layout (exporter, importer, year, flow, cu, rta_other), gzip, with the
    historical codes real datasets carry (ROM, ZAR, BLX, MNT …), cut from the bundled penppml panel."""
    g = kzecon.data.load_gravity("penppml")
    g = g[g["year"].isin([2008, 2012, 2016])]
    size = g.groupby("exporter")["flow"].sum().sort_values(ascending=False)
    keep = set(size.index[:45]) | {"KAZ", "RUS", "BLR", "ARM", "KGZ", "ROM", "ZAR", "BLX", "MNT", "KN1"}
    g = g[g["exporter"].isin(keep) & g["importer"].isin(keep)].copy()
    cu = {"KAZ": 2010, "RUS": 2010, "BLR": 2010, "ARM": 2015, "KGZ": 2015}
    both = g["exporter"].map(cu).notna() & g["importer"].map(cu).notna()
    start = np.maximum(g["exporter"].map(cu).fillna(9999), g["importer"].map(cu).fillna(9999))
    g["cu"] = (both & (g["year"] >= start)).astype(int)
    g["rta_other"] = ((g["rta"] == 1) & (g["cu"] == 0)).astype(int)
    path = tmp_path_factory.mktemp("grav") / "panel.csv.gz"
    g[["exporter", "importer", "year", "flow", "cu", "rta_other"]].to_csv(path, index=False)
    return path, g


def test_gravity_formula_contract_equals_pyfixest(user_gravity, tmp_path):
    import pyfixest as pf
    from pyfixest.demeaners import MapDemeaner

    path, g = user_gravity
    out = tmp_path / "g"
    r = run("gravity", "--data", path, "--formula", "flow ~ cu + rta_other | exp_year + imp_year + pair",
            "--cluster", "pair", "--out", out)
    assert r.returncode == 0, r.stderr
    assert "ROM→ROU" in r.stderr and "MNT" in r.stderr  # recoded and kept codes, each said once
    assert "BLX" not in r.stderr  # Belgium–Luxembourg, a known trade-statistics code, passes silently
    est = pd.read_csv(out / "estimates.csv")
    assert list(est.columns[:5]) == ["model", "term", "estimate", "std_error", "nobs"]
    assert (out / "dropped.csv").exists()
    est = est.set_index("term")
    # pyfixest directly on the same frame: directional pair clusters, G/(G-1) only, tight tolerances
    d = g.assign(ey=g["exporter"] + g["year"].astype(str), iy=g["importer"] + g["year"].astype(str),
                 pr=g["exporter"] + ">" + g["importer"])
    m = pf.fepois("flow ~ cu + rta_other | ey + iy + pr", data=d, vcov={"CRV1": "pr"}, ssc=pf.ssc(k_adj=False),
                  iwls_tol=1e-12, demeaner=MapDemeaner(fixef_tol=1e-12))
    for t in ("cu", "rta_other"):
        assert est.loc[t, "estimate"] == pytest.approx(m.coef()[t], rel=1e-8)
        assert est.loc[t, "std_error"] == pytest.approx(m.se()[t], rel=1e-6)
        assert est.loc[t, "nobs"] == m._N


def test_gravity_years_and_default_cluster(user_gravity, tmp_path):
    path, g = user_gravity
    r = run("gravity", "--data", path, "--formula", "flow ~ cu + rta_other | exp_year + imp_year + pair",
            "--years", "2012:2016:4", "--out", tmp_path / "y")
    assert r.returncode == 0, r.stderr
    assert "years 2012, 2016" in r.stdout
    r = run("gravity", "--data", path, "--years", "2016:2012")
    assert r.returncode == 64 and "before" in one_line(r.stderr)
    r = run("gravity", "--data", path)
    assert r.returncode == 64 and "--formula" in one_line(r.stderr) and "cu, rta_other" in r.stderr


def test_gravity_canonical_layout_keeps_every_column(tmp_path):
    p = tmp_path / "c.csv"
    pd.DataFrame({"exporter": ["KAZ", "CHN"], "importer": ["CHN", "KAZ"], "year": 2016, "flow": [1.0, 2.0],
                  "rta": [0, 0], "my_cost": [1.5, 2.5]}).to_csv(p, index=False)
    g = kzecon.data.read_gravity_csv(p)
    assert {"rta", "my_cost"} <= set(g.columns) and g["my_cost"].tolist() == [1.5, 2.5]


def test_gravity_flow_overflow_is_an_error_naming_the_row(user_gravity, tmp_path):
    _, g = user_gravity
    bad = g[["exporter", "importer", "year", "flow", "cu", "rta_other"]].copy()
    bad.iloc[3, bad.columns.get_loc("flow")] = 1e300
    p = tmp_path / "big.csv"
    bad.to_csv(p, index=False)
    r = run("gravity", "--data", p, "--formula", "flow ~ cu | exp_year + imp_year + pair")
    line = one_line(r.stderr)
    assert r.returncode == 3 and "1e+300" in line and f"{bad.iloc[3]['exporter']}→{bad.iloc[3]['importer']}" in line


# ---------------------------------------------------------------------------------------- time series


@pytest.mark.parametrize("n,seed,coarse", [(21, 1, True), (22, 0, False), (25, 3, True), (13, 0, False)])
def test_timeseries_contract_on_plausible_user_series(tmp_path, n, seed, coarse):
    rng = np.random.default_rng(seed)
    z = np.cumsum(rng.normal(0, 0.2, n)) - 1.5
    share = 1 / (1 + np.exp(-(np.round(z, 1) if coarse else z)))  # coarse: shares rounded, repeated values
    f = tmp_path / "s.csv"
    pd.DataFrame({"year": np.arange(2000, 2000 + n), "share": np.round(share, 4)}).to_csv(f, index=False)
    out = tmp_path / "out"
    r = run("timeseries", "--data", f, "--out", out)
    assert r.returncode == 0, r.stderr
    for name in ("tests.csv", "breaks.csv", "forecast.csv"):
        assert (out / name).exists(), name
    tests = pd.read_csv(out / "tests.csv")
    nc = tests[tests["decision"] == "not computable"]
    assert nc["note"].notna().all()  # what could not be computed says why
    assert (tests["decision"] != "not computable").sum() >= 8
    assert len(pd.read_csv(out / "forecast.csv")) == 5


def test_timeseries_refusals_name_the_cause(tmp_path):
    header = tmp_path / "h.csv"
    header.write_text("year,share\n")
    r = run("timeseries", "--data", header)
    assert r.returncode == 3 and "empty" in one_line(r.stderr) and "12" in r.stderr
    comp = tmp_path / "c.csv"
    comp.write_text("year,partner,share\n2000,CHN,0.1\n2000,RUS,0.9\n")
    r = run("timeseries", "--data", comp)
    assert r.returncode == 3 and "composition" in one_line(r.stderr) and "forecast" in r.stderr
    const = tmp_path / "k.csv"
    pd.DataFrame({"year": range(2000, 2020), "share": 0.2}).to_csv(const, index=False)
    r = run("timeseries", "--data", const)
    assert r.returncode == 3 and "np.float64" not in r.stderr and "(0.2)" in one_line(r.stderr)


def test_api_empty_and_none_inputs():
    with pytest.raises(CoverageError, match="empty"):
        timeseries.share_battery(pd.DataFrame(columns=["year", "share"]))
    with pytest.raises(SchemaError, match="DataFrame"):
        forecast.simulate(None)
    with pytest.raises(CoverageError, match="no rows"):
        timeseries.models.arima(pd.DataFrame({"year": [], "share": []}))
    with pytest.raises(CoverageError):
        timeseries.models.arima(pd.Series([], dtype=float))


# ---------------------------------------------------------------------------------------- forecast inputs


@pytest.mark.parametrize("content,code,words", [
    (b"\x00\x01\x02binary", 2, ["binary"]),
    (b"event,kind\n", 3, ["no events"]),
    (b'event,kind,part_a\n"x,y\n', 2, ["well-formed"]),
    (b"", 2, ["empty"]),
    (b"event,kind,part_a,threshold\nx,sideways,china,0.3\n", 3, ["kind must be one of"]),
])
def test_bad_events_files(tmp_path, content, code, words):
    p = tmp_path / "ev.csv"
    p.write_bytes(content)
    r = run("forecast", "--model", "rw", "--events", p)
    line = one_line(r.stderr)
    assert r.returncode == code
    for w in words:
        assert w in line


def test_negligible_share_is_refused(tmp_path):
    comp = kzecon.study.pipeline.composition()
    china = (comp["partner"] == "china") & (comp["year"] == 2000)
    rest = (comp["partner"] == "rest") & (comp["year"] == 2000)
    comp.loc[rest, "share"] += comp.loc[china, "share"].to_numpy()
    comp.loc[china, "share"] = 1e-300
    p = tmp_path / "c.csv"
    comp.to_csv(p, index=False)
    r = run("forecast", "--data", p, "--model", "rw")
    assert r.returncode == 3 and "1e-300" in one_line(r.stderr)


@pytest.mark.parametrize("argv", [["forecast", "--seed", "-1"], ["backtest", "--seed", "x"],
                                  ["data", "update", "--start", "2020", "--end", "2010"],
                                  ["alignment", "--from", "2015", "--to", "2010"], ["forecast", "--paths", "5"]])
def test_bad_options_are_usage_errors(argv, capsys):
    assert main(argv) == 64
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kzecon: ")


# ---------------------------------------------------------------------------------------- files


def test_data_folder_files_are_validated(tmp_path):
    d = tmp_path / "userdata"
    d.mkdir()
    env = dict(os.environ, KZECON_DATA_DIR=str(d))
    for content, words in (("a,b\n1,2\n", ["missing required column", "imf_imts.csv"]),
                           ("reporter,partner,year,flow,value_usd,source,reporter_side\n"
                            "KAZ,CHN,2026,export,abc,imf_imts,reported\n", ["non-numeric", "'abc'"]),
                           ("reporter,partner,year,flow,value_usd,source,reporter_side\n"
                            "KAZ,CHN,2026,export,-5,imf_imts,reported\n", ["negative", "KAZ→CHN 2026"])):
        (d / "imf_imts.csv").write_text(content)
        r = run("measures", env=env)
        line = one_line(r.stderr)
        assert r.returncode == 3
        for w in words:
            assert w in line


def test_decimal_commas_utf16_and_too_large(tmp_path, monkeypatch):
    p = tmp_path / "t.csv"
    p.write_text("reporter;partner;year;flow;value_usd\nKAZ;CHN;2020;export;1,5\nKAZ;RUS;2020;export;2,5\n")
    with pytest.raises(SchemaError, match="decimal commas"):
        kzecon.data.read_any(p)
    u = tmp_path / "u.csv"
    u.write_text("reporter,partner,year,flow,value_usd\nKAZ,CHN,2020,export,30\nKAZ,RUS,2020,export,70\n",
                 encoding="utf-16")
    assert kzecon.data.read_any(u)["value_usd"].tolist() == [30.0, 70.0]
    from kzecon.data import readers

    monkeypatch.setattr(readers, "_available_memory", lambda: 1000)
    with pytest.raises(DataFileError, match=r"too large .* free memory"):
        kzecon.data.read_any(u)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_gravity_and_events_readers_never_crash(tmp_path_factory, blob):
    p = tmp_path_factory.mktemp("fuzz") / "x.csv"
    p.write_bytes(b"exporter,importer,year,flow\n" + blob)
    for reader in (kzecon.data.read_gravity_csv, forecast.read_events):
        try:
            reader(p)
        except KzeconError:
            pass


# ---------------------------------------------------------------------------------------- cache, interrupt


def test_brief_cache_is_plain_json_and_refuses_what_it_did_not_write(tmp_path):
    import pickle

    from kzecon.study import brief

    (tmp_path / "figures").mkdir()
    (tmp_path / "index.html").write_text("<p>brief</p>")
    (tmp_path / "figures" / "a.png").write_bytes(b"png")
    planted = tmp_path / "brief-x.json"
    planted.write_bytes(pickle.dumps({"outputs": {}, "figures": {}}))  # a pickle is never loaded
    with pytest.warns(UserWarning, match="not a cache this version wrote"):
        assert brief._read_cache(planted, tmp_path) is None
    planted.write_text(json.dumps({"outputs": {"index.html": 1}, "findings": {}, "top_line": [], "layout": {},
                                   "figures": {}}))
    with pytest.warns(UserWarning, match="not a cache"):
        assert brief._read_cache(planted, tmp_path) is None
    digests = {rel: hashlib.sha256((tmp_path / rel).read_bytes()).hexdigest() for rel in ("index.html",
                                                                                          "figures/a.png")}
    ok = {"outputs": digests, "findings": {"x": {"value": 1}}, "top_line": ["<script>alert(1)</script>"],
          "layout": {}, "figures": {}}
    planted.write_text(json.dumps(ok))
    assert brief._read_cache(planted, tmp_path) == ok  # a hit: the folder already holds this brief, nothing rendered
    (tmp_path / "figures" / "a.png").write_bytes(b"changed")
    assert brief._read_cache(planted, tmp_path) is None  # a file of the brief changed since: rebuilt
    (tmp_path / "figures" / "a.png").write_bytes(b"png")
    escape = dict(ok, outputs={"../outside.txt": digests["index.html"]})
    (tmp_path.parent / "outside.txt").write_text("<p>brief</p>")
    planted.write_text(json.dumps(escape))
    assert brief._read_cache(planted, tmp_path) is None  # a record naming a file outside the folder is no hit


def test_cache_key_follows_the_data_actually_read(tmp_path, monkeypatch):
    import shutil

    from kzecon.data import _store
    from kzecon.study import brief

    key0 = brief.cache_key({"a": 1})
    udir = Path(os.environ["KZECON_DATA_DIR"])
    udir.mkdir(parents=True, exist_ok=True)
    (udir / "imf_imts.csv").write_text("x\n")
    assert brief.cache_key({"a": 1}) != key0  # a user download changes the key
    copy = tmp_path / "bundled"
    shutil.copytree(_store.bundled_dir(), copy)
    monkeypatch.setattr(_store, "bundled_dir", lambda: copy)
    (copy / "brent_annual.csv").write_text((copy / "brent_annual.csv").read_text().replace("12.76", "99.99"))
    with pytest.raises(IntegrityError, match="brent_annual.csv"):
        brief.cache_key({"a": 1})  # a changed bundled file is never served from a cache


@pytest.mark.parametrize("sig,code,word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_ctrl_c_and_sigterm_exit_cleanly_and_leave_no_output(tmp_path, sig, code, word):
    out = tmp_path / "brief"
    p = subprocess.Popen([sys.executable, "-m", "kzecon.cli", "brief", "--out", str(out), "--no-cache"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    # interrupt inside the computation, after figures began (progress lines go to a terminal only: watch the files)
    while time.time() < deadline and not list(tmp_path.glob(".brief.kzecon-tmp-*/figures/*.png")):
        time.sleep(0.1)
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    assert p.returncode == code
    assert err.strip().splitlines()[-1] == f"kzecon: {word}; nothing written" and "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".brief.kzecon-tmp-*"))  # no half-written folder, no stray figures


def test_a_swallowed_interrupt_still_stops_the_command_and_writes_nothing(tmp_path, monkeypatch, capsys):
    """A library that catches the KeyboardInterrupt of Ctrl-C (a bare except) must not let the command finish and
    commit its files: the CLI's handler records the signal, and no Output is committed after it (exit 130/143)."""
    from kzecon import cli
    from kzecon.report import output

    def swallowing_forecast(args):
        try:
            cli._on_sigint(2, None)  # the signal arrives inside a library ...
        except BaseException:  # noqa: BLE001 - ... which swallows it
            pass
        with output.Output(args.out) as out:
            out.csv(pd.DataFrame({"a": [1]}), "x.csv")
        return 0

    monkeypatch.setattr(cli, "cmd_forecast", swallowing_forecast)
    out = tmp_path / "o"
    assert cli.main(["forecast", "--out", str(out)]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == "kzecon: interrupted; nothing written"
    assert not out.exists() and not list(tmp_path.glob(".o.kzecon-tmp-*"))
    assert output.stop_requested() == "interrupted"
    assert cli.main(["data", "list"]) == 0  # the next command starts clean
    assert output.stop_requested() is None
