"""Docstring coverage of kzecon's public definitions: modules, and the public functions, classes and methods
defined in them (names without a leading underscore). ``python docs/coverage.py [--missing]``."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "kzecon"


def definitions():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        if any(part.startswith("_") and part != "__init__" for part in rel.parts):
            continue
        mod = ".".join(rel.parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        yield mod, ast.get_docstring(tree) is not None
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                yield f"{mod}.{node.name}", ast.get_docstring(node) is not None
                if isinstance(node, ast.ClassDef):
                    for sub in node.body:
                        if isinstance(sub, ast.FunctionDef) and not sub.name.startswith("_"):
                            yield f"{mod}.{node.name}.{sub.name}", ast.get_docstring(sub) is not None


def main() -> None:
    items = list(definitions())
    have = sum(ok for _, ok in items)
    print(f"public definitions with a docstring: {have} / {len(items)} ({100 * have / len(items):.1f}%)")
    if "--missing" in sys.argv:
        for name, ok in items:
            if not ok:
                print("  ", name)


if __name__ == "__main__":
    main()
