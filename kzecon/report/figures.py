"""Policy-brief figures in one matplotlib style.

Each function takes tidy results, draws on ``ax`` (or a new figure) and returns the Figure; every
figure carries a title, units, a source line and the data vintage.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on servers; figures are written to files

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

EVENTS = {2010: "Customs union", 2013: "BRI announced", 2015: "EAEU"}
COLORS = {"china": "#c0392b", "russia": "#2c3e80", "eu": "#f1c40f", "central_asia": "#16a085",
          "rest": "#95a5a6", "other": "#95a5a6"}
LABELS = {"china": "China", "russia": "Russia", "eu": "EU", "central_asia": "Central Asia",
          "rest": "Rest of world", "other": "Other"}
STYLE = {"figure.figsize": (8, 4.5), "figure.dpi": 110, "axes.spines.top": False,
         "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3, "font.size": 10,
         "axes.titlesize": 12, "axes.titleweight": "bold", "legend.frameon": False,
         "savefig.bbox": "tight", "svg.hashsalt": "kzecon", "path.simplify": False}


def _new(ax):
    if ax is not None:
        return ax.figure, ax
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots()
    return fig, ax


def _footer(fig, source: str, vintage: str | None):
    text = f"Source: {source}."
    if vintage:
        text += f" Data vintage: {vintage}."
    fig.text(0.01, -0.02, text, fontsize=7.5, color="#555555", ha="left", va="top", wrap=True)


def mark_events(ax, events: dict[int, str] = EVENTS, years=None):
    lo, hi = (min(years), max(years)) if years is not None else ax.get_xlim()
    for year, label in events.items():
        if lo <= year <= hi:
            ax.axvline(year, color="#555555", lw=0.8, ls="--", zorder=0)
            ax.text(year + 0.2, 0.98, label, transform=ax.get_xaxis_transform(), fontsize=7.5,
                    va="top", ha="left", color="#555555", rotation=90)


def share_paths(shares: pd.DataFrame, *, flow: str = "total", ax=None, title: str | None = None,
                source: str = "kzecon from WITS/UN Comtrade, BNS 312101, COW v4",
                vintage: str | None = None):
    """Partner-group shares over time (output of :func:`kzecon.measures.partner_shares`)."""
    d = shares[shares["flow"] == flow]
    if d.empty:
        raise ValueError(f"no shares for flow {flow!r}")
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        for group, g in d.groupby("group", sort=False):
            ax.plot(g["year"], 100 * g["share"], marker="o", ms=2.5, lw=1.8,
                    color=COLORS.get(group), label=LABELS.get(group, group))
        mark_events(ax, years=d["year"])
        reporter = d["reporter"].iloc[0]
        side = d["side"].iloc[0] if "side" in d else ""
        what = {"total": "total trade", "export": "exports", "import": "imports"}[flow]
        ax.set_title(title or f"Partner shares of {reporter}'s {what}")
        ax.set_ylabel(f"% of {what} ({side} figures)")
        ax.set_xlabel("")
        ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8.5)
        _footer(fig, source, vintage)
    return fig


def save(fig, path, formats=("png",)):
    """Write ``fig`` as ``path`` with each suffix in ``formats``; returns the paths written."""
    from pathlib import Path

    base = Path(path).with_suffix("")
    out = []
    for fmt in formats:
        p = base.with_suffix(f".{fmt}")
        meta = {"Software": None} if fmt == "png" else ({"Date": None} if fmt in ("svg", "pdf") else {})
        fig.savefig(p, format=fmt, metadata=meta, bbox_inches="tight")
        out.append(p)
    plt.close(fig)
    return out


def mirror_gap(gaps: pd.DataFrame, *, ax=None, title: str | None = None,
               source: str = "kzecon from WITS/UN Comtrade (KAZ-reported), penppml/UN Comtrade (partner-reported)",
               vintage: str | None = None):
    """Kazakhstan-reported vs partner-reported (mirror) trade by year and partner.

    Takes the stacked output of :func:`kzecon.measures.reported_vs_mirror` for one or more partners.
    """
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        for (partner, flow), g in gaps.groupby(["partner", "flow"]):
            color = COLORS.get({"CHN": "china", "RUS": "russia"}.get(partner, "rest"))
            what = "KAZ exports to" if flow == "export" else "KAZ imports from"
            ax.plot(g["year"], g["reported_usd"] / 1e9, marker="o", color=color, lw=1.6,
                    label=f"{what} {partner}: KAZ-reported")
            ax.plot(g["year"], g["mirror_usd"] / 1e9, marker="s", color=color, lw=1.6, ls="--",
                    label=f"{what} {partner}: {partner}-reported (mirror)")
        ax.set_title(title or "Which side reports matters: Kazakhstan's vs partners' figures")
        ax.set_ylabel("billion current US$")
        ax.legend(fontsize=7.5, loc="upper left")
        _footer(fig, source, vintage)
    return fig


def alignment_series(series: pd.DataFrame, *, ax=None, title: str | None = None,
                     source: str = "kzecon from Voeten, Strezhnev & Bailey UNGA votes (unvotes 2021 release)",
                     vintage: str | None = None):
    """Agreement of a country with two powers by year (output of :func:`kzecon.alignment.alignment_series`)."""
    # <measure>_<ISO3> columns; n_<ISO3> are counts
    measure_cols = [c for c in series.columns if not c.startswith("n_") and c.rsplit("_", 1)[-1].isupper()]
    if len(measure_cols) != 2:
        raise ValueError("expected the output of kzecon.alignment.alignment_series")
    palette = {"CHN": COLORS["china"], "RUS": COLORS["russia"]}
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        for col in measure_cols:
            power = col.rsplit("_", 1)[-1]
            ax.plot(series["year"], series[col], marker="o", ms=2.5, lw=1.8, color=palette.get(power),
                    label=f"with {power}")
        mark_events(ax, years=series["year"])
        measure = measure_cols[0].rsplit("_", 1)[0].replace("_", " ")
        who = series.attrs.get("country", "")
        ax.set_title(title or f"{who + chr(39) + 's ' if who else ''}UN General Assembly vote {measure}")
        ax.set_ylabel(f"{measure} (abstention = half agreement)" if measure == "agreement" else measure)
        ax.legend(ncol=2, loc="lower left", fontsize=8.5)
        _footer(fig, source, vintage)
    return fig


SECTOR_COLORS = {"fuels": "#2c3e50", "metals": "#b9770e", "chemicals": "#8e44ad", "agriculture": "#27ae60",
                 "machinery": "#2980b9", "vehicles": "#16a085", "textiles": "#e67e22",
                 "plastics_rubber": "#c0392b", "wood_paper": "#7f8c8d", "stone_ceramics": "#bdc3c7",
                 "other": "#d5d8dc"}


def sector_composition(comp: pd.DataFrame, *, flow: str = "export", partner: str = "China", ax=None,
                       title: str | None = None,
                       source: str = "kzecon from WITS/UN Comtrade (Kazakhstan-reported), levels halved as documented",
                       vintage: str | None = None):
    """Stacked area of a flow by sector (billion USD) with the fuels+metals share on a second axis.

    Takes the output of :func:`kzecon.products.composition`; flagged years are shaded and labelled.
    """
    d = comp[comp["flow"] == flow]
    if d.empty:
        raise ValueError(f"no {flow} rows in the composition")
    wide = d.pivot_table(index="year", columns="sector", values="value_usd", aggfunc="sum").fillna(0) / 1e9
    order = [s for s in SECTOR_COLORS if s in wide.columns] + [s for s in wide.columns if s not in SECTOR_COLORS]
    wide = wide[order]
    fm = d[d["sector"].isin(["fuels", "metals"])].groupby("year")["share"].sum()
    flagged = sorted(d.loc[d["flag"].fillna("") != "", "year"].unique())
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        ax.stackplot(wide.index, wide.T.to_numpy(), labels=[s.replace("_", " ") for s in order],
                     colors=[SECTOR_COLORS.get(s, "#cccccc") for s in order], alpha=0.9)
        for y in flagged:
            ax.axvspan(y - 0.5, y + 0.5, color="#f5b7b1", alpha=0.35, zorder=0, lw=0)
        if flagged:
            ax.text(np.mean(flagged), 0.98, "copper not reported\nto China (flagged)",
                    transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=7.5, color="#922b21")
        what = "exports to" if flow == "export" else "imports from"
        ax.set_title(title or f"Kazakhstan's {what} {partner} by sector")
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
        ax.legend(h1 + h2, l1 + l2, ncol=1, loc="upper left", bbox_to_anchor=(1.1, 1.0), fontsize=8)
        _footer(fig, source, vintage)
    return fig


def share_breaks(series: pd.DataFrame, breaks: pd.DataFrame, forecast: pd.DataFrame | None = None, *, ax=None,
                 title: str | None = None, source: str = "kzecon", vintage: str | None = None, level: int = 90):
    """A share with its Bai–Perron regimes (mean of each regime, break-date intervals shaded) and a forecast fan.

    ``series``: year, share[, logit_share]; ``breaks``: year, lower, upper (first year of each new regime);
    ``forecast``: year, mean, lower_<level>, upper_<level> on the share scale.
    """
    with plt.rc_context(STYLE):
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
        for _, r in breaks.iterrows():
            ax.axvspan(r["lower"] - 0.5, r["upper"] - 0.5, color="#aab7b8", alpha=0.35, lw=0)
            ax.axvline(r["year"] - 0.5, color="#333333", lw=0.8, ls=":")
        if forecast is not None and len(forecast):
            lo, hi = forecast[f"lower_{level}"], forecast[f"upper_{level}"]
            ax.fill_between(forecast["year"], 100 * lo, 100 * hi, color=COLORS["china"], alpha=0.18, lw=0,
                            label=f"{level}% forecast interval")
            ax.plot(forecast["year"], 100 * forecast["mean"], color=COLORS["china"], ls="--", lw=1.5,
                    label="forecast mean")
        mark_events(ax, years=years)
        ax.set_title(title or "Share with structural breaks and forecast")
        ax.set_ylabel("% (shaded: 95% break-date intervals)")
        ax.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8.5)
        _footer(fig, source, vintage)
    return fig


def composition_fan(history: pd.DataFrame, forecast: pd.DataFrame, *, ax=None, title: str | None = None,
                    source: str = "kzecon", vintage: str | None = None, level: int = 90,
                    parts: tuple = ("china", "russia", "eu")):
    """Fan chart of a composition forecast: history (year, partner, share) and forecast
    (year, partner, mean, lower_<level>, upper_<level>) for the listed parts."""
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        for part in parts:
            h = history[history["partner"] == part]
            f = forecast[forecast["partner"] == part]
            if h.empty or f.empty:
                continue
            col = COLORS.get(part, "#555555")
            ax.plot(h["year"], 100 * h["share"], color=col, lw=1.8, label=LABELS.get(part, part))
            ax.fill_between(f["year"], 100 * f[f"lower_{level}"], 100 * f[f"upper_{level}"], color=col, alpha=0.18,
                            lw=0)
            ax.plot(f["year"], 100 * f["mean"], color=col, lw=1.5, ls="--")
        mark_events(ax, years=history["year"])
        ax.set_title(title or "Partner shares: history and forecast")
        ax.set_ylabel(f"% of total trade (dashed: forecast mean, band: {level}%)")
        ax.legend(ncol=len(parts), loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8.5)
        _footer(fig, source, vintage)
    return fig


def risk_probabilities(risk: pd.DataFrame, *, ax=None, title: str | None = None, source: str = "kzecon",
                       vintage: str | None = None, cumulative: bool = False):
    """Probability of each risk event by forecast year (output of ``CompositionForecast.risk``)."""
    col = "probability_by_year" if cumulative else "probability"
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        for ev, g in risk.groupby("event", sort=False):
            ax.plot(g["year"], 100 * g[col], marker="o", ms=3, lw=1.8, label=ev.replace("_", " "))
        ax.set_ylim(0, 100)
        ax.set_title(title or ("Probability the event has happened by each year" if cumulative
                               else "Probability of each event, by year"))
        ax.set_ylabel("probability (%)")
        ax.legend(ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8.5)
        _footer(fig, source, vintage)
    return fig


def reliability(rel: pd.DataFrame, *, ax=None, title: str | None = None, source: str = "kzecon backtest",
                vintage: str | None = None):
    """Reliability diagram: predicted probability vs observed frequency by model (backtest ``reliability``)."""
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        ax.plot([0, 1], [0, 1], color="#888888", lw=1, ls="--", label="perfect calibration")
        for model, g in rel.groupby("model", sort=False):
            ax.plot(g["predicted"], g["observed"], marker="o", lw=1.5, label=model)
            for _, r in g.iterrows():
                ax.annotate(str(int(r["n"])), (r["predicted"], r["observed"]), fontsize=6.5, color="#555555",
                            xytext=(3, 3), textcoords="offset points")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("forecast probability (bin mean)")
        ax.set_ylabel("observed frequency")
        ax.set_title(title or "Reliability of event probabilities (numbers: forecasts per bin)")
        ax.legend(fontsize=8, loc="upper left")
        _footer(fig, source, vintage)
    return fig


def coverage(cov: pd.DataFrame, *, nominal: float = 0.9, ax=None, title: str | None = None,
             source: str = "kzecon backtest", vintage: str | None = None):
    """Empirical coverage of the nominal interval by horizon and model, with Wilson intervals."""
    d = cov[np.isclose(cov["nominal"], nominal)]
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        models = list(dict.fromkeys(d["model"]))
        width = 0.8 / max(len(models), 1)
        for i, (m, g) in enumerate(d.groupby("model", sort=False)):
            x = g["horizon"].to_numpy() + (i - (len(models) - 1) / 2) * width
            yerr = np.clip([100 * (g["empirical"] - g["lower"]), 100 * (g["upper"] - g["empirical"])], 0, None)
            ax.errorbar(x, 100 * g["empirical"], yerr=yerr,
                        fmt="o", ms=4, capsize=2, label=m)
        ax.axhline(100 * nominal, color="#333333", lw=1, ls="--")
        ax.set_xlabel("horizon (years)")
        ax.set_ylabel(f"empirical coverage of the {round(100 * nominal)}% interval (%)")
        ax.set_title(title or "Interval coverage in the rolling-origin backtest")
        ax.legend(ncol=len(models), loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8)
        _footer(fig, source, vintage)
    return fig


def coefficients(table: pd.DataFrame, *, terms=None, labels: dict | None = None, ax=None, title: str | None = None,
                 source: str = "kzecon", vintage: str | None = None, xlabel: str = "estimate (95% interval)",
                 by: str = "model"):
    """Coefficient plot from tidy results (``to_frame()`` rows: term, estimate, conf_low, conf_high[, model])."""
    d = table if terms is None else table[table["term"].isin(terms)]
    if d.empty:
        raise ValueError("no coefficients to plot")
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        groups = list(dict.fromkeys(d[by])) if by in d else [None]
        terms_order = list(dict.fromkeys(d["term"]))
        step = 0.7 / max(len(groups), 1)
        for gi, g in enumerate(groups):
            sub = d[d[by] == g] if g is not None else d
            y = np.array([terms_order.index(t) for t in sub["term"]]) + (gi - (len(groups) - 1) / 2) * step
            xerr = [sub["estimate"] - sub["conf_low"], sub["conf_high"] - sub["estimate"]]
            ax.errorbar(sub["estimate"], y, xerr=xerr, fmt="o", ms=4, capsize=2, label=g)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_yticks(range(len(terms_order)))
        ax.set_yticklabels([(labels or {}).get(t, t) for t in terms_order])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.set_title(title or "Estimates")
        if len(groups) > 1:
            ax.legend(fontsize=8, loc="best")
        _footer(fig, source, vintage)
    return fig


def event_study(table: pd.DataFrame, *, ax=None, title: str | None = None, source: str = "kzecon",
                vintage: str | None = None, ylabel: str = "effect (log points)", reference: float | None = None):
    """Event-study plot: columns event_time, estimate, conf_low, conf_high[, model]."""
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        models = list(dict.fromkeys(table["model"])) if "model" in table else [None]
        for i, m in enumerate(models):
            d = table[table["model"] == m] if m is not None else table
            x = d["event_time"].to_numpy() + (i - (len(models) - 1) / 2) * 0.15
            ax.errorbar(x, d["estimate"], yerr=[d["estimate"] - d["conf_low"], d["conf_high"] - d["estimate"]],
                        fmt="o-", ms=4, capsize=2, lw=1.2, label=m)
        ax.axhline(0, color="#333333", lw=0.8)
        if reference is not None:
            ax.axvline(reference, color="#888888", lw=0.8, ls="--")
        ax.set_xlabel("years relative to the policy")
        ax.set_ylabel(ylabel)
        ax.set_title(title or "Event study")
        if len(models) > 1:
            ax.legend(fontsize=8)
        _footer(fig, source, vintage)
    return fig


def ge_bars(table: pd.DataFrame, column: str = "real_gdp_pct", *, top: int = 15, ax=None, title: str | None = None,
            source: str = "kzecon", vintage: str | None = None):
    """Bar chart of a GE counterfactual's country changes (largest |change| first)."""
    d = table.reindex(table[column].abs().sort_values(ascending=False).index).head(top)
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        ax.barh(d["country"], d[column], color=np.where(d[column] >= 0, "#16a085", "#c0392b"))
        ax.invert_yaxis()
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlabel(column.replace("_pct", " (% change)").replace("_", " "))
        ax.set_title(title or "General-equilibrium effects")
        _footer(fig, source, vintage)
    return fig


