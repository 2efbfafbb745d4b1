"""The hotline's database: the engine's tables, then the hotline's own, each brought to its newest migration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine as Database

from engine.store import upgrade as upgrade_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def upgrade(db: Database) -> None:
    """Migrate the engine's tables, then the hotline's own."""
    upgrade_engine(db)
    upgrade_engine(db, MIGRATIONS, "alembic_version_hotline")
