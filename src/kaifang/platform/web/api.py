"""The JSON API (``/api/v1``): personal tokens (``Authorization: Bearer``) or the page's session
cookie with its CSRF token in ``X-CSRF-Token``. Every answer is JSON; a refusal carries a message
key, the text in the requested language and, for rule breaks, the findings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from kaifang.platform import data_entry, review, saving, value_reads, workflow
from kaifang.platform.errors import Refused
from kaifang.platform.web.render import finding_text, lang_of
from kaifang.platform.web.security import Viewer, csrf_ok, platform_of, viewer_of, visit

router = APIRouter(prefix="/api/v1", tags=["platform"])

Cell = Annotated[str, Field(max_length=200)] | float | None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ValuesIn(Strict):
    values: dict[Annotated[str, Field(max_length=64)], Cell] = Field(max_length=500)
    explanations: dict[
        Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=2000)]
    ] = Field(default_factory=dict, max_length=500)
    revision: int | None = Field(default=None, ge=0, le=2**31 - 1)


class ReviewIn(Strict):
    action: Literal["approve", "return", "unapprove"]
    seen_state: Literal[
        "draft", "submitted", "prefecture_approved", "province_approved", "published"
    ]
    comment: str | None = Field(default=None, max_length=2000)


class SubmitIn(Strict):
    revision: int | None = Field(default=None, ge=0, le=2**31 - 1)


def _checked(viewer: Viewer | None, csrf: str | None, unsafe: bool) -> Viewer:
    # a user is needed, and for an unsafe request of a cookie session its CSRF token
    if viewer is None:
        raise HTTPException(401, "login or a bearer token needed")
    if unsafe and not csrf_ok(viewer, csrf):
        raise Refused("csrf_failed")
    return viewer


def _viewer(request: Request, csrf: str | None, unsafe: bool) -> Viewer:
    return _checked(viewer_of(request), csrf, unsafe)


@contextmanager
def _reading(
    request: Request, csrf: str | None = None, unsafe: bool = False
) -> Iterator[tuple[Viewer, Session]]:
    """The request's user, checked as :func:`_viewer` checks it, and a read transaction in the
    user's scope: the lookup and the endpoint's reads in one transaction."""
    with visit(request) as (viewer, session):
        yield _checked(viewer, csrf, unsafe), session


def _submission_json(submission: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "period": submission.period.code,
        "region": submission.region_code,
        "state": submission.state,
        "revision": submission.revision,
        "returned_comment": submission.returned_comment,
        "values": {i: v.value for i, v in values.items()},
        "explanations": {i: v.explanation for i, v in values.items() if v.explanation},
    }


CsrfHeader = Annotated[str | None, Header(alias="X-CSRF-Token")]


@router.get("/periods")
def periods(request: Request) -> list[dict[str, Any]]:
    with _reading(request) as (_viewer, session):
        return [
            {
                "code": p.code,
                "year": p.year,
                "state": p.state,
                "name": {"zh": p.name_zh, "en": p.name_en},
            }
            for p in workflow.list_periods(session)
        ]


@router.get("/periods/{code}/form")
def form(request: Request, code: str) -> list[dict[str, Any]]:
    with _reading(request) as (_viewer, session):
        period = workflow.get_period(session, code)
        # the range that applies: the administrator's per-indicator rules over the derived one
        specs = workflow.field_specs(session, period)
        return [
            {
                "indicator": f.indicator,
                "name": {"zh": f.name_zh, "en": f.name_en},
                "unit": f.unit,
                "low": specs[f.indicator].low,
                "high": specs[f.indicator].high,
                "positive": f.positive,
            }
            for f in period.fields
        ]


@router.get("/periods/{code}/submissions")
def submissions(request: Request, code: str) -> list[dict[str, Any]]:
    with _reading(request) as (viewer, session):
        period = workflow.get_period(session, code)
        found = workflow.submission_states(session, viewer.actor, period)
        return [
            {"region": r, "state": s.state, "revision": s.revision}
            for r, s in sorted(found.items())
        ]


@router.get("/periods/{code}/regions/{region}")
def submission(request: Request, code: str, region: str) -> dict[str, Any]:
    with _reading(request) as (viewer, session):
        period = workflow.get_period(session, code)
        workflow.get_region(session, viewer.actor, region)
        found = workflow.find_submission(session, viewer.actor, period, region)
        if found is None:
            return {"period": code, "region": region, "state": "none", "revision": 0, "values": {}}
        values = value_reads.current_values(session, [found.id])[found.id]
        return _submission_json(found, values)


@router.post("/periods/{code}/regions/{region}/validate")
def validate(
    request: Request, code: str, region: str, body: ValuesIn, x_csrf_token: CsrfHeader = None
) -> dict[str, Any]:
    """Findings of entered values, without saving anything (the form's instant validation)."""
    lang = lang_of(request)
    with _reading(request, x_csrf_token, True) as (viewer, session):
        # the period and the region's checks in one query (the save's), refused as they refuse
        period, _, _ = workflow.period_region_submission(session, viewer.actor, code, region)
        findings = data_entry.check_cells(session, viewer.actor, period, region, body.values)
    return {
        "findings": [
            {
                "indicator": f.indicator,
                "severity": f.severity,
                "rule": f.rule,
                "message": finding_text(f, lang),
            }
            for f in findings
        ]
    }


@router.put("/periods/{code}/regions/{region}/values")
def put_values(
    request: Request, code: str, region: str, body: ValuesIn, x_csrf_token: CsrfHeader = None
) -> dict[str, Any]:
    platform = platform_of(request)
    entry = saving.Entry(code, region, body.values, body.explanations, body.revision, "api")
    # the user's lookup and the save's checks in one read transaction; on PostgreSQL the write
    # too (fewer round trips), on SQLite the write queues for the one writer afterwards
    with _reading(request, x_csrf_token, True) as (viewer, session):
        plan = saving.plan_save(session, viewer.actor, entry)
        if platform.reads_may_write:
            saved, values = saving.apply_save(session, viewer.actor, plan, entry)
            return _submission_json(saved, values)
    saved, values = saving.write_save(platform, viewer.actor, plan, entry)
    return _submission_json(saved, values)


@router.post("/periods/{code}/regions/{region}/submit")
def submit(
    request: Request, code: str, region: str, body: SubmitIn, x_csrf_token: CsrfHeader = None
) -> dict[str, Any]:
    platform = platform_of(request)
    with _reading(request, x_csrf_token, True) as (viewer, session):
        check = saving.check_submit(session, viewer.actor, code, region, body.revision)
        if platform.reads_may_write:
            done = saving.apply_submit(session, viewer.actor, check)
            return {"region": region, "state": done.state, "revision": done.revision}
    done = saving.write_submit(platform, viewer.actor, check)
    return {"region": region, "state": done.state, "revision": done.revision}


@router.post("/periods/{code}/regions/{region}/review")
def review_submission(
    request: Request, code: str, region: str, body: ReviewIn, x_csrf_token: CsrfHeader = None
) -> dict[str, Any]:
    viewer = _viewer(request, x_csrf_token, True)
    with platform_of(request).tx(viewer.actor) as session:
        period = workflow.get_period(session, code)
        found = workflow.find_submission(session, viewer.actor, period, region)
        if found is None:
            raise Refused("not_found", what="submission")
        done = review.review(
            session,
            viewer.actor,
            found.id,
            body.action,
            seen_state=body.seen_state,
            comment=body.comment,
        )
        return {"region": region, "state": done.state, "revision": done.revision}
