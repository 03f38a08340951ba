"""Sector-by-sector gravity and placebo refits on Dask (issue 21), on a local cluster of two worker processes:
equal to one process, a group that fails is a row with its reason, a worker killed mid-run loses and duplicates
nothing, the driver's memory stays flat as the number of groups grows, the CLI contract."""

import os
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from kzecon import gravity
from kzecon.cli import main
from kzecon.gravity import distributed, inference
from kzecon.gravity.simulate import simulate_bloc_panel, simulate_panel

FORMULA = "flow ~ policy | exp_year + imp_year + pair"


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as c:
        yield c


def sectors(n: int, countries: int = 12, years: int = 4) -> pd.DataFrame:
    return pd.concat([simulate_panel(countries, years, seed=s).assign(sector=f"S{s:03d}") for s in range(n)],
                     ignore_index=True)


def write_by_year(panel: pd.DataFrame, folder) -> None:
    """A folder of files, one per year, as users keep product-level panels."""
    folder.mkdir()
    for y, g in panel.groupby("year"):
        g.to_csv(folder / f"panel_{y}.csv", index=False)


def test_equal_to_one_process_and_failures_are_rows(client, tmp_path):
    panel = sectors(6)
    panel.loc[panel["sector"] == "S004", "policy"] = 0  # absorbed: this group cannot be fitted
    write_by_year(panel, tmp_path / "years")
    res = distributed.ppml_by(tmp_path / "years", FORMULA, by="sector", client=client)
    assert list(res.columns[:6]) == ["sector", "model", "term", "estimate", "std_error", "nobs"]
    assert sorted(res["sector"].unique()) == [f"S{s:03d}" for s in range(6)]  # no group lost
    bad = res[res["sector"] == "S004"]
    assert len(bad) == 1 and bad["status"].iloc[0] == "failed" and "absorbed" in bad["reason"].iloc[0]
    for s in ("S000", "S003", "S005"):
        one = gravity.ppml(panel[panel["sector"] == s], FORMULA)
        row = res[(res["sector"] == s) & (res["term"] == "policy")].iloc[0]
        assert row["estimate"] == pytest.approx(one.params["policy"], rel=1e-10, abs=1e-12)
        assert row["std_error"] == pytest.approx(one.std_errors["policy"], rel=1e-10)
        assert row["nobs"] == one.nobs


def test_a_group_column_with_another_name(client):
    """A panel grouped by ``industry`` (ITPD-E's word): the table keeps ``sector`` and names the column too."""
    panel = sectors(2).rename(columns={"sector": "industry"})
    res = distributed.ppml_by(panel, FORMULA, by="industry", client=client)
    assert list(res.columns[:3]) == ["sector", "industry", "model"]
    assert (res["sector"] == res["industry"]).all() and sorted(res["industry"].unique()) == ["S000", "S001"]
    one = gravity.ppml(panel[panel["industry"] == "S001"], FORMULA)
    assert res.set_index(["industry", "term"]).loc[("S001", "policy"), "estimate"] == pytest.approx(
        one.params["policy"], rel=1e-10)


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(client, tmp_path):
    panel = sectors(6)
    marker = tmp_path / "killed_once"

    def kill_once(g: pd.DataFrame) -> pd.DataFrame:
        if g["sector"].iloc[0] == "S002" and not marker.exists():
            marker.write_text("x")
            os._exit(1)  # the worker process dies in the middle of the run
        return g

    res = distributed.ppml_by(panel, FORMULA, by="sector", client=client, prepare=kill_once)
    assert marker.exists()  # the kill happened
    ok = res[res["term"] == "policy"]
    assert sorted(ok["sector"]) == [f"S{s:03d}" for s in range(6)]  # each group exactly once
    assert (res["status"] == "ok").all()


def test_driver_memory_stays_flat_as_groups_grow(client, tmp_path):
    peaks = {}
    for n in (8, 80):
        folder = tmp_path / f"g{n}"
        write_by_year(sectors(n, countries=8, years=3), folder)
        tracemalloc.start()
        res = distributed.ppml_by(folder, FORMULA, by="sector", client=client)
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert res["sector"].nunique() == n
    # ten times the groups (and the data, read by the workers) — the driver's peak grows far less than tenfold
    assert peaks[80] < 3 * peaks[8], peaks


def test_randomization_inference_on_dask_equals_one_process(client):
    p = simulate_bloc_panel(12, 7, waves=((3, 3), (5, 2)), effect=0.0, seed=5)
    model = gravity.PPML(p, "flow ~ bloc | exp_year + imp_year + pair")
    draw = inference.bloc_draw(p, p.attrs["pool"] + p.attrs["members"], p.attrs["waves"])
    a = inference.randomization_inference(model, "bloc", draw, reps=12, seed=1)
    b = inference.randomization_inference(model, "bloc", draw, reps=12, seed=1, client=client, batch=3)
    np.testing.assert_allclose(b.placebo, a.placebo, rtol=1e-10)
    assert a.p_value == b.p_value


def test_cli_by_sector_contract(tmp_path):
    panel = sectors(4).rename(columns={"policy": "rta"})
    # bri: pairs of an early-member exporter and a later importer from 2008 (varies within exporter-year)
    panel["bri"] = ((panel["year"] >= panel["year"].min() + 2) & (panel["exporter"] < "C004")
                    & (panel["importer"] >= "C006")).astype(int)
    # in S003 bri varies by exporter and year only: absorbed by exp_year there, dropped from that sector's model
    s3 = panel["sector"] == "S003"
    panel.loc[s3, "bri"] = ((panel.loc[s3, "year"] >= panel["year"].min() + 2)
                            & (panel.loc[s3, "exporter"] < "C004")).astype(int)
    f = tmp_path / "panel.csv"
    panel[["exporter", "importer", "year", "flow", "rta", "bri", "sector"]].to_csv(f, index=False)
    out = tmp_path / "o"
    formula = "flow ~ rta + bri | exp_year + imp_year + pair"
    assert main(["gravity", "--data", str(f), "--formula", formula, "--cluster", "pair", "--by", "sector",
                 "--workers", "2", "--out", str(out)]) == 0
    est = pd.read_csv(out / "estimates.csv")
    assert list(est.columns[:6]) == ["sector", "model", "term", "estimate", "std_error", "nobs"]
    assert sorted(est["sector"].unique()) == ["S000", "S001", "S002", "S003"]
    assert (est.groupby("sector")["term"].apply(list) == pd.Series({s: ["rta", "bri"] for s in
                                                                     ["S000", "S001", "S002", "S003"]})).all()
    for s in ("S000", "S002"):  # equal to one PPML on that sector, clustered by pair
        one = gravity.ppml(panel[panel["sector"] == s], formula, cluster="pair")
        got = est[est["sector"] == s].set_index("term")
        np.testing.assert_allclose(got.loc[["rta", "bri"], "estimate"], one.params[["rta", "bri"]], rtol=1e-8)
        np.testing.assert_allclose(got.loc[["rta", "bri"], "std_error"], one.std_errors[["rta", "bri"]], rtol=1e-8)
    s3 = est[est["sector"] == "S003"].set_index("term")
    assert s3.loc["bri", "status"] == "absorbed" and np.isnan(s3.loc["bri", "estimate"])
    assert "exp_year" in s3.loc["bri", "reason"]
    one = gravity.ppml(panel[panel["sector"] == "S003"], "flow ~ rta | exp_year + imp_year + pair", cluster="pair")
    assert s3.loc["rta", "estimate"] == pytest.approx(one.params["rta"], rel=1e-8)
