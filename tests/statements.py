"""Counting what a request costs the database: statements, transactions and sessions (a behaviour, not a timing)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")  # SQLite's BEGIN is a statement; PostgreSQL's is not


@dataclass
class Cost:
    statements: list[str] = field(default_factory=list)
    """Every statement sent, transaction control left out so both databases count alike."""
    transactions: int = 0
    sessions: list[Session] = field(default_factory=list)
    """Each ORM session that began a transaction, once."""

    def reads(self, fragment: str) -> list[str]:
        """The SELECT statements containing ``fragment`` (e.g. ``FROM hotline_users``)."""
        return [s for s in self.statements if s.startswith("SELECT") and fragment in s]


@contextlib.contextmanager
def counted(db: Engine) -> Iterator[Cost]:
    """What runs against ``db`` (and the engines derived from it) while the block runs."""
    cost = Cost()

    def statement(_conn, _cursor, text, _params, _context, _many) -> None:
        if not text.lstrip().upper().startswith(TRANSACTION_CONTROL):
            cost.statements.append(" ".join(text.split()))

    def transaction(_conn) -> None:
        cost.transactions += 1

    def session(begun: Session, _transaction, _connection) -> None:
        if all(begun is not known for known in cost.sessions):
            cost.sessions.append(begun)

    listeners = ((db, "before_cursor_execute", statement), (db, "begin", transaction),
                 (Session, "after_begin", session))
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    try:
        yield cost
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)
