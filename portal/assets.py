"""Static files under content-hashed names, cached by browsers and proxies for a year.

`site.css` is linked as `/static/site.3f2a9c1b0d.css`: a new deploy that changes the file
changes its name, so the old name may be cached forever (`immutable`: not even revalidated).
Templates get the name from one helper, `static_url('site.css')`; the plain name still
answers (with the ordinary revalidating headers) for anything that links it directly.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
_HASH_LENGTH = 10
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{_HASH_LENGTH}}})(?P<suffix>\.[^./]+)$")


@lru_cache(maxsize=256)
def _content_hash(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:_HASH_LENGTH]


def content_hash(path: Path) -> str:
    return _content_hash(path, path.stat().st_mtime_ns)


def hashed_name(directory: Path, name: str) -> str:
    """`site.css` → `site.<hash of its bytes>.css` (the same path under `directory`)."""
    path = directory / name
    stem, dot, suffix = name.rpartition(".")
    if not dot or "/" in suffix:
        return f"{name}.{content_hash(path)}"
    return f"{stem}.{content_hash(path)}.{suffix}"


class HashedStaticFiles(StaticFiles):
    """StaticFiles that also answers `name.<hash>.ext` when <hash> is the file's current
    content hash, with a year-long immutable Cache-Control."""

    def __init__(self, directory: Path, url_prefix: str) -> None:
        super().__init__(directory=directory)
        self.root = directory
        self.url_prefix = url_prefix.rstrip("/")
        # Hashed name → its bytes and headers: a name that never changes content is served
        # from memory, without the stat/open/read hops to worker threads of a file response.
        self._held: dict[str, tuple[bytes, dict[str, str]]] = {}

    def url(self, name: str) -> str:
        return f"{self.url_prefix}/{hashed_name(self.root, name)}"

    async def get_response(self, path: str, scope: Scope) -> Response:
        match = _HASHED.match(path)
        if match is not None:
            real = f"{match['stem']}{match['suffix']}"
            file = self.root / real
            held = self._held.get(path)
            if held is not None:
                return _from_memory(held, scope)
            if file.is_file() and file.resolve().is_relative_to(self.root.resolve()) \
                    and content_hash(file) == match["hash"]:
                response = await super().get_response(real, scope)
                if response.status_code in (200, 304):
                    response.headers["Cache-Control"] = IMMUTABLE
                if response.status_code == 200 and file.stat().st_size <= HELD_BYTES:
                    headers = {k: v for k, v in response.headers.items()
                               if k in ("content-type", "etag", "last-modified", "cache-control")}
                    self._held[path] = (file.read_bytes(), headers)
                return response
        return await super().get_response(path, scope)


HELD_BYTES = 512 * 1024


def _from_memory(held: tuple[bytes, dict[str, str]], scope: Scope) -> Response:
    body, headers = held
    if scope.get("method") == "HEAD":
        return Response(headers={**headers, "content-length": str(len(body))})
    # A browser holding an immutable name does not ask again; a conditional request from
    # anything else gets the plain 304 it would get from the file.
    for name, value in scope.get("headers", ()):
        if name == b"if-none-match" and value.decode("latin-1") == headers.get("etag"):
            return Response(status_code=304, headers=headers)
    return Response(body, headers=headers)
