import pytest

from tests.conftest import login
from tests.factories import AnimatorFactory


@pytest.fixture
def animator(app):
    return AnimatorFactory(full_name="Camille Dubois")


@pytest.fixture
def animator_client(app, animator):
    client = app.test_client()
    login(client, animator)
    return client
