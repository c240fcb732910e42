"""Server-sent events: the notices region of an open page updates without a reload."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from sse_starlette.sse import EventSourceResponse

from portal.context import AppContext
from portal.db.models import Profile
from portal.editorial.notices import filter_for
from portal.metrics import NOTICE_FANOUT_SECONDS, SSE_STREAMS
from portal.routes.deps import CtxDep, profile_from_cookie, request_language

router = APIRouter(include_in_schema=False)
# Scheduled notices start and end without an event: pages re-check this often.
RECHECK_SECONDS = 15.0


def _read_profile(ctx: AppContext, raw_cookie: str | None) -> Profile | None:
    # A short session of its own: a long-lived stream must not hold a pooled connection.
    with ctx.sessions() as session:
        profile = profile_from_cookie(ctx, session, raw_cookie)
        if profile is not None:
            session.expunge(profile)
        return profile


@router.get("/live/notices")
async def live_notices(request: Request, ctx: CtxDep) -> EventSourceResponse:
    profile = await asyncio.to_thread(_read_profile, ctx, request.cookies.get("mymachi_profile"))
    lang = request_language(request, profile)
    template = request.app.state.templates.get_template("fragments/notice_list.html")
    live, shared = ctx.live, ctx.notices

    async def events() -> AsyncIterator[dict[str, Any]]:
        last: list[tuple[int, Any]] | None = None
        with SSE_STREAMS.track_inprogress():
            async with live.subscribe() as queue:
                # At least as new as this process's latest change: never older than the page.
                change = live.sequence
                sent_at: float | None = None  # publication time of the change being answered
                while True:
                    notices = filter_for(await shared.active_soon(change), profile)
                    state = [(n.id, n.updated_at) for n in notices]
                    if state != last:
                        html = shared.render((lang, *state), lambda n=notices: template.render(
                            notices=n, lang=lang, request=request))
                        if sent_at is not None:  # delivered: handed to this stream now
                            NOTICE_FANOUT_SECONDS.observe(max(0.0, time.time() - sent_at))
                        yield {"event": "notices", "data": html}
                        last = state
                    try:
                        event = await asyncio.wait_for(queue.get(), RECHECK_SECONDS)
                        change = event["seq"]
                        sent = event.get("sent_at")
                        sent_at = float(sent) if isinstance(sent, int | float) else None
                    except TimeoutError:
                        change, sent_at = 0, None

    return EventSourceResponse(events(), ping=20, headers={"Cache-Control": "no-store"})
