"""JSON API under /api/v1 (a Stable contract: see ARCHITECTURE.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from portal.context import AppContext
from portal.db.models import Profile, utcnow
from portal.db.session import Session
from portal.editorial import analytics
from portal.editorial.notices import notices_for
from portal.feed.ranking import personal_feed
from portal.feed.search import get_article
from portal.i18n import LANGUAGES, content_language
from portal.residents.profiles import (
    ProfileInput,
    add_feedback,
    create_profile,
    erase_profile,
    export_profile,
    get_profile,
)
from portal.routes.deps import CtxDep, SessionDep
from portal.security import RATE_LIMITED, limit_writes

FeedbackKind = Literal["open", "save", "hide", "more", "less"]
# Every UI language with a catalog (portal/locale/<lang>/); the schema lists them.
Language = Literal[LANGUAGES]  # type: ignore[valid-type]
Text = Annotated[str, Field(min_length=1, max_length=100)]


class ErrorOut(BaseModel):
    detail: str


# Documented so /openapi.json lists every status the API really answers (422 is FastAPI's
# HTTPValidationError, the same {"detail": [{loc, msg, type}]} shape as our own 422s).
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "Unknown or erased profile."},
}
UNREADABLE_BODY: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The body could not be read (e.g. not UTF-8)."},
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                               "required": True, "schema": {"type": "integer"}}}
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorOut, "headers": RETRY_AFTER,
          "description": "The database is unreachable; retry after Retry-After seconds."},
}
# The write limiter's 429, with the body and header it really sends.
LIMITED: dict[int | str, dict[str, Any]] = {
    429: {**RATE_LIMITED[429], "model": ErrorOut, "headers": RETRY_AFTER},
}

# Writes (POST/DELETE) count against the client's rate limit; over it, 429 + Retry-After.
router = APIRouter(prefix="/api/v1", tags=["residents"], responses=UNAVAILABLE,
                   dependencies=[Depends(limit_writes("api"))])


class CategoryOut(BaseModel):
    slug: str
    label: str
    description: str


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    categories: list[Text] = Field(default_factory=list, max_length=50)
    areas: list[Text] = Field(default_factory=list, max_length=50)
    life_stages: list[Text] = Field(default_factory=list, max_length=20)
    keywords: list[Text] = Field(default_factory=list, max_length=20)
    language: Language = "ja"


class ProfileOut(BaseModel):
    id: str
    categories: list[str]
    areas: list[str]
    life_stages: list[str]
    keywords: list[str]
    language: str


class NoticeOut(BaseModel):
    id: str
    severity: str
    title: str
    body: str


class FeedItemOut(BaseModel):
    id: str
    title: str
    url: str
    department: str
    departments: list[str]
    published: str | None
    categories: list[str]
    areas: list[str]
    deadline: str | None
    reason: str
    # False: other news from the city, outside the resident's interests; the feed lists
    # every item that matches before any that does not.
    matches_interests: bool


class FeedOut(BaseModel):
    notices: list[NoticeOut]
    items: list[FeedItemOut]


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The pattern documents the validator below; an id naming no article is a 422 as well.
    article_id: str = Field(min_length=1, max_length=10,
                            json_schema_extra={"pattern": "^[0-9]{1,10}$"})
    kind: FeedbackKind

    @field_validator("article_id")
    @classmethod
    def _numeric(cls, value: str) -> str:
        # ASCII only: str.isdigit() also takes "²" (int() refuses it) and "١٢" (other scripts).
        if not (value.isascii() and value.isdigit()) or int(value) >= 2**31:
            raise ValueError("article_id must be an article id from the feed")
        return value


def _vocabularies(ctx: AppContext) -> dict[str, set[str]]:
    """The slugs each profile field accepts: this city's taxonomy and wards."""
    return {
        "categories": {c.slug for c in ctx.taxonomy.categories},
        "areas": {a.slug for a in ctx.areas},
        "life_stages": {s.slug for s in ctx.taxonomy.life_stages},
    }


