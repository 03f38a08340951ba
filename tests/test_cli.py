"""The command line: interface contract of issue 3, one-line errors, exit codes."""

import subprocess
import sys

import pandas as pd
import pytest

import kzecon


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "kzecon.cli", *args], capture_output=True, text=True,
                          timeout=300, **kw)


def test_data_list_one_per_line():
    r = run("data", "list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert [ln.split()[0] for ln in lines] == kzecon.data.list_datasets()


def test_data_describe():
    r = run("data", "describe", "trade_wits")
    assert r.returncode == 0
    for word in ("source:", "units:", "coverage:", "WITS", "thousand" if False else "US dollars"):
        assert word in r.stdout


def test_measures_writes_tables_and_figure(tmp_path):
    r = run("measures", "--flow", "exports", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    s = pd.read_csv(tmp_path / "shares.csv")
    assert {"year", "flow", "group", "share", "side"} <= set(s.columns)
    assert (tmp_path / "shares_export.png").stat().st_size > 10_000
    assert "china" in r.stdout


def test_measures_on_user_file(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("reporter,partner,year,flow,value_usd\nKAZ,CHN,2020,export,30\nKAZ,RUS,2020,export,70\n")
    r = run("measures", "--data", str(f), "--flow", "exports")
    assert r.returncode == 0, r.stderr
    assert "0.3" in r.stdout and "0.7" in r.stdout


@pytest.mark.parametrize("content,code,msg", [
    (None, 2, "file not found"),
    (b"PK\x03\x04\x00\x00", 2, "Excel"),
    (b"reporter,partner,year,flow,value_usd\nKAZ,CHN,2020,export,-3\n", 3, "negative"),
    (b"reporter,partner,year,flow\nKAZ,CHN,2020,export\n", 3, "unrecognised layout"),
    (b"reporter,partner,year,flow,value_usd\nKAZ,QQQ,2020,export,3\n", 3, "'QQQ'"),
])
def test_bad_data_one_line_nonzero(tmp_path, content, code, msg):
    f = tmp_path / "bad.csv"
    if content is not None:
        f.write_bytes(content)
    r = run("measures", "--data", str(f))
    assert r.returncode == code
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and msg in err[0] and "Traceback" not in r.stderr


def test_unknown_dataset_and_usage_errors():
    r = run("data", "describe", "nope")
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1
    r = run("measures", "--flow", "sideways")
    assert r.returncode == 64 and len(r.stderr.strip().splitlines()) == 1


def test_memory_settings_leave_what_the_environment_sets(monkeypatch):
    """The command's and the brief worker's memory settings (kzecon._memory) add only what the environment does not
    set, and applying them to a process reports what was applied (the user's own settings stay)."""
    from kzecon import _memory

    for name in _memory.WORKER_ENV:
        monkeypatch.delenv(name, raising=False)
    assert _memory.worker_env() == _memory.WORKER_ENV
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "12345")
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    left = _memory.worker_env()
    assert "MALLOC_TRIM_THRESHOLD_" not in left and "NUMPY_MADVISE_HUGEPAGE" not in left
    assert set(left) == set(_memory.WORKER_ENV) - {"MALLOC_TRIM_THRESHOLD_", "NUMPY_MADVISE_HUGEPAGE"}
    done = _memory.tune_this_process()
    assert "MALLOC_TRIM_THRESHOLD_" not in done and "NUMPY_MADVISE_HUGEPAGE" not in done
    assert all(0 < int(v) < 2**31 for v in _memory.WORKER_ENV.values() if v != "0")  # mallopt takes a C int
