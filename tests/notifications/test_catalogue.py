"""One catalogue declares every notification; each renders in French and in English, and
admins preview it with its example."""

import re
from pathlib import Path

import pytest

from murporteur.notifications import delivery, services
from murporteur.notifications.catalogue import CATALOGUE, KINDS, NOTIFICATIONS, UnknownNotification
from murporteur.notifications.examples import EXAMPLES
from tests.conftest import login
from tests.factories import AdminFactory, AnimatorFactory, HolderFactory, MemberFactory
from tests.helpers import text

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates" / "notifications"
#: templates of the notifications domain that are pages or shared parts, not notifications
NOT_NOTIFICATIONS = {"_layout", "committee_parts", "in_app", "outbox", "outbox_message",
                     "preferences", "catalogue", "preview", "flash_parts"}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_entry_renders_in_french_and_in_english(app, key):
    example = CATALOGUE[key].example
    french = delivery.render_notification(key, example, "fr")
    english = delivery.render_notification(key, example, "en")
    for subject, body, html in (french, english):
        assert subject and body.strip() and "<html" in html
        for part in (subject, body, html):
            assert "{{" not in part and "{%" not in part and "None" not in part
        assert app.config["CONTACT_EMAIL"] in body  # the collective's signature
    assert french[0] != english[0], "the English subject is the French one"
    assert "Bonjour" not in english[1] and "Hello" not in french[1]


def test_every_entry_has_one_example_and_every_example_an_entry():
    assert set(EXAMPLES) == set(CATALOGUE)


def test_the_catalogue_and_the_templates_match():
    keys = {p.name.split(".")[0] for p in TEMPLATES.iterdir()} - NOT_NOTIFICATIONS
    assert keys == set(CATALOGUE)
    for key in CATALOGUE:
        for suffix in ("subject.txt", "txt", "html"):
            assert (TEMPLATES / f"{key}.{suffix}").exists(), f"{key}.{suffix}"


def test_every_key_the_code_queues_is_declared_and_others_are_refused(app):
    source = "\n".join(p.read_text() for p in (ROOT / "murporteur").rglob("*.py"))
    literal = set(re.findall(r'''queue\(\s*["']([a-z_]+)["']''', source))
    assert literal and literal <= set(CATALOGUE)
    with pytest.raises(UnknownNotification):
        services.queue("carrier_pigeon", "someone@example.org", {}, idempotency_key="x")


def test_every_entry_says_who_when_and_how():
    for n in NOTIFICATIONS:
        assert str(n.recipients) and str(n.trigger) and n.roles and n.channels
        assert n.kind is None or n.kind in KINDS
        assert n.kind is None or set(n.roles) & set(KINDS[n.kind].roles)


def test_admins_see_the_catalogue_and_preview_each_entry_in_both_languages(client):
    login(client, AdminFactory())
    catalogue = text(client.get("/admin/notifications/"))
    assert all(key in catalogue for key in CATALOGUE)
    assert "Toujours envoyée" in catalogue and "Rappels (appels prévus)" in catalogue
    page = text(client.get("/admin/notifications/dossier_receipt"))
    assert "Votre idée MP-2026-0042 est bien reçue" in page or "MP-2026-0042" in page
    assert "En français" in page and "En anglais" in page
    french, english = (delivery.render_notification(
        "dossier_receipt", CATALOGUE["dossier_receipt"].example, lang)[0] for lang in ("fr", "en"))
    assert french in page and english in page
    html = client.get("/admin/notifications/dossier_receipt/en.html")
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert "MP-2026-0042" in html.get_data(as_text=True)
    # Its inline styles apply, in a sandbox that runs nothing.
    policy = html.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "sandbox" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert client.get("/admin/notifications/carrier_pigeon").status_code == 404
    assert client.get("/admin/notifications/dossier_receipt/de.html").status_code == 404


@pytest.mark.parametrize("factory", [AnimatorFactory, MemberFactory, HolderFactory])
def test_only_admins_preview(client, factory):
    user = factory(password_hash=AnimatorFactory().password_hash)
    login(client, user)
    assert client.get("/admin/notifications/").status_code == 403
    assert client.get("/admin/notifications/dossier_receipt").status_code == 403
