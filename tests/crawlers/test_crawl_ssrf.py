"""SSRF guard: loopback, private and metadata addresses are refused unless allowlisted."""

from __future__ import annotations

import ipaddress

import pytest
from pytest_httpserver import HTTPServer

from crawlers import CrawlError, Fetcher, fetch_url
from crawlers.ssrf import AddressPolicy, GuardedNetworkBackend, allowed_addresses


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.10",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.251",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::",
    ],
)
def test_special_addresses_refused_by_default(address: str) -> None:
    assert not AddressPolicy(None).address_allowed(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["203.0.114.10", "133.242.0.1", "2001:4860:4860::8888"])
def test_public_addresses_allowed(address: str) -> None:
    assert AddressPolicy("").address_allowed(ipaddress.ip_address(address))


def test_allowlist_format_hosts_and_cidrs() -> None:
    policy = AddressPolicy(" 127.0.0.0/8, City.Example.JP ,10.0.0.5,")
    assert policy.address_allowed(ipaddress.ip_address("127.0.0.42"))
    assert policy.address_allowed(ipaddress.ip_address("::ffff:127.0.0.1"))
    assert policy.address_allowed(ipaddress.ip_address("10.0.0.5"))
    assert not policy.address_allowed(ipaddress.ip_address("10.0.0.6"))
    assert not policy.address_allowed(ipaddress.ip_address("169.254.169.254"))
    assert policy.host_allowed("city.example.jp")
    assert policy.host_allowed("CITY.example.jp.")
    assert not policy.host_allowed("evil.example.jp")


async def test_loopback_refused_without_allowlist(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data("<rss/>")
    async with Fetcher(politeness_delay=0) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch(httpserver.url_for("/feed.xml"))
    assert caught.value.kind == "blocked_address"
    assert httpserver.log == []  # nothing was sent, not even robots.txt


async def test_metadata_address_refused_even_with_loopback_allowed() -> None:
    async with Fetcher(allow="127.0.0.1", politeness_delay=0) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch("http://169.254.169.254/latest/meta-data/iam/")
    assert caught.value.kind == "blocked_address"


async def test_localhost_name_refused_without_allowlist() -> None:
    async with Fetcher(politeness_delay=0) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch("http://localhost:1/")
    assert caught.value.kind == "blocked_address"


async def test_allowlisted_loopback_is_reachable(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ok").respond_with_data("みどり市")
    for allow in ("127.0.0.1", "127.0.0.0/8", "10.0.0.0/8,127.0.0.1"):
        async with Fetcher(allow=allow, politeness_delay=0) as fetcher:
            response = await fetcher.fetch(httpserver.url_for("/ok"))
        assert response.content.decode() == "みどり市"


async def test_fetch_url_reports_blocked_address_as_outcome_error() -> None:
    async with Fetcher(politeness_delay=0) as fetcher:
        outcome = await fetch_url("http://169.254.169.254/latest/meta-data/", fetcher)
        local = await fetch_url("http://127.0.0.1:8000/feed.xml", fetcher)
    assert outcome.error is not None and outcome.error.kind == "blocked_address"
    assert local.error is not None and local.error.kind == "blocked_address"
    assert outcome.records == [] and not outcome.ok


async def test_connect_time_guard_checks_the_address_actually_dialled(
    httpserver: HTTPServer,
) -> None:
    """The network backend re-checks at connect time (defence against DNS rebinding)."""
    backend = GuardedNetworkBackend(AddressPolicy(None))
    with pytest.raises(CrawlError) as caught:
        await backend.connect_tcp("127.0.0.1", httpserver.port)
    assert caught.value.kind == "blocked_address"
    allowed = GuardedNetworkBackend(AddressPolicy("127.0.0.1"))
    stream = await allowed.connect_tcp("127.0.0.1", httpserver.port)
    await stream.aclose()


def test_only_allowed_addresses_of_a_name_are_dialled() -> None:
    ip = ipaddress.ip_address
    loopback_only = AddressPolicy("127.0.0.1")
    assert allowed_addresses("localhost", [ip("::1"), ip("127.0.0.1")], loopback_only) == [
        ip("127.0.0.1")
    ]
    mixed = [ip("10.0.0.1"), ip("203.0.114.7")]
    assert allowed_addresses("city.example.jp", mixed, AddressPolicy(None)) == [ip("203.0.114.7")]
    with pytest.raises(CrawlError) as caught:
        allowed_addresses("rebind.example", [ip("169.254.169.254")], loopback_only)
    assert caught.value.kind == "blocked_address"
    named = AddressPolicy("intranet.city.example.jp")
    assert allowed_addresses("intranet.city.example.jp", [ip("10.0.0.1")], named) == [
        ip("10.0.0.1")
    ]
