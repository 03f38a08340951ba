"""One lazy loader for kzecon's packages: submodules and names imported on first use, so that ``import kzecon``,
``kzecon --help`` and a first fit load only what they need."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping


def attach(package: str, namespace: dict, modules: Iterable[str] = (), names: Mapping[str, str] | None = None,
           public: Iterable[str] = ()) -> tuple[Callable, Callable]:
    """``(__getattr__, __dir__)`` for ``package``: ``modules`` are its submodules, ``names`` maps a name to the
    submodule defining it; each is imported on first access and cached in ``namespace`` (the package's globals)."""
    modules, names = frozenset(modules), dict(names or {})
    listed = set(public) | modules | set(names)

    def __getattr__(name: str):
        if name in modules:
            value = importlib.import_module(f".{name}", package)
        elif name in names:
            value = getattr(importlib.import_module(f".{names[name]}", package), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | listed)

    return __getattr__, __dir__
