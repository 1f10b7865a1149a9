"""The platform's web application (FastAPI + Jinja2, zh/en, server-rendered)."""

from kaifang.platform.web.app import create_app

__all__ = ["create_app"]
