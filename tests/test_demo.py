"""The demo: its generated newsroom, the newsroom's server, and the whole job scaled down."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlparse

import feedparser
import httpx
import pytest
import trafilatura

from monitor.config import Profile
from monitor.deliver.render import count_ro
from monitor.demo import Newsroom, generate, render_page, serve
from monitor.demo.newsroom import BUCHAREST
from monitor.demo.run import DemoResult, run_demo
from monitor.text import search_key

REPO = Path(__file__).resolve().parent.parent
MONTH = date(2026, 10, 1)  # fixed, so the suite does not depend on today's date (and it has a DST change)


@pytest.fixture(scope="module")
def newsroom(profile: Profile) -> Newsroom:
    return generate(7, month=MONTH, profile=profile)


def test_the_month_is_big_varied_and_reproducible(newsroom: Newsroom, profile: Profile) -> None:
    again = generate(7, month=MONTH, profile=profile)
    assert [a.title for a in again.articles] == [a.title for a in newsroom.articles]
    assert len(newsroom.outlets) >= 12
    assert {o.kind for o in newsroom.outlets} >= {"local", "national", "agency", "institution", "tv", "radio"}
    truth = newsroom.truth()
    assert len(newsroom.articles) >= 600
    assert sum(1 for a in newsroom.articles if a.tones) >= 120
    assert set(truth.mentions) == {t.id for t in profile.targets}
    assert {tone for tones in truth.tones.values() for tone in tones} == {"positive", "neutral", "negative"}
    texts = [" ".join((a.title, a.lead, *a.body)) for a in newsroom.articles]
    assert any("ş" in text or "ţ" in text for text in texts)  # legacy cedilla spelling
    assert any("Horia Vladescu" in text for text in texts)  # no diacritics
    assert any("HORIA VLĂDESCU" in text for text in texts)  # capitals
    assert any("prefectului Horia Vlădescu" in text or "lui Horia Vlădescu" in text for text in texts)
    assert any("Cornel Bădărău" in text for text in texts)  # another county's prefect
    assert not any("Cornel Bădărău" in text for text, a in zip(texts, newsroom.articles, strict=True) if a.tones)


def test_the_crisis_fills_the_last_day_across_outlets(newsroom: Newsroom) -> None:
    crisis = [a for a in newsroom.articles if a.crisis]
    assert len(crisis) >= 12
    assert {a.published_at.astimezone(BUCHAREST).date() for a in crisis} == {newsroom.crisis_day}
    assert len({a.outlet_id for a in crisis}) >= 8
    reruns = Counter(a.story for a in crisis if a.rerun_of)
    assert max(reruns.values()) >= 3  # the agency story re-run by several outlets
    assert all(a.tones for a in crisis)
    # outside the crisis, the last day carries no negative story about the watched targets
    last_day = [a for a in newsroom.articles if a.published_at.astimezone(BUCHAREST).date() == newsroom.crisis_day]
    assert all("negative" not in a.tones.values() for a in last_day if not a.crisis)


def test_pages_are_realistic_and_extract_to_the_article(newsroom: Newsroom) -> None:
    article = next(a for a in newsroom.articles if a.tones and a.outlet_id == "gazeta-cetatii")
    page = render_page(newsroom, article, size=150_000)
    assert 140_000 <= len(page) <= 160_000
    html = page.decode("utf-8")
    for part in ("<nav", "Publicitate", "<script", 'id="comments"', "Citește și"):
        assert part in html
    text = trafilatura.extract(html) or ""
    assert search_key(article.lead)[:60] in search_key(text)
    cedilla = next(a for a in newsroom.articles if a.outlet_id == "vocea-tarnavelor")
    legacy = render_page(newsroom, cedilla)
    assert b'<meta charset="iso-8859-2">' in legacy
    assert "ş".encode("iso-8859-2") in legacy


def test_server_publishes_over_simulated_time_with_conditional_get(newsroom: Newsroom) -> None:
    outlet = newsroom.outlet("gazeta-cetatii")  # ETag and Last-Modified
    day = newsroom.start + timedelta(days=3)
    with serve(newsroom, now=day) as server, httpx.Client(base_url=server.base_url) as client:
        first = client.get(outlet.feed_url_path)
        assert first.status_code == 200
        entries = feedparser.parse(first.content).entries
        visible = newsroom.published(outlet.id, day)
        assert [e.title for e in entries] == [a.title for a in reversed(visible)][: len(entries)]
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert client.get(outlet.feed_url_path, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(outlet.feed_url_path, headers={"If-Modified-Since": modified}).status_code == 304
        upcoming = next(a for a in newsroom.articles if a.outlet_id == outlet.id and a.published_at > day)
        assert client.get(upcoming.path).status_code == 404
        server.now = upcoming.published_at
        assert client.get(outlet.feed_url_path, headers={"If-None-Match": etag}).status_code == 200
        assert client.get(upcoming.path).status_code == 200
        assert client.get("/robots.txt").status_code == 200
        assert server.statuses[304] == 2


# --- the whole job, scaled down ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"), seed=11, scale=0.1, month=MONTH, step=timedelta(hours=1))


def _links(html: str) -> list[str]:
    """The paths of the article links in `html`, in document order."""
    return [urlparse(href).path for href in re.findall(r'<a href="([^"]+)"', html)]


def test_demo_digest_lists_the_crisis_first(demo: DemoResult) -> None:
    html = demo.digest_html.read_text(encoding="utf-8")
    articles = {a.path: a for a in demo.newsroom.articles}
    listed = [articles[path] for path in _links(html) if path in articles]
    assert listed and listed[0].crisis
    crisis_stories = {a.story for a in demo.newsroom.articles if a.crisis}
    assert {a.story for a in listed if a.crisis} == crisis_stories  # every crisis story is in the digest
    digests = [m for _, m in demo.mail if str(m["Subject"]).startswith("Sinteza presei, 1 ")]
    assert len(digests) == 1


def test_demo_alert_arrived_once(demo: DemoResult) -> None:
    ids = [m["Message-ID"] for _, m in demo.mail]
    assert len(ids) == len(set(ids))  # nothing delivered twice
    prefect = demo.newsroom.profile.target("prefect")
    first = next(a for a in demo.newsroom.articles if a.crisis)
    alerts = [
        m
        for _, m in demo.mail
        if str(m["Subject"]).startswith(f"Alertă: criză mediatică – {prefect.name}")
        and first.path in m.get_body(("html",)).get_content()  # type: ignore[union-attr]
    ]
    assert len(alerts) == 1
    assert demo.alert_eml is not None
    assert message_from_bytes(demo.alert_eml.read_bytes(), policy=policy.SMTP)["Subject"].startswith("Alertă")
    assert demo.http.get(304, 0) > 0  # the scheduler's passes used conditional GET


def _volumes(html: str) -> dict[str, int]:
    """Target name -> appearances, from the report's volume table."""
    section = html.split("Volumul aparițiilor", 1)[1].split("</table>", 1)[0]
    return {name: int(count) for name, count in re.findall(r'<tr><td>([^<]+)</td><td class="n">(\d+)</td>', section)}


