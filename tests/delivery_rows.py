"""Stored mentions for the digest, alert and scheduler tests, written through the ORM (no analysis run)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from press_rows import add_outlets

from monitor.store import Store
from monitor.store.models import AnalysisRow, ArticleRow, MentionRow

PROFILE = "alba"


@dataclass
class Newsroom:
    """Adds articles that mention the Alba profile's targets; outlets from press_rows.OUTLETS."""

    store: Store
    count: int = 0
    ids: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        with self.store.session() as session:
            add_outlets(session)

    def publish(
        self,
        outlet_id: str,
        title: str,
        published_at: datetime,
        *,
        target: str = "prefect",
        tone: str = "neutral",
        prominence: str = "body",
        evidence: Sequence[str] = (),
        topics: Sequence[str] = (),
        cluster: int | None = None,
        date_source: str = "feed",
        targets: Sequence[str] = (),
    ) -> int:
        """One article with one mention per target (same tone); its id, which is also its cluster by default."""
        self.count += 1
        text = " ".join(evidence) or title
        with self.store.session() as session:
            row = ArticleRow(
                url=f"https://{outlet_id}.example.ro/stire-{self.count}",
                outlet_id=outlet_id,
                title=title,
                published_at=published_at,
                date_source=date_source,
                fetched_at=published_at,
                text=text,
                lead=text,
                content_hash=hashlib.sha256(f"{self.count}{text}".encode()).hexdigest(),
                extraction="page",
            )
            session.add(row)
            session.flush()
            row.cluster_id = cluster if cluster is not None else row.id
            session.add(
                AnalysisRow(
                    article_id=row.id,
                    profile_id=PROFILE,
                    profile_hash="test",
                    analyzed_at=published_at,
                    topics=[{"topic": topic, "terms": [topic]} for topic in topics],
                )
            )
            for target_id in targets or (target,):
                session.add(
                    MentionRow(
                        article_id=row.id,
                        profile_id=PROFILE,
                        target_id=target_id,
                        count=1,
                        prominence=prominence,
                        tone=tone,
                        score={"negative": -0.6, "neutral": 0.0, "positive": 0.6}[tone],
                        evidence=list(evidence),
                        spans=[],
                    )
                )
            self.ids.append(row.id)
            return row.id
