"""``flask --app murporteur backup DIR`` and ``restore DIR``: the database and the uploads.

PostgreSQL is dumped with ``pg_dump --format=custom`` (restored with ``pg_restore``), SQLite
copied with its online backup API; the uploads go into a tar archive. ``manifest.json`` says
what the backup holds (engine, migration revision, row counts, and the tallies of the
columns that decide who may see a document), and ``restore`` checks them after restoring. A
restore goes into an empty database and an empty UPLOAD_DIR only: it never overwrites.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from murporteur.core.db import utcnow
from murporteur.extensions import db

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
UPLOADS = "uploads.tar.gz"
#: The columns that decide who may see a row: a restore must give back the same tallies of
#: their values, not only the same number of rows (a document restored without its kind or
#: its owner would be shown to other people).
TALLIED = (("document", "kind"), ("document", "convention_id"), ("document", "organisation_id"))


class BackupError(click.ClickException):
    """Shown to the operator; the command exits with status 1."""


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection options for the libpq tools; the password travels in the environment."""
    parsed = make_url(url)
    if not parsed.database:
        raise BackupError("The database URL names no database.")
    args = ["--host", parsed.host or "localhost", "--port", str(parsed.port or 5432),
            "--username", parsed.username or "postgres", "--dbname", parsed.database]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools).") from exc
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed: {completed.stderr.strip()}")


def table_counts() -> dict[str, int]:
    """Rows per table of the application's schema (what a round trip must keep)."""
    names = [n for n in inspect(db.engine).get_table_names() if n != "alembic_version"]
    return {name: db.session.execute(select(func.count()).select_from(db.table(name))).scalar_one()
            for name in sorted(names)}


def tallies() -> dict[str, dict[str, int]]:
    """For each column of ``TALLIED``, how many rows hold each value."""
    tables = set(inspect(db.engine).get_table_names())
    result = {}
    for table_name, column_name in TALLIED:
        if table_name not in tables:
            continue
        column = db.column(column_name)
        rows = db.session.execute(select(column, func.count()).select_from(
            db.table(table_name, column)).group_by(column))
        result[f"{table_name}.{column_name}"] = {str(value): count for value, count in rows}
    return result


def _revision() -> str | None:
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database:
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def backup(target: Path) -> dict:
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new directory for each backup.")
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    engine = db.engine.dialect.name
    manifest = {"created_at": utcnow().isoformat(), "engine": engine,
                "revision": _revision(), "counts": table_counts(), "tallies": tallies()}
    db.session.rollback()  # no transaction of ours held open during the dump
    if engine == "postgresql":
        args, env = _pg_args(url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(target / PG_DUMP), *args], env)
    elif engine == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target / SQLITE_COPY)
        with copy:
            source.backup(copy)
        source.close()
        copy.close()
    else:
        raise BackupError(f"backups of {engine} databases are not supported")
    uploads = Path(current_app.config["UPLOAD_DIR"])
    with tarfile.open(target / UPLOADS, "w:gz") as archive:
        if uploads.exists():
            archive.add(uploads, arcname=".")
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def _database_is_empty() -> bool:
    return not inspect(db.engine).get_table_names()


def restore(source: Path) -> dict:
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} holds no {MANIFEST}: not a Mur porteur backup.")
    manifest = json.loads(manifest_path.read_text())
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    engine = db.engine.dialect.name
    if manifest["engine"] != engine:
        raise BackupError(f"this backup is of a {manifest['engine']} database, "
                          f"DATABASE_URL is {engine}.")
    if not _database_is_empty():
        raise BackupError("the database is not empty: restore into a new, empty database.")
    uploads = Path(current_app.config["UPLOAD_DIR"])
    if uploads.exists() and any(uploads.iterdir()):
        raise BackupError(f"UPLOAD_DIR ({uploads}) is not empty: restore into an empty one.")
    db.session.remove()
    if engine == "postgresql":
        args, env = _pg_args(url)
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              *args, str(source / PG_DUMP)], env)
    else:
        db.engine.dispose()
        shutil.copyfile(source / SQLITE_COPY, _sqlite_path(url))
    uploads.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / UPLOADS, "r:gz") as archive:
        archive.extractall(uploads, filter="data")
    db.engine.dispose()
    counts = table_counts()
    if counts != manifest["counts"]:
        raise BackupError(f"restored, but the row counts differ from the backup's: "
                          f"{counts} != {manifest['counts']}")
    if "tallies" in manifest and tallies() != manifest["tallies"]:  # older backups have none
        raise BackupError(f"restored, but who may see what differs from the backup: "
                          f"{tallies()} != {manifest['tallies']}")
    return manifest


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(directory: Path) -> None:
    """Back up the database and the uploads into DIRECTORY (new or empty)."""
    manifest = backup(directory)
    click.echo(f"Backed up {sum(manifest['counts'].values())} rows "
               f"({manifest['engine']}, revision {manifest['revision']}) and the uploads "
               f"into {directory}.")


@click.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(directory: Path) -> None:
    """Restore a backup made by ``backup`` into an empty database and UPLOAD_DIR."""
    manifest = restore(directory)
    click.echo(f"Restored {sum(manifest['counts'].values())} rows and the uploads from "
               f"{directory} (revision {manifest['revision']}).")
