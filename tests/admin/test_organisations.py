"""Organisations managed by the admins: created, edited, given a logo, archived (issue 15)."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from murporteur.accounts.models import Organisation, OrganisationKind
from murporteur.audit.models import AuditEntry
from murporteur.extensions import db
from tests.conftest import login
from tests.factories import AdminFactory, AnimatorFactory, MemberFactory, OrganisationFactory
from tests.helpers import text


def _picture(size=(1200, 600), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def _admin(app):
    client = app.test_client()
    login(client, AdminFactory())
    return client


def _form(**values):
    return {"name": "Lyon Métropole Habitat", "short_name": "LMH", "kind": "landlord",
            "address": "194 rue Duguesclin, Lyon", "territory": "Métropole de Lyon",
            "website": "https://www.lmh.fr", **values}


def test_an_admin_adds_an_organisation_with_a_logo_shown_on_the_landing_page(app):
    client = _admin(app)
    data = _form(logo=(io.BytesIO(_picture(fmt="JPEG")), "logo.jpg"))
    response = client.post("/admin/organisations/nouvelle", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(
        Organisation.name == "Lyon Métropole Habitat"))
    assert org.kind == OrganisationKind.LANDLORD and org.short_name == "LMH"
    with Image.open(io.BytesIO(org.logo_png)) as kept:  # re-encoded, fitted within the box
        assert kept.format == "PNG" and kept.size[0] <= 400 and kept.size[1] <= 200
    logo = client.get(f"/organisations/{org.id}/logo.png")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    landing = app.test_client().get("/").get_data(as_text=True)
    assert f"/organisations/{org.id}/logo.png" in landing and "Lyon Métropole Habitat" in landing
    actions = set(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_type == "organisation", AuditEntry.subject_id == str(org.id))))
    assert actions == {"organisation.created", "organisation.logo_set"}


def test_a_file_that_is_not_an_image_is_refused_at_its_field_and_nothing_is_lost(app):
    client = _admin(app)
    data = _form(name="Est Métropole Habitat",
                 logo=(io.BytesIO(b"%PDF-1.4 not a picture"), "logo.png"))
    response = client.post("/admin/organisations/nouvelle", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = text(response)
    assert "n'est pas une image" in page
    assert 'value="Est Métropole Habitat"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Organisation).where(
        Organisation.name == "Est Métropole Habitat")) is None


def test_a_logo_too_heavy_is_refused(app):
    client = _admin(app)
    heavy = _picture() + b"\0" * (2 * 1024 * 1024)
    response = client.post("/admin/organisations/nouvelle",
                           data=_form(name="Dynacité", logo=(io.BytesIO(heavy), "logo.png")),
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "trop lourd" in text(response)


def test_a_duplicate_name_and_a_bad_address_are_told_at_their_fields(app):
    OrganisationFactory(name="Alliade Habitat")
    client = _admin(app)
    response = client.post("/admin/organisations/nouvelle", data=_form(name="alliade habitat"))
    assert response.status_code == 422 and "Une organisation porte déjà ce nom" in text(response)
    response = client.post("/admin/organisations/nouvelle",
                           data=_form(name="Vilogia", website="vilogia"))
    assert response.status_code == 422 and "http://" in text(response)
    response = client.post("/admin/organisations/nouvelle", data=_form(kind="wizard"))
    assert response.status_code == 422


def test_editing_archiving_and_restoring_keep_the_organisation_and_its_people(app):
    org = OrganisationFactory(name="Grand Lyon Habitat")
    member = MemberFactory(organisation=org)
    client = _admin(app)
    response = client.post(f"/admin/organisations/{org.id}/modifier",
                           data=_form(name="Grand Lyon Habitat", kind="financer",
                                      short_name="GLH"))
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.kind == OrganisationKind.FINANCER and org.short_name == "GLH"
    page = text(client.get(f"/admin/organisations/{org.id}"))
    assert member.email in page  # its representatives
    assert client.post(f"/admin/organisations/{org.id}/archiver").status_code == 302
    db.session.refresh(org)
    assert not org.active and org.archived_at is not None
    assert "Grand Lyon Habitat" not in text(app.test_client().get("/"))
    assert db.session.get(type(member), member.id).organisation_id == org.id
    assert client.post(f"/admin/organisations/{org.id}/restaurer").status_code == 302
    db.session.refresh(org)
    assert org.active


def test_only_admins_manage_organisations(app):
    org = OrganisationFactory()
    client = app.test_client()
    login(client, AnimatorFactory())
    assert client.get("/admin/organisations/").status_code == 403
    assert client.post(f"/admin/organisations/{org.id}/archiver").status_code == 403
    assert app.test_client().get(f"/organisations/{org.id}/logo.png").status_code == 404


def test_the_database_holds_the_new_kinds_and_refuses_an_unknown_one(app):
    import pytest
    from sqlalchemy import text as sql
    from sqlalchemy.exc import IntegrityError

    insert = sql("INSERT INTO organisation (name, kind, active, created_at) "
                 "VALUES (:name, :kind, true, CURRENT_TIMESTAMP)")
    for kind in ("landlord", "partner", "financer", "other", "animator"):
        db.session.execute(insert, {"name": f"Org {kind}", "kind": kind})
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(insert, {"name": "Org dragon", "kind": "dragon"})
