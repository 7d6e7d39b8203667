"""The outbox: queued in the caller's transaction, sent once per key, retried across restarts, headers safe."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from conftest import SmtpSink, free_port
from sqlalchemy import select

from monitor.deliver.mail import Attachment, enqueue, message_id_for, parse_smtp_url, send_pending
from monitor.errors import MailConfigError
from monitor.settings import Settings
from monitor.status import read_status
from monitor.store import Store
from monitor.store.models import OutboxRow

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
HOSTILE = 'Prefectul <script>alert("x")</script>\r\nBcc: victima@example.com\r\n\r\nCorp injectat'


def _queue(
    store: Store, settings: Settings, key: str, *, subject: str = "Sinteza presei", html: str = "<p>a</p>"
) -> bool:
    with store.session() as session:
        return enqueue(
            session,
            key=key,
            kind="digest",
            profile_id="alba",
            recipient="presa@prefectura-alba.example",
            subject=subject,
            html=html,
            text="text simplu: ș ț ă î â",
            settings=settings,
            now=NOW,
        )


def _rows(store: Store) -> list[OutboxRow]:
    with store.session() as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def test_message_reaches_smtp_with_both_parts_and_a_stable_message_id(
    any_store: Store, settings: Settings, smtp: SmtpSink
) -> None:
    settings = replace(settings, smtp_url=smtp.url, mail_from="Presa Alba <presa@prefectura-alba.example>")
    assert _queue(any_store, settings, "digest:alba:2026-11-20:presa@prefectura-alba.example")
    assert not _queue(any_store, settings, "digest:alba:2026-11-20:presa@prefectura-alba.example")  # same key

    summary = send_pending(any_store, settings, now=NOW)
    again = send_pending(any_store, settings, now=NOW + timedelta(hours=1))

    assert (summary.sent, again.sent, summary.pending) == (1, 0, 0)
    [message] = smtp.messages
    assert smtp.envelopes == [("presa@prefectura-alba.example", ["presa@prefectura-alba.example"])]
    assert message["Subject"] == "Sinteza presei"
    assert message["Message-ID"] == message_id_for("digest:alba:2026-11-20:presa@prefectura-alba.example", settings)
    assert message["Message-ID"].endswith("@prefectura-alba.example>")
    parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    assert parts["text/html"].strip() == "<p>a</p>"
    assert "ș ț ă î â" in parts["text/plain"]
    [row] = _rows(any_store)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, NOW)


def test_cr_lf_in_a_subject_never_makes_a_header(store: Store, settings: Settings, smtp: SmtpSink) -> None:
    settings = replace(settings, smtp_url=smtp.url)
    _queue(store, settings, "alert:alba:1:0:x", subject=HOSTILE)
    send_pending(store, settings, now=NOW)

    [message] = smtp.messages
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert str(message["Subject"]).strip().startswith("Prefectul <script>")  # plain text, shown as such
    assert smtp.envelopes[0][1] == ["presa@prefectura-alba.example"]


def test_smtp_down_then_up_delivers_each_message_once_across_restarts(tmp_path: Path, settings: Settings) -> None:
    port = free_port()
    settings = replace(settings, smtp_url=f"smtp://127.0.0.1:{port}")
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    first = Store(url)
    for n in range(3):
        _queue(first, settings, f"alert:alba:{n}:0:presa@prefectura-alba.example")
    down = send_pending(first, settings, now=NOW)
    first.close()  # the process stops while the server is down
    assert (down.sent, down.retried, down.pending) == (0, 1, 3)  # one refused connection ends the pass
    rows = _rows(Store(url))
    assert all(row.status == "pending" for row in rows)
    assert sorted(bool(row.last_error) for row in rows) == [False, False, True]

    received: list[EmailMessage] = []

    class Keep:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            received.append(message_from_bytes(envelope.content, policy=policy.SMTP))  # type: ignore[attr-defined,arg-type]
            return "250 OK"

    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        second = Store(url)  # a restarted process
        too_early = send_pending(second, settings, now=NOW + timedelta(seconds=30))
        later = NOW + settings.backoff_base
        up = send_pending(second, settings, now=later)
        after = send_pending(second, settings, now=later + timedelta(days=1))
        second.close()
    finally:
        controller.stop()
    assert (too_early.sent, up.sent, after.sent, up.pending) == (2, 1, 0, 0)  # the backed-off one waits its turn
    assert sorted(str(m["Message-ID"]) for m in received) == sorted(
        message_id_for(f"alert:alba:{n}:0:presa@prefectura-alba.example", settings) for n in range(3)
    )


def test_421_is_retried_and_550_fails_for_good(store: Store, settings: Settings) -> None:
    port = free_port()
    answers = {"421": ["421 4.3.2 Service not available, try later", "250 OK"], "550": ["550 5.1.1 No such user"]}
    received: list[str] = []

    class Flaky:
        async def handle_RCPT(
            self, server: object, session: object, envelope: object, address: str, options: list[str]
        ) -> str:
            kind = address.split("@")[0]
            answer = answers[kind].pop(0) if len(answers[kind]) > 1 else answers[kind][0]
            if answer.startswith("250"):
                envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
            return answer

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            received.extend(envelope.rcpt_tos)  # type: ignore[attr-defined]
            return "250 OK"

    settings = replace(settings, smtp_url=f"smtp://127.0.0.1:{port}")
    for kind in ("421", "550"):
        with store.session() as session:
            enqueue(
                session,
                key=f"k:{kind}",
                kind="alert",
                profile_id="alba",
                recipient=f"{kind}@example.com",
                subject="s",
                html="<p>h</p>",
                text="t",
                settings=settings,
                now=NOW,
            )
    controller = Controller(Flaky(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        first = send_pending(store, settings, now=NOW)
        second = send_pending(store, settings, now=NOW + timedelta(hours=1))
    finally:
        controller.stop()
    # the 421 closes the channel: the pass stops there, and the 550 is answered in the next one
    assert (first.sent, first.retried, first.failed) == (0, 1, 0)
    assert (second.sent, second.failed) == (1, 1)
    assert received == ["421@example.com"]
    assert {row.key: row.status for row in _rows(store)} == {"k:421": "sent", "k:550": "failed"}


def test_a_send_cut_by_a_crash_is_resent_with_the_same_message_id(
    store: Store, settings: Settings, smtp: SmtpSink
) -> None:
    settings = replace(settings, smtp_url=smtp.url)
    _queue(store, settings, "digest:alba:2026-11-20:x")
    with store.session() as session:  # what a sender that died after claiming the row leaves behind
        row = session.scalars(select(OutboxRow)).one()
        row.status, row.attempts, row.next_attempt_at = "sending", 1, NOW + timedelta(minutes=10)

    during_claim = send_pending(store, settings, now=NOW + timedelta(minutes=5))
    after_claim = send_pending(store, settings, now=NOW + timedelta(minutes=11))

    assert (during_claim.sent, after_claim.sent) == (0, 1)
    assert smtp.messages[0]["Message-ID"] == message_id_for("digest:alba:2026-11-20:x", settings)


def test_without_smtp_mail_is_written_as_eml_files(store: Store, settings: Settings) -> None:
    assert settings.smtp_url is None
    with store.session() as session:
        enqueue(
            session,
            key="report:alba:2026-10:presa@prefectura-alba.example",
            kind="report",
            profile_id="alba",
            recipient="presa@prefectura-alba.example",
            subject="Raport lunar – octombrie 2026",
            html="<p>r</p>",
            text="r",
            settings=settings,
            now=NOW,
            attachments=[Attachment("raport.pdf", b"%PDF-1.7", "application/pdf")],
        )
    summary = send_pending(store, settings, now=NOW)

    assert summary.eml_dir == settings.output_dir / "mail" and summary.sent == 0
    [path] = summary.saved
    message = message_from_bytes(path.read_bytes(), policy=policy.SMTP)
    assert message["Subject"] == "Raport lunar – octombrie 2026"
    assert [part.get_filename() for part in message.iter_attachments()] == ["raport.pdf"]  # type: ignore[attr-defined]
    assert _rows(store)[0].status == "saved"
    assert send_pending(store, settings, now=NOW).saved == []


def test_a_rolled_back_transaction_queues_nothing(store: Store, settings: Settings) -> None:
    with pytest.raises(RuntimeError), store.session() as session:
        enqueue(
            session,
            key="k",
            kind="digest",
            profile_id="alba",
            recipient="a@example.com",
            subject="s",
            html="h",
            text="t",
            settings=settings,
            now=NOW,
        )
        raise RuntimeError("the decision to send failed later in the same transaction")
    assert _rows(store) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://user:p%40ss@mail.example.com:587", ("mail.example.com", 587, False, "user", "p@ss")),
        ("smtps://mail.example.com", ("mail.example.com", 465, True, None, None)),
    ],
)
def test_smtp_urls(url: str, expected: tuple[object, ...]) -> None:
    config = parse_smtp_url(url)
    assert (config.host, config.port, config.ssl, config.username, config.password) == expected


def test_a_bad_smtp_url_is_refused_in_romanian() -> None:
    with pytest.raises(MailConfigError, match="MONITOR_SMTP_URL invalid"):
        parse_smtp_url("http://mail.example.com")


def test_a_long_romanian_subject_keeps_every_space(store: Store, settings: Settings, smtp: SmtpSink) -> None:
    subject = "Actualizare 2 – alertă: criză mediatică – Ioana Câmpeanu (12 articole noi) – Instituția Prefectului"
    settings = replace(settings, smtp_url=smtp.url)
    _queue(store, settings, "alert:alba:7:2:x", subject=subject)
    send_pending(store, settings, now=NOW)
    assert smtp.messages[0]["Subject"] == subject


def test_a_connection_cut_after_the_message_is_resent_once_then_left_for_a_person(
    store: Store, settings: Settings
) -> None:
    """The server takes the whole message, then the connection drops before its reply (five copies of one digest
    arrived this way): at most one resend, then `uncertain`, shown by `monitor status`."""
    port = free_port()
    received: list[str] = []

    class CutAfterData:
        async def handle_DATA(self, server: Any, session: object, envelope: object) -> str:
            received.append(str(message_from_bytes(envelope.content, policy=policy.SMTP)["Message-ID"]))  # type: ignore[attr-defined,arg-type]
            server.transport.close()  # the reply never leaves
            return "250 OK"

    settings = replace(settings, smtp_url=f"smtp://127.0.0.1:{port}")
    _queue(store, settings, "digest:alba:2026-11-20:presa@prefectura-alba.example")
    controller = Controller(CutAfterData(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        passes = [send_pending(store, settings, now=NOW + timedelta(hours=hour)) for hour in range(5)]
    finally:
        controller.stop()
    assert len(received) == 2 and len(set(received)) == 1  # sent once, resent once, same Message-ID
    assert [(p.retried, p.uncertain) for p in passes[:2]] == [(1, 0), (0, 1)]
    (row,) = _rows(store)
    assert (row.status, row.uncertain) == ("uncertain", 2) and "verificați la destinatar" in (row.last_error or "")
    status = read_status(store, settings, now=NOW)
    assert any("rezultat necunoscut" in problem.text for problem in status.problems)


def test_a_hanging_server_costs_one_timeout_per_pass_not_one_per_message(store: Store, settings: Settings) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # accepts connections, never says a word
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings = replace(settings, smtp_url=f"smtp://127.0.0.1:{listener.getsockname()[1]}", smtp_timeout=0.5)
    for n in range(10):
        _queue(store, settings, f"alert:alba:{n}:0:x")
    try:
        started = time.monotonic()
        summary = send_pending(store, settings, now=NOW)
        took = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()
    assert took < 3  # one 0.5 s timeout, not ten
    assert len(accepted) == 1 and (summary.retried, summary.pending) == (1, 10)
