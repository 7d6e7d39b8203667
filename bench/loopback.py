"""The benchmarks' loopback HTTP servers: one answer written, and a quiet threading server on 127.0.0.1."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def answer(request: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str, **headers: str) -> None:
    """Send `body` with its status, type and length (and `headers`) on `request`."""
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


def server(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    """A threading server for `handler` on a free port of 127.0.0.1, and its base URL (not started yet)."""
    started = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    started.daemon_threads = True
    return started, f"http://127.0.0.1:{started.server_address[1]}"
