"""Dependence risk learned from the world's history (issue 17): the global model's calibration on a known pooled
process, no look-ahead anywhere (the world prior and the recalibration included), the scores, and a user's own
composition through the CLI (other part names, rounded shares, percentages, scenarios, events)."""

import warnings

import numpy as np
import pandas as pd
import pytest

import kzecon
from kzecon import forecast
from kzecon.cli import main
from kzecon.errors import CoverageError, SchemaError
from kzecon.forecast import parts, scores, world

GROUPS = ["china", "russia", "usa", "eu", "central_asia", "rest"]


def pooled_world(n_economies=200, years=range(1971, 2016), seed=0) -> pd.DataFrame:
    """Compositions from one pooled process: each economy's log-ratios (china, russia, usa, eu against rest) move
    as Δz_t = a_k + 0.3 Δz_{t−1} + ε, ε ~ N(0, σ_e²) with σ_e drawn per economy from [0.08, 0.25] — the global
    model's form, so its intervals should cover as they claim."""
    rng = np.random.default_rng(seed)
    a = np.array([0.03, -0.02, 0.0, 0.01])
    rows = []
    for e in range(n_economies):
        sig = rng.uniform(0.08, 0.25)
        z = rng.normal([-1.5, -1.5, -2.0, 0.0], 0.4)
        dz = np.zeros(4)
        for y in years:
            dz = a + 0.3 * dz + rng.normal(0, sig, 4)
            z = z + dz
            ez = np.exp(z)
            sh = np.r_[ez, 1.0] / (1 + ez.sum())
            rows.append({"economy": f"E{e:03d}", "year": y, "flow": "total", "side": "reported",
                         "total_usd": 1e9, "china": sh[0], "russia": sh[1], "usa": sh[2], "eu": sh[3],
                         "central_asia": 0.0, "rest": sh[4], "estimated_share": 0.0, "unallocated": 0.0,
                         "russia_is_ussr": 0})
    return pd.DataFrame(rows)


@pytest.fixture
def simulated_world(monkeypatch):
    d = pooled_world()
    monkeypatch.setattr(kzecon.data, "load_compositions", lambda side="reported", flow="total": d)
    return d


def test_global_model_is_calibrated_on_a_known_pooled_process(simulated_world):
    bt = world.world_backtest(origins=range(2000, 2009), n_paths=400, models=("world",), statsforecast=False)
    cov = bt.coverage(subset="all", min_origin=2000)
    c90 = cov[np.isclose(cov["nominal"], 0.9)]
    assert c90["n"].min() > 3000
    assert ((c90["empirical"] >= 0.87) & (c90["empirical"] <= 0.93)).all(), c90
    c80 = cov[np.isclose(cov["nominal"], 0.8)]
    assert ((c80["empirical"] >= 0.76) & (c80["empirical"] <= 0.84)).all(), c80


