"""What HTTP routes share: templates, typed dependencies, cookies, CSRF."""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response
from itsdangerous import BadSignature
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup
from starlette.datastructures import FormData

from portal.context import AppContext
from portal.db.models import Editor, Profile
from portal.db.session import Session, session_scope
from portal.editorial.editors import get_editor
from portal.editorial.richtext import render_notice_body
from portal.editorial.twofactor import needs_totp
from portal.i18n import (
    JST,
    content_language,
    days_until,
    format_date,
    language_names,
    negotiate_language,
    normalize_language,
    t,
    tn,
)
from portal.residents.profiles import get_profile
from portal.signing import profile_signer

T = TypeVar("T")
PROFILE_COOKIE = "mymachi_profile"
LANG_COOKIE = "mymachi_lang"


def make_templates(ctx: AppContext) -> Jinja2Blocks:
    templates = Jinja2Blocks(directory=str(ctx.settings.templates_dir))
    env = templates.env
    # Templates change with a deploy, not while serving: no stat() of the file per render
    # (a tenth of a warm feed's time under load).
    env.auto_reload = False
    env.globals["t"] = t
    env.globals["tn"] = tn
    env.globals["category_label"] = lambda slug, lang="ja": ctx.taxonomy.label(
        slug, content_language(lang))
    env.globals["languages"] = language_names()
    env.globals["area_label"] = ctx.area_label
    env.globals["city_name"] = ctx.city_name
    env.filters["jdate"] = format_date
    env.filters["days_left"] = days_until
    env.filters["jdatetime"] = lambda v, lang="ja": (
        f"{format_date(v, lang)} {v.astimezone(JST):%H:%M}" if v else ""
    )
    env.filters["richtext"] = lambda text: Markup(render_notice_body(text or ""))
    return templates


def get_ctx(request: Request) -> AppContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


CtxDep = Annotated[AppContext, Depends(get_ctx)]


def get_session(ctx: CtxDep) -> Iterator[Session]:
    with session_scope(ctx.sessions) as session:
        yield session


# Committed when the route returns, before the response starts: a commit that fails (SQL
# went away mid-request) becomes the 503 page, not a connection dropped without an answer.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def set_profile_cookie(response: Response, ctx: AppContext, profile_id: str) -> None:
    response.set_cookie(
        PROFILE_COOKIE, profile_signer(ctx.settings).dumps(profile_id), max_age=400 * 24 * 3600,
        httponly=True, samesite="lax", secure=ctx.settings.cookie_secure,
    )


def profile_from_cookie(ctx: AppContext, session: Session, raw: str | None) -> Profile | None:
    if not raw:
        return None
    try:
        profile_id = profile_signer(ctx.settings).loads(raw)
    except BadSignature:
        return None
    return get_profile(session, str(profile_id))


def cookie_profile(request: Request, ctx: CtxDep, session: SessionDep) -> Profile | None:
    return profile_from_cookie(ctx, session, request.cookies.get(PROFILE_COOKIE))


CookieProfile = Annotated[Profile | None, Depends(cookie_profile)]


class ProfileRequired(Exception):
    """A page for residents with a profile; the app redirects to onboarding ("/")."""


def require_profile(profile: Profile | None) -> Profile:
    if profile is None:
        raise ProfileRequired
    return profile


def required_profile(profile: CookieProfile) -> Profile:
    return require_profile(profile)


# A route parameter of this type sends a visitor without a profile to onboarding.
RequiredProfile = Annotated[Profile, Depends(required_profile)]


def request_language(request: Request, profile: Profile | None = None) -> str:
    """?lang= wins, then the profile's language, then the cookie, then the browser's
    Accept-Language (among the languages with a catalog), then Japanese."""
    if "lang" in request.query_params:
        return normalize_language(request.query_params["lang"])
    if profile is not None:
        return normalize_language(profile.language)
    if request.cookies.get(LANG_COOKIE):
        return normalize_language(request.cookies.get(LANG_COOKIE))
    return negotiate_language(request.headers.get("Accept-Language")) or "ja"


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- editor session and CSRF -------------------------------------------------------------


