"""The outbox and SMTP delivery: messages are queued in the caller's transaction and sent at most once per key.

Delivery guarantee. A row is claimed (status ``sending`` with a lease) in its own committed transaction, handed to
the SMTP server, and marked ``sent`` in a transaction committed right after the server answers 250. A failure before
the message's last byte left us (connect, MAIL, RCPT, a 4xx) is known: the row goes back to ``pending`` with backoff.
A failure after it (the connection drops before the server's reply, or this process dies and its claim expires) is
an unknown outcome: the server may have the message. Such a row is sent once more (the byte-identical message, same
Message-ID, which mail stores and clients show once); a second unknown outcome leaves it ``uncertain``, never sent
again, and `monitor status` shows it to a person. So a message reaches a recipient at most twice, and never
five times because one server keeps dropping connections after accepting.

One pass uses one connection and at most PASS_SECONDS: after a network failure (a hanging or vanished server) the
rest of the queue waits for the next pass untouched, instead of one timeout (settings.smtp_timeout) per message.
"""

from __future__ import annotations

import hashlib
import logging
import re
import smtplib
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from html import escape as html_escape
from ipaddress import ip_address
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from monitor.errors import MailConfigError
from monitor.record import OutboxStatus
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import OutboxRow

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=10)  # a 'sending' row older than this was abandoned by a crashed sender
PASS_SECONDS = 60.0  # one sending pass stops taking new messages after this long
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


