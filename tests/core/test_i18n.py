"""Translations kept for the request (``core/i18n.py``): the text is always the one of the
language in force at that moment — a mail in the recipient's language in the middle of a
French page, a language changed during the request — in Python and in templates alike."""

from flask import render_template_string
from flask_babel import force_locale, gettext, refresh
from markupsafe import Markup

FR = "Connectez-vous pour accéder à cette page."
EN = "Sign in to access this page."


def _page(text: str = FR, **variables) -> str:
    return render_template_string("{{ _(text, **variables) }}", text=text, variables=variables)


def test_a_mail_in_another_language_in_the_middle_of_a_page(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert gettext(FR) == FR
        assert _page() == FR
        with force_locale("en"):  # as the outbox renders an English recipient's mail
            assert gettext(FR) == EN
            assert _page() == EN
        # Back to the page's language for the rest of it.
        assert gettext(FR) == FR
        assert _page() == FR


def test_an_english_page_stays_english_after_a_french_mail(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert _page() == EN
        with force_locale("fr"):
            assert _page() == FR
        assert _page() == EN
        assert gettext(FR) == EN


def test_a_language_changed_during_the_request_is_followed(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert gettext(FR) == FR
        from flask import session

        session["locale"] = "en"  # what /langue records
        refresh()  # Flask-Babel's way to choose the language again
        assert gettext(FR) == EN
        assert _page() == EN


def test_texts_are_formatted_as_before(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        # New-style gettext: a text is a format string even without variables.
        assert _page("100 %% des loyers") == "100 % des loyers"
        assert _page("Sans pourcentage") == "Sans pourcentage"
        # Variables are escaped; the translated text itself is not.
        assert _page("Bonjour %(name)s", name="<b>Léa</b>") == \
            "Bonjour &lt;b&gt;Léa&lt;/b&gt;"
        assert render_template_string("{{ _('<abbr>CRESS</abbr>') }}") == \
            "<abbr>CRESS</abbr>"
        assert isinstance(gettext("Sans pourcentage"), str)
        assert not isinstance(gettext("Sans pourcentage"), Markup)


def test_plural_and_context_forms_still_translate(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        out = render_template_string(
            "{{ ngettext('%(num)d dossier', '%(num)d dossiers', 3) }}|"
            "{% trans count=1 %}{{ count }} élément{% pluralize %}{{ count }} éléments"
            "{% endtrans %}")
        assert out == "3 dossiers|1 élément"
