"""Syndicated stories: MinHash signatures of word shingles, LSH candidates, one cluster id per story.

An article's signature covers the shingles of its normalised title and body; its *head* covers the title
and the first HEAD_WORDS words of the body. Two full articles match when the estimated Jaccard similarity
of their bodies reaches BODY_THRESHOLD; when either is short (summary-only, fewer than FULL_MIN_WORDS words
of body), their heads must reach the stricter HEAD_THRESHOLD. Only articles published within WINDOW of each
other are compared.

Measured on the texts of tests/test_dedup.py (estimated Jaccard of word 3-shingles): re-runs with another
intro and outro 0.52, without diacritics 0.88, with cedilla letters 1.0, cut to four paragraphs 0.63,
reordered with a paragraph dropped 0.70 (bodies, threshold 0.35); a feed summary against the full story 0.75
(heads, threshold 0.5). Other stories: another newsroom's report of the same flood 0.0, a TV bulletin of it
0.04, a follow-up repeating the prefect's quote 0.13. The thresholds sit between the two groups; a MinHash
estimate of 128 permutations is within about ±0.045 of the true value (one standard deviation).

A match is not enough to join a cluster, because matches chain: day-after follow-ups that repeat half of the
day before's story ("Reamintim că...", the same quote) plus the site's footer match the day before (0.39 to
0.53 in tests/test_dedup.py, as much as a re-run) but not two days before (0.15 to 0.19); joining every
matching pair (single linkage, the first version) made one cluster of a week of such stories (636 articles
in the demo). So new articles are placed one at a time, in published order: an article joins the cluster
whose representative it matches (the member matching more members than any other does: the agency story
in a syndication cluster; none on a tie, as in a pair) or a strict majority of whose members within WINDOW
it matches (summary-only members it does not match do not count against a full article); of several such
clusters it joins the best one, and otherwise starts its own. One article never joins two clusters, with one
exception: summaries are compared by their heads only, so a summary-only cluster whose representative a full
article matches is absorbed into that article's cluster (a summary crawled before the re-runs that carry
their own title and intro). Clusters are named by their earliest article (published_at, then id), so one
that gains an earlier article is renamed (articles, corrections, alerts). In tests/test_dedup.py no cluster
of a chain of six follow-ups holds two stories more than a day apart, and the agency story with its nine
re-runs stays one cluster, whatever the arrival order (checked during development for 100 random orders and
batchings of both together).

Candidates come from LSH banding (BODY_BANDS, HEAD_BANDS). Each signature's band keys are stored with it in
the indexed table `article_bands` (store/bands.py, migration 0007): a batch of new articles looks up only its
own keys within the date window, reads the signatures of the articles sharing one, and then every member in
the window of the clusters those match (placement weighs a cluster's members); the rest of the window is never
read. The pairs are then found with numpy: all band keys sorted together, equal keys read off as candidate
pairs. Before the index, every batch read the whole window: one new article against 350,000 cost 17.8 s and
2.3 GB (issue 13); bench/dedup_window.py measures the growth now. During development, a crawl cycle of
bench/dedup.py (100 new articles against 12,000 stored) took 3.9 s with datasketch's MinHashLSH rebuilt from
the stored signatures, 0.7 s with this banding, 0.5 s with this placement (0.75 s single linkage, same run
conditions: a shared, busy machine). On the bench's 100 chains of six follow-ups the largest cluster is
2 articles where single linkage gives 6. datasketch computes the MinHash signatures.
"""

from __future__ import annotations

import logging
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from datasketch import MinHash
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from monitor.store import Store
from monitor.store.bands import StoredSignature, cluster_signatures, replace_bands, sharing_a_band
from monitor.store.models import AlertRow, ArticleRow, CorrectionRow
from monitor.text import search_key

log = logging.getLogger(__name__)

SHINGLE_WORDS = 3  # word 3-grams: an edited word breaks three shingles, not the whole sentence
NUM_PERM = 128  # estimate error of a Jaccard of 0.5: about ±0.045 (one standard deviation)
SEED = 1
SCHEME = "affine32"
FULL_MIN_WORDS = 80  # a body shorter than this is a summary: compared by its head only
HEAD_WORDS = 40  # the head: title plus the first words of the body, about what a feed summary holds
MIN_SHINGLES = 8  # fewer shingles than this (a bare title) give no signature: the article stays alone
BODY_THRESHOLD = 0.35  # estimated Jaccard of two full bodies
HEAD_THRESHOLD = 0.5  # estimated Jaccard of two heads when one article is short (stricter: less text)
WINDOW = timedelta(days=7)
# LSH bands (b, r), chosen so that a pair at the threshold is a candidate with probability > 0.99:
# 1 - (1 - 0.35**2)**64 = 0.9998 for the bodies, 1 - (1 - 0.5**3)**42 = 0.996 for the heads.
BODY_BANDS = (64, 2)
HEAD_BANDS = (42, 3)
_HEAD_FIRST = BODY_BANDS[0]  # head bands are numbered after the body bands: one key space in the index
_CHUNK = 500  # ids per IN (...) list: well under every backend's parameter limit
_BLOCK = 64  # rows per block of a cluster's all-pairs comparison: bounded memory for a large cluster

