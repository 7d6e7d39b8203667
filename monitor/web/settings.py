"""«Setări», for admins: the profiles' targets, recipients, schedules and alert thresholds, the outlets of
sources.yaml, and the workspace's users. Every save goes through monitor.config_edit (checked like check-config,
written atomically, audited) or monitor.accounts; the server and the daemon pick the files up without a restart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from monitor import config_edit as edit
from monitor.accounts import User, add_user, list_users, set_active, set_password
from monitor.config import Outlet, Profile, Target
from monitor.errors import AccountError, ConfigError
from monitor.record import Role
from monitor.web.security import admin
from monitor.web.workspace import NotFound, Workspace, workspace

router = APIRouter()

NOTICES = {
    "salvat": "Modificarea a fost salvată; serverul și colectarea o folosesc de acum, fără repornire.",
    "neschimbat": "Nicio valoare nu a fost schimbată: fișierul a rămas cum era.",
    "adaugat": "Adăugat; serverul și colectarea îl folosesc de acum, fără repornire.",
    "sters": "Șters; serverul și colectarea nu îl mai folosesc.",
    "cont": "Contul a fost salvat.",
}
SECTIONS = {  # the form's slug: (the profile's key, title, fields)
    "sinteza": ("digest", "Sinteza zilnică", edit.DIGEST),
    "raport": ("report", "Raportul lunar", edit.REPORT),
    "alerte": ("alerts", "Alertele", edit.ALERTS),
}


@dataclass(frozen=True)
class EditForm:
    """One form of a settings page: where it posts, its fields and the values it shows."""

    id: str
    title: str
    action: str
    fields: Sequence[edit.Field]
    values: dict[str, str]
    remove: str = ""  # where «Șterge» posts, for a target or an outlet
    button: str = "Salvează"


@dataclass(frozen=True)
class Failed:
    """A save refused: which form, what the user typed (shown again), and every problem."""

    form: str
    values: dict[str, str]
    problems: Sequence[str]


async def posted(request: Request) -> dict[str, str]:
    """The submitted form's text values (read once by the CSRF check; Starlette keeps it)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _profile(ws: Workspace, profile_id: str) -> Profile:
    profile = ws.config()[1].get(profile_id)
    if profile is None:
        raise NotFound()
    return profile


def _notice(request: Request) -> str:
    return NOTICES.get(request.query_params.get("mesaj", ""), "")


def _done(url: str, edited: edit.Edited, notice: str = "salvat") -> Response:
    return RedirectResponse(f"{url}?mesaj={notice if edited.changed else 'neschimbat'}", status_code=303)


def _save(
    ws: Workspace, user: User, path: Path, change: edit.Change, action: str, subject: str, profile: str | None
) -> edit.Edited:
    """Apply one change to one file for `user`; ConfigError lists the problems and leaves the file as it was."""
    audited = edit.Audit(user.login, datetime.now(UTC), action, subject, profile)
    return edit.edit_file(ws.settings, ws.store, path, change, audited)


# --- the overview and a profile ------------------------------------------------------------------------------


@router.get("/setari")
def settings_page(request: Request, user: User = Depends(admin), ws: Workspace = Depends(workspace)) -> Response:
    sources, profiles = ws.config()
    return ws.page(
        request, "settings.html.j2", all_profiles=sorted(profiles.values(), key=lambda p: p.institution),
        outlets=len(sources.outlets), users=len(list_users(ws.store)), folder=ws.settings.sources_path.parent,
        title="Setări",
    )  # fmt: skip


def _profile_page(
    request: Request, ws: Workspace, profile: Profile, failed: Failed | None = None, status_code: int = 200
) -> Response:
    base = f"/setari/profil/{profile.id}"
    forms = [
        EditForm(slug, title, f"{base}/{slug}", fields, edit.shown(getattr(profile, key), fields))
        for slug, (key, title, fields) in SECTIONS.items()
    ]
    targets = [
        EditForm(
            f"tinta-{target.id}",
            f"{target.name} ({target.role.label})",
            f"{base}/tinte/{target.id}",
            edit.TARGET,
            edit.shown(target, edit.TARGET),
            remove=f"{base}/tinte/{target.id}/sterge",
        )
        for target in profile.targets
    ]
    new = EditForm("tinta-noua", "Țintă nouă", f"{base}/tinte", edit.NEW_TARGET, {}, button="Adaugă ținta")
    return ws.page(
        request, "settings_profile.html.j2", status_code=status_code, edited=profile, forms=forms, targets=targets,
        new=new, failed=failed, notice=_notice(request), title=f"Setări – {profile.institution}",
    )  # fmt: skip


@router.get("/setari/profil/{profil}")
def profile_settings(
    request: Request, profil: str, user: User = Depends(admin), ws: Workspace = Depends(workspace)
) -> Response:
    return _profile_page(request, ws, _profile(ws, profil))


