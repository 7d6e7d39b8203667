"""Shared fixtures with real parts: a temp SQLite store (and PostgreSQL when configured), an HTTP site
on 127.0.0.1 port 0, an aiosmtpd SMTP sink, and settings pointing at temp folders."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text

from monitor.config import Profile, load_profile
from monitor.settings import Settings
from monitor.store import Store

if TYPE_CHECKING:
    from starlette.testclient import TestClient
    from web_setup import Scene

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("MONITOR_TEST_POSTGRES_URL")


# --- database ----------------------------------------------------------------------------------


def _postgres_schema_url(base: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    name = f"presa_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A migrated store in a temp SQLite file."""
    store = Store(f"sqlite:///{tmp_path / 'presa.db'}")
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test on SQLite and, when MONITOR_TEST_POSTGRES_URL is set, on PostgreSQL."""
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'presa.db'}")
        yield store
        store.close()
        return
    yield from _postgres_store()


@pytest.fixture
def postgres_store() -> Iterator[Store]:
    """A migrated store in a fresh PostgreSQL database; skipped without MONITOR_TEST_POSTGRES_URL."""
    yield from _postgres_store()


def _postgres_store() -> Iterator[Store]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: MONITOR_TEST_POSTGRES_URL is not set (.ci/run sets it where PostgreSQL exists)")
    for url in _postgres_schema_url(POSTGRES_URL):
        store = Store(url)
        yield store
        store.close()


@pytest.fixture
def settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings with temp data and output folders, the repo's config, and the test's site allowed (its port only)."""
    allowed = (
        frozenset({request.getfixturevalue("site").base.removeprefix("http://")})
        if "site" in request.fixturenames
        else frozenset()
    )
    return Settings.from_env(
        {},
        database_url=f"sqlite:///{tmp_path / 'presa.db'}",
        data_dir=tmp_path / "data",
        output_dir=tmp_path / "out",
        sources_path=REPO / "sources.yaml",
        pipelines_dir=REPO / "pipelines",
        allow_hosts=allowed,
    )


@pytest.fixture(scope="session")
def profile() -> Profile:
    """The Alba profile of pipelines/ (frozen, so one copy serves every test)."""
    return load_profile(REPO / "pipelines" / "alba.yaml")


@pytest.fixture(autouse=True)
def _fresh_robots_memory() -> Iterator[None]:
    """robots.txt is kept per origin for the whole process; a test's loopback port may be another test's."""
    from monitor.crawl import fetch

    fetch._ROBOTS.clear()
    yield
    fetch._ROBOTS.clear()


# --- HTTP site ---------------------------------------------------------------------------------

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Site:
    """A real HTTP server on 127.0.0.1 whose routes the test sets; it records every request."""

    base: str = ""
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    closing: threading.Event = field(default_factory=threading.Event)  # set when the test is over

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def serve_bytes(
        self,
        path: str,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        def handler(request: BaseHTTPRequestHandler) -> None:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(body)

        return self.add(path, handler)

    def serve_trickle(self, path: str, content_type: str = "text/html; charset=utf-8") -> str:
        """A body announced as 100 kB and sent a byte every 20 ms: each read is quick, the whole never ends in
        time (the sending stops when the test is over)."""

        def handler(request: BaseHTTPRequestHandler) -> None:
            request.send_response(200)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", "100000")
            request.end_headers()
            for _ in range(400):
                if self.closing.wait(0.02):
                    return
                try:
                    request.wfile.write(b" ")
                except OSError:
                    return

        return self.add(path, handler)

    def hits(self, path: str) -> int:
        return sum(1 for seen, _ in self.requests if seen == path)


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            state.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = state.routes.get(self.path) or state.routes.get(self.path.split("?", 1)[0])
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            route(self)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    state.closing.set()
    server.shutdown()
    server.server_close()


# --- SMTP sink ---------------------------------------------------------------------------------


def free_port() -> int:
    """aiosmtpd's Controller does not take port 0: ask the OS for a free port first."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())

    class Keep:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            data = envelope.content  # type: ignore[attr-defined]
            raw = data if isinstance(data, bytes) else data.encode()
            sink.messages.append(message_from_bytes(raw, policy=policy.SMTP))  # type: ignore[arg-type]
            sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))  # type: ignore[attr-defined]
            return "250 OK"

    controller = Controller(Keep(), hostname=sink.host, port=sink.port)
    controller.start()
    yield sink
    controller.stop()


# --- the web workspace -------------------------------------------------------------------------


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    """Two prefectures' data and one workspace account per role (tests/web_setup.py)."""
    from web_setup import build_scene

    built = build_scene(tmp_path)
    yield built
    built.store.close()


@pytest.fixture
def client(scene: Scene) -> Iterator[TestClient]:
    """The workspace over the scene, through HTTP in the test's process."""
    from starlette.testclient import TestClient

    from monitor.web import create_app

    with TestClient(create_app(scene.settings, scene.store), base_url="http://127.0.0.1") as test_client:
        yield test_client