_WORD = re.compile(r"\w+")
_HEADER = struct.Struct("<2sBH")  # magic, flags (1 = short), number of permutations
_MAGIC = b"M1"
_MIX = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)


def normalised_words(text: str) -> list[str]:
    """The words of `text`, cedilla-folded, lower-cased and without diacritics."""
    return _WORD.findall(search_key(text))


def _minhash(tokens: Sequence[str]) -> np.ndarray[Any, np.dtype[np.uint32]] | None:
    shingles = {" ".join(tokens[i : i + SHINGLE_WORDS]).encode() for i in range(len(tokens) - SHINGLE_WORDS + 1)}
    if len(shingles) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_TEMPLATE.permutations)
    minhash.update_batch(shingles)
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


@dataclass(frozen=True, slots=True, eq=False)
class Signature:
    """The MinHash of an article's head and, for a full article, of its whole body."""

    head: np.ndarray[Any, np.dtype[np.uint32]]
    body: np.ndarray[Any, np.dtype[np.uint32]] | None  # None: a short (summary-only) article

    @property
    def short(self) -> bool:
        return self.body is None

    def to_bytes(self) -> bytes:
        header = _HEADER.pack(_MAGIC, 1 if self.body is None else 0, NUM_PERM)
        parts = [header, self.head.astype("<u4").tobytes()]
        if self.body is not None:
            parts.append(self.body.astype("<u4").tobytes())
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        magic, flags, num_perm = _HEADER.unpack_from(data)
        size = 4 * num_perm
        expected = _HEADER.size + size * (1 if flags & 1 else 2)
        if magic != _MAGIC or num_perm != NUM_PERM or len(data) != expected:
            raise ValueError(f"unknown signature format ({len(data)} bytes, magic {magic!r}, {num_perm} permutations)")
        head = np.frombuffer(data, dtype="<u4", count=num_perm, offset=_HEADER.size).astype(np.uint32)
        body = None
        if not flags & 1:
            body = np.frombuffer(data, dtype="<u4", count=num_perm, offset=_HEADER.size + size).astype(np.uint32)
        return cls(head=head, body=body)


def compute_signature(title: str, text: str, summary: str = "") -> Signature | None:
    """The signature of an article (its text, or its summary when the text is empty); None when too short."""
    title_words = normalised_words(title)
    body_words = normalised_words(text) or normalised_words(summary)
    head = _minhash(title_words + body_words[:HEAD_WORDS])
    if head is None:
        return None
    body = _minhash(title_words + body_words) if len(body_words) >= FULL_MIN_WORDS else None
    return Signature(head=head, body=body)


def estimate_similarity(a: Signature, b: Signature) -> float:
    """The estimated Jaccard similarity of two bodies, or of two heads when either article is short."""
    x, y = (a.body, b.body) if a.body is not None and b.body is not None else (a.head, b.head)
    return float(np.count_nonzero(x == y)) / NUM_PERM


def is_same_story(a: Signature, b: Signature) -> bool:
    """True when two signatures are of the same story (see the module docstring for the rule)."""
    threshold = BODY_THRESHOLD if a.body is not None and b.body is not None else HEAD_THRESHOLD
    return estimate_similarity(a, b) >= threshold


def _band_keys(
    values: np.ndarray[Any, Any], bands: tuple[int, int], first: int = 0
) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """One 64-bit key per (row, band): the band's r hash values and its number (from `first`), mixed (wrapping
    arithmetic)."""
    count, r = bands
    grouped = values[:, : count * r].astype(np.uint64).reshape(len(values), count, r)
    keys = np.broadcast_to(np.arange(first, first + count, dtype=np.uint64), grouped.shape[:2]).copy()
    for column in range(r):
        keys = keys * _MIX + grouped[:, :, column]
    return keys


