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
    China and Russia voted yes against no, by period. Made by :func:`un_alignment`.

    Attributes
    ----------
    series : DataFrame
        year, n_CHN, agreement_CHN, n_RUS, agreement_RUS, alignment: the economy's agreement with each pole (0–1,
        over the n resolutions both voted on) and alignment (agreement with China less with Russia)
        (:func:`kzecon.alignment.alignment_series`).
    divergent : dict of {str: DataFrame}
        Period label ("2014–2019") → the resolutions of that period on which China and Russia voted yes against
        no, with the economy's vote (:func:`kzecon.alignment.divergent_votes`).
    country : str, default "KAZ"
        ISO-3 code of the economy.

    See Also
    --------
    un_alignment : Makes it.

    Examples
    --------
    >>> from kzecon.study.findings import un_alignment
    >>> a = un_alignment(periods=((2014, 2019),))
    >>> a.nobs, a.summary()
    (28, '2014–2019: 28 resolutions')
    >>> a.counts("2014–2019").to_dict()
    {'CHN': 25, 'RUS': 3, 'neither': 0, 'absent': 0}
    >>> a.series.head(3).round(3)
       year  n_CHN  agreement_CHN  n_RUS  agreement_RUS  alignment
    0  1992     61          0.787     64          0.867     -0.080
    1  1993     59          0.780     61          0.811     -0.032
    2  1994     64          0.781     66          0.788     -0.007
    """

    series: pd.DataFrame
    divergent: dict  # period label → divergent_votes frame
    country: str = DEFAULT_COUNTRY

    @property
    def nobs(self) -> int:
        """Years of the agreement series."""
        return len(self.series)

    def counts(self, period: str) -> pd.Series:
        """Whom the economy sided with on the resolutions of ``period`` on which China and Russia split.

        Parameters
        ----------
        period : str
            A key of :attr:`divergent`: "START–END" with an en dash, e.g. "2014–2019".

        Returns
        -------
        Series
            Number of resolutions indexed by sided_with: CHN, RUS, neither, absent.

        Raises
        ------
        KeyError
            ``period`` is not a period of the result.
        """
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
    which China and Russia split, by period.

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code of the economy (:func:`check_country`).
    periods : sequence of (int, int), default ((2007, 2013), (2014, 2019))
        The periods (first and last year, inclusive, within 1992–2019) of the divergent resolutions.

    Returns
    -------
    UnAlignment

    Raises
    ------
    UsageError, CoverageError
        ``country`` is not an economy the study can run on; a period is outside the votes
        (:func:`kzecon.alignment.divergent_votes`).

    See Also
    --------
    kzecon.alignment.alignment_series, kzecon.alignment.divergent_votes : The same for any countries.

    Examples
    --------
    >>> from kzecon.study.findings import un_alignment
    >>> a = un_alignment("UZB", periods=((2014, 2019),))
    >>> a.series.columns.tolist()
    ['year', 'n_CHN', 'agreement_CHN', 'n_RUS', 'agreement_RUS', 'alignment']
    >>> int(a.series["year"].min()), int(a.series["year"].max())
    (1994, 2019)
    """
    from kzecon import alignment

    country = check_country(country)
    div = {f"{a}–{b}": alignment.divergent_votes((country, *POLES), start=a, end=b, strict=True) for a, b in periods}
    return UnAlignment(series=alignment.alignment_series(country, POLES, start=1992, end=2019), divergent=div,
                       country=country)
