"""The workspace in a real browser: Debian's chromium driven by Playwright, against a real uvicorn server on a free
port and a SQLite file filled by the demo generator."""

from __future__ import annotations

import functools
import io
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from monitor.accounts import add_user
from monitor.config import load_profile
from monitor.links import LinkPurpose, link_url
from monitor.record import Role
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import AlertRow, ArticleRow, MentionRow, WebSessionRow
from monitor.web.server import serving
from monitor.web.today import next_digest_day

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
MONTH = date(2026, 10, 1)
PASSWORD = "parola-pentru-browser"
ARTICLE_PAGE = """<html><head><title>Prefectul Horia Vlădescu, lăudat de primari</title></head><body><article>
<h1>Prefectul Horia Vlădescu, lăudat de primari</h1>
<p>Primarii din Valea Arieșului i-au mulțumit prefectului Horia Vlădescu pentru ajutorul dat după inundații.</p>
<p>Intervenția rapidă a Instituției Prefectului a salvat zeci de gospodării, au spus aleșii locali.</p>
</article></body></html>"""


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's chromium (browser builds cannot be downloaded here), with nothing reaching outside."""
    return {
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    }


@dataclass(frozen=True)
class Live:
    base: str
    settings: Settings
    store: Store
    site: str  # a local newsroom page server, allowed to the workspace's fetch


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from monitor.demo.run import run_demo

    folder = tmp_path_factory.mktemp("webdemo")
    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread; the demo runs its own
        demo = pool.submit(run_demo, folder / "demo", seed=11, scale=0.1, month=MONTH, step=timedelta(hours=1)).result()
    settings = Settings.from_env(
        {},
        config_dir=demo.output,
        database_url=f"sqlite:///{demo.database}",
        data_dir=folder / "data",
        output_dir=folder / "out",
    )
    store = Store(settings.database_url)
    now = datetime.now(UTC)
    for login, role, profiles in (("ana", Role.OFFICE, ["alba"]), ("sef", Role.LEADERSHIP, ["alba"])):
        add_user(store, login, PASSWORD, role, profiles, by="test", now=now)
    pages = folder / "site"
    (pages / "stiri").mkdir(parents=True)
    (pages / "stiri" / "prefectul-laudat.html").write_text(ARTICLE_PAGE, encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(pages))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as newsroom:
        threading.Thread(target=newsroom.serve_forever, daemon=True).start()
        site = f"127.0.0.1:{newsroom.server_address[1]}"
        served = replace(settings, allow_hosts=frozenset({site}))
        with serving(served, store, "127.0.0.1:0") as base:
            yield Live(base, replace(served, web_url=base), store, f"http://{site}")
        newsroom.shutdown()
    store.close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def sign_in(page: Page, live: Live, login: str) -> None:
    page.goto(f"{live.base}/autentificare")
    page.get_by_label("Utilizator").fill(login)
    page.get_by_label("Parolă").fill(PASSWORD)
    page.get_by_role("button", name="Intră").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Azi")


def negative_story(live: Live) -> tuple[ArticleRow, date]:
    """An article with a negative mention of the prefect, and the digest day it belongs to."""
    alba = load_profile(next(iter(live.settings.pipelines_dir.glob("*.yaml"))))
    with live.store.session() as session:
        article = session.scalars(
            select(ArticleRow)
            .join(MentionRow, MentionRow.article_id == ArticleRow.id)
            .where(MentionRow.target_id == "prefect", MentionRow.tone == "negative")
            .order_by(ArticleRow.fetched_at)
        ).first()
    assert article is not None
    return article, next_digest_day(alba, article.fetched_at)


def figures(page: Page, live: Live) -> dict[str, int]:
    page.goto(f"{live.base}/p/alba/raport?luna={MONTH:%m.%Y}")
    row = page.locator("tr[data-tinta=prefect]")
    return {tone: int(row.locator(f"td.{tone}").inner_text()) for tone in ("pozitive", "negative")}


