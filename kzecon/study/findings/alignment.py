"""Finding: UN General Assembly agreement with China and Russia, and the resolutions on which they split."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kzecon.results import results_class
from kzecon.study.findings.economy import DEFAULT_COUNTRY, POLES, check_country


@results_class
@dataclass(frozen=True)
class UnAlignment:
    """An economy's UN General Assembly agreement with China and Russia by year, and the resolutions on which
    China and Russia voted yes against no, by period."""

    series: pd.DataFrame
    divergent: dict  # period label → divergent_votes frame
    country: str = DEFAULT_COUNTRY

    @property
    def nobs(self) -> int:
        """Years of the agreement series."""
        return len(self.series)

    def counts(self, period: str) -> pd.Series:
        """Whom the economy sided with on the resolutions of ``period`` on which China and Russia split."""
        from kzecon import alignment

        return alignment.divergence_summary(self.divergent[period]).set_index("sided_with")["count"]

    def to_frame(self) -> pd.DataFrame:
        """Agreement with China and with Russia by year."""
        return self.series.copy()

    def summary(self) -> str:
        """The number of divergent resolutions in each period."""
        return "; ".join(f"{k}: {len(v)} resolutions" for k, v in self.divergent.items())


def un_alignment(country: str = DEFAULT_COUNTRY, periods=((2007, 2013), (2014, 2019))) -> UnAlignment:
    """``country``'s UN General Assembly agreement with China and Russia by year (1992–2019) and the resolutions on
    which China and Russia split, by period."""
    from kzecon import alignment

    country = check_country(country)
    div = {f"{a}–{b}": alignment.divergent_votes((country, *POLES), start=a, end=b, strict=True) for a, b in periods}
    return UnAlignment(series=alignment.alignment_series(country, POLES, start=1992, end=2019), divergent=div,
                       country=country)