def _profile_change(
    request: Request, ws: Workspace, user: User, profile: Profile, failed: Failed, change: edit.Change,
    action: str, subject: str, notice: str = "salvat",
) -> Response:  # fmt: skip
    """Save `change` to the profile's file; refused, the page again with `failed`'s values and the problems."""
    path = ws.settings.pipelines_dir / f"{profile.id}.yaml"
    try:
        edited = _save(ws, user, path, change, action, f"{profile.id}: {subject}", profile.id)
    except ConfigError as error:
        failed = Failed(failed.form, failed.values, error.problems)
        return _profile_page(request, ws, profile, failed, status_code=400)
    return _done(f"/setari/profil/{profile.id}", edited, notice)


@router.post("/setari/profil/{profil}/tinte")
def add_target(
    request: Request,
    profil: str,
    form: dict[str, str] = Depends(posted),
    user: User = Depends(admin),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = _profile(ws, profil)
    change = edit.add_entry("targets", edit.NEW_TARGET, form)
    subject = f"țintă nouă {form.get('id', '')}"
    failed = Failed("tinta-noua", form, ())
    return _profile_change(request, ws, user, profile, failed, change, "settings.target.add", subject, "adaugat")


@router.post("/setari/profil/{profil}/{sectiune}")
def save_section(
    request: Request,
    profil: str,
    sectiune: str,
    form: dict[str, str] = Depends(posted),
    user: User = Depends(admin),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = _profile(ws, profil)
    if sectiune not in SECTIONS:
        raise NotFound()
    key, title, fields = SECTIONS[sectiune]
    change = edit.update_section(key, fields, form, edit.shown(getattr(profile, key), fields))
    failed = Failed(sectiune, form, ())
    return _profile_change(request, ws, user, profile, failed, change, f"settings.{key}", title.lower())


def _target_of(profile: Profile, target_id: str) -> Target:
    try:
        return profile.target(target_id)
    except KeyError:
        raise NotFound() from None


@router.post("/setari/profil/{profil}/tinte/{tinta}")
def save_target(
    request: Request,
    profil: str,
    tinta: str,
    form: dict[str, str] = Depends(posted),
    user: User = Depends(admin),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = _profile(ws, profil)
    before = edit.shown(_target_of(profile, tinta), edit.TARGET)
    change = edit.update_entry("targets", tinta, edit.TARGET, form, before)
    failed = Failed(f"tinta-{tinta}", form, ())
    return _profile_change(request, ws, user, profile, failed, change, "settings.target", f"ținta {tinta}")


@router.post("/setari/profil/{profil}/tinte/{tinta}/sterge")
def remove_target(
    request: Request, profil: str, tinta: str, user: User = Depends(admin), ws: Workspace = Depends(workspace)
) -> Response:
    profile = _profile(ws, profil)
    failed = Failed(f"tinta-{tinta}", edit.shown(_target_of(profile, tinta), edit.TARGET), ())
    change = edit.remove_entry("targets", tinta)
    return _profile_change(
        request, ws, user, profile, failed, change, "settings.target.remove", f"ținta {tinta}", "sters"
    )


# --- outlets ---------------------------------------------------------------------------------------------------


def _outlet(ws: Workspace, outlet_id: str) -> Outlet:
    try:
        return ws.config()[0].outlet(outlet_id)
    except KeyError:
        raise NotFound() from None


def _outlet_form(outlet: Outlet) -> EditForm:
    base = f"/setari/publicatii/{outlet.id}"
    values = edit.shown(outlet, edit.OUTLET)
    return EditForm(f"publicatia-{outlet.id}", outlet.name, base, edit.OUTLET, values, remove=f"{base}/sterge")


NEW_OUTLET = EditForm(
    "publicatia-noua", "Publicație nouă", "/setari/publicatii", edit.NEW_OUTLET, {"enabled": "true"},
    button="Adaugă publicația",
)  # fmt: skip


def _outlets_page(request: Request, ws: Workspace, failed: Failed | None = None, status_code: int = 200) -> Response:
    outlets = sorted(ws.config()[0].outlets, key=lambda outlet: outlet.name.casefold())
    return ws.page(
        request, "settings_outlets.html.j2", status_code=status_code, outlets=outlets, new=NEW_OUTLET, failed=failed,
        as_text=edit.text_of,
        notice=_notice(request), title="Setări – publicații",
    )  # fmt: skip


def _outlet_page(
    request: Request, ws: Workspace, outlet: Outlet, failed: Failed | None = None, status_code: int = 200
) -> Response:
    return ws.page(
        request, "settings_outlet.html.j2", status_code=status_code, form=_outlet_form(outlet), failed=failed,
        notice=_notice(request), title=f"Setări – {outlet.name}",
    )  # fmt: skip


@router.get("/setari/publicatii")
def outlets_settings(request: Request, user: User = Depends(admin), ws: Workspace = Depends(workspace)) -> Response:
    return _outlets_page(request, ws)


@router.get("/setari/publicatii/{publicatia}")
def outlet_settings(
    request: Request, publicatia: str, user: User = Depends(admin), ws: Workspace = Depends(workspace)
) -> Response:
    return _outlet_page(request, ws, _outlet(ws, publicatia))


def _save_sources(ws: Workspace, user: User, change: edit.Change, action: str, subject: str) -> edit.Edited:
    return _save(ws, user, ws.settings.sources_path, change, action, f"sources.yaml: {subject}", None)


@router.post("/setari/publicatii")
def add_outlet(
    request: Request, form: dict[str, str] = Depends(posted), user: User = Depends(admin),
    ws: Workspace = Depends(workspace),
) -> Response:  # fmt: skip
    change = edit.add_entry("outlets", edit.NEW_OUTLET, form)
    try:
        edited = _save_sources(ws, user, change, "settings.outlet.add", f"publicația nouă {form.get('id', '')}")
    except ConfigError as error:
        return _outlets_page(request, ws, Failed(NEW_OUTLET.id, form, error.problems), status_code=400)
    return _done("/setari/publicatii", edited, "adaugat")


@router.post("/setari/publicatii/{publicatia}")
def save_outlet(
    request: Request, publicatia: str, form: dict[str, str] = Depends(posted), user: User = Depends(admin),
    ws: Workspace = Depends(workspace),
) -> Response:  # fmt: skip
    outlet = _outlet(ws, publicatia)
    change = edit.update_entry("outlets", outlet.id, edit.OUTLET, form, edit.shown(outlet, edit.OUTLET))
    try:
        edited = _save_sources(ws, user, change, "settings.outlet", f"publicația {outlet.id}")
    except ConfigError as error:
        failed = Failed(f"publicatia-{outlet.id}", form, error.problems)
        return _outlet_page(request, ws, outlet, failed, status_code=400)
    return _done(f"/setari/publicatii/{outlet.id}", edited)


@router.post("/setari/publicatii/{publicatia}/sterge")
def remove_outlet(
    request: Request, publicatia: str, user: User = Depends(admin), ws: Workspace = Depends(workspace)
) -> Response:
    outlet = _outlet(ws, publicatia)
    try:
        edited = _save_sources(
            ws, user, edit.remove_entry("outlets", outlet.id), "settings.outlet.remove", f"publicația {outlet.id}"
        )
    except ConfigError as error:
        failed = Failed(f"publicatia-{outlet.id}", edit.shown(outlet, edit.OUTLET), error.problems)
        return _outlet_page(request, ws, outlet, failed, status_code=400)
    return _done("/setari/publicatii", edited, "sters")


# --- users -----------------------------------------------------------------------------------------------------


def _users_page(request: Request, ws: Workspace, problems: Sequence[str] = (), status_code: int = 200) -> Response:
    return ws.page(
        request, "settings_users.html.j2", status_code=status_code, accounts=list_users(ws.store), roles=tuple(Role),
        profile_ids=sorted(ws.config()[1]), problems=problems, notice=_notice(request), title="Setări – utilizatori",
    )  # fmt: skip


def _same(password: str, again: str) -> str:
    if password != again:
        raise AccountError("cele două parole nu sunt la fel")
    return password


@router.get("/setari/utilizatori")
def users_settings(request: Request, user: User = Depends(admin), ws: Workspace = Depends(workspace)) -> Response:
    return _users_page(request, ws)


@router.post("/setari/utilizatori")
def add_account(
    request: Request,
    utilizator: str = Form(""),
    rol: str = Form(""),
    profiluri: list[str] = Form([]),
    parola: str = Form(""),
    parola_din_nou: str = Form(""),
    user: User = Depends(admin),
    ws: Workspace = Depends(workspace),
) -> Response:
    known = set(ws.config()[1])
    try:
        role = Role(rol) if rol in tuple(Role) else None
        if role is None:
            raise AccountError(f"rol necunoscut «{rol}»")
        unknown = [profile for profile in profiluri if profile not in known]
        if unknown:
            raise AccountError("profil necunoscut: " + ", ".join(unknown))
        password = _same(parola, parola_din_nou)
        add_user(ws.store, utilizator, password, role, profiluri, by=user.login, now=datetime.now(UTC))
    except AccountError as error:
        return _users_page(request, ws, [str(error)], status_code=400)
    return RedirectResponse("/setari/utilizatori?mesaj=cont", status_code=303)


@router.post("/setari/utilizatori/{login}/activ")
def activate_account(
    request: Request,
    login: str,
    activ: str = Form(""),
    user: User = Depends(admin),
    ws: Workspace = Depends(workspace),
) -> Response:
    try:
        if login == user.login and activ != "true":
            raise AccountError("nu vă puteți dezactiva propriul cont")
        set_active(ws.store, login, activ == "true", by=user.login, now=datetime.now(UTC))
    except AccountError as error:
        return _users_page(request, ws, [str(error)], status_code=400)
    return RedirectResponse("/setari/utilizatori?mesaj=cont", status_code=303)


@router.post("/setari/utilizatori/{login}/parola")
def reset_password(
    request: Request,
    login: str,
    parola: str = Form(""),
    parola_din_nou: str = Form(""),
    user: User = Depends(admin),
    ws: Workspace = Depends(workspace),
) -> Response:
    try:
        set_password(ws.store, login, _same(parola, parola_din_nou), by=user.login, now=datetime.now(UTC))
    except AccountError as error:
        return _users_page(request, ws, [str(error)], status_code=400)
    return RedirectResponse("/setari/utilizatori?mesaj=cont", status_code=303)
