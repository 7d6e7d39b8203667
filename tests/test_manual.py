"""Articles added by hand: by address (a real HTTP server on 127.0.0.1), pasted text, and uploaded documents (a
PDF with text, a scanned page read by Tesseract, broken and hostile files); then through the workspace."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from conftest import REPO, Site
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select
from starlette.testclient import TestClient
from weasyprint import HTML
from web_setup import build_scene, sign_in

from monitor.archive.documents import DocumentError, read_document
from monitor.archive.manual import ManualError, add_text, add_url
from monitor.archive.search import search_articles
from monitor.config import load_all
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import ArticleRow, MentionRow
from monitor.web import create_app

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
STORY = (
    "Prefectul Horia Vlădescu a fost criticat dur de consilierii județeni pentru întârzierea ajutoarelor după "
    "inundațiile din Alba. Oamenii din satele afectate spun că nu au primit nimic de trei săptămâni.\n\n"
    "Consilierii au cerut demisia prefectului și au anunțat un protest în fața Prefecturii Alba."
)
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture
def config() -> tuple:  # type: ignore[type-arg]
    sources, profiles = load_all(REPO / "sources.yaml", REPO / "pipelines")
    return sources, profiles[0]


def scanned_page(text: str) -> bytes:
    """A print page as a scanner gives it: black text on white, 300 dpi-ish."""
    image = Image.new("L", (2000, 900), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(DEJAVU, 44)
    y = 60
    for line in text.splitlines():
        draw.text((80, y), line, fill=0, font=font)
        y += 70
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_pasted_transcript_is_stored_analysed_and_found(store: Store, config: tuple) -> None:  # type: ignore[type-arg]
    sources, profile = config
    added = add_text(
        store, profile, sources, outlet_id="alba24", title="Transcriere: prefectul, criticat la radio",
        text=STORY, published_at=NOW, now=NOW,
    )  # fmt: skip
    assert added.created and added.mentions >= 1
    with store.session() as session:
        article = session.get(ArticleRow, added.article_id)
        assert article is not None and (article.extraction, article.date_source) == ("typed", "office")
        tone = session.scalar(
            select(MentionRow.tone).where(MentionRow.article_id == article.id, MentionRow.target_id == "prefect")
        )
    assert tone == "negative"
    hits = search_articles(store, "demisia prefectului", now=NOW, profile_id="alba")
    assert [hit.article_id for hit in hits] == [added.article_id]
    again = add_text(
        store, profile, sources, outlet_id="alba24", title="Transcriere: prefectul, criticat la radio",
        text=STORY, published_at=NOW, now=NOW,
    )  # fmt: skip
    assert again.article_id == added.article_id and not again.created  # the same text is one article
    with pytest.raises(ManualError, match="titlu"):
        add_text(store, profile, sources, outlet_id="alba24", title=" ", text=STORY, published_at=None, now=NOW)
    with pytest.raises(ManualError, match=r"nu există în sources\.yaml"):
        add_text(store, profile, sources, outlet_id="nimeni", title="T", text=STORY, published_at=None, now=NOW)


def test_page_by_address_goes_through_the_hardened_fetch(
    store: Store,
    settings: Settings,
    site: Site,
    config: tuple,  # type: ignore[type-arg]
) -> None:
    sources, profile = config
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY.split("\n\n"))
    head = "<html><head><title>Prefectul, criticat</title></head>"
    page = f"{head}<body><article><h1>Prefectul, criticat</h1>{paragraphs}</article></body></html>"
    url = site.serve_bytes("/stiri/prefectul-criticat", page.encode())
    added = add_url(store, profile, sources, settings, outlet_id="alba24", url=url, published_at=None, now=NOW)
    with store.session() as session:
        article = session.get(ArticleRow, added.article_id)
        assert article is not None and article.link == url and "demisia prefectului" in article.text
        assert article.date_source == "fetched"  # no date on the page or given: the day it was added, flagged
    assert added.mentions >= 1
    with pytest.raises(ManualError, match="nu a putut fi adusă"):
        add_url(
            store, profile, sources, settings, outlet_id="alba24", url=site.url("/lipsa"), published_at=None, now=NOW
        )
    blocked = Settings.from_env({}, database_url=settings.database_url, data_dir=settings.data_dir)  # no allow-list
    with pytest.raises(ManualError, match="nu a putut fi adusă"):  # 127.0.0.1 is private: refused as in a crawl
        add_url(store, profile, sources, blocked, outlet_id="alba24", url=url, published_at=None, now=NOW)


def test_documents_are_read_in_limited_processes(tmp_path: Path) -> None:
    pdf = tmp_path / "articol.pdf"
    HTML(string=f"<h1>Prefectul, criticat</h1><p>{STORY}</p>").write_pdf(pdf)
    text = read_document(pdf.read_bytes())
    assert not text.ocr and "demisia prefectului" in text.text and text.pages == 1
    scan = read_document(scanned_page("Prefectul Horia Vlădescu a fost criticat\nde consilierii județeni din Alba."))
    assert scan.ocr
    assert re.search(r"Prefectul Horia Vl.descu", scan.text) and "consilierii" in scan.text
    as_pdf = BytesIO()
    Image.open(BytesIO(scanned_page("Consilierii au cerut demisia\nprefectului Horia Vlădescu."))).save(as_pdf, "PDF")
    scanned_pdf = read_document(as_pdf.getvalue())  # a scan inside a PDF: no text layer, read by OCR
    assert scanned_pdf.ocr and "demisia" in scanned_pdf.text
    with pytest.raises(DocumentError, match="nu este PDF"):
        read_document(b"PK\x03\x04 an archive, not a page")
    with pytest.raises(DocumentError, match="deteriorat"):
        read_document(b"%PDF-1.7\n garbage without any object")
    header = (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 200000, 200000, 8, 0, 0, 0, 0)
    )
    bomb = header + struct.pack(">I", zlib.crc32(header[12:]) & 0xFFFFFFFF) + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    with pytest.raises(DocumentError):  # 200,000 × 200,000 pixels declared: refused, the server unharmed
        read_document(bomb)
    with pytest.raises(DocumentError, match="cel mult"):
        read_document(b"%PDF-" + b"0" * (21 * 1024 * 1024))


def test_upload_through_the_workspace(tmp_path: Path) -> None:
    scene = build_scene(tmp_path)
    with TestClient(create_app(scene.settings, scene.store), base_url="http://127.0.0.1") as client:
        csrf = sign_in(client, "ana")
        page = scanned_page("Prefectul Horia Vlădescu a fost criticat\nde consilierii județeni din Alba.")
        answer = client.post(
            "/p/alba/adauga/fisier",
            data={
                "csrf_token": csrf,
                "publicatia": "ziarul-unirea",
                "titlu": "Prefectul, criticat",
                "data": "19.11.2026",
            },
            files={"fisier": ("pagina-3.png", page, "image/png")},
            follow_redirects=False,
        )
        assert answer.status_code == 303 and re.fullmatch(r"/p/alba/articole/\d+", answer.headers["location"])
        article = client.get(answer.headers["location"]).text
        assert "Prefectul, criticat" in article and "Ziarul Unirea" in article
        broken = client.post(
            "/p/alba/adauga/fisier",
            data={"csrf_token": csrf, "publicatia": "ziarul-unirea"},
            files={"fisier": ("x.pdf", b"%PDF-1.4 broken", "application/pdf")},
        )
        assert broken.status_code == 400 and "deteriorat" in broken.text
        client.cookies.clear()
        csrf = sign_in(client, "sef")
        refused = client.post(
            "/p/alba/adauga/text",
            data={"csrf_token": csrf, "publicatia": "alba24", "titlu": "T", "text": STORY},
        )
        assert refused.status_code == 403
    scene.store.close()
