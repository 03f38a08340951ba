"""Which of an economy's own declarations are real: years the IMF filled with its estimates, and series no customs
office produces.

The IMF's Direction of Trade Statistics fill the years an economy did not report with estimates (the compositions'
``estimated_share``: the share of the year's trade the IMF estimated), and some of those fills are carried flat for
years — a partner's share unchanged to a few hundredths of a point year after year, which no customs series does
(Uzbekistan's Russia share is 19.0–19.1% in every year 2000–2015). For such years the partners' declarations (the
mirror side: what every other economy reports of its trade with this one) are the standard substitute.

:func:`declared_years` marks each year of one economy's own (reported) composition as declared or not, with the
reason; it knows no economy (the study chooses the side: :func:`kzecon.study.pipeline.data_quality`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ESTIMATED_MAX = 0.5  # a year the IMF estimated for more than this share of the trade is not a declaration
FLAT_CHANGE = 0.002  # a partner share that moves by less than this, relatively, from one year to the next …
FLAT_RUN = 3  # … in this many consecutive years running, …
FLAT_MIN_SHARE = 0.05  # … while at least this large, is a filled series, not a customs record
PARTS = ("china", "russia", "usa", "eu", "central_asia")


def flat_years(shares: pd.DataFrame, *, parts=PARTS, change: float = FLAT_CHANGE, run: int = FLAT_RUN,
               min_share: float = FLAT_MIN_SHARE) -> set[int]:
    """Years of a composition in which some partner's share is carried flat: a filled series, not a customs record.

    A year is flat when some part of at least ``min_share`` sits on a run of ``run`` or more consecutive
    year-to-year relative changes below ``change``; both ends of each such change count. Only consecutive years
    are compared (a gap breaks a run).

    Parameters
    ----------
    shares : pandas.DataFrame
        One economy's composition: index of years (int), one column per part with its share (fraction).
    parts : sequence of str, default ("china", "russia", "usa", "eu", "central_asia")
        Columns to check; parts not in ``shares`` are skipped.
    change : float, default 0.002
        Largest relative change ``|s_t − s_{t−1}| / s_{t−1}`` still counted as no change (0.002 = 0.2%).
    run : int, default 3
        Least number of consecutive unchanged year-to-year steps that make a flat run.
    min_share : float, default 0.05
        Least share (of the earlier year) for a part's steps to count: small shares move little anyway.

    Returns
    -------
    set of int
        The flat years (empty when there are none).

    See Also
    --------
    declared_years : Uses it with the IMF-estimate share.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.quality import flat_years
    >>> s = pd.DataFrame({"china": [0.10, 0.10, 0.10, 0.10, 0.12]}, index=[2000, 2001, 2002, 2003, 2004])
    >>> sorted(flat_years(s))
    [2000, 2001, 2002, 2003]
    >>> from kzecon.data import load_compositions
    >>> c = load_compositions()
    >>> uzb = c[c["economy"] == "UZB"].set_index("year")
    >>> min(flat_years(uzb)), max(flat_years(uzb))
    (2000, 2015)
    """
    s = shares.sort_index()
    out: set[int] = set()
    years = s.index.to_numpy()
    for p in parts:
        if p not in s.columns:
            continue
        x = s[p].to_numpy(dtype=float)
        prev = np.r_[np.nan, x[:-1]]
        consecutive = np.r_[False, np.diff(years) == 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            small = consecutive & (prev >= min_share) & (np.abs(x - prev) / prev < change)
        i = 0
        while i < len(small):
            if not small[i]:
                i += 1
                continue
            j = i
            while j < len(small) and small[j]:
                j += 1
            if j - i >= run:  # changes i … j−1 join years i−1 … j−1
                out.update(int(y) for y in years[i - 1:j])
            i = j
    return out


def declared_years(reported: pd.DataFrame) -> pd.DataFrame:
    """Which years of one economy's own (reported) composition are real declarations, with the reason where not.

    Not declared: years where the IMF estimated more than :data:`ESTIMATED_MAX` (half) of the year's trade, and years
    where a partner's share is flat for years (:func:`flat_years` with its defaults). The function knows no economy:
    the study decides which side to use (:func:`kzecon.study.pipeline.data_quality`).

    Parameters
    ----------
    reported : pandas.DataFrame
        One economy's reported composition, one row per year: columns ``year``, ``estimated_share`` (missing read as
        0) and the parts (``china``, ``russia``, ``usa``, ``eu``, ``central_asia``), as
        :func:`kzecon.data.load_compositions` gives them for one economy, side and flow.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``estimated_share``, ``declared`` (bool) and ``reason`` ('' where declared), sorted by year.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> from kzecon.data.quality import declared_years
    >>> c = load_compositions()
    >>> d = declared_years(c[c["economy"] == "KAZ"])
    >>> for row in d[~d["declared"]].itertuples():
    ...     print(row.year, row.reason)
    1992 100% of the year's trade estimated by the IMF
    1993 100% of the year's trade estimated by the IMF
    """
    r = reported.set_index("year").sort_index()
    flat = flat_years(r)
    est = r["estimated_share"].fillna(0.0)
    reason = np.where(est > ESTIMATED_MAX, [f"{100 * v:.0f}% of the year's trade estimated by the IMF" for v in est],
                      np.where(r.index.isin(sorted(flat)), "a partner's share unchanged to 0.2% for years: a filled "
                               "series, not a customs record", ""))
    return pd.DataFrame({"year": r.index.to_numpy(), "estimated_share": est.to_numpy(),
                         "declared": reason == "", "reason": reason})