class Attachment(NamedTuple):
    """A file attached to a message (the monthly report's PDF, for instance)."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass
class SendSummary:
    """What one pass of the sender did."""

    sent: int = 0
    saved: list[Path] = field(default_factory=list)  # .eml files written when no SMTP server is configured
    retried: int = 0
    failed: int = 0
    uncertain: int = 0  # left unsent after a second unknown outcome
    pending: int = 0  # rows still waiting after this pass
    errors: list[str] = field(default_factory=list)
    eml_dir: Path | None = None  # set when no SMTP server is configured and mail went to .eml files


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    ssl: bool  # smtps:// (implicit TLS); smtp:// uses STARTTLS when the server offers it
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpConfig:
    """smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (TLS) -> SmtpConfig."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailConfigError(
            f"MONITOR_SMTP_URL invalid: {_redact(url)!r} (exemplu: smtp://utilizator:parolă@gazdă:587)"
        )
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
    except ValueError as exc:
        raise MailConfigError(f"MONITOR_SMTP_URL: port invalid în {_redact(url)!r}") from exc
    return SmtpConfig(
        host=parts.hostname,
        port=port,
        ssl=parts.scheme == "smtps",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def header_text(value: str, limit: int = 300) -> str:
    """A header-safe one-line text: control characters (CR, LF, NUL...) become spaces, whitespace is collapsed."""
    return " ".join(_CONTROL.sub(" ", value).split())[:limit]


def message_id_for(key: str, settings: Settings) -> str:
    """The Message-ID of the message queued under `key`: the same key always gives the same id."""
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.presa@{domain}>"


def build_message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    html: str,
    text: str,
    message_id: str,
    date: datetime,
    attachments: Iterable[Attachment] = (),
    reply_to_id: str | None = None,
) -> EmailMessage:
    """A multipart/alternative message (text, then HTML), built with the SMTP policy; headers are sanitised.
    `reply_to_id`: the Message-ID of the thread's first message (In-Reply-To and References)."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = header_text(sender)
    message["To"] = header_text(recipient)
    message["Subject"] = header_text(subject)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    if reply_to_id is not None:  # mail clients show the crisis and its updates as one conversation
        message["In-Reply-To"] = reply_to_id
        message["References"] = reply_to_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=header_text(attachment.filename),
        )
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message as sent, with its Subject re-encoded by email.header.

    Python 3.11's folder moves the space before a folded encoded word into the fold, where RFC 2047 decoders
    drop it ("mediatică– Horia"); email.header.Header keeps the spaces inside the encoded words.
    """
    raw = message.as_bytes(policy=policy.SMTP)
    head, separator, body = raw.partition(b"\r\n\r\n")
    subject = Header(str(message["Subject"]), "utf-8", header_name="Subject").encode(linesep="\r\n")
    lines: list[bytes] = []
    in_subject = False
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"subject:"):
            lines.append(b"Subject: " + subject.encode("ascii"))
            in_subject = True
        elif not (in_subject and line[:1] in (b" ", b"\t")):
            lines.append(line)
            in_subject = False
    return b"\r\n".join(lines) + separator + body


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    profile_id: str,
    recipient: str,
    subject: str,
    html: str,
    text: str,
    settings: Settings,
    now: datetime,
    attachments: Iterable[Attachment] = (),
    thread: str | None = None,
) -> bool:
    """Queue one message in the caller's transaction; False when a message with this key was already queued.
    `thread`: the key of the thread's first message to the same recipient (its Message-ID is derived from it)."""
    message_id = message_id_for(key, settings)
    message = build_message(
        sender=settings.mail_from,
        recipient=recipient,
        subject=subject,
        html=html,
        text=text,
        message_id=message_id,
        date=now,
        attachments=attachments,
        reply_to_id=message_id_for(thread, settings) if thread is not None else None,
    )
    values = {
        "key": key,
        "kind": kind,
        "profile_id": profile_id,
        "recipient": recipient,
        "subject": header_text(subject),
        "message_id": message_id,
        "message": message_bytes(message),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    # The Store runs on SQLite or PostgreSQL: both skip a duplicate key without aborting the caller's transaction.
    make_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = make_insert(OutboxRow).values(values).on_conflict_do_nothing(index_elements=["key"])
    inserted = session.execute(statement.returning(OutboxRow.id)).scalar_one_or_none() is not None
    if inserted:
        log.info("queued %s message %s for %s", kind, key, recipient)
    return inserted


def enqueue_each(
    session: Session,
    recipients: Iterable[str],
    *,
    key_prefix: str,
    kind: str,
    profile_id: str,
    subject: str,
    html: str,
    text: str,
    settings: Settings,
    now: datetime,
    attachments: Iterable[Attachment] = (),
    thread_prefix: str | None = None,
) -> tuple[list[str], list[str]]:
    """One message per recipient under the key `KEY_PREFIX:RECIPIENT`; returns (newly queued, already queued).
    `thread_prefix`: the key prefix of the thread's first message (each recipient's copy replies to theirs)."""
    queued: list[str] = []
    already: list[str] = []
    attached = tuple(attachments)
    for recipient in recipients:
        fresh = enqueue(
            session,
            key=f"{key_prefix}:{recipient}",
            kind=kind,
            profile_id=profile_id,
            recipient=recipient,
            subject=subject,
            html=html,
            text=text,
            settings=settings,
            now=now,
            attachments=attached,
            thread=f"{thread_prefix}:{recipient}" if thread_prefix is not None else None,
        )
        (queued if fresh else already).append(recipient)
    return queued, already


def backoff(attempts: int, settings: Settings) -> timedelta:
    """Geometric backoff after `attempts` failed tries: base, 2 base, 4 base ... capped."""
    return min(settings.backoff_base * (2 ** max(attempts - 1, 0)), settings.backoff_cap)


def _due(store: Store, now: datetime, limit: int) -> list[int]:
    """Pending rows whose time has come, and 'sending' rows whose claim expired (their sender died)."""
    with store.session() as session:
        rows = session.scalars(
            select(OutboxRow.id)
            .where(OutboxRow.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)), OutboxRow.next_attempt_at <= now)
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        return list(rows)


def _claim(store: Store, row_id: int, now: datetime) -> OutboxRow | None:
    """Take one row for sending, committed before the SMTP dialogue; None when another sender has it."""
    with store.session() as session:
        row = session.get(OutboxRow, row_id)
        if row is None or row.status not in (OutboxStatus.PENDING, OutboxStatus.SENDING) or row.next_attempt_at > now:
            return None
        uncertain = row.uncertain
        if row.status == OutboxStatus.SENDING:  # its sender died mid-dialogue: the server may have it
            uncertain += 1
            if uncertain > 1:
                row.status, row.last_error = OutboxStatus.UNCERTAIN, _UNCERTAIN_NOTE
                row.uncertain = uncertain
                log.error("outbox %s to %s: outcome unknown twice; not sent again", row.key, row.recipient)
                return None
            log.warning("outbox %s: the previous attempt did not finish; sending once more, same Message-ID", row.key)
        claimed = session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, OutboxRow.status == row.status, OutboxRow.attempts == row.attempts)
            .values(
                status=OutboxStatus.SENDING,
                attempts=OutboxRow.attempts + 1,
                uncertain=uncertain,
                next_attempt_at=now + CLAIM_LEASE,
            )
        ).rowcount  # type: ignore[attr-defined]
        if claimed != 1:
            return None
        session.refresh(row)
        session.expunge(row)
        return row


