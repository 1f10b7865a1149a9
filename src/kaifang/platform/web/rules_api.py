"""The JSON API of the per-indicator validation rules (``/api/v1/rules`` for every period,
``/api/v1/periods/{code}/rules`` for one), in the style of :mod:`kaifang.platform.web.api`:
everyone reads, the administrator sets (PUT) and resets (DELETE) one indicator's rules; the
threshold is a fraction (0.5 = 50%)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field
from sqlalchemy.orm import Session

from kaifang.platform import indicator_rules, workflow
from kaifang.platform.forms import form_fields
from kaifang.platform.models import Period
from kaifang.platform.web.api import CsrfHeader, Strict, _viewer
from kaifang.platform.web.security import platform_of

router = APIRouter(prefix="/api/v1", tags=["platform"])


class RuleIn(Strict):
    """One indicator's rules: ``low``/``high`` (null: unbounded) must be given;
    ``yoy_threshold`` null keeps the period's threshold."""

    low: float | None
    high: float | None
    yoy_threshold: float | None = Field(default=None)
    history_band: bool = True


def _fields(request: Request, period: Period | None) -> Sequence[Any]:
    return (
        list(period.fields) if period is not None else form_fields(platform_of(request).framework)
    )


def _rules_json(session: Session, fields: Sequence[Any], period: Period | None) -> dict[str, Any]:
    effective = indicator_rules.effective_rules(session, fields, period)
    rows = []
    for f in fields:
        rule = effective[f.indicator]
        rows.append(
            {
                "indicator": f.indicator,
                "name": {"zh": f.name_zh, "en": f.name_en},
                "unit": f.unit,
                **rule.settings(),
                "source": rule.source,
                "default": {"low": f.low, "high": f.high},
                "updated_by": rule.updated_by,
                "updated_at": None if rule.updated_at is None else rule.updated_at.isoformat(),
            }
        )
    return {"level": indicator_rules.GLOBAL if period is None else period.code, "rules": rows}


def _read(request: Request, code: str | None) -> dict[str, Any]:
    viewer = _viewer(request, None, False)
    with platform_of(request).read(viewer.actor) as session:
        period = workflow.get_period(session, code) if code is not None else None
        return _rules_json(session, _fields(request, period), period)


def _write(
    request: Request, code: str | None, indicator: str, body: RuleIn | None, csrf: str | None
) -> dict[str, Any]:
    viewer = _viewer(request, csrf, True)
    viewer.actor.require("manage_rules")
    change = (
        indicator_rules.RuleChange(indicator[:64], reset=True)
        if body is None
        else indicator_rules.RuleChange(
            indicator[:64], body.low, body.high, body.yoy_threshold, body.history_band
        )
    )
    with platform_of(request).tx(viewer.actor) as session:
        period = workflow.get_period(session, code) if code is not None else None
        fields = _fields(request, period)
        changed = indicator_rules.save_rules(session, viewer.actor, fields, period, [change])
        rules = _rules_json(session, fields, period)["rules"]
        return {
            "changed": changed,
            "rule": next(r for r in rules if r["indicator"] == change.indicator),
        }


@router.get("/rules")
def global_rules(request: Request) -> dict[str, Any]:
    """The rules of every indicator for every period (where no period row overrides them)."""
    return _read(request, None)


@router.get("/periods/{code}/rules")
def period_rules(request: Request, code: str) -> dict[str, Any]:
    """The rules that apply to the period's form, each with its source."""
    return _read(request, code)


@router.put("/rules/{indicator}")
def set_global_rule(
    request: Request, indicator: str, body: RuleIn, x_csrf_token: CsrfHeader = None
) -> dict[str, Any]:
    return _write(request, None, indicator, body, x_csrf_token)


@router.delete("/rules/{indicator}")
def reset_global_rule(
    request: Request, indicator: str, x_csrf_token: CsrfHeader = None
) -> dict[str, Any]:
    return _write(request, None, indicator, None, x_csrf_token)


@router.put("/periods/{code}/rules/{indicator}")
def set_period_rule(
    request: Request, code: str, indicator: str, body: RuleIn, x_csrf_token: CsrfHeader = None
) -> dict[str, Any]:
    return _write(request, code, indicator, body, x_csrf_token)


@router.delete("/periods/{code}/rules/{indicator}")
def reset_period_rule(
    request: Request, code: str, indicator: str, x_csrf_token: CsrfHeader = None
) -> dict[str, Any]:
    return _write(request, code, indicator, None, x_csrf_token)
