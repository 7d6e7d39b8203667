"""The workspace's test scene: a configuration folder with two prefectures (alba, cluj), the archive's month for
alba (tests/rows.py) and one story, alert and letter of cluj, and one account per role."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from conftest import REPO
from rows import Month, add_mention, add_story, at, seed_month
from starlette.testclient import TestClient

from monitor.accounts import add_user
from monitor.archive.search import index_missing
from monitor.record import Role
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import AlertRow, ReplyRow, SavedSearchRow

PASSWORD = "o-parola-destul-de-lunga"
CLUJ_PROFILE = """\
institution: "Instituția Prefectului – Județul Cluj"
county: Cluj
timezone: Europe/Bucharest
targets:
  - id: prefect
    kind: person
    name: "Mara Ilieș"
    role: prefect
    aliases: []
    from: 2025-01-01
    to: null
  - id: institutia
    kind: institution
    name: "Instituția Prefectului – Județul Cluj"
    role: institution
    aliases: ["Prefectura Cluj"]
    from: null
    to: null
"""
HOSTILE_TITLE = '<script>alert("x")</script> Prefectul <img src=x onerror=alert(1)>'
USERS = {  # login: (role, profiles)
    "ana": (Role.OFFICE, ("alba",)),
    "ion": (Role.OFFICE, ("cluj",)),
    "petra": (Role.SPOKESPERSON, ("alba",)),
    "sef": (Role.LEADERSHIP, ("alba",)),
    "root": (Role.ADMIN, ()),
}


@dataclass(frozen=True)
class Scene:
    settings: Settings
    store: Store
    month: Month
    hostile: int  # an alba article whose title is an attack
    cluj_article: int
    cluj_alert: int
    cluj_letter: int
    alba_alert: int
    cluj_search: int


def config_folder(root: Path) -> Path:
    folder = root / "config"
    (folder / "pipelines").mkdir(parents=True)
    shutil.copy(REPO / "sources.yaml", folder / "sources.yaml")
    shutil.copy(REPO / "pipelines" / "alba.yaml", folder / "pipelines" / "alba.yaml")
    (folder / "pipelines" / "cluj.yaml").write_text(CLUJ_PROFILE, encoding="utf-8")
    return folder


def build_scene(root: Path, store: Store | None = None) -> Scene:
    folder = config_folder(root)
    settings = Settings.from_env(
        {},
        config_dir=folder,
        database_url=f"sqlite:///{root / 'presa.db'}",
        data_dir=root / "data",
        output_dir=root / "out",
    )
    store = store or Store(settings.database_url)
    with store.session() as session:
        month = seed_month(session)
        hostile = add_story(session, "alba24", HOSTILE_TITLE, "Prefectul Horia Vlădescu a vorbit.", at(10, 6, 10))
        add_mention(session, hostile, "prefect", "neutral")
        cluj = add_story(session, "ziar-de-cluj", "Prefectul Clujului, criticat", "Mara Ilieș, criticată.", at(10, 8))
        add_mention(session, cluj, "prefect", "negative", profile_id="cluj", prominence="title")
        alert = AlertRow(
            profile_id="cluj",
            target_id="prefect",
            cluster_id=cluj.id,
            rule="keyword",
            started_at=at(10, 8, 10),
            last_update_at=at(10, 8, 10),
            updates=0,
            article_ids=[cluj.id],
            details={},
        )
        letter = ReplyRow(
            profile_id="cluj",
            article_id=cluj.id,
            target_id="prefect",
            status="drafted",
            text_path=str(root / "scrisoare-cluj.txt"),
            html_path=str(root / "scrisoare-cluj.html"),
            created_at=at(10, 8, 11),
            updated_at=at(10, 8, 11),
        )
        search = SavedSearchRow(
            profile_id="cluj", name="Clujului", query={"q": "prefectul"}, email=None, owner="ion", created_at=at(10, 8)
        )
        session.add_all([alert, letter, search])
        session.flush()
        from sqlalchemy import select

        alba_alert = session.scalar(select(AlertRow.id).where(AlertRow.profile_id == "alba"))
        assert alba_alert is not None
        ids = (hostile.id, cluj.id, alert.id, letter.id, alba_alert, search.id)
    (root / "scrisoare-cluj.txt").write_text("Scrisoarea Clujului", encoding="utf-8")
    now = datetime.now(UTC)
    index_missing(store, now=now)  # rows written through the ORM, not the crawl: index them as an import would
    for login, (role, profiles) in USERS.items():
        add_user(store, login, PASSWORD, role, profiles, by="test", now=now)
    return Scene(settings, store, month, *ids)


def sign_in(client: TestClient, login: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token (read from the page, as the browser does)."""
    form = client.get("/autentificare").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/autentificare",
        data={"utilizator": login, "parola": password, "csrf_token": token.group(1), "inapoi": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page = client.get("/p/alba/surse" if login != "ion" else "/p/cluj/surse").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    return csrf.group(1)
