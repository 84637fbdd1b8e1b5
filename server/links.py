"""The base URL phones use to join: given (``--public-url``), or found from the listen address.

Following the README (``gamestorm serve --host 0.0.0.0``, then opening localhost) used to put
``localhost`` into the QR code and the join link, which no phone can reach. This module
works out a link that does reach this machine from the room's network, and says when there
is none ("local" scope: the server listens on loopback only).
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

LinkScope = Literal["network", "local"]

WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
#: Never routed, so ``connect`` on a UDP socket only picks the outgoing interface.
PROBE_V4 = "10.255.255.255"
PROBE_V6 = "2001:db8::1"


class PublicUrlError(ValueError):
    """A ``--public-url`` that phones could not use; the message says why."""


@dataclass(frozen=True, slots=True)
class PublicLink:
    #: ``scheme://host[:port]``, no trailing slash; ``None`` when no address was found.
    url: str | None
    scope: LinkScope | None
    #: For the start-up line: why the link is what it is, when that needs saying.
    warning: str | None = None


def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.x.y.z, ``::1`` (with or without brackets)."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def validate_public_url(raw: str) -> str:
    """``http(s)://host[:port]`` with nothing after it but ``/``; returned without the slash."""
    text = raw.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise PublicUrlError(f"{raw!r} must start with http:// or https://")
    if not parts.hostname:
        raise PublicUrlError(f"{raw!r} has no host name (e.g. http://192.168.1.20:8000)")
    if parts.username is not None or parts.password is not None:
        raise PublicUrlError(f"{raw!r} must not contain a user name or password")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise PublicUrlError(f"{raw!r} has an invalid port") from None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise PublicUrlError(
            f"{raw!r} must be only scheme, host and port (no path, query or '#'): "
            "the join links are built as <url>/join/CODE"
        )
    return f"{parts.scheme}://{parts.netloc}"


def _format_host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_multicast or ip.is_link_local)


def _probe(family: int, target: str) -> str | None:
    """The address the kernel would send from towards ``target``; no packet is sent."""
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.connect((target, 1))
            return str(s.getsockname()[0])
    except OSError:
        return None


def _interface_addresses() -> Iterable[str]:
    """Every IPv4 address of this machine's interfaces (Linux ioctl), then by host name."""
    if sys.platform.startswith("linux"):
        import fcntl

        for _, name in socket.if_nameindex():
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                try:
                    packed = struct.pack("256s", name.encode()[:15])
                    answer = fcntl.ioctl(s.fileno(), 0x8915, packed)  # SIOCGIFADDR
                except OSError:
                    continue
                yield socket.inet_ntoa(answer[20:24])
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, proto=socket.IPPROTO_TCP)
    except OSError:
        infos = []
    for info in infos:
        yield str(info[4][0])


def lan_address(
    ipv6: bool = False,
    probe: Callable[[int, str], str | None] = _probe,
    interfaces: Callable[[], Iterable[str]] = _interface_addresses,
) -> str | None:
    """This machine's address on the local network, never a loopback one; ``None`` if none."""
    candidates = [probe(socket.AF_INET, PROBE_V4)]
    if ipv6:
        candidates.append(probe(socket.AF_INET6, PROBE_V6))
    for address in candidates:
        if address and _usable(address):
            return address
    for address in interfaces():
        if _usable(address):
            return address
    return None


def public_link(
    host: str,
    port: int,
    public_url: str | None = None,
    find_lan: Callable[[bool], str | None] = lan_address,
) -> PublicLink:
    """The link phones should use for a server listening on ``host:port``."""
    if public_url:
        url = validate_public_url(public_url)
        hostname = urlsplit(url).hostname or ""
        if is_loopback_host(hostname):
            return PublicLink(url, "local", _LOCAL_WARNING)
        return PublicLink(url, "network")
    if host in WILDCARD_HOSTS:
        address = find_lan(host == "::")
        if address is None:
            return PublicLink(
                None,
                None,
                "no network address of this machine was found; phones need the address "
                "they can reach, pass it with --public-url http://ADDRESS:PORT",
            )
        return PublicLink(f"http://{_format_host(address)}:{port}", "network")
    if is_loopback_host(host):
        return PublicLink(f"http://localhost:{port}", "local", _LOCAL_WARNING)
    return PublicLink(f"http://{_format_host(host)}:{port}", "network")


_LOCAL_WARNING = (
    "this link only works on this machine: phones cannot reach it. "
    "Start with --host 0.0.0.0 (phones on the same network can join), "
    "or --public-url URL with the address phones use."
)
