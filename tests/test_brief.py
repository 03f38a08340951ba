"""The HTML brief: contract, every referenced file exists, every number equals its result, cache, a real
browser renders it, and it runs with sockets blocked without writing outside its folder."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kzecon
from kzecon import alignment, measures, panel
from kzecon.cli import main
from kzecon.study import brief

REF = Path(__file__).parent / "references"


BLOCKED = r"""
import socket, sys
def _no(*a, **k):
    raise OSError("network access attempted during kzecon brief")
socket.socket.connect = _no
socket.create_connection = _no
socket.getaddrinfo = _no
from kzecon.cli import main
sys.exit(main(["brief", "--out", sys.argv[1], "--reps", "99", "--paths", "500"]))
"""


def _snapshot(root: Path) -> dict:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def offline_build(tmp_path_factory):
    """The one brief build of the suite: in a fresh process with sockets blocked, HOME and the data folder
    redirected, recording what it wrote outside its own folder."""
    tmp = tmp_path_factory.mktemp("brief")
    pkg = Path(kzecon.__file__).parent
    home = tmp / "home"
    home.mkdir()
    before = _snapshot(pkg), _snapshot(home)
    # Python's bytecode and numba's compiled-kernel caches are the interpreter's, not kzecon's: kept elsewhere here
    env = dict(os.environ, HOME=str(home), PYTHONDONTWRITEBYTECODE="1", KZECON_DATA_DIR=str(home / "nodata"),
               MPLCONFIGDIR=str(tmp / "mpl"), NUMBA_CACHE_DIR=str(tmp / "numba"))
    out = tmp / "out"
    r = subprocess.run([sys.executable, "-c", BLOCKED, str(out)], env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return {"out": out, "before": before, "after": (_snapshot(pkg), _snapshot(home)), "home": home}


@pytest.fixture(scope="module")
def brief_dir(offline_build):
    return offline_build["out"]


def test_contract_and_referenced_files(brief_dir):
    html = (brief_dir / "index.html").read_text(encoding="utf-8")
    srcs = re.findall(r'<img src="([^"]+)"', html)
    assert len(srcs) >= 10
    for s in srcs:
        assert not s.startswith(("/", "http")), s  # relative paths only
        assert (brief_dir / s).is_file() and (brief_dir / s).stat().st_size > 10_000, s
    for h in ("The top line", "Customs-union difference-in-differences", "Annual world gravity", "World backtest",
              "Glossary", "One headline forecast"):
        assert h in html, h
    assert (brief_dir / "figures" / "summary.png").stat().st_size > 50_000
    assert (brief_dir / "figures" / "summary.pdf").read_bytes()[:5] == b"%PDF-"
    assert 'class="regtable"' in html and "SHA-256" in html and "pyfixest" in html


def _recorded(brief_dir) -> dict:
    """The numbers of findings.json the text quotes (key → value, scale, shown), without the record's header
    (country, p_china_above_russia_2030)."""
    return {k: v for k, v in json.loads((brief_dir / "findings.json").read_text()).items() if isinstance(v, dict)}


def _values(brief_dir) -> dict:
    return {k: v["value"] for k, v in _recorded(brief_dir).items()}


def test_every_number_shown_is_the_recorded_result(brief_dir):
    html = (brief_dir / "index.html").read_text(encoding="utf-8")
    findings = _recorded(brief_dir)
    spans = dict(re.findall(r'<span class="num" data-key="([^"]+)">([^<]+)</span>', html))
    raw = json.loads((brief_dir / "findings.json").read_text())
    plain = {k for k in brief.PLAIN if k in raw}  # plain numbers at the top of the record, shown in the text too
    assert set(spans) == set(findings) | plain and len(spans) >= 40
    for k in plain:
        assert spans.pop(k) == f"{raw[k]:.2f}"
    checked = 0
    for k, shown in spans.items():
        assert shown == findings[k]["shown"], k
        # the text shown is the recorded value, rounded as displayed (not a number typed into the template)
        m = re.fullmatch(r"(−|-)?([\d,]+(?:\.(\d+))?)", shown.strip().rstrip("%").replace("\u2212", "-"))
        v = findings[k]["value"]
        if m and isinstance(v, (int, float)):
            num = float(m.group(2).replace(",", "")) * (-1 if m.group(1) else 1)
            digits = len(m.group(3) or "")
            assert num == pytest.approx(v * findings[k]["scale"], abs=0.5 * 10 ** -digits + 1e-9), (k, shown, v)
            checked += 1
    assert checked >= 30


def test_key_numbers_equal_independent_results(brief_dir):
    f = _values(brief_dir)
    trade = kzecon.data.load_trade("spliced", russia_2010="interpolate")
    sh = measures.partner_shares(trade, flow="total").pivot_table(index="year", columns="group", values="share")
    assert f["china_share_last"] == pytest.approx(sh.loc[f["last_year"], "china"], abs=1e-12)
    assert f["russia_share_2000"] == pytest.approx(sh.loc[2000, "russia"], abs=1e-12)
    hand = pd.read_csv(REF / "products" / "hand_fuels_metals.csv").set_index("year")["fuels_metals_share"]
    assert f["fm_2018"] == pytest.approx(hand[2018], abs=1e-9)
    import pyfixest as pf  # the DiD by pyfixest called directly on the bundled panel, not through kzecon.panel

    rus = panel.country_partner_panel().query("partner == 'RUS'")
    start = rus["treat_start"].fillna(0)
    rus = rus.assign(treat_post=((start > 0) & (rus["year"] >= start)).astype(int))
    ref = pf.feols("log_trade ~ treat_post | reporter + year", data=rus, vcov={"CRV1": "reporter"})
    assert f["did_est"] == pytest.approx(float(ref.coef()["treat_post"]), rel=1e-9)
    s = alignment.divergence_summary(alignment.divergent_votes(start=2007, end=2013, strict=True))
    assert f["side_chn_1"] == s.set_index("sided_with").loc["CHN", "count"]
    assert 0 <= f["p_cr_1"] <= 1 and 0 <= f["cov_h1"] <= 1


def test_kazakhstan_record_and_peers(brief_dir):
    """The interface contract of the Kazakhstan brief: findings.json names the economy and P(China > Russia) in
    2030 (the headline forecast five years after 2025), and peers.csv places it among its peers, its own row the
    same forecast, the others' shares their own IMF DOTS declarations read from the bundled file directly."""
    from kzecon.data import verified_path

    raw = json.loads((brief_dir / "findings.json").read_text())
    f = _values(brief_dir)
    assert raw["country"] == "KAZ" and f["last_year"] + 5 == 2030
    assert raw["p_china_above_russia_2030"] == pytest.approx(f["p_cr_5"])
    peers = pd.read_csv(brief_dir / "peers.csv")
    assert list(peers.columns[:5]) == ["country", "year", "china_share", "russia_share", "p_china_above_russia_2030"]
    t = peers.set_index("country")
    assert {"KAZ", "UZB", "KGZ", "TJK", "TKM", "MNG"} <= set(t.index)
    assert t.loc["KAZ", "p_china_above_russia_2030"] == pytest.approx(f["p_cr_5"], abs=1e-6)
    assert t.loc["KAZ", "china_share"] == pytest.approx(f["china_share_last"], abs=1e-6)
    c = pd.read_csv(verified_path("compositions_dots")).query("side == 'reported' and flow == 'total'")
    tkm = c[c["economy"] == "TKM"].set_index("year")
    assert t.loc["TKM", "year"] == tkm.index.max()
    assert t.loc["TKM", "russia_share"] == pytest.approx(tkm["russia"].iloc[-1], abs=1e-6)
    assert t["p_china_above_russia_2030"].between(0, 1).all()
    html = (brief_dir / "index.html").read_text(encoding="utf-8")
    assert 'id="peers"' in html and 'href="peers.csv"' in html


