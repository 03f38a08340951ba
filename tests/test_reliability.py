"""Reproducible outputs: the same seed gives the same bytes; CLI errors are one line with the documented code."""

import pandas as pd
import pytest

from kzecon.cli import main


@pytest.mark.parametrize("argv,files", [
    (["forecast", "--model", "var", "--paths", "500"], ["paths_summary.csv", "risk.csv"]),
    (["timeseries"], ["tests.csv", "breaks.csv", "forecast.csv"]),
    (["backtest", "--models", "rw,drift", "--paths", "200", "--quiet"], ["coverage.csv"]),
])
def test_same_seed_same_bytes(tmp_path, argv, files):
    outs = []
    for k in ("a", "b"):
        out = tmp_path / k
        assert main([*argv, "--out", str(out)]) == 0
        outs.append(out)
    for f in files:
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f


@pytest.mark.parametrize("argv,code,words", [
    (["forecast", "--data", "missing.csv"], 2, ["missing.csv"]),
    (["gravity", "--data", "missing.csv"], 2, ["missing.csv"]),
    (["alignment", "--from", "2015", "--to", "2010"], 64, ["2015", "2010"]),  # options that contradict: usage
    (["forecast", "--horizon", "0", "--model", "rw"], 64, ["horizon"]),
])
def test_cli_errors_are_one_line(tmp_path, capsys, argv, code, words):
    assert main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kzecon: ")
    for w in words:
        assert w in err[0]


def test_constant_share_file(tmp_path, capsys):
    f = tmp_path / "c.csv"
    pd.DataFrame({"year": range(2000, 2020), "share": 0.2}).to_csv(f, index=False)
    assert main(["timeseries", "--data", str(f)]) == 3
    assert "constant" in capsys.readouterr().err