def balance_concentration(balance: pd.DataFrame, hhi: pd.DataFrame, *, flow: str = "total", ax=None,
                          title: str | None = None, source: str = "kzecon", vintage: str | None = None):
    """Multi-vector balance index and normalised partner HHI over time (measures outputs)."""
    b = balance[balance["flow"] == flow]
    h = hhi[hhi["flow"] == flow]
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        ax.plot(b["year"], b["balance"], color="#16a085", lw=1.8, marker="o", ms=2.5,
                label="multi-vector balance (1 = even across China, Russia, EU, rest)")
        ax.plot(h["year"], h["hhi_norm"], color="#8e44ad", lw=1.8, marker="o", ms=2.5,
                label="partner concentration (normalised HHI)")
        mark_events(ax, years=b["year"])
        ax.set_ylim(0, 1)
        ax.set_title(title or "Balance and concentration of Kazakhstan's trade")
        ax.set_ylabel("index (0–1)")
        ax.legend(loc="center right", fontsize=8.5, ncol=1)
        _footer(fig, source, vintage)
    return fig


def tilt(tilt_frame: pd.DataFrame, *, ax=None, title: str | None = None, source: str = "kzecon",
         vintage: str | None = None):
    """China–Russia tilt (China's share minus Russia's, percentage points) by flow (``china_russia_tilt`` output)."""
    styles = {"total": ("#333333", "-"), "export": ("#c0392b", "--"), "import": ("#2c3e80", ":")}
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        for flow, g in tilt_frame.groupby("flow", sort=False):
            col, ls = styles.get(flow, ("#777777", "-"))
            ax.plot(g["year"], 100 * g["difference"], color=col, ls=ls, lw=1.8, label={"total": "total trade",
                    "export": "exports", "import": "imports"}.get(flow, flow))
        ax.axhline(0, color="#333333", lw=0.8)
        mark_events(ax, years=tilt_frame["year"])
        ax.set_title(title or "China–Russia tilt of Kazakhstan's trade")
        ax.set_ylabel("China's share minus Russia's (pp)")
        ax.legend(ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8.5)
        _footer(fig, source, vintage)
    return fig


