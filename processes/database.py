"""The hotline's database: the engine's tables, then the hotline's own, each brought to its newest migration;
a throwaway database gets the same schema copied from a template those migrations built."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import Engine as Database
from sqlalchemy.exc import OperationalError

from engine.store import MIGRATIONS as ENGINE_MIGRATIONS
from engine.store import connect
from engine.store import upgrade as upgrade_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def upgrade(db: Database) -> None:
    """Migrate the engine's tables, then the hotline's own."""
    upgrade_engine(db)
    upgrade_engine(db, MIGRATIONS, "alembic_version_hotline")


def new_sqlite(path: Path, templates: Path) -> None:
    """Create a SQLite database file with the newest schema, copied from a template in ``templates`` that the
    migrations built once for this set of migrations: a throwaway database (the demo's) then needs no Alembic,
    which takes about a third of a second to import and run. Where no template can be kept (the folder cannot
    be written) nothing is created, and the caller's ``upgrade`` migrates the new file as for any other."""
    template = templates / f"schema-{_migrations_digest()}.db"
    try:
        if not template.is_file():
            _build(template)
    except (OSError, OperationalError):
        return
    shutil.copyfile(template, path)


def _build(template: Path) -> None:
    template.parent.mkdir(parents=True, exist_ok=True)
    partial = template.with_name(f"{template.name}.{os.getpid()}")
    db = connect(f"sqlite:///{partial}")
    try:
        upgrade(db)
    finally:
        db.dispose()  # the last connection closed checkpoints the write-ahead log into the file
    partial.replace(template)  # atomic: a run beside this one copies a whole template or builds its own


def _migrations_digest() -> str:
    """What the schema a migration run builds depends on: every migration file and helper, and SQLite's version."""
    digest = hashlib.sha256(sqlite3.sqlite_version.encode())
    for folder in (ENGINE_MIGRATIONS, MIGRATIONS):
        for path in sorted(folder.rglob("*.py")):
            digest.update(f"{path.relative_to(folder)}\n".encode() + path.read_bytes())
    return digest.hexdigest()[:16]