def _cache(brief_dir) -> dict:
    (path,) = (brief_dir / ".kzecon-cache").glob("brief-*.json")
    return json.loads(path.read_text())


def test_top_line_numbers_are_the_findings(brief_dir):
    """The three top-line sentences as printed carry the findings' numbers (rounded as shown)."""
    f = _values(brief_dir)
    top = _cache(brief_dir)["top_line"]
    assert len(top) == 3
    assert f"In {int(f['last_year'])} China took {100 * f['china_share_last']:.1f}%" in top[0]
    assert f"Russia {100 * f['russia_share_last']:.1f}%" in top[0]
    assert f"since {int(f['china_above_since'])}" in top[0]
    assert f"({100 * f['p_cr_5']:.0f}%)" in top[1] and f"about {100 * f['china_5y']:.0f}%" in top[1]
    assert f"{100 * f['china_5y_lo']:.0f}–{100 * f['china_5y_hi']:.0f}%" in top[1]
    assert f"off by {100 * f['world_ece']:.1f} points" in top[2]
    html = (brief_dir / "index.html").read_text(encoding="utf-8")
    for sentence in top:
        assert sentence.replace("'", "&#39;") in html


def test_every_brief_figure_passes_the_layout_check(brief_dir):
    """No text over another text or over data, no clipped text, in any figure of the brief (the check runs on
    each figure as the brief saves it, from matplotlib's bounding boxes)."""
    c = _cache(brief_dir)
    assert len(c["figures"]) >= 12
    assert c["layout"] == {}


