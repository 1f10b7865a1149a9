"""Chinese documentation tree (shared settings in docs/conf_common.py).

The API reference exists in English only; pages here link to it through the English tree's
inventory (built first by scripts/docs.sh into ../en/).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conf_common import *  # noqa: F403

language = "zh_CN"
project = "kaifang 开放"
html_title = "kaifang 开放"
html_theme_options = {
    **html_theme_options,  # noqa: F405
    "external_links": [{"name": "English", "url": "../en/index.html"}],
}
_EN_BUILD = Path(__file__).resolve().parent.parent / "_build" / "html" / "en" / "objects.inv"
intersphinx_mapping = {"en": ("../en/", str(_EN_BUILD))}
intersphinx_disabled_reftypes = ["*"]
