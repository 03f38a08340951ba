"""Sphinx extension: the data catalogue page (``catalogue.md``) generated from kzecon's dataset registry at each
build: each bundled dataset's title, source (as a citation), side, units, coverage, caveats, rows and SHA-256 — as
``kzecon data describe NAME`` prints them, never retyped.

Laid out as an overview table (two columns that wrap) and one section per dataset with its fields as a list: no
table without a header, no cell too wide for the page. The raw downloads the files were built from are not shipped
with the package, so they are not pointed to; the source is cited instead.
"""

from pathlib import Path


def _text(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def write_catalogue(app) -> None:
    import kzecon

    names = kzecon.data.list_datasets()
    rows = ["# Data catalogue", "",
            f"Every dataset bundled with kzecon {kzecon.__version__}, generated from the registry when these pages "
            "were built, so it cannot disagree with `kzecon data describe NAME`. Each loads after a plain "
            "`pip install` with {func}`kzecon.data.load` (or its named loader, see the [data guide](guide/data.md)), "
            "and is checked against its SHA-256 every time it is read. Which side reported a figure is part of its "
            "description: *reported* = the economy's own declarations, *mirror* = its partners' figures for the "
            "same trade, *mixed* = a source that fills one with the other.", "",
            "The files were built from the publishers' public downloads by the scripts in `data/build/` of kzecon's "
            "source repository (provenance in `data/PROVENANCE.md` there); the downloads themselves are not part of "
            "the installed package. Cite the source listed for each dataset.", "",
            "| dataset | what it holds |", "|---|---|"]
    rows += [f"| [`{n}`](#{n.replace('_', '-')}) | {_text(kzecon.data.describe(n).title)} |" for n in names]
    rows.append("")
    for name in names:
        d = kzecon.data.describe(name)
        rows += [f"({name.replace('_', '-')})=", f"## `{name}`", "", f"**{_text(d.title)}**", "",
                 f"- **Source:** {_text(d.source)}",
                 f"- **Side:** {_text(d.side)}",
                 f"- **Units:** {_text(d.units)}",
                 f"- **Coverage:** {_text(d.coverage)}",
                 f"- **File:** `{d.file}` in the package, {d.rows:,} rows",
                 f"- **SHA-256:** `{d.sha256}`", ""]
        if d.caveats:
            rows += ["Caveats:", ""] + [f"- {_text(c)}" for c in d.caveats] + [""]
    out = Path(app.srcdir) / "catalogue.md"
    text = "\n".join(rows) + "\n"
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", write_catalogue)
    return {"parallel_read_safe": True, "version": "1"}