def test_layout_check_finds_overlaps_and_covered_data():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from kzecon.report import figures

    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [0, 1, 2], label="data line")
    ax.legend(loc="upper left")  # over the line's points? not at (0,0)…(2,2) in the upper left: add one that is
    ax.plot([0.05], [1.9], "o", label="a point under the legend")
    ax.legend(loc="upper left")
    ax.text(1.0, 0.5, "first label")
    ax.text(1.02, 0.5, "second label")  # on top of the first
    ax.text(2.5, 1.0, "clipped", clip_on=True)
    problems = figures.layout_problems(fig)
    assert any("overlaps text" in p and "first label" in p for p in problems)
    assert any("legend covers data" in p for p in problems)
    assert any("clipped" in p for p in problems)
    clean = Figure(figsize=(6, 4))
    FigureCanvasAgg(clean)
    a = clean.add_subplot()
    a.plot([0, 1], [0, 1], label="x")
    a.legend(**figures.RIGHT)
    assert figures.layout_problems(clean) == []


def test_saved_figures_carry_no_timestamp(tmp_path):
    """The same figure saved twice, a second apart, gives the same bytes in PNG, PDF and SVG (matplotlib writes a
    creation date into PDF and SVG unless told not to): a rebuilt brief is byte-for-byte the same."""
    import time

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from kzecon.report import figures

    fig = Figure(figsize=(3, 2))
    FigureCanvasAgg(fig)
    fig.add_subplot().plot([0, 1], [1, 0])
    first = figures.save(fig, tmp_path / "f.png", formats=("png", "pdf", "svg"))
    time.sleep(1.1)
    (tmp_path / "b").mkdir()
    second = figures.save(fig, tmp_path / "b" / "f.png", formats=("png", "pdf", "svg"))
    assert len(first) == 3
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.suffix
    assert b"CreationDate" not in first[1].read_bytes()


def test_second_run_uses_the_cache(brief_dir, capsys):
    assert main(["brief", "--out", str(brief_dir), "--reps", "99", "--paths", "500"]) == 0
    assert "(cached results)" in capsys.readouterr().out


def test_an_edited_cache_never_reaches_the_html(brief_dir, capsys):
    """The cache records what the build wrote (a SHA-256 per file) and is never rendered: a value planted in it
    leaves index.html as it was; a changed output file is no hit."""
    (path,) = (brief_dir / ".kzecon-cache").glob("brief-*.json")
    rec = json.loads(path.read_text())
    assert "index.html" in rec["outputs"] and "findings.json" in rec["outputs"]
    assert any(k.startswith("figures/") for k in rec["outputs"])
    html = (brief_dir / "index.html").read_bytes()
    rec["top_line"] = ["<script>alert(1)</script>"]
    path.write_text(json.dumps(rec))
    assert main(["brief", "--out", str(brief_dir), "--reps", "99", "--paths", "500"]) == 0
    assert "(cached results)" in capsys.readouterr().out
    assert (brief_dir / "index.html").read_bytes() == html
    assert b"<script>alert" not in html
    assert brief._read_cache(path, brief_dir) is not None
    findings = (brief_dir / "findings.json").read_text()
    (brief_dir / "findings.json").write_text(findings + " ")
    try:
        assert brief._read_cache(path, brief_dir) is None
    finally:
        (brief_dir / "findings.json").write_text(findings)


