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
    """A reader's label for an identifier (model code, term, event, partner group); unknown names are tidied."""
    key = str(name)
    if key in LABELS:
        return LABELS[key]
    if key.startswith("intl_") and key[5:].isdigit():
        return f"international border × {key[5:]}"
    if key.startswith("ppml_") or key.startswith("ols_"):
        return key.split("_", 1)[0].upper() + ", " + key.split("_", 1)[1].replace("_", " ")
    return key.replace("_", " ")


def rc_context():
    """kzecon's figure style as a matplotlib rc context."""
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
    above the axes (two rows, so that labels of close years do not meet), never over the data."""
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
    """Partner-group shares over time (output of :func:`kzecon.measures.partner_shares`)."""
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


def save(fig, path, formats=("png",), *, page: bool = False):
    """Write ``fig`` as ``path`` with each suffix in ``formats``; returns the paths written. ``page``: keep the
    figure's own size (a page such as A4), instead of cropping to what is drawn."""
    from pathlib import Path

    base = Path(path).with_suffix("")
    out = []
    for fmt in formats:
        p = base.with_suffix(f".{fmt}")
        # no timestamps: the same figure gives the same bytes (the PDF backend's key is CreationDate, SVG's Date)
        meta = {"png": {"Software": None}, "pdf": {"CreationDate": None}, "svg": {"Date": None}}.get(fmt, {})
        # SVG element ids from a fixed salt, not random; a page keeps its size (the style's savefig.bbox is tight)
        with matplotlib.rc_context({"svg.hashsalt": "kzecon", "savefig.bbox": "standard" if page else "tight"}):
            fig.savefig(p, format=fmt, metadata=meta, bbox_inches=None if page else "tight")
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
    roll calls were recorded with a power are left out of the lines and named in the footer."""
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
    (year, partner, mean, lower_<level>, upper_<level>) for the listed parts."""
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
    event → description (default: :data:`LABELS`)."""
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
    requires them (a :class:`UsageError` otherwise), ``False`` leaves it out."""
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
    """Empirical coverage of the nominal interval by horizon and model, with Wilson intervals."""
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
    """Coefficient plot from tidy results (``to_frame()`` rows: term, estimate, conf_low, conf_high[, model])."""
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
    last event times bin all earlier / later years (their tick labels say so: "≤ −5", "≥ 10")."""
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
    """Bar chart of a GE counterfactual's country changes (largest ``|change|`` first)."""
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
    """Multi-vector balance index and normalised partner HHI over time (measures outputs)."""
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
    """China–Russia tilt (China's share minus Russia's, percentage points) by flow (``china_russia_tilt`` output)."""
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
    """Histogram of randomization-inference placebo estimates (column placebo_estimate) with the actual one."""
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
    probability per bin, one line per model (columns model, forecast, observed, n), forecasts per bin below."""
    n = int(rel[rel["model"] == models[0]]["n"].sum()) if len(rel) else 0
    return _reliability(rel, title=title or "Reliability of event probabilities, held-out economies",
                        source=source, vintage=vintage, models=[m for m in models if (rel["model"] == m).any()],
                        note=f"{n:,} events per model")


# ---------------------------------------------------------------------------------------------- layout check
def layout_problems(fig, *, tolerance: float = 1.0) -> list[str]:
    """What a reader would trip on, from matplotlib's own bounding boxes after drawing: a text that overlaps
    another text; a legend over another text or over plotted data (line vertices); a text clipped by its axes;
    a text outside the saved canvas. Empty when the figure reads cleanly."""
    from matplotlib.text import Text

    fig.canvas.draw()
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