def _finish(
    store: Store, row_id: int, *, status: OutboxStatus, now: datetime, error: str | None, retry_at: datetime
) -> None:
    with store.session() as session:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id)
            .values(
                status=status,
                last_error=error,
                sent_at=now if status in (OutboxStatus.SENT, OutboxStatus.SAVED) else None,
                next_attempt_at=retry_at,
            )
        )


def _eml_path(settings: Settings, row: OutboxRow) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", row.key).strip("_")[:180]
    return settings.output_dir / "mail" / f"{safe}.eml"


def _connect(config: SmtpConfig, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if config.ssl:
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=timeout)
    try:
        client.ehlo()
        secure = config.ssl
        if not config.ssl and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
            secure = True
        if config.username:
            if not secure and not _is_loopback(config.host):
                raise MailConfigError(
                    f"serverul SMTP {config.host} nu oferă STARTTLS: parola nu se trimite necriptat (folosiți smtps://)"
                )
            client.login(config.username, config.password or "")
    except BaseException:
        client.close()
        raise
    return client


def send_direct(settings: Settings, recipient: str, subject: str, text: str, *, now: datetime) -> None:
    """Send one plain message now, without the outbox (the operator's warnings: the database may be what fails);
    bounded by settings.smtp_timeout; raises on failure. Without MONITOR_SMTP_URL it is written as an .eml file."""
    message = build_message(
        sender=settings.mail_from,
        recipient=recipient,
        subject=subject,
        html=f"<pre>{html_escape(text)}</pre>",
        text=text,
        message_id=message_id_for(f"operator:{recipient}:{now.isoformat()}:{subject}", settings),
        date=now,
    )
    raw = message_bytes(message)
    if settings.smtp_url is None:
        path = settings.output_dir / "mail" / f"operator-{now:%Y%m%dT%H%M%S}.eml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        return
    client = _connect(parse_smtp_url(settings.smtp_url), settings.smtp_timeout)
    try:
        client.sendmail(parseaddr(settings.mail_from)[1], [recipient], raw)
    finally:
        _close(client, polite=True)


def _is_loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _permanent(exc: BaseException) -> bool:
    """A 5xx answer to this message (bad recipient, content refused) will not get better by retrying.

    Everything else (server down, 421, timeout, a refused login or sender: configuration that can be fixed) is
    retried with backoff, so a message is never dropped for a problem that is not its own.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def send_pending(store: Store, settings: Settings, *, now: datetime, limit: int = 500) -> SendSummary:
    """Send every due outbox row once: to sent, to failed (5xx), or back to pending with backoff (down, 421...)."""
    summary = SendSummary()
    if settings.smtp_url is None:
        summary.eml_dir = settings.output_dir / "mail"
        for row_id in _due(store, now, limit):
            row = _claim(store, row_id, now)
            if row is None:
                continue
            path = _eml_path(settings, row)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(row.message)
            _finish(store, row.id, status=OutboxStatus.SAVED, now=now, error=None, retry_at=now)
            summary.saved.append(path)
        summary.pending = _count_waiting(store)
        return summary
    config = parse_smtp_url(settings.smtp_url)
    sender = parseaddr(settings.mail_from)[1]
    client: smtplib.SMTP | None = None
    started = time.monotonic()
    try:
        for row_id in _due(store, now, limit):
            if time.monotonic() - started > PASS_SECONDS:
                break  # the rest waits for the next pass
            row = _claim(store, row_id, now)
            if row is None:
                continue
            try:
                if client is None:
                    client = _connect(config, settings.smtp_timeout)
                _deliver(client, sender, row.recipient, row.message)
            except _UnknownOutcome as exc:
                _record_unknown(store, row, exc.__cause__ or exc, settings, now, summary)
                _drop(client)
                client = None
                break  # the connection is gone: one connection per pass
            except (OSError, smtplib.SMTPException, MailConfigError) as exc:
                _record_failure(store, row, exc, settings, now, summary)
                if _network(exc):
                    _drop(client)
                    client = None
                    break  # a hanging or vanished server: not one timeout per message
                continue
            _finish(store, row.id, status=OutboxStatus.SENT, now=now, error=None, retry_at=now)  # right after the 250
            summary.sent += 1
            log.info("sent %s to %s via %s:%s", row.key, row.recipient, config.host, config.port)
    finally:
        if client is not None:
            _close(client, polite=True)
    summary.pending = _count_waiting(store)
    return summary


class _UnknownOutcome(Exception):
    """The message's last byte was sent, the server's reply never came: it may or may not have the message."""


def _deliver(client: smtplib.SMTP, sender: str, recipient: str, message: bytes) -> None:
    """MAIL, RCPT and DATA, telling a failure before the message was handed over (raised as is) from one after
    it (raised as _UnknownOutcome)."""
    code, reply = client.mail(sender)
    if code != 250:
        _reset(client)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = client.rcpt(recipient)
    if code not in (250, 251):
        _reset(client)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    client.putcmd("data")
    code, reply = client.getreply()
    if code != 354:
        _reset(client)
        raise smtplib.SMTPDataError(code, reply)
    body = re.sub(rb"(?m)^\.", b"..", message)  # RFC 5321 dot-stuffing; the message already ends lines in CRLF
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    try:
        client.send(body + b".\r\n")
        code, reply = client.getreply()
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise _UnknownOutcome(str(exc)) from exc
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)  # the transaction is over: no RSET needed


def _reset(client: smtplib.SMTP) -> None:
    """End a refused transaction so the connection can carry the next message (as smtplib.sendmail does)."""
    try:
        client.rset()
    except (OSError, smtplib.SMTPException) as exc:
        log.debug("SMTP RSET failed: %s", exc)


def _network(exc: BaseException) -> bool:
    """A failure of the connection itself (refused, timed out, dropped), not the server's answer to a message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):  # 421: the server is closing the channel
        return any(code == 421 for code, _ in exc.recipients.values())
    return isinstance(exc, OSError | smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError) or (
        isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421
    )


