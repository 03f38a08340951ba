"""Sphinx configuration of kzecon's documentation site (``bash docs/build.sh OUTDIR``).

The API reference comes from the docstrings (autodoc, numpy style through napoleon), the tutorials are MyST
notebooks executed at every build (myst-nb; a failing cell fails the build), and the data catalogue is generated
from the dataset registry (``_ext/catalogue.py``), never retyped.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import kzecon  # noqa: E402

project = "kzecon"
author = "kzecon developers"
release = kzecon.__version__
version = release

# viewcode_anchors: viewcode's "[docs]" back-links point at anchors that exist (objects documented under a
# re-exporting package and under their own module); the build checks every internal link (_ext/linkcheck_local.py)
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode", "viewcode_anchors", "myst_nb",
              "catalogue"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}
exclude_patterns = ["_build", "build.sh", "**/.ipynb_checkpoints", "jupyter_execute", "_ext"]
root_doc = "index"

autodoc_default_options = {"members": True, "member-order": "bysource", "show-inheritance": False}
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False

nb_execution_mode = "force"  # every build runs the tutorials: they cannot rot
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_merge_streams = True
nb_render_markdown_format = "myst"
myst_enable_extensions = ["colon_fence", "dollarmath"]

html_theme = "pydata_sphinx_theme"
html_title = f"kzecon {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path = ["_static"]
html_css_files = ["kzecon.css"]
suppress_warnings = ["myst.header"]