def placebo_distribution(placebo: pd.DataFrame, estimate: float, *, p_value: float | None = None, ax=None,
                         title: str | None = None, source: str = "kzecon", vintage: str | None = None,
                         label: str = "estimate"):
    """Histogram of randomization-inference placebo estimates (column placebo_estimate) with the actual one."""
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        ax.hist(placebo["placebo_estimate"], bins=30, color="#95a5a6", edgecolor="white")
        ax.axvline(estimate, color="#c0392b", lw=2)
        text = f"{label} {estimate:.3f}" + (f"\nrandomization p = {p_value:.3f}" if p_value is not None else "")
        ax.annotate(text, xy=(0.98, 0.95), xycoords="axes fraction", ha="right", va="top", fontsize=9,
                    color="#c0392b")
        ax.set_xlabel("placebo estimates (log points)")
        ax.set_ylabel("placebo draws")
        ax.set_title(title or "Randomization inference")
        _footer(fig, source, vintage)
    return fig


def reliability_world(rel: pd.DataFrame, *, models=("world_cal", "world", "rw", "statsforecast_ets"), ax=None,
                      title: str | None = None, source: str = "kzecon world backtest (IMF DOTS compositions)",
                      vintage: str | None = None):
    """Reliability diagram of event probabilities across many economies: observed frequency against forecast
    probability per bin, one line per model (columns model, forecast, observed, n)."""
    names = {"world_cal": "global model, recalibrated", "world": "global model", "rw": "random walk",
             "statsforecast_ets": "statsforecast AutoETS", "drift": "random walk with drift",
             "mean5": "mean of 5 years"}
    with plt.rc_context(STYLE):
        fig, ax = _new(ax)
        ax.plot([0, 1], [0, 1], color="#888888", lw=0.8, ls="--", label="perfect calibration")
        for m in models:
            d = rel[rel["model"] == m]
            if len(d):
                ax.plot(d["forecast"], d["observed"], "o-", ms=3, lw=1.3, label=names.get(m, m))
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("forecast probability")
        ax.set_ylabel("observed frequency")
        ax.set_title(title or "Reliability of event probabilities, held-out economies")
        ax.legend(fontsize=8, loc="upper left")
        n = int(rel[rel["model"] == models[0]]["n"].sum()) if len(rel) else 0
        _footer(fig, f"{source}; {n:,} events per model", vintage)
    return fig