def test_regression_table_through_the_brief_table_engine():
    """A regression laid out from the results' own numbers (estimate with stars, standard error under it, fixed
    effects, N, rows dropped, fit statistics) and rendered by the one table engine: cells escaped, rows classed,
    ids stable (the same frame gives the same bytes)."""
    from kzecon import gravity
    from kzecon.gravity.simulate import simulate_panel
    from kzecon.report.tables import html_table, regression_frame

    f = gravity.estimation_frame(simulate_panel(15, 4, seed=3))
    fits = {"PPML": gravity.ppml(f, ["policy"]), "OLS <x>": gravity.ols_log(f, ["policy"])}
    t = regression_frame(fits, labels={"policy": "Policy & trade"})
    for col, r in fits.items():
        p = float(r.pvalues["policy"])
        stars = "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.10 else ""
        assert t.loc["Policy & trade", col] == f"{r.params['policy']:.3f}{stars}"
        assert t[col].iloc[1] == f"({r.std_errors['policy']:.3f})"
        assert t.loc["N", col] == f"{r.nobs:,d}" and t.loc["Rows dropped", col] == f"{r.n_dropped:,d}"
    assert t.loc["Pseudo R²", "PPML"] == f"{fits['PPML'].stats['pseudo_r2']:.3f}"
    assert t.loc["Pseudo R²", "OLS <x>"] == ""
    assert t.attrs["row_classes"][:3] == ["", "se", "stat"] and "Standard errors in parentheses" in t.attrs["notes"]
    html = html_table(t, "reg", classes="regtable", index=True)
    assert html == html_table(t, "reg", classes="regtable", index=True)
    assert 'class="regtable"' in html and 'id="T_reg"' in html
    assert "OLS &lt;x&gt;" in html and "Policy &amp; trade" in html and "<x>" not in html
    cells = re.findall(r'<td [^>]*class="([^"]*)"[^>]*>([^<]*)</td>', html)
    assert ("data row1 col0 se", f"({fits['PPML'].std_errors['policy']:.3f})") in cells
    assert any(c.endswith(" stat") and v == "840" for c, v in cells)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium not installed (.ci/run installs it)")
def test_brief_renders_in_headless_chromium(brief_dir, tmp_path):
    shot = tmp_path / "brief.png"
    r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                        "--v=0", f"--screenshot={shot}", "--window-size=1100,3000",
                        (brief_dir / "index.html").as_uri()], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    for bad in ("Failed to load resource", "ERR_FILE_NOT_FOUND", "Uncaught"):
        assert bad not in r.stderr, bad
    from kzecon.study.brief import to_pdf

    pdf = to_pdf(brief_dir / "index.html", tmp_path / "brief.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 100_000
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          (brief_dir / "index.html").as_uri()], capture_output=True, text=True, timeout=120)
    assert "The top line" in dom.stdout and dom.stdout.count("<img") >= 10



def test_brief_runs_offline_and_writes_only_its_folder(offline_build):
    out = offline_build["out"]
    assert (out / "index.html").exists()
    assert offline_build["after"] == offline_build["before"]  # nothing written in the package or HOME
    assert not (offline_build["home"] / "nodata").exists()
    assert np.isfinite(json.loads((out / "findings.json").read_text())["did_est"]["value"])


def test_eaeu_randomization_p_in_the_record_and_the_text(brief_dir):
    """The randomization-inference p of the EAEU term is a plain number in findings.json, shown where the estimate
    is quoted, and equals the exact p computed by hand from the stored placebo draws."""
    raw = json.loads((brief_dir / "findings.json").read_text())
    p = raw["eaeu_p_ri"]
    assert isinstance(p, float) and 0 < p <= 1
    t = pd.read_csv(Path(kzecon.__file__).parent / "data" / "reference" / "eaeu_randomization.csv")
    est = t["estimate"].iloc[0]
    hand = (1 + (t["placebo_estimate"].abs() >= abs(est) - 1e-12).sum()) / (1 + len(t))
    assert p == pytest.approx(hand, abs=1e-12) and len(t) == 99
    assert est == pytest.approx(_values(brief_dir)["eaeu"], rel=1e-8)
    html = (brief_dir / "index.html").read_text(encoding="utf-8")
    assert f'data-key="eaeu_p_ri">{p:.2f}</span>' in html


