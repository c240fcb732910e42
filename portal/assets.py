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

    def url(self, name: str) -> str:
        return f"{self.url_prefix}/{hashed_name(self.root, name)}"

    async def get_response(self, path: str, scope: Scope) -> Response:
        match = _HASHED.match(path)
        if match is not None:
            real = f"{match['stem']}{match['suffix']}"
            file = self.root / real
            if file.is_file() and file.resolve().is_relative_to(self.root.resolve()) \
                    and content_hash(file) == match["hash"]:
                response = await super().get_response(real, scope)
                if response.status_code in (200, 304):
                    response.headers["Cache-Control"] = IMMUTABLE
                return response
        return await super().get_response(path, scope)
