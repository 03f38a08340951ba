"""The one-command policy brief: run the pipeline on the bundled data, write ``index.html`` with its figures.

``build(out_dir)`` runs measures, time-series tests, forecasts with their backtest, product composition, the
customs-union DiD, Kazakhstan's policy gravity (and the Advanced Guide check), and UN vote alignment; writes
figures to ``out_dir/figures/``, tables into the page, and the key findings — every number filled in from the
results and recorded in ``out_dir/findings.json`` — through a jinja2 template. Versions, seeds and the SHA-256
of every dataset used go into the page. A cache in ``out_dir/.kzecon-cache/`` (keyed on kzecon's source files,
the data manifest and the options) makes a second run with unchanged code and data re-render only the page.
Nothing is written outside ``out_dir`` and nothing touches the network.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd

import kzecon
from kzecon.data._store import manifest, read_reference

from . import figures, tables

DATASETS_USED = ("trade_cow", "trade_wits", "trade_bns", "trade_mirror_penppml", "comtrade_kaz_chn_hs2",
                 "products_kaz_chn", "brent_annual", "wdi_gdp", "gravity_penppml", "gravity_agtpa", "un_votes",
                 "un_roll_calls", "un_roll_call_issues")
PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "linearmodels", "pyfixest", "pmdarima", "arch", "matplotlib",
            "jinja2", "scoringrules", "wildboottest")
STEPS = ("measures", "time series", "forecasts", "products", "panel", "gravity", "alignment")


@dataclass(frozen=True)
class Brief:
    path: Path
    seconds: float
    cached: bool
    findings: dict


def _stderr_progress(i: int, n: int, label: str) -> None:
    print(f"[{i}/{n}] {label}", file=sys.stderr, flush=True)


def cache_key(options: dict) -> str:
    """SHA-256 over kzecon's code and templates, the data files the brief reads (each bundled file hashed as it
    is on disk — a file that no longer matches the manifest raises IntegrityError here — and the user's
    downloads in the data folder), the options and the version."""
    from kzecon.data._store import verified_path
    from kzecon.data.updates import user_data_dir

    h = hashlib.sha256()
    root = Path(kzecon.__file__).parent
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".j2", ".css", ".csv") and "bundled" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    for name in DATASETS_USED:
        h.update(name.encode())
        h.update(hashlib.sha256(verified_path(name).read_bytes()).digest())
    udir = user_data_dir()
    if udir.is_dir():
        for p in sorted(udir.glob("*")):
            if p.is_file():
                h.update(p.name.encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())
    h.update(json.dumps(options, sort_keys=True).encode())
    h.update(kzecon.__version__.encode())
    return h.hexdigest()[:20]


CACHE_KEYS = {"tables", "figures", "notes", "findings", "warnings"}


def _read_cache(path: Path, fig_dir: Path) -> dict | None:
    """The cached results (plain JSON: text, tables as HTML strings, numbers) if the file is there, parses and has
    the expected shape and every figure it names is on disk; else None, with a note when a file was there."""
    import warnings

    if not path.exists():
        return None
    try:
        res = json.loads(path.read_text(encoding="utf-8"))
        ok = (isinstance(res, dict) and CACHE_KEYS <= set(res) and isinstance(res["figures"], dict)
              and isinstance(res["findings"], dict) and all(isinstance(v, str) for v in res["tables"].values()))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        ok = False
    if not ok:
        warnings.warn(f"brief cache {path.name} is not a cache this version wrote: ignored, results recomputed",
                      stacklevel=3)
        return None
    if not all((fig_dir / f).exists() for f in res["figures"]):
        return None
    return res


class _Findings:
    """Numbers for the text: each stored with its raw value and the string shown, under a key."""

    def __init__(self):
        self.values: dict[str, dict] = {}

    def add(self, key: str, value, fmt: str = "{:.1f}", scale: float = 1.0) -> str:
        if isinstance(value, (int, np.integer)) and fmt == "{:.1f}":
            fmt = "{:d}"
        v = value * scale if isinstance(value, (float, np.floating, int, np.integer)) and scale != 1 else value
        shown = fmt.format(v.item() if hasattr(v, "item") else v)
        self.values[key] = {"value": float(value) if isinstance(value, (float, np.floating, int, np.integer))
                            else value, "scale": scale, "shown": shown}
        return f'<span class="num" data-key="{key}">{shown}</span>'


def _compute(fig_dir: Path, reps: int, paths: int, seed: int, progress: Callable) -> dict:
    """Run the pipeline; warnings raised on the way are collected and listed in the brief, not swallowed."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = _pipeline(fig_dir, reps, paths, seed, progress)
    seen = []
    for w in caught:
        if issubclass(w.category, (FutureWarning, DeprecationWarning)):
            continue  # library-internal deprecations, not about the data or the models
        msg = f"{w.category.__name__}: {w.message}"
        if msg not in seen:
            seen.append(msg)
    out["warnings"] = seen
    return out


