"""Who sees which document (issue 13, finding 1): one landlord's signed convention is seen by
that landlord's members, the animators and the holder — never by another organisation's
members, although they see the dossier on the same agenda — on the pages, the download, the
API and the holder's export; the holder's own files and the thread's keep their readers."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from sqlalchemy import select

from murporteur.api import services as api
from murporteur.committee.models import AgendaItem
from murporteur.conventions import services as conventions
from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from murporteur.submissions import policies
from murporteur.submissions.models import Document, DocumentKind
from murporteur.submissions.services import post_message
from murporteur.submissions.uploads import store
from tests import files
from tests.conftest import login
from tests.conventions.test_services import supported_project
from tests.factories import _HASH, AdminFactory, MemberFactory
from tests.helpers import text

LYON, EST = "Lyon Métropole Habitat", "Est Métropole Habitat"


@pytest.fixture
def project(app, animator):
    """A project supported by three landlords, with a file of its holder, a file of the
    thread, and Lyon's convention signed and its signed copy uploaded by Lyon's member
    through the page."""
    dossier, _organisations, members = supported_project(animator)
    holder = dossier.holder
    holder.password_hash = _HASH
    created = {c.organisation.name: c
               for c in conventions.create_conventions(dossier, animator)}
    lyon = created[LYON]
    apply_transition(lyon, "send_for_signature", animator)
    budget = store(files.upload_storage(files.pdf("Budget"), "budget.pdf"),
                   dossier_id=dossier.id, uploaded_by_id=holder.id)
    attachment = store(files.upload_storage(files.pdf("Devis"), "devis.pdf"),
                       uploaded_by_id=animator.id, kind=DocumentKind.MESSAGE)
    post_message(dossier, animator, "Voici le devis.", [attachment])
    db.session.commit()
    lyon_client = client_of(app, members[LYON])
    response = lyon_client.post(f"/conventions/{lyon.id}/copie-signee", data={
        "document": files.upload(files.pdf("Convention signée"), "convention-LMH.pdf")})
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.dossier_id == dossier.id))
    return {"dossier": dossier, "holder": holder, "members": members, "lyon": lyon,
            "signed": lyon.signed_document, "budget": budget, "attachment": attachment,
            "item": item, "lyon_client": lyon_client}


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


def item_page(project) -> str:
    item = project["item"]
    return f"/comite/seances/{item.session_id}/points/{item.id}"


def test_the_signed_copy_is_a_document_of_its_convention(project):
    signed = project["signed"]
    assert signed.kind == DocumentKind.CONVENTION
    assert signed.convention_id == project["lyon"].id
    assert signed.organisation_id == project["lyon"].organisation_id


def test_another_landlords_member_cannot_download_the_signed_convention(app, project):
    est = client_of(app, project["members"][EST])
    response = est.get(f"/documents/{project['signed'].public_id}")
    assert response.status_code == 404
    assert b"%PDF" not in response.data
    # The dossier itself stays theirs to read: its holder's file still downloads.
    assert est.get(f"/documents/{project['budget'].public_id}").status_code == 200
    # And the convention's page agrees.
    assert est.get(f"/conventions/{project['lyon'].id}").status_code == 404


def test_another_landlords_member_does_not_see_it_on_the_agenda_item(app, project):
    est = client_of(app, project["members"][EST])
    shown = est.get(item_page(project))
    assert shown.status_code == 200
    assert "budget.pdf" in text(shown)
    assert "convention-LMH.pdf" not in text(shown)
    assert project["signed"].public_id not in shown.get_data(as_text=True)


def test_the_landlords_own_member_sees_and_downloads_it(project):
    lyon = project["lyon_client"]
    shown = lyon.get(item_page(project))
    assert "convention-LMH.pdf" in text(shown)
    download = lyon.get(f"/documents/{project['signed'].public_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_animators_see_and_download_it(project, animator_client):
    shown = animator_client.get(f"/instruction/dossiers/{project['dossier'].number}")
    assert shown.status_code == 200
    assert "convention-LMH.pdf" in text(shown) and "budget.pdf" in text(shown)
    download = animator_client.get(f"/documents/{project['signed'].public_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_the_holder_sees_and_downloads_it(app, project):
    holder = client_of(app, project["holder"])
    shown = holder.get(f"/mes-dossiers/{project['dossier'].public_id}")
    assert "convention-LMH.pdf" in text(shown)
    download = holder.get(f"/documents/{project['signed'].public_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_an_admin_and_a_visitor_do_not(app, client, project):
    admin = client_of(app, AdminFactory())
    for document in ("signed", "budget", "attachment"):
        path = f"/documents/{project[document].public_id}"
        assert admin.get(path).status_code == 404, document
        assert client.get(path).status_code == 404, document


def test_the_threads_files_are_for_the_holder_and_the_animators(app, project,
                                                               animator_client):
    path = f"/documents/{project['attachment'].public_id}"
    assert animator_client.get(path).status_code == 200
    assert client_of(app, project["holder"]).get(path).status_code == 200
    assert project["lyon_client"].get(path).status_code == 404
    assert "devis.pdf" not in text(project["lyon_client"].get(item_page(project)))


def test_the_api_gives_the_signed_copy_to_its_landlord_only(app, project, animator):
    tokens = {name: api.create_token(user, "tests")[1]
              for name, user in (("lyon", project["members"][LYON]),
                                 ("est", project["members"][EST]), ("animator", animator))}
    db.session.commit()
    client = app.test_client()
    number, signed = project["dossier"].number, project["signed"].public_id

    def get(who, path):
        return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {tokens[who]}"})

    def listed(who):
        response = get(who, f"/dossiers/{number}")
        assert response.status_code == 200
        return {d["name"] for d in response.get_json()["data"]["documents"]}

    assert listed("est") == {"budget.pdf"}
    assert listed("lyon") == {"budget.pdf", "convention-LMH.pdf"}
    assert listed("animator") == {"budget.pdf", "convention-LMH.pdf"}
    in_list = get("est", "/dossiers").get_json()["data"]
    assert [d["name"] for d in in_list[0]["documents"]] == ["budget.pdf"]
    assert get("est", f"/documents/{signed}").status_code == 404
    assert get("est", f"/documents/{signed}").get_json()["error"]["code"] == "not_found"
    download = get("lyon", f"/documents/{signed}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    lyon_conventions = get("lyon", "/conventions").get_json()["data"]
    assert [c["signed_document"]["name"] for c in lyon_conventions] == ["convention-LMH.pdf"]
    assert all(c["signed_document"] is None for c in get("est", "/conventions").get_json()["data"])


def test_the_holders_export_holds_their_files_and_their_signed_convention(app, project):
    holder = client_of(app, project["holder"])
    response = holder.get("/compte/mes-donnees.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("data.json"))
    exported = data["dossiers"][0]
    by_name = {d["name"]: d for d in exported["documents"]}
    assert {name: d["kind"] for name, d in by_name.items()} == {
        "budget.pdf": "holder", "devis.pdf": "message", "convention-LMH.pdf": "convention"}
    assert archive.read(by_name["convention-LMH.pdf"]["file"]) == files.pdf("Convention signée")
    assert archive.read(by_name["budget.pdf"]["file"]) == files.pdf("Budget")
    signed_copies = {c["organisation"]: c["signed_copy"] for c in exported["conventions"]}
    assert signed_copies[LYON] == by_name["convention-LMH.pdf"]["file"]
    assert signed_copies[EST] is None


def test_the_teams_own_files_stay_out_of_the_holders_reach(app, project, animator_client):
    note = store(files.upload_storage(files.pdf("Note"), "note-interne.pdf"),
                 dossier_id=project["dossier"].id, kind=DocumentKind.STAFF)
    db.session.commit()
    path = f"/documents/{note.public_id}"
    assert animator_client.get(path).status_code == 200
    holder = client_of(app, project["holder"])
    assert holder.get(path).status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(holder.get("/compte/mes-donnees.zip").data))
    assert not any("note-interne" in name for name in archive.namelist())


def test_replacing_the_signed_copy_keeps_both_for_the_same_readers(app, project):
    lyon = project["lyon_client"]
    response = lyon.post(f"/conventions/{project['lyon'].id}/copie-signee", data={
        "document": files.upload(files.pdf("Convention v2"), "convention-LMH-v2.pdf")})
    assert response.status_code == 302
    est = client_of(app, project["members"][EST])
    links = re.findall(r'href="/documents/([^"]+)"',
                       lyon.get(item_page(project)).get_data(as_text=True))
    assert len(links) == 3  # the holder's budget and both signed copies
    for public_id in links:
        expected = 200 if public_id == project["budget"].public_id else 404
        assert est.get(f"/documents/{public_id}").status_code == expected


def test_the_rule_and_its_query_always_agree(project, animator):
    """``may_view_document`` and ``visible_documents`` (and the pages' and the API's lists)
    give the same answer for every user and every document."""
    stranger = MemberFactory()
    users = [*project["members"].values(), project["holder"], animator, AdminFactory(),
             stranger]
    staged = store(files.upload_storage(files.pdf("Brouillon"), "brouillon.pdf"),
                   staging_key="k" * 32)
    db.session.flush()
    documents = db.session.scalars(select(Document)).all()
    dossier = project["dossier"]
    for user in users:
        allowed = {d.id for d in documents if policies.may_view_document(user, d)}
        queried = {d.id for d in db.session.scalars(policies.visible_documents(user))}
        assert queried == allowed, user
        listed = [d.id for d in policies.documents_for(user, dossier)]
        assert listed == [d.id for d in db.session.scalars(
            policies.documents_of_dossiers(user, [dossier.id]))], user
    assert policies.may_view_document(None, staged, staging_key="k" * 32)
    assert not policies.may_view_document(None, staged, staging_key="x" * 32)
    assert {d.id for d in db.session.scalars(
        policies.visible_documents(None, staging_key="k" * 32))} == {staged.id}
