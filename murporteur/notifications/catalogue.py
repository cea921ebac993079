"""Which notifications a person may hold back or switch off, grouped by kind of event.

Every other notification (receipts, decisions, links sent by e-mail) always leaves at once.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: kind -> (what the person reads, the notification keys of that kind)
PREFERENCE_KINDS: dict[str, tuple[object, tuple[str, ...]]] = {
    "new_dossier": (_l("Nouveaux dossiers et retraits"),
                    ("dossier_new_for_staff", "dossier_withdrawn_for_staff")),
    "holder_reply": (_l("Réponses et messages des porteurs"),
                     ("message_for_staff", "info_answered_for_staff")),
    "reminders": (_l("Rappels (appels prévus)"), ("call_reminder",)),
}

KIND_OF_KEY = {key: kind for kind, (_label, keys) in PREFERENCE_KINDS.items() for key in keys}
