"""SSRF guard: refuse to connect to private, loopback, link-local and other special addresses.

The allowlist uses the format of MYMACHI_CRAWL_ALLOW: comma-separated hostnames and/or CIDRs,
e.g. ``"127.0.0.1"`` or ``"127.0.0.0/8,city.example.jp"``. A hostname entry allows that host
whatever it resolves to; a CIDR (or single IP) entry allows addresses inside it.

Two layers use this module: `fetch.Fetcher` checks every URL (every redirect hop) before
requesting it, and `GuardedNetworkBackend` resolves again at connect time and dials only the
allowed addresses it just checked, so a DNS answer that changes between the check and the
connection (DNS rebinding) cannot reach an internal address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from crawlers.errors import CrawlError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressPolicy:
    """Which hosts/addresses the crawler may reach. Public addresses are always allowed."""

    def __init__(self, allow: str | None = None) -> None:
        self.hosts: frozenset[str] = frozenset()
        self.networks: tuple[IPNetwork, ...] = ()
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in (allow or "").split(","):
            item = raw.strip().lower().strip("[]")
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.rstrip("."))
        self.hosts = frozenset(hosts)
        self.networks = tuple(networks)

    def host_allowed(self, host: str) -> bool:
        """True if the hostname itself is on the allowlist."""
        return host.lower().strip("[]").rstrip(".") in self.hosts

    def address_allowed(self, address: IPAddress) -> bool:
        """True if the address is public, or private but inside an allowlisted network."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address.version == net.version and address in net for net in self.networks):
            return True
        return not is_special(address)


def is_special(address: IPAddress) -> bool:
    """Addresses a crawler must not reach by default (internal networks, metadata services)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def resolve(host: str, port: int | None = None) -> list[IPAddress]:
    """getaddrinfo in a thread; every address the name resolves to."""
    literal = _literal_ip(host)
    if literal is not None:
        return [literal]
    try:
        infos = await asyncio.to_thread(socket.getaddrinfo, host, port or 0, 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise CrawlError("network_error", f"cannot resolve {host}: {exc}") from None
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = _literal_ip(str(sockaddr[0]).split("%", 1)[0])
        if ip is not None and ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise CrawlError("network_error", f"cannot resolve {host}")
    return addresses


def allowed_addresses(
    host: str, addresses: Iterable[IPAddress], policy: AddressPolicy
) -> list[IPAddress]:
    """The addresses of `host` the crawler may dial; CrawlError("blocked_address") if none.

    Only these are ever connected to, so a name resolving to both a public and an internal
    address (or "localhost" → ::1 and 127.0.0.1 with only 127.0.0.1 allowed) is safe to use.
    """
    addresses = list(addresses)
    if policy.host_allowed(host):
        return addresses
    usable = [address for address in addresses if policy.address_allowed(address)]
    if not usable:
        shown = ", ".join(str(address) for address in addresses[:3])
        raise CrawlError(
            "blocked_address",
            f"{host} resolves to {shown}: private/reserved address "
            "(allow it with MYMACHI_CRAWL_ALLOW)",
        )
    return usable


async def check_host(host: str, policy: AddressPolicy, port: int | None = None) -> None:
    """Resolve `host` and refuse it unless at least one address may be dialled."""
    if not host:
        raise CrawlError("invalid_url", "URL without a host")
    if policy.host_allowed(host):
        return
    allowed_addresses(host, await resolve(host, port), policy)


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore backend that resolves, checks, then connects to the checked address itself."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = allowed_addresses(host, await resolve(host, port), self._policy)
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise CrawlError("blocked_address", "unix sockets are not crawlable")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx transport whose connections go through the SSRF-checking network backend."""

    def __init__(
        self, policy: AddressPolicy, *, limits: httpx.Limits,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        # One SSL context can serve many transports: loading the CA bundle is not free.
        ssl_context = ssl_context or httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(policy),
        )