def test_no_look_ahead_in_the_world_prior_or_the_recalibration(monkeypatch):
    """Every value after 1997 changed: the forecasts from origins up to 1997 — the global model's parameters, the
    paths, the recalibrated intervals and probabilities (learned from earlier origins) — do not move."""
    real = kzecon.data.load_compositions(side="reported", flow="total")
    grp = ["china", "russia", "usa", "eu", "central_asia", "rest"]
    fake = real.copy()
    late = fake["year"] > 1997
    rng = np.random.default_rng(1)
    noise = fake.loc[late, grp].to_numpy() * rng.uniform(0.2, 3.0, (int(late.sum()), len(grp)))
    fake.loc[late, grp] = noise / noise.sum(axis=1, keepdims=True)
    runs = []
    for d in (real, fake):
        monkeypatch.setattr(kzecon.data, "load_compositions", lambda side="reported", flow="total", d=d: d)
        bt = world.world_backtest(origins=range(1990, 1998), n_paths=200, models=("world", "world_cal"),
                                  statsforecast=False)
        runs.append(bt)
    cols = ["model", "origin", "economy", "horizon", "partner", "median", "lower_90", "upper_90", "lower_80",
            "upper_80", "mean"]
    a = runs[0].records[cols].sort_values(cols[:5]).reset_index(drop=True)
    b = runs[1].records[cols].sort_values(cols[:5]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    ea = runs[0].events.sort_values(["model", "origin", "economy", "horizon", "event"]).reset_index(drop=True)
    eb = runs[1].events.sort_values(["model", "origin", "economy", "horizon", "event"]).reset_index(drop=True)
    np.testing.assert_array_equal(ea["probability"].to_numpy(), eb["probability"].to_numpy())
    # the outcomes after 1997 did change: the test would see a leak
    assert not np.allclose(runs[0].records["actual"], runs[1].records["actual"])


def test_single_composition_forecast_ignores_world_years_after_its_origin(monkeypatch):
    real = kzecon.data.load_compositions(side="reported", flow="total")
    comp = real[(real["economy"] == "TUR")][["year", "china", "russia", "eu", "usa", "central_asia", "rest"]]
    comp = comp[comp["year"].between(1980, 2005)]
    long = comp.assign(rest=comp["rest"] + comp["usa"] + comp["central_asia"]).melt(
        id_vars="year", value_vars=["china", "russia", "eu", "rest"], var_name="partner", value_name="share")
    fake = real.copy()
    late = fake["year"] > 2005
    fake.loc[late, "china"], fake.loc[late, "rest"] = fake.loc[late, "rest"], fake.loc[late, "china"]
    out = []
    for d in (real, fake):
        monkeypatch.setattr(kzecon.data, "load_compositions", lambda side="reported", flow="total", d=d: d)
        out.append(forecast.simulate(long, model="world", horizon=5, n_paths=500, seed=3).paths)
    np.testing.assert_array_equal(out[0], out[1])


def test_clustered_coverage_rate_by_hand():
    # 2 economies: A has 3 forecasts (inside 1, 1, 0), B has 2 (0, 0): p = 2/5; economy sums of (x − p):
    # A 2 − 1.2 = 0.8, B −0.8; se = √(G/(G−1) · (0.64 + 0.64)) / 5 = √2.56 / 5 = 0.32
    p, se = scores.clustered_rate(np.array([1, 1, 0, 0, 0]), np.array(["A", "A", "A", "B", "B"]))
    assert p == pytest.approx(0.4) and se == pytest.approx(0.32)
    rel = pd.DataFrame({"model": "m", "forecast": [0.1, 0.9], "observed": [0.2, 0.6], "n": [30, 10]})
    assert scores.ece(rel)["m"] == pytest.approx((30 * 0.1 + 10 * 0.3) / 40)


def test_part_names_match_across_codes_and_names():
    assert parts.canonical("CHN") == parts.canonical("China") == parts.canonical(" china ") == "china"
    assert parts.canonical("EUR") == parts.canonical("EU27") == parts.canonical("European Union") == "eu"
    assert parts.canonical("REST") == parts.canonical("Rest of world") == "rest"
    assert parts.canonical("JPN") is None
    assert parts.resolve("china", ["CHN", "RUS", "REST"]) == "CHN"
    assert parts.resolve("russia", ["CHN", "REST"]) is None


def _user_comp(labels=("CHN", "RUS", "USA", "EUR", "REST"), decimals=None, scale=1.0) -> pd.DataFrame:
    k = kzecon.study.pipeline.composition()
    w = k.pivot(index="year", columns="partner", values="share")
    us = 0.03 + 0.01 * np.sin(np.arange(len(w)))  # the US's part of "rest", moving from year to year
    w = pd.DataFrame({"CHN": w["china"], "RUS": w["russia"], "USA": us * w["rest"], "EUR": w["eu"],
                      "REST": (1 - us) * w["rest"]})
    w.columns = list(labels)
    if decimals is not None:
        w = w.round(decimals)
    long = (w * scale).reset_index().melt(id_vars="year", var_name="partner", value_name="share")
    return long


def test_cli_forecast_on_a_user_composition_with_other_part_names(tmp_path):
    f = tmp_path / "c.csv"
    _user_comp().to_csv(f, index=False)
    out = tmp_path / "o"
    assert main(["forecast", "--data", str(f), "--horizon", "5", "--paths", "500", "--out", str(out)]) == 0
    ps = pd.read_csv(out / "paths_summary.csv")
    assert {"year", "partner", "mean", "median", "lower_90", "upper_90"} <= set(ps.columns)
    assert set(ps["partner"]) == {"CHN", "RUS", "USA", "EUR", "REST"}
    risk = pd.read_csv(out / "risk.csv")
    assert list(risk.columns[:3]) == ["event", "year", "probability"]
    assert "china_above_russia" in set(risk["event"]) and len(risk) == 5 * risk["event"].nunique()


def test_cli_user_events_replace_the_defaults_everywhere(tmp_path):
    f = tmp_path / "c.csv"
    _user_comp(labels=("CHN", "RUS", "USA", "EUR", "OTHER")).to_csv(f, index=False)
    ev = tmp_path / "ev.csv"
    ev.write_text("event,kind,part_a,part_b,threshold\nchn_over_eur,exceeds_part,CHN,EUR,\n"
                  "usa_above_5pct,exceeds,usa,,0.05\n")
    out = tmp_path / "o"
    for model in ("auto", "var"):
        assert main(["forecast", "--data", str(f), "--events", str(ev), "--model", model, "--paths", "300",
                     "--out", str(out)]) == 0
        risk = pd.read_csv(out / "risk.csv")
        assert set(risk["event"]) == {"chn_over_eur", "usa_above_5pct"}
    bad = tmp_path / "bad.csv"
    bad.write_text("event,kind,part_a,part_b,threshold\nx,exceeds_part,CHN,JPN,\n")
    assert main(["forecast", "--data", str(f), "--events", str(bad), "--model", "rw", "--paths", "300"]) == 3


def test_default_events_skip_parts_the_composition_lacks(tmp_path, capsys):
    k = kzecon.study.pipeline.composition()
    w = k.pivot(index="year", columns="partner", values="share")
    two = pd.DataFrame({"China": w["china"], "Rest": 1 - w["china"]}).reset_index().melt(
        id_vars="year", var_name="partner", value_name="share")
    f = tmp_path / "two.csv"
    two.to_csv(f, index=False)
    out = tmp_path / "o"
    assert main(["forecast", "--data", str(f), "--paths", "300", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "default risk events left out" in err and "china_above_russia" in err
    assert set(pd.read_csv(out / "risk.csv")["event"]) == {"china_above_25pct", "china_above_30pct",
                                                           "balance_below_90pct"}


def test_rounded_shares_and_percentages_are_read_with_a_note(tmp_path, capsys):
    for comp, words in ((_user_comp(decimals=4), "sum to one only within"), (_user_comp(scale=100.0), "percent")):
        f = tmp_path / "c.csv"
        comp.to_csv(f, index=False)
        assert main(["forecast", "--data", str(f), "--model", "rw", "--paths", "300", "--out",
                     str(tmp_path / "o")]) == 0
        assert words in capsys.readouterr().err


def test_cli_scenario_file(tmp_path):
    sc = tmp_path / "brent.csv"
    sc.write_text("year,brent\n2026,60\n2027,65\n")
    out = tmp_path / "o"
    assert main(["forecast", "--scenario", str(sc), "--horizon", "3", "--paths", "500", "--out", str(out)]) == 0
    assert len(pd.read_csv(out / "paths_summary.csv")) == 3 * 4


def test_one_ensemble_definition():
    comp = kzecon.study.pipeline.composition()
    fc = forecast.simulate(comp, model="ensemble", horizon=2, n_paths=400, seed=1)
    assert fc.info["weights"] == {m: 0.25 for m in forecast.MODELS}
    assert forecast.backtest.DEFAULT_MODELS[-1] == "ensemble"


def test_world_model_needs_known_parts():
    comp = _user_comp(labels=("CHN", "RUS", "JPN", "EUR", "REST"))
    with pytest.raises(CoverageError, match="'JPN'"):
        forecast.simulate(comp, model="world", horizon=2, n_paths=200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, acc = forecast.choose_model(comp, horizon=2, n_paths=200)
    assert model in forecast.MODELS and acc is not None  # the per-series choice
    with pytest.raises(SchemaError, match="both name 'china'"):
        forecast.simulate(_user_comp(labels=("CHN", "China", "USA", "EUR", "REST")), model="world", horizon=2,
                          n_paths=200)
