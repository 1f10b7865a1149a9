"""The trade pages on their own (``kaifang serve --trade PATH`` without an assessment): the
served trade results and the frame of their pages (title, navigation, language switch), which
beside an assessment come from the assessment's dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from kaifang.web import messages
from kaifang.web.pages import TEMPLATES, page_frame
from kaifang.web.trade_data import TradeView

NAV = (("trade", "/trade", "nav_trade"),)


@dataclass(frozen=True)
class TradeOnly:
    """Trade results served without an assessment (what the trade downloads need of a
    dashboard: its ``trade``)."""

    trade: TradeView

    def title(self, lang: str) -> str:
        """The first source's ``title:`` in ``lang``, else the trade pages' title."""
        for source in self.trade.sources:
            title = (source.results.record.get("config") or {}).get("title") or {}
            if isinstance(title, dict) and title.get(lang):
                return str(title[lang])
        return messages.t("trade_title", lang)


def trade_only_of(request: Request) -> TradeOnly | None:
    """The trade results of a trade-only app; None in the assessment's dashboard."""
    only: TradeOnly | None = getattr(request.app.state, "trade_only", None)
    return only


def render_trade_only(
    request: Request, template: str, lang: str, page: str, *, only: TradeOnly, **context: Any
) -> HTMLResponse:
    """A trade page in the frame of the trade-only app: the trade pages alone in the
    navigation, the results' own title; the page carries its own SIMULATED banner."""
    base = {
        **page_frame(request, lang, page),
        "meta": {"simulated": False, "source_kind": "trade"},
        "title": only.title(lang),
        "nav": NAV,
        "unit_name": {},
    }
    return TEMPLATES.TemplateResponse(request, template, {**base, **context})
