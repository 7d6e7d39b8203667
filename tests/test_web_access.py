"""The workspace's access rules over plain HTTP: sign-in, sessions, CSRF, roles, and one prefecture's data kept from
another on every route."""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import Site
from fastapi.routing import APIRoute
from openpyxl import load_workbook
from sqlalchemy import select, update
from starlette.testclient import TestClient
from web_setup import HOSTILE_TITLE, PASSWORD, Scene, build_scene, sign_in

from monitor.store.models import (
    AlertRow,
    ArticleRow,
    AuditRow,
    CorrectionRow,
    MentionRow,
    OutboxRow,
    UserRow,
    WebSessionRow,
)
from monitor.web import create_app


def routes(client: TestClient) -> list[APIRoute]:
    """Every route of the workspace (FastAPI may keep an included router's routes inside it)."""
    found: list[APIRoute] = []
    pending = list(client.app.routes)  # type: ignore[attr-defined]
    while pending:
        route = pending.pop()
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            pending += route.original_router.routes
    assert len(found) > 15
    return found


def fill(path: str, scene: Scene, profile: str) -> str:
    """A route's path with cluj's objects in it (the objects an alba user must never reach)."""
    values = {
        "profile_id": profile,
        "article_id": str(scene.cluj_article),
        "alert_id": str(scene.cluj_alert),
        "letter_id": str(scene.cluj_letter),
        "correction_id": "1",
        "fmt": "xlsx",
        "action": "preluare",
        "purpose": "preluare",
        "token": "x",
        "luna": "10.2026",
        "outlet_id": "ziar-de-cluj",
        "search_id": str(scene.cluj_search),
        "profil": profile,
        "sectiune": "sinteza",
        "tinta": "prefect",
        "publicatia": "alba24",
        "login": "ana",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_every_page_asks_who_is_there(client: TestClient, scene: Scene) -> None:
    for route in routes(client):
        if route.path in ("/autentificare", "/favicon.ico") or route.path.startswith("/l/"):
            continue
        for method in route.methods:
            answer = client.request(method, fill(route.path, scene, "alba"), follow_redirects=False)
            assert answer.status_code == 303, (method, route.path)
            assert answer.headers["location"].startswith("/autentificare?inapoi=")


def test_another_prefecture_is_not_found_on_every_route(client: TestClient, scene: Scene) -> None:
    """ana (alba's press office) asks for cluj's profile, and for cluj's objects under alba's: always 404."""
    csrf = sign_in(client, "ana")
    checked = 0
    for route in routes(client):
        if "{profile_id}" not in route.path:
            continue
        for profile in ("cluj", "alba"):
            path = fill(route.path, scene, profile)
            if profile == "alba" and not re.search(
                r"\{(article_id|alert_id|letter_id|correction_id|search_id)\}", route.path
            ):
                continue  # alba's own page: ana may see it
            for method in route.methods:
                data = {"csrf_token": csrf, "tinta": "prefect", "ton": "pozitiv", "tema": "urgente", "text": "x"}
                data |= {"articol": str(scene.cluj_article), "stare": "sent", "luna": "10.2026"}
                data |= {"publicatia": "ziar-de-cluj", "adresa": "https://ziar-de-cluj.example.ro/x"}
                data |= {"zi": "08.10.2026", "actiune": "comentariu", "comentariu": "x", "nume": "n"}
                answer = client.request(
                    method,
                    path,
                    data=data if method == "POST" else None,
                    files={"fisier": ("pagina.png", b"\x89PNG\r\n\x1a\n")} if method == "POST" else None,
                    follow_redirects=False,
                )
                assert answer.status_code == 404, (method, path, answer.status_code)
                assert "Mara Ilieș" not in answer.text and "Clujului" not in answer.text
                checked += 1
    assert checked >= 15
    # the draft form names its article in the body, not the path
    answer = client.post(
        "/p/alba/replici", data={"csrf_token": csrf, "articol": scene.cluj_article, "tinta": "prefect"}
    )
    assert answer.status_code == 404
    # and the archive never lists cluj's article, whatever the words
    assert "Clujului" not in client.get("/p/alba/arhiva", params={"q": "prefectul clujului criticat"}).text
    assert "Clujului" not in client.get("/p/alba/arhiva/export.csv", params={"q": "prefectul clujului"}).text


def test_roles(client: TestClient, scene: Scene) -> None:
    hospital = scene.month.hospital
    for login, may_correct, may_handle_alerts in (("sef", False, False), ("petra", False, True), ("ana", True, True)):
        client.cookies.clear()
        csrf = sign_in(client, login)
        assert client.get("/p/alba/azi", params={"zi": "07.10.2026"}).status_code == 200
        page = client.get(f"/p/alba/articole/{hospital}").text
        assert ("Corectează tonul" in page) is may_correct
        answer = client.post(
            f"/p/alba/articole/{hospital}/ton",
            data={"csrf_token": csrf, "tinta": "prefect", "ton": "neutru"},
            follow_redirects=False,
        )
        assert answer.status_code == (303 if may_correct else 403), login
        answer = client.post(
            f"/p/alba/alerte/{scene.alba_alert}/preluare", data={"csrf_token": csrf}, follow_redirects=False
        )
        assert answer.status_code == (303 if may_handle_alerts else 403), login
        assert client.get("/jurnal").status_code == 403
    client.cookies.clear()
    sign_in(client, "root")
    journal = client.get("/jurnal").text
    assert "corecție de ton" in journal and "ana" in journal
    assert client.get("/p/cluj/azi").status_code == 200  # an admin sees every profile


def test_changes_need_the_sessions_csrf_token(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "ana")
    url = f"/p/alba/articole/{scene.month.hospital}/ton"
    form = {"tinta": "prefect", "ton": "pozitiv"}
    assert client.post(url, data=form).status_code == 403
    assert client.post(url, data=form | {"csrf_token": "ghicit"}).status_code == 403
    assert client.post(url, data=form, headers={"X-CSRF-Token": csrf[:-1]}).status_code == 403
    with scene.store.session() as session:
        assert session.scalar(select(CorrectionRow.id)) is None
    answer = client.post(url, data=form, headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert answer.status_code == 200 and "Corecție înregistrată: pozitiv" in answer.text
    with scene.store.session() as session:
        row = session.scalars(select(CorrectionRow)).one()
        assert (row.tone, row.author) == ("positive", "ana")
        audit = session.scalars(select(AuditRow).where(AuditRow.action == "correction.tone")).one()
        assert audit.before == {"ton": "negative"} and audit.after == {"ton": "positive", "motiv": ""}
    # the sign-in form has its own token: a forged sign-in is refused
    client.cookies.clear()
    forged = client.post("/autentificare", data={"utilizator": "ana", "parola": PASSWORD, "csrf_token": "x"})
    assert forged.status_code == 403 and "Formularul a expirat" in forged.text


def test_sign_in_fails_alike_then_locks(client: TestClient, scene: Scene) -> None:
    form = client.get("/autentificare").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    for login in ("nimeni", "ana"):
        answer = client.post("/autentificare", data={"utilizator": login, "parola": "greșită", "csrf_token": token})
        assert answer.status_code == 401 and "Utilizator sau parolă greșită." in answer.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
    for _ in range(4):
        answer = client.post("/autentificare", data={"utilizator": "ana", "parola": "tot greșită", "csrf_token": token})
        token = re.search(r'name="csrf_token" value="([^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
    answer = client.post("/autentificare", data={"utilizator": "ana", "parola": PASSWORD, "csrf_token": token})
    assert answer.status_code == 401 and "Contul este blocat" in answer.text
    with scene.store.session() as session:
        user = session.scalars(select(UserRow).where(UserRow.login == "ana")).one()
        assert user.locked_until is not None and user.password_hash.startswith("$argon2id$")


def test_sessions_expire_and_cookies_are_guarded(client: TestClient, scene: Scene) -> None:
    form = client.get("/autentificare").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/autentificare",
        data={"utilizator": "ana", "parola": PASSWORD, "csrf_token": token, "inapoi": "//rau.example/x"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"  # never an open redirect
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/p/alba/azi", follow_redirects=False).status_code == 200
    with scene.store.session() as session:
        session.execute(update(WebSessionRow).values(last_seen_at=datetime.now(UTC) - timedelta(hours=9)))
    expired = client.get("/p/alba/azi", follow_redirects=False)
    assert expired.status_code == 303 and expired.headers["location"] == "/autentificare?inapoi=/p/alba/azi"
    client.cookies.set("presa_sesiune", "fals.semnat")
    assert client.get("/p/alba/azi", follow_redirects=False).status_code == 303


def test_pages_are_escaped_and_locked_down(client: TestClient, scene: Scene) -> None:
    sign_in(client, "ana")
    for url in ("/p/alba/azi?zi=07.10.2026", f"/p/alba/articole/{scene.hostile}", "/p/alba/arhiva?q=prefectul"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "<script>alert" not in answer.text and "<img src=x" not in answer.text
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert answer.headers["cache-control"] == "no-store"
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in client.get(f"/p/alba/articole/{scene.hostile}").text
    assert HOSTILE_TITLE not in client.get("/p/alba/sinteza/previzualizare", params={"zi": "07.10.2026"}).text
    assert client.get("/static/htmx.min.js").status_code == 200  # served from the package


def test_correction_changes_the_digest_and_undo_restores_it(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "ana")
    preview = "/p/alba/sinteza/previzualizare"
    before = client.get(preview, params={"zi": "07.10.2026"}).text
    assert "De reacționat" in before and "Horia Vlădescu: negativ" in before
    answer = client.post(
        f"/p/alba/articole/{scene.month.hospital_copy}/ton",
        data={"tinta": "Vlădescu", "ton": "neutru", "motiv": "relatare factuală", "zi": "07.10.2026"},
        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
    )
    assert "Corecție înregistrată: neutru" in answer.text and "(corectat)" in answer.text
    after = client.get(preview, params={"zi": "07.10.2026"}).text
    assert "Horia Vlădescu: neutru (corectat)" in after and "De reacționat" not in after
    correction = re.search(r"/corectii/(\d+)/anulare", answer.text).group(1)  # type: ignore[union-attr]
    undone = client.post(
        f"/p/alba/corectii/{correction}/anulare",
        data={"zi": "07.10.2026"},
        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
    )
    assert "Corecția a fost anulată." in undone.text
    assert "Horia Vlădescu: negativ" in client.get(preview, params={"zi": "07.10.2026"}).text


def test_archive_search_and_export(client: TestClient, scene: Scene) -> None:
    sign_in(client, "ana")
    page = client.get("/p/alba/arhiva", params={"q": "spitalul judetean", "de_la": "01.10.2026"}).text
    assert "2 articole</strong> în 1 subiect" in page
    refused = client.get("/p/alba/arhiva", params={"q": "spital", "de_la": "31.02.2026"})
    assert refused.status_code == 400 and "data «31.02.2026» (de la) nu poate fi citită" in refused.text
    workbook = client.get("/p/alba/arhiva/export.xlsx", params={"q": "spitalul judetean"})
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.content))
    rows = list(book["Apariții"].iter_rows(values_only=True))
    assert len(rows) == 3 and {row[6] for row in rows[1:]} == {
        "Prefectul, acuzat în cazul spitalului",
        "Prefectul, acuzat în cazul spitalului județean",
    }
    assert len(list(book["Subiecte"].iter_rows(values_only=True))) == 2
    text = client.get("/p/alba/arhiva/export.csv", params={"tinta": "prefect", "ton": "negative"}).content.decode(
        "utf-8"
    )
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert table[0][0] == "Articol" and len(table) == 3


def test_email_links_act_once_and_only_as_made(client: TestClient, scene: Scene) -> None:
    from monitor.links import LinkPurpose, make_token

    acknowledge = make_token(scene.settings, LinkPurpose.ACKNOWLEDGE_ALERT, "alba", scene.alba_alert)
    page = client.get(f"/l/preluare/{acknowledge}")  # what a mail scanner fetches: it changes nothing
    assert page.status_code == 200 and "Confirm: am preluat alerta" in page.text
    with scene.store.session() as session:
        assert session.get(AlertRow, scene.alba_alert).acknowledged_by is None  # type: ignore[union-attr]
    done = client.post(f"/l/preluare/{acknowledge}")
    assert done.status_code == 200 and "Ați preluat alerta." in done.text
    again = client.post(f"/l/preluare/{acknowledge}")
    assert again.status_code == 400 and "deja folosit" in again.text
    with scene.store.session() as session:
        alert = session.get(AlertRow, scene.alba_alert)
        assert alert is not None and alert.acknowledged_by == "link din e-mail" and not alert.muted
        assert session.scalar(select(AuditRow.action).where(AuditRow.subject == f"alerta {alert.id}")) == (
            "alert.acknowledge"
        )
    mute = make_token(scene.settings, LinkPurpose.MUTE_ALERT, "alba", scene.alba_alert)
    assert client.post(f"/l/preluare/{mute}").status_code == 400  # made to mute, never acknowledges
    assert client.post(f"/l/fara-actualizari/{mute[:-2]}xx").status_code == 400  # forged
    other = make_token(scene.settings, LinkPurpose.ACKNOWLEDGE_ALERT, "alba", scene.cluj_alert)
    assert client.get(f"/l/preluare/{other}").status_code == 404  # cluj's alert named under alba
    opened = make_token(scene.settings, LinkPurpose.OPEN_ALERT, "alba", scene.alba_alert)
    answer = client.get(f"/l/alerta/{opened}", follow_redirects=False)
    assert answer.headers["location"] == f"/p/alba/alerte/{scene.alba_alert}"


def test_the_office_edits_approves_and_sends_a_digest(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "ana")
    day = {"zi": "07.10.2026", "csrf_token": csrf}
    preview = "/p/alba/sinteza/previzualizare"
    before = client.get(preview, params={"zi": "07.10.2026"}).text
    assert "Prefectul, acuzat în cazul spitalului" in before
    hospital_story = scene.month.hospital  # the story's cluster id is its first article's id
    client.post("/p/alba/sinteza/modifica", data=day | {"actiune": "scoate", "subiect": hospital_story})
    client.post("/p/alba/sinteza/modifica", data=day | {"actiune": "comentariu", "comentariu": "Zi liniștită."})
    after = client.get(preview, params={"zi": "07.10.2026"}).text
    assert "Prefectul, acuzat în cazul spitalului" not in after
    assert "Comentariul biroului de presă:</b> Zi liniștită." in after
    page = client.get("/p/alba/sinteza", params={"zi": "07.10.2026"}).text
    assert "Scoase din sinteză" in page and "Pune înapoi" in page
    client.post("/p/alba/sinteza/modifica", data=day | {"actiune": "include", "subiect": hospital_story})
    assert "Prefectul, acuzat în cazul spitalului" in client.get(preview, params={"zi": "07.10.2026"}).text
    client.post("/p/alba/sinteza/modifica", data=day | {"actiune": "reactie", "subiect": hospital_story})
    assert "semnalat de biroul de presă" in client.get(preview, params={"zi": "07.10.2026"}).text
    assert "Nu mai e de reacționat" in client.get("/p/alba/sinteza", params={"zi": "07.10.2026"}).text
    sent = client.post("/p/alba/sinteza/trimite", data=day, follow_redirects=False)
    assert sent.status_code == 303
    again = client.post("/p/alba/sinteza/trimite", data=day)
    assert again.status_code == 400 and "a plecat deja" in again.text
    assert (
        client.post("/p/alba/sinteza/trimite", data=day | {"retrimite": "1"}, follow_redirects=False).status_code == 303
    )
    with scene.store.session() as session:
        keys = sorted(session.scalars(select(OutboxRow.key).where(OutboxRow.kind == "digest")))
        actions = set(session.scalars(select(AuditRow.action).where(AuditRow.action.like("digest.%"))))
    assert len(keys) == 2 and keys[0].startswith("digest:alba:2026-10-07:") and ":retrimisa-" in keys[1]
    assert {"digest.scoate", "digest.include", "digest.reactie", "digest.comentariu", "digest.send"} <= actions
    assert "digest.resend" in actions
    assert "Sintezele trimise" in client.get("/p/alba/sinteza", params={"zi": "07.10.2026"}).text


def test_a_digest_waits_for_approval_until_its_deadline(scene: Scene) -> None:
    from datetime import date

    from monitor.config import load_profile
    from monitor.deliver.editing import edit_digest, waiting_for_approval

    profile = load_profile(scene.settings.pipelines_dir / "alba.yaml")
    profile = profile.model_copy(update={"digest": profile.digest.model_copy(update={"approval": True})})
    day = date(2026, 10, 7)
    at_eight = datetime(2026, 10, 7, 5, 0, tzinfo=UTC)  # 08:00 in Bucharest
    at_nine = datetime(2026, 10, 7, 6, 0, tzinfo=UTC)  # 09:00: the deadline
    with scene.store.session() as session:
        assert waiting_for_approval(session, profile, day, at_eight)
        assert not waiting_for_approval(session, profile, day, at_nine)  # it goes as it is
        edit_digest(session, profile.id, day, login="ana", now=at_eight, approve=True)
        assert not waiting_for_approval(session, profile, day, at_eight)


def test_an_outlet_is_tried_once_without_storing_anything(tmp_path: Path, site: Site) -> None:
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Alba24</title>'
        "<item><title>Prefectul a inaugurat podul</title><link>{base}/stiri/pod</link>"
        "<pubDate>Tue, 06 Oct 2026 09:00:00 GMT</pubDate></item></channel></rss>"
    )
    site.serve_bytes("/rss", feed.format(base=site.base).encode(), "application/rss+xml")
    scene = build_scene(tmp_path)
    sources = (scene.settings.sources_path).read_text(encoding="utf-8")
    (scene.settings.sources_path).write_text(
        sources.replace('https://alba24.ro/feed"', f'{site.base}/rss"'), encoding="utf-8"
    )
    settings = replace(scene.settings, allow_hosts=frozenset({site.base.removeprefix("http://")}))
    with TestClient(create_app(settings, scene.store), base_url="http://127.0.0.1") as client:
        csrf = sign_in(client, "ana")
        page = client.post("/p/alba/surse/alba24/testeaza", data={"csrf_token": csrf})
        assert page.status_code == 200
        assert "1 articol în flux; noi pentru arhivă: 1." in page.text and "Prefectul a inaugurat podul" in page.text
        with scene.store.session() as session:
            assert (
                session.scalar(select(ArticleRow.id).where(ArticleRow.title == "Prefectul a inaugurat podul")) is None
            )
        assert client.post("/p/alba/surse/ziar-de-cluj/testeaza", data={"csrf_token": csrf}).status_code == 404
    scene.store.close()


def test_a_story_that_is_not_about_a_target_is_hidden_everywhere_until_undone(client: TestClient, scene: Scene) -> None:
    from monitor.archive.learning import count_tone_corrections

    csrf = sign_in(client, "ana")
    preview = "/p/alba/sinteza/previzualizare"
    answer = client.post(
        f"/p/alba/articole/{scene.month.hospital}/ton",
        data={"tinta": "prefect", "ton": "ignored", "motiv": "alt prefect", "zi": "07.10.2026"},
        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
    )
    assert "nu mai este socotit despre această țintă" in answer.text
    assert "Prefectul, acuzat în cazul spitalului" not in client.get(preview, params={"zi": "07.10.2026"}).text
    exported = client.get("/p/alba/arhiva/export.csv", params={"tinta": "prefect"}).content.decode("utf-8")
    assert "spitalului" not in exported  # neither copy of the story
    assert count_tone_corrections(scene.store, "alba") == 0  # nothing for the tone model to learn from
    correction = re.search(r"/corectii/(\d+)/anulare", answer.text).group(1)  # type: ignore[union-attr]
    client.post(f"/p/alba/corectii/{correction}/anulare", data={"zi": "07.10.2026"}, headers={"X-CSRF-Token": csrf})
    assert "Prefectul, acuzat în cazul spitalului" in client.get(preview, params={"zi": "07.10.2026"}).text


def test_one_tone_for_several_stories_at_once(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "ana")
    page = client.get("/p/alba/azi", params={"zi": "07.10.2026"}).text
    assert 'form="in-masa"' in page and "Aplică subiectelor bifate" in page
    answer = client.post(
        "/p/alba/in-masa",
        data={
            "csrf_token": csrf, "zi": "07.10.2026", "tinta": "prefect", "ton": "neutral", "motiv": "protocol",
            "subiecte": [scene.month.hospital, scene.month.roads],  # the roads story names the sub-prefect only
        },
    )  # fmt: skip
    assert answer.status_code == 200
    assert "Corecție aplicată la 1 subiect; neschimbate, pentru că nu numesc ținta: 1 subiect." in answer.text
    with scene.store.session() as session:
        rows = session.scalars(select(CorrectionRow)).all()
    assert [(row.cluster_id, row.tone, row.reason) for row in rows] == [(scene.month.hospital, "neutral", "protocol")]
    other = client.post(
        "/p/alba/in-masa",
        data={"csrf_token": csrf, "tinta": "prefect", "ton": "neutral", "subiecte": [scene.cluj_article]},
    )
    assert other.status_code == 404  # another prefecture's story in the list: nothing done


def test_a_saved_search_is_kept_and_mails_its_new_results_each_morning(client: TestClient, scene: Scene) -> None:
    from monitor.archive.saved import mail_saved_searches
    from monitor.config import load_profile

    csrf = sign_in(client, "ana")
    form = {"csrf_token": csrf, "q": "spitalul judetean", "tinta": "prefect", "email": "presa@prefectura-alba.example"}
    saved = client.post("/p/alba/cautari", data=form | {"nume": "Spitalul"}, follow_redirects=False)
    assert saved.status_code == 303 and "q=spitalul+judetean" in saved.headers["location"]
    page = client.get("/p/alba/arhiva").text
    assert "Căutări salvate (1)" in page and "Spitalul" in page and "zilnic la presa@prefectura-alba.example" in page
    twice = client.post("/p/alba/cautari", data=form | {"nume": "Spitalul"})
    assert twice.status_code == 400 and "există deja o căutare salvată cu numele «Spitalul»" in twice.text
    profile = load_profile(scene.settings.pipelines_dir / "alba.yaml")
    morning = datetime(2026, 10, 7, 5, 0, tzinfo=UTC)  # the day after the hospital story
    assert mail_saved_searches(scene.store, profile, scene.settings, now=morning) == 1
    assert mail_saved_searches(scene.store, profile, scene.settings, now=morning) == 0  # once a day
    assert mail_saved_searches(scene.store, profile, scene.settings, now=morning + timedelta(days=1)) == 0  # none new
    with scene.store.session() as session:
        mail = session.scalars(select(OutboxRow).where(OutboxRow.kind == "search")).one()
    assert mail.recipient == "presa@prefectura-alba.example"
    assert mail.subject == "Căutarea salvată «Spitalul»: 2 articole noi, 7 octombrie 2026"
    search_id = re.search(r"/cautari/(\d+)/sterge", page).group(1)  # type: ignore[union-attr]
    assert client.post(f"/p/alba/cautari/{search_id}/sterge", data={"csrf_token": csrf}).status_code == 200
    assert "Căutări salvate" not in client.get("/p/alba/arhiva").text


def test_a_topic_is_added_and_taken_off_a_story(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "ana")
    url = f"/p/alba/articole/{scene.month.hospital}/tema"
    headers = {"X-CSRF-Token": csrf, "HX-Request": "true"}
    added = client.post(url, data={"tema": "coruptie", "zi": "07.10.2026"}, headers=headers)
    assert "Teme: Sănătate" in added.text and "Corupție" in added.text
    removed = client.post(url, data={"tema": "sanatate", "scoate": "1", "zi": "07.10.2026"}, headers=headers)
    assert "tema «Sănătate" in removed.text and "scoasă" in removed.text
    card = removed.text.split("Teme:", 1)[1].split("</p>", 1)[0]
    assert "Sănătate" not in card and "Corupție" in card
    with scene.store.session() as session:  # the copy says the same: a correction is the story's
        from monitor.store.queries import mentions_between

        views = mentions_between(session, "alba", datetime(2026, 10, 6, tzinfo=UTC), datetime(2026, 10, 7, tzinfo=UTC))
    hospital = [view for view in views if view.cluster_id == scene.month.hospital]
    assert hospital and all(view.topics == ("coruptie",) for view in hospital)


def test_the_monthly_report_is_made_with_the_offices_comment_and_listed(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "ana")
    page = client.get("/p/alba/raport", params={"luna": "10.2026"}).text
    assert "Raportul acestei luni nu a fost încă generat." in page and "Rapoartele făcute" not in page
    summary = page.split('name="rezumat" rows="8">', 1)[1].split("</textarea>", 1)[0]
    assert "octombrie 2026" in summary  # the summary written from the figures, offered for editing
    edited = "Luna a fost dominată de cazul spitalului.\r\n\r\nPrefectul a răspuns criticilor."
    made = client.post(
        "/p/alba/raport",
        data={
            "csrf_token": csrf,
            "luna": "10.2026",
            "comentariu": "Luna spitalului.",
            "rezumat": edited,
            "concluzii": "Un comunicat despre spital.",
        },
    )
    assert made.status_code == 200 and "Rapoartele făcute" in made.text and "octombrie 2026" in made.text
    pdf = client.get("/p/alba/raport/raport-10.2026.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = client.get("/p/alba/raport/raport-10.2026.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    from docx import Document

    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "Luna a fost dominată de cazul spitalului." in paragraphs and "Prefectul a răspuns criticilor." in paragraphs
    assert paragraphs[paragraphs.index("4. Concluzii și recomandări") + 1] == "Un comunicat despre spital."
    with scene.store.session() as session:
        audit = session.scalars(select(AuditRow).where(AuditRow.action == "report.make")).one()
    assert audit.after == {
        "comentariu": "Luna spitalului.",
        "concluzii": "Un comunicat despre spital.",
        "rezumat": ["Luna a fost dominată de cazul spitalului.", "Prefectul a răspuns criticilor."],
        "trimis_la": 0,
    }


def test_a_body_larger_than_an_upload_is_refused_before_it_is_read(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "ana")
    huge = client.post(
        "/p/alba/adauga/fisier",
        content=b"x" * 10,
        headers={"Content-Length": str(50 * 1024 * 1024), "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert huge.status_code == 413 and "prea mare" in huge.text
    assert (
        client.post("/p/alba/in-masa", data={"csrf_token": csrf, "tinta": "prefect", "ton": "neutral"}).status_code
        != 413
    )


def test_behind_https_the_cookies_are_secure(scene: Scene) -> None:
    settings = replace(scene.settings, web_url="https://presa.prefectura-alba.example")
    with TestClient(create_app(settings, scene.store), base_url="https://127.0.0.1") as client:
        form = client.get("/autentificare")
        assert "Secure" in form.headers["set-cookie"]
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        answer = client.post(
            "/autentificare",
            data={"utilizator": "ana", "parola": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]
        assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_the_archive_filters_by_outlet_kind_and_topic(client: TestClient, scene: Scene) -> None:
    sign_in(client, "ana")
    floods = "Intervenție rapidă după inundațiile din Alba"  # digi24 (national), topic urgente
    hospital = "Prefectul, acuzat în cazul spitalului"  # local outlets, topic sanatate
    national = client.get("/p/alba/arhiva", params={"tip": "national", "de_la": "01.10.2026"}).text
    assert floods in national and hospital not in national
    health = client.get("/p/alba/arhiva", params={"q": "prefectul", "tema": "sanatate"}).text
    assert hospital in health and floods not in health
    exported = client.get("/p/alba/arhiva/export.csv", params={"tema": "urgente"}).content.decode("utf-8")
    assert floods in exported and hospital not in exported
    refused = client.get("/p/alba/arhiva", params={"tip": "satelit"})
    assert refused.status_code == 400 and "tipul de publicație «satelit» nu există" in refused.text


def test_an_outlet_silent_beyond_its_rhythm_is_flagged(client: TestClient, scene: Scene) -> None:
    from rows import add_article

    from monitor.store.models import ArticleSourceRow, FeedRow

    now = datetime.now(UTC)
    with scene.store.session() as session:
        feed = FeedRow(outlet_id="alba24", url="https://alba24.example.ro/rss-test", error_count=0)
        session.add(feed)
        session.flush()
        for day in range(8, 30):  # one a day for three weeks, then nothing for eight days
            seen = now - timedelta(days=day)
            article = add_article(session, "alba24", f"Știrea {day}", f"Text {day} despre județ.", seen)
            session.add(
                ArticleSourceRow(article_id=article.id, feed_id=feed.id, outlet_id="alba24", first_seen_at=seen)
            )
    sign_in(client, "ana")
    page = client.get("/p/alba/surse").text
    row = page.split("Alba24", 1)[1].split("</tr>", 1)[0]
    assert "tăcere neobișnuită" in row  # its usual gap is about a day and a half: eight days is far beyond
    assert "tăcere neobișnuită" not in page.split("Alba24", 1)[0]  # the others have no rhythm to break


def test_a_story_card_says_how_many_the_outlet_reaches(client: TestClient) -> None:
    sign_in(client, "ana")
    page = client.get("/p/alba/azi", params={"zi": "07.10.2026"}).text
    assert "Ziarul Unirea (audiență 300.000/lună)" in page  # the hospital story's lead copy (tests/rows.py)


def test_the_press_officer_chooses_the_contested_passages(client: TestClient, scene: Scene) -> None:
    """The letter's form lists every sentence of the article, the one judging the prefect ticked and the plain
    headline not; the letter cites what was ticked, and only that."""
    csrf = sign_in(client, "ana")
    hospital = scene.month.hospital
    page = client.get("/p/alba/replici/nou", params={"articol": hospital, "tinta": "Vlădescu"})
    assert page.status_code == 200
    boxes = re.findall(r'<input type="checkbox" name="pasaje" value="([^"]*)"( checked)?>', page.text)
    offered = {html.unescape(sentence): bool(ticked) for sentence, ticked in boxes}
    judging = "Prefectul Horia Vlădescu, acuzat că a ignorat avertismentele despre spitalul județean."
    chosen = "Medicii spun că prefectul nu a răspuns solicitărilor lor timp de trei luni."
    assert offered == {
        "Prefectul, acuzat în cazul spitalului": False,
        judging: True,
        chosen: False,
        "Reprezentanții prefecturii nu au comentat.": False,
    }
    made = client.post(
        "/p/alba/replici",
        data={"csrf_token": csrf, "articol": hospital, "tinta": "prefect", "alese": "1", "pasaje": [chosen],
              "nr": "1234/05.12.2026"},
    )  # fmt: skip
    letter = made.text.split('name="text" rows="24">', 1)[1].split("</textarea>", 1)[0]
    assert html.unescape(chosen) in html.unescape(letter) and judging not in html.unescape(letter)
    assert "1234/05.12.2026" in letter
    assert "De completat sau de verificat înainte de trimitere" in made.text  # e.g. the outlet's contact address
    other = client.get("/p/alba/replici/nou", params={"articol": scene.cluj_article, "tinta": "prefect"})
    assert other.status_code == 404


def test_the_office_works_through_the_unsure_tones(client: TestClient, scene: Scene) -> None:
    """«Azi» offers the stories whose tone is «de verificat» on their own; «Confirmă tonul» settles one (a
    correction to the same tone, which the tone model also learns from); a reader is offered no button."""
    hospital = (scene.month.hospital, scene.month.hospital_copy)
    with scene.store.session() as session:
        session.execute(update(MentionRow).where(MentionRow.article_id.in_(hospital)).values(confidence=0.55))
    csrf = sign_in(client, "ana")
    day = {"zi": "07.10.2026"}
    page = client.get("/p/alba/azi", params=day).text
    assert "Arată doar subiectele cu tonul de verificat (1)" in page and "Ton nesigur, de verificat: 1 subiect." in page
    assert f"/p/alba/articole/{scene.hostile}" in page
    only = client.get("/p/alba/azi", params={**day, "verificat": "1"}).text
    assert "Prefectul, acuzat în cazul spitalului" in only and f"/p/alba/articole/{scene.hostile}" not in only
    assert "Sunt arătate doar subiectele cu tonul de verificat (1)" in only and "Confirmă tonul" in only
    assert '<input type="hidden" name="verificat" value="1">' in only  # a bulk correction comes back to the list
    archive = client.get("/p/alba/arhiva", params={"verificat": "1"}).text  # the whole archive, before the report
    assert "Prefectul, acuzat în cazul spitalului" in archive and "1 subiect" in archive
    assert "Drumurile județene" not in archive and 'name="verificat" value="1" checked' in archive
    exported = client.get("/p/alba/arhiva/export.csv", params={"verificat": "1"}).content.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(exported), delimiter=";"))) == 2  # both copies of the story
    answer = client.post(
        f"/p/alba/articole/{scene.month.hospital}/ton",
        data={"csrf_token": csrf, "tinta": "prefect", "ton": "negative", "motiv": "ton confirmat", **day},
    )
    assert answer.status_code == 200
    with scene.store.session() as session:
        rows = session.scalars(select(CorrectionRow)).all()
    assert [(row.cluster_id, row.target_id, row.tone, row.reason) for row in rows] == [
        (scene.month.hospital, "prefect", "negative", "ton confirmat")
    ]
    settled = client.get("/p/alba/azi", params={**day, "verificat": "1"}).text
    assert "Niciun subiect nu mai are tonul de verificat." in settled and "Confirmă tonul" not in settled
    assert "Prefectul, acuzat în cazul spitalului" not in settled
    with scene.store.session() as session:
        session.execute(update(MentionRow).where(MentionRow.article_id == scene.hostile).values(confidence=0.5))
    client.cookies.clear()
    sign_in(client, "sef")  # the prefect's office reads; it does not correct
    read_only = client.get("/p/alba/azi", params=day).text
    assert "Arată doar subiectele cu tonul de verificat (1)" in read_only and "Confirmă tonul" not in read_only
    client.cookies.clear()
    csrf = sign_in(client, "ana")
    bulk = client.post(
        "/p/alba/in-masa",
        data={"csrf_token": csrf, "tinta": "prefect", "ton": "neutral", "subiecte": [scene.hostile], "verificat": "1"}
        | day,
        follow_redirects=False,
    )
    assert bulk.headers["location"] == "/p/alba/azi?zi=07.10.2026&corectate=1&sarite=0&verificat=1"