def _drop(client: smtplib.SMTP | None) -> None:
    if client is not None:
        _close(client, polite=False)


_UNCERTAIN_NOTE = (
    "rezultat necunoscut de două ori (conexiunea s-a întrerupt după mesaj): poate a ajuns; nu se mai retrimite "
    "automat, verificați la destinatar"
)


def _record_unknown(
    store: Store, row: OutboxRow, exc: BaseException, settings: Settings, now: datetime, summary: SendSummary
) -> None:
    """After an unknown outcome: once more later, or, the second time, `uncertain` for a person to check."""
    error = header_text(f"rezultat necunoscut: {type(exc).__name__}: {exc}", limit=1000)
    summary.errors.append(f"{row.key}: {error}")
    with store.session() as session:
        session.execute(update(OutboxRow).where(OutboxRow.id == row.id).values(uncertain=OutboxRow.uncertain + 1))
    if row.uncertain >= 1:
        _finish(store, row.id, status=OutboxStatus.UNCERTAIN, now=now, error=_UNCERTAIN_NOTE, retry_at=now)
        summary.uncertain += 1
        log.error("outbox %s to %s: outcome unknown twice; not sent again", row.key, row.recipient)
        return
    retry_at = now + backoff(row.attempts, settings)
    _finish(store, row.id, status=OutboxStatus.PENDING, now=now, error=error, retry_at=retry_at)
    summary.retried += 1
    log.warning("outbox %s to %s: %s; sending once more at %s", row.key, row.recipient, error, retry_at.isoformat())


def _record_failure(
    store: Store, row: OutboxRow, exc: BaseException, settings: Settings, now: datetime, summary: SendSummary
) -> None:
    error = header_text(f"{type(exc).__name__}: {exc}", limit=1000)
    summary.errors.append(f"{row.key}: {error}")
    if _permanent(exc):
        _finish(store, row.id, status=OutboxStatus.FAILED, now=now, error=error, retry_at=now)
        summary.failed += 1
        log.error("outbox %s to %s failed for good: %s", row.key, row.recipient, error)
        return
    retry_at = now + backoff(row.attempts, settings)
    _finish(store, row.id, status=OutboxStatus.PENDING, now=now, error=error, retry_at=retry_at)
    summary.retried += 1
    log.warning("outbox %s to %s: %s; retry at %s", row.key, row.recipient, error, retry_at.isoformat())


def _close(client: smtplib.SMTP, *, polite: bool) -> None:
    try:
        if polite:
            client.quit()
    except (OSError, smtplib.SMTPException) as exc:
        log.debug("SMTP QUIT failed: %s", exc)
    finally:
        client.close()


def _count_waiting(store: Store) -> int:
    with store.session() as session:
        count = session.scalar(
            select(func.count()).where(OutboxRow.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
        )
        return int(count or 0)
