"""One hardened HTTP fetch for feeds and pages: deadlines, size caps, safe redirects, robots.txt, politeness.

Outcomes are values (`FetchOutcome`), never exceptions: a failing site is recorded and skipped. Errors in
`FetchOutcome.error` are shown to the press office (feed state), so they are in Romanian.
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import logging
import re
import socket
import ssl
import unicodedata
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cache
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from monitor.record import FetchOutcome, FetchStatus
from monitor.settings import Settings

log = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_HOPS = 5
_DISALLOW_ALL = ["User-agent: *", "Disallow: /"]
_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class _Refused(Exception):
    """A fetch stopped on purpose (unsafe address, too large, too many redirects); the message is for people."""


# --- bodies ------------------------------------------------------------------------------------


class _Inflater:
    """Content-Encoding decoding that never produces more than the room left under the cap."""

    def __init__(self, encoding: str) -> None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)  # 32: accept gzip or zlib headers
        else:
            raise _Refused(f"codificare de conținut nesuportată: {encoding}")

    @property
    def identity(self) -> bool:
        return self._zlib is None

    def feed(self, data: bytes, room: int) -> bytes:
        if self._zlib is None:
            out = data
        else:
            try:
                out = self._zlib.decompress(data, room + 1)
            except zlib.error as exc:
                raise _Refused(f"răspuns comprimat invalid: {exc}") from exc
        if len(out) > room:
            raise _Refused("răspunsul depășește limita de mărime")
        return out


async def _read_capped(response: httpx.Response, cap: int) -> bytes:
    inflater = _Inflater(response.headers.get("content-encoding", ""))
    declared = response.headers.get("content-length", "")
    if inflater.identity and declared.isdigit() and int(declared) > cap:
        raise _Refused(f"răspunsul depășește limita de mărime ({int(declared)} > {cap} octeți)")
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        data = inflater.feed(raw, cap - size)
        size += len(data)
        chunks.append(data)
    return b"".join(chunks)


# --- text decoding -----------------------------------------------------------------------------

_DECLARED = re.compile(rb"""(?:<\?xml[^>]*?encoding|<meta[^>]*?charset)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_FALLBACKS = ("iso-8859-16", "windows-1250", "iso-8859-2", "windows-1252")  # ties: comma-below first
_ROMANIAN = frozenset("ăâîșțşţĂÂÎȘȚŞŢ")
# What Romanian single-byte text looks like when decoded with the wrong Western code page.
_MOJIBAKE = frozenset("ºªþÞãÃ¹¼½¾¤¦¨¬¯±´¸¿×÷")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _plausibility(text: str) -> int:
    """Romanian letters count for a decoding, control characters and Western mojibake against it."""
    score = 0
    for char in text:
        if char < "\x80":
            continue
        if char in _ROMANIAN:
            score += 2
        elif char in _MOJIBAKE or unicodedata.category(char) in ("Cc", "Cf", "Co", "Cn"):
            score -= 5
    return score


def decode_text(body: bytes, declared: str | None = None) -> str:
    """Decode Romanian text whose declared charset may be wrong or missing.

    Valid UTF-8 is UTF-8. Otherwise the declared charsets (HTTP header, XML declaration, <meta>) and the
    Romanian single-byte code pages compete on plausibility; ties go to what was declared.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace")
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sniffed = _DECLARED.search(body[:2048])
    names = [_codec(declared), _codec(sniffed.group(1).decode("ascii")) if sniffed else None, *_FALLBACKS]
    best: tuple[int, str] | None = None
    for name in dict.fromkeys(n for n in names if n and n != "utf-8"):
        try:
            text = body.decode(name)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, text)
    return best[1] if best else body.decode("windows-1250", errors="replace")


# --- addresses ---------------------------------------------------------------------------------


def _is_public(address: _IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _literal(host: str) -> str | None:
    """`host` itself when it is an IP address literal."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None
    return host


def _http_date(value: str) -> datetime | None:
    """An HTTP date as an aware datetime (UTC when it names no zone); None when it is not one."""
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    when = _http_date(value)
    return None if when is None else max(0.0, (when - datetime.now(UTC)).total_seconds())


def _no_store(headers: httpx.Headers) -> bool:
    """The response asks not to be kept: Cache-Control no-store, or an Expires that is invalid ("0") or past."""
    if "no-store" in headers.get("cache-control", "").lower():
        return True
    expires = headers.get("expires")
    if expires is None:
        return False
    when = _http_date(expires)
    return when is None or when <= datetime.now(UTC)  # RFC 9111: an invalid date ("0") means already expired


