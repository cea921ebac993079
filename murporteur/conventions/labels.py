"""The words people read for the conventions' reference lists."""

from flask_babel import lazy_gettext as _l

from murporteur.conventions.models import ConventionKind

KIND_LABELS = {
    ConventionKind.PARTNERSHIP: _l("Partenariat"),
    ConventionKind.PREMISES: _l("Mise à disposition de locaux"),
    ConventionKind.ORDER: _l("Commande"),
    ConventionKind.FINANCING: _l("Financement"),
}

#: The amounts an amendment may change (``Amendment.field``).
AMENDED_FIELD_LABELS = {
    "committed": _l("Montant engagé"),
    "in_kind": _l("Valorisation en nature"),
}
