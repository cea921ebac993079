"""Nothing a request needs lives in one web process (issue 16): sessions are signed cookies
checked against the database (``session_version``), rate limits count in Redis, and the
application keeps no cache of data between requests."""

from __future__ import annotations

import pytest

from murporteur.settings import ConfigurationError, Settings

PRODUCTION = {"MURPORTEUR_ENV": "production", "SECRET_KEY": "x",
              "DATABASE_URL": "postgresql://db/x"}


def test_production_refuses_rate_limits_counted_in_one_process(tmp_path):
    with pytest.raises(ConfigurationError, match="RATELIMIT_STORAGE_URL or REDIS_URL"):
        Settings.from_environ(tmp_path, PRODUCTION)


@pytest.mark.parametrize("extra,storage", [
    ({"REDIS_URL": "redis://cache:6379/0"}, "redis://cache:6379/0"),
    ({"RATELIMIT_STORAGE_URL": "redis://limits:6379/1"}, "redis://limits:6379/1"),
])
def test_production_counts_rate_limits_in_the_shared_store(tmp_path, extra, storage):
    config = Settings.from_environ(tmp_path, {**PRODUCTION, **extra}).flask_config()
    assert config["RATELIMIT_STORAGE_URI"] == storage
