"""Server-rendered pages: login, periods, the entry form, submission and review."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kaifang.errors import InputError
from kaifang.platform import accounts, data_entry, excel, review, saving, value_reads, workflow
from kaifang.platform.errors import Invalid, Refused
from kaifang.platform.forms import period_fields
from kaifang.platform.models import SUBMISSION_STATES, Submission
from kaifang.platform.web.entry_rows import entry_rows
from kaifang.platform.web.overview_rows import overview_rows
from kaifang.platform.web.render import (
    error_response,
    finding_text,
    lang_of,
    refusal_text,
    render,
)
from kaifang.platform.web.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Viewer,
    client_of,
    cookie_options,
    csrf_ok,
    new_login_csrf,
    platform_of,
    viewer_of,
    visit,
)

router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """Raised by pages that need a user; the app answers with a redirect to the login page."""


def need_viewer(request: Request) -> Viewer:
    viewer = viewer_of(request)
    if viewer is None or viewer.csrf is None:
        raise LoginRequired
    return viewer


@contextmanager
def need_visit(request: Request) -> Iterator[tuple[Viewer, Session]]:
    """The page's user, as :func:`need_viewer` requires one, and a read transaction in the
    user's scope, in one transaction (``security.visit``)."""
    with visit(request) as (viewer, session):
        if viewer is None or viewer.csrf is None:
            raise LoginRequired
        yield viewer, session


def redirect(request: Request, path: str, **params: str) -> RedirectResponse:
    query = "&".join(f"{k}={v}" for k, v in {"lang": lang_of(request), **params}.items())
    return RedirectResponse(f"{path}?{query}", status_code=303)


async def form_data(request: Request, viewer: Viewer) -> dict[str, Any]:
    """The posted form, after its CSRF token has been checked."""
    form = await request.form()
    if not csrf_ok(viewer, form.get("csrf")):  # type: ignore[arg-type]
        raise Refused("csrf_failed")
    return dict(form)


