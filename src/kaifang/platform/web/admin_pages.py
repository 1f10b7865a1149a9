"""Pages of the audit log, user management and the user's own API tokens."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from kaifang.platform import accounts, review
from kaifang.platform.errors import NotFound, Refused
from kaifang.platform.models import ROLES, AuditEntry, User
from kaifang.platform.web.pages import form_data, need_viewer, redirect
from kaifang.platform.web.render import render
from kaifang.platform.web.security import Viewer, platform_of

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 100


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise Refused("bad_request") from None


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    action: str | None = None,
    actor: str | None = None,
    region: str | None = None,
    object_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: int = 0,
) -> Response:
    viewer = need_viewer(request)
    platform = platform_of(request)
    where = review.AuditFilter(
        action=(action or "")[:40] or None,
        actor=(actor or "")[:64] or None,
        region=(region or "")[:12] or None,
        object_id=(object_id or "")[:80] or None,
        since=_date(since),
        until=_date(until),
    )
    page = max(0, min(page, 10_000))
    chain = None
    with platform.read(viewer.actor) as session:
        entries = review.audit_entries(
            session, viewer.actor, where, limit=AUDIT_PAGE, offset=page * AUDIT_PAGE
        )
        actions = sorted(set(session.scalars(select(AuditEntry.action).distinct())))
        if viewer.actor.can("manage_users"):
            broken = review.verify_audit(session, viewer.actor)
            total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
            chain = {"broken": broken, "total": total}
    return render(
        request,
        "audit.html",
        viewer,
        "audit",
        entries=entries,
        where=where,
        actions=actions,
        chain=chain,
        page_no=page,
        more=len(entries) == AUDIT_PAGE,
    )


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request) -> Response:
    viewer = need_viewer(request)
    platform = platform_of(request)
    with platform.read(viewer.actor) as session:
        users = accounts.list_users(session, viewer.actor)
    return render(request, "users.html", viewer, "users", users=users, roles=ROLES)


def _codes(text: object) -> list[str]:
    return [c.strip() for c in str(text or "").replace("，", ",").split(",") if c.strip()][:200]


@router.post("/users")
async def create_user(request: Request) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    platform = platform_of(request)
    with platform.tx(viewer.actor) as session:
        accounts.create_user(
            session,
            viewer.actor,
            username=str(form.get("username", "")),
            display_name=str(form.get("display_name", "")),
            password=str(form.get("password", "")),
            role=str(form.get("role", "")),
            scope=_codes(form.get("scope")),
        )
    return redirect(request, "/users")


@router.post("/users/{user_id}")
async def update_user(request: Request, user_id: int) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    platform = platform_of(request)
    password = str(form.get("password") or "")
    with platform.tx(viewer.actor) as session:
        if session.get(User, user_id) is None:
            raise NotFound("user")
        accounts.update_user(
            session,
            viewer.actor,
            user_id,
            role=str(form.get("role", "")) or None,
            scope=_codes(form.get("scope")) or None,
            active=form.get("active") == "on",
            password=password or None,
        )
    return redirect(request, "/users")


def _account(request: Request, viewer: Viewer, token: str | None) -> Response:
    with platform_of(request).read(viewer.actor) as session:
        tokens = accounts.list_tokens(session, viewer.actor.id or 0)
    return render(request, "account.html", viewer, "account", token=token, tokens=tokens)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> Response:
    return _account(request, need_viewer(request), None)


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: int) -> Response:
    viewer = need_viewer(request)
    await form_data(request, viewer)
    with platform_of(request).tx(viewer.actor) as session:
        accounts.revoke_token(session, viewer.actor, token_id)
    return redirect(request, "/account")


@router.post("/account/tokens")
async def create_token(request: Request) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    platform = platform_of(request)
    with platform.tx(viewer.actor) as session:
        user = session.get(User, viewer.actor.id)
        if user is None:
            raise NotFound("user")
        token = accounts.create_token(session, user, str(form.get("name", "")), platform.secret)
    return _account(request, viewer, token)