def test_correct_a_tone_and_see_the_digest_and_the_month_change(page: Page, live: Live) -> None:
    sign_in(page, live, "ana")
    before = figures(page, live)
    article, day = negative_story(live)
    page.goto(f"{live.base}/p/alba/azi?zi={day:%d.%m.%Y}")
    card = page.locator(f"#subiect-{article.cluster_id}")
    expect(card).to_contain_text("negativ")
    prefect = card.locator("li", has=page.locator("input[name=tinta][value=prefect]"))
    prefect.get_by_text("Corectează tonul").click()
    prefect.get_by_label("Tonul corect față de Horia Vlădescu").select_option("positive")
    prefect.get_by_label("Motiv (opțional)").fill("articolul laudă intervenția")
    prefect.get_by_role("button", name="Salvează").click()
    expect(card).to_contain_text("Corecție înregistrată: pozitiv")  # htmx swapped the card in place
    expect(card.locator("li", has=page.locator("input[name=tinta][value=prefect]")).locator(".ton")).to_have_text(
        "pozitiv"
    )
    page.goto(f"{live.base}/p/alba/sinteza?zi={day:%d.%m.%Y}")
    expect(page.frame_locator("iframe.previzualizare").locator("body")).to_contain_text("Horia Vlădescu: pozitiv")
    after = figures(page, live)
    assert after["negative"] < before["negative"] and after["pozitive"] > before["pozitive"]


def test_confirm_an_unsure_tone_from_the_review_list(page: Page, live: Live) -> None:
    sign_in(page, live, "ana")
    with live.store.session() as session:
        article = session.scalars(
            select(ArticleRow)
            .join(MentionRow, MentionRow.article_id == ArticleRow.id)
            .where(MentionRow.target_id == "prefect", MentionRow.tone == "neutral")
            .order_by(ArticleRow.fetched_at.desc())
        ).first()
        assert article is not None
        copies = select(ArticleRow.id).where(ArticleRow.cluster_id == article.cluster_id)
        session.execute(
            update(MentionRow)
            .where(MentionRow.article_id.in_(copies), MentionRow.target_id == "prefect")
            .values(confidence=0.5)
        )
    day = next_digest_day(load_profile(next(iter(live.settings.pipelines_dir.glob("*.yaml")))), article.fetched_at)
    page.goto(f"{live.base}/p/alba/azi?zi={day:%d.%m.%Y}")
    page.get_by_role("link", name="Arată doar subiectele cu tonul de verificat").click()
    expect(page.locator("p.filtru")).to_contain_text("Sunt arătate doar subiectele cu tonul de verificat")
    card = page.locator(f"#subiect-{article.cluster_id}")
    expect(card).to_contain_text("de verificat")
    card.get_by_role("button", name="Confirmă tonul neutru față de Horia Vlădescu").click()
    expect(card).to_contain_text("Corecție înregistrată: neutru")  # htmx swapped the card in place
    expect(card).not_to_contain_text("(de verificat)")


def test_search_and_export_xlsx(page: Page, live: Live, tmp_path: Path) -> None:
    sign_in(page, live, "ana")
    page.get_by_role("link", name="Arhivă").click()
    page.get_by_label("Cuvinte").fill("prefectul")
    page.get_by_label("De la").fill(f"01.{MONTH:%m.%Y}")
    page.get_by_role("button", name="Caută").click()
    expect(page.locator("main")).to_contain_text("subiect")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    book = load_workbook(io.BytesIO(path.read_bytes()))
    rows = list(book["Apariții"].iter_rows(values_only=True))
    assert rows[0][0] == "Articol" and len(rows) > 1
    assert all(str(row[10]) for row in rows[1:])  # every row names its target


def test_acknowledge_an_alert_from_the_email_link_on_a_phone(browser: Browser, live: Live) -> None:
    with live.store.session() as session:
        alert_id = session.scalars(select(AlertRow.id).where(AlertRow.profile_id == "alba")).first()
    assert alert_id is not None
    link = link_url(live.settings, LinkPurpose.ACKNOWLEDGE_ALERT, "alba", alert_id)
    assert link is not None and link.startswith(live.base)
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.goto(link)  # from the e-mail, not signed in
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preluarea alertei")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.get_by_role("button", name="Confirm: am preluat alerta").click()
    expect(page.get_by_role("status").last).to_contain_text("Ați preluat alerta.")
    with live.store.session() as session:
        assert session.get(AlertRow, alert_id).acknowledged_by == "link din e-mail"  # type: ignore[union-attr]
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Linkul a fost deja folosit.")
    phone.close()


