"""An infected file is reported to the person who sent it: a member's signed convention to
that member (the holder may not even see the file), the holder's own files to the holder."""

from __future__ import annotations

from murporteur.conventions import services as conventions
from murporteur.core.lifecycle import apply_transition
from murporteur.notifications.delivery import render
from tests import files
from tests.conventions.test_services import supported_project
from tests.helpers import outbox
from tests.submissions.clamd_server import EICAR
from tests.submissions.test_scanning import _commit_and_scan, clamd  # noqa: F401

LYON = "Lyon Métropole Habitat"


def test_an_infected_signed_convention_is_reported_to_the_member_who_sent_it(
        app, clamd, animator):  # noqa: F811
    dossier, _organisations, members = supported_project(animator)
    lyon = {c.organisation.name: c
            for c in conventions.create_conventions(dossier, animator)}[LYON]
    apply_transition(lyon, "send_for_signature", animator)
    member = members[LYON]
    upload = files.upload_storage(files.pdf("Signée") + b"%" + EICAR + b"\n", "signee.pdf")
    document = conventions.store_signed_copy(lyon, upload, member)
    _commit_and_scan()
    assert document.scan_status == "infected"
    assert outbox("document_infected", to=dossier.holder.email) == []
    mails = outbox("document_infected", to=member.email)
    assert len(mails) == 1
    _subject, body, _html = render(mails[0])
    assert f"Bonjour {member.full_name}," in body and "« signee.pdf »" in body
    assert dossier.contact_name not in body
