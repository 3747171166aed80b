"""Rules on the addresses records link to: each can be read as an address, and names a host of
the public internet, without a user name or password.

A record is published. A link to the machine that reads it (localhost, 127.0.0.1), to a private
network (10.0.0.0/8, 192.168.0.0/16, fd00::/8) or to a cloud's metadata address
(169.254.169.254) leads a reader nowhere, and `segboard links` would request it from the
machine that checks links, a CI runner inside such a network. Addresses are read as a
resolver reads them: '127.1', '2130706433' and '0x7f000001' are 127.0.0.1.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from generator.problems import Problem, error
from generator.records.schemas import dotted, texts
from generator.records.yamlfile import Document

# names that never leave the machine or its network (RFC 6761, 6762, 8375; and common use)
_LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa", ".lan")
_SCHEMES = ("http://", "https://")
_NUMERIC_HOST = re.compile(r"[0-9a-fx.]+")  # what inet_aton may read as an IPv4 address
UNREADABLE = "cannot be read as an address"  # how each reason below starts
_BRACKETS = (
    f"{UNREADABLE}: square brackets may only enclose an IPv6 address as the whole host "
    "('http://[2001:db8::1]/')"
)
_NORMALIZED = (
    f"{UNREADABLE}: its host holds a character that reads as '/', '?', '#', '@' or ':' once "
    "normalized (as browsers do, NFKC), such as a full-width '＃'"
)


def links_name_public_hosts(document: Document) -> Iterator[Problem]:
    """The record's addresses that are unreadable, or lead to no public host (a rule of one
    record: see rules/__init__.py)."""
    if not any(host_problem(url) for url in _addresses(document.data)):
        return  # nearly every record: its paths are not worth making
    for path, url in texts(document.data):
        problem = host_problem(url) if url.startswith(_SCHEMES) else None
        if problem is not None:
            yield error(
                document.path,
                document.where(path),
                "link-host",
                f"{dotted(path)}: {url[:80]!r} {problem}; {_advice(problem)}",
            )


def _advice(problem: str) -> str:
    if "password" in problem:
        return "records are published, so remove it"
    if problem.startswith(UNREADABLE):
        return "copy the address from the browser's address bar"
    return "records link to public pages, so link to one"


def _addresses(data: Any) -> list[str]:
    """Every text of a record that is an http(s) address (as the schema writes them): a flat
    walk, three times as fast as `texts`, which makes each text's path as well."""
    found, stack = [], [data]
    while stack:
        value = stack.pop()
        if type(value) is dict:
            stack.extend(value.values())
        elif type(value) is list:
            stack.extend(value)
        elif type(value) is str and value.startswith(_SCHEMES):
            found.append(value)
    return found


# an address whose host is a plain name or number, with no user, password or odd character:
# nearly every address, whose host alone decides (judged once per host, not once per address)
_PLAIN_HOST = re.compile(r"https?://([A-Za-z0-9.-]+)(?::[0-9]*)?(?:[/?#]|\Z)")


def host_problem(url: str) -> str | None:
    """Why `url` does not lead to a public host, in a few words ('names ...', 'holds ...',
    'cannot be read ...'), or None when it does."""
    plain = _PLAIN_HOST.match(url)
    if plain is not None:
        return _host_problem(plain.group(1).lower().rstrip("."))
    return _address_problem(url)


@functools.lru_cache(maxsize=1 << 12)
def _address_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:  # the schema's pattern lets these through; no URL reader does
        host = url.partition("://")[2].split("/", 1)[0]
        return _BRACKETS if "[" in host or "]" in host else _NORMALIZED
    if parts.username is not None or parts.password is not None:
        return "holds a user name or password (user:password@)"
    return _host_problem(host)


@functools.lru_cache(maxsize=1 << 16)  # the same hosts recur
def _host_problem(host: str) -> str | None:
    if host == "localhost" or host.endswith(_LOCAL_NAMES):
        return f"names {host!r}, a host of the local machine or network"
    address = _address(host)
    if address is not None and not address.is_global:
        return (
            f"names {address}, which is not an address of the public internet (loopback, "
            "private, link-local or reserved)"
        )
    return None


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None
