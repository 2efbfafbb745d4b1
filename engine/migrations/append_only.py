"""Database triggers that refuse UPDATE and DELETE on a log table, for the migrations that create one."""

from __future__ import annotations

from alembic import op


def refuse_changes(table: str, what: str) -> None:
    """Make ``table`` append-only: changing or deleting a row fails with "``what`` are append-only"."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '{what} are append-only'; END $$""")
        op.execute(f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
       FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb} ON {table}\n"
                       f"BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END")


def drop_refusal(table: str) -> None:
    """Undo ``refuse_changes`` after the table is dropped (SQLite's triggers go with their table)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
