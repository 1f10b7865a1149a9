"""The dashboard (``kaifang serve``): FastAPI JSON API and pages with ECharts served locally."""

from kaifang.web.app import create_app
from kaifang.web.data import Dashboard

__all__ = ["Dashboard", "create_app"]
