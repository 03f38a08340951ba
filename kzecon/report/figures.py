"""Policy-brief figures in one matplotlib style.

Each function takes tidy results, draws on ``ax`` (or a new figure) and returns the Figure; every figure carries
a title, units, a source line and the data vintage. Figures are drawn on their own Agg canvas
(``matplotlib.figure.Figure``), never through pyplot: importing this module does not change anyone's backend.

Layout rules (checked by :func:`layout_problems` on every figure of the brief): human labels (:data:`LABELS`,
:func:`label`), legends outside the axes (to the right), event labels above the axes, the source line below
everything, no text over another text or over the data.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kzecon.data.countries import country_name
from kzecon.errors import CoverageError, UsageError
from kzecon.forecast.registry import MODELS as _FORECAST_MODELS

COLORS = {"china": "#c0392b", "russia": "#2c3e80", "eu": "#f1c40f", "central_asia": "#16a085",
          "rest": "#95a5a6", "other": "#95a5a6", "usa": "#8e44ad"}
LABELS = {"china": "China", "russia": "Russia", "eu": "EU", "central_asia": "Central Asia", "usa": "United States",
          "rest": "Rest of world", "other": "Other",
          # models: the forecasting models' labels are added from kzecon.forecast.registry below
          "ppml_policy": "PPML", "ppml_policy_nolead": "PPML, no lead term", "ols_policy": "OLS on log trade",
          "ppml_static": "PPML", "ppml_event": "PPML, event study",
          # terms
          "rta": "Regional trade agreement", "customs_union": "Customs union, on entry",
          "customs_union_lead4": "Customs union, 4 years before entry",
          "customs_union_lag4": "Customs union, 4 years after entry",
          "bri_kaz_chn": "Kazakhstan–China after the BRI (2013)", "bri_chn": "China with BRI partners",
          "eaeu": "EAEU member pairs", "eaeu_kaz": "EAEU, Kazakhstan's pairs",
          # risk events
          "china_above_russia": "China's share above Russia's", "china_above_25pct": "China's share above 25%",
          "china_above_30pct": "China's share above 30%", "russia_below_15pct": "Russia's share below 15%",
          "balance_below_90pct": "Balance index below 0.90",
          # gravity terms (the Advanced Guide's and kzecon's)
          "ols": "OLS", "log_y": "log exporter output", "log_e": "log importer expenditure", "log_dist": "log distance",
          "contig": "contiguity", "lang": "common language", "colony": "colonial tie",
          "log_rem_exp": "log exporter remoteness", "log_rem_imp": "log importer remoteness",
          "rta_lead4": "RTA, 4 years before entry", "rta_lag4": "RTA, 4 years after entry",
          "rta_lag8": "RTA, 8 years after entry", "rta_lag12": "RTA, 12 years after entry",
          "intl_brdr": "international border",
          # HS sectors
          "fuels": "Fuels", "metals": "Metals", "chemicals": "Chemicals", "agriculture": "Agriculture and food",
          "machinery": "Machinery", "vehicles": "Vehicles", "textiles": "Textiles",
          "plastics_rubber": "Plastics and rubber", "wood_paper": "Wood and paper",
          "stone_ceramics": "Stone, glass and ceramics"}
LABELS.update({name: spec.label for name, spec in _FORECAST_MODELS.items()})
STYLE = {"figure.figsize": (8, 4.5), "figure.dpi": 110, "axes.spines.top": False,
         "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3, "font.size": 10,
         "axes.titlesize": 12, "axes.titleweight": "bold", "legend.frameon": False,
         "savefig.bbox": "tight", "svg.hashsalt": "kzecon", "path.simplify": False}
HATCH = {"china": "", "russia": "\\\\", "eu": "//", "usa": "..", "central_asia": "xx"}  # bands that overlap
SIDE_LABELS = {"reported": "the reporter's own figures", "mirror": "partners' figures",
               "mirror+reported": "own figures; partners' where its own are IMF estimates",
               "mixed+reported": "own figures; partners' in 1994 (COW v4)", "panel": "exporter-reported"}
RIGHT = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "borderaxespad": 0.0}  # legends beside the axes


def label(name) -> str:
    """A reader's label for an identifier (model code, term, event, partner group); unknown names are tidied.

    Parameters
    ----------
    name : object
        The identifier (turned into text with ``str``): a partner group (``"china"``), a model (``"ppml_policy"``),
        a term (``"customs_union_lag4"``), a risk event (``"china_above_russia"``), an HS sector (``"fuels"``).

    Returns
    -------
    str
        Its label in :data:`LABELS` (forecasting models' labels come from :mod:`kzecon.forecast.registry`); else
        ``intl_<year>`` as "international border × <year>", ``ppml_…`` / ``ols_…`` as "PPML, …" / "OLS, …", and any
        other name with its underscores as spaces.

    Examples
    --------
    >>> from kzecon.report.figures import label
    >>> label("china"), label("customs_union_lag4")
    ('China', 'Customs union, 4 years after entry')
    >>> label("intl_2005"), label("ppml_trade_only"), label("some_term")
    ('international border × 2005', 'PPML, trade only', 'some term')
    """
    key = str(name)
    if key in LABELS:
        return LABELS[key]
    if key.startswith("intl_") and key[5:].isdigit():
        return f"international border × {key[5:]}"
    if key.startswith("ppml_") or key.startswith("ols_"):
        return key.split("_", 1)[0].upper() + ", " + key.split("_", 1)[1].replace("_", " ")
    return key.replace("_", " ")


def rc_context():
    """kzecon's figure style as a matplotlib rc context.

    Inside the ``with`` block matplotlib's settings are those of :data:`STYLE` (figure size 8 × 4.5 in, bold titles,
    light grid, no top and right spines, legends without frames); they are restored when it ends. Every figure of
    this module is drawn inside it; use it to draw a figure of one's own in the same style.

    Returns
    -------
    contextlib.AbstractContextManager
        ``matplotlib.rc_context(STYLE)``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from kzecon.report.figures import rc_context
    >>> with rc_context():
    ...     print(matplotlib.rcParams["axes.titleweight"], matplotlib.rcParams["figure.figsize"])
    bold [8.0, 4.5]
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    return matplotlib.rc_context(STYLE)


def _new(ax, figsize=None):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize or STYLE["figure.figsize"], dpi=STYLE["figure.dpi"])
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    return fig, ax


SOURCE_NAMES = {"bundled": "bundled with kzecon", "cow_v4": "COW v4", "cow": "COW v4", "wits": "WITS/UN Comtrade",
                "bns": "BNS", "imf_dots": "IMF DOTS", "IMF DOTS": "IMF DOTS", "penppml": "penppml/UN Comtrade",
                "comtrade": "UN Comtrade", "compositions_dots": "IMF DOTS"}  # data sources, as a reader names them


def _vintage(text: str) -> str:
    """'bundled: cow_v4 1992–2014; wits 1995–2023' → 'bundled with kzecon: COW v4 1992–2014; WITS 1995–2023'."""
    import re

    return re.sub(r"\b(" + "|".join(map(re.escape, SOURCE_NAMES)) + r")\b", lambda m: SOURCE_NAMES[m.group(1)], text)


def _footer(fig, source: str, vintage: str | None):
    text = f"Source: {source}."
    if vintage:
        text += f" Data as of: {_vintage(vintage)}."
    # below everything the axes draw (tick labels, x label), left-aligned, wrapped to the figure's width; the axes'
    # extents are computed without drawing the figure (one full render fewer per figure)
    renderer = fig.canvas.get_renderer()
    bottom = min((a.get_tightbbox(renderer).y0 for a in fig.axes), default=0.0)
    y = min(bottom / fig.bbox.height, 0.0) - 0.02
    fig.text(0.01, y, _wrap(text, fig), fontsize=7.5, color="#555555", ha="left", va="top")


def _wrap(text: str, fig, fontsize: float = 7.5) -> str:
    import textwrap

    width_in = fig.get_figwidth()
    chars = max(40, int(width_in * 72 / (0.5 * fontsize)))  # average glyph ≈ half the font size
    return "\n".join(textwrap.wrap(text, chars))


