"""Alembic environment for the hotline's own tables (kept apart from the engine's, own version table)."""

from alembic import context

from processes.models import HotlineBase

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=HotlineBase.metadata, render_as_batch=True,
                  version_table=context.config.attributes["version_table"])
with context.begin_transaction():
    context.run_migrations()
