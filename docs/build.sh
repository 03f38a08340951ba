#!/usr/bin/env bash
# Build kzecon's documentation site into OUTDIR (after `pip install ".[docs]"`): the API reference from the
# docstrings, the user guide, the data catalogue from the registry, and the tutorials, executed now.
# Any warning (a broken reference, a docstring Sphinx cannot read, a failing tutorial or guide cell) fails the build,
# and so does any broken internal link or anchor in the built pages (_ext/linkcheck_local.py; no network).
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: bash docs/build.sh OUTDIR" >&2
  exit 64
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$1"
work="$(mktemp -d)"  # doctrees and myst-nb's executed notebooks (jupyter_execute/) stay out of the tree
trap 'rm -rf "$work"' EXIT
export MPLBACKEND=Agg
if [ -z "${KZECON_DOCS_AUDITED:-}" ]; then  # the test suite runs both itself (tests/test_examples.py) and sets it
  python "$here/_ext/docaudit.py" --check     # a public parameter without a description
  # every docstring example runs (fresh namespace), none skipped; in the scratch folder, where an example's files land
  (cd "$work" && python "$here/_ext/docaudit.py" --examples)
fi
python -m sphinx -b html -W --keep-going -q -d "$work/doctrees" "$here" "$work/html"
python "$here/_ext/linkcheck_local.py" "$work/html"
mkdir -p "$out"
cp -R "$work/html/." "$out/"
test -f "$out/index.html"
echo "built $out/index.html"
