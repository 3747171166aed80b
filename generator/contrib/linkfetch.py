"""Online checks of `segboard links`: each URL's status, fetched without trusting its server.

HEAD first, GET only when HEAD is refused, and both streamed: the status line and the headers
are read, the body never is (the connection is dropped instead). Redirects are followed by hand,
each target first checked with the offline form checks, so that a permanent one is reported
with its new address and a redirect to a `javascript:` URL, or to no host, is reported rather
than followed. Answers 429 and 5xx are retried with backoff, honouring Retry-After up to
`max_retry_after`. Each request has the `timeout` of httpx (per connect, read, write); each
link has a wall-clock `deadline` over all its requests, retries and redirects, which starts
when its first request gets its turn under the global and per-host limits (waiting in the
queue behind other links of a busy host does not use it up). Response headers are capped by
httpcore (100 KB). Whatever goes wrong while checking one link becomes a broken report for that
link alone, with a one-line message; every other link is still checked.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from generator.contrib.links import (
    BROKEN,
    OK,
    PERMANENT,
    WARNING,
    LinkConfig,
    LinkReport,
    offline_problem,
)
from generator.records.rules.links import host_problem

REDIRECTS = (301, 302, 303, 307, 308)
MAX_FETCHES = 10  # a redirect chain longer than this is reported as broken
_LOCATION = "segboard.location"  # where the Location header is set aside
_SECONDS = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() also takes "²"


def one_line(text: str, limit: int = 200) -> str:
    """Text from a server or an exception as one printable line of at most `limit` characters."""
    line = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def retryable(code: int) -> bool:
    return code == 429 or code >= 500


def retry_after(value: str | None, config: LinkConfig) -> float | None:
    """The seconds a Retry-After header asks for, within 0 and `max_retry_after`; None when it
    says nothing readable (negative numbers and garbage included), so backoff applies."""
    if not value:
        return None
    value = value.strip()
    cap = max(0.0, config.max_retry_after)
    if _SECONDS.fullmatch(value):
        return min(float(value), cap)  # float() of a huge number is inf, never an error
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return max(0.0, min(when - time.time(), cap))


def backoff(attempt: int, config: LinkConfig) -> float:
    """The wait before retry number `attempt + 1` when the server gave no Retry-After."""
    return min(config.backoff * 2.0 ** min(attempt, 30), max(0.0, config.max_retry_after))


def redirect_target(current: str, location: str) -> tuple[str, str | None]:
    """Where a Location header sent by `current` points, and why it must not be followed
    (None when it may)."""
    location = location.strip()
    shown = one_line(location, 120)
    try:
        parts = urlsplit(location)
        target = location if parts.scheme else urljoin(current, location)
    except ValueError as exc:
        return location, f"redirects to an unreadable URL ({shown}): {one_line(str(exc))}"
    if parts.scheme and parts.scheme not in ("http", "https"):
        return target, f"redirects to a {one_line(parts.scheme, 20)}: URL ({shown})"
    if parts.scheme and not parts.netloc:  # urljoin would quietly keep the host of `current`
        return target, f"redirects to a URL without a host ({shown})"
    problem = offline_problem(target)
    if problem is not None:
        return target, f"redirects to {shown}: {problem}"
    # a public page that leads into the checking machine's own network (its cloud's metadata
    # address, a service on localhost) is not followed; a local test server's own redirects are
    leads_in = host_problem(target)
    if leads_in is not None and host_problem(current) is None:
        return target, f"redirects into a local or private network ({shown}: it {leads_in})"
    return target, None


def failure_message(exc: Exception, config: LinkConfig) -> str:
    """One line for what went wrong while checking a link (the deadline aside)."""
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {config.timeout:g} s"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return one_line(f"invalid URL: {exc}")
    detail = one_line(str(exc))
    name = exc.__class__.__name__
    return one_line(f"request failed: {name}: {detail}" if detail else f"request failed: {name}")


async def _set_location_aside(response: httpx.Response) -> None:
    """Response hook: take the Location header away before httpx reads it (httpx raises on a
    `javascript:` target or a bad port, losing the answer); the checker checks it itself."""
    location = response.headers.pop("location", None)
    response.extensions = {**response.extensions, _LOCATION: location}


@dataclass(frozen=True)
class Answer:
    """What one request gave: its status and the headers that matter; the body is never read."""

    code: int
    location: str | None
    retry_after: str | None


class Budget:
    """One link's wall-clock deadline, started when its first request gets its turn."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.timeout = asyncio.timeout(None)
        self.last_code: int | None = None

    def start(self) -> None:
        if self.timeout.when() is None:
            self.timeout.reschedule(asyncio.get_running_loop().time() + self.seconds)

    def message(self) -> str:
        retried = self.last_code is not None and retryable(self.last_code)
        last = f" (last answer: HTTP {self.last_code})" if retried else ""
        return f"no complete answer within {self.seconds:g} s{last}"