ROBOTS_DEADLINE = 10.0  # seconds for robots.txt, whatever the page deadline
ROBOTS_KEEP = timedelta(hours=24)  # RFC 9309: a robots.txt read may be kept up to a day


@dataclass(frozen=True)
class _Robots:
    """One origin's robots.txt as last read: its rules, until when they hold, and why pages wait if it failed."""

    parser: RobotFileParser
    expires: datetime
    reason: str | None  # None: read; otherwise why every page of the origin is held back for now
    failures: int  # consecutive failures (the backoff grows with them)


# robots.txt per origin, for every crawl of this process (the daemon makes a Fetcher per cycle).
_ROBOTS: dict[str, _Robots] = {}


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context (httpx's defaults: certifi's authorities) for every crawl of this process: loading the
    authorities costs ~17 ms, paid once rather than by each crawl job of 3,000 outlets."""
    return httpx.create_ssl_context()


class Fetcher:
    """An HTTP client for one crawl: `async with Fetcher(settings) as fetcher: await fetcher.fetch(url)`."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        robots: dict[str, _Robots] | None = None,
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._total = asyncio.Semaphore(settings.total_limit)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._robots = robots if robots is not None else _ROBOTS
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        limits = httpx.Limits(
            max_connections=self.settings.total_limit, max_keepalive_connections=self.settings.total_limit
        )
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(self.settings.request_deadline),
            limits=limits,
            transport=self._transport,
            verify=_tls(),
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, check_robots: bool = False
    ) -> FetchOutcome:
        """GET `url` within every limit; conditional when etag/last_modified are given; robots.txt for pages."""
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError as exc:
            return FetchOutcome(url, FetchStatus.FAILED, error=f"adresă invalidă: {url} ({exc})")
        slot = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host_limit))
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = self.settings.request_deadline
        async with slot, self._total:
            try:
                if check_robots:
                    refusal = await self._robots_refusal(url)
                    if refusal is not None:
                        return FetchOutcome(url, FetchStatus.FAILED, error=refusal)
                async with asyncio.timeout(deadline):
                    return await self._follow(url, headers)
            except TimeoutError:
                error = f"termen depășit: răspunsul nu s-a încheiat în {deadline:g} s"
            except _Refused as exc:
                error = str(exc)
            except socket.gaierror as exc:
                error = f"nume de domeniu necunoscut: {host} ({exc.strerror})"
            except (httpx.InvalidURL, UnicodeError) as exc:
                error = f"adresă invalidă: {url} ({exc})"
            except httpx.HTTPError as exc:
                error = f"eroare de rețea: {type(exc).__name__}: {exc}".rstrip(": ")
        log.info("fetch failed for %s: %s", url, error)
        return FetchOutcome(url, FetchStatus.FAILED, error=error)

    async def _address(self, host: str, port: int) -> str:
        """The IP to connect to for `host`; refuses private, loopback and link-local ones unless `host:port` is in
        MONITOR_ALLOW_HOSTS (a name that merely resolves to an allowed address, or another port, is refused)."""
        allowed = self.settings.allow_hosts
        try:
            addresses: list[_IPAddress] = [ipaddress.ip_address(host)]
        except ValueError:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
            addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
        if f"{host.lower()}:{port}" not in allowed:  # an allowed private service: that host name and port only
            for address in addresses:
                if not _is_public(address):
                    where = host if len(addresses) == 1 and host == _literal(host) else f"{host} ({address})"
                    raise _Refused(f"adresă nepublică refuzată: {where}")
        if not addresses:
            raise _Refused(f"nume de domeniu fără adresă: {host}")
        return str(addresses[0])

    @asynccontextmanager
    async def _send(self, url: str, headers: dict[str, str]) -> AsyncIterator[httpx.Response]:
        """One hop to a checked address.

        Plain http connects to the very address that was checked, so a second DNS answer cannot rebind it to a
        private one. https connects by name (TLS must verify that name, and connections must not be shared
        between names): a rebound name would fail certificate verification on an internal host.
        """
        assert self._client is not None, "use Fetcher as an async context manager"
        target = httpx.URL(url)
        if target.scheme not in ("http", "https"):
            raise _Refused(f"schemă nepermisă: {target.scheme or '(lipsă)'} în {url}")
        if not target.host:
            raise _Refused(f"adresă invalidă: {url} (lipsește numele gazdei)")
        address = await self._address(target.host, target.port or (443 if target.scheme == "https" else 80))
        if target.scheme == "http":
            headers = {**headers, "Host": target.netloc.decode("ascii")}
            target = target.copy_with(host=address)
        request = self._client.build_request("GET", target, headers=headers)
        response = await self._client.send(request, stream=True)
        try:
            yield response
        finally:
            await response.aclose()

    async def _follow(self, url: str, headers: dict[str, str]) -> FetchOutcome:
        current = url
        for _hop in range(_MAX_HOPS + 1):
            async with self._send(current, headers) as response:
                status = response.status_code
                location = response.headers.get("location")
                if status in _REDIRECTS and location:
                    current = urljoin(current, location)
                    log.debug("redirect %s -> %s", url, current)
                    continue
                return await self._outcome(url, current, response)
        raise _Refused(f"prea multe redirecționări (peste {_MAX_HOPS})")

    async def _outcome(self, url: str, final_url: str, response: httpx.Response) -> FetchOutcome:
        status = response.status_code
        common = {
            "final_url": final_url,
            "http_status": status,
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
            "no_store": _no_store(response.headers),
        }
        if status == 304:
            return FetchOutcome(url, FetchStatus.NOT_MODIFIED, **common)
        retry_after = _retry_after(response.headers.get("retry-after"))
        if status == 429 or (status == 503 and retry_after is not None):
            return FetchOutcome(
                url,
                FetchStatus.RETRY_LATER,
                retry_after=retry_after,
                error=f"HTTP {status}: revenim mai târziu",
                **common,
            )
        if not 200 <= status < 300:
            return FetchOutcome(url, FetchStatus.FAILED, error=f"HTTP {status}", **common)
        body = await _read_capped(response, self.settings.max_body_bytes)
        content_type = response.headers.get("content-type")
        charset = response.charset_encoding
        return FetchOutcome(url, FetchStatus.OK, body=body, content_type=content_type, charset=charset, **common)

    async def _robots_refusal(self, url: str) -> str | None:
        """Why robots.txt keeps us from `url`, or None. Each origin's robots.txt is read once and kept (a day when
        read, with backoff when unreachable), for every crawl of this process: a hanging robots.txt costs one
        ROBOTS_DEADLINE, not one per page."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_locks.setdefault(origin, asyncio.Lock()):
            now = datetime.now(UTC)
            entry = self._robots.get(origin)
            if entry is None or entry.expires <= now:
                entry = self._robots[origin] = await self._read_robots(origin, entry, now)
        if entry.parser.can_fetch(self.settings.user_agent, url):
            return None
        return entry.reason or "robots.txt nu permite această pagină"

    async def _read_robots(self, origin: str, previous: _Robots | None, now: datetime) -> _Robots:
        deadline = min(ROBOTS_DEADLINE, self.settings.request_deadline)
        try:
            async with asyncio.timeout(deadline):
                parser, reason = await self._load_robots(origin)
        except TimeoutError:
            parser, reason = RobotFileParser(origin + "/robots.txt"), f"robots.txt nu a răspuns în {deadline:g} s"
            parser.parse(_DISALLOW_ALL)
        if reason is None:
            return _Robots(parser, now + ROBOTS_KEEP, None, 0)
        failures = (previous.failures if previous is not None else 0) + 1
        wait = min(self.settings.backoff_base * 2 ** (failures - 1), self.settings.backoff_cap)
        log.info("robots.txt of %s unavailable (%s): pages held back for %s", origin, reason, wait)
        return _Robots(parser, now + wait, f"{reason}; paginile publicației așteaptă", failures)

    async def _load_robots(self, origin: str) -> tuple[RobotFileParser, str | None]:
        """RFC 9309: a missing robots.txt allows all; an unreachable one (5xx, network) disallows all for now (the
        reason is returned with it)."""
        parser = RobotFileParser(origin + "/robots.txt")
        try:
            outcome = await self._follow(origin + "/robots.txt", {})
        except (_Refused, httpx.HTTPError, socket.gaierror) as exc:
            parser.parse(_DISALLOW_ALL)
            return parser, f"robots.txt inaccesibil: {exc}"
        if outcome.status is FetchStatus.OK:
            parser.parse(decode_text(outcome.body, outcome.charset).splitlines())
        elif outcome.http_status is not None and 400 <= outcome.http_status < 500 and outcome.http_status != 429:
            parser.parse([])
        else:
            parser.parse(_DISALLOW_ALL)
            return parser, f"robots.txt indisponibil ({outcome.error})"
        return parser, None