def _pipeline(fig_dir: Path, reps: int, paths: int, seed: int, progress: Callable) -> dict:

    from kzecon import alignment, forecast, gravity, measures, panel, products, timeseries

    F = _Findings()
    out: dict = {"tables": {}, "figures": {}, "notes": {}}
    n = len(STEPS)

    def fig(name, f, caption):
        figures.save(f, fig_dir / name)
        import matplotlib.pyplot as plt

        plt.close(f)
        out["figures"][name] = caption

    # 1 measures --------------------------------------------------------------------------------------------
    progress(1, n, STEPS[0])
    trade = kzecon.data.load_trade("spliced", russia_2010="interpolate")
    vintage = "; ".join(trade.attrs.get("vintage", []))
    shares = measures.partner_shares(trade, flow="all")
    tot = shares[shares["flow"] == "total"].pivot_table(index="year", columns="group", values="share")
    last = int(tot.index.max())
    ahead = tot["china"] > tot["russia"]
    durable = next((int(y) for y in tot.index if ahead.loc[y:].all()), None)
    bal = measures.balance_index(shares)
    hhi = measures.concentration(trade, flow="all")
    everything = kzecon.data.load_trade()  # every source and side, for the reported-vs-mirror comparison
    gaps = measures.reported_vs_mirror(everything, partner="CHN")
    g18 = gaps[(gaps["year"] == 2018) & (gaps["flow"] == "export")].iloc[0]
    out["text_measures"] = (
        f"In {F.add('last_year', last, '{:d}')} China took {F.add('china_share_last', tot.loc[last, 'china'], scale=100)}% "
        f"of Kazakhstan's total trade and Russia {F.add('russia_share_last', tot.loc[last, 'russia'], scale=100)}% "
        f"(Kazakhstan's own figures, spliced series); in 2000 the shares were "
        f"{F.add('china_share_2000', tot.loc[2000, 'china'], scale=100)}% and "
        f"{F.add('russia_share_2000', tot.loc[2000, 'russia'], scale=100)}%. China's share has stayed above Russia's "
        f"every year since {F.add('china_above_since', durable, '{:d}')}. The multi-vector balance index is "
        f"{F.add('balance_last', bal[(bal['flow'] == 'total') & (bal['year'] == last)]['balance'].iloc[0], '{:.2f}')} "
        f"(1 = even across China, Russia, the EU and the rest). Which side reports matters: for 2018 China records "
        f"{F.add('mirror_2018_bn', g18['mirror_usd'] / 1e9, '{:.2f}')} bn USD of imports from Kazakhstan, "
        f"Kazakhstan {F.add('reported_2018_bn', g18['reported_usd'] / 1e9, '{:.2f}')} bn USD of exports to China.")
    src = "kzecon from COW v4 (1994), WITS/UN Comtrade (1995–2019), BNS 312101 (2020–25); Russia 2010 interpolated"
    fig("shares_total.png", figures.share_paths(shares, flow="total", source=src, vintage=vintage),
        "Partner shares of Kazakhstan's total trade, with the 2010, 2013 and 2015 events marked.")
    fig("tilt.png", figures.tilt(measures.china_russia_tilt(shares), source=src, vintage=vintage),
        "China–Russia tilt: China's share minus Russia's, by flow (above zero: tilted toward China).")
    fig("balance.png", figures.balance_concentration(bal, hhi, source=src),
        "Multi-vector balance index and normalised partner concentration (HHI).")
    fig("mirror_gap.png", figures.mirror_gap(pd.concat([gaps, measures.reported_vs_mirror(everything,
                                                                                       partner="RUS")])),
        "Kazakhstan's reported trade with China and Russia against the partners' mirror figures.")

    # 2 time series -----------------------------------------------------------------------------------------
    progress(2, n, STEPS[1])
    ch = shares[(shares["flow"] == "total") & (shares["group"] == "china")][["year", "share"]]
    bat = timeseries.share_battery(ch)
    br = bat["breaks"]
    tt = bat["tests"]
    adf_p = tt[(tt["test"] == "ADF") & (tt["regression"] == "c")]["p_value"].iloc[0]
    kpss_p = tt[(tt["test"] == "KPSS") & (tt["regression"] == "c")]["p_value"].iloc[0]
    out["text_timeseries"] = (
        f"On the logit of China's share, the ADF test does not reject a unit root (p = {F.add('adf_p', adf_p, '{:.2f}')})"
        f" and KPSS rejects stationarity (p = {F.add('kpss_p', kpss_p, '{:.2f}')}); "
        f"Bai–Perron finds {F.add('n_breaks', int(len(br)), '{:d}')} shifts in its level (BIC), the new regimes starting in "
        + ", ".join(f"{F.add(f'break_{i}', int(r['year']), '{:d}')} (95% interval {int(r['lower'])}–{int(r['upper'])})"
                    for i, (_, r) in enumerate(br.iterrows())) + ".")
    fig("share_breaks.png", figures.share_breaks(bat["series"], br, bat["forecast"], source=src,
                                                 title="China's share of Kazakhstan's trade: breaks and forecast"),
        "China's share with its Bai–Perron regimes (shaded: 95% break-date intervals) and the ARIMA forecast.")
    t = bat["tests"]
    out["tables"]["tests"] = t[["test", "regression", "statistic", "p_value", "decision"]].to_html(
        index=False, float_format=lambda x: f"{x:.3f}", classes="data", border=0)

    # 3 forecasts -------------------------------------------------------------------------------------------
    progress(3, n, STEPS[2])
    comp = forecast.kazakhstan_composition()
    bt = forecast.backtest.run(comp, n_paths=1000, seed=seed)
    crps = bt["accuracy"].groupby("model")["crps"].mean().sort_values()
    best = str(crps.index[0])
    fc = forecast.simulate(comp, model=best, horizon=10, n_paths=paths, seed=seed)
    risk = fc.risk()
    cr = risk[risk["event"] == "china_above_russia"].set_index("year")
    summ = fc.summary()
    c5 = summ[(summ["partner"] == "china") & (summ["year"] == last + 5)].iloc[0]
    cov = bt["coverage"]
    cb = cov[(cov["model"] == best) & np.isclose(cov["nominal"], 0.9)].set_index("horizon")
    out["text_forecast"] = (
        f"The model with the best backtest score (mean CRPS, origins 2005–{last - 1}) is "
        f"<em>{best}</em>. It gives China's share a {F.add('p_cr_1', cr.loc[last + 1, 'probability'], '{:.0f}', 100)}% "
        f"chance of exceeding Russia's in {last + 1}, {F.add('p_cr_3', cr.loc[last + 3, 'probability'], '{:.0f}', 100)}% "
        f"in {last + 3}, {F.add('p_cr_5', cr.loc[last + 5, 'probability'], '{:.0f}', 100)}% in {last + 5} and "
        f"{F.add('p_cr_10', cr.loc[last + 10, 'probability'], '{:.0f}', 100)}% in {last + 10}; China's share in "
        f"{last + 5}: {F.add('china_5y', c5['mean'], scale=100)}% (90% interval "
        f"{F.add('china_5y_lo', c5['lower_90'], scale=100)}–{F.add('china_5y_hi', c5['upper_90'], scale=100)}%). "
        f"In the backtest its nominal 90% intervals covered {F.add('cov_h1', cb.loc[1, 'empirical'], '{:.0f}', 100)}% "
        f"of outcomes one year ahead and {F.add('cov_h5', cb.loc[5, 'empirical'], '{:.0f}', 100)}% five years ahead "
        f"(n = {int(cb.loc[1, 'n'])} and {int(cb.loc[5, 'n'])}; with about 30 annual points these coverages are "
        "themselves uncertain: see the table).")
    fig("fan_chart.png", figures.composition_fan(comp, summ, source=f"kzecon, model {best}, seed {seed}"),
        "Composition forecast: history and 90% bands of the simulated closed paths.")
    fig("risk.png", figures.risk_probabilities(risk, source=f"kzecon, model {best}, {paths} paths, seed {seed}"),
        "Probability of each risk event by year.")
    fig("reliability.png", figures.reliability(bt["reliability"]), "Reliability of the event probabilities in "
        "the rolling-origin backtest.")
    fig("coverage.png", figures.coverage(bt["coverage"]), "Empirical coverage of the 90% intervals by horizon "
        "(bars: Wilson 95% intervals).")
    out["tables"]["coverage"] = cov[np.isclose(cov["nominal"], 0.9)].pivot_table(
        index="model", columns="horizon", values="empirical").to_html(float_format=lambda x: f"{x:.2f}",
                                                                      classes="data", border=0)

    # 4 products --------------------------------------------------------------------------------------------
    progress(4, n, STEPS[3])
    pc = products.composition()
    fm = products.fuels_metals_share(pc).set_index("year")
    el = products.brent_exposure("exports_to_china")
    ci = el.conf_int(0.90).loc["log_brent"]
    out["text_products"] = (
        f"Fuels and metals were {F.add('fm_2018', fm.loc[2018, 'share'], '{:.2f}', 100)}% of Kazakhstan's exports to "
        f"China in 2018 and {F.add('fm_2024', fm.loc[2024, 'share'], '{:.1f}', 100)}% in 2024 (2020–22 understate "
        f"metals: copper was not reported). Exports to China move with the oil price: an elasticity of "
        f"{F.add('brent_el', el.params['log_brent'], '{:.2f}')} (90% interval {F.add('brent_el_lo', ci['lower'], '{:.2f}')}"
        f" to {F.add('brent_el_hi', ci['upper'], '{:.2f}')}, 1995–2023, trend-adjusted, HAC errors).")
    fig("products.png", figures.sector_composition(pc), "Kazakhstan's exports to China by sector, with the fuels + "
        "metals share (flagged years shaded).")
    out["tables"]["fuels_metals"] = (fm[["share"]].assign(share=lambda d: (100 * d["share"]).round(2),
                                                          flag=fm["flag"].map(lambda s: "copper missing" if s else ""))
                                     .T.to_html(classes="data", border=0))

    # 5 panel ----------------------------------------------------------------------------------------------
    progress(5, n, STEPS[4])
    cu = panel.analysis.customs_union(reps=reps, seed=seed)
    d = cu["did_log_trade_rus"]
    out["text_panel"] = (
        f"Joining the customs union (Kazakhstan and Belarus, 2010) is not associated with more trade with Russia "
        f"relative to nine other post-Soviet economies and Mongolia: DiD {F.add('did_est', d.params['treat_post'], '{:.3f}')} "
        f"log points, clustered p = {F.add('did_p', d.pvalues['treat_post'], '{:.2f}')}, wild cluster bootstrap "
        f"p = {F.add('did_p_wild', d.stats['p_wild'], '{:.2f}')} with only {d.stats['treated_clusters']} treated of "
        f"{d.stats['clusters']} clusters (COW v4 1995–2014; 2010–11 customs statistics within the union are "
        "incomplete, which the event study shows as a dip).")
    fig("event_study.png", figures.event_study(panel.analysis.event_frame(cu), reference=-0.5,
                                               title="Customs union and trade with Russia",
                                               ylabel="log trade with Russia, relative to 2009",
                                               source="kzecon from COW v4 (1995–2014); 95% intervals"),
        "Event study: two-way FE and the two-stage DiD (Gardner) side by side.")
    out["tables"]["did"] = tables.regression_table(
        {"log trade with Russia": cu["did_log_trade_rus"], "China's share": cu["did_share_chn"]},
        info_rows=("fixed_effects", "covariance"), stats=("p_wild",)).to_html()

    # 6 gravity --------------------------------------------------------------------------------------------
    progress(6, n, STEPS[5])
    kres = gravity.kazakhstan.policy_models()
    kp = kres["ppml_policy"]
    yres = gravity.replicate.yotov2016()
    yest = gravity.replicate.estimates_table(yres)
    pub = read_reference("yotov2016_published.csv")
    m = pub.merge(yest, on=["model", "term"], suffixes=("_published", ""))
    maxdiff = float((m["estimate"] - m["estimate_published"]).abs().max())
    out["text_gravity"] = (
        f"In a PPML gravity model with exporter-year, importer-year and pair fixed effects (all country pairs, every "
        f"4th year 1964–2016), the customs-union term is {F.add('cu_now', kp.params['customs_union'], '{:.2f}')} on "
        f"entry and {F.add('cu_lag', kp.params['customs_union_lag4'], '{:.2f}')} four years later, over and above "
        f"RTAs; the Kazakhstan–China term after the 2013 BRI announcement is "
        f"{F.add('bri', kp.params['bri_kaz_chn'], '{:.2f}')} (s.e. {F.add('bri_se', kp.std_errors['bri_kaz_chn'], '{:.2f}')}). "
        f"The same code reproduces all {F.add('yotov_cells', len(m), '{:d}')} published cells of the Advanced "
        f"Guide's Tables 1 and 3 to within {F.add('yotov_maxdiff', maxdiff, '{:.4f}')} (rounding of the published "
        "three decimals).")
    fig("gravity_policy.png", figures.coefficients(gravity.replicate.estimates_table(kres),
                                                   terms=gravity.kazakhstan.TERMS, title="Policy terms, Kazakhstan gravity",
                                                   source="kzecon; penppml panel; 95% intervals clustered by pair"),
        "Customs union (with lead and lag) and the Kazakhstan–China BRI term: PPML and OLS.")
    beta = yres["ppml_pair_fe"].params["rta"]
    g06 = kzecon.data.load_gravity("agtpa")
    ge = gravity.counterfactual(g06[g06["year"] == 2006].assign(d=lambda x: -beta * x["rta"]), "d", kind="full",
                                reference="DEU")
    fig("ge_no_rta.png", figures.ge_bars(ge.countries, "real_gdp_pct", title="Real GDP without RTAs, 2006 (GE)",
                                         source="kzecon; Advanced Guide panel, σ = 7"),
        "General-equilibrium demonstration on the Advanced Guide panel (Kazakhstan is not in it; the bundled "
        "Kazakhstan panel has no intra-national flows, which GE needs).")
    out["tables"]["gravity"] = tables.regression_table(
        {"PPML": kres["ppml_policy"], "PPML, no lead": kres["ppml_policy_nolead"], "OLS (log)": kres["ols_policy"]},
        info_rows=("fixed_effects", "covariance"), stats=("pseudo_r2", "r2")).to_html()

    # 7 alignment ------------------------------------------------------------------------------------------
    progress(7, n, STEPS[6])
    series = alignment.alignment_series(start=1992, end=2019)
    s1 = alignment.divergent_votes(start=2007, end=2013, strict=True)
    s2 = alignment.divergent_votes(start=2014, end=2019, strict=True)
    c1 = alignment.divergence_summary(s1).set_index("sided_with")["count"]
    c2 = alignment.divergence_summary(s2).set_index("sided_with")["count"]
    a = series[series["year"].between(2014, 2019)]
    out["text_alignment"] = (
        f"In the UN General Assembly, Kazakhstan voted with China {F.add('agree_chn', a['agreement_CHN'].mean(), '{:.0f}', 100)}% "
        f"and with Russia {F.add('agree_rus', a['agreement_RUS'].mean(), '{:.0f}', 100)}% of the time in 2014–2019 "
        f"(abstention = half agreement). Of the {F.add('split_n_1', len(s1), '{:d}')} resolutions of 2007–2013 on which China and "
        f"Russia voted yes against no, Kazakhstan sided with China on {F.add('side_chn_1', int(c1['CHN']), '{:d}')}, with Russia on "
        f"{F.add('side_rus_1', int(c1['RUS']), '{:d}')} and with neither on {F.add('side_neither_1', int(c1['neither'] + c1['absent']), '{:d}')}; "
        f"of the {F.add('split_n_2', len(s2), '{:d}')} of 2014–2019, with China on {F.add('side_chn_2', int(c2['CHN']), '{:d}')} and with Russia on "
        f"{F.add('side_rus_2', int(c2['RUS']), '{:d}')}. Separate votes on a paragraph, an amendment or a procedural motion are "
        f"not counted as resolutions (read from each record's text).")
    fig("alignment.png", figures.alignment_series(series), "UN General Assembly agreement of Kazakhstan with China "
        "and with Russia, by year.")
    out["findings"] = F.values
    return out


