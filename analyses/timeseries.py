"""Time-series models of China's share of Kazakhstan's trade, 1994–2025 (kzecon's spliced series).

Writes to analyses/output/timeseries/: for total trade, exports and imports the test battery (tests_*.csv),
Bai–Perron breaks with 95% intervals (breaks_*.csv), ARIMA forecasts (forecast_*.csv) and a figure;
the UC trend (uc_trend.csv), ARIMA with intervention dummies (arima_interventions.csv), the VAR on the
log-ratio composition (china, russia, eu, rest) with its 10-year fan (composition_forecast.csv/.png) and
Granger tests of log Brent and log China GDP on the China log-ratio (granger.csv).
Run: ``python analyses/timeseries.py``.
"""

from pathlib import Path

import numpy as np
import pandas as pd

import kzecon
from kzecon import timeseries
from kzecon.report import figures
from kzecon.report.output import Output
from kzecon.study import pipeline

OUT = Path(__file__).resolve().parent / "output" / "timeseries"
SOURCE = "kzecon from COW v4 (1994), WITS/UN Comtrade (1995–2019), BNS 312101 (2020–25)"


def main() -> None:
    with Output(OUT) as dest:
        shares = pipeline.trade_shares().shares
        for flow in ("total", "export", "import"):
            s = shares[(shares["flow"] == flow) & (shares["group"] == "china")][["year", "share"]]
            b = timeseries.share_battery(s)
            for name in ("tests", "breaks", "forecast", "criteria"):
                getattr(b, name).to_csv(dest.path(f"{name}_{flow}.csv"), index=False, lineterminator="\n")
            figures.save(figures.share_breaks(b.series, b.breaks, b.forecast, source=SOURCE,
                                              title=f"China's share of Kazakhstan's {flow} trade"),
                         dest.path(f"share_breaks_{flow}.png"))
            if flow == "total":
                print(b.tests[["test", "regression", "statistic", "p_value"]].to_string(index=False))
                print(b.breaks[["year", "lower", "upper"]].to_string(index=False))
                print(b.forecast.to_string(index=False))
                series = s.set_index("year")["share"]
        uc = timeseries.unobserved_components(series)
        timeseries.trend(uc).to_csv(dest.path("uc_trend.csv"), index=False, lineterminator="\n")
        arima = timeseries.arima(series, interventions=True).to_frame()
        arima.to_csv(dest.path("arima_interventions.csv"), index=False, lineterminator="\n")
        comp = kzecon.study.pipeline.composition()
        var = timeseries.composition_var(comp, reference="rest")
        fc = var.forecast(10, n_paths=4000, seed=2026)
        fc.to_csv(dest.path("composition_forecast.csv"), index=False, lineterminator="\n")
        figures.save(figures.composition_fan(comp, fc, source=SOURCE), dest.path("composition_forecast.png"))
        brent = kzecon.data.load_oil().set_index("year").iloc[:, -1]
        gdp = kzecon.data.load_gdp()
        chn = gdp[gdp["iso3"] == "CHN"].set_index("year")["gdp_usd"]
        rows = []
        for name, x in (("log_brent", np.log(brent)), ("log_gdp_chn", np.log(chn))):
            years = comp["year"].unique()
            common = [y for y in years if y in x.index]
            sub = comp[comp["year"].isin(common)]
            v = timeseries.composition_var(sub, reference="rest", extra=pd.DataFrame({name: x}))
            rows.append(v.granger(name, "alr_china").to_dict() | {"years": f"{min(common)}–{max(common)}"})
        pd.DataFrame(rows).to_csv(dest.path("granger.csv"), index=False, lineterminator="\n")
        print(pd.DataFrame(rows)[["test", "statistic", "p_value", "years"]].to_string(index=False))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
