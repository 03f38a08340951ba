"""Check every internal link of a built HTML site: each relative ``href``/``src`` must name a file of the site and
each ``#anchor`` an ``id`` (or ``name``) on the page it points to. Links leaving the site (``http:``, ``https:``,
``mailto:`` …) are not followed: the build must not depend on the network.

Usage: ``python docs/_ext/linkcheck_local.py SITEDIR`` — prints the number of links checked and every broken one,
and exits 1 if any is broken (``docs/build.sh`` calls it after Sphinx).
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("iframe", "src"),
              ("source", "src")}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            if (tag, name) in LINK_ATTRS:
                self.links.append((value, self.getpos()[0]))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def check(site: Path) -> tuple[int, list[str]]:
    """(links checked, broken links as 'page:line: link — why')."""
    site = site.resolve()
    # the theme's Jinja macro files copied into _static/ are templates, not pages
    pages = {p.resolve(): _parse(p) for p in sorted(site.rglob("*.html")) if "_static" not in p.relative_to(site).parts}
    checked, broken = 0, []
    for path, page in pages.items():
        for link, line in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("//") or link.startswith("javascript:"):
                continue  # leaves the site
            checked += 1
            where = f"{path.relative_to(site)}:{line}: {link}"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not (target == site or site in target.parents):
                broken.append(f"{where} — points outside the site")
                continue
            if not target.exists():
                broken.append(f"{where} — no file {target.relative_to(site)}")
                continue
            frag = unquote(parts.fragment)
            if frag and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if frag not in ids:
                    broken.append(f"{where} — no anchor #{frag} in {target.relative_to(site)}")
    return checked, broken


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python linkcheck_local.py SITEDIR", file=sys.stderr)
        return 64
    checked, broken = check(Path(argv[0]))
    for b in broken:
        print(f"broken link: {b}", file=sys.stderr)
    print(f"internal links checked: {checked}, broken: {len(broken)}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
