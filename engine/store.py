"""Database connection and schema migration for the instance store (SQLite file or PostgreSQL)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_URL = "sqlite:///hotline.db"
_REVISION_LINE = re.compile(r"^(revision|down_revision)(?:\s*:[^=\n]*)?\s*=\s*(.+?)\s*$", re.MULTILINE)
WRITE = "hotline_write"  # execution option marking a connection that will write (see _sqlite_begin)


def connect(url: str = DEFAULT_URL) -> Engine:
    """Create a database engine; SQLite gets WAL, foreign keys and a busy timeout for concurrent writers.

    Statement parameters are kept out of error messages (``hide_parameters``): they hold callers' names and
    phones, and an error's message ends up in the log."""
    if url.startswith("sqlite"):
        db = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)
        event.listen(db, "connect", _sqlite_pragmas)
        event.listen(db, "begin", _sqlite_begin)
        return db
    return create_engine(url, pool_size=10, max_overflow=20, hide_parameters=True)


def reads_end_before_writes(db: Engine) -> bool:
    """Whether a command must end its read transaction before it writes: on SQLite a read transaction cannot
    become the write one (its BEGIN took no write lock, and another writer may have committed since), so the
    write begins afresh and the row's ``lock_version`` catches a rival. PostgreSQL's reads take no locks and its
    UPDATE re-checks ``lock_version`` against the newest row, so one transaction serves both (two round trips
    fewer per command)."""
    return db.dialect.name == "sqlite"


def _sqlite_begin(conn) -> None:
    """Writers take SQLite's write lock up front, so two writers queue instead of failing to upgrade a
    read lock; readers begin a plain (deferred) transaction and never wait for writers (WAL)."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" listener issues BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def writer(db: Engine) -> Engine:
    """The same database for sessions that write: on SQLite their transactions take the write lock as they begin."""
    return db.execution_options(**{WRITE: True})


def session_factory(db: Engine) -> sessionmaker[Session]:
    return sessionmaker(db, expire_on_commit=False)


def upgrade(db: Engine, script_location: Path = MIGRATIONS, version_table: str = "alembic_version") -> None:
    """Bring a schema to its newest migration (idempotent); domains keep their own migrations and table.

    Every command may be the first run, so every command upgrades; a schema already at its newest migration is
    recognised without loading Alembic, which alone takes about a third of a second to import."""
    if at_head(db, script_location, version_table):
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    with db.begin() as connection:
        config.attributes["connection"] = connection
        config.attributes["version_table"] = version_table
        command.upgrade(config, "head")


def at_head(db: Engine, script_location: Path, version_table: str) -> bool:
    """Whether the schema stands at its newest migrations, as the migration files name them."""
    heads = newest_revisions(script_location / "versions")
    if not heads:
        return False
    try:
        with db.connect() as connection:
            stamped = set(connection.execute(text(f"SELECT version_num FROM {version_table}")).scalars())
    except DBAPIError:  # no version table yet (or no database: Alembic will say so)
        return False
    return stamped == heads


def newest_revisions(versions: Path) -> set[str]:
    """The revisions no other migration revises, from each file's plain ``revision`` and ``down_revision`` lines;
    empty when a file does not state them as literals (then Alembic decides)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in versions.glob("*.py"):
        stated = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        try:
            revision, down = (ast.literal_eval(stated[name]) for name in ("revision", "down_revision"))
        except (KeyError, ValueError, SyntaxError):
            return set()
        revisions.add(revision)
        revised.update([down] if isinstance(down, str) else down or ())
    return revisions - revised
