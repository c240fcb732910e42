"""Content-Encoding (gzip, deflate, br) undone with a ceiling on the decoded size.

httpx inflates each network chunk in one go, so a few kilobytes of a compression bomb can become
gigabytes in memory before any size check runs. Here every step asks the decompressor for at
most the room left under the limit, and a stream that ends before its compressed end marker
(a truncated download) is an error, not half a page.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import brotli

from crawlers.errors import CrawlError

ACCEPT_ENCODING = "gzip, deflate, br"
IDENTITY = frozenset({"", "identity", "none"})


class _Inflater:
    """One decoding step: gzip/deflate (zlib) or brotli, bounded by a shared budget."""

    def __init__(self, encoding: str, url: str) -> None:
        self.encoding = encoding
        self.url = url
        self._zlib: zlib._Decompress | None = None
        self._brotli: brotli.Decompressor | None = None
        self._raw_deflate_tried = False
        self._pending = b""  # deflate input kept until we know zlib-wrapped vs raw
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding == "br":
            self._brotli = brotli.Decompressor()
        else:
            raise CrawlError(
                "parse_error",
                f"{url}: the server compressed the answer with {encoding!r}, "
                "which the crawler does not read",
            )

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode `data`, returning at most `room` bytes; more means over the limit."""
        try:
            if self._brotli is not None:
                out = self._brotli.process(data, output_buffer_limit=room)
                while len(out) < room and not self._brotli.can_accept_more_data():
                    more = self._brotli.process(b"", output_buffer_limit=room - len(out))
                    if not more:
                        break
                    out += more
                return out
            assert self._zlib is not None
            if self.encoding == "deflate" and not self._raw_deflate_tried:
                self._pending += data
            out = self._zlib.decompress(data, room)
            if len(self._pending) >= 2:  # the zlib header was accepted: it is zlib-wrapped
                self._raw_deflate_tried, self._pending = True, b""
            if self._zlib.eof and self._zlib.unused_data and self.encoding != "deflate":
                # A multi-member gzip stream: the next member starts after this one.
                rest = self._zlib.unused_data
                self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
                out += self._zlib.decompress(rest, max(1, room - len(out)))
            return out
        except zlib.error as exc:
            if self.encoding == "deflate" and not self._raw_deflate_tried:
                # "deflate" is often sent raw (without the zlib wrapper): start over that way.
                self._raw_deflate_tried = True
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                pending, self._pending = self._pending, b""
                return self.feed(pending, room)
            raise self._damaged(exc) from None
        except brotli.error as exc:
            raise self._damaged(exc) from None

    def has_more(self) -> bool:
        """Output is waiting inside the decompressor (the last feed hit the room limit)."""
        if self._zlib is not None:
            return bool(self._zlib.unconsumed_tail)
        return self._brotli is not None and not self._brotli.can_accept_more_data()

    def finished(self) -> bool:
        if self._zlib is not None:
            return self._zlib.eof
        return self._brotli is not None and self._brotli.is_finished()

    def _damaged(self, exc: Exception) -> CrawlError:
        return CrawlError(
            "parse_error", f"{self.url}: the {self.encoding} compressed answer is damaged ({exc})"
        )


class BoundedDecoder:
    """Decodes a Content-Encoding chain chunk by chunk, never holding more than `limit` bytes."""

    def __init__(self, encodings: Sequence[str], *, limit: int, url: str) -> None:
        self.limit = limit
        self.url = url
        self.size = 0
        # "Content-Encoding: gzip, br" was applied gzip first: undo br first.
        steps = [e.strip().lower() for e in encodings if e.strip().lower() not in IDENTITY]
        self._steps = [_Inflater(encoding, url) for encoding in reversed(steps)]

    @classmethod
    def for_header(cls, header: str | None, *, limit: int, url: str) -> BoundedDecoder:
        return cls((header or "").split(","), limit=limit, url=url)

    def feed(self, chunk: bytes) -> bytes:
        data = chunk
        for step in self._steps:
            room = self.limit - self.size + 1  # one byte over the limit proves it is exceeded
            data = step.feed(data, room)
            if len(data) >= room or step.has_more():
                self._too_large()
        self.size += len(data)
        if self.size > self.limit:
            self._too_large()
        return data

    def finish(self) -> None:
        """At the end of the body: every compressed stream must have reached its end marker."""
        for step in self._steps:
            if not step.finished():
                raise CrawlError(
                    "network_error",
                    f"{self.url}: the answer was cut off before its end "
                    f"(incomplete {step.encoding} stream); it will be fetched again later",
                )

    def _too_large(self) -> None:
        if self._steps:
            detail = (
                f"{self.url}: the compressed answer unpacks to more than {self.limit} bytes "
                "(a compression bomb or a huge page); it was cut off"
            )
        else:
            detail = f"{self.url}: the answer is larger than {self.limit} bytes; it was cut off"
        raise CrawlError("response_too_large", detail)