def test_demo_report_figures_match_the_generated_month(demo: DemoResult) -> None:
    assert demo.report_pdf.stat().st_size > 10_000
    html = demo.report_html.read_text(encoding="utf-8")
    volumes = _volumes(html)
    month = demo.month
    for target in demo.newsroom.profile.targets:
        written = demo.truth.mentions.get(target.id, 0)
        stored = demo.mentions_stored.get(target.id, 0)
        if target.to is not None and target.to < month:  # a former holder: apart, never in the totals
            assert target.name not in volumes
            if stored:
                assert f"{target.name}, fost prefect: {count_ro(stored, 'apariție', 'apariții')}" in " ".join(
                    html.split()
                )
            continue
        reported = volumes.get(target.name, 0)  # a target with no appearance has no row
        assert reported == stored
        assert abs(reported - written) <= max(1, written // 10), target.id


def test_demo_digest_renders_in_a_browser(demo: DemoResult, tmp_path: Path) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed: the digest is not rendered to a PNG")
    png = tmp_path / "digest.png"
    subprocess.run(
        [
            str(chromium),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=900,1400",
            demo.digest_html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    from PIL import Image

    colours = Image.open(png).convert("L").getcolors(maxcolors=1 << 16)
    assert colours is not None and len(colours) > 8  # text, badges and links, not a blank page