def install_openapi(app: FastAPI, ctx: AppContext) -> None:
    """List the accepted slugs in /openapi.json, so a client (or a fuzzer) can tell a valid
    profile from one that gets the 422 below without reading the taxonomy first."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            fields = schema["components"]["schemas"]["ProfileIn"]["properties"]
            for field, allowed in _vocabularies(ctx).items():
                fields[field]["items"]["enum"] = sorted(allowed)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _validate_profile(ctx: AppContext, body: ProfileIn) -> ProfileInput:
    """Unknown slugs are a 422 naming the field, like any other invalid input."""
    errors = []
    for field, allowed in _vocabularies(ctx).items():
        for value in getattr(body, field):
            if value not in allowed:
                errors.append({
                    "loc": ["body", field], "type": "value_error",
                    "msg": f"unknown {field[:-1].replace('_', ' ')} {value!r}; "
                           f"allowed: {', '.join(sorted(allowed)) or 'none'}",
                })
    if errors:
        raise HTTPException(status_code=422, detail=errors)
    return ProfileInput(
        categories={slug: 1.0 for slug in body.categories}, areas=body.areas,
        life_stages=body.life_stages, keywords=body.keywords, language=body.language,
    )


def _profile_or_404(session: Session, profile_id: str) -> Profile:
    profile = get_profile(session, profile_id)
    if profile is None:
        raise HTTPException(status_code=404, detail="unknown or erased profile")
    return profile


def _out(profile: Profile) -> ProfileOut:
    return ProfileOut(
        id=profile.id, categories=list(profile.categories), areas=profile.areas,
        life_stages=profile.life_stages, keywords=profile.keywords, language=profile.language,
    )


@router.get("/categories", response_model=list[CategoryOut])
async def list_categories(ctx: CtxDep, lang: Language = "ja"
                          ) -> list[CategoryOut]:
    # async: the taxonomy is in memory, so no hop to a worker thread and back.
    return [
        CategoryOut(slug=c.slug, label=ctx.taxonomy.label(c.slug, content_language(lang)),
                    description=c.description)
        for c in ctx.taxonomy.categories
    ]


@router.post("/profiles", status_code=status.HTTP_201_CREATED, response_model=ProfileOut,
             responses={**LIMITED, **UNREADABLE_BODY})
def post_profile(body: ProfileIn, ctx: CtxDep, session: SessionDep) -> ProfileOut:
    # Committed (by SessionDep) before the response starts: the client's next request sees it.
    return _out(create_profile(session, _validate_profile(ctx, body)))


@router.get("/profiles/{profile_id}", response_model=dict[str, Any], responses=NOT_FOUND)
def get_profile_export(profile_id: str, session: SessionDep) -> dict[str, Any]:
    return export_profile(session, _profile_or_404(session, profile_id))


@router.delete("/profiles/{profile_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses={**LIMITED, **NOT_FOUND})
def delete_profile(profile_id: str, session: SessionDep) -> None:
    erase_profile(session, _profile_or_404(session, profile_id))


@router.get("/profiles/{profile_id}/feed", response_model=FeedOut, responses=NOT_FOUND)
def get_feed(
    profile_id: str, ctx: CtxDep, session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> FeedOut:
    profile = _profile_or_404(session, profile_id)
    now = utcnow()
    items = personal_feed(ctx, session, profile, now=now, limit=limit, offset=offset)
    analytics.record(ctx, profile, [item.article.id for item in items], "impression", now)
    return FeedOut(
        notices=[
            NoticeOut(id=str(n.id), severity=n.severity, title=n.title, body=n.body)
            for n in notices_for(session, profile, now)
        ],
        items=[
            FeedItemOut(
                id=str(item.article.id), title=item.article.title, url=item.article.url,
                department=item.article.department, departments=item.article.departments,
                published=item.article.published.isoformat() if item.article.published else None,
                categories=item.categories, areas=item.article.areas,
                deadline=item.article.deadline.isoformat() if item.article.deadline else None,
                reason=item.reason, matches_interests=item.matches_interests,
            )
            for item in items
        ],
    )


@router.post("/profiles/{profile_id}/feedback", status_code=status.HTTP_201_CREATED,
             responses={**LIMITED, **NOT_FOUND, **UNREADABLE_BODY})
def post_feedback(profile_id: str, body: FeedbackIn, ctx: CtxDep, session: SessionDep
                  ) -> dict[str, str]:
    profile = _profile_or_404(session, profile_id)
    if get_article(session, int(body.article_id)) is None:
        raise HTTPException(status_code=422, detail=[{
            "loc": ["body", "article_id"], "type": "value_error", "msg": "unknown article",
        }])
    add_feedback(session, profile, int(body.article_id), body.kind)
    analytics.record(ctx, profile, [int(body.article_id)], body.kind)
    return {"status": "ok", "kind": body.kind, "article_id": body.article_id}


