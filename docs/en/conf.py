"""English documentation tree (shared settings in docs/conf_common.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conf_common import *  # noqa: F403

language = "en"
html_theme_options = {
    **html_theme_options,  # noqa: F405
    "external_links": [{"name": "中文", "url": "../zh/index.html"}],
}
