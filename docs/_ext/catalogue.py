"""Sphinx extension: the data catalogue page (``catalogue.md``) generated from kzecon's dataset registry at each
build: each bundled dataset's title, source, side, units, coverage, caveats, rows and SHA-256 — as
``kzecon data describe NAME`` prints them, never retyped."""

from pathlib import Path


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_catalogue(app) -> None:
    import kzecon

    rows = ["# Data catalogue", "",
            "Every dataset bundled with kzecon, generated from the registry when these pages were built "
            f"(kzecon {kzecon.__version__}). Which side reported a figure is part of its description: *reported* = "
            "the economy's own declarations, *mirror* = its partners' figures for the same trade. The build scripts "
            "that make each file from `../shared/data/raw` are in `data/build/`; provenance in `data/PROVENANCE.md`.",
            ""]
    for name in kzecon.data.list_datasets():
        d = kzecon.data.describe(name)
        rows += [f"## `{name}`", "", f"**{_cell(d.title)}**", "",
                 "| | |", "|---|---|",
                 f"| source | {_cell(d.source)} |", f"| side | {_cell(d.side)} |", f"| units | {_cell(d.units)} |",
                 f"| coverage | {_cell(d.coverage)} |", f"| file | `{d.file}`, {d.rows:,} rows |",
                 f"| SHA-256 | `{d.sha256}` |", f"| raw source | `../shared/data/raw/{d.raw_source}` |", ""]
        if d.caveats:
            rows += ["Caveats:", ""] + [f"- {_cell(c)}" for c in d.caveats] + [""]
    out = Path(app.srcdir) / "catalogue.md"
    text = "\n".join(rows) + "\n"
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", write_catalogue)
    return {"parallel_read_safe": True, "version": "1"}