def _versions() -> dict:
    v = {"python": platform.python_version(), "kzecon": kzecon.__version__}
    for p in PACKAGES:
        try:
            v[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            v[p] = "not installed"
    return v


def build(out_dir, *, reps: int = 9999, paths: int = 4000, seed: int = 2026, use_cache: bool = True,
          progress: Callable[[int, int, str], None] | None = _stderr_progress) -> Brief:
    """Build the brief into ``out_dir`` (``index.html``, ``figures/*.png``, ``findings.json``)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from .output import Output

    t0 = time.perf_counter()
    final = Path(out_dir)
    options = {"reps": reps, "paths": paths, "seed": seed}
    key = cache_key(options)
    cache_name = f".kzecon-cache/brief-{key}.json"
    res = _read_cache(final / cache_name, final / "figures") if use_cache else None
    cached = res is not None
    # everything is written into a temporary folder and moved into place at the end: an interrupted or failed
    # build leaves the folder as it was
    with Output(final) as out:
        if res is None:
            progress = progress or (lambda *a: None)
            fig_dir = out.tmp / "figures"
            fig_dir.mkdir(parents=True, exist_ok=True)
            res = _compute(fig_dir, reps, paths, seed, progress)
            out.path(cache_name).write_text(json.dumps(res, sort_keys=True), encoding="utf-8")
        man = manifest()
        data_rows = []
        for name in DATASETS_USED:
            info = kzecon.data.describe(name)
            data_rows.append({"name": name, "title": info.title, "source": info.source, "rows": man[name]["rows"],
                              "sha256": man[name]["sha256"]})
        tdir = resources.files("kzecon.report") / "templates"
        env = Environment(loader=FileSystemLoader(str(tdir)), autoescape=select_autoescape(["html", "j2"]))
        html = env.get_template("brief.html.j2").render(
            r=res, datasets=data_rows, versions=_versions(), options=options, cache_key=key,
            built=time.strftime("%Y-%m-%d"), css=(tdir / "brief.css").read_text(encoding="utf-8"))
        out.path("index.html").write_text(html, encoding="utf-8")
        out.path("findings.json").write_text(json.dumps(res["findings"], indent=1, sort_keys=True) + "\n",
                                             encoding="utf-8")
    for old in (final / ".kzecon-cache").glob("brief-*"):
        if old.name != Path(cache_name).name:
            old.unlink()
    return Brief(path=final / "index.html", seconds=time.perf_counter() - t0, cached=cached,
                 findings=res["findings"])


def to_pdf(index_html: Path, pdf: Path | None = None, *, browser: str | None = None) -> Path:
    """Print the brief to PDF with a headless Chromium (Debian's ``chromium``); raises if none is installed."""
    import shutil
    import subprocess

    from kzecon.errors import KzeconError

    exe = browser or shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        raise KzeconError("a PDF needs a headless Chromium (Debian: apt-get install chromium); the HTML brief is "
                          "complete without it")
    pdf = pdf or Path(index_html).with_suffix(".pdf")
    r = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", Path(index_html).resolve().as_uri()],
                       capture_output=True, text=True, timeout=180)
    if r.returncode != 0 or not pdf.exists():
        raise KzeconError(f"Chromium could not print the brief to PDF (exit {r.returncode})")
    return pdf
