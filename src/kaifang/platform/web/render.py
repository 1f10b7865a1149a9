"""Rendering pages and errors: the templates, the language, the base context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined

from kaifang.platform.errors import Invalid, Refused
from kaifang.platform.rules import Finding
from kaifang.platform.web import messages
from kaifang.platform.web.security import Viewer, platform_of

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.undefined = StrictUndefined  # a missing variable is an error, never blank text
# the templates are package files: compiled once, not checked for changes on every page
TEMPLATES.env.auto_reload = False


def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang", "zh")
    return lang if lang in messages.LANGS else "zh"


def nav(viewer: Viewer | None) -> list[tuple[str, str, str]]:
    if viewer is None:
        return []
    items = [("periods", "/periods", "nav_periods")]
    if viewer.actor.can("read_audit"):
        items.append(("audit", "/audit", "nav_audit"))
    if viewer.actor.can("manage_users"):
        items.append(("users", "/users", "nav_users"))
    items.append(("rules", "/rules", "nav_rules"))
    items.append(("ledger", "/ledger", "nav_ledger"))
    items.append(("reminders", "/ledger/reminders", "nav_reminders"))
    items.append(("account", "/account", "nav_account"))
    return items


def _relative(request: Request, **params: str) -> str:
    url = request.url.include_query_params(**params)
    return f"{url.path}?{url.query}" if url.query else str(url.path)


def _shown(value: object) -> object:
    # ten significant digits: a bound such as 1234567 reads as itself, not 1.23457e+06
    return f"{value:.10g}" if isinstance(value, float) else value


def finding_text(finding: Finding, lang: str) -> str:
    params = {k: _shown(v) for k, v in finding.params.items()}
    # the indicator in the reader's language (its id only when no name came with the finding)
    params["name"] = params.get(f"name_{lang}") or finding.indicator
    which = f"rule_which_{params.get('which')}"
    if which in messages.MESSAGES:
        params["which"] = messages.t(which, lang)
    return messages.t(f"rule_{finding.rule}", lang, **params)


def refusal_text(exc: Refused, lang: str) -> str:
    params = dict(exc.params)
    if "state" in params:
        key = f"state_{params['state']}"
        if key in messages.MESSAGES:
            params["state"] = messages.t(key, lang)
    return messages.t(exc.key, lang, **params) if exc.key in messages.MESSAGES else exc.key


def render(
    request: Request,
    template: str,
    viewer: Viewer | None,
    page: str,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = lang_of(request)
    other = "en" if lang == "zh" else "zh"

    def tr(key: str, **values: object) -> str:
        return messages.t(key, lang, **values)

    def href(path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{path}{separator}lang={lang}"

    base = {
        "lang": lang,
        "page": page,
        "t": tr,
        "href": href,
        "viewer": viewer,
        "nav": nav(viewer),
        "csrf": viewer.csrf if viewer else "",
        "switch_url": _relative(request, lang=other),
        "simulated": platform_of(request).simulated,
        "finding_text": lambda f: finding_text(f, lang),
        # an audit action in words (the code itself when the catalogue has no words for it)
        "action_label": lambda a: (
            messages.t(f"audit_{a}", lang) if f"audit_{a}" in messages.MESSAGES else a
        ),
    }
    return TEMPLATES.TemplateResponse(request, template, {**base, **context}, status_code=status)


def error_response(request: Request, viewer: Viewer | None, exc: Refused) -> Response:
    lang = lang_of(request)
    if request.url.path.startswith("/api/"):
        return api_error(exc, lang)
    findings = [finding_text(f, lang) for f in getattr(exc, "findings", [])]
    return render(
        request,
        "error.html",
        viewer,
        "error",
        status=exc.status,
        message=refusal_text(exc, lang),
        details=findings,
    )


def api_error(exc: Refused, lang: str) -> JSONResponse:
    body: dict[str, Any] = {
        "error": exc.key,
        "message": refusal_text(exc, lang),
        "params": {k: str(v) for k, v in exc.params.items()},
    }
    if isinstance(exc, Invalid):
        body["findings"] = [
            {
                "indicator": f.indicator,
                "severity": f.severity,
                "rule": f.rule,
                "message": finding_text(f, lang),
            }
            for f in exc.findings
        ]
    return JSONResponse(body, status_code=exc.status)
