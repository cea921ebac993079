"""Every notification Mur porteur sends, declared once.

An entry says who receives it and when, by which channels and whether its recipient may hold
it back (its preference kind); its example context, used by the admins' previews and by the
test that renders every entry in French and in English, is in ``examples.py``. Its texts are
the templates ``templates/notifications/<key>.subject.txt``, ``<key>.txt`` and ``<key>.html``,
written with gettext: one template, both languages. ``queue`` refuses a key that is not here.

Kinds group what a person may switch to a daily digest or off; notifications without a kind
(receipts, decisions, links to log in, invitations) always leave at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from murporteur.accounts.models import Role
from murporteur.notifications.examples import EXAMPLES

EMAIL, IN_APP = "email", "in_app"
ANYONE = (Role.HOLDER, Role.ANIMATOR, Role.MEMBER, Role.ADMIN)


@dataclass(frozen=True)
class Kind:
    """A kind of event a person chooses how to hear about."""

    label: object
    roles: tuple[Role, ...]
    #: what may be chosen; holders cannot switch off what the team writes to them
    modes: tuple[str, ...] = ("immediate", "digest", "none")


@dataclass(frozen=True)
class Notification:
    key: str
    recipients: object  # who receives it, in words (the receivers apply the rule)
    trigger: object  # when it leaves
    roles: tuple[Role, ...]  # whose accounts it reaches (an address alone: the holder's)
    kind: str | None = None  # the preference kind; None: always sent at once
    channels: tuple[str, ...] = (EMAIL, IN_APP)
    attachment: object = None  # what it carries, in words, when it carries a file

    @property
    def example(self) -> dict:
        """The context its previews and tests render it with (``examples.py``)."""
        return EXAMPLES[self.key]


KINDS: dict[str, Kind] = {
    "new_dossier": Kind(_l("Nouveaux dossiers et retraits"), (Role.ANIMATOR,)),
    "holder_reply": Kind(_l("Réponses et messages des porteurs"), (Role.ANIMATOR,)),
    "reminders": Kind(_l("Rappels (appels prévus)"), (Role.ANIMATOR,)),
    "committee_reminders": Kind(_l("Rappels avant les comités (positions attendues)"),
                                (Role.MEMBER, Role.ANIMATOR)),
    "crossed": Kind(_l("Projets qui cherchent un second soutien (synthèse trimestrielle)"),
                    (Role.MEMBER,)),
    "conventions": Kind(_l("Suivi des conventions (signatures, versements, échéances)"),
                        (Role.MEMBER, Role.ANIMATOR)),
    "call_answers": Kind(_l("Réponses aux appels et besoins de mon organisation"),
                         (Role.MEMBER,)),
    "team_messages": Kind(_l("Messages de l'équipe d'animation sur mes dossiers"),
                          (Role.HOLDER,), modes=("immediate", "digest")),
}

_HOLDER, _STAFF, _MEMBERS = (Role.HOLDER,), (Role.ANIMATOR,), (Role.MEMBER,)

NOTIFICATIONS: tuple[Notification, ...] = (
    # The holder's journey.
    Notification(
        "draft_resume_link", _l("La personne qui a enregistré un brouillon"),
        _l("Quand un brouillon d'idée est enregistré pour la première fois"), _HOLDER,
        channels=(EMAIL,)),
    Notification(
        "login_link", _l("La personne qui demande son lien"),
        _l("Quand quelqu'un demande un lien pour retrouver ses dossiers"), ANYONE,
        channels=(EMAIL,)),
    Notification(
        "dossier_receipt", _l("Le porteur du dossier"), _l("Quand une idée est envoyée"),
        _HOLDER),
    Notification(
        "dossier_state_changed", _l("Le porteur du dossier"),
        _l("Quand son dossier change d'état (étude, demande d'informations, décision…)"),
        _HOLDER),
    Notification(
        "answer_reminder", _l("Le porteur du dossier"),
        _l("Une semaine après une demande d'informations restée sans réponse, à 9 h"), _HOLDER),
    Notification(
        "dossier_redirected", _l("Le porteur du dossier"),
        _l("Quand son dossier est orienté vers une autre structure"), _HOLDER),
    Notification(
        "dossier_withdrawn_receipt", _l("Le porteur du dossier"),
        _l("Quand il retire son dossier"), _HOLDER),
    Notification(
        "message_for_holder", _l("Le porteur du dossier"),
        _l("Quand l'équipe d'animation lui écrit"), _HOLDER, kind="team_messages"),
    # The animators' workspace.
    Notification(
        "dossier_new_for_staff", _l("Chaque animateur ou animatrice active"),
        _l("Quand une idée est envoyée"), _STAFF, kind="new_dossier"),
    Notification(
        "dossier_withdrawn_for_staff", _l("Qui suit le dossier, sinon toute l'équipe"),
        _l("Quand un porteur retire son dossier"), _STAFF, kind="new_dossier"),
    Notification(
        "message_for_staff", _l("Qui suit le dossier, sinon toute l'équipe"),
        _l("Quand un porteur écrit sur son dossier"), _STAFF, kind="holder_reply"),
    Notification(
        "info_answered_for_staff", _l("Qui suit le dossier, sinon toute l'équipe"),
        _l("Quand un porteur répond à une demande d'informations"), _STAFF, kind="holder_reply"),
    Notification(
        "call_reminder", _l("L'animateur ou l'animatrice qui a prévu l'appel"),
        _l("Chaque matin à 7 h 30, pour les appels prévus dans la journée"), _STAFF,
        kind="reminders"),
    # The committee.
    Notification(
        "committee_invitation", _l("Les membres des organisations du collectif"),
        _l("Quand une séance est convoquée"), _MEMBERS,
        attachment=_l("L'invitation au format .ics")),
    Notification(
        "committee_holder_slot", _l("Le porteur de chaque dossier à l'ordre du jour"),
        _l("Quand une séance est convoquée, ou que son passage change"), _HOLDER,
        attachment=_l("Son passage au format .ics")),
    Notification(
        "committee_schedule_changed", _l("Les membres, et les porteurs à l'ordre du jour"),
        _l("Quand la date, l'heure ou le lieu d'une séance convoquée change"),
        _MEMBERS + _HOLDER, attachment=_l("L'invitation mise à jour (.ics)")),
    Notification(
        "committee_item_removed", _l("Le porteur du dossier retiré de l'ordre du jour"),
        _l("Quand un dossier est retiré d'une séance convoquée"), _HOLDER),
    Notification(
        "committee_position_reminder",
        _l("Les membres d'une organisation qui n'a pas donné toutes ses positions"),
        _l("Trois jours avant la séance, à 8 h 15"), _MEMBERS, kind="committee_reminders"),
    Notification(
        "committee_missing_positions", _l("Les animateurs et animatrices"),
        _l("La veille de la séance, à 17 h, s'il manque des positions"), _STAFF,
        kind="committee_reminders"),
    Notification(
        "committee_decision", _l("Le porteur du dossier"),
        _l("Quand les décisions d'une séance sont publiées"), _HOLDER),
    Notification(
        "committee_minutes", _l("Les membres des organisations du collectif"),
        _l("Quand le compte rendu d'une séance est publié"), _MEMBERS,
        attachment=_l("Le compte rendu en PDF")),
    # Conventions.
    Notification(
        "convention_to_sign", _l("Les membres de l'organisation signataire"),
        _l("Quand une convention leur est envoyée pour signature"), _MEMBERS),
    # Issue 18 (sign): signing a convention in the application.
    Notification(
        "convention_signature_requested", _l("Chaque signataire d'un document de convention"),
        _l("Quand un document est envoyé pour signature, ou une signature déléguée"),
        _HOLDER + _MEMBERS),
    Notification(
        "convention_signature_delegated",
        _l("La personne à qui le ou la signataire d'une organisation délègue sa signature"),
        _l("Quand une signature lui est déléguée"), _MEMBERS + _STAFF),
    Notification(
        "convention_signature_delegation_withdrawn",
        _l("La personne à qui une signature avait été déléguée"),
        _l("Quand la délégation est reprise, ou la signature confiée au nouveau ou à la "
           "nouvelle signataire de l'organisation"), _MEMBERS + _STAFF),
    Notification(
        "convention_signature_code", _l("Le signataire qui demande un code"),
        _l("Quand un signataire demande son code à usage unique"), _HOLDER + _MEMBERS,
        channels=(EMAIL,)),
    Notification(
        "convention_signature_cancelled", _l("Chaque signataire d'un document de convention"),
        _l("Quand la convention est modifiée après l'envoi du document"), _HOLDER + _MEMBERS),
    Notification(
        "convention_signed_for_staff", _l("Qui suit le dossier, sinon toute l'équipe"),
        _l("Quand une organisation signe une convention"), _STAFF, kind="conventions"),
    Notification(
        "convention_terminated_for_staff", _l("Qui suit le dossier, sinon toute l'équipe"),
        _l("Quand une convention est résiliée"), _STAFF, kind="conventions"),
    Notification(
        "convention_payment_due", _l("Les membres de l'organisation, et l'équipe d'animation"),
        _l("Une semaine avant un versement prévu, à 7 h 45"), _MEMBERS + _STAFF,
        kind="conventions"),
    Notification(
        "convention_payment_overdue",
        _l("Les membres de l'organisation, et l'équipe d'animation"),
        _l("Le lendemain d'un versement prévu et non noté comme fait, à 7 h 45"),
        _MEMBERS + _STAFF, kind="conventions"),
    Notification(
        "convention_ending", _l("Les membres de l'organisation, et l'équipe d'animation"),
        _l("Un mois avant la fin d'une convention, à 7 h 45"), _MEMBERS + _STAFF,
        kind="conventions"),
    # Calls and needs (calls/notifications.py, calls/tasks.py).
    Notification(
        "call_new_answer", _l("Les membres des organisations qui portent l'appel ou le besoin"),
        _l("Quand une idée répondant à l'appel est envoyée"), _MEMBERS, kind="call_answers"),
    Notification(
        "call_approval_asked", _l("L'équipe d'animation"),
        _l("Quand un membre demande la publication d'un appel ou d'un besoin"), _STAFF,
        kind="new_dossier"),
    Notification(
        "call_closing_reminder", _l("La personne dont le brouillon répond à l'appel"),
        _l("Trois jours avant la clôture d'un appel, à 9 h 30"), _HOLDER, channels=(EMAIL,)),
    Notification(
        "convention_report_due", _l("Le porteur du projet"),
        _l("Une semaine avant une date de suivi de la convention, à 7 h 50"), _HOLDER),
    Notification(
        "convention_report_overdue", _l("Le porteur du projet"),
        _l("Le lendemain d'une date de suivi sans bilan, puis chaque semaine (3 fois au "
           "plus), à 7 h 50"), _HOLDER),
    Notification(
        "convention_payment_requested",
        _l("Les membres de l'organisation, et l'équipe d'animation"),
        _l("Quand le porteur demande un versement prévu par la convention"),
        _MEMBERS + _STAFF, kind="conventions"),
    Notification(
        "convention_payment_decided", _l("Le porteur du projet"),
        _l("Quand l'organisation approuve ou refuse sa demande de versement"), _HOLDER),
    # Accounts and privacy (their texts belong to the accounts and privacy work).
    Notification(
        "password_reset", _l("La personne qui demande à changer son mot de passe"),
        _l("Quand quelqu'un demande un nouveau mot de passe"), ANYONE, channels=(EMAIL,)),
    Notification(
        "draft_expiry_warning", _l("La personne qui a enregistré le brouillon"),
        _l("Deux semaines avant la suppression d'un brouillon laissé de côté"), _HOLDER,
        channels=(EMAIL,)),
    Notification(
        "document_infected", _l("La personne qui a envoyé le fichier"),
        _l("Quand l'analyse antivirus d'un fichier envoyé le met en quarantaine"),
        (Role.HOLDER, Role.ANIMATOR, Role.MEMBER)),
    # The collective's people (issue 15).
    Notification(
        "invitation", _l("La personne invitée par l'équipe"),
        _l("Quand un·e admin ou un·e animateur·rice invite une personne, ou renvoie son "
           "invitation"), (Role.ANIMATOR, Role.MEMBER, Role.ADMIN), channels=(EMAIL,)),
    Notification(
        "invitation_renewal_asked", _l("Qui a envoyé l'invitation (à défaut, les admins)"),
        _l("Quand une personne dont l'invitation a expiré ou a été retirée en demande une "
           "nouvelle"), (Role.ANIMATOR, Role.ADMIN), channels=(EMAIL,)),
    # Slow work done in the background (issue 17): the bell tells whoever asked for it.
    Notification(
        "committee_minutes_ready", _l("L'animateur ou l'animatrice qui publie le compte rendu"),
        _l("Quand le compte rendu d'une séance est mis en page et publié"), _STAFF,
        channels=(IN_APP,)),
    Notification(
        "committee_convocations_sent", _l("L'animateur ou l'animatrice qui convoque la séance"),
        _l("Quand toutes les convocations d'une séance sont écrites et partent"), _STAFF,
        channels=(IN_APP,)),
    Notification(
        "yearly_report_ready", _l("L'animateur ou l'animatrice qui demande le rapport annuel"),
        _l("Quand le rapport annuel (PDF) est prêt à télécharger"), _STAFF, channels=(IN_APP,)),
    Notification(
        "flash_tables_ready", _l("L'animateur ou l'animatrice qui demande les feuilles des tables"),
        _l("Quand les feuilles des tables d'une rencontre flash (PDF) sont prêtes"), _STAFF,
        channels=(IN_APP,)),
    # The digest gathers what its recipient held back.
    Notification(
        "digest", _l("Qui a choisi le résumé quotidien pour au moins un type d'événement"),
        _l("Chaque matin à 8 h, s'il y a du nouveau"), ANYONE, channels=(EMAIL,)),
    Notification(
        "committee_crossed_digest",
        _l("Les membres, quand des projets n'ont qu'une organisation en soutien"),
        _l("Le premier jour de chaque trimestre, à 8 h 30"), _MEMBERS, kind="crossed"),
    # Flash meetings (murporteur/meetings): sent to the address the participant gave.
    Notification(
        "flash_invitation", _l("Chaque participant d'une rencontre flash"),
        _l("Quand une personne est inscrite à une rencontre flash"), ANYONE, channels=(EMAIL,)),
    Notification(
        "flash_agenda", _l("Chaque participant d'une rencontre flash"),
        _l("Quand les agendas de la rencontre sont envoyés"), ANYONE,
        channels=(EMAIL,), attachment=_l("Son agenda au format .ics")),
    Notification(
        "flash_agenda_changed", _l("Les deux participants d'un rendez-vous changé"),
        _l("Quand un rendez-vous est ajouté, déplacé ou retiré après l'envoi des agendas"),
        ANYONE, channels=(EMAIL,), attachment=_l("Son agenda mis à jour (.ics)")),
    Notification(
        "flash_event_cancelled", _l("Chaque participant d'une rencontre flash"),
        _l("Quand la rencontre est annulée"), ANYONE, channels=(EMAIL,)),
)

CATALOGUE: dict[str, Notification] = {n.key: n for n in NOTIFICATIONS}

#: kind -> (what the person reads, the notification keys of that kind)
PREFERENCE_KINDS: dict[str, tuple[object, tuple[str, ...]]] = {
    kind: (spec.label, tuple(n.key for n in NOTIFICATIONS if n.kind == kind))
    for kind, spec in KINDS.items()}

KIND_OF_KEY = {n.key: n.kind for n in NOTIFICATIONS if n.kind}


class UnknownNotification(KeyError):
    """A notification key missing from the catalogue."""


def entry(key: str) -> Notification:
    try:
        return CATALOGUE[key]
    except KeyError:
        raise UnknownNotification(
            f"{key!r} is not in murporteur/notifications/catalogue.py") from None


def kinds_for(role: Role) -> dict[str, Kind]:
    """The kinds a person of ``role`` may choose for, in the catalogue's order."""
    return {kind: spec for kind, spec in KINDS.items() if role in spec.roles}


def always_sent_for(role: Role) -> list[Notification]:
    """What reaches a person of ``role`` whatever they choose."""
    return [n for n in NOTIFICATIONS if n.kind is None and role in n.roles]
