"""Error pages in the user's language, and domain errors turned into messages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from murporteur.core.urls import same_site_referrer


def _page(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title,
                           message=message, back=same_site_referrer()), status


def register(app: Flask) -> None:
    @app.errorhandler(403)
    def forbidden(_e):
        return _page(403, _("Accès refusé"),
                     _("Vous n'avez pas accès à cette page avec ce compte."))

    @app.errorhandler(404)
    def not_found(_e):
        return _page(404, _("Page introuvable"),
                     _("Cette page n'existe pas ou plus, ou vous n'y avez pas accès."))

    @app.errorhandler(405)
    def not_allowed(e):
        body, status = _page(405, _("Action impossible"),
                             _("Cette adresse ne s'utilise pas ainsi."))
        return body, status, {"Allow": ", ".join(sorted(getattr(e, "valid_methods", None)
                                                        or ["GET", "HEAD", "OPTIONS"]))}

    @app.errorhandler(413)
    def too_large(_e):
        return _page(413, _("Envoi trop volumineux"),
                     _("L'ensemble de vos fichiers dépasse la taille permise (5 fichiers de "
                       "10 Mo au plus). Revenez à la page précédente : vos réponses y sont "
                       "encore ; retirez ou allégez un fichier, puis envoyez de nouveau."))

    @app.errorhandler(400)
    def bad_request(_e):
        return _page(400, _("Envoi illisible"),
                     _("Votre envoi contient des caractères ou une forme que nous ne pouvons "
                       "pas lire, et rien n'a été enregistré. Revenez à la page précédente : "
                       "vos réponses y sont encore ; vérifiez-les puis envoyez de nouveau."))

    @app.errorhandler(429)
    def too_many_requests(_e):
        return _page(429, _("Trop de tentatives"),
                     _("Vous avez fait beaucoup de demandes en peu de temps : pour protéger "
                       "les comptes et le formulaire, patientez quelques minutes avant de "
                       "réessayer. Revenez à la page précédente : ce que vous aviez saisi y "
                       "est encore."))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return _page(400, _("Formulaire expiré"),
                     _("Pour votre sécurité, ce formulaire a expiré. Revenez à la page "
                       "précédente, rechargez-la puis envoyez de nouveau."))

    @app.errorhandler(500)
    def server_error(_e):
        from murporteur.extensions import db

        db.session.rollback()
        return _page(500, _("Erreur du serveur"),
                     _("Une erreur inattendue s'est produite ; rien n'a été enregistré. "
                       "L'équipe technique est prévenue. Réessayez dans un instant."))