def test_roles_and_isolation_in_the_browser(page: Page, live: Live) -> None:
    sign_in(page, live, "sef")
    article, day = negative_story(live)
    page.goto(f"{live.base}/p/alba/azi?zi={day:%d.%m.%Y}")
    expect(page.locator(f"#subiect-{article.cluster_id}")).to_be_visible()
    assert page.get_by_text("Corectează tonul").count() == 0  # the prefect's office reads, it does not correct
    status = page.evaluate(
        """async (id) => (await fetch(`/p/alba/articole/${id}/ton`, {method: "POST",
            body: new URLSearchParams({tinta: "prefect", ton: "neutral"})})).status""",
        article.id,
    )
    assert status == 403
    page.goto(f"{live.base}/p/cluj/azi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nu a fost găsit")


def test_add_an_article_by_address_and_by_upload(page: Page, live: Live, tmp_path: Path) -> None:
    from test_manual import scanned_page

    sign_in(page, live, "ana")
    page.get_by_role("link", name="Adaugă articol").click()
    page.get_by_label("Publicația").first.select_option(index=0)
    page.get_by_label("Adresa articolului").fill(f"{live.site}/stiri/prefectul-laudat.html")
    page.get_by_label("Data apariției (zz.ll.aaaa; goală: azi)").first.fill("20.10.2026")
    page.get_by_role("button", name="Adaugă după adresă").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prefectul Horia Vlădescu, lăudat de primari")
    expect(page.locator("main")).to_contain_text("Primarii din Valea Arieșului")
    expect(page.locator(".tinte")).to_contain_text("Horia Vlădescu")

    scan = tmp_path / "pagina-5.png"
    scan.write_bytes(scanned_page("Prefectul Horia Vlădescu a inaugurat\nnoul pod de la Teiuș."))
    page.get_by_role("link", name="Adaugă articol").click()
    upload = page.locator("form[action$='/adauga/fisier']")
    outlet = upload.get_by_label("Publicația")
    outlet.select_option(index=1)
    outlet_name = outlet.locator("option:checked").inner_text()
    upload.get_by_label("Titlul (gol: primul rând al textului)").fill("Podul de la Teiuș, inaugurat")
    upload.get_by_label("Fișierul").set_input_files(str(scan))
    upload.get_by_role("button", name="Încarcă și citește").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Podul de la Teiuș, inaugurat")
    expect(page.locator("main")).to_contain_text(outlet_name)
    page.get_by_role("link", name="Arhivă").click()
    page.get_by_label("Cuvinte").fill("podul teius")
    page.get_by_role("button", name="Caută").click()
    expect(page.locator("main")).to_contain_text("Podul de la Teiuș, inaugurat")


def test_an_admin_changes_a_recipient_and_an_alias(page: Page, live: Live) -> None:
    add_user(live.store, "admin-setari", PASSWORD, Role.ADMIN, [], by="test", now=datetime.now(UTC))
    sign_in(page, live, "admin-setari")
    page.get_by_role("link", name="Setări").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Setări")
    page.get_by_role("link", name="Instituția Prefectului – Județul Alba").click()
    prefect = page.locator("#tinta-prefect")
    prefect.get_by_label("Alte forme ale numelui (una pe rând)").fill("Horia Vladescu\nPrefectul Vlădescu")
    prefect.get_by_role("button", name="Salvează").click()
    expect(page.locator(".confirmare")).to_contain_text("Modificarea a fost salvată")
    digest = page.locator("#sinteza")
    recipients = digest.get_by_label("Destinatari (câte o adresă pe rând)")
    recipients.fill("presa@prefectura-alba.example\nprefect@prefectura-alba.example")
    digest.get_by_label("Ora trimiterii (HH:MM)").fill("7.30")  # refused: nothing of this form is saved
    digest.get_by_role("button", name="Salvează").click()
    expect(digest.get_by_role("alert")).to_contain_text("digest.time: oră invalidă: '7.30' (format HH:MM)")
    digest.get_by_label("Ora trimiterii (HH:MM)").fill("07:30")
    digest.get_by_role("button", name="Salvează").click()
    expect(page.locator(".confirmare")).to_contain_text("Modificarea a fost salvată")
    expect(recipients).to_have_value("presa@prefectura-alba.example\nprefect@prefectura-alba.example")
    expect(prefect.get_by_label("Alte forme ale numelui (una pe rând)")).to_have_value(
        "Horia Vladescu\nPrefectul Vlădescu"
    )
    path = live.settings.pipelines_dir / "alba.yaml"
    assert "# Watched people and the institution." in path.read_text(encoding="utf-8")  # the comments are kept
    alba = load_profile(path)
    assert alba.digest.recipients == ("presa@prefectura-alba.example", "prefect@prefectura-alba.example")
    assert alba.target("prefect").aliases == ("Horia Vladescu", "Prefectul Vlădescu")
    page.get_by_role("link", name="Jurnal").click()
    expect(page.locator("main")).to_contain_text("alba: ținta prefect")