def band_keys(signature: Signature) -> list[int]:
    """The band keys the index keeps for a signature (signed 64-bit): its body bands when it has a body, then
    its head bands, numbered after the body bands."""
    parts = [_band_keys(signature.head[None, :], HEAD_BANDS, _HEAD_FIRST)]
    if signature.body is not None:
        parts.insert(0, _band_keys(signature.body[None, :], BODY_BANDS))
    return [int(key) for key in np.concatenate(parts, axis=1).ravel().view(np.int64)]


def _candidates(keys: np.ndarray[Any, Any], is_new: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Row pairs (a, b), a < b, that share a band key, at least one of them new: the LSH candidates.

    All keys are sorted together; equal keys then sit in runs, and pairs at distance 1, 2, ... within a run
    are read off until no run is that long (numpy throughout: no index rebuilt in Python per crawl cycle).
    """
    flat = keys.ravel()
    owner = np.repeat(np.arange(len(keys)), keys.shape[1])
    order = np.argsort(flat, kind="stable")
    flat, owner = flat[order], owner[order]
    found = []
    distance = 1
    while distance < len(flat):
        same = flat[distance:] == flat[:-distance]
        if not same.any():
            break
        a, b = owner[:-distance][same], owner[distance:][same]
        keep = (a != b) & (is_new[a] | is_new[b])
        found.append(np.stack([np.minimum(a, b)[keep], np.maximum(a, b)[keep]], axis=1))
        distance += 1
    if not found:
        return np.empty((0, 2), dtype=np.intp)
    return np.unique(np.concatenate(found), axis=0)


def _similar_rows(values: np.ndarray[Any, Any], pairs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return np.count_nonzero(values[pairs[:, 0]] == values[pairs[:, 1]], axis=1) / NUM_PERM


def _matching_pairs(
    signatures: Sequence[Signature], is_new: np.ndarray[Any, Any], seconds: np.ndarray[Any, Any]
) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Pairs of rows of `signatures` that `is_same_story` accepts, at least one new, published within WINDOW."""
    heads = np.stack([signature.head for signature in signatures])
    full = np.flatnonzero([signature.body is not None for signature in signatures])
    short = np.ones(len(signatures), dtype=bool)
    short[full] = False
    found = []
    if len(full) > 1:
        bodies = np.stack([signature.body for signature in signatures if signature.body is not None])
        pairs = _candidates(_band_keys(bodies, BODY_BANDS), is_new[full])
        found.append(full[pairs[_similar_rows(bodies, pairs) >= BODY_THRESHOLD]])
    pairs = _candidates(_band_keys(heads, HEAD_BANDS, _HEAD_FIRST), is_new)
    pairs = pairs[short[pairs[:, 0]] | short[pairs[:, 1]]]
    found.append(pairs[_similar_rows(heads, pairs) >= HEAD_THRESHOLD])
    matches = np.concatenate(found)
    close = np.abs(seconds[matches[:, 0]] - seconds[matches[:, 1]]) <= WINDOW.total_seconds()
    return matches[close]


class _Group:
    """One cluster while new articles are placed: its members (rows), their match counts, its earliest article."""

    def __init__(self, first: tuple[datetime, int]) -> None:
        self.first = first  # (published_at, id) of the earliest article: the cluster's name
        self.members: list[int] = []
        self.matches: list[int] = []  # per member: how many other members it matches

    @property
    def label(self) -> int:
        return self.first[1]

    def representative(self) -> int | None:
        """The member that matches more of the others than any other member does (a medoid), if there is one.

        None on a tie at the top (two stories that only match each other, a chain): then no member speaks for
        the group and a new article must match a strict majority of it.
        """
        top = max(self.matches)
        leaders = [member for member, count in zip(self.members, self.matches, strict=True) if count == top]
        return leaders[0] if len(leaders) == 1 else None

    def add(self, row: int, matched: set[int], order: Sequence[tuple[datetime, int]]) -> None:
        for i, member in enumerate(self.members):
            if member in matched:
                self.matches[i] += 1
        self.matches.append(sum(1 for member in self.members if member in matched))
        self.members.append(row)
        self.first = min(self.first, order[row])


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def assign_clusters(target: Session | Store, article_ids: Iterable[int], *, now: datetime) -> dict[int, int]:
    """Give each of these articles that has none a cluster id; returns {article id: cluster id}.

    Signatures are computed and stored for the new articles; a new article may join, or join together,
    clusters of articles published within WINDOW, and a cluster whose earliest article changes is renamed
    everywhere its id is kept (articles, corrections, alerts). Articles already clustered are left alone.
    """
    if isinstance(target, Store):
        with target.session() as session:
            return _assign(session, sorted(set(article_ids)), now)
    return _assign(target, sorted(set(article_ids)), now)


def _assign(session: Session, ids: list[int], now: datetime) -> dict[int, int]:
    columns = (ArticleRow.id, ArticleRow.published_at, ArticleRow.title, ArticleRow.text, ArticleRow.summary)
    fresh = [
        row
        for chunk in _chunks(ids)
        for row in session.execute(select(*columns).where(ArticleRow.id.in_(chunk), ArticleRow.cluster_id.is_(None)))
    ]
    if not fresh:
        return {}
    fresh.sort(key=lambda row: (row.published_at, row.id))
    signatures = {row.id: compute_signature(row.title, row.text, row.summary) for row in fresh}
    published = {row.id: row.published_at for row in fresh}
    start = min(published.values()) - WINDOW
    end = min(max(published.values()) + WINDOW, now + WINDOW)
    placed = [(row.id, row.published_at, sig, row.id) for row in fresh if (sig := signatures[row.id]) is not None]
    rows = _neighbours(session, placed, start, end)
    stored = len(rows)
    rows += placed
    roots = sorted({cluster for _, _, _, cluster in rows[:stored]})
    root_dates = {
        root.id: root.published_at
        for chunk in _chunks(roots)
        for root in session.execute(select(ArticleRow.id, ArticleRow.published_at).where(ArticleRow.id.in_(chunk)))
    }
    deleted = set(roots) - set(root_dates)  # a cluster whose earliest article is gone: its oldest copy stands in
    for _, when, _, cluster in rows[:stored]:
        if cluster in deleted:
            root_dates[cluster] = min(root_dates.get(cluster, when), when)
    assigned = {row.id: row.id for row in fresh}  # articles without a signature stay alone
    renamed = _place(rows, stored, {root: (when, root) for root, when in root_dates.items()}, assigned)
    session.execute(
        update(ArticleRow),
        [{"id": row.id, "cluster_id": assigned[row.id], "signature": _as_bytes(signatures[row.id])} for row in fresh],
    )
    replace_bands(session, [(article_id, when, band_keys(signature)) for article_id, when, signature, _ in placed])
    for old, new in renamed.items():
        _rename_cluster(session, old, new)
    log.info("dedup: %d new articles in %d clusters", len(assigned), len(set(assigned.values())))
    return assigned


def _neighbours(
    session: Session, new: Sequence[tuple[int, datetime, Signature, int]], start: datetime, end: datetime
) -> list[tuple[int, datetime, Signature, int]]:
    """The stored articles of [start, end] that placing `new` can involve: every member in the window of each
    cluster that one of them matches. Only the articles sharing a band key with a new one are read to find
    those clusters (the band index); the rest of the window is never read."""
    if not new:
        return []
    keys = [key for _, _, signature, _ in new for key in band_keys(signature)]
    shared = [_decoded(row) for row in sharing_a_band(session, keys, start, end)]
    if not shared:
        return []
    rows = shared + list(new)
    is_new = np.arange(len(rows)) >= len(shared)
    seconds = np.array([when.timestamp() for _, when, _, _ in rows])
    pairs = _matching_pairs([signature for _, _, signature, _ in rows], is_new, seconds)
    clusters = {rows[index][3] for index in pairs.ravel().tolist() if index < len(shared)}
    return [_decoded(row) for row in cluster_signatures(session, clusters, start, end)]


def _decoded(row: StoredSignature) -> tuple[int, datetime, Signature, int]:
    return (row.id, row.published_at, Signature.from_bytes(row.signature), row.cluster_id)


def _place(
    rows: Sequence[tuple[int, datetime, Signature, int]],
    stored: int,
    firsts: dict[int, tuple[datetime, int]],
    assigned: dict[int, int],
) -> dict[int, int]:
    """Put each new row (rows[stored:], in published order) in one cluster; fills `assigned`, returns renames.

    A new article joins the cluster whose representative it matches, or a strict majority of whose members
    within WINDOW it matches; among several, the best (for a full article one with a full article in it, then
    representative matched, then the largest share of members matched, then the closest match); otherwise it
    starts a cluster of its own. Two clusters are never joined through one article (no chaining), except
    that a full article absorbs the summary-only clusters it would also have joined (see `_absorb`).
    """
    order = [(when, article_id) for article_id, when, _, _ in rows]
    neighbours: dict[int, set[int]] = {}
    if len(rows) > 1:
        is_new = np.arange(len(rows)) >= stored
        seconds = np.array([when.timestamp() for _, when, _, _ in rows])
        for a, b in _matching_pairs([sig for _, _, sig, _ in rows], is_new, seconds).tolist():
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)
    stored_members: dict[int, list[int]] = {}
    for index in range(stored):
        stored_members.setdefault(rows[index][3], []).append(index)
    groups: dict[int, _Group] = {}  # by the cluster id the group had before this call (or its new article's id)
    absorbed: dict[int, int] = {}  # a summary-only group merged into another: its key -> the other's key
    group_of: dict[int, int] = {}

    def group(key: int) -> tuple[int, _Group]:
        while key in absorbed:
            key = absorbed[key]
        if key not in groups:  # a stored cluster, first touched: its members and how they match each other
            members = stored_members[key]
            found = groups[key] = _Group(firsts[key])
            found.members = list(members)
            found.matches = _match_counts([rows[i][2] for i in members])
        return key, groups[key]

    for index in range(stored, len(rows)):
        matched = neighbours.get(index, set())
        when, short = rows[index][1], rows[index][2].short
        accepted: list[tuple[tuple[bool, bool, float, float], int]] = []
        keys = {group(rows[j][3] if j < stored else group_of[j])[0] for j in matched if j < stored or j in group_of}
        for key in sorted(keys):
            candidate = groups[key]
            near = [
                m
                for m in candidate.members
                if abs(order[m][0] - when) <= WINDOW and (short or not rows[m][2].short or m in matched)
            ]  # a full article is not held back by summaries it cannot be compared with by body
            hits = sum(1 for m in near if m in matched)
            leader = candidate.representative()
            if leader in matched or 2 * hits > len(near):
                similarity = max(estimate_similarity(rows[index][2], rows[m][2]) for m in near if m in matched)
                has_full = not all(rows[m][2].short for m in candidate.members)
                accepted.append(((has_full, leader in matched, hits / len(near), similarity), key))
        if not accepted:
            key = rows[index][0]
            groups[key] = _Group(order[index])
        else:
            key = max(accepted)[1]
        groups[key].add(index, matched, order)
        group_of[index] = key
        if not short:
            for score, other in accepted:
                if other != key and not score[0]:
                    _absorb(groups, key, other, rows)
                    absorbed[other] = key
    for index in range(stored, len(rows)):
        assigned[rows[index][0]] = group(group_of[index])[1].label
    return {
        key: label for key in groups.keys() | absorbed.keys() if key in firsts and (label := group(key)[1].label) != key
    }


