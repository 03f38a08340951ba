"""Sphinx extension: keep ``sphinx.ext.viewcode``'s "[docs]" back-links on the source pages pointing at anchors that
exist.

viewcode writes one back-link per object on a module's source page as ``<page>#<refname>.<name>``, with a single
``refname`` per source module: the module under which the *first* object of that source module happened to be
documented. kzecon re-exports objects (``kzecon.data.to_iso3`` is defined in ``kzecon.data.countries``), and the API
reference documents some of a module's objects at the package level and others under the module itself, so the one
``refname`` was wrong for most of them (63 back-links to anchors that did not exist, e.g.
``api/errors.html#kzecon.data.readers.KzeconError``).

This extension records, for every documented object, every module it is documented under and on which page; when
viewcode writes its pages it uses for each source module the ``refname`` under which most of its objects are
documented (the defining module itself on a tie), and rewrites the back-link of every other object to the module and
page it is documented under. Nothing in the package is changed; the build's link check
(``_ext/linkcheck_local.py``) fails on any back-link left broken.
"""

from __future__ import annotations

from collections import defaultdict

from sphinx import addnodes


def _refs(env) -> dict:
    if not hasattr(env, "_kz_viewcode_refs"):
        env._kz_viewcode_refs = {}
    return env._kz_viewcode_refs


def _record(app, doctree) -> None:
    """After viewcode's own ``doctree-read``: where each object (by its defining module) is documented."""
    from sphinx.ext.viewcode import _get_full_modname

    env = app.env
    refs = _refs(env)
    docname = env.current_document.docname if hasattr(env, "current_document") else env.docname
    for objnode in doctree.findall(addnodes.desc):
        if objnode.get("domain") != "py":
            continue
        for signode in objnode:
            if not isinstance(signode, addnodes.desc_signature):
                continue
            refname, fullname = signode.get("module"), signode.get("fullname")
            if not refname or not fullname:
                continue
            modname = _get_full_modname(refname, fullname) if env.config.viewcode_follow_imported_members \
                else refname
            if modname:
                refs.setdefault(modname, {}).setdefault(fullname, {})[refname] = docname


def _purge(app, env, docname) -> None:
    for names in _refs(env).values():
        for where in names.values():
            for refname in [r for r, d in where.items() if d == docname]:
                del where[refname]


def _merge(app, env, docnames, other) -> None:
    for modname, names in _refs(other).items():
        for fullname, where in names.items():
            _refs(env).setdefault(modname, {}).setdefault(fullname, {}).update(where)


def _targets(env) -> dict:
    """Per source module: the refname most of its objects are documented under, and for every object the
    (refname, docname) its back-link must use."""
    out = {}
    refs = _refs(env)
    for modname, entry in getattr(env, "_viewcode_modules", {}).items():
        if not entry:
            continue
        _, _, used, _ = entry
        names = refs.get(modname, {})
        count: dict[str, int] = defaultdict(int)
        for name in used:
            for refname in names.get(name, {}):
                count[refname] += 1
        if not count:
            continue
        best = max(count, key=lambda r: (count[r], r == modname))
        per_name = {}
        for name in used:
            where = names.get(name, {})
            if not where:
                continue
            ref = best if best in where else max(where, key=lambda r: (r == modname, r))
            per_name[name] = (ref, where[ref])
        out[modname] = (best, per_name)
    return out


def _collect_pages(app):
    """viewcode's ``html-collect-pages`` with one consistent refname per source module and every back-link of an
    object documented under another module name rewritten to the anchor that exists."""
    from sphinx.ext import viewcode

    env = app.env
    targets = _targets(env)
    modules = getattr(env, "_viewcode_modules", {})
    for modname, (best, per_name) in targets.items():
        code, tags, used, _ = modules[modname]
        modules[modname] = (code, tags, {n: (per_name[n][1] if per_name.get(n, (None,))[0] == best else d)
                                         for n, d in used.items()}, best)
    urito = app.builder.get_relative_uri
    for pagename, context, template in viewcode.collect_pages(app):
        modname = pagename[len(viewcode.OUTPUT_DIRNAME) + 1:].replace("/", ".")
        if modname in targets and isinstance(context, dict) and "body" in context:
            best, per_name = targets[modname]
            body = context["body"]
            used = modules[modname][2]
            for name, (ref, docname) in per_name.items():
                if ref != best:
                    wrong = f'href="{urito(pagename, used[name])}#{best}.{name}"'
                    body = body.replace(wrong, f'href="{urito(pagename, docname)}#{ref}.{name}"')
            context["body"] = body
        yield pagename, context, template


def setup(app):
    from sphinx.ext import viewcode

    app.setup_extension("sphinx.ext.viewcode")
    app.connect("doctree-read", _record, priority=600)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    listeners = app.events.listeners["html-collect-pages"]
    for i, listener in enumerate(listeners):
        if listener.handler is viewcode.collect_pages:
            listeners[i] = listener._replace(handler=_collect_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
