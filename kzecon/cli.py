"""``kzecon`` command line: parse, call the public API, print, exit code.

Errors a user can cause print one line on stderr and exit non-zero (codes in docs/errors.md);
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

import kzecon
from kzecon.errors import DataError, DataFileError, KzeconError

TRADE_SOURCE = "COW v4 (1994), WITS/UN Comtrade (1995–2019), BNS 312101 (2020–25)"
EXIT_USAGE = 64
EXIT_INTERNAL = 70


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, usage exit code
        print(f"kzecon: error: {message} (see 'kzecon --help')", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _load_user_trade(path: str):
    df = kzecon.data.read_any(path)
    if df.attrs.get("format") not in ("trade", "imf", "comtrade", "stata"):
        raise DataError(f"{path}: expected bilateral trade data (reporter, partner, year, flow, value_usd "
                        f"or an IMF/Comtrade file), found a {df.attrs.get('format')} file")
    return kzecon.data.validate_trade(df)


def cmd_data_list(args) -> int:
    for name in kzecon.data.list_datasets():
        info = kzecon.data.describe(name)
        print(f"{name:26s} {info.rows:>9,d} rows  {info.title}")
    return 0


def cmd_data_describe(args) -> int:
    print(kzecon.data.describe(args.name))
    return 0


def cmd_data_update(args) -> int:
    from kzecon.data import update

    countries = [c.strip().upper() for c in args.countries.split(",") if c.strip()]
    if args.source == "imf":
        path, n, note = update.update_imf(countries=countries, start=args.start, end=args.end,
                                          out_dir=Path(args.dir) if args.dir else None)
    else:
        partners = [c.strip().upper() for c in args.partners.split(",") if c.strip()]
        path, n, note = update.update_comtrade(countries=countries, start=args.start, end=args.end,
                                               out_dir=Path(args.dir) if args.dir else None, hs2=args.hs2,
                                               partners=partners)
    print(f"{n} rows written to {path}")
    print(note)
    return 0


def cmd_measures(args) -> int:
    from kzecon import measures
    from kzecon.report import figures

    flow = {"exports": "export", "imports": "import", "total": "total"}[args.flow]
    if args.data:
        trade = _load_user_trade(args.data)
        vintage = f"user file {args.data}"
        reporter = args.reporter or (trade["reporter"].mode().iloc[0])
    else:
        trade = kzecon.data.load_trade("spliced", russia_2010=args.russia_2010)
        vintage = "; ".join(trade.attrs.get("vintage", []))
        reporter = args.reporter or "KAZ"
    shares = measures.partner_shares(trade, reporter=reporter, flow="all", side=args.side)
    tilt = measures.china_russia_tilt(shares)
    bal = measures.balance_index(shares)
    hhi = measures.concentration(trade, reporter=reporter, flow="all", side=args.side)
    wide = shares[shares["flow"] == flow].pivot_table(index="year", columns="group", values="share")
    wide = wide.join(tilt[tilt["flow"] == flow].set_index("year")[["difference"]].rename(
        columns={"difference": "tilt_chn_rus"}))
    wide = wide.join(bal[bal["flow"] == flow].set_index("year")[["balance"]])
    wide = wide.join(hhi[hhi["flow"] == flow].set_index("year")[["hhi_norm"]])
    print(f"Partner shares of {reporter}'s {args.flow} ({shares['side'].iloc[0]} figures); {vintage}")
    print(wide.round(3).to_string())
    if args.out:
        out = _out_dir(args.out)
        shares.to_csv(out / "shares.csv", index=False, lineterminator="\n")
        tilt.to_csv(out / "tilt.csv", index=False, lineterminator="\n")
        bal.to_csv(out / "balance.csv", index=False, lineterminator="\n")
        hhi.to_csv(out / "concentration.csv", index=False, lineterminator="\n")
        fig = figures.share_paths(shares, flow=flow, vintage=vintage if not args.data else None,
                                  source="kzecon" if args.data else "kzecon from " + TRADE_SOURCE)
        written = figures.save(fig, out / f"shares_{flow}.png")
        print(f"wrote {out/'shares.csv'}, tilt.csv, balance.csv, concentration.csv, {written[0].name}")
    return 0


def _out_dir(path: str) -> Path:
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _csv(df, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n")


def cmd_alignment(args) -> int:
    from kzecon import alignment
    from kzecon.report import figures

    triad = [c.strip().upper() for c in args.triad.split(",") if c.strip()]
    div = alignment.divergent_votes(triad, start=args.start, end=args.end, strict=args.strict,
                                    duplicates=args.duplicates)
    c, p1, p2 = div.attrs["triad"]
    s, e = div.attrs["period"]
    summary = alignment.divergence_summary(div)
    kind = "strict opposition (yes vs no)" if args.strict else "different votes"
    print(f"{p1}–{p2} {kind} in UNGA roll calls {s}–{e}: {len(div)}; {c} sided with:")
    print(summary.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    removed = div.attrs["duplicates"]
    if len(removed):
        print(f"({len(removed)} repeated resolution records set aside: same symbol and date as a lower rcid; "
              f"--duplicates keep counts them)")
    if args.out:
        out = _out_dir(args.out)
        _csv(div, out / "divergent_votes.csv")
        _csv(summary, out / "summary.csv")
        _csv(alignment.divergence_summary(div, by="issue"), out / "summary_by_issue.csv")
        _csv(removed, out / "duplicates_set_aside.csv")
        series = alignment.alignment_series(c, (p1, p2), start=s, end=e, abstain=args.abstain,
                                            duplicates=args.duplicates)
        _csv(series, out / "agreement_by_year.csv")
        written = figures.save(figures.alignment_series(series), out / "agreement_by_year.png")
        print(f"wrote {out/'divergent_votes.csv'}, summary.csv, summary_by_issue.csv, agreement_by_year.csv, "
              f"duplicates_set_aside.csv, {written[0].name}")
    return 0


def cmd_products(args) -> int:
    from kzecon import products
    from kzecon.report import figures

    comp = products.composition()
    fm = products.fuels_metals_share(comp)
    print("Fuels + metals share of Kazakhstan's exports to China (Kazakhstan-reported; * = copper not reported):")
    for _, r in fm.iterrows():
        print(f"  {int(r['year'])}: {100 * r['share']:.2f}%{' *' if r['flag'] else ''}")
    fits = [products.brent_exposure(o) for o in products.OUTCOMES]
    est = pd.concat([f.to_frame(level=0.90) for f in fits], ignore_index=True)
    scen = pd.concat([products.brent_scenarios(f, args.brent) for f in fits], ignore_index=True)
    el = est[est["term"] == "log_brent"]
    for _, r in el.iterrows():
        print(f"Brent elasticity, {r['model'].removeprefix('brent_')}: {r['estimate']:.2f} "
              f"(90% CI {r['conf_low']:.2f} to {r['conf_high']:.2f}, n={r['nobs']})")
    if args.out:
        out = _out_dir(args.out)
        _csv(comp, out / "composition.csv")
        _csv(fm, out / "fuels_metals.csv")
        _csv(est, out / "brent_elasticities.csv")
        _csv(scen, out / "brent_scenarios.csv")
        written = figures.save(figures.sector_composition(comp), out / "composition_exports.png")
        print(f"wrote {out/'composition.csv'}, fuels_metals.csv, brent_elasticities.csv, brent_scenarios.csv, "
              f"{written[0].name}")
    return 0


def _china_share(flow: str = "total") -> tuple[pd.DataFrame, str]:
    """The bundled default series: China's share of Kazakhstan's trade (spliced, 2010 interpolated)."""
    from kzecon import measures

    trade = kzecon.data.load_trade("spliced", russia_2010="interpolate")
    sh = measures.partner_shares(trade, flow=flow)
    ch = sh[sh["group"] == "china"][["year", "share"]]
    return ch, f"China's share of Kazakhstan's {flow} trade ({sh['side'].iloc[0]} figures, spliced)"


def cmd_timeseries(args) -> int:
    from kzecon import timeseries
    from kzecon.report import figures

    if args.data:
        df = kzecon.data.read_any(args.data)
        if df.attrs.get("format") != "shares":
            raise DataError(f"{args.data}: expected a CSV with columns year, share; "
                            f"found a {df.attrs.get('format')} file")
        label = f"share in {args.data}"
    else:
        df, label = _china_share()
    out_tabs = timeseries.share_battery(df, horizon=args.horizon, interventions=args.interventions)
    tests, breaks, fc = out_tabs["tests"], out_tabs["breaks"], out_tabs["forecast"]
    print(f"{label}: {out_tabs['nobs']} years; model {out_tabs['arima'].model}")
    print(tests[["test", "regression", "statistic", "p_value", "decision"]].to_string(
        index=False, float_format=lambda x: f"{x:.4g}"))
    if len(breaks):
        print("Bai–Perron breaks (BIC), first year of each new regime [95% interval]: " + ", ".join(
            f"{int(r['year'])} [{r['lower']:.0f}–{r['upper']:.0f}]" for _, r in breaks.iterrows()))
    print(fc.round(4).to_string(index=False))
    if args.out:
        out = _out_dir(args.out)
        _csv(tests, out / "tests.csv")
        _csv(breaks, out / "breaks.csv")
        _csv(fc, out / "forecast.csv")
        _csv(out_tabs["criteria"], out / "break_criteria.csv")
        _csv(out_tabs["arima"].to_frame(), out / "arima_params.csv")
        fig = figures.share_breaks(out_tabs["series"], breaks, fc, title=label,
                                   source=f"kzecon; {'user file ' + args.data if args.data else TRADE_SOURCE}")
        written = figures.save(fig, out / "share_breaks.png")
        print(f"wrote {out/'tests.csv'}, breaks.csv, forecast.csv, break_criteria.csv, arima_params.csv, "
              f"{written[0].name}")
    return 0


def _composition_input(path: str | None):
    from kzecon import forecast

    if path is None:
        comp = forecast.kazakhstan_composition()
        return comp, f"Kazakhstan's total trade by partner group ({comp.attrs['side']} figures, spliced)"
    df = kzecon.data.read_any(path)
    from kzecon.data.validate import require_columns

    require_columns(df, ["year", "partner", "share"], path)
    return df, f"composition in {path}"


def cmd_forecast(args) -> int:
    from kzecon import forecast
    from kzecon.report import figures

    comp, label = _composition_input(args.data)
    events = pd.read_csv(args.events, comment="#") if args.events else None
    model = args.model
    if args.scenario:
        scen = kzecon.data.read_any(args.scenario)
        fc = forecast.simulate_scenario(comp, scen, horizon=args.horizon, n_paths=args.paths, seed=args.seed)
    else:
        if model == "auto":
            model, _ = forecast.choose_model(comp, horizon=min(args.horizon, 5), seed=args.seed)
            print(f"model chosen by backtest CRPS: {model}")
        fc = forecast.simulate(comp, model=model, horizon=args.horizon, n_paths=args.paths, seed=args.seed)
    summ = fc.summary(levels=(0.8, 0.9))
    risk = fc.risk(events)
    print(f"{label}: {fc.model} forecast from {fc.origin}, {fc.n_paths} paths, seed {fc.seed}")
    print(summ[["year", "partner", "mean", "lower_90", "upper_90"]].round(3).to_string(index=False))
    print(risk.round(3).to_string(index=False))
    if args.out:
        out = _out_dir(args.out)
        _csv(summ[["year", "partner", "mean", "lower_90", "upper_90", "median", "lower_80", "upper_80"]],
             out / "paths_summary.csv")
        _csv(risk, out / "risk.csv")
        ev = forecast.validate_events(forecast.load_events() if events is None else events, list(fc.parts))
        _csv(pd.concat([fc.first_year(e, events).assign(event=e) for e in ev["event"]], ignore_index=True)[
            ["event", "year", "probability"]], out / "first_year.csv")
        figures.save(figures.composition_fan(comp, summ, source="kzecon; " + label,
                                             parts=tuple(p for p in fc.parts if p != "rest")[:4]),
                     out / "fan_chart.png")
        figures.save(figures.risk_probabilities(risk, source="kzecon; " + label), out / "risk.png")
        print(f"wrote {out/'paths_summary.csv'}, risk.csv, first_year.csv, fan_chart.png, risk.png")
    return 0


def cmd_backtest(args) -> int:
    from kzecon import forecast
    from kzecon.report import figures

    comp, label = _composition_input(args.data)
    models = [m.strip() for m in args.models.split(",")] if args.models else list(forecast.backtest.DEFAULT_MODELS)
    res = forecast.backtest.run(comp, models=models, start=args.start, horizon=args.horizon, n_paths=args.paths,
                                seed=args.seed, progress=None if args.quiet else forecast.backtest.text_progress)
    print(f"{label}: rolling origins {args.start}–, horizons 1–{args.horizon}")
    print(res["coverage"].round(3).to_string(index=False))
    print(res["accuracy"].round(4).to_string(index=False))
    if args.out:
        out = _out_dir(args.out)
        _csv(res["coverage"], out / "coverage.csv")
        _csv(res["accuracy"], out / "accuracy.csv")
        _csv(res["brier"], out / "brier.csv")
        _csv(res["reliability"], out / "reliability.csv")
        _csv(res["records"], out / "records.csv")
        figures.save(figures.reliability(res["reliability"]), out / "reliability.png")
        figures.save(figures.coverage(res["coverage"]), out / "coverage.png")
        print(f"wrote {out/'coverage.csv'}, accuracy.csv, brier.csv, reliability.csv, records.csv, "
              "reliability.png, coverage.png")
    return 0


def cmd_gravity(args) -> int:
    from kzecon import gravity
    from kzecon.report import figures

    if args.replicate:
        res = gravity.replicate.yotov2016()
        label = "Yotov et al. (2016) chapter 1, Tables 1 and 3, on the bundled Advanced Guide panel"
    else:
        panel = kzecon.data.read_gravity_csv(args.data) if args.data else None
        res = gravity.kazakhstan.policy_models(panel)
        label = "Kazakhstan policy gravity on " + (args.data or "the bundled all-pairs panel (penppml, 1964–2016)")
    est = gravity.replicate.estimates_table(res)
    print(label)
    print(est[["model", "term", "estimate", "std_error", "nobs", "n_dropped"]].to_string(
        index=False, float_format=lambda x: f"{x:.4f}"))
    if args.out:
        out = _out_dir(args.out)
        _csv(est, out / "estimates.csv")
        dropped = pd.concat([r.dropped.assign(model=k) for k, r in res.items() if len(r.dropped)], ignore_index=True)
        _csv(dropped if len(dropped) else pd.DataFrame(columns=["reason", "rows", "model"]), out / "dropped.csv")
        terms = None if args.replicate else gravity.kazakhstan.TERMS
        fig = figures.coefficients(est if terms is None else est[est["model"].str.startswith("ppml")], terms=terms,
                                   title=label.split(" on ")[0], source="kzecon; " + label)
        written = figures.save(fig, out / "estimates.png")
        print(f"wrote {out/'estimates.csv'}, dropped.csv, {written[0].name}")
    return 0


def cmd_panel(args) -> int:
    from kzecon import panel
    from kzecon.report import figures

    pm = panel.analysis.partner_models()
    h = pm.pop("hausman")
    fe_tab = pd.concat([r.to_frame() for r in pm.values()], ignore_index=True)
    print("Kazakhstan's partner × year panel: log trade on partner log GDP")
    print(fe_tab[["model", "term", "estimate", "std_error", "p_value", "nobs"]].round(4).to_string(index=False))
    print(f"{h.test}: chi2 = {h.statistic:.3f}, p = {h.p_value:.3f} ({h.decision})")
    cu = panel.analysis.customs_union(reps=args.reps, seed=args.seed)
    dtab = panel.analysis.did_table(cu)
    print("Customs union (KAZ, BLR from 2010) vs other post-Soviet economies, 1995–2014 (COW v4):")
    print(dtab[["model", "term", "estimate", "std_error", "p_value", "p_wild", "treated_clusters", "clusters"]]
          .round(4).to_string(index=False))
    es = panel.analysis.event_frame(cu)
    pre = cu["es_log_trade_rus"].stats
    print(f"pre-trend test (leads jointly zero): F = {pre['pretrend_F']:.3f}, p = {pre['pretrend_p']:.3f}")
    if args.out:
        out = _out_dir(args.out)
        _csv(fe_tab, out / "partner_models.csv")
        _csv(pd.DataFrame([h.to_dict()]), out / "hausman.csv")
        _csv(dtab, out / "did.csv")
        _csv(es, out / "event_study.csv")
        fig = figures.event_study(es, title="Customs union and trade with Russia (KAZ, BLR vs controls)",
                                  source="kzecon from COW v4 (1995–2014); 95% intervals, clustered by country",
                                  ylabel="log trade with Russia, relative to 2009", reference=-0.5)
        written = figures.save(fig, out / "event_study.png")
        print(f"wrote {out/'did.csv'}, partner_models.csv, hausman.csv, event_study.csv, {written[0].name}")
    return 0


def cmd_brief(args) -> int:
    from kzecon.report import brief

    b = brief.build(args.out, reps=args.reps, paths=args.paths, seed=args.seed, use_cache=not args.no_cache)
    size = sum(p.stat().st_size for p in Path(args.out).rglob("*") if p.is_file() and ".kzecon-cache" not in p.parts)
    print(f"wrote {b.path} ({len(b.findings)} numbers, {size / 1e6:.1f} MB with figures) in {b.seconds:.1f} s"
          + (" (cached results)" if b.cached else ""))
    if args.pdf:
        print(f"wrote {brief.to_pdf(b.path)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kzecon", description="Kazakhstan's trade dependence: data, measures, models.")
    p.add_argument("--version", action="version", version=f"kzecon {kzecon.__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    d = sub.add_parser("data", help="bundled datasets and updates")
    dsub = d.add_subparsers(dest="data_command", metavar="SUBCOMMAND", parser_class=_Parser)
    dsub.required = True
    dsub.add_parser("list", help="one bundled dataset per line").set_defaults(func=cmd_data_list)
    ds = dsub.add_parser("describe", help="source, units and coverage of a dataset")
    ds.add_argument("name")
    ds.set_defaults(func=cmd_data_describe)
    du = dsub.add_parser("update", help="download fresh trade data into the user data folder")
    du.add_argument("--source", choices=["imf", "comtrade"], default="imf")
    du.add_argument("--countries", default="KAZ", help="comma-separated ISO-3 reporters (default KAZ)")
    du.add_argument("--start", type=int, default=2015)
    du.add_argument("--end", type=int, default=None)
    du.add_argument("--dir", default=None, help="user data folder (default $KZECON_DATA_DIR or "
                    "~/.local/share/kzecon)")
    du.add_argument("--hs2", action="store_true", help="(comtrade) every HS 2-digit chapter, for --partners")
    du.add_argument("--partners", default="CHN", help="(comtrade --hs2) comma-separated ISO-3 partners")
    du.set_defaults(func=cmd_data_update)

    m = sub.add_parser("measures", help="partner shares, tilt, balance and concentration")
    m.add_argument("--flow", choices=["total", "exports", "imports"], default="total")
    m.add_argument("--out", default=None, help="folder for CSV tables and the PNG figure")
    m.add_argument("--data", default=None, help="a trade file (canonical CSV, IMF, Comtrade, .dta)")
    m.add_argument("--reporter", default=None, help="ISO-3 reporter (default KAZ)")
    m.add_argument("--side", choices=["reported", "mirror", "mixed"], default=None)
    m.add_argument("--russia-2010", dest="russia_2010", choices=["flag", "interpolate"], default="flag")
    m.set_defaults(func=cmd_measures)

    a = sub.add_parser("alignment", help="UN General Assembly vote alignment and divergent roll calls")
    a.add_argument("--triad", default="KAZ,CHN,RUS", help="C,P1,P2: whom C sides with when P1 and P2 split")
    a.add_argument("--from", dest="start", type=int, default=None, help="first year (default: all)")
    a.add_argument("--to", dest="end", type=int, default=None, help="last year (default: all)")
    a.add_argument("--strict", action="store_true", help="only yes-vs-no splits (default: any difference)")
    a.add_argument("--abstain", choices=["half", "category", "drop"], default="half",
                   help="abstentions in the agreement series (default: half agreement)")
    a.add_argument("--duplicates", choices=["first", "keep"], default="first",
                   help="repeated resolution records: keep the lowest rcid (default) or keep all")
    a.add_argument("--out", default=None, help="folder for CSV tables and the figure")
    a.set_defaults(func=cmd_alignment)

    pr = sub.add_parser("products", help="Kazakhstan–China trade by HS sector and Brent exposure")
    pr.add_argument("--brent", type=float, nargs="+", default=[50.0, 80.0, 110.0],
                    help="Brent prices (USD/bbl) for the scenario table (default 50 80 110)")
    pr.add_argument("--out", default=None, help="folder for CSV tables and the figure")
    pr.set_defaults(func=cmd_products)

    t = sub.add_parser("timeseries", help="unit-root and break tests, Bai–Perron, ARIMA forecast of a share")
    t.add_argument("--data", default=None, help="CSV with columns year, share (default: China's share of "
                   "Kazakhstan's total trade)")
    t.add_argument("--horizon", type=int, default=5, help="forecast horizon in years (default 5)")
    t.add_argument("--interventions", action="store_true", help="step dummies at 2010, 2013, 2015 in the ARIMA")
    t.add_argument("--out", default=None, help="folder for tests.csv, breaks.csv, forecast.csv and a figure")
    t.set_defaults(func=cmd_timeseries)

    f = sub.add_parser("forecast", help="probabilistic composition forecast and risk probabilities")
    f.add_argument("--data", default=None, help="CSV with columns year, partner, share (default: Kazakhstan's "
                   "total trade by china/russia/eu/rest)")
    f.add_argument("--horizon", type=int, default=5, help="years ahead (default 5)")
    f.add_argument("--model", choices=["auto", "var", "drift", "rw", "mean5", "ensemble"], default="auto",
                   help="default: the model with the best backtest CRPS on the data")
    f.add_argument("--scenario", default=None, help="CSV year, brent (USD/bbl): paths conditioned on oil prices")
    f.add_argument("--events", default=None, help="CSV of risk events (event, kind, part_a, part_b, threshold)")
    f.add_argument("--paths", type=int, default=4000, help="simulated paths (default 4000)")
    f.add_argument("--seed", type=int, default=2026)
    f.add_argument("--out", default=None, help="folder for paths_summary.csv, risk.csv and figures")
    f.set_defaults(func=cmd_forecast)

    b = sub.add_parser("backtest", help="rolling-origin backtest: coverage, accuracy, Brier scores")
    b.add_argument("--data", default=None, help="CSV with columns year, partner, share (default: Kazakhstan)")
    b.add_argument("--start", type=int, default=2005, help="first origin year (default 2005)")
    b.add_argument("--horizon", type=int, default=5)
    b.add_argument("--models", default=None, help="comma-separated subset of var,drift,rw,mean5,ensemble")
    b.add_argument("--paths", type=int, default=2000)
    b.add_argument("--seed", type=int, default=2026)
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--out", default=None, help="folder for coverage.csv and the other tables")
    b.set_defaults(func=cmd_backtest)

    g = sub.add_parser("gravity", help="structural gravity by PPML: policy effects, published results reproduced")
    g.add_argument("--replicate", choices=["yotov2016"], default=None,
                   help="reproduce the Advanced Guide's chapter-1 estimates")
    g.add_argument("--data", default=None, help="a gravity CSV (CEPII Gravity, ITPD-E/DGD or canonical columns)")
    g.add_argument("--out", default=None, help="folder for estimates.csv, dropped.csv and a figure")
    g.set_defaults(func=cmd_gravity)

    pa = sub.add_parser("panel", help="panel models and the customs-union DiD with wild cluster bootstrap")
    pa.add_argument("--reps", type=int, default=9999, help="wild bootstrap replications (default 9999)")
    pa.add_argument("--seed", type=int, default=2026)
    pa.add_argument("--out", default=None, help="folder for did.csv, event_study.csv/.png and model tables")
    pa.set_defaults(func=cmd_panel)

    br = sub.add_parser("brief", help="the whole pipeline on the bundled data: an HTML policy brief")
    br.add_argument("--out", required=True, help="folder for index.html, figures/ and findings.json")
    br.add_argument("--reps", type=int, default=9999, help="wild bootstrap replications (default 9999)")
    br.add_argument("--paths", type=int, default=4000, help="forecast paths (default 4000)")
    br.add_argument("--seed", type=int, default=2026)
    br.add_argument("--no-cache", dest="no_cache", action="store_true", help="recompute even if nothing changed")
    br.add_argument("--pdf", action="store_true", help="also print index.pdf with headless Chromium")
    br.set_defaults(func=cmd_brief)
    return p


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    print(f"kzecon: warning: {message}", file=sys.stderr)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            if not args.debug:
                warnings.showwarning = _one_line_warning
            return args.func(args)
    except KzeconError as err:
        if args.debug:
            raise
        print(f"kzecon: {type(err).__name__}: {err}", file=sys.stderr)
        return err.exit_code
    except (OSError, MemoryError) as err:
        if args.debug:
            raise
        print(f"kzecon: {DataFileError.__name__}: {err}", file=sys.stderr)
        return DataFileError.exit_code
    except Exception as err:  # anything else is our bug: still one line, a distinct code
        if args.debug:
            raise
        print(f"kzecon: internal error ({type(err).__name__}: {err}); rerun with --debug and report it",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
