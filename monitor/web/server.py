"""The workspace served by uvicorn in a thread of another process: `monitor run --web HOST:PORT` (one service does
everything) and the browser tests. `monitor web` runs uvicorn in the foreground instead."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from monitor.errors import ConfigError
from monitor.settings import Settings
from monitor.store.db import Store
from monitor.web.app import create_app

START_SECONDS = 30.0


def split_address(address: str) -> tuple[str, int]:
    """'127.0.0.1:8080' -> ('127.0.0.1', 8080); ConfigError when it is not HOST:PORT."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(
            [f"adresa spațiului de lucru «{address}» trebuie să fie GAZDĂ:PORT, de exemplu 127.0.0.1:8080"]
        )
    return host, int(port)


@contextmanager
def serving(settings: Settings, store: Store, address: str, *, https: bool | None = None) -> Iterator[str]:
    """Serve the workspace at `address` (port 0: any free port) while the block runs; yields its base URL."""
    host, port = split_address(address)
    config = uvicorn.Config(
        create_app(settings, store, https=https), host=host, port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="presa-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ConfigError([f"spațiul de lucru nu a putut porni la {address} (portul este ocupat?)"])
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
