"""First run, the admin's checklist and the import from a spreadsheet (issue 15)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from murporteur.accounts.models import Organisation, OrganisationKind, Role, StagedImport, User
from murporteur.audit.models import AuditEntry
from murporteur.committee import services as committee
from murporteur.core.db import utcnow
from murporteur.extensions import db
from tests.conftest import login
from tests.factories import AdminFactory, AnimatorFactory, MemberFactory, OrganisationFactory
from tests.helpers import outbox, text


def _admin(app, user=None):
    client = app.test_client()
    login(client, user or AdminFactory())
    return client


def test_first_admin_is_created_on_an_empty_database_and_refused_afterwards(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["first-admin", "--email", "Admin@Cress.example",
                                 "--name", "Ada Admin", "--password", "une phrase assez longue"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "admin@cress.example"))
    assert admin.role == Role.ADMIN and admin.password_hash
    again = runner.invoke(args=["first-admin", "--email", "other@cress.example",
                                "--password", "une phrase assez longue"])
    assert again.exit_code != 0 and "already exists" in again.output
    assert db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN)) == 1


def test_first_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["first-admin", "--email", "a@cress.example",
                                                "--password", "court"])
    assert result.exit_code != 0 and "12" in result.output


def test_the_admins_home_shows_the_checklist_until_everything_is_done(app):
    from murporteur.collective import settings as collective_settings

    user = AdminFactory()
    admin = _admin(app, user)
    page = text(admin.get("/admin/"))
    assert "Pour démarrer" in page and page.count("À faire") == 4
    values = {f.name: str(f.default) for f in collective_settings.FIELDS}
    values.update(name="CRESS AURA", region="Auvergne-Rhône-Alpes",
                  contact_email="contact@cress-aura.example")
    collective_settings.save(user, values)
    org = OrganisationFactory(name="Dynacité")
    member = MemberFactory(organisation=org)
    page = text(admin.get("/admin/"))
    assert page.count("À faire") == 1 and page.count("Fait") == 3
    committee.create_session(AnimatorFactory(), starts_at=utcnow(), place="Lyon",
                             organisations=[member.organisation])
    assert "Pour démarrer" not in text(admin.get("/admin/"))


def test_an_admin_lands_on_the_administration_home(app):
    admin = AdminFactory()
    client = app.test_client()
    login(client, admin)
    assert client.get("/connexion").status_code in (200, 302)
    assert "Administration du collectif" in text(client.get("/admin/"))


def _csv(text_: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(text_.encode("utf-8")), "organisations.csv"


def test_organisations_from_a_csv_are_previewed_with_row_errors_then_written_on_confirm(app):
    OrganisationFactory(name="Alliade Habitat")
    admin = _admin(app)
    data = ("Nom;Nom court;Type;Territoire;Site\n"
            "Lyon Métropole Habitat;LMH;bailleur;Métropole de Lyon;https://www.lmh.fr\n"
            "Alliade Habitat;;bailleur;;\n"
            "Banque des Territoires;BdT;financeur;;\n"
            ";;partenaire;;\n"
            "Vilogia;;dragon;;\n")
    response = admin.post("/admin/import", data={"kind": "organisations",
                                                 "spreadsheet": _csv(data)},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    preview = text(admin.get(response.headers["Location"]))
    assert "5 ligne(s), dont 2 prête(s)" in preview
    assert "Une organisation porte déjà ce nom" in preview and "Le nom manque" in preview
    assert "Type inconnu : dragon" in preview
    assert db.session.scalar(select(Organisation).where(
        Organisation.name == "Lyon Métropole Habitat")) is None  # nothing written yet
    confirmed = admin.post(response.headers["Location"])
    assert confirmed.status_code == 302
    lmh = db.session.scalar(select(Organisation).where(
        Organisation.name == "Lyon Métropole Habitat"))
    bdt = db.session.scalar(select(Organisation).where(
        Organisation.name == "Banque des Territoires"))
    assert lmh.short_name == "LMH" and lmh.kind == OrganisationKind.LANDLORD
    assert bdt.kind == OrganisationKind.FINANCER
    assert admin.post(response.headers["Location"]).status_code == 404  # confirmed once
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "import.confirmed")) == 1


def test_people_from_an_xlsx_are_invited_on_confirm(app):
    org = OrganisationFactory(name="Dynacité")
    MemberFactory(email="deja@example.org")
    book = Workbook()
    sheet = book.active
    sheet.append(["E-mail", "Nom", "Rôle", "Organisation"])
    sheet.append(["claire@dynacite.example", "Claire Fontaine", "membre", "dynacité"])
    sheet.append(["anim@cress.example", "Inès", "animatrice", ""])
    sheet.append(["deja@example.org", "Déjà là", "membre", "Dynacité"])
    sheet.append(["x@example.org", "Sans orga", "membre", "Nulle part"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    admin = _admin(app)
    response = admin.post("/admin/import", data={"kind": "people",
                                                 "spreadsheet": (out, "personnes.xlsx")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    preview = text(admin.get(response.headers["Location"]))
    assert "4 ligne(s), dont 2 prête(s)" in preview and "Organisation inconnue" in preview
    assert outbox("invitation") == []
    admin.post(response.headers["Location"])
    claire = db.session.scalar(select(User).where(User.email == "claire@dynacite.example"))
    assert claire.role == Role.MEMBER and claire.organisation_id == org.id
    anim = db.session.scalar(select(User).where(User.email == "anim@cress.example"))
    assert anim.role == Role.ANIMATOR
    assert {m.recipient_email for m in outbox("invitation")} == {claire.email, anim.email}


def test_a_file_that_is_no_spreadsheet_is_refused_at_its_field(app):
    admin = _admin(app)
    for content, name in ((b"\x00\x01\x02binary", "x.csv"), (b"PK\x03\x04broken", "x.xlsx"),
                          (b"", "empty.csv"), (b"colonne;autre\nx;y\n", "x.csv")):
        response = admin.post("/admin/import", data={"kind": "organisations",
                                                     "spreadsheet": (io.BytesIO(content), name)},
                              content_type="multipart/form-data")
        assert response.status_code == 422, name
        assert "error-summary" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(StagedImport.id))) == 0


def test_a_preview_belongs_to_whoever_sent_the_file(app):
    admin = _admin(app)
    response = admin.post("/admin/import", data={
        "kind": "organisations", "spreadsheet": _csv("nom\nVilogia\n")},
        content_type="multipart/form-data")
    other = _admin(app, AdminFactory())
    assert other.get(response.headers["Location"]).status_code == 404
    assert other.post(response.headers["Location"]).status_code == 404
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Vilogia")) is None
