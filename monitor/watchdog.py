"""The operator's side of the daemon: a /health endpoint, and a warning e-mail when collection stops, storage
fails or mail keeps failing (at most one per kind of problem every REPEAT, and one when it is solved)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from monitor.deliver.mail import send_direct
from monitor.errors import PresaError, StoreError
from monitor.settings import Settings
from monitor.status import Problem, read_status, to_json
from monitor.store import Store

log = logging.getLogger(__name__)

REPEAT = timedelta(hours=6)


class Watchdog:
    """Reads the deployment's status and warns the operator (MONITOR_OPERATOR_EMAIL) of new problems."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.warned: dict[str, datetime] = {}  # problem kind -> when the operator was last told

    def check(self, now: datetime) -> list[Problem]:
        """One look; returns the problems found (and mails the operator about the ones due)."""
        try:
            found = list(read_status(self.store, self.settings, now=now).problems)
        except StoreError as exc:
            found = [Problem("storage", str(exc))]
        self.warn(found, now)
        return found

    def warn(self, found: list[Problem], now: datetime) -> None:
        """Mail the operator about each problem not mailed within REPEAT, and about those now solved."""
        kinds = {problem.kind for problem in found}
        due = [p for p in found if p.kind not in self.warned or now - self.warned[p.kind] >= REPEAT]
        solved = [kind for kind in self.warned if kind not in kinds]
        for kind in solved:
            del self.warned[kind]
        if not due and not solved:
            return
        for problem in due:
            log.error("operator warning: %s", problem.text)
        if self.settings.operator_email is None:
            return
        lines = [problem.text for problem in found] or ["Nicio problemă."]
        if solved:
            lines.append(
                "Rezolvate de la ultimul mesaj: " + ", ".join(_KIND_RO.get(kind, kind) for kind in solved) + "."
            )
        subject = "Presa: " + ("problemă la monitorizare" if found else "monitorizarea funcționează din nou")
        text = "\n".join(lines) + "\n\nDetalii: monitor status\n"
        try:
            send_direct(self.settings, self.settings.operator_email, subject, text, now=now)
        except (OSError, PresaError) as exc:  # SMTP down too: the log line above is all that can be done
            log.error("the operator warning could not be mailed: %s", exc)
            return
        for problem in due:
            self.warned[problem.kind] = now


_KIND_RO = {"collection": "colectarea", "mail": "e-mailul", "disk": "discul", "storage": "baza de date"}


@contextmanager
def health_endpoint(
    address: str | None, store: Store, settings: Settings, clock: Callable[[], datetime]
) -> Iterator[str | None]:
    """Serve GET /health on HOST:PORT (JSON; 200 when healthy, 503 otherwise) while the block runs; yields the
    address actually bound (port 0 picks one), or None without an address."""
    if address is None:
        yield None
        return
    host, _, port = address.rpartition(":")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/health":
                self.send_error(404)
                return
            try:
                status = read_status(store, settings, now=clock())
                body, code = to_json(status), 200 if status.healthy else 503
            except StoreError as exc:
                body, code = {"ok": False, "problems": [{"kind": "storage", "text": str(exc)}]}, 503
            data = json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            log.debug("health: " + format, *args)

    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), Handler)
    thread = threading.Thread(target=server.serve_forever, name="health", daemon=True)
    thread.start()
    bound = f"{host or '127.0.0.1'}:{server.server_address[1]}"
    log.info("health endpoint on http://%s/health", bound)
    try:
        yield bound
    finally:
        server.shutdown()
        server.server_close()
