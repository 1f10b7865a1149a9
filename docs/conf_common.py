"""Sphinx settings shared by the English (docs/en) and Chinese (docs/zh) trees.

Each tree's conf.py imports everything from here and sets only its language and what differs.
Formulas are rendered by a vendored MathJax (docs/_static/mathjax), so a built page loads nothing
from another host.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
# the package documented is the one in this repository, installed or not
sys.path.insert(0, str(REPO / "src"))

import kaifang  # noqa: E402

project = "kaifang 开放"
author = "kaifang developers"
copyright = "kaifang developers, MIT licence"
version = kaifang.__version__
release = kaifang.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
myst_dmath_double_inline = True

# numpydoc-style docstrings, read by napoleon
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}

# MathJax from this repository (npm package mathjax 3.2.2), never from a CDN; its menu is off so
# that no accessibility component is fetched on demand either
html_static_path = [str(DOCS / "_static")]
mathjax_path = "mathjax/tex-chtml-full.js"
mathjax3_config = {"options": {"enableMenu": False}}

html_theme = "pydata_sphinx_theme"
html_title = "kaifang"
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": [],
    "navbar_end": ["navbar-icon-links"],
    "secondary_sidebar_items": ["page-toc"],
}

nitpicky = False
# "n" in "shape (n, m)" would otherwise be an ambiguous cross-reference to two NamedTuple fields
suppress_warnings = ["myst.header", "ref.python"]
