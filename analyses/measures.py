"""Kazakhstan's partner shares, tilt, balance and concentration, 1994–2025, with the side each came from.

Writes to analyses/output/measures/: shares.csv, tilt.csv, balance.csv, concentration.csv,
reported_vs_mirror.csv/.png and shares_total.png.  Run: ``python analyses/measures.py``.
"""

from pathlib import Path

from kzecon.report import figures
from kzecon.report.output import Output
from kzecon.study import pipeline

OUT = Path(__file__).resolve().parent / "output" / "measures"


def main() -> None:
    with Output(OUT) as dest:
        ts = pipeline.trade_shares()
        ts.shares.to_csv(dest.path("shares.csv"), index=False, lineterminator="\n")
        ts.tilt.to_csv(dest.path("tilt.csv"), index=False, lineterminator="\n")
        ts.balance.to_csv(dest.path("balance.csv"), index=False, lineterminator="\n")
        ts.concentration.to_csv(dest.path("concentration.csv"), index=False, lineterminator="\n")
        ts.mirror.to_csv(dest.path("reported_vs_mirror.csv"), index=False, lineterminator="\n")
        figures.save(figures.mirror_gap(ts.mirror), dest.path("reported_vs_mirror.png"))
        fig = figures.share_paths(ts.shares, flow="total", vintage=ts.vintage,
                                  source="kzecon from COW v4 (1994), WITS/UN Comtrade (1995–2019), BNS 312101 "
                                  "(2020–25); Russia/Belarus 2010 interpolated")
        figures.save(fig, dest.path("shares_total.png"))
        print(ts.summary())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