class LoginRequired(Exception):
    """Raised by editor dependencies; the app turns it into a redirect to the login page."""


def signed_values(request: Request) -> dict[str, Any]:
    """The editor's signed session cookie (Starlette's request.session), not SQL."""
    return request.session  # type: ignore[no-any-return]


def csrf_token(request: Request) -> str:
    token = signed_values(request).get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        signed_values(request)["csrf"] = token
    return str(token)


async def require_csrf(request: Request) -> None:
    form = await request.form()
    sent = str(form.get("csrf_token", "")) or request.headers.get("X-CSRF-Token", "")
    expected = signed_values(request).get("csrf", "")
    if not expected or not hmac.compare_digest(sent, str(expected)):
        raise HTTPException(status_code=403, detail="CSRF token missing or invalid")


# A route parameter of this type refuses the request (403) unless its CSRF token is valid.
CsrfChecked = Annotated[None, Depends(require_csrf)]


async def read_form(request: Request) -> FormData:
    return await request.form()


# The posted form, read on the event loop, so that a route taking it can be a plain `def`:
# FastAPI then runs its SQL in a worker thread, and a slow write (SQLite's lock held by a
# crawl) never stalls the event loop and every other request with it.
FormDep = Annotated[FormData, Depends(read_form)]


class TotpEnrolmentRequired(Exception):
    """An admin without two-factor while it is required; the app redirects to enrolment."""


def start_editor_session(request: Request, editor: Editor) -> None:
    """A fresh session on login (no fixation), stamped with the account's session generation
    and the login time."""
    values = signed_values(request)
    values.clear()
    values.update(editor_id=editor.id, gen=editor.session_generation or 0,
                  login_at=int(time.time()))
    csrf_token(request)


def signed_in_editor(request: Request, ctx: CtxDep, session: SessionDep) -> Editor:
    """The editor of this session, if it still stands: the account is active, its sessions
    were not revoked since, and it is younger than the session lifetime."""
    values = signed_values(request)
    editor_id = values.get("editor_id")
    editor = get_editor(session, int(editor_id)) if editor_id else None
    age = time.time() - float(values.get("login_at", 0))
    if (editor is None or not editor.active
            or values.get("gen") != (editor.session_generation or 0)
            or age > ctx.settings.editor_session_hours * 3600):
        if editor_id:
            values.clear()  # a revoked or expired session is not kept (a pending login is)
        raise LoginRequired
    return editor


SignedInEditor = Annotated[Editor, Depends(signed_in_editor)]


def current_editor(editor: SignedInEditor, ctx: CtxDep) -> Editor:
    if needs_totp(editor, ctx.settings.require_admin_totp):
        raise TotpEnrolmentRequired
    return editor


CurrentEditor = Annotated[Editor, Depends(current_editor)]

# Each role can do what the roles below it can: admin ⊇ editor ⊇ viewer.
ROLE_RANK = {"viewer": 0, "editor": 1, "admin": 2}


def _require(role: str):  # type: ignore[no-untyped-def]
    def dependency(editor: CurrentEditor) -> Editor:
        if ROLE_RANK.get(editor.role, -1) < ROLE_RANK[role]:
            raise HTTPException(status_code=403, detail=f"the {role} role is required")
        return editor

    return dependency


ViewerRole = Annotated[Editor, Depends(_require("viewer"))]
EditorRole = Annotated[Editor, Depends(_require("editor"))]
AdminRole = Annotated[Editor, Depends(_require("admin"))]


def found_or_404(found: T | None) -> T:
    """The row a URL names, or a 404 page when there is none."""
    if found is None:
        raise HTTPException(status_code=404)
    return found


def flash_key(request: Request) -> str | None:
    """The ?flash= message of a redirect, if it is one of ours (no made-up text shown)."""
    key = request.query_params.get("flash", "")
    return key if key.startswith("editor.") and t(key) != key else None


def page_context(request: Request, lang: str, **extra: Any) -> dict[str, Any]:
    return {"request": request, "lang": lang, **extra}