def test_the_workspace_works_from_the_keyboard(page: Page, live: Live) -> None:
    page.goto(f"{live.base}/autentificare")
    expect(page.get_by_label("Utilizator")).to_be_focused()  # the login field has the focus when the page opens
    page.keyboard.type("ana")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Azi")
    page.keyboard.press("Tab")  # the first stop skips the menu
    expect(page.get_by_text("Salt la conținut")).to_be_focused()
    article, day = negative_story(live)
    page.goto(f"{live.base}/p/alba/azi?zi={day:%d.%m.%Y}")
    card = page.locator(f"#subiect-{article.cluster_id}")
    prefect = card.locator("li", has=page.locator("input[name=tinta][value=prefect]"))
    prefect.get_by_text("Corectează tonul").focus()
    page.keyboard.press("Enter")  # opens the correction form
    expect(prefect.get_by_role("button", name="Salvează")).to_be_visible()
    prefect.get_by_label("Tonul corect față de Horia Vlădescu").focus()
    page.keyboard.press("Tab")  # the reason
    page.keyboard.type("citat corect")
    page.keyboard.press("Tab")
    expect(prefect.get_by_role("button", name="Salvează")).to_be_focused()
    page.keyboard.press("Enter")
    expect(card).to_contain_text("Corecție înregistrată")


def test_a_forged_form_is_refused_and_an_expired_session_signs_in_again(page: Page, live: Live) -> None:
    """A form whose security token was tampered with changes nothing and says why; a session idle past its limit
    sends the browser back to sign in, and then to the page it asked for."""
    sign_in(page, live, "ana")
    _, day = negative_story(live)
    page.goto(f"{live.base}/p/alba/sinteza?zi={day:%d.%m.%Y}")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(i => i.value = 'ghicit')")
    page.get_by_label("Comentariul biroului de presă (apare la începutul sintezei)").fill("Comentariu fals")
    page.get_by_role("button", name="Salvează comentariul").click()
    expect(page.get_by_text("Cererea nu are tokenul de securitate al sesiunii (CSRF)")).to_be_visible()
    page.goto(f"{live.base}/p/alba/sinteza?zi={day:%d.%m.%Y}")
    expect(page.get_by_label("Comentariul biroului de presă (apare la începutul sintezei)")).to_have_value("")
    with live.store.session() as session:
        session.execute(update(WebSessionRow).values(last_seen_at=datetime.now(UTC) - timedelta(hours=9)))
    page.goto(f"{live.base}/p/alba/raport?luna={MONTH:%m.%Y}")
    expect(page).to_have_url(f"{live.base}/autentificare?inapoi=/p/alba/raport%3Fluna%3D{MONTH:%m.%Y}")
    page.get_by_label("Utilizator").fill("ana")
    page.get_by_label("Parolă").fill(PASSWORD)
    page.get_by_role("button", name="Intră").click()
    expect(page).to_have_url(f"{live.base}/p/alba/raport?luna={MONTH:%m.%Y}")  # the month asked, not the default
