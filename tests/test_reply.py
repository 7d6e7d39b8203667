"""Right-of-reply letters name the outlet, the article and the contested passages; their status only moves on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO
from rows import Month, add_article, add_mention, at, seed_month
from sqlalchemy import select

from monitor.cli import cli
from monitor.config import Profile, Sources
from monitor.deliver.reply import ReplyError, draft_reply, set_reply_status
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import OutletRow, ReplyRow

NOW = datetime(2026, 10, 7, 8, tzinfo=UTC)
OUTLETS = {
    "outlets": [
        {
            "id": "ziarul-unirea",
            "name": "Ziarul Unirea",
            "kind": "local",
            "county": "Alba",
            "feeds": ["https://ziarulunirea.example/feed"],
            "contact": "redactia@ziarulunirea.example",
        },
        {"id": "alba24", "name": "Alba24", "kind": "local", "county": "Alba", "feeds": ["https://alba24.example/feed"]},
        {
            "id": "alba-tv",
            "name": "Alba TV",
            "kind": "tv",
            "county": "Alba",
            "feeds": ["https://albatv.example/feed"],
            "contact": "stiri@albatv.example",
        },
    ]
}
PASSAGE = "Prefectul Horia Vlădescu, acuzat că a ignorat avertismentele despre spitalul județean."


@pytest.fixture
def month(store: Store) -> Month:
    with store.session() as session:
        return seed_month(session)


@pytest.fixture
def sources() -> Sources:
    return Sources.model_validate(OUTLETS)


def test_letter_names_outlet_article_and_passages(
    store: Store, settings: Settings, sources: Sources, month: Month, profile: Profile
) -> None:
    draft = draft_reply(store, profile, sources, settings, month.hospital, "prefect", now=NOW)
    text = draft.text_path.read_text(encoding="utf-8")
    html = draft.html_path.read_text(encoding="utf-8")
    for letter in (text, html):
        assert "Redacția Ziarul Unirea" in letter
        assert "redactia@ziarulunirea.example" in letter
        assert "Prefectul, acuzat în cazul spitalului" in letter  # the title
        assert "6 octombrie 2026" in letter
        assert "https://ziarul-unirea.example.ro/" in letter
        assert f"„{PASSAGE}”" in letter
        assert "Horia Vlădescu, prefectul județului Alba" in letter
        assert "art. 30 alin. (6) din Constituția României" in letter and "art. 31 alin. (4)" in letter
        assert "nu există o lege specială a dreptului la replică" in letter and "art. 252–253 din Codul civil" in letter
        assert "504/2002" not in letter and "CNA" not in letter and "Termene" not in letter  # no broadcast rules
        assert "în același loc și cu aceeași vizibilitate ca articolul în cauză" in letter
        assert "Solicitare de publicare a dreptului la replică" in letter and "art. 50" not in letter
        assert "Instituția Prefectului – Județul Alba" in letter
        assert "drept la replică" in letter.lower()
        assert "ş" not in letter and "ţ" not in letter
    assert "[Nume și prenume]" in text and "Poziția instituției" in text
    assert draft.passages == (PASSAGE,) and draft.warnings == ()
    with store.session() as session:
        row = session.scalars(select(ReplyRow)).one()
    assert (row.id, row.status, row.article_id, row.target_id) == (draft.reply_id, "drafted", month.hospital, "prefect")
    assert Path(row.text_path) == draft.text_path and Path(row.html_path) == draft.html_path

    again = draft_reply(store, profile, sources, settings, month.hospital, "prefect", now=NOW)
    assert again.reply_id == draft.reply_id  # an unsent draft is redrafted, not duplicated


def test_the_docx_opens_with_the_letter_on_the_office_letterhead(
    store: Store, settings: Settings, sources: Sources, month: Month, profile: Profile, tmp_path: Path
) -> None:
    from docx import Document

    letterhead = Document()
    letterhead.sections[0].header.paragraphs[0].text = "ROMÂNIA – INSTITUȚIA PREFECTULUI – JUDEȚUL ALBA"
    letterhead.add_paragraph("text de model, înlocuit")
    templates = tmp_path / "config" / "reports" / "templates"
    templates.mkdir(parents=True)
    letterhead.save(str(templates / "reply.docx"))
    settings = replace(settings, templates_dir=templates)
    draft = draft_reply(store, profile, sources, settings, month.hospital, "prefect", now=NOW, registration="1234/7")
    document = Document(str(draft.docx_path))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Nr. 1234/7 din 7 octombrie 2026" in paragraphs
    assert f"  1. „{PASSAGE}”" in paragraphs and "text de model, înlocuit" not in paragraphs
    assert document.sections[0].header.paragraphs[0].text == "ROMÂNIA – INSTITUȚIA PREFECTULUI – JUDEȚUL ALBA"


def test_a_factual_headline_is_not_proposed_as_a_contested_passage(
    store: Store, settings: Settings, sources: Sources, profile: Profile
) -> None:
    title = "Prefectul Horia Vlădescu, audiat la DNA"
    with store.session() as session:
        seed_month(session)
        article = add_article(session, "ziarul-unirea", title, f"{title}. {PASSAGE}", at(10, 8))
        article.cluster_id = article.id
        add_mention(session, article, "prefect", "negative", evidence=[title, PASSAGE])
        article_id = article.id
    draft = draft_reply(store, profile, sources, settings, article_id, "prefect", now=NOW)
    assert draft.passages == (PASSAGE,)


def test_missing_contact_is_flagged_and_copies_listed(
    store: Store, settings: Settings, sources: Sources, month: Month, profile: Profile
) -> None:
    draft = draft_reply(store, profile, sources, settings, month.hospital_copy, "prefect", now=NOW)
    text = draft.text_path.read_text(encoding="utf-8")
    assert "Redacția Alba24" in text
    assert "ADRESA DE CONTACT A REDACȚIEI: lipsește din sources.yaml" in text
    assert "preluat și de: Pagina de Alba, Ziarul Unirea" in text
    assert any("contact" in warning for warning in draft.warnings)


@pytest.mark.parametrize("kind", ["tv", "radio"])
def test_a_broadcaster_gets_the_audiovisual_code_and_its_deadlines(
    store: Store, settings: Settings, sources: Sources, month: Month, profile: Profile, kind: str
) -> None:
    with store.session() as session:
        session.add(OutletRow(id="alba-tv", name="Alba TV", kind=kind, county="Alba", reach=150_000))
        session.flush()
        article = add_article(session, "alba-tv", "Subprefectul, criticat", "Subprefectul a mințit.", at(10, 5))
        add_mention(session, article, "subprefect", "negative", evidence=("Subprefectul a mințit.",))
        article_id = article.id
    sources = Sources.model_validate({"outlets": [*OUTLETS["outlets"][:2], {**OUTLETS["outlets"][2], "kind": kind}]})
    draft = draft_reply(store, profile, sources, settings, article_id, "subprefect", now=NOW)
    text = draft.text_path.read_text(encoding="utf-8")
    html = " ".join(draft.html_path.read_text(encoding="utf-8").split())
    for letter in (text, html):
        assert "Redacția Alba TV" in letter and "stiri@albatv.example" in letter
        assert "Codul de reglementare a conținutului audiovizual (Decizia CNA nr. 220/2011" in letter
        assert "«Procedura exercitării dreptului la replică și la rectificare»" in letter
        assert "Potrivit art. 49 din Cod" in letter and "nu opiniile și judecățile de valoare (art. 50)" in letter
        assert "art. 3 alin. (2) din Legea audiovizualului nr. 504/2002" in letter
        assert "art. 49–54" not in letter  # the range no source confirmed
        # the deadlines: registration with date and hour, then the CNA within 30 days of 5 October
        assert "înregistrați prezenta cerere cu data și ora primirii" in letter
        assert "în cel mult 30 de zile de la data difuzării programului (art. 54 alin. (2))" in letter
        assert "până la 4 noiembrie 2026" in letter
        assert "În materialul „" in letter and "pe site-ul postului" in letter
        assert "[Completați emisiunea, data și ora difuzării în program.]" in letter
        assert "să ne comunicați data și ora difuzării" in letter and "aceeași vizibilitate" not in letter
        assert "Solicitare de difuzare a dreptului la replică" in letter
        assert "opiniile și judecățile de valoare nu pot face obiectul dreptului la replică (art. 50 din Cod)" in letter
        assert "Constituția" not in letter and "Codul civil" not in letter
        assert "Ioana Câmpeanu, subprefectul județului Alba" in letter and "„Subprefectul a mințit.”" in letter
        assert "ş" not in letter and "ţ" not in letter
    assert draft.warnings == (
        "la radio și televiziune replica privește doar faptele neadevărate, nu opiniile (art. 50 din Codul "
        "audiovizualului): păstrați numai pasajele care afirmă fapte",
    )

    late = draft_reply(
        store, profile, sources, settings, article_id, "subprefect", now=datetime(2026, 11, 5, tzinfo=UTC)
    )
    assert any("termenul de sesizare directă a CNA" in warning for warning in late.warnings)


def test_non_negative_article_leaves_a_placeholder(
    store: Store, settings: Settings, sources: Sources, month: Month, profile: Profile
) -> None:
    sources = Sources.model_validate(
        {
            "outlets": [
                *OUTLETS["outlets"],
                {"id": "digi24", "name": "Digi24", "kind": "national", "feeds": ["https://d.example/rss"]},
            ]
        }
    )
    draft = draft_reply(store, profile, sources, settings, month.floods, "institutia", now=NOW)
    assert draft.passages == ()
    assert "[Citați, între ghilimele, pasajele contestate din articol.]" in draft.text_path.read_text()
    assert any("nu este negativă" in warning for warning in draft.warnings)
    with pytest.raises(ReplyError, match="nu o menționează"):
        draft_reply(store, profile, sources, settings, month.floods, "subprefect", now=NOW)
    with pytest.raises(ReplyError, match="nu există în profilul"):
        draft_reply(store, profile, sources, settings, month.floods, "primar", now=NOW)


def test_status_moves_forward_only(
    store: Store, settings: Settings, sources: Sources, month: Month, profile: Profile
) -> None:
    reply_id = draft_reply(store, profile, sources, settings, month.hospital, "prefect", now=NOW).reply_id
    assert set_reply_status(store, reply_id, "sent", now=NOW) == ("drafted", "sent")
    with pytest.raises(ReplyError, match="deja trimisă"):
        set_reply_status(store, reply_id, "sent", now=NOW)
    assert set_reply_status(store, reply_id, "published", now=NOW) == ("sent", "published")
    with pytest.raises(ReplyError, match="nu există"):
        set_reply_status(store, 999, "sent", now=NOW)
    redraft = draft_reply(store, profile, sources, settings, month.hospital, "prefect", now=NOW)
    assert redraft.reply_id != reply_id  # a published letter is kept; a new draft starts


def test_reply_commands(store: Store, settings: Settings, month: Month, tmp_path: Path) -> None:
    sources_path = tmp_path / "sources.yaml"
    sources_path.write_text(yaml.safe_dump(OUTLETS, allow_unicode=True), encoding="utf-8")
    env = {
        "MONITOR_DATABASE_URL": settings.database_url,
        "MONITOR_OUTPUT_DIR": str(settings.output_dir),
        "MONITOR_SOURCES": str(sources_path),
        "MONITOR_PIPELINES": str(REPO / "pipelines"),
    }
    runner = CliRunner()
    result = runner.invoke(cli, ["reply", str(month.hospital_copy), "--target", "prefect"], env=env)
    assert result.exit_code == 0, result.output
    assert "Scrisoarea de replică nr. 1 către Alba24 a fost redactată" in result.output
    assert "nu are adresă de contact" in result.output
    result = runner.invoke(cli, ["reply-status", "1", "sent"], env=env)
    assert result.exit_code == 0 and "redactată → trimisă" in result.output
    result = runner.invoke(cli, ["reply-status", "1", "sent"], env=env)
    assert result.exit_code == 1 and "deja trimisă" in result.output
    result = runner.invoke(cli, ["reply", "12345", "--target", "prefect"], env=env)
    assert result.exit_code == 1 and "articolul 12345 nu există" in result.output
    medics = "Medicii spun că prefectul nu a răspuns solicitărilor lor timp de trei luni."
    result = runner.invoke(cli, ["reply", str(month.hospital), "--target", "prefect", "--passage", medics], env=env)
    assert result.exit_code == 0 and "pasaje contestate citate: 1" in result.output, result.output
    letter = next((settings.output_dir / "replici").glob(f"drept-la-replica-2-alba-{month.hospital}-*.txt"))
    assert medics in letter.read_text(encoding="utf-8") and "a ignorat avertismentele" not in letter.read_text("utf-8")
