"""Lists sort as French readers expect (issue 17): « Épargne » among the E's."""

from murporteur.directory import services
from murporteur.directory.models import StructureKind, SupportStructure
from murporteur.extensions import db


def test_structures_sort_with_accents_folded(app):
    for name in ("Zèbre", "Épargne solidaire", "Eau vive", "Fabrique", "abeille"):
        db.session.add(SupportStructure(name=name, kind=StructureKind.OTHER))
    db.session.flush()
    names = [s.name for s in services.list_structures()]
    assert names == ["abeille", "Eau vive", "Épargne solidaire", "Fabrique", "Zèbre"]
