"""Audit of kzecon's public docstrings (issue #43): every public function, class and method with a numpydoc
``Parameters`` section describing each of its parameters, and every name a subpackage exports with an ``Examples``
section. Run ``python docs/_ext/docaudit.py [--strict MODULE_PREFIX ...]`` for the counts and the gaps; the docs build
and ``tests/test_examples.py`` call :func:`audit`.

Public means: a name in a public module's ``__all__`` (or, without one, a name not starting with ``_`` defined in
that module), and the public methods and properties a public class defines itself. Parameters ``self``, ``cls``,
``*args`` and ``**kwargs`` are not counted."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import warnings
from dataclasses import dataclass, field

# module prefixes whose every public parameter is described and every exported name has an example: the docs build
# (``--check``) and tests/test_examples.py fail on a gap in them
DOCUMENTED: tuple[str, ...] = ("kzecon",)  # the whole package: every module has been documented


@dataclass
class Entry:
    """One public definition: its dotted name, kind, parameters and which of them the docstring describes."""

    name: str
    kind: str  # function, class, method, property
    params: list[str] = field(default_factory=list)
    described: list[str] = field(default_factory=list)
    has_examples: bool = False
    exported: bool = False  # a name of a subpackage's __all__ (needs an example)
    has_doc: bool = False

    @property
    def missing(self) -> list[str]:
        """Parameters without a description."""
        return [p for p in self.params if p not in self.described]


def _modules(prefix: str = "kzecon"):
    import kzecon

    names = [prefix] + [m.name for m in pkgutil.walk_packages(kzecon.__path__, "kzecon.")]
    for name in sorted(names):
        if any(part.startswith("_") for part in name.split(".")[1:]) or name == "kzecon.cli":
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield importlib.import_module(name)


def _params(obj) -> list[str]:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    return [p.name for p in sig.parameters.values()
            if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _parsed(obj):
    from numpydoc.docscrape import NumpyDocString

    doc = inspect.getdoc(obj) or ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return doc, NumpyDocString(doc)
        except Exception:  # noqa: BLE001 - an unparsable docstring counts as describing nothing
            return doc, None


def _entry(name: str, obj, kind: str, exported: bool) -> Entry:
    target = obj.__init__ if kind == "class" and "__init__" in vars(obj) else obj
    if kind == "class" and "__init__" not in vars(obj) and hasattr(obj, "__dataclass_fields__"):
        target = obj  # a dataclass: its signature is its fields
    params = _params(target) if kind != "property" else []
    doc, nd = _parsed(obj)
    described = []
    if nd is not None:
        for sec in ("Parameters", "Other Parameters", "Attributes"):
            for p in nd[sec]:
                if any(line.strip() for line in p.desc):
                    described += [n.strip().lstrip("*") for n in p.name.split(",")]
    if kind == "class" and nd is not None and not described and target is not obj:
        _, ndi = _parsed(target)
        if ndi is not None:
            described = [n.strip() for p in ndi["Parameters"] if any(x.strip() for x in p.desc)
                         for n in p.name.split(",")]
    return Entry(name=name, kind=kind, params=params, described=described, exported=exported,
                 has_examples=bool(nd is not None and nd["Examples"]), has_doc=bool(doc.strip()))


def audit() -> list[Entry]:
    """Every public definition of kzecon with what its docstring describes."""
    seen: dict[int, Entry] = {}
    out: list[Entry] = []
    for mod in _modules():
        exported = set(getattr(mod, "__all__", []))
        is_package = hasattr(mod, "__path__")
        names = list(exported) if exported else [n for n, v in vars(mod).items() if not n.startswith("_")
                                                  and getattr(v, "__module__", None) == mod.__name__]
        for n in sorted(names):
            try:
                obj = getattr(mod, n)
            except AttributeError:
                continue
            if inspect.ismodule(obj) or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if not getattr(obj, "__module__", "").startswith("kzecon"):
                continue
            key = id(obj)
            if key in seen:
                seen[key].exported |= is_package and n in exported
                continue
            kind = "class" if inspect.isclass(obj) else "function"
            e = _entry(f"{obj.__module__}.{obj.__qualname__}", obj, kind, is_package and n in exported)
            seen[key] = e
            out.append(e)
            if kind == "class":
                for mn, mv in vars(obj).items():
                    if mn.startswith("_"):
                        continue
                    if isinstance(mv, property):
                        out.append(_entry(f"{e.name}.{mn}", mv, "property", False))
                    elif inspect.isfunction(mv) or isinstance(mv, (classmethod, staticmethod)):
                        f = mv.__func__ if isinstance(mv, (classmethod, staticmethod)) else mv
                        out.append(_entry(f"{e.name}.{mn}", f, "method", False))
    return out


def counts(entries: list[Entry]) -> dict:
    """Definitions, parameters and how many of each the docstrings describe."""
    params = sum(len(e.params) for e in entries)
    missing = sum(len(e.missing) for e in entries)
    exported = [e for e in entries if e.exported]
    return {"definitions": len(entries), "with_docstring": sum(e.has_doc for e in entries),
            "parameters": params, "parameters_described": params - missing,
            "definitions_all_parameters_described": sum(not e.missing for e in entries),
            "exported": len(exported), "exported_with_examples": sum(e.has_examples for e in exported)}


def example_modules() -> list[str]:
    """Every module of kzecon, private ones too (their objects are re-exported: kzecon.data.describe lives in
    kzecon.data._store), except the CLI: the modules whose docstring examples run."""
    import kzecon

    return ["kzecon"] + sorted(m.name for m in pkgutil.walk_packages(kzecon.__path__, "kzecon.")
                               if m.name != "kzecon.cli")


def run_examples(name: str, out=None) -> tuple[int, int, list[str]]:
    """Run the docstring examples of module ``name`` in an empty namespace (an example imports what it uses), with
    ELLIPSIS and NORMALIZE_WHITESPACE: (examples tried, failed, skipped examples' names). ``out``: where doctest
    reports a failure (default stdout)."""
    import doctest

    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    mod = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder(exclude_empty=True).find(mod, name, globs={}) if t.examples]
    skipped = [t.name for t in tests for ex in t.examples if ex.options.get(doctest.SKIP)]
    import pandas as pd

    runner = doctest.DocTestRunner(optionflags=flags)
    # the display the expected outputs were written at (the docs build and the test suite alike)
    with warnings.catch_warnings(), pd.option_context("display.width", 100, "display.max_columns", 12):
        warnings.simplefilter("ignore")
        for t in tests:
            t.globs = {}
            runner.run(t, out=out)
    res = runner.summarize(verbose=False)
    return res.attempted, res.failed, skipped


def gaps(prefixes=DOCUMENTED) -> list[Entry]:
    """Definitions under ``prefixes`` with an undescribed parameter, or exported without an example."""
    return [e for e in audit() if e.name.startswith(tuple(prefixes))
            and (e.missing or (e.exported and not e.has_examples))]


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:  # the docs build: fail on a gap in the documented modules
        bad = gaps()
        for e in bad:
            print(f"docstring gap: {e.name}: undescribed {', '.join(e.missing) or '—'}"
                  + ("; no example" if e.exported and not e.has_examples else ""), file=sys.stderr)
        print(f"docstrings: {counts(audit())}")
        sys.exit(1 if bad else 0)
    if sys.argv[1:] == ["--examples"]:  # the docs build: every docstring example runs, none skipped
        tried = failed = 0
        for name in example_modules():
            n, f, skipped = run_examples(name)
            tried, failed = tried + n, failed + f + len(skipped)
            for s in skipped:
                print(f"skipped example: {s} (examples run or go)", file=sys.stderr)
        print(f"docstring examples: {tried} run, {failed} failed or skipped")
        sys.exit(1 if failed else 0)
    prefixes = sys.argv[1:]
    entries = [e for e in audit() if not prefixes or e.name.startswith(tuple(prefixes))]
    for e in entries:
        if e.missing or (e.exported and not e.has_examples):
            print(f"{e.name}: " + (f"undescribed {', '.join(e.missing)}" if e.missing else "")
                  + ("; no example" if e.exported and not e.has_examples else ""))
    print(counts(entries))