# ------------------------------------------------------------------------------------- login


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, error: str | None = None) -> Response:
    token = new_login_csrf()
    response = render(request, "login.html", None, "login", login_csrf=token, error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, **cookie_options(request))
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    sent = str(form.get("csrf") or "")
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    lang = lang_of(request)
    if not sent or not expected or sent != expected:
        return login_page(request, refusal_text(Refused("csrf_failed"), lang))
    platform = platform_of(request)
    username = str(form.get("username") or "")[:64]
    password = str(form.get("password") or "")[:256]
    client = client_of(request)

    def log_in() -> accounts.NewSession | None:
        # the password hash is checked outside the write transaction (and off the event loop)
        with platform.read() as session:
            user = accounts.verify_login(session, username, password, client)
        with platform.tx() as session:
            accounts.record_login(session, username, client, user)
            return None if user is None else accounts.open_session(session, user, platform.secret)

    try:
        opened = await run_in_threadpool(log_in)
        if opened is None:  # the failure is committed above, so that the throttle counts it
            raise Refused("login_failed")
    except Refused as exc:
        response = login_page(request, refusal_text(exc, lang))
        response.status_code = 429 if exc.key == "login_throttled" else 401
        return response
    response = redirect(request, "/periods")
    response.set_cookie(SESSION_COOKIE, opened.cookie, **cookie_options(request))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    viewer = need_viewer(request)
    await form_data(request, viewer)
    platform = platform_of(request)
    cookie = request.cookies.get(SESSION_COOKIE, "")

    def close() -> None:
        with platform.tx() as session:
            accounts.close_session(session, cookie, platform.secret)

    # database writes of the async pages run in a worker thread: a writer waiting for its turn
    # must not stop the event loop, and with it every other request of this process
    await run_in_threadpool(close)
    response = redirect(request, "/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request) -> Response:
    return redirect(request, "/periods")


# ----------------------------------------------------------------------------------- periods


@router.get("/periods", response_class=HTMLResponse)
def periods(request: Request, message: str | None = None) -> Response:
    viewer = need_viewer(request)
    platform = platform_of(request)
    with platform.read(viewer.actor) as session:
        rows = workflow.list_periods(session, with_fields=True)
    return render(request, "periods.html", viewer, "periods", periods=rows, message=message)


@router.post("/periods")
async def create_period(request: Request) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    platform = platform_of(request)
    try:
        year = int(str(form.get("year", "")).strip())
        threshold = float(str(form.get("yoy_threshold") or "50").strip()) / 100
    except ValueError:
        raise Refused("bad_year") from None
    if not math.isfinite(threshold):
        raise Refused("bad_threshold")

    def create() -> None:
        with platform.tx(viewer.actor) as session:
            workflow.create_period(
                session,
                viewer.actor,
                platform.framework,
                code=str(form.get("code", "")),
                year=year,
                name_zh=str(form.get("name_zh", "")),
                name_en=str(form.get("name_en", "")),
                yoy_threshold=threshold,
            )

    await run_in_threadpool(create)
    return redirect(request, "/periods")


@router.post("/periods/{code}/state")
async def period_state(request: Request, code: str) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    platform = platform_of(request)

    def change() -> None:
        with platform.tx(viewer.actor) as session:
            workflow.set_period_state(session, viewer.actor, code, str(form.get("state", "")))

    await run_in_threadpool(change)
    return redirect(request, "/periods")


@router.post("/periods/{code}/publish")
async def publish(request: Request, code: str) -> Response:
    viewer = need_viewer(request)
    await form_data(request, viewer)
    platform = platform_of(request)

    def publish_period() -> review.PublishResult:
        with platform.tx(viewer.actor) as session:
            return review.publish(session, viewer.actor, code)

    result = await run_in_threadpool(publish_period)
    lang = lang_of(request)
    none = "—" if lang == "zh" else "none"
    return render(
        request,
        "published.html",
        viewer,
        "periods",
        code=code,
        published=", ".join(result.published) or none,
        pending=", ".join(result.pending) or none,
    )


@router.get("/periods/{code}", response_class=HTMLResponse)
def period_page(request: Request, code: str) -> Response:
    with need_visit(request) as (viewer, session):
        period = workflow.get_period(session, code)
        regions = workflow.regions_in_scope(session, viewer.actor)
        submissions = workflow.submission_states(session, viewer.actor, period)
    rows = overview_rows(regions, submissions, lang_of(request), period.code)
    return render(request, "period.html", viewer, "periods", period=period, overview_rows=rows)


# ------------------------------------------------------------------------ form and reviews


def _form_page(
    request: Request,
    viewer: Viewer,
    code: str,
    region_code: str,
    *,
    status: int = 200,
    entered: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    error: str | None = None,
    findings: list[Any] | None = None,
    problems: list[str] | None = None,
    message: str | None = None,
    session: Session | None = None,
) -> Response:
    """The entry form of a region for a period; ``session`` is the request's read transaction
    when the caller has one (:func:`need_visit`), otherwise one is opened here."""
    platform = platform_of(request)
    actor = viewer.actor
    with nullcontext(session) if session is not None else platform.read(actor) as session:
        period, region, submission = workflow.period_region_submission(
            session, actor, code, region_code
        )
        values = (
            value_reads.current_values(session, [submission.id])[submission.id]
            if submission
            else {}
        )
        history = review.reviews_of(session, actor, submission) if submission else []
        fields = period_fields(session, period)
        specs = workflow.field_specs(session, period)
        if findings is None and values:
            findings = data_entry.check_cells(
                session,
                actor,
                period,
                region_code,
                {i: v.value for i, v in values.items()},
                specs,
            )
    state = submission.state if submission else "none"
    editable = actor.can("enter") and period.state == "open" and state in ("none", "draft")
    shown = {i: ("" if v.value is None else f"{v.value:g}") for i, v in values.items()}
    shown.update(entered or {})
    explained = {i: v.explanation or "" for i, v in values.items()}
    explained.update(notes or {})
    by_indicator: dict[str, list[Any]] = {}
    for finding in findings or []:
        by_indicator.setdefault(finding.indicator, []).append(finding)
    actions = []
    if submission is not None:
        for (from_state, action), (permission, _) in review.TRANSITIONS.items():
            if from_state == state and actor.can(permission):
                actions.append(action)
    lang = lang_of(request)
    rows = entry_rows(
        fields,
        specs,
        lang,
        values=shown,
        notes=explained,
        findings=by_indicator,
        editable=editable,
        finding_text=lambda f: finding_text(f, lang),
    )
    return render(
        request,
        "form.html",
        viewer,
        "periods",
        status=status,
        period=period,
        region=region,
        submission=submission,
        state=state,
        editable=editable,
        can_submit=editable and submission is not None and actor.can("submit"),
        entry_rows=rows,
        actions=actions,
        history=history,
        error=error,
        problems=problems or [],
        message=message,
        states=SUBMISSION_STATES,
    )


@router.get("/periods/{code}/{region_code}", response_class=HTMLResponse)
def form_page(
    request: Request, code: str, region_code: str, message: str | None = None
) -> Response:
    text = None
    if message in ("saved", "submitted_ok", "review_done"):
        from kaifang.platform.web.messages import t

        text = t(message, lang_of(request))
    with need_visit(request) as (viewer, session):
        return _form_page(request, viewer, code, region_code, message=text, session=session)


@router.post("/periods/{code}/{region_code}/values")
async def save_values(request: Request, code: str, region_code: str) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    cells = {k[2:]: str(v) for k, v in form.items() if k.startswith("v_")}
    notes = {k[2:]: str(v) for k, v in form.items() if k.startswith("e_")}
    revision_text = str(form.get("revision", ""))
    revision = int(revision_text) if revision_text.isdigit() else None
    platform = platform_of(request)
    try:
        # in a worker thread: the database work must not stop the event loop
        await run_in_threadpool(
            saving.save_values,
            platform,
            viewer.actor,
            code,
            region_code,
            cells,
            notes,
            revision=revision,
        )
    except Invalid as exc:
        return _form_page(
            request,
            viewer,
            code,
            region_code,
            status=422,
            entered=cells,
            notes=notes,
            error=refusal_text(exc, lang_of(request)),
            findings=exc.findings,
        )
    return redirect(request, f"/periods/{code}/{region_code}", message="saved")


def _submission_id(session: Any, viewer: Viewer, code: str, region_code: str) -> Submission:
    period = workflow.get_period(session, code)
    found = workflow.find_submission(session, viewer.actor, period, region_code)
    if found is None:
        raise Refused("nothing_entered")
    return found


@router.post("/periods/{code}/{region_code}/submit")
async def submit(request: Request, code: str, region_code: str) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    revision_text = str(form.get("revision", ""))
    platform = platform_of(request)
    try:
        await run_in_threadpool(
            saving.submit,
            platform,
            viewer.actor,
            code,
            region_code,
            int(revision_text) if revision_text.isdigit() else None,
        )
    except Invalid as exc:
        return _form_page(
            request,
            viewer,
            code,
            region_code,
            status=422,
            error=refusal_text(exc, lang_of(request)),
            findings=exc.findings,
        )
    return redirect(request, f"/periods/{code}/{region_code}", message="submitted_ok")


@router.post("/periods/{code}/{region_code}/review")
async def review_action(request: Request, code: str, region_code: str) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    platform = platform_of(request)

    def act() -> None:
        with platform.tx(viewer.actor) as session:
            submission = _submission_id(session, viewer, code, region_code)
            review.review(
                session,
                viewer.actor,
                submission.id,
                str(form.get("action", "")),
                seen_state=str(form.get("seen_state", "")),
                comment=str(form.get("comment", "")),
            )

    await run_in_threadpool(act)
    return redirect(request, f"/periods/{code}/{region_code}", message="review_done")


@router.get("/periods/{code}/{region_code}/template.xlsx")
def template(request: Request, code: str, region_code: str) -> Response:
    viewer = need_viewer(request)
    platform = platform_of(request)
    with platform.read(viewer.actor) as session:
        period = workflow.get_period(session, code)
        region = workflow.get_region(session, viewer.actor, region_code)
        submission = workflow.find_submission(session, viewer.actor, period, region_code)
        values = (
            value_reads.current_values(session, [submission.id])[submission.id]
            if submission
            else {}
        )
        specs = workflow.field_specs(session, period)
        content = excel.template_bytes(
            period,
            region,
            list(period.fields),
            {i: (v.value, v.explanation) for i, v in values.items()},
            lang_of(request),
            ranges={i: (s.low, s.high) for i, s in specs.items()},
        )
    name = f"kaifang_{period.code}_{region.code}.xlsx"
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.post("/periods/{code}/{region_code}/upload")
async def upload(request: Request, code: str, region_code: str) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    file = form.get("file")
    if file is None or not hasattr(file, "read"):
        raise Refused("bad_request")
    content = await file.read(excel.MAX_UPLOAD + 1)
    platform = platform_of(request)
    lang = lang_of(request)
    filename = str(file.filename or "")

    def store() -> None:
        # the workbook is read outside the write transaction, in a worker thread
        with platform.read(viewer.actor) as session:
            period = workflow.get_period(session, code)
            region = workflow.get_region(session, viewer.actor, region_code)
            indicators = {f.indicator for f in period.fields}
            data = excel.read_upload(content, filename, period, region, indicators)
        saving.save_values(
            platform, viewer.actor, code, region_code, data.cells, data.notes, source="upload"
        )

    try:
        await run_in_threadpool(store)
    except InputError as exc:
        from kaifang.platform.web.messages import t

        return _form_page(
            request,
            viewer,
            code,
            region_code,
            status=422,
            error=t("input_problems", lang),
            problems=[str(p) for p in exc.problems[:50]],
        )
    except Invalid as exc:
        return _form_page(
            request,
            viewer,
            code,
            region_code,
            status=422,
            error=refusal_text(exc, lang),
            findings=exc.findings,
        )
    return redirect(request, f"/periods/{code}/{region_code}", message="saved")


def refused_page(request: Request, exc: Refused) -> Response:
    return error_response(request, viewer_of(request), exc)
