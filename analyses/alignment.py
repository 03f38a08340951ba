"""Kazakhstan's UN General Assembly alignment with China and Russia, 1992–2019.

Writes to analyses/output/alignment/: agreement_by_period.csv (agreement, kappa, Scott's pi, S-score
by period for KAZ–CHN, KAZ–RUS, CHN–RUS), agreement_by_year.csv/.png, divergent votes of the
KAZ–CHN–RUS triad (any difference and strict opposition) with counts by period and issue.
Run: ``python analyses/alignment.py``.
"""

from pathlib import Path

import pandas as pd

from kzecon import alignment
from kzecon.report import figures
from kzecon.report.output import Output

OUT = Path(__file__).resolve().parent / "output" / "alignment"


def main() -> None:
    with Output(OUT) as dest:
        pairs = [("KAZ", "CHN"), ("KAZ", "RUS"), ("CHN", "RUS")]
        by_period = pd.concat([alignment.agreement(a, b, by="period", start=1992, end=2019) for a, b in pairs])
        by_period.to_csv(dest.path("agreement_by_period.csv"), index=False, lineterminator="\n")
        series = alignment.alignment_series(start=1992, end=2019)
        series.to_csv(dest.path("agreement_by_year.csv"), index=False, lineterminator="\n")
        figures.save(figures.alignment_series(series), dest.path("agreement_by_year.png"))
        for strict in (False, True):
            tag = "strict" if strict else "any"
            div = alignment.divergent_votes(start=1992, end=2019, strict=strict)
            div.to_csv(dest.path(f"divergent_votes_{tag}.csv"), index=False, lineterminator="\n")
            for by in ("period", "issue"):
                alignment.divergence_summary(div, by=by).to_csv(dest.path(f"divergent_{tag}_by_{by}.csv"), index=False,
                                                                lineterminator="\n")
        print(by_period.round(3).to_string(index=False))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
