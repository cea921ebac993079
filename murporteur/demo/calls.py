"""Demo calls and needs: two open calls (one with three extra questions), one closed with
answers, and a need posted by a landlord and approved by the animators. Written through the
calls' own rules (writing, questions, approval, answers)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from murporteur.accounts.models import OrganisationKind
from murporteur.calls import services
from murporteur.calls.models import CallKind, QuestionKind
from murporteur.core.timeutil import to_paris
from murporteur.extensions import db
from murporteur.submissions.models import Dossier


def _question(call, author, kind, fr, en, required, choices=()):
    return services.add_question(call, author, services.QuestionData(
        kind, fr, en, required, [{"fr": f, "en": e} for f, e in choices]))


def seed_calls(animator, members, now: datetime) -> list:
    today = to_paris(now).date()
    landlord_members = [m for m in members
                        if m.organisation and m.organisation.kind == OrganisationKind.LANDLORD]
    landlord = landlord_members[0] if landlord_members else None
    premises = services.create_call(
        animator, [landlord.organisation_id] if landlord else [], kind=CallKind.CALL,
        title="Occupation temporaire d'un rez-de-chaussée à Vaulx-en-Velin",
        body="Un local de 85 m² au pied de la résidence du Mas du Taureau attend un projet "
             "utile aux habitants pour deux ans, loyer symbolique.\n\nLes projets ouverts en "
             "soirée et portés avec les locataires sont attendus.",
        neighbourhoods="Mas du Taureau, Vaulx-en-Velin", qpv=True,
        themes=["social_link", "food"], offers=["premises"], envelope_cents=None,
        premises="12 avenue Gabriel-Péri, 69120 Vaulx-en-Velin",
        opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=24))
    _question(premises, animator, QuestionKind.NUMBER, "Surface dont vous avez besoin (m²)",
              "Floor space you need (m²)", True)
    _question(premises, animator, QuestionKind.SINGLE, "Ouvrirez-vous en soirée ?",
              "Will you open in the evening?", True,
              [("Oui, plusieurs soirs par semaine", "Yes, several evenings a week"),
               ("Parfois", "Sometimes"), ("Non", "No")])
    _question(premises, animator, QuestionKind.DATE, "Date d'installation souhaitée",
              "Wished moving-in date", False)
    services.transition(premises, "publish", animator)

    food = services.create_call(
        animator, [], kind=CallKind.CALL,
        title="Alimentation durable au pied des immeubles",
        body="Épiceries solidaires, cuisines partagées, paniers de producteurs : un appel à "
             "projets pour une alimentation de qualité accessible aux locataires.",
        neighbourhoods="Métropole de Lyon", qpv=False, themes=["food"],
        offers=["financing", "pilot"], envelope_cents=3_000_000, premises="",
        opens_on=today - timedelta(days=3), closes_on=today + timedelta(days=45))
    services.transition(food, "publish", animator)

    reuse = services.create_call(
        animator, [], kind=CallKind.CALL, title="Réemploi et ressourceries de quartier",
        body="Un appel clos : les réponses sont à l'étude.", neighbourhoods="", qpv=True,
        themes=["reuse"], offers=["order", "financing"], envelope_cents=2_000_000,
        premises="", opens_on=today - timedelta(days=90), closes_on=today - timedelta(days=20))
    staff = _question(reuse, animator, QuestionKind.NUMBER, "Nombre de salariés en insertion",
                      "Number of employees in integration", True)
    services.transition(reuse, "publish", animator)
    answered = db.session.scalars(select(Dossier).where(Dossier.state != "draft")
                                  .order_by(Dossier.submitted_at.desc()).limit(3)).all()
    for count, dossier in enumerate(answered, start=2):
        services.save_response(reuse, dossier, {staff.id: count * 2}, {})

    calls = [premises, food, reuse]
    if landlord is not None:
        need = services.create_call(
            landlord, [], kind=CallKind.NEED,
            title="Entretien des espaces verts : une régie de quartier recherchée",
            body="Nous cherchons une structure d'insertion pour l'entretien des espaces verts "
                 "de trois résidences, avec des habitants du quartier.",
            neighbourhoods="La Duchère, Lyon 9e", qpv=True, themes=["inclusion"],
            offers=["order"], envelope_cents=None, premises="",
            opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30))
        services.transition(need, "ask_approval", landlord)
        services.transition(need, "publish", animator)
        calls.append(need)
    return calls
