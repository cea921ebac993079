"""Translations found once per request and language, not at every call.

Flask-Babel finds its domain, the request's locale and that locale's catalogue again at each
``gettext`` (about 28 µs: a handful of ``g`` proxy lookups and the locale's identifier rebuilt
to key its cache), and a dashboard page translates some 300 strings. Here the catalogue found
by the first call is kept on the request's Babel state beside the locale it was found for; a
later call of the same request reuses it while that locale object is the current one. Anything
that changes the language — ``force_locale`` for a mail, ``flask_babel.refresh()`` — sets
another locale object (or none), so the next call looks the catalogue up again: the result is
always the one Flask-Babel would give.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import flask_babel
from flask import Flask
from flask.globals import _cv_app
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

#: The attribute of Flask-Babel's per-request state where the catalogue is kept.
_KEPT = "murporteur_translations"


def _babel_state():
    """Flask-Babel's per-request namespace (``g._flask_babel``), or None before its first use
    or outside an application context; read without going through the ``g`` proxy."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return None
    return app_context.g.__dict__.get("_flask_babel")


class Domain(flask_babel.Domain):
    """The application's message domain, whose catalogue is looked up once per request and
    locale."""

    def get_translations(self):
        state = _babel_state()
        if state is not None:
            values = state.__dict__
            kept = values.get(_KEPT)
            if kept is not None and kept[0] is self and kept[1] is values.get("babel_locale"):
                return kept[2]
        found = super().get_translations()
        state = _babel_state()  # the first call of a request creates it
        if state is not None:
            locale = state.__dict__.get("babel_locale")
            if locale is not None:
                setattr(state, _KEPT, (self, locale, found))
        return found


class Babel(flask_babel.Babel):
    """Flask-Babel with the domain above; its templates translate through it directly."""

    @cached_property
    def domain_instance(self):
        return Domain(domain=self.domain)

    def init_app(self, app: Flask, *args, **kwargs) -> None:
        super().init_app(app, *args, **kwargs)

        def translations():
            return self.domain_instance.get_translations()

        # The same callables as Flask-Babel's, without its per-call domain lookup.
        app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
            gettext=lambda s: translations().ugettext(s),
            ngettext=lambda s, p, n: translations().ungettext(s, p, n),
            newstyle=True,
            pgettext=lambda c, s: translations().upgettext(c, s),
            npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        )

        @pass_context
        def gettext(__context: Context, __string: str, **variables: Any) -> str:
            """Jinja's new-style ``gettext`` (``jinja2.ext._make_new_gettext``), the most
            called: without its indirections, and without formatting a text that has
            nothing to format (the same result)."""
            text = translations().ugettext(__string)
            if __context.eval_ctx.autoescape:
                text = Markup(text)
            return text % variables if variables or "%" in text else text

        # ``_`` too: Jinja's own goes through a lookup of ``gettext`` at each call.
        app.jinja_env.globals.update(gettext=gettext, _=gettext)
