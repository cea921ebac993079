"""A convention's history beyond its states: each change of its follow-up (indicators,
reporting dates, a report corrected or read) is kept as a ``ConventionChange`` — who, when,
what — and shown with the state changes on the convention's page, worded in the reader's
language. Dates are kept as ISO strings and written out when shown."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from murporteur.accounts.models import User
from murporteur.conventions.models import Convention, ConventionChange
from murporteur.extensions import db

#: What each change says; its details fill the blanks (``…date`` fields are ISO dates).
CHANGE_LABELS = {
    "indicator_added": _l("Indicateur « %(name)s » ajouté : objectif %(target)s %(unit)s."),
    "indicator_changed": _l("Indicateur « %(old_name)s » modifié : « %(name)s », objectif "
                            "%(target)s %(unit)s (avant : %(old_target)s %(old_unit)s)."),
    "indicator_archived": _l("Indicateur « %(name)s » archivé : il n'est plus demandé dans "
                             "les bilans."),
    "indicator_restored": _l("Indicateur « %(name)s » de nouveau suivi."),
    "indicator_removed": _l("Indicateur « %(name)s » supprimé."),
    "reporting_date_added": _l("Date de suivi du %(date)s ajoutée."),
    "reporting_date_moved": _l("Date de suivi du %(old_date)s reportée au %(date)s."),
    "reporting_date_removed": _l("Date de suivi du %(date)s supprimée."),
    "report_corrected": _l("Bilan du %(date)s corrigé par le porteur."),
    "report_acknowledged": _l("Bilan du %(date)s lu : il ne se modifie plus."),
}


def record(convention: Convention, actor: User | None, action: str, **details) -> None:
    """Keep one change of ``convention``'s follow-up; dates become ISO strings."""
    assert action in CHANGE_LABELS, action
    values = {k: v.isoformat() if isinstance(v, date) else v for k, v in details.items()}
    change = ConventionChange(convention_id=convention.id, actor=actor, action=action,
                              details=values)
    convention.changes.append(change)
    db.session.add(change)


def describe(change: ConventionChange) -> str:
    """The change in words, in the current language."""
    values = {}
    for key, value in (change.details or {}).items():
        if key.endswith("date") and isinstance(value, str):
            value = format_date(date.fromisoformat(value), "d MMMM yyyy")
        values[key] = value
    return str(CHANGE_LABELS[change.action]) % values


def timeline(convention: Convention) -> list[tuple]:
    """The convention's state changes and follow-up changes, latest first: pairs
    (``"state"`` or ``"change"``, the row)."""
    rows = [("state", e) for e in convention.events] + [("change", c)
                                                         for c in convention.changes]
    return sorted(rows, key=lambda pair: (pair[1].created_at, pair[1].id), reverse=True)
