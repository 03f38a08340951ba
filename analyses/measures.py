"""Kazakhstan's partner shares, tilt, balance and concentration, 1994–2025, with the side each came from.

Writes to analyses/output/measures/: shares.csv, tilt.csv, balance.csv, concentration.csv,
reported_vs_mirror.csv/.png and shares_total.png.  Run: ``python analyses/measures.py``.
"""

from pathlib import Path

import pandas as pd

import kzecon
from kzecon import measures
from kzecon.report import figures

OUT = Path(__file__).resolve().parent / "output" / "measures"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    trade = kzecon.data.load_trade("spliced", russia_2010="interpolate")
    shares = measures.partner_shares(trade, flow="all")
    shares.to_csv(OUT / "shares.csv", index=False, lineterminator="\n")
    measures.china_russia_tilt(shares).to_csv(OUT / "tilt.csv", index=False, lineterminator="\n")
    measures.balance_index(shares).to_csv(OUT / "balance.csv", index=False, lineterminator="\n")
    measures.concentration(trade, flow="all").to_csv(OUT / "concentration.csv", index=False,
                                                     lineterminator="\n")
    everything = kzecon.data.load_trade()
    gaps = pd.concat([measures.reported_vs_mirror(everything, partner=p) for p in ("CHN", "RUS")])
    gaps.to_csv(OUT / "reported_vs_mirror.csv", index=False, lineterminator="\n")
    figures.save(figures.mirror_gap(gaps), OUT / "reported_vs_mirror.png")
    fig = figures.share_paths(shares, flow="total", vintage="; ".join(trade.attrs["vintage"]),
                              source="kzecon from COW v4 (1994), WITS/UN Comtrade (1995–2019), BNS 312101 "
                              "(2020–25); Russia/Belarus 2010 interpolated")
    figures.save(fig, OUT / "shares_total.png")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
