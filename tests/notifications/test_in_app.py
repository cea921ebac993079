"""The bell: every notification a logged-in user would get also shows in the app."""

from murporteur.extensions import db
from murporteur.notifications.models import InAppNotification
from murporteur.submissions.services import post_message
from tests.conftest import login
from tests.factories import AnimatorFactory, HolderFactory, submitted_dossier
from tests.helpers import text


def test_the_bell_counts_unread_notifications_and_leads_to_them(animator_client, animator):
    dossier = submitted_dossier(title="Café solidaire")
    page = text(animator_client.get("/instruction/"))
    assert "Notifications 1 non lue(s)" in page
    listing = text(animator_client.get("/notifications"))
    assert f"Nouveau dossier {dossier.number} : Café solidaire" in listing
    entry = db.session.query(InAppNotification).filter_by(user_id=animator.id).one()
    response = animator_client.post(f"/notifications/{entry.id}/lu")
    assert response.headers["Location"] == f"/instruction/dossiers/{dossier.number}"
    assert "non lue" not in text(animator_client.get("/instruction/"))


def test_holders_are_led_to_their_dossier_page_never_to_a_login_link(app):
    animator = AnimatorFactory()
    dossier = submitted_dossier()
    holder = dossier.holder
    holder.password_hash = animator.password_hash
    post_message(dossier, animator, "Quand pouvons-nous vous appeler ?")
    client = app.test_client()
    login(client, holder)
    entry = db.session.query(InAppNotification).filter_by(
        user_id=holder.id, key="message_for_holder").one()
    assert entry.url == f"/mes-dossiers/{dossier.public_id}"
    assert "/lien/" not in (entry.url or "")
    response = client.post(f"/notifications/{entry.id}/lu")
    assert response.headers["Location"] == f"/mes-dossiers/{dossier.public_id}"


def test_all_can_be_marked_read_and_nobody_opens_anothers(app, animator_client, animator):
    submitted_dossier()
    submitted_dossier()
    response = animator_client.post("/notifications/tout-lu")
    assert "2 notification(s) marquée(s) comme lue(s)." in text(
        animator_client.get(response.headers["Location"]))
    other = HolderFactory(password_hash=animator.password_hash)
    client = app.test_client()
    login(client, other)
    entry = db.session.query(InAppNotification).filter_by(user_id=animator.id).first()
    assert client.post(f"/notifications/{entry.id}/lu").status_code == 404
    assert client.get("/notifications").status_code == 200
    assert app.test_client().get("/notifications").status_code == 302
