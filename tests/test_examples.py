"""The reference's examples run (issue #43): every ``>>>`` example in kzecon's docstrings is executed as a doctest in a
fresh namespace — it must import what it uses, as a reader pasting it into a new interpreter would — and none is
skipped. The parameter descriptions are counted by ``docs/_ext/docaudit.py``; modules listed in ``DOCUMENTED`` must
describe every parameter of every public definition and give every exported name an example."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))
import docaudit  # noqa: E402

# modules whose public definitions are fully described (every parameter, every exported name with an example): the
# list lives in docs/_ext/docaudit.py, which the docs build runs too
DOCUMENTED = docaudit.DOCUMENTED


@pytest.mark.parametrize("name", docaudit.example_modules())
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    tried, failed, skipped = docaudit.run_examples(name)
    assert not skipped, f"{name}: skipped examples {skipped}: examples run or go"
    assert failed == 0, f"{name}: {failed} of {tried} docstring examples failed (doctest's report above)"


@pytest.mark.parametrize("prefix", DOCUMENTED)
def test_documented_modules_describe_every_parameter(prefix):
    gaps = docaudit.gaps((prefix,))
    assert not gaps, "\n".join(f"{e.name}: undescribed {', '.join(e.missing) or '—'}"
                               + ("; no example" if e.exported and not e.has_examples else "") for e in gaps[:30])