def _absorb(
    groups: dict[int, _Group], key: int, other: int, rows: Sequence[tuple[int, datetime, Signature, int]]
) -> None:
    """A group of summary-only articles that a full article could join merges into that article's group.

    Summaries are compared by their heads only, so a re-run with its own title and intro may not match a
    summary published before it; the full article that matches both shows they are the same story.
    """
    into, gone = groups[key], groups.pop(other)
    into.members += gone.members
    into.first = min(into.first, gone.first)
    into.matches = _match_counts([rows[m][2] for m in into.members])


def _match_counts(signatures: Sequence[Signature]) -> list[int]:
    """For each signature, how many of the others `is_same_story` accepts (numpy, a block of rows at a time)."""
    heads = np.stack([signature.head for signature in signatures])
    full = np.array([signature.body is not None for signature in signatures])
    bodies = np.stack([heads[i] if s.body is None else s.body for i, s in enumerate(signatures)])
    counts = np.zeros(len(signatures), dtype=np.int64)
    for start in range(0, len(signatures), _BLOCK):
        stop = start + _BLOCK
        head_same = np.count_nonzero(heads[start:stop, None, :] == heads[None, :, :], axis=2) / NUM_PERM
        body_same = np.count_nonzero(bodies[start:stop, None, :] == bodies[None, :, :], axis=2) / NUM_PERM
        both_full = full[start:stop, None] & full[None, :]
        same = np.where(both_full, body_same >= BODY_THRESHOLD, head_same >= HEAD_THRESHOLD)
        counts[start:stop] = np.count_nonzero(same, axis=1) - 1  # minus itself
    return [int(count) for count in counts]


def _as_bytes(signature: Signature | None) -> bytes | None:
    return None if signature is None else signature.to_bytes()


def _rename_cluster(session: Session, old: int, new: int) -> None:
    """A cluster got an earlier article or was joined to another: its id changes wherever it is kept."""
    log.info("dedup: cluster %s is now part of cluster %s", old, new)
    for model in (ArticleRow, CorrectionRow, AlertRow):
        stmt = update(model).where(model.cluster_id == old).values(cluster_id=new)
        session.execute(stmt.execution_options(synchronize_session=False))