def mark_events(ax, events: dict[int, str] | None = None, years=None):
    """Dashed lines at the events ({year: label}; none by default: the study passes an economy's own), their labels
    above the axes (two rows, so that labels of close years do not meet), never over the data.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose x axis is in years.
    events : dict of {int: str} or None, default None
        Year → label; a label's first letter is capitalised. None (or empty) draws nothing.
    years : array-like of int or None, default None
        The years plotted: only events from their first to their last year are drawn. None uses the axes' current
        x limits.

    Returns
    -------
    int
        The number of events drawn (the figures use it to make room for the labels above the title).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from matplotlib.figure import Figure
    >>> from kzecon.report.figures import mark_events
    >>> ax = Figure().add_subplot()
    >>> _ = ax.plot([2010, 2023], [0.1, 0.2])
    >>> mark_events(ax, {2013: "Belt and Road announced", 2015: "EAEU", 1995: "customs code"}, years=range(2010, 2024))
    2
    >>> [t.get_text() for t in ax.texts]
    ['Belt and Road announced', 'EAEU']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    lo, hi = (min(years), max(years)) if years is not None else ax.get_xlim()
    shown = [(y, t[:1].upper() + t[1:]) for y, t in sorted((events or {}).items()) if lo <= y <= hi]
    for i, (year, text) in enumerate(shown):
        ax.axvline(year, color="#555555", lw=0.8, ls="--", zorder=0)
        ax.text(year, 1.015 + 0.06 * (i % 2), text, transform=ax.get_xaxis_transform(), fontsize=7.5,
                va="bottom", ha="center", color="#555555", clip_on=False)
    return len(shown)


def _title(ax, text: str, events: int = 0):
    ax.set_title(text, pad=28 if events > 1 else (16 if events else 6))


def share_paths(shares: pd.DataFrame, *, flow: str = "total", ax=None, events: dict | None = None,
                title: str | None = None, source: str = "kzecon from WITS/UN Comtrade, BNS 312101, COW v4",
                vintage: str | None = None):
    """Partner-group shares over time (output of :func:`kzecon.measures.partner_shares`).

    One line per partner group (in the frame's order, China red, Russia dark blue, …), in percent of the flow, the
    y axis from zero; the axis label names the side(s) the figures were read from (the frame's ``side`` column:
    the reporter's own figures, partners' figures, or a splice of both).

    Parameters
    ----------
    shares : pandas.DataFrame
        Output of :func:`kzecon.measures.partner_shares`: ``reporter, year, flow, group, share[, side]``, share as a
        fraction (0–1); the reporter of the first row names the economy in the title.
    flow : {"total", "export", "import"}, default "total"
        Which flow's rows to draw.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    events : dict of {int: str} or None, default None
        Events to mark, year → label: a dashed line at the year and its label above the axes (:func:`mark_events`);
        only events within the years plotted are drawn. None marks none (the study passes an economy's own).
    title : str or None, default None
        Title; None for "Partner shares of <reporter>'s <total trade | exports | imports>".
    source : str, default "kzecon from WITS/UN Comtrade, BNS 312101, COW v4"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, legend to the right, source line below).

    Raises
    ------
    CoverageError
        If ``shares`` holds no rows of ``flow`` (e.g. ``flow="all"``, or shares computed for another flow).

    See Also
    --------
    kzecon.measures.partner_shares : The shares.
    tilt, balance_concentration : Summaries of the same shares.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import partner_shares
    >>> from kzecon.report.figures import share_paths
    >>> shares = partner_shares(load_trade("spliced"), flow="all")
    >>> fig = share_paths(shares, flow="export", events={2013: "Belt and Road announced", 2015: "EAEU"},
    ...                   vintage="bundled: cow_v4 1992–2014; wits 1995–2023")
    >>> type(fig).__name__, fig.axes[0].get_title()
    ('Figure', "Partner shares of Kazakhstan's exports")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['China', 'Russia', 'EU', 'Central Asia', 'Rest of world']
    >>> print(fig.texts[-1].get_text())
    Source: kzecon from WITS/UN Comtrade, BNS 312101, COW v4. Data as of: bundled with kzecon: COW v4 1992–2014;
    WITS/UN Comtrade 1995–2023.
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    d = shares[shares["flow"] == flow]
    if d.empty:
        raise CoverageError(f"no shares for flow {flow!r}")
    with rc_context():
        fig, ax = _new(ax)
        for group, g in d.groupby("group", sort=False):
            ax.plot(g["year"], 100 * g["share"], marker="o", ms=2.5, lw=1.8,
                    color=COLORS.get(group), label=label(group))
        n = mark_events(ax, events, years=d["year"])
        reporter = country_name(d["reporter"].iloc[0])
        # every side the years were read from (a series may switch: own declarations, else the partners')
        side = "+".join(sorted({x for v in d["side"].astype(str) for x in v.split("+")})) if "side" in d else ""
        what = {"total": "total trade", "export": "exports", "import": "imports"}[flow]
        _title(ax, title or f"Partner shares of {reporter}'s {what}", n)
        ax.set_ylabel(f"% of {what} ({SIDE_LABELS.get(side, side + ' figures')})")
        ax.set_ylim(0, None)
        ax.legend(fontsize=8.5, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def save(fig, path, formats=("png",), *, page: bool = False, laid_out: bool = False):
    """Write ``fig`` as ``path`` with each suffix in ``formats``; returns the paths written. ``page``: keep the
    figure's own size (a page such as A4), instead of cropping to what is drawn.

    The files carry no timestamps (PNG's Software, PDF's CreationDate, SVG's Date are left out; SVG ids come from a
    fixed salt): the same figure gives the same bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str or pathlib.Path
        Where to write; its suffix, if any, is replaced by each format's (``"out/tilt.png"`` and
        ``formats=("png", "pdf")`` write ``out/tilt.png`` and ``out/tilt.pdf``). The folder must exist.
    formats : tuple of str, default ("png",)
        File formats matplotlib writes (``"png"``, ``"pdf"``, ``"svg"``, …), one file each.
    page : bool, default False
        True keeps the figure's size as set (a page); False crops the file to what is drawn (the style's tight
        bounding box).
    laid_out : bool, default False
        The figure has just been laid out at its own dpi and not changed since (as :func:`layout_problems` leaves
        it): the crop is measured on that layout instead of matplotlib laying the figure out once more for it. The
        same box, so the same bytes, one layout pass fewer (about a tenth of a second a figure).

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``formats``.

    See Also
    --------
    kzecon.report.output.Output.figure : Saves into a command's output folder.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from kzecon.report.figures import save, tilt
    >>> fig = tilt(pd.DataFrame({"year": [2021, 2022, 2023], "flow": "total", "difference": [-0.02, 0.01, 0.02]}))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     print([p.name for p in save(fig, Path(tmp) / "tilt.png", formats=("png", "pdf"))])
    ['tilt.png', 'tilt.pdf']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    from pathlib import Path

    base = Path(path).with_suffix("")
    crop = "tight"
    if laid_out and not page and fig.get_layout_engine() is None:
        # what savefig's "tight" computes after its own layout pass (matplotlib.backend_bases.print_figure)
        pad = matplotlib.rcParams["savefig.pad_inches"]
        crop = fig.get_tightbbox(fig.canvas.get_renderer()).padded(pad, pad)
    out = []
    for fmt in formats:
        p = base.with_suffix(f".{fmt}")
        # no timestamps: the same figure gives the same bytes (the PDF backend's key is CreationDate, SVG's Date)
        meta = {"png": {"Software": None}, "pdf": {"CreationDate": None}, "svg": {"Date": None}}.get(fmt, {})
        # SVG element ids from a fixed salt, not random; a page keeps its size (the style's savefig.bbox is tight)
        with matplotlib.rc_context({"svg.hashsalt": "kzecon", "savefig.bbox": "standard" if page else "tight"}):
            fig.savefig(p, format=fmt, metadata=meta, bbox_inches=None if page else crop)
        out.append(p)
    return out


def _annual(g: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Years and values on an annual grid, NaN in the missing years: a line is drawn only between adjacent
    years, so a series observed every 4th year appears as points, never as a line across the gaps."""
    years = np.arange(int(g["year"].min()), int(g["year"].max()) + 1)
    v = g.set_index("year")[column].reindex(years)
    return years, v.to_numpy(dtype=float)


def mirror_gap(gaps: pd.DataFrame, *, reporter: str = "KAZ", ax=None, title: str | None = None,
               source: str = "kzecon from WITS/UN Comtrade (KAZ-reported), penppml/UN Comtrade (partner-reported)",
               vintage: str | None = None):
    """Reporter-declared vs partner-reported (mirror) trade by year and partner: exports and imports in two
    panels, the partner by colour, the reporting side by line style and marker (solid, filled: the reporter's
    figures; dashed, open: the partner's). Years without data are gaps, not lines. ``reporter``: ISO-3.

    Takes the stacked output of :func:`kzecon.measures.reported_vs_mirror` for one or more partners.

    Parameters
    ----------
    gaps : pandas.DataFrame
        ``year, partner, flow, reported_usd, mirror_usd`` (current US$, drawn in billions), e.g.
        :func:`kzecon.measures.reported_vs_mirror`, or several of its outputs stacked. China is red and Russia dark
        blue, named in words; any other partner is grey and named by its code.
    reporter : str, default "KAZ"
        ISO-3 of the reporting country, for the titles and legend only (``gaps`` is not filtered by it).
    ax : matplotlib.axes.Axes or None, default None
        None for a new figure (9 × 4.2 in) with the two panels; given, both flows are drawn on this one Axes (its
        title then names the imports) and its figure is returned.
    title : str or None, default None
        Title; None for "Which side reports matters: <reporter>'s vs partners' figures".
    source : str, default "kzecon from WITS/UN Comtrade (KAZ-reported), penppml/UN Comtrade (partner-reported)"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: the exports' panel on the left, the imports' on the right (shared y axis), one legend to the right.

    See Also
    --------
    kzecon.measures.reported_vs_mirror : The two sides of the same trade.
    kzecon.measures.share_band : The share under either side's figures.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import reported_vs_mirror
    >>> from kzecon.report.figures import mirror_gap
    >>> fig = mirror_gap(reported_vs_mirror(load_trade(), partner="CHN"))
    >>> fig.get_suptitle()
    "Which side reports matters: Kazakhstan's vs partners' figures"
    >>> [a.get_title() for a in fig.axes], fig.axes[0].get_ylabel()
    (["Kazakhstan's exports", "Kazakhstan's imports"], 'billion current US$')
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    who = country_name(reporter)
    with rc_context():
        if ax is None:
            fig = Figure(figsize=(9, 4.2), dpi=STYLE["figure.dpi"])
            FigureCanvasAgg(fig)
            axes = fig.subplots(1, 2, sharey=True)
        else:
            fig, axes = ax.figure, [ax, ax]
        for k, flow in enumerate(("export", "import")):
            a = axes[k]
            for partner, g in gaps[gaps["flow"] == flow].groupby("partner"):
                color = COLORS.get({"CHN": "china", "RUS": "russia"}.get(partner, "rest"))
                name = {"CHN": "China", "RUS": "Russia"}.get(partner, partner)
                y, rep = _annual(g, "reported_usd")
                _, mir = _annual(g, "mirror_usd")
                a.plot(y, rep / 1e9, color=color, lw=1.6, marker="o", ms=3.5,
                       label=f"{name}: {who}'s figures")
                a.plot(y, mir / 1e9, color=color, lw=1.4, ls="--", marker="o", ms=4.5, mfc="white",
                       label=f"{name}: {name}'s figures (mirror)")
            a.set_title(f"{who}'s exports" if flow == "export" else f"{who}'s imports", fontsize=10)
        axes[0].set_ylabel("billion current US$")
        fig.suptitle(title or f"Which side reports matters: {who}'s vs partners' figures", fontweight="bold")
        axes[-1].legend(fontsize=8, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def alignment_series(series: pd.DataFrame, *, ax=None, events: dict | None = None, title: str | None = None,
                     source: str = "kzecon from Voeten, Strezhnev & Bailey UNGA votes (unvotes 2021 release)",
                     vintage: str | None = None, min_votes: int = 10):
    """Agreement of a country with two powers by year (output of :func:`kzecon.alignment.alignment_series`),
    on the full 0–1 scale (an axis cut at 0.7 would exaggerate the gap). Years in which fewer than ``min_votes``
    roll calls were recorded with a power are left out of the lines and named in the footer.

    Parameters
    ----------
    series : pandas.DataFrame
        ``year``, two ``<measure>_<ISO3>`` columns (``agreement_CHN``, ``agreement_RUS``) and optionally the vote
        counts ``n_<ISO3>``; other columns (``alignment``) are ignored. ``attrs["country"]`` (set by
        :func:`kzecon.alignment.alignment_series`) names the country in the title. China is drawn red, Russia dark
        blue; the y axis runs from 0 to 1 for the agreement measure.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    events : dict of {int: str} or None, default None
        Events to mark, year → label: a dashed line at the year and its label above the axes (:func:`mark_events`);
        only events within the years plotted are drawn. None marks none (the study passes an economy's own).
    title : str or None, default None
        Title; None for "<country>'s UN General Assembly vote <measure>".
    source : str, default "kzecon from Voeten, Strezhnev & Bailey UNGA votes (unvotes 2021 release)"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.
    min_votes : int, default 10
        Years with fewer recorded roll calls than this with a power (its ``n_<ISO3>`` column) are left out of that
        power's line and listed in the source line.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, legend to the right).

    Raises
    ------
    CoverageError
        If ``series`` does not have exactly two ``<measure>_<ISO3>`` columns.

    See Also
    --------
    kzecon.alignment.alignment_series : The series.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from kzecon.report.figures import alignment_series
    >>> series = pd.DataFrame({"year": [2017, 2018, 2019, 2020], "n_CHN": [91, 92, 88, 6],
    ...                        "agreement_CHN": [0.896, 0.864, 0.881, 0.9], "n_RUS": [91, 94, 86, 6],
    ...                        "agreement_RUS": [0.786, 0.782, 0.756, 0.8]})
    >>> series.attrs["country"] = "KAZ"
    >>> fig = alignment_series(series, events={2018: "new foreign-policy concept"})
    >>> fig.axes[0].get_title()
    "Kazakhstan's UN General Assembly vote agreement"
    >>> print(fig.texts[-1].get_text())
    Source: kzecon from Voeten, Strezhnev & Bailey UNGA votes (unvotes 2021 release); left out, fewer than 10
    recorded votes: 2020.
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    # <measure>_<ISO3> columns; n_<ISO3> are counts
    measure_cols = [c for c in series.columns if not c.startswith("n_") and c.rsplit("_", 1)[-1].isupper()]
    if len(measure_cols) != 2:
        raise CoverageError("expected the output of kzecon.alignment.alignment_series")
    palette = {"CHN": COLORS["china"], "RUS": COLORS["russia"]}
    names = {"CHN": "China", "RUS": "Russia"}
    with rc_context():
        fig, ax = _new(ax)
        thin = set()
        for col in measure_cols:
            power = col.rsplit("_", 1)[-1]
            n_col = f"n_{power}"
            few = series[n_col] < min_votes if n_col in series else pd.Series(False, index=series.index)
            thin |= set(int(y) for y in series.loc[few, "year"])
            ax.plot(series["year"], series[col].where(~few), marker="o", ms=2.5, lw=1.8, color=palette.get(power),
                    label=f"with {names.get(power, power)}")
        if thin:
            source += (f"; left out, fewer than {min_votes} recorded votes: "
                       f"{', '.join(map(str, sorted(thin)))}")
        n = mark_events(ax, events, years=series["year"])
        measure = measure_cols[0].rsplit("_", 1)[0].replace("_", " ")
        who = country_name(series.attrs["country"]) if series.attrs.get("country") else ""
        _title(ax, title or f"{who + chr(39) + 's ' if who else ''}UN General Assembly vote {measure}", n)
        ax.set_ylabel(f"{measure} (abstention = half agreement)" if measure == "agreement" else measure)
        if measure == "agreement":
            ax.set_ylim(0, 1)
        ax.legend(fontsize=8.5, **RIGHT)
        _footer(fig, source, vintage)
    return fig


SECTOR_COLORS = {"fuels": "#2c3e50", "metals": "#b9770e", "chemicals": "#8e44ad", "agriculture": "#27ae60",
                 "machinery": "#2980b9", "vehicles": "#16a085", "textiles": "#e67e22",
                 "plastics_rubber": "#c0392b", "wood_paper": "#7f8c8d", "stone_ceramics": "#bdc3c7",
                 "other": "#d5d8dc"}


def sector_composition(comp: pd.DataFrame, *, flow: str = "export", partner: str = "China", ax=None,
                       title: str | None = None,
                       source: str = "kzecon from WITS/UN Comtrade (Kazakhstan-reported); the derived source file "
                                     "doubles every value, halved here (checked against UN Comtrade totals to 0.1%)",
                       vintage: str | None = None):
    """Stacked area of a flow by sector (billion USD) with the fuels+metals share on a second axis.

    Takes the output of :func:`kzecon.study.products.composition`; flagged years are shaded and labelled.

    Parameters
    ----------
    comp : pandas.DataFrame
        ``year, flow, sector, value_usd, share, flag`` (current US$; share of the flow, 0–1; flag non-empty in years
        whose figures are known to be incomplete), e.g. :func:`kzecon.study.products.composition`. Sectors are
        stacked in the order of :data:`SECTOR_COLORS`, unknown ones last; the fuels and metals shares are summed for
        the line on the right axis (percent). Flagged years are shaded and labelled "copper not reported to China
        (flagged)", the case of the bundled data.
    flow : {"export", "import"}, default "export"
        Which flow's rows to draw (any value other than ``"export"`` is titled as imports).
    partner : str, default "China"
        The partner's name in the title (``comp`` is not filtered by it: it holds one partner's trade).
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    title : str or None, default None
        Title; None for "Kazakhstan's <exports to | imports from> <partner> by sector".
    source : str, default the WITS/UN Comtrade note in the signature
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: the stacked areas on the left axis, the fuels + metals share on a twin right axis.

    Raises
    ------
    CoverageError
        If ``comp`` holds no rows of ``flow``.

    See Also
    --------
    kzecon.study.products.composition : The composition.
    kzecon.study.products.fuels_metals_share : The share drawn on the right axis.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from kzecon.report.figures import sector_composition
    >>> from kzecon.study.products import composition
    >>> fig = sector_composition(composition())
    >>> fig.axes[0].get_title(), fig.axes[1].get_ylabel()
    ("Kazakhstan's exports to China by sector", 'fuels + metals, % of exports')
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    d = comp[comp["flow"] == flow]
    if d.empty:
        raise CoverageError(f"no {flow} rows in the composition")
    wide = d.pivot_table(index="year", columns="sector", values="value_usd", aggfunc="sum").fillna(0) / 1e9
    order = [s for s in SECTOR_COLORS if s in wide.columns] + [s for s in wide.columns if s not in SECTOR_COLORS]
    wide = wide[order]
    fm = d[d["sector"].isin(["fuels", "metals"])].groupby("year")["share"].sum()
    flagged = sorted(d.loc[d["flag"].fillna("") != "", "year"].unique())
    with rc_context():
        fig, ax = _new(ax)
        ax.stackplot(wide.index, wide.T.to_numpy(), labels=[label(s) for s in order],
                     colors=[SECTOR_COLORS.get(s, "#cccccc") for s in order], alpha=0.9)
        for y in flagged:
            ax.axvspan(y - 0.5, y + 0.5, color="#f5b7b1", alpha=0.35, zorder=0, lw=0)
        if flagged:
            ax.text(np.mean(flagged), 1.015, "copper not reported to China (flagged)",
                    transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=7.5, color="#922b21")
        what = "exports to" if flow == "export" else "imports from"
        _title(ax, title or f"Kazakhstan's {what} {partner} by sector", 1 if flagged else 0)
        ax.set_ylabel("billion US$ (current)")
        ax2 = ax.twinx()
        ax2.plot(fm.index, 100 * fm.to_numpy(), color="black", lw=2, marker="o", ms=3, label="fuels + metals (%)")
        for y in flagged:
            if y in fm.index:
                ax2.plot([y], [100 * fm[y]], marker="o", ms=7, mfc="white", mec="#922b21", zorder=5)
        ax2.set_ylim(0, 100)
        ax2.set_ylabel(f"fuels + metals, % of {what.split()[0]}")
        ax2.grid(False)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, ncol=1, loc="upper left", bbox_to_anchor=(1.12, 1.0), fontsize=8)
        _footer(fig, source, vintage)
    return fig


def share_breaks(series: pd.DataFrame, breaks: pd.DataFrame, forecast: pd.DataFrame | None = None, *, ax=None,
                 events: dict | None = None, title: str | None = None, source: str = "kzecon",
                 vintage: str | None = None, level: int = 90):
    """A share with its Bai–Perron regimes (mean of each regime, break-date intervals shaded) and, optionally,
    a forecast fan.

    ``series``: year, share[, logit_share]; ``breaks``: year, lower, upper (first year of each new regime);
    ``forecast``: year, mean, lower_<level>, upper_<level> on the share scale.

    Parameters
    ----------
    series : pandas.DataFrame
        ``year, share[, logit_share]``, one row per year, share strictly between 0 and 1 (drawn in percent of total
        trade). A regime's mean is the inverse logit of the mean logit share over its years (``logit_share`` when
        given, else computed), i.e. on the scale the breaks were estimated on.
    breaks : pandas.DataFrame
        ``year, lower, upper``: the first year of each new regime and its break-date interval (first years too),
        e.g. the ``breaks`` of :func:`kzecon.study.findings.share_breaks`; no rows for a single regime. The interval
        is shaded and labelled as a 95% interval.
    forecast : pandas.DataFrame or None, default None
        ``year, mean, lower_<level>, upper_<level>`` on the share scale (0–1), drawn as a dashed mean and a band;
        None or empty draws no forecast.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    events : dict of {int: str} or None, default None
        Events to mark, year → label: a dashed line at the year and its label above the axes (:func:`mark_events`);
        only events within the years plotted are drawn. None marks none (the study passes an economy's own).
    title : str or None, default None
        Title; None for "Share with structural breaks".
    source : str, default "kzecon"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.
    level : int, default 90
        Which interval of ``forecast`` to draw (its ``lower_<level>``, ``upper_<level>`` columns), in percent.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, legend to the right).

    See Also
    --------
    kzecon.study.findings.share_breaks : The tests, breaks and forecast this draws.
    kzecon.timeseries : The Bai–Perron and forecast models.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from kzecon.report.figures import share_breaks
    >>> series = pd.DataFrame({"year": range(2000, 2012),
    ...                        "share": [.05, .06, .05, .07, .06, .12, .13, .12, .14, .13, .15, .14]})
    >>> breaks = pd.DataFrame({"year": [2005], "lower": [2004], "upper": [2006]})
    >>> forecast = pd.DataFrame({"year": [2012, 2013], "mean": [0.14, 0.145], "lower_90": [0.11, 0.10],
    ...                          "upper_90": [0.17, 0.19]})
    >>> fig = share_breaks(series, breaks, forecast)
    >>> fig.axes[0].get_title()
    'Share with structural breaks'
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['share', 'regime mean', '95% break-date interval', '90% forecast interval', 'forecast mean']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    with rc_context():
        fig, ax = _new(ax)
        years = series["year"].to_numpy()
        ax.plot(years, 100 * series["share"], color=COLORS["china"], marker="o", ms=3, lw=1.8, label="share")
        edges = [years[0]] + [int(y) for y in breaks.get("year", [])] + [years[-1] + 1]
        z = series["logit_share"] if "logit_share" in series else np.log(series["share"] / (1 - series["share"]))
        for a, b in zip(edges[:-1], edges[1:], strict=True):
            seg = (years >= a) & (years < b)
            m = 1 / (1 + np.exp(-z[seg].mean()))
            ax.hlines(100 * m, a - 0.4, b - 0.6, color="#333333", lw=1.4,
                      label="regime mean" if a == edges[0] else None)
        for i, (_, r) in enumerate(breaks.iterrows()):
            ax.axvspan(r["lower"] - 0.5, r["upper"] - 0.5, color="#aab7b8", alpha=0.35, lw=0,
                       label="95% break-date interval" if i == 0 else None)
            ax.axvline(r["year"] - 0.5, color="#333333", lw=0.8, ls=":")
        if forecast is not None and len(forecast):
            lo, hi = forecast[f"lower_{level}"], forecast[f"upper_{level}"]
            ax.fill_between(forecast["year"], 100 * lo, 100 * hi, color=COLORS["china"], alpha=0.18, lw=0,
                            label=f"{level}% forecast interval")
            ax.plot(forecast["year"], 100 * forecast["mean"], color=COLORS["china"], ls="--", lw=1.5,
                    label="forecast mean")
        n = mark_events(ax, events, years=years)
        _title(ax, title or "Share with structural breaks", n)
        ax.set_ylabel("% of total trade")
        ax.set_ylim(0, None)
        ax.legend(fontsize=8.5, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def composition_fan(history: pd.DataFrame, forecast: pd.DataFrame, *, ax=None, events: dict | None = None,
                    title: str | None = None, source: str = "kzecon", vintage: str | None = None, level: int = 90,
                    parts: tuple = ("china", "russia", "eu")):
    """Fan chart of a composition forecast: history (year, partner, share) and forecast
    (year, partner, mean, lower_<level>, upper_<level>) for the listed parts.

    Parameters
    ----------
    history : pandas.DataFrame
        ``year, partner, share``: the observed composition (share 0–1, drawn in percent), one row per year and part.
        Its years also bound the events drawn.
    forecast : pandas.DataFrame
        ``year, partner, mean, lower_<level>, upper_<level>`` on the share scale, e.g.
        ``CompositionForecast.to_frame()`` (:mod:`kzecon.forecast`): a dashed mean and, in the part's colour, a
        hatched band with dotted bounds.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    events : dict of {int: str} or None, default None
        Events to mark, year → label: a dashed line at the year and its label above the axes (:func:`mark_events`);
        only events within the years plotted are drawn. None marks none (the study passes an economy's own).
    title : str or None, default None
        Title; None for "Partner shares: history and forecast".
    source : str, default "kzecon"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.
    level : int, default 90
        Which interval to draw (the ``lower_<level>``, ``upper_<level>`` columns), in percent.
    parts : tuple of str, default ("china", "russia", "eu")
        The parts (``partner`` values) to draw, in this order; a part missing from ``history`` or ``forecast`` is
        left out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, legend to the right).

    See Also
    --------
    risk_probabilities : The probabilities of risk events from the same forecast.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from kzecon.report.figures import composition_fan
    >>> history = pd.DataFrame({"year": [2021, 2022, 2023] * 2, "partner": ["china"] * 3 + ["russia"] * 3,
    ...                         "share": [0.18, 0.20, 0.215, 0.22, 0.20, 0.194]})
    >>> forecast = pd.DataFrame({"year": [2024, 2025] * 2, "partner": ["china"] * 2 + ["russia"] * 2,
    ...                          "mean": [0.22, 0.23, 0.19, 0.185], "lower_90": [0.19, 0.18, 0.16, 0.15],
    ...                          "upper_90": [0.25, 0.28, 0.22, 0.22]})
    >>> fig = composition_fan(history, forecast)
    >>> fig.axes[0].get_title(), [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:3]
    ('Partner shares: history and forecast', ['China', 'Russia', 'forecast mean'])
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    with rc_context():
        fig, ax = _new(ax)
        for part in parts:
            h = history[history["partner"] == part]
            f = forecast[forecast["partner"] == part]
            if h.empty or f.empty:
                continue
            col = COLORS.get(part, "#555555")
            ax.plot(h["year"], 100 * h["share"], color=col, lw=1.8, label=label(part))
            # each band in its part's colour with its edges drawn (bands that overlap stay apart), hatched
            ax.fill_between(f["year"], 100 * f[f"lower_{level}"], 100 * f[f"upper_{level}"], facecolor=col,
                            alpha=0.12, lw=0)
            ax.fill_between(f["year"], 100 * f[f"lower_{level}"], 100 * f[f"upper_{level}"], facecolor="none",
                            edgecolor=col, hatch=HATCH.get(part, ""), lw=0, alpha=0.5)
            for bound in (f"lower_{level}", f"upper_{level}"):
                ax.plot(f["year"], 100 * f[bound], color=col, lw=0.8, ls=":")
            ax.plot(f["year"], 100 * f["mean"], color=col, lw=1.5, ls="--")
        n = mark_events(ax, events, years=history["year"])
        _title(ax, title or "Partner shares: history and forecast", n)
        ax.set_ylabel("% of total trade")
        ax.set_ylim(0, None)
        ax.plot([], [], color="#555555", ls="--", lw=1.5, label="forecast mean")
        ax.plot([], [], color="#555555", ls=":", lw=0.8,
                label=f"{level}% interval (bounds;\nband in the part's colour)")
        ax.legend(fontsize=8.5, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def risk_probabilities(risk: pd.DataFrame, *, ax=None, title: str | None = None, source: str = "kzecon",
                       vintage: str | None = None, cumulative: bool = False, labels: dict | None = None):
    """Probability of each risk event by forecast year (output of ``CompositionForecast.risk``); ``labels``:
    event → description (default: :data:`LABELS`).

    Parameters
    ----------
    risk : pandas.DataFrame
        ``event, year, probability[, probability_by_year]`` (probabilities 0–1, drawn in percent on a 0–100 axis),
        e.g. ``CompositionForecast.risk()`` (:mod:`kzecon.forecast`); one line per event.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    title : str or None, default None
        Title; None for "Probability of each event, by year" (with ``cumulative``: "Probability the event has
        happened by each year").
    source : str, default "kzecon"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.
    cumulative : bool, default False
        False draws ``probability`` (the event holds in that year); True draws ``probability_by_year`` (it has held
        at least once by that year).
    labels : dict of {str: str} or None, default None
        Event → legend label; events not in it (or all, with None) get :func:`label`'s.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, legend to the right).

    See Also
    --------
    composition_fan : The forecast the probabilities come from.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from kzecon.report.figures import risk_probabilities
    >>> risk = pd.DataFrame({"event": ["china_above_russia"] * 2 + ["china_above_25pct"] * 2,
    ...                      "year": [2024, 2025] * 2, "probability": [0.70, 0.75, 0.20, 0.30],
    ...                      "probability_by_year": [0.70, 0.85, 0.20, 0.40]})
    >>> fig = risk_probabilities(risk, cumulative=True)
    >>> fig.axes[0].get_title()
    'Probability the event has happened by each year'
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ["China's share above Russia's", "China's share above 25%"]
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    col = "probability_by_year" if cumulative else "probability"
    with rc_context():
        fig, ax = _new(ax)
        for ev, g in risk.groupby("event", sort=False):
            ax.plot(g["year"], 100 * g[col], marker="o", ms=3, lw=1.8, label=(labels or {}).get(ev, label(ev)))
        ax.set_ylim(0, 100)
        _title(ax, title or ("Probability the event has happened by each year" if cumulative
                             else "Probability of each event, by year"))
        ax.set_ylabel("probability (%)")
        ax.legend(fontsize=8.5, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def _reliability_axes(fig):
    gs = fig.add_gridspec(2, 1, height_ratios=(3, 1), hspace=0.08)
    top = fig.add_subplot(gs[0])
    bottom = fig.add_subplot(gs[1], sharex=top)
    return top, bottom


def reliability(rel: pd.DataFrame, *, ax=None, title: str | None = None, source: str = "kzecon backtest",
                vintage: str | None = None, models=None, band: bool | None = None):
    """Reliability diagram: observed frequency against forecast probability by model (backtest ``reliability``:
    model, predicted, observed, n), and below it the number of forecasts in each bin (bars), so that no count
    label sits on the curve. The first model's consistency band (grey: where a calibrated forecaster's points would
    fall 95% of the time) is drawn from the table's ``band_low``/``band_high`` columns (the backtest computes them,
    :func:`kzecon.forecast.scores.consistency_band`): ``band=None`` draws it when the table carries them, ``True``
    requires them (a :class:`UsageError` otherwise), ``False`` leaves it out.

    Each point carries its Wilson 95% interval (of ``observed`` as a proportion of ``n`` forecasts); the dashed
    diagonal is perfect calibration.

    Parameters
    ----------
    rel : pandas.DataFrame
        ``model, predicted, observed, n[, band_low, band_high]``: per model and probability bin, the mean forecast
        probability, the observed frequency (0–1) and the number of forecasts, e.g. ``Backtest.reliability`` or,
        with the band, ``Backtest.reliability_band`` (:mod:`kzecon.forecast.backtest`).
    ax : None
        Not used: the diagram always has its own figure (7.5 × 5.6 in, two panels).
    title : str or None, default None
        Title; None for "Reliability of event probabilities".
    source : str, default "kzecon backtest"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.
    models : sequence of str or None, default None
        The models to draw, in this order (the band is the first one's); None for every model of ``rel`` in its
        order.
    band : bool or None, default None
        The consistency band: None draws it when ``rel`` has ``band_low`` and ``band_high``, True requires them,
        False leaves it out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: the diagram on top, the forecasts per bin (bars, one colour per model) below.

    Raises
    ------
    UsageError
        If ``band=True`` and ``rel`` has no ``band_low``/``band_high`` columns.

    See Also
    --------
    reliability_world : The same diagram across many economies.
    coverage : The calibration of the forecast intervals.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from kzecon.forecast.scores import consistency_band
    >>> from kzecon.report.figures import reliability
    >>> rel = pd.DataFrame({"model": "rw", "bin": [0, 1, 2], "predicted": [0.1, 0.5, 0.9],
    ...                     "observed": [0.12, 0.45, 0.80], "n": [40, 25, 35]})
    >>> rel["band_low"], rel["band_high"] = consistency_band(rel["predicted"], rel["n"])
    >>> fig = reliability(rel)
    >>> [a.get_title() for a in fig.axes], fig.axes[1].get_xlabel()
    (['Reliability of event probabilities', ''], 'forecast probability')
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['perfect calibration', 'range if calibrated (95%), random walk', 'random walk']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if band and not {"band_low", "band_high"} <= set(rel.columns):
        raise UsageError("the reliability table carries no band_low/band_high columns (a backtest's reliability "
                         "table does): pass band=False, or add them with kzecon.forecast.scores.consistency_band")
    return _reliability(rel.rename(columns={"predicted": "forecast"}), title=title or
                        "Reliability of event probabilities", source=source, vintage=vintage, models=models,
                        band=band)


def _reliability(rel: pd.DataFrame, *, title: str, source: str, vintage: str | None, models=None,
                 note: str | None = None, band: bool | None = False):
    from statsmodels.stats.proportion import proportion_confint

    models = list(models) if models is not None else list(dict.fromkeys(rel["model"]))
    with rc_context():
        fig = Figure(figsize=(7.5, 5.6), dpi=STYLE["figure.dpi"])
        FigureCanvasAgg(fig)
        top, bottom = _reliability_axes(fig)
        top.plot([0, 1], [0, 1], color="#888888", lw=0.8, ls="--", label="perfect calibration")
        first = rel[rel["model"] == models[0]] if models else rel.iloc[:0]
        if band is not False and len(first) and {"band_low", "band_high"} <= set(first.columns):
            # where a calibrated forecast's points would fall, for the first model's bins (computed with the table)
            for i, (x, a, b) in enumerate(zip(first["forecast"], first["band_low"], first["band_high"], strict=True)):
                top.fill_between([x - 0.025, x + 0.025], a, b, color="#bbbbbb", alpha=0.55, lw=0,
                                 label=f"range if calibrated (95%), {label(models[0])}" if i == 0 else None)
        width = 0.08 / max(len(models), 1)
        for i, m in enumerate(models):
            d = rel[rel["model"] == m]
            if d.empty:
                continue
            (line,) = top.plot(d["forecast"], d["observed"], "o-", ms=3.5, lw=1.3, label=label(m))
            lo, hi = proportion_confint(np.round(d["observed"] * d["n"]), d["n"], alpha=0.05, method="wilson")
            err = [np.clip(d["observed"] - lo, 0, None), np.clip(hi - d["observed"], 0, None)]
            top.errorbar(d["forecast"], d["observed"], yerr=err, fmt="none",
                         ecolor=line.get_color(), elinewidth=0.9, capsize=2, alpha=0.7)
            bottom.bar(d["forecast"] + (i - (len(models) - 1) / 2) * width, d["n"], width=width,
                       color=line.get_color(), alpha=0.8)
        top.set_xlim(-0.05, 1.05)  # bars of the bins at 0 and 1 stay inside the axes
        top.set_ylim(-0.02, 1.02)
        top.set_ylabel("observed frequency\n(bars: Wilson 95% interval)")
        top.tick_params(labelbottom=False)
        top.set_title(title)
        top.legend(fontsize=8, **RIGHT)
        bottom.set_xlabel("forecast probability")
        bottom.set_ylabel("forecasts")
        bottom.grid(False)
        _footer(fig, source + (f"; {note}" if note else ""), vintage)
    return fig


def coverage(cov: pd.DataFrame, *, nominal: float = 0.9, ax=None, title: str | None = None,
             source: str = "kzecon backtest", vintage: str | None = None):
    """Empirical coverage of the nominal interval by horizon and model, with Wilson intervals.

    Parameters
    ----------
    cov : pandas.DataFrame
        ``model, horizon, nominal, empirical, lower, upper``: per model, horizon (years) and nominal level (0–1), the
        share of outcomes inside the interval and its Wilson 95% bounds, e.g. ``Backtest.coverage``
        (:func:`kzecon.forecast.backtest.coverage_table`). One series of points per model, side by side.
    nominal : float, default 0.9
        Which nominal level's rows to draw (matched with ``numpy.isclose``), shown as a dashed line; a level the
        table lacks gives an empty plot.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    title : str or None, default None
        Title; None for "Interval coverage in the rolling-origin backtest".
    source : str, default "kzecon backtest"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, coverage in percent, legend to the right).

    See Also
    --------
    reliability : The calibration of event probabilities.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from kzecon.report.figures import coverage
    >>> cov = pd.DataFrame({"model": "rw", "horizon": [1, 2, 3], "nominal": 0.9, "empirical": [0.88, 0.85, 0.80],
    ...                     "n": 30, "lower": [0.75, 0.70, 0.63], "upper": [0.95, 0.93, 0.90]})
    >>> fig = coverage(cov)
    >>> fig.axes[0].get_title(), fig.axes[0].get_ylabel()
    ('Interval coverage in the rolling-origin backtest', 'coverage of the 90% interval (%)')
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    d = cov[np.isclose(cov["nominal"], nominal)]
    with rc_context():
        fig, ax = _new(ax)
        models = list(dict.fromkeys(d["model"]))
        width = 0.8 / max(len(models), 1)
        for i, (m, g) in enumerate(d.groupby("model", sort=False)):
            x = g["horizon"].to_numpy() + (i - (len(models) - 1) / 2) * width
            yerr = np.clip([100 * (g["empirical"] - g["lower"]), 100 * (g["upper"] - g["empirical"])], 0, None)
            ax.errorbar(x, 100 * g["empirical"], yerr=yerr, fmt="o", ms=4, capsize=2, label=label(m))
        ax.axhline(100 * nominal, color="#333333", lw=1, ls="--", label=f"nominal {round(100 * nominal)}%")
        ax.set_xlabel("horizon (years)")
        ax.set_ylabel(f"coverage of the {round(100 * nominal)}% interval (%)")
        _title(ax, title or "Interval coverage in the rolling-origin backtest")
        ax.legend(fontsize=8, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def coefficients(table: pd.DataFrame, *, terms=None, labels: dict | None = None, ax=None, title: str | None = None,
                 source: str = "kzecon", vintage: str | None = None, xlabel: str = "estimate (95% interval)",
                 by: str = "model"):
    """Coefficient plot from tidy results (``to_frame()`` rows: term, estimate, conf_low, conf_high[, model]).

    One row per term (top to bottom in the table's order), a point and its interval per group (``by``), a line at
    zero.

    Parameters
    ----------
    table : pandas.DataFrame
        ``term, estimate, conf_low, conf_high`` and optionally the ``by`` column, e.g. the ``to_frame()`` of an
        estimation result, or several stacked with a ``model`` column.
    terms : sequence of str or None, default None
        The terms to draw (rows whose ``term`` is in it, in the table's order); None draws every row.
    labels : dict of {str: str} or None, default None
        Term → tick label; terms not in it (or all, with None) get :func:`label`'s.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    title : str or None, default None
        Title; None for "Estimates" (a title is wrapped at 70 characters).
    source : str, default "kzecon"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.
    xlabel : str, default "estimate (95% interval)"
        Label of the x axis (name the units and the interval actually in ``conf_low``/``conf_high``).
    by : str, default "model"
        Column whose values are drawn as separate series (offset vertically, with a legend when there are several;
        beyond ten, markers differ too); when ``table`` has no such column, all rows are one series.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes).

    Raises
    ------
    CoverageError
        If no rows are left to draw (``table`` empty, or no row's term in ``terms``).

    See Also
    --------
    event_study : Coefficients on event time.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from kzecon.report.figures import coefficients
    >>> table = pd.DataFrame({"term": ["rta", "customs_union"], "estimate": [0.12, 0.30],
    ...                       "conf_low": [0.05, 0.10], "conf_high": [0.19, 0.50]})
    >>> fig = coefficients(table, title="PPML, structural gravity")
    >>> fig.axes[0].get_title(), [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ('PPML, structural gravity', ['Regional trade agreement', 'Customs union, on entry'])
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    d = table if terms is None else table[table["term"].isin(terms)]
    if d.empty:
        raise CoverageError("no coefficients to plot")
    with rc_context():
        fig, ax = _new(ax)
        groups = list(dict.fromkeys(d[by])) if by in d else [None]
        terms_order = list(dict.fromkeys(d["term"]))
        step = 0.7 / max(len(groups), 1)
        markers = "osD^vP*Xh<>"  # beyond matplotlib's ten colours, the marker tells models apart
        for gi, g in enumerate(groups):
            sub = d[d[by] == g] if g is not None else d
            y = np.array([terms_order.index(t) for t in sub["term"]]) + (gi - (len(groups) - 1) / 2) * step
            est, lo, hi = (sub[c].to_numpy(dtype=float) for c in ("estimate", "conf_low", "conf_high"))
            # arrays, not Series: matplotlib calls float() on a one-row Series, which pandas deprecates
            ax.errorbar(est, y, xerr=[est - lo, hi - est], fmt=markers[(gi // 10) % len(markers)] if len(groups) > 10
                        else "o", ms=4, capsize=2, label=label(g) if g is not None else None)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_yticks(range(len(terms_order)))
        ax.set_yticklabels([(labels or {}).get(t, label(t)) for t in terms_order])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        import textwrap

        _title(ax, textwrap.fill(title or "Estimates", 70))
        if len(groups) > 1:
            ax.legend(fontsize=8, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def event_study(table: pd.DataFrame, *, ax=None, title: str | None = None, source: str = "kzecon",
                vintage: str | None = None, ylabel: str = "effect (log points)", reference: float | None = None,
                binned: bool = False):
    """Event-study plot: columns event_time, estimate, conf_low, conf_high[, model]. ``binned``: the first and
    last event times bin all earlier / later years (their tick labels say so: "≤-5", "≥10").

    Parameters
    ----------
    table : pandas.DataFrame
        ``event_time, estimate, conf_low, conf_high[, model]``: one row per event time (years relative to the
        policy) and model; each model is a line of points with intervals, offset slightly (legend when several).
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    title : str or None, default None
        Title; None for "Event study".
    source : str, default "kzecon"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.
    ylabel : str, default "effect (log points)"
        Label of the y axis.
    reference : float or None, default None
        Event time at which to draw a dashed vertical line (e.g. -0.5, between the last year before the policy and
        the first after); None draws none.
    binned : bool, default False
        True labels the first and last event times "≤<first>" and "≥<last>" (end bins that hold all earlier / later
        years).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, a line at zero).

    See Also
    --------
    coefficients : Coefficients by term.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from kzecon.report.figures import event_study
    >>> table = pd.DataFrame({"event_time": [-2, -1, 0, 1, 2], "estimate": [0.0, 0.01, 0.10, 0.15, 0.20],
    ...                       "conf_low": [-0.05, -0.04, 0.04, 0.08, 0.10],
    ...                       "conf_high": [0.05, 0.06, 0.16, 0.22, 0.30]})
    >>> fig = event_study(table, reference=-0.5, binned=True)
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['≤-2', '-1', '0', '1', '≥2']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    with rc_context():
        fig, ax = _new(ax)
        models = list(dict.fromkeys(table["model"])) if "model" in table else [None]
        for i, m in enumerate(models):
            d = table[table["model"] == m] if m is not None else table
            x = d["event_time"].to_numpy() + (i - (len(models) - 1) / 2) * 0.15
            ax.errorbar(x, d["estimate"], yerr=[d["estimate"] - d["conf_low"], d["conf_high"] - d["estimate"]],
                        fmt="o-", ms=4, capsize=2, lw=1.2, label=label(m) if m is not None else None)
        ax.axhline(0, color="#333333", lw=0.8)
        if reference is not None:
            ax.axvline(reference, color="#888888", lw=0.8, ls="--")
        if binned:
            t = np.sort(table["event_time"].unique())
            ax.set_xticks(t)
            ax.set_xticklabels([f"≤{int(v)}" if v == t[0] else (f"≥{int(v)}" if v == t[-1] else str(int(v)))
                                for v in t])
        ax.set_xlabel("years relative to the policy")
        ax.set_ylabel(ylabel)
        _title(ax, title or "Event study")
        if len(models) > 1:
            ax.legend(fontsize=8, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def ge_bars(table: pd.DataFrame, column: str = "real_gdp_pct", *, top: int = 15, ax=None, title: str | None = None,
            source: str = "kzecon", vintage: str | None = None):
    """Bar chart of a GE counterfactual's country changes (largest ``|change|`` first).

    Parameters
    ----------
    table : pandas.DataFrame
        ``country`` and ``column``, one row per country, e.g. the ``to_frame()`` of
        :func:`kzecon.gravity.ge.counterfactual`'s result. Gains are green, losses red.
    column : str, default "real_gdp_pct"
        The change to draw; the x label is the column name with ``_pct`` written as "(% change)" and underscores
        as spaces.
    top : int, default 15
        How many countries to show, those with the largest absolute change.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    title : str or None, default None
        Title; None for "General-equilibrium effects".
    source : str, default "kzecon"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, horizontal bars, largest change on top).

    See Also
    --------
    kzecon.gravity.ge.counterfactual : The counterfactual.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from kzecon.report.figures import ge_bars
    >>> ge = pd.DataFrame({"country": ["CHN", "KAZ", "RUS"], "real_gdp_pct": [0.05, 0.8, -0.3]})
    >>> fig = ge_bars(ge, top=2)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()], fig.axes[0].get_xlabel()
    (['KAZ', 'RUS'], 'real gdp (% change)')
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    d = table.reindex(table[column].abs().sort_values(ascending=False).index).head(top)
    with rc_context():
        fig, ax = _new(ax)
        ax.barh(d["country"], d[column], color=np.where(d[column] >= 0, "#16a085", "#c0392b"))
        ax.invert_yaxis()
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlabel(column.replace("_pct", " (% change)").replace("_", " "))
        _title(ax, title or "General-equilibrium effects")
        _footer(fig, source, vintage)
    return fig


def balance_concentration(balance: pd.DataFrame, hhi: pd.DataFrame, *, flow: str = "total", ax=None,
                          events: dict | None = None, title: str | None = None, source: str = "kzecon",
                          vintage: str | None = None):
    """Multi-vector balance index and normalised partner HHI over time (measures outputs).

    Both on a 0–1 axis: the balance index (1 = trade even across the vectors) and the normalised
    Herfindahl–Hirschman index of partner shares (1 = one partner).

    Parameters
    ----------
    balance : pandas.DataFrame
        ``year, flow, balance``, e.g. :func:`kzecon.measures.balance_index`. Its years bound the events drawn.
    hhi : pandas.DataFrame
        ``year, flow, hhi_norm[, reporter]``, e.g. :func:`kzecon.measures.concentration`.
    flow : {"total", "export", "import"}, default "total"
        Which flow's rows of both frames to draw.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    events : dict of {int: str} or None, default None
        Events to mark, year → label: a dashed line at the year and its label above the axes (:func:`mark_events`);
        only events within the years plotted are drawn. None marks none (the study passes an economy's own).
    title : str or None, default None
        Title; None for "Balance and concentration of <reporter>'s trade" (the reporter from ``hhi``'s ``reporter``
        column; "of the economy's trade" without one, as for :func:`kzecon.measures.concentration`'s output: pass a
        title).
    source : str, default "kzecon"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, legend to the right).

    See Also
    --------
    kzecon.measures.balance_index, kzecon.measures.concentration : The two series.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import balance_index, concentration, partner_shares
    >>> from kzecon.report.figures import balance_concentration
    >>> trade = load_trade("spliced")
    >>> fig = balance_concentration(balance_index(partner_shares(trade)), concentration(trade),
    ...                             title="Balance and concentration of Kazakhstan's trade")
    >>> fig.axes[0].get_title(), len(fig.axes[0].get_lines())
    ("Balance and concentration of Kazakhstan's trade", 2)
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    b = balance[balance["flow"] == flow]
    h = hhi[hhi["flow"] == flow]
    with rc_context():
        fig, ax = _new(ax)
        ax.plot(b["year"], b["balance"], color="#16a085", lw=1.8, marker="o", ms=2.5,
                label="multi-vector balance\n(1 = even across China,\nRussia, EU, rest)")
        ax.plot(h["year"], h["hhi_norm"], color="#8e44ad", lw=1.8, marker="o", ms=2.5,
                label="partner concentration\n(normalised HHI)")
        n = mark_events(ax, events, years=b["year"])
        ax.set_ylim(0, 1)
        who = country_name(h["reporter"].iloc[0]) if "reporter" in h and len(h) else "the economy"
        _title(ax, title or f"Balance and concentration of {who}'s trade", n)
        ax.set_ylabel("index (0–1)")
        ax.legend(fontsize=8.5, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def tilt(tilt_frame: pd.DataFrame, *, ax=None, events: dict | None = None, title: str | None = None,
         source: str = "kzecon", vintage: str | None = None):
    """China–Russia tilt (China's share minus Russia's, percentage points) by flow (``china_russia_tilt`` output).

    Parameters
    ----------
    tilt_frame : pandas.DataFrame
        ``year, flow, difference`` (China's share minus Russia's as a fraction, drawn in percentage points), e.g.
        :func:`kzecon.measures.china_russia_tilt`; one line per flow (total trade solid, exports dashed, imports
        dotted), a line at zero. Its years bound the events drawn.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    events : dict of {int: str} or None, default None
        Events to mark, year → label: a dashed line at the year and its label above the axes (:func:`mark_events`);
        only events within the years plotted are drawn. None marks none (the study passes an economy's own).
    title : str or None, default None
        Title; None for "China–Russia tilt".
    source : str, default "kzecon"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, legend to the right).

    See Also
    --------
    kzecon.measures.china_russia_tilt : The tilt.
    share_paths : The shares it is the difference of.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from kzecon.data import load_trade
    >>> from kzecon.measures import china_russia_tilt, partner_shares
    >>> from kzecon.report.figures import tilt
    >>> fig = tilt(china_russia_tilt(partner_shares(load_trade("spliced"), flow="all")))
    >>> fig.axes[0].get_title(), [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ('China–Russia tilt', ['exports', 'imports', 'total trade'])
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    styles = {"total": ("#333333", "-"), "export": ("#c0392b", "--"), "import": ("#2c3e80", ":")}
    with rc_context():
        fig, ax = _new(ax)
        for flow, g in tilt_frame.groupby("flow", sort=False):
            col, ls = styles.get(flow, ("#777777", "-"))
            ax.plot(g["year"], 100 * g["difference"], color=col, ls=ls, lw=1.8, label={"total": "total trade",
                    "export": "exports", "import": "imports"}.get(flow, flow))
        ax.axhline(0, color="#333333", lw=0.8)
        n = mark_events(ax, events, years=tilt_frame["year"])
        _title(ax, title or "China–Russia tilt", n)
        ax.set_ylabel("China's share minus Russia's (pp)")
        ax.legend(fontsize=8.5, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def placebo_distribution(placebo: pd.DataFrame, estimate: float, *, p_value: float | None = None, ax=None,
                         title: str | None = None, source: str = "kzecon", vintage: str | None = None,
                         label: str = "estimate"):
    """Histogram of randomization-inference placebo estimates (column placebo_estimate) with the actual one.

    Parameters
    ----------
    placebo : pandas.DataFrame
        ``placebo_estimate`` (log points), one row per placebo draw, e.g. the ``to_frame()`` of
        :func:`kzecon.gravity.inference.randomization_inference`'s result; 30 bins.
    estimate : float
        The estimate on the actual data, drawn as a red vertical line and given in the legend to three decimals.
    p_value : float or None, default None
        The randomization p-value, added to the legend; None leaves it out.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw on (the figure it belongs to is returned, the source line added to it); None draws on a new
        figure of kzecon's size (8 × 4.5 in) on its own Agg canvas.
    title : str or None, default None
        Title; None for "Randomization inference".
    source : str, default "kzecon"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.
    label : str, default "estimate"
        Legend text before the estimate's value (e.g. ``"EAEU estimate"``).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes, legend to the right).

    See Also
    --------
    kzecon.gravity.inference.randomization_inference : The placebo draws.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kzecon.report.figures import placebo_distribution
    >>> placebo = pd.DataFrame({"placebo_estimate": np.random.default_rng(0).normal(0, 0.1, 199)})
    >>> fig = placebo_distribution(placebo, 0.25, p_value=0.01, label="EAEU estimate")
    >>> [t.get_text().splitlines() for t in fig.axes[0].get_legend().get_texts()]
    [['placebo blocs'], ['EAEU estimate 0.250', 'randomization p = 0.010']]
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    with rc_context():
        fig, ax = _new(ax)
        ax.hist(placebo["placebo_estimate"], bins=30, color="#95a5a6", edgecolor="white", label="placebo blocs")
        ax.axvline(estimate, color="#c0392b", lw=2,
                   label=f"{label} {estimate:.3f}" + (f"\nrandomization p = {p_value:.3f}" if p_value is not None
                                                      else ""))
        ax.set_xlabel("placebo estimates (log points)")
        ax.set_ylabel("placebo draws")
        _title(ax, title or "Randomization inference")
        ax.legend(fontsize=8.5, **RIGHT)
        _footer(fig, source, vintage)
    return fig


def reliability_world(rel: pd.DataFrame, *, models=("pooled", "world_cal", "rw", "statsforecast_ets"), ax=None,
                      title: str | None = None, source: str = "kzecon world backtest (IMF DOTS compositions)",
                      vintage: str | None = None):
    """Reliability diagram of event probabilities across many economies: observed frequency against forecast
    probability per bin, one line per model (columns model, forecast, observed, n), forecasts per bin below.

    The source line adds the number of events per model (the first model's total ``n``). No consistency band is
    drawn.

    Parameters
    ----------
    rel : pandas.DataFrame
        ``model, forecast, observed, n``: per model and probability bin, the mean forecast probability, the observed
        frequency (0–1) and the number of events (the world backtest's reliability table, one subset of it).
    models : sequence of str, default ("pooled", "world_cal", "rw", "statsforecast_ets")
        The models to draw, in this order; those not in ``rel`` are skipped.
    ax : None
        Not used: the diagram always has its own figure (7.5 × 5.6 in, two panels).
    title : str or None, default None
        Title; None for "Reliability of event probabilities, held-out economies".
    source : str, default "kzecon world backtest (IMF DOTS compositions)"
        Source line below the figure, printed as ``Source: <source>.``
    vintage : str or None, default None
        Data vintage appended to the source line (``Data as of: <vintage>.``), with source codes written as a reader
        names them (``cow_v4`` → COW v4, ``wits`` → WITS/UN Comtrade, ``imf_dots`` → IMF DOTS, …); None leaves it out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: the diagram on top, the events per bin (bars) below.

    See Also
    --------
    reliability : One economy's backtest, with the consistency band.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from kzecon.report.figures import reliability_world
    >>> rel = pd.DataFrame({"model": ["pooled"] * 3 + ["rw"] * 3, "forecast": [0.1, 0.5, 0.9] * 2,
    ...                     "observed": [0.10, 0.52, 0.88, 0.20, 0.50, 0.70], "n": [500, 300, 400] * 2})
    >>> fig = reliability_world(rel)
    >>> print(fig.texts[-1].get_text())
    Source: kzecon world backtest (IMF DOTS compositions); 1,200 events per model.
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    n = int(rel[rel["model"] == models[0]]["n"].sum()) if len(rel) else 0
    return _reliability(rel, title=title or "Reliability of event probabilities, held-out economies",
                        source=source, vintage=vintage, models=[m for m in models if (rel["model"] == m).any()],
                        note=f"{n:,} events per model")


# ---------------------------------------------------------------------------------------------- layout check
def layout_problems(fig, *, tolerance: float = 1.0) -> list[str]:
    """What a reader would trip on, from matplotlib's own bounding boxes after drawing: a text that overlaps
    another text; a legend over another text or over plotted data (line vertices); a text clipped by its axes;
    a text outside the saved canvas. Empty when the figure reads cleanly.

    Lays the figure out (matplotlib's draw without rendering) to measure it. Legend entries and the tick labels of
    ticks outside the view are not checked as texts.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, with a canvas (every figure of this module has one).
    tolerance : float, default 1.0
        Overlaps and overhangs of up to this many pixels are not counted.

    Returns
    -------
    list of str
        One sentence per problem (e.g. ``"text 'A' overlaps text 'B'"``, ``"legend covers data of 'China'"``),
        sorted, without repeats.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from matplotlib.figure import Figure
    >>> from kzecon.report.figures import layout_problems, tilt
    >>> layout_problems(tilt(pd.DataFrame({"year": [2021, 2022, 2023], "flow": "total",
    ...                                    "difference": [-0.02, 0.01, 0.02]})))
    []
    >>> fig = Figure(figsize=(4, 3))
    >>> _ = FigureCanvasAgg(fig)
    >>> ax = fig.add_subplot()
    >>> _ = ax.text(0.5, 0.5, "first label"), ax.text(0.52, 0.5, "second label")
    >>> layout_problems(fig)
    ["text 'first label' overlaps text 'second label'"]
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    from matplotlib.text import Text

    fig.draw_without_rendering()  # the layout and every extent, without rasterising (save() draws the pixels)
    r = fig.canvas.get_renderer()
    legends = [lg for a in fig.axes for lg in ([a.get_legend()] if a.get_legend() else [])] + list(fig.legends)
    in_legend = {id(t) for lg in legends for t in lg.get_texts() + [lg.get_title()]}
    for a in fig.axes:  # tick labels of ticks outside the view are not drawn
        for axis in (a.xaxis, a.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            span = (hi - lo) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not (lo - span <= tick.get_loc() <= hi + span):
                    in_legend.update({id(tick.label1), id(tick.label2)})
    texts = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip() or id(t) in in_legend:
            continue
        bb = t.get_window_extent(r)
        if bb.width <= 0 or bb.height <= 0:
            continue
        texts.append((t, bb))
    problems = []

    def name(t):
        return repr(t.get_text()[:40])

    shrink = -tolerance
    for i, (a, ba) in enumerate(texts):
        for b, bb in texts[i + 1:]:
            if ba.expanded(1, 1).padded(shrink).overlaps(bb.padded(shrink)):
                problems.append(f"text {name(a)} overlaps text {name(b)}")
    for lg in legends:
        lb = lg.get_window_extent(r)
        for t, bb in texts:
            if lb.padded(shrink).overlaps(bb.padded(shrink)):
                problems.append(f"legend overlaps text {name(t)}")
        for a in fig.axes:
            for line in a.get_lines():
                xy = line.get_xydata()
                if not len(xy):
                    continue
                pts = line.get_transform().transform(np.asarray(xy, dtype=float))
                pts = pts[np.isfinite(pts).all(axis=1)]
                inside = ((pts[:, 0] > lb.x0) & (pts[:, 0] < lb.x1) & (pts[:, 1] > lb.y0) & (pts[:, 1] < lb.y1))
                if inside.any() and line.get_label() and not line.get_label().startswith("_"):
                    problems.append(f"legend covers data of {line.get_label()!r}")
                elif inside.any():
                    problems.append("legend covers plotted data")
    for t, bb in texts:
        if t.get_clip_on() and t.get_clip_box() is not None:
            cb = t.get_clip_box()
            if bb.x0 < cb.x0 - tolerance or bb.x1 > cb.x1 + tolerance or bb.y0 < cb.y0 - tolerance \
                    or bb.y1 > cb.y1 + tolerance:
                problems.append(f"text {name(t)} is clipped by its axes")
    canvas = fig.get_tightbbox(r).transformed(fig.dpi_scale_trans)
    for t, bb in texts:
        if bb.x1 > canvas.x1 + tolerance or bb.x0 < canvas.x0 - tolerance:
            problems.append(f"text {name(t)} leaves the canvas")
    return sorted(set(problems))
