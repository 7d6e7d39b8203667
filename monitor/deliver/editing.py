"""The press office's hand on a day's digest before it leaves: leave a story out (or back in), put one first, flag
one «de reacționat» (or take the flag off), add «Comentariul biroului de presă», approve it. When a profile asks
for approval (digest.approval), the morning digest waits for it until digest.approve_until, then goes as it is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from monitor.config import Profile
from monitor.store.models import DigestEditRow


def digest_edit(session: Session, profile_id: str, day: date) -> DigestEditRow | None:
    return session.get(DigestEditRow, (profile_id, day.isoformat()))


def edit_digest(
    session: Session,
    profile_id: str,
    day: date,
    *,
    login: str,
    now: datetime,
    comment: str | None = None,
    leave_out: int | None = None,
    put_back: int | None = None,
    put_first: int | None = None,
    flag: int | None = None,
    unflag: int | None = None,
    approve: bool = False,
) -> tuple[dict[str, object], dict[str, object]]:
    """Change the day's digest in the caller's transaction; returns (before, after) for the audit log."""
    row = digest_edit(session, profile_id, day)
    if row is None:
        row = DigestEditRow(
            profile_id=profile_id, day=day.isoformat(), comment="", excluded=[], first=[], react=[],
            updated_by=login, updated_at=now,
        )  # fmt: skip
        session.add(row)
    before = _state(row)
    if comment is not None:
        row.comment = comment.strip()
    if leave_out is not None and leave_out not in row.excluded:
        row.excluded = [*row.excluded, leave_out]
    if put_back is not None:
        row.excluded = [cluster for cluster in row.excluded if cluster != put_back]
    if put_first is not None:
        row.first = [put_first, *(cluster for cluster in row.first if cluster != put_first)]
    if flag is not None and flag not in row.react:
        row.react = [*row.react, flag]
    if unflag is not None:
        row.react = [cluster for cluster in row.react if cluster != unflag]
    if approve:
        row.approved_by, row.approved_at = login, now
    row.updated_by, row.updated_at = login, now
    return before, _state(row)


def _state(row: DigestEditRow) -> dict[str, object]:
    return {
        "comentariu": row.comment,
        "scoase": list(row.excluded),
        "primele": list(row.first),
        "de reacționat": list(row.react),
        "aprobată": row.approved_by,
    }


class _Story(Protocol):
    @property
    def cluster_id(self) -> int: ...


_Item = TypeVar("_Item", bound=_Story)


def kept(items: Iterable[_Item], edit: DigestEditRow | None) -> list[_Item]:
    """`items` (stories, or mentions) without the stories the office left out."""
    left_out = set(edit.excluded) if edit is not None else set()
    return [item for item in items if item.cluster_id not in left_out]


def arrange(items: Sequence[_Item], edit: DigestEditRow | None) -> list[_Item]:
    """The stories the office put first at the top, in its order; the rest as they were."""
    order = {cluster: rank for rank, cluster in enumerate(edit.first)} if edit is not None else {}
    return sorted(items, key=lambda item: order.get(item.cluster_id, len(order)))


def flagged(edit: DigestEditRow | None) -> frozenset[int]:
    """The stories the office flagged «de reacționat»."""
    return frozenset(edit.react) if edit is not None else frozenset()


def waiting_for_approval(session: Session, profile: Profile, day: date, now: datetime) -> bool:
    """True while the day's digest must wait: approval asked for, not given, and its deadline not yet passed."""
    if not profile.digest.approval:
        return False
    edit = digest_edit(session, profile.id, day)
    if edit is not None and edit.approved_by is not None:
        return False
    local = now.astimezone(profile.zone)
    return local.date() == day and local.time().replace(tzinfo=None) < profile.digest.approve_until