class Checker:
    def __init__(self, config: LinkConfig) -> None:
        self.config = config
        self.everything = asyncio.Semaphore(config.concurrency)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        self.client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(config.timeout),
            limits=httpx.Limits(max_connections=config.concurrency),
            headers={"User-Agent": "segboard-link-checker"},
            event_hooks={"response": [_set_location_aside]},
        )

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc.lower()
        if host not in self.hosts:
            self.hosts[host] = asyncio.Semaphore(self.config.per_host)
        return self.hosts[host]

    async def _send(self, method: str, url: str, budget: Budget) -> Answer:
        """One request, streamed: leaving the block closes the response with its body unread."""
        async with self.everything, self._host_limit(url):
            budget.start()
            async with self.client.stream(method, url) as response:
                location = response.extensions.get(_LOCATION)
                answer = Answer(response.status_code, location, response.headers.get("retry-after"))
        budget.last_code = answer.code
        return answer

    async def _request(self, method: str, url: str, budget: Budget) -> Answer:
        """One request with retries on 429/5xx (waiting outside the limits)."""
        attempt = 0
        while True:
            answer = await self._send(method, url, budget)
            if not retryable(answer.code) or attempt >= self.config.retries:
                return answer
            wait = retry_after(answer.retry_after, self.config)
            await asyncio.sleep(wait if wait is not None else backoff(attempt, self.config))
            attempt += 1

    async def _fetch(self, url: str, budget: Budget) -> Answer:
        answer = await self._request("HEAD", url, budget)
        if answer.code >= 400 and answer.code != 429:
            answer = await self._request("GET", url, budget)  # some servers refuse HEAD
        return answer

    async def _follow(self, url: str, budget: Budget) -> LinkReport:
        current, permanent_to = url, None
        for _ in range(MAX_FETCHES):
            answer = await self._fetch(current, budget)
            if answer.code not in REDIRECTS or not answer.location:
                return self._verdict(url, current, answer.code, permanent_to is not None)
            target, problem = redirect_target(current, answer.location)
            if problem is not None:
                return LinkReport(url, BROKEN, problem, answer.code)
            if answer.code in PERMANENT and permanent_to is None:
                permanent_to = target
            current = target
        return LinkReport(url, BROKEN, f"more than {MAX_FETCHES} redirects")

    def _verdict(self, url: str, final: str, code: int, moved: bool) -> LinkReport:
        final_url = final if final != url else None
        if code >= 400 and code not in self.config.accept:
            return LinkReport(url, BROKEN, f"HTTP {code}", code, final_url)
        if moved:
            message = f"permanently redirected to {one_line(final, 500)}; link that instead"
            return LinkReport(url, WARNING, message, code, final_url)
        return LinkReport(url, OK, f"{code}", code, final_url)

    async def check(self, url: str) -> LinkReport:
        """The report of one link; never raises (but for cancellation of the whole run)."""
        budget = Budget(self.config.deadline)
        try:
            async with budget.timeout:
                return await self._follow(url, budget)
        except Exception as exc:  # a hostile or broken server must not stop the other checks
            if budget.timeout.expired():
                return LinkReport(url, BROKEN, budget.message())
            return LinkReport(url, BROKEN, failure_message(exc, self.config))

    async def close(self) -> None:
        await self.client.aclose()


async def check_all(urls: list[str], config: LinkConfig) -> dict[str, LinkReport]:
    """A report for each URL, fetched concurrently under the limits of `config`."""
    checker = Checker(config)
    try:
        reports = await asyncio.gather(*(checker.check(url) for url in urls))
    finally:
        await checker.close()
    return {report.url: report for report in reports}