def test_technical_tables_sit_in_the_appendix_with_readers_labels(brief_dir):
    html = (brief_dir / "index.html").read_text(encoding="utf-8")
    assert 'id="appendix"' in html
    body, appendix = html.split('id="appendix"', 1)
    assert "Phillips-Perron" in appendix and "Phillips-Perron" not in body  # the test battery
    assert "years ahead" in appendix and 'href="#table-tests"' in body and 'href="#table-world-backtest"' in body
    cells = {c.strip() for c in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", html)}
    raw = {"p_value", "treat_post", "exp_year + imp_year + pair", "bri_kaz_chn", "eaeu", "crps", "c", "ct", "pair_id",
           "reporter + year", "horizon"}
    assert not cells & raw, cells & raw
    assert "5–7:" not in html  # no typed range: each year's estimate is quoted
    assert "−0.00" not in html and ">-0.00<" not in html


def _top_line(**kw) -> list[str]:
    """The top line's template rendered on a made-up economy (keyword arguments replace its numbers)."""
    from types import SimpleNamespace

    ctx = {"ts": SimpleNamespace(last_year=2025, name="Testland", china_ahead_since=2019), "dr": SimpleNamespace(
        name="Testland"), "year": 2030, "econ": 41, "ece": 0.021, "own": None, "china": 0.25, "russia": 0.2,
           "partners_side": False, "p5": 0.8, "c5": {"mean": 0.3, "lower_90": 0.2, "upper_90": 0.4}, "cov_lo": 0.88,
           "cov_hi": 0.91, "mae_min": 0.9, "mae_far": 0.9, "far": 5, **kw}
    text = brief.environment().get_template("sections/top_line.txt.j2").render(**ctx)
    return [" ".join(s.split()) for s in text.split("\n\n")]


def test_own_record_sentence_follows_its_numbers():
    """The sentence on the economy's own backtest is written from the reliability table it describes: change the
    table and the numbers and the verdict change with it; each number is recorded as it is shown."""
    from types import SimpleNamespace

    def dr(observed):
        rel = pd.DataFrame({"model": "world_cal", "bin": ["a", "b", "c"], "predicted": [0.3, 0.5, 0.9],
                            "observed": observed, "n": [40, 40, 3]})
        # the band a calibrated forecaster's points fall in, as the backtest's table carries it (scores' function
        # called directly: the brief reads the band, it does not compute it)
        from kzecon.forecast.scores import consistency_band

        band = rel.assign(band_low=consistency_band(rel["predicted"], rel["n"])[0],
                          band_high=consistency_band(rel["predicted"], rel["n"])[1])
        return SimpleNamespace(name="Testland", model="world_cal",
                               backtest=SimpleNamespace(reliability=rel, reliability_band=band))

    def sentence(d):
        recorded = brief._Findings()
        macros = brief.environment(recorded).get_template("sections/macros.html.j2").module
        text = macros.own_reliability(d.name, brief._own_band(d), brief._own_mid(d), *brief.MID)
        return " ".join(str(text).split()), recorded.values

    low, rec = sentence(dr([0.05, 0.1, 1.0]))
    assert "too high" in low and "Testland" in low and ">8<" in low  # (0.05 + 0.1) / 2 = 7.5% → 8
    assert rec["own_rel_obs"] == {"value": pytest.approx(0.075), "scale": 100, "shown": "8"}
    assert "given 3 times" in low
    fair, _ = sentence(dr([0.3, 0.5, 1.0]))
    assert "about as often as forecast" in fair and ">40<" in fair
    assert "upper end" in _top_line(own=brief._own_mid(dr([0.05, 0.1, 1.0])))[2]
    assert "upper end" not in _top_line(own=brief._own_mid(dr([0.3, 0.5, 1.0])))[2]


def test_top_line_phrasing_follows_its_numbers():
    """The top line's words come from its numbers: who is ahead, the likelihood, the intervals, the level."""
    from types import SimpleNamespace

    first, second, third = _top_line()
    assert first == ("In 2025 China took 25.0% of Testland's trade and Russia 20.0% (Testland's own figures); China "
                     "has been ahead every year since 2019.")
    assert second.startswith("It is likely (80%) that China's share is above Russia's in 2030") and "20–40%" in second
    assert third == ("Such probabilities have been reliable on 41 other economies (off by 2.1 points on average); its "
                     "90% intervals held 88–91% of outcomes, and its central forecast beats 'no change' by 10% 5 years "
                     "ahead.")
    behind = _top_line(ts=SimpleNamespace(last_year=2025, name="Testland", china_ahead_since=None), china=0.1,
                       partners_side=True, mae_min=0.98, cov_lo=0.95)
    assert "China is behind Russia." in behind[0] and "its partners' figures: Testland's own for 2025" in behind[0]
    assert "on the wide side" in behind[2] and "no model here beats 'no change'" in behind[2]


def test_mirror_caption_is_built_from_the_series_plotted():
    from types import SimpleNamespace

    from kzecon.study.brief import _mirror_sources

    caption = brief.environment().get_template("sections/captions.html.j2").module.caption

    def ts(years, mirror_source):
        m = pd.DataFrame({"year": years, "source_reported": "wits", "source_mirror": mirror_source})
        return SimpleNamespace(mirror=m, name="Testland")

    src = _mirror_sources(ts(list(range(2000, 2011)), "imf_dots"))
    cap = str(caption("mirror_gap.png", src))
    assert "IMF DOTS 2000–2010" in cap and "2000–2010, annual." in cap and "every 4th" not in cap
    assert "WITS/UN Comtrade" in src["reported"] and "IMF DOTS" in src["mirror"]
    cap4 = str(caption("mirror_gap.png", _mirror_sources(ts([2000, 2004, 2008], "penppml"))))
    assert "penppml/UN Comtrade 2000–2008" in cap4 and "annual except 2001, 2002, 2003" in cap4
    events = str(caption("shares_total.png", {"name": "Test & land", "events": [[2010, "customs union"],
                                                                                [2013, "BRI"], [2015, "EAEU"]]}))
    assert events == ("Partner shares of Test &amp; land's total trade (Test &amp; land's figures), with customs union "
                      "(2010), BRI (2013) and EAEU (2015) marked.")


def test_alignment_figure_leaves_out_years_with_few_votes():
    from kzecon.report import figures

    s = pd.DataFrame({"year": [2018, 2019, 2020], "n_CHN": [80, 75, 1], "agreement_CHN": [0.8, 0.82, 1.0],
                      "n_RUS": [80, 75, 1], "agreement_RUS": [0.7, 0.71, 1.0], "alignment": [0.1, 0.11, 0.0]})
    f = figures.alignment_series(s)
    lines = [ln for ln in f.axes[0].get_lines() if len(ln.get_xdata()) == 3]
    assert lines and all(np.isnan(ln.get_ydata()[-1]) for ln in lines)
    assert any("fewer than 10 recorded votes: 2020" in t.get_text() for t in f.texts)


def test_readers_labels_for_terms_models_and_sectors():
    """No column name, code or regression term reaches a figure: the labels are the glossary's."""
    from kzecon.report import figures

    for raw in ("log_y", "rta_lead4", "intl_1986", "plastics_rubber", "wood_paper", "ppml_pair_fe", "ols"):
        shown = figures.label(raw)
        assert "_" not in shown and shown != raw.replace("_", " "), (raw, shown)
    assert figures.label("intl_1986") == "international border × 1986"
    t = pd.DataFrame({"term": "x", "estimate": np.arange(12.0), "conf_low": np.arange(12.0) - 1,
                      "conf_high": np.arange(12.0) + 1, "model": [f"m{i}" for i in range(12)]})
    f = figures.coefficients(t, title="A title long enough to need a second line rather than being cut off at the "
                                      "ninetieth character")
    styles = {(str(c.lines[0].get_color()), c.lines[0].get_marker()) for c in f.axes[0].containers}
    assert len(styles) == 12  # eleven and more models: colour and marker together tell them apart
    assert "\n" in f.axes[0].get_title()
    from kzecon.forecast.world import held_out_total

    held_out = brief.environment().get_template("sections/macros.html.j2").module.held_out
    assert held_out_total() == 44 and "41 of the 44 economies held out" in held_out(41, held_out_total())
