"""Page extraction in worker processes with a hard time limit per page (pebble): a pathological page costs its
own text, never the crawl; a crashed worker is replaced; the workers die with the process that started them."""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import signal
from concurrent.futures import TimeoutError as FutureTimeout
from types import TracebackType

from pebble import ProcessExpired, ProcessPool

from monitor.crawl.extract import Page, extract_page

log = logging.getLogger(__name__)

PAGE_SECONDS = 20.0  # one page's extraction; trafilatura takes ~25 ms on a normal page, ~3 s on a 3.5 MB table
START_SECONDS = 120.0  # the workers' start (each imports the extraction stack) before the pool is ready
_PR_SET_PDEATHSIG = 1


class ExtractionFailed(Exception):
    """The page could not be extracted (time limit, a crashed worker); the message is for people."""


def _die_with_parent() -> None:
    """Worker initialiser: Linux kills the worker when its parent dies (even by SIGKILL), so none is orphaned."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not Linux: pebble's own shutdown is all there is
        log.debug("prctl(PR_SET_PDEATHSIG) unavailable")


def _ready() -> None:
    """A task that does nothing: its result says the workers have started."""


class ExtractionPool:
    """`async with ExtractionPool(2) as pool: page = await pool.extract(body, url, charset)`.

    The workers start in the constructor, in the thread that makes the pool: Linux's parent-death signal follows
    the thread that forked a worker, so workers started lazily by a short-lived thread (a crawl job's) would be
    killed when that thread ends."""

    def __init__(self, workers: int, *, timeout: float = PAGE_SECONDS) -> None:
        self.timeout = timeout
        self._pool = ProcessPool(
            max_workers=workers, initializer=_die_with_parent, context=multiprocessing.get_context("spawn")
        )
        self._pool.schedule(_ready).result(timeout=START_SECONDS)

    async def extract(self, body: bytes, url: str, charset: str | None) -> Page | None:
        """The page's text, or None when it has none; raises ExtractionFailed past the limit or on a crash."""
        future = self._pool.schedule(extract_page, args=(body, url, charset), timeout=self.timeout)
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout as exc:
            raise ExtractionFailed(f"extragerea textului a depășit {self.timeout:g} s") from exc
        except ProcessExpired as exc:
            raise ExtractionFailed(f"procesul de extragere s-a oprit ({exc})") from exc

    def close(self) -> None:
        self._pool.stop()
        self._pool.join()

    async def __aenter__(self) -> ExtractionPool:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
