"""The documentation site: ``bash docs/build.sh OUTDIR`` builds with warnings as errors, executes the tutorials,
and its pages hold what users look up — checked on the built HTML, and the index opened in headless Chromium."""

from __future__ import annotations

import importlib.util
import inspect
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import kzecon

DOCS = Path(__file__).resolve().parent.parent / "docs"
HAVE_SPHINX = all(importlib.util.find_spec(m) is not None for m in ("sphinx", "myst_nb", "pydata_sphinx_theme"))
pytestmark = pytest.mark.skipif(not HAVE_SPHINX or not (DOCS / "build.sh").exists(),
                                reason='the docs extra is not installed (pip install ".[docs]")')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "html"
    # the docstring audit and examples the build runs first are run by tests/test_examples.py in this suite
    env = {**os.environ, "KZECON_DOCS_AUDITED": "1"}
    r = subprocess.run(["bash", str(DOCS / "build.sh"), str(out)], capture_output=True, text=True, timeout=900,
                       env=env)
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
    return out


def test_build_script_refuses_without_outdir():
    r = subprocess.run(["bash", str(DOCS / "build.sh")], capture_output=True, text=True)
    assert r.returncode == 64 and "usage" in r.stderr


def test_api_reference_has_the_contract_pages(site):
    assert (site / "index.html").is_file()
    gravity = (site / "api" / "gravity.html").read_text(encoding="utf-8")
    assert 'id="kzecon.gravity.ppml"' in gravity and 'id="kzecon.gravity.PPML"' in gravity
    assert 'id="module-kzecon.forecast"' in (site / "api" / "forecast.html").read_text(encoding="utf-8")
    import kzecon.results as results

    public = [n for n, c in inspect.getmembers(results, inspect.isclass)
              if c.__module__ == results.__name__ and not n.startswith("_")]
    page = (site / "api" / "results.html").read_text(encoding="utf-8")
    assert public and all(f'id="kzecon.results.{n}"' in page for n in public), public


def test_catalogue_is_generated_from_the_registry(site):
    page = (site / "catalogue.html").read_text(encoding="utf-8")
    for name in kzecon.data.list_datasets():
        d = kzecon.data.describe(name)
        assert name in page and d.sha256 in page, name


def test_tutorials_ran_and_show_their_results(site):
    pages = sorted(p for p in (site / "tutorials").glob("*.html") if p.name != "index.html")
    assert len(pages) == 4
    for p in pages:
        html = p.read_text(encoding="utf-8")
        assert html.count("cell_output") >= 3 and "Traceback" not in html, p.name
    assert "kzecon-result" in (site / "tutorials" / "gravity_own_panel.html").read_text(encoding="utf-8")
    assert re.search(r'<img[^>]+src="[^"]+\.png"', (site / "tutorials" / "placebo_inference.html").read_text())


def test_guide_pages_teach_with_code_that_ran(site):
    for name in ("data", "measures", "timeseries", "panel", "gravity", "forecast", "results", "brief"):
        html = (site / "guide" / f"{name}.html").read_text(encoding="utf-8")
        assert html.count("cell_output") >= 3 and "Traceback" not in html, name
        nav = html[html.find("Section Navigation"):]
        assert 'href="measures.html"' in nav or name == "measures", name  # the sidebar lists the guide's pages


def test_pages_do_not_leak_the_builders_machine(site):
    for page in [*(site / "guide").glob("*.html"), *(site / "tutorials").glob("*.html")]:
        html = page.read_text(encoding="utf-8")
        assert "site-packages" not in html and not re.search(r"\.py:\d+: \w*Warning", html), page.name


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium not installed (.ci/run installs it)")
def test_site_opens_in_headless_chromium(site):
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          (site / "index.html").as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0
    assert "kzecon" in dom.stdout and "API reference" in dom.stdout and "Tutorials" in dom.stdout
