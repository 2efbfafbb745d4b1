"""Alembic environment: runs the engine's migrations on the connection handed over by ``store``."""

from alembic import context

from engine.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  version_table=context.config.attributes["version_table"])
with context.begin_transaction():
    context.run_migrations()
