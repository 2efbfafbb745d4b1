"""`hotline demo` plays on a throwaway database whose schema is copied from a template the migrations built once."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import text

from api.cli import main
from engine.store import connect
from processes.database import new_sqlite, upgrade
from tests.test_cli import modules_loaded_by


def schema(url: str) -> tuple[list, list]:
    """Everything a database's schema holds (tables, indexes, triggers) and the migrations it stands at."""
    db = connect(url)
    with db.connect() as connection:
        things = connection.execute(text("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")).all()
        versions = [connection.execute(text(f"SELECT version_num FROM {table}")).scalar_one()
                    for table in ("alembic_version", "alembic_version_hotline")]
    db.dispose()
    return things, versions


def test_a_database_copied_from_the_template_is_the_migrated_schema(tmp_path):
    migrated = f"sqlite:///{tmp_path / 'migrated.db'}"
    upgrade(connect(migrated))
    for name in ("first.db", "second.db"):  # the first builds the template, the second copies it
        new_sqlite(tmp_path / name, tmp_path / "templates")
        assert schema(f"sqlite:///{tmp_path / name}") == schema(migrated)
    assert [path.suffix for path in (tmp_path / "templates").iterdir()] == [".db"]


def test_a_second_demo_needs_no_alembic_and_the_instance_folder_stays_empty(tmp_path, monkeypatch):
    monkeypatch.delenv("HOTLINE_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOTLINE_HOME", str(tmp_path / "instance"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert "alembic" in modules_loaded_by("demo")  # the first run builds the schema template with the migrations
    assert "alembic" not in modules_loaded_by("demo")
    assert not (tmp_path / "instance").exists()
    assert [path.suffix for path in (tmp_path / "cache" / "hotline").iterdir()] == [".db"]


def test_the_demo_plays_where_no_template_can_be_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("HOTLINE_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOTLINE_HOME", str(tmp_path / "instance"))
    (tmp_path / "not_a_folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not_a_folder"))
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "\n8 cases, statuses: " in result.output
    assert result.output.endswith("(played on a throwaway database, now deleted; --into URL keeps the cases)\n")
