"""Every command upgrades the schema first; one already at its newest migrations is recognised without Alembic."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from engine import store
from processes import database
from tests.test_cli import modules_loaded_by

FOLDERS = {"engine": (store.MIGRATIONS, "alembic_version"),
           "hotline": (database.MIGRATIONS, "alembic_version_hotline")}


def alembic_config(folder) -> Config:
    config = Config()
    config.set_main_option("script_location", str(folder))
    return config


@pytest.mark.parametrize("part", sorted(FOLDERS))
def test_the_newest_migrations_are_the_heads_alembic_finds(part):
    folder, _table = FOLDERS[part]
    assert store.newest_revisions(folder / "versions") == set(ScriptDirectory.from_config(alembic_config(folder))
                                                               .get_heads())


def stamped(db) -> dict[str, str]:
    with db.connect() as connection:
        return {table: connection.execute(text(f"SELECT version_num FROM {table}")).scalar_one()
                for _folder, table in FOLDERS.values()}


def test_a_schema_one_migration_behind_is_still_upgraded(tmp_path):
    db = store.connect(f"sqlite:///{tmp_path / 'behind.db'}")
    database.upgrade(db)
    newest = stamped(db)
    folder, table = FOLDERS["hotline"]
    [head] = store.newest_revisions(folder / "versions")
    previous = ScriptDirectory.from_config(alembic_config(folder)).get_revision(head).down_revision
    behind = store.connect(f"sqlite:///{tmp_path / 'fresh.db'}")
    store.upgrade(behind)
    config = alembic_config(folder)
    with behind.begin() as connection:
        config.attributes.update(connection=connection, version_table=table)
        command.upgrade(config, previous)
    assert not store.at_head(behind, folder, table)
    database.upgrade(behind)
    assert stamped(behind) == newest


def test_a_command_on_an_up_to_date_database_does_not_load_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert "alembic" in modules_loaded_by("--database-url", url, "users", "list")  # the first run migrates
    assert modules_loaded_by("--database-url", url, "users", "list") & {"alembic"} == set()
