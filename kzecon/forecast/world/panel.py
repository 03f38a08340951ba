"""The world panel: every economy's partner composition as one dense array, and the parts kept at an origin.

The compositions are IMF DOTS's (:func:`kzecon.data.load_compositions`, reported side, exports + imports) in the
parts ``china``, ``russia`` (the Soviet Union before 1992), ``usa``, ``eu`` and ``rest`` (Central Asia in rest),
or any coarser set of those parts. A part's own economy (China's trade with China) is structurally zero and left
out. At each origin, a part whose average share over the five years to the origin is below :data:`MIN_SHARE` is
merged into ``rest`` for that origin (decided from data up to the origin only), and the remaining zero shares are
floored at :data:`FLOOR` before the log-ratios against ``rest`` are taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kzecon.errors import CoverageError, SchemaError

WORLD_PARTS = ("china", "russia", "usa", "eu", "rest")
KNOWN_PARTS = ("china", "russia", "usa", "eu", "central_asia", "rest")  # parts a composition may be made of
SELF_PART = {"CHN": "china", "RUS": "russia", "SUN": "russia", "USA": "usa"}
MIN_SHARE = 0.005  # parts below this average share over the five years to the origin are merged into rest
FLOOR = 1e-4  # remaining zero shares are floored here (multiplicative replacement)


@dataclass
class Panel:
    """Shares of every economy (E) × year (Y) × part (P); NaN where the economy has no data that year.

    Attributes
    ----------
    economies : numpy.ndarray
        (E,) ISO-3 codes of the economies, sorted.
    years : numpy.ndarray
        (Y,) consecutive years; an origin index t means ``years[t]``.
    parts : tuple of str
        (P,) the parts, among :data:`KNOWN_PARTS`, including ``rest``.
    shares : numpy.ndarray
        (E, Y, P) shares of each economy's trade; NaN where it has no data (or, with ``declared_only``, only IMF
        estimates), and in its own part (China's share of China's trade).

    See Also
    --------
    world_panel : Which builds it.

    Examples
    --------
    >>> from kzecon.forecast.world import world_panel
    >>> p = world_panel()
    >>> p.shares.shape, int(p.years[0]), int(p.years[-1]), p.parts
    ((218, 61, 5), 1960, 2020, ('china', 'russia', 'usa', 'eu', 'rest'))
    >>> p.shares[p.index("KAZ"), -1].round(3)
    array([0.181, 0.215, 0.02 , 0.277, 0.307])
    """

    economies: np.ndarray
    years: np.ndarray
    parts: tuple
    shares: np.ndarray

    def index(self, economy: str) -> int:
        """Row of ``economy`` in the panel; a CoverageError when it is not there.

        Parameters
        ----------
        economy : str
            ISO-3 code, exactly as in :attr:`economies` (upper case).

        Returns
        -------
        int
            The row of ``shares``.

        Raises
        ------
        CoverageError
            If the economy is not in the panel.
        """
        hit = np.flatnonzero(self.economies == economy)
        if not len(hit):
            raise CoverageError(f"economy {economy!r} is not in the world panel")
        return int(hit[0])


ESTIMATED_MAX = 0.5  # an economy-year whose trade the IMF estimated for more than this share is not a declaration


def world_panel(parts: Sequence[str] = WORLD_PARTS, *, side: str = "reported", declared_only: bool = False) -> Panel:
    """The DOTS compositions as a dense array in ``parts`` (a subset of the world parts plus ``rest``: the world
    groups not listed, and Central Asia, are added to rest). The economy's own part is NaN (structurally zero).
    ``declared_only``: economy-years whose trade the IMF estimated for more than :data:`ESTIMATED_MAX` of the total
    (``estimated_share``: years the economy did not report) are NaN — the models learn, and are scored, on
    declarations only.

    Parameters
    ----------
    parts : sequence of str, default ("china", "russia", "usa", "eu", "rest")
        Parts among :data:`KNOWN_PARTS` (``china, russia, usa, eu, central_asia, rest``), including ``rest``; the
        known parts not listed are added to rest.
    side : str, default "reported"
        The side of :func:`kzecon.data.load_compositions`: ``"reported"`` (the economy's own declarations, IMF
        estimates where it did not report) or the other sides that function takes.
    declared_only : bool, default False
        True: economy-years whose trade the IMF estimated for more than :data:`ESTIMATED_MAX` of the total are NaN.

    Returns
    -------
    Panel
        Economies × years (1960–2020 in the bundled data) × parts.

    Raises
    ------
    SchemaError
        If ``parts`` has no ``rest`` or a part outside :data:`KNOWN_PARTS`; as :func:`kzecon.data.load_compositions`
        for ``side``.

    Examples
    --------
    >>> from kzecon.forecast.world import world_panel
    >>> p = world_panel(("china", "rest"), declared_only=True)
    >>> p.shares.shape, p.parts
    ((218, 61, 2), ('china', 'rest'))
    """
    import kzecon

    parts = tuple(parts)
    if "rest" not in parts or not set(parts) <= set(KNOWN_PARTS):
        raise SchemaError(f"world parts must be among {KNOWN_PARTS} and include 'rest', got {parts}")
    c = kzecon.data.load_compositions(side=side, flow="total")
    for p in KNOWN_PARTS:
        if p not in parts:
            c["rest"] = c["rest"] + c[p]
    economies = np.array(sorted(c["economy"].unique()))
    years = np.arange(int(c["year"].min()), int(c["year"].max()) + 1)
    arr = np.full((len(economies), len(years), len(parts)), np.nan)
    ei = np.searchsorted(economies, c["economy"].to_numpy())
    yi = c["year"].to_numpy() - years[0]
    declared = ~(c["estimated_share"].to_numpy() > ESTIMATED_MAX) if declared_only else np.ones(len(c), bool)
    for j, p in enumerate(parts):
        arr[ei[declared], yi[declared], j] = c[p].to_numpy()[declared]
    for e, own in SELF_PART.items():
        if own in parts and e in set(economies):
            arr[np.searchsorted(economies, e), :, parts.index(own)] = np.nan
    return Panel(economies, years, parts, arr)


def _active(panel: Panel, t: int) -> np.ndarray:
    """(E, P) parts kept at origin index t: present, average share ≥ MIN_SHARE over the five years to t; rest
    always."""
    w = panel.shares[:, max(0, t - 4):t + 1, :]
    with np.errstate(invalid="ignore"):
        m = np.nansum(w, axis=1) / np.maximum((~np.isnan(w)).sum(axis=1), 1)
    act = np.nan_to_num(m, nan=0.0) >= MIN_SHARE
    act[:, panel.parts.index("rest")] = True
    return act


def _logratios(panel: Panel, active: np.ndarray) -> np.ndarray:
    """(E, Y, K) log-ratios of the non-rest parts against rest, with inactive parts merged into rest and zero
    shares floored; NaN where the part is inactive or the year missing."""
    r = panel.parts.index("rest")
    s = np.nan_to_num(panel.shares, nan=0.0)
    merged = s[:, :, r] + np.einsum("eyp,ep->ey", s, (~active).astype(float))
    comps = [j for j in range(len(panel.parts)) if j != r]
    rest = np.maximum(merged, FLOOR)
    z = np.log(np.maximum(s[:, :, comps], FLOOR) / rest[:, :, None])
    missing = np.isnan(panel.shares[:, :, r])
    z[missing] = np.nan
    z[~active[:, comps][:, None, :].repeat(len(panel.years), axis=1)] = np.nan
    return z
