"""The quarterly committee: sessions, agendas, organisations' positions, decisions, minutes."""

# The committee's receivers of the lower domains' hooks, connected as soon as the committee is.
from murporteur.committee import dossier_access as _dossier_access  # noqa: F401
