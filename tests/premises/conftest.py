import pytest

from murporteur.premises import services
from tests.factories import AnimatorFactory, MemberFactory, OrganisationFactory


def unit_values(**changes):
    values = {"title": "Local d'angle", "address": "12 rue Paul Bert", "town": "Vénissieux",
              "neighbourhood": "Les Minguettes", "qpv": True, "surface_m2": 80, "floor": 0,
              "step_free": True, "uses": ["workshop"], "rent_cents": 45000,
              "lease_types": ["social_utility"], "available_from": None,
              "description": "Ancien commerce", "visibility": "public",
              "latitude": None, "longitude": None}
    values.update(changes)
    return values


@pytest.fixture
def world(app):
    org_a, org_b = OrganisationFactory(name="Est Métropole Habitat"), \
        OrganisationFactory(name="Dynacité")
    member_a, member_b = MemberFactory(organisation=org_a), MemberFactory(organisation=org_b)
    animator = AnimatorFactory()
    unit = services.save_unit(None, member_a, None, **unit_values())
    return {"org_a": org_a, "org_b": org_b, "a": member_a, "b": member_b,
            "animator": animator, "unit": unit}
