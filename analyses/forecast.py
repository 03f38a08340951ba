"""Dependence-risk forecasts for Kazakhstan's trade composition (china, russia, eu, rest), 2026–2035.

Writes to analyses/output/forecast/: Kazakhstan's own backtest tables (coverage.csv, accuracy.csv, brier.csv,
reliability.csv) and figures (coverage.png, reliability.png) for the per-series models and the world models; the
chosen model's (``forecast.choose_model``: the model chosen on the world backtest, as ``kzecon forecast`` and the
brief) paths_summary.csv, risk.csv, first_year.csv, fan_chart.png, risk.png; and the Brent
scenario table (scenario_brent.csv: P(China > Russia) and China's mean share in 2030 at Brent 50/80/110).
Seeds fixed (2026). Run: ``python analyses/forecast.py``.
"""

from pathlib import Path

import pandas as pd

import kzecon.study.pipeline
from kzecon import forecast
from kzecon.report import figures
from kzecon.report.output import Output

OUT = Path(__file__).resolve().parent / "output" / "forecast"
SEED = 2026


def main() -> None:
    with Output(OUT) as dest:
        comp = kzecon.study.pipeline.composition()
        bt = forecast.backtest.run(comp, models=(*forecast.MODELS, *forecast.WORLD_MODELS), n_paths=2000, seed=SEED)
        for k in ("coverage", "accuracy", "brier", "reliability"):
            getattr(bt, k).to_csv(dest.path(f"{k}.csv"), index=False, lineterminator="\n")
        figures.save(figures.coverage(bt.coverage), dest.path("coverage.png"))
        figures.save(figures.reliability(bt.reliability_band), dest.path("reliability.png"))
        crps = bt.mean_crps()
        best, _ = forecast.choose_model(comp, seed=SEED)
        print("mean CRPS on Kazakhstan's backtest by model (lower is better):", crps.round(4).to_dict())
        print(f"chosen model: {best}")
        fc = forecast.simulate(comp, model=best, horizon=10, n_paths=10_000, seed=SEED)
        summ = fc.to_frame(levels=(0.8, 0.9))
        risk = fc.risk()
        summ.to_csv(dest.path("paths_summary.csv"), index=False, lineterminator="\n")
        risk.to_csv(dest.path("risk.csv"), index=False, lineterminator="\n")
        fc.first_year("china_above_russia").to_csv(dest.path("first_year.csv"), index=False, lineterminator="\n")
        figures.save(figures.composition_fan(comp, summ, source=f"kzecon, model {best}"), dest.path("fan_chart.png"))
        figures.save(figures.risk_probabilities(risk, source=f"kzecon, model {best}"), dest.path("risk.png"))
        rows = []
        for price in (50, 80, 110):
            sc = forecast.simulate_scenario(comp, pd.DataFrame({"year": range(2026, 2031), "brent": float(price)}),
                                            horizon=5, n_paths=10_000, seed=SEED)
            r = sc.risk().query("event == 'china_above_russia' and year == 2030")["probability"].iloc[0]
            m = sc.to_frame().query("partner == 'china' and year == 2030")["mean"].iloc[0]
            rows.append({"brent": price, "year": 2030, "p_china_above_russia": r, "china_share_mean": m})
        pd.DataFrame(rows).to_csv(dest.path("scenario_brent.csv"), index=False, lineterminator="\n")
        c = bt.coverage
        print(c[c["model"] == best].round(3).to_string(index=False))
        sel = risk[(risk["event"] == "china_above_russia") & risk["year"].isin([2026, 2028, 2030, 2035])]
        print(sel.round(3).to_string(index=False))
        print(pd.DataFrame(rows).round(3).to_string(index=False))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
