"""`flask db upgrade` on an empty database gives exactly the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from murporteur.extensions import db
from tests.conftest import BACKENDS, create_database, drop_database, make_app


def test_upgrade_on_an_empty_database_gives_exactly_the_models(tmp_path):
    if BACKENDS.postgres:
        name = "murporteur_migrations_check"
        url = create_database(name)
    else:
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade()
            engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
            with engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
                tables = set(inspect(conn).get_table_names())
            engine.dispose()
            assert differences == []
            assert set(db.metadata.tables) <= tables
            # And the way back works too.
            downgrade(revision="base")
            engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
            with engine.connect() as conn:
                assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
            engine.dispose()
    finally:
        with app.app_context():
            db.engine.dispose()
        if BACKENDS.postgres:
            drop_database(name)
