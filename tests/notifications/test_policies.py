"""Who may open a bell entry: the person it was written for, nobody else."""

from flask_login import AnonymousUserMixin

from murporteur.core.policy import can
from murporteur.extensions import db
from murporteur.notifications.models import InAppNotification
from murporteur.notifications.policies import may_open_notification
from tests.conftest import login
from tests.factories import AnimatorFactory, HolderFactory


def _entry(user) -> InAppNotification:
    entry = InAppNotification(user_id=user.id, key="dossier_receipt", subject="Votre idée",
                              url="/mes-dossiers")
    db.session.add(entry)
    db.session.flush()
    return entry


def test_only_its_reader_opens_a_bell_entry(app):
    reader, other = HolderFactory(), AnimatorFactory()
    entry = _entry(reader)
    assert may_open_notification(reader, entry) and can("open_notification", entry, user=reader)
    assert not may_open_notification(other, entry)
    assert not may_open_notification(AnonymousUserMixin(), entry)
    assert not may_open_notification(None, entry)


def test_someone_elses_entry_answers_as_if_it_did_not_exist(app, client):
    reader, other = AnimatorFactory(), AnimatorFactory()
    entry = _entry(reader)
    login(client, other)
    assert client.post(f"/notifications/{entry.id}/lu").status_code == 404
    db.session.expire_all()
    assert db.session.get(InAppNotification, entry.id).read_at is None
