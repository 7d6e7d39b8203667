"""«Setări» over plain HTTP: admins only; a save is checked like check-config (nothing changes on a problem, every
problem shown in Romanian), written back with the file's comments, picked up by the workspace and audited; users
and roles through monitor.accounts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select
from starlette.testclient import TestClient
from test_web_access import fill, routes
from web_setup import PASSWORD, Scene, sign_in

from monitor.store.models import AuditRow
from monitor.web.workspace import Workspace


def _workspace(client: TestClient) -> Workspace:
    ws: Workspace = client.app.state.workspace  # type: ignore[attr-defined]
    return ws


def _audit(scene: Scene, action: str) -> list[AuditRow]:
    with scene.store.session() as session:
        return list(session.scalars(select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id)))


def _problems(html: str) -> list[str]:
    box = re.search(r'<div class="eroare" role="alert">(.*?)</div>', html, re.S)
    assert box is not None, html
    return re.findall(r"<li>(.*?)</li>", box.group(1))


def test_settings_are_for_admins_only(client: TestClient, scene: Scene) -> None:
    alba = scene.settings.pipelines_dir / "alba.yaml"
    files = {path: path.read_bytes() for path in (scene.settings.sources_path, alba)}
    settings_routes: list[APIRoute] = [route for route in routes(client) if route.path.startswith("/setari")]
    assert len(settings_routes) >= 14
    for login in ("ana", "petra", "sef"):
        client.cookies.clear()
        csrf = sign_in(client, login)
        assert "/setari" not in client.get("/p/alba/azi").text  # no «Setări» in the menu
        for route in settings_routes:
            for method in route.methods:
                form = {"csrf_token": csrf, "name": "Alt nume", "time": "06:00", "utilizator": "intrus", "rol": "admin"}
                form |= {"parola": PASSWORD, "parola_din_nou": PASSWORD, "activ": "true", "id": "nou"}
                answer = client.request(
                    method, fill(route.path, scene, "alba"), data=form if method == "POST" else None
                )
                assert answer.status_code == 403, (login, method, route.path)
                assert "Rolul dumneavoastră nu permite această acțiune." in answer.text
    assert {path: path.read_bytes() for path in files} == files
    with scene.store.session() as session:
        assert not session.scalars(select(AuditRow).where(AuditRow.action.like("settings.%"))).all()
    client.cookies.clear()
    sign_in(client, "root")
    assert 'href="/setari"' in client.get("/p/alba/azi").text
    for page in ("/setari", "/setari/profil/alba", "/setari/publicatii", "/setari/publicatii/alba24"):
        assert client.get(page).status_code == 200, page
    assert client.get("/setari/profil/nu-exista").status_code == 404


def test_an_invalid_edit_changes_nothing_and_names_every_problem(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "root")
    alba = scene.settings.pipelines_dir / "alba.yaml"
    before = alba.read_bytes()
    form = {"csrf_token": csrf, "enabled": "true", "time": "25:00", "recipients": "presa@prefectura-alba.example\nnu"}
    answer = client.post("/setari/profil/alba/sinteza", data=form)
    assert answer.status_code == 400
    problems = _problems(answer.text)
    assert len(problems) == 2 and "configurația ar avea 2 probleme" in answer.text
    assert (
        problems[0].startswith(f"{alba}:")
        and "digest.time: oră invalidă: &#39;25:00&#39; (format HH:MM)" in problems[0]
    )
    assert "digest.recipients.1: adresă de e-mail invalidă: &#39;nu&#39;" in problems[1]
    assert 'value="25:00"' in answer.text  # what was typed stays in the form, to be corrected
    # an outlet that a profile names cannot be removed: the profile's file and line are named
    cluj = scene.settings.pipelines_dir / "cluj.yaml"
    cluj.write_text(cluj.read_text(encoding="utf-8") + "sources:\n  include: [alba24]\n", encoding="utf-8")
    sources = scene.settings.sources_path.read_bytes()
    answer = client.post("/setari/publicatii/alba24/sterge", data={"csrf_token": csrf})
    assert answer.status_code == 400
    (problem,) = _problems(answer.text)
    assert re.fullmatch(
        rf"{cluj}:\d+: sources.include: publicație necunoscută «alba24» \(nu este în sources.yaml\)", problem
    )
    # a target with a date that is not one, and the last target of a profile
    answer = client.post(
        "/setari/profil/alba/tinte/prefect", data={"csrf_token": csrf, "from": "31.02.2025", "name": " "}
    )
    assert answer.status_code == 400 and len(_problems(answer.text)) == 2
    client.post("/setari/profil/cluj/tinte/institutia/sterge", data={"csrf_token": csrf})
    answer = client.post("/setari/profil/cluj/tinte/prefect/sterge", data={"csrf_token": csrf})
    assert answer.status_code == 400 and "targets: prea puține elemente (cel puțin 1)" in _problems(answer.text)[0]
    assert alba.read_bytes() == before and scene.settings.sources_path.read_bytes() == sources
    assert [row.subject for row in _audit(scene, "settings.target.remove")] == ["cluj: ținta institutia"]
    assert _audit(scene, "settings.digest") == [] and _audit(scene, "settings.outlet.remove") == []
    folder = scene.settings.sources_path.parent  # no temporary file left behind
    assert sorted(path.name for path in folder.rglob("*") if path.is_file()) == [
        "alba.yaml",
        "cluj.yaml",
        "sources.yaml",
    ]


def test_a_valid_edit_keeps_the_comments_and_is_picked_up(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "root")
    alba = scene.settings.pipelines_dir / "alba.yaml"
    ws = _workspace(client)
    assert ws.config()[1]["alba"].target("prefect").aliases == ("Horia Vladescu",)
    page = client.get("/setari/profil/alba").text
    assert 'value="01.02.2025"' in page and "Horia Vladescu</textarea>" in page
    answer = client.post(
        "/setari/profil/alba/tinte/prefect",
        data={"csrf_token": csrf, "name": "Horia Vlădescu", "aliases": "Horia Vladescu\r\nPrefectul Vlădescu",
              "from": "01.02.2025", "to": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == "/setari/profil/alba?mesaj=salvat"
    answer = client.post(
        "/setari/profil/alba/sinteza",
        data={"csrf_token": csrf, "enabled": "true", "time": "06:45", "approve_until": "09:00",
              "recipients": "presa@prefectura-alba.example, prefect@prefectura-alba.example"},
    )  # fmt: skip
    assert answer.status_code == 200 and "Modificarea a fost salvată" in answer.text
    text = alba.read_text(encoding="utf-8")
    assert "# Watched people and the institution." in text and "# Default: national outlets" in text
    assert '    aliases: ["Horia Vladescu", "Prefectul Vlădescu"]\n' in text
    assert '  time: "06:45"\n' in text
    assert '  recipients: ["presa@prefectura-alba.example", "prefect@prefectura-alba.example"]\n' in text
    profile = ws.config()[1]["alba"]
    assert profile.target("prefect").aliases == ("Horia Vladescu", "Prefectul Vlădescu")
    assert profile.digest.recipients == ("presa@prefectura-alba.example", "prefect@prefectura-alba.example")
    assert profile.digest.time.hour == 6 and profile.digest.time.minute == 45
    (target,) = _audit(scene, "settings.target")
    assert (target.login, target.profile_id, target.subject) == ("root", "alba", "alba: ținta prefect")
    assert target.before == {"aliases": ["Horia Vladescu"]}
    assert target.after == {"aliases": ["Horia Vladescu", "Prefectul Vlădescu"]}
    (digest,) = _audit(scene, "settings.digest")
    assert digest.before == {"time": "07:30", "recipients": ["presa@prefectura-alba.example"]}
    # saving the same values again writes nothing
    unchanged = client.post("/setari/profil/alba/tinte/prefect", data={"csrf_token": csrf}, follow_redirects=False)
    assert unchanged.headers["location"].endswith("mesaj=neschimbat") and len(_audit(scene, "settings.target")) == 1
    assert "alba: ținta prefect" in client.get("/jurnal").text


def test_targets_and_outlets_are_added_and_removed(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "root")
    ws = _workspace(client)
    answer = client.post(
        "/setari/profil/cluj/tinte",
        data={"csrf_token": csrf, "id": "subprefect", "kind": "person", "role": "subprefect", "name": "Ana Pop",
              "aliases": "Ana Popescu", "from": "15.03.2026", "to": ""},
    )  # fmt: skip
    assert answer.status_code == 200 and "Adăugat" in answer.text
    added = ws.config()[1]["cluj"].target("subprefect")
    assert (added.name, added.aliases, added.from_, added.to) == ("Ana Pop", ("Ana Popescu",), date(2026, 3, 15), None)
    assert "    from: 2026-03-15\n    to: null\n" in (scene.settings.pipelines_dir / "cluj.yaml").read_text("utf-8")
    client.post("/setari/profil/cluj/tinte/subprefect/sterge", data={"csrf_token": csrf})
    assert [t.id for t in ws.config()[1]["cluj"].targets] == ["prefect", "institutia"]
    (removed,) = _audit(scene, "settings.target.remove")
    assert removed.before is not None and removed.before["name"] == "Ana Pop" and removed.after is None

    outlet = {"csrf_token": csrf, "id": "gazeta-clujului", "name": "Gazeta Clujului", "kind": "local", "county": ""}
    outlet |= {"feeds": "https://gazeta-clujului.example.ro/rss", "reach": "20000", "poll": "10m", "enabled": "true"}
    refused = client.post("/setari/publicatii", data=outlet)
    assert refused.status_code == 400 and "o publicație locală trebuie să aibă «county»" in refused.text
    answer = client.post("/setari/publicatii", data=outlet | {"county": "Cluj"}, follow_redirects=False)
    assert answer.status_code == 303
    new = ws.config()[0].outlet("gazeta-clujului")
    assert new.county == "Cluj" and ws.config()[1]["cluj"].watches(new)
    answer = client.post(
        "/setari/publicatii/gazeta-clujului",
        data={"csrf_token": csrf, "contact": "redactie@gazeta-clujului.example.ro", "poll": "30m"},
    )
    assert answer.status_code == 200
    changed = ws.config()[0].outlet("gazeta-clujului")
    assert changed.contact == "redactie@gazeta-clujului.example.ro" and not changed.enabled  # the box was unticked
    assert changed.poll.total_seconds() == 1800
    client.post("/setari/publicatii/gazeta-clujului/sterge", data={"csrf_token": csrf})
    assert "gazeta-clujului" not in {o.id for o in ws.config()[0].outlets}
    text = scene.settings.sources_path.read_text(encoding="utf-8")
    assert text.startswith("# The outlets Presa watches.") and "gazeta-clujului" not in text
    actions = [row.action for row in _audit(scene, "settings.outlet.add") + _audit(scene, "settings.outlet.remove")]
    assert actions == ["settings.outlet.add", "settings.outlet.remove"]


def test_users_and_roles(client: TestClient, scene: Scene) -> None:
    csrf = sign_in(client, "root")
    form = {"csrf_token": csrf, "utilizator": "maria", "rol": "purtator", "profiluri": ["alba"]}
    answer = client.post("/setari/utilizatori", data=form | {"parola": PASSWORD, "parola_din_nou": PASSWORD + "x"})
    assert answer.status_code == 400 and "cele două parole nu sunt la fel" in answer.text
    answer = client.post("/setari/utilizatori", data=form | {"parola": "scurta", "parola_din_nou": "scurta"})
    assert answer.status_code == 400 and "parola trebuie să aibă cel puțin 10 caractere" in answer.text
    answer = client.post("/setari/utilizatori", data=form | {"parola": PASSWORD, "parola_din_nou": PASSWORD})
    assert answer.status_code == 200 and "Contul a fost salvat." in answer.text
    assert re.search(r"<th scope=\"row\">maria</th>\s*<td>purtătorul de cuvânt</td>\s*<td>alba</td>", answer.text)
    assert client.post("/setari/utilizatori/root/activ", data={"csrf_token": csrf}).status_code == 400
    client.post("/setari/utilizatori/maria/activ", data={"csrf_token": csrf})
    assert "dezactivat" in client.get("/setari/utilizatori").text
    other = TestClient(client.app, base_url="http://127.0.0.1")
    with pytest.raises(AssertionError):
        sign_in(other, "maria")
    client.post("/setari/utilizatori/maria/activ", data={"csrf_token": csrf, "activ": "true"})
    new_password = "o-alta-parola-lunga"
    answer = client.post(
        "/setari/utilizatori/maria/parola",
        data={"csrf_token": csrf, "parola": new_password, "parola_din_nou": new_password},
    )
    assert answer.status_code == 200
    other.cookies.clear()
    sign_in(other, "maria", new_password)
    assert other.get("/p/alba/alerte").status_code == 200 and other.get("/p/cluj/alerte").status_code == 404
    assert [row.subject for row in _audit(scene, "user.add") if row.login == "root"] == ["maria"]
    assert [row.after for row in _audit(scene, "user.active")] == [{"active": False}, {"active": True}]
    assert [row.login for row in _audit(scene, "user.password")] == ["root"]
