"""Every crawl failure an editor can see on the sources page has words in both languages."""

from __future__ import annotations

from typing import get_args

import pytest

from crawlers.errors import CrawlErrorKind
from portal.i18n import t


@pytest.mark.parametrize("kind", get_args(CrawlErrorKind))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_crawl_error_kind_is_translated(kind: str, lang: str) -> None:
    key = f"crawl_error.{kind}"
    assert t(key, lang) != key
