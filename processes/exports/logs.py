"""One entry point per export kind, for the API and the CLI: the period's history as XES or OCEL 2.0 text pieces.

Reading the logs is the auditors' (and administrators') business: ``may_export`` says who. The pieces are
produced as they are written out, so the caller streams them (an HTTP response, a file).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..reports.period import Period
from ..service import Hotline
from ..users import User
from . import ocel, xes
from .source import Pseudonyms, traces

KINDS = ("xes", "ocel")
MEDIA_TYPES = {"xes": "application/xml", "ocel": "application/json"}
SUFFIXES = {"xes": "xes", "ocel": "json"}
READERS = frozenset({"auditor", "admin"})


def may_export(user: User) -> bool:
    return user.role in READERS


def export(hotline: Hotline, kind: str, period: Period) -> Iterator[str]:
    """The log of the cases registered in ``period``, piece by piece (``kind``: ``xes`` or ``ocel``)."""
    if kind == "xes":
        return xes.document(traces(hotline, period), f"12345 hotline {period.label()}")
    pseudonyms = Pseudonyms()  # one key for both passes, so a caller has one pseudonym in the file
    departments = {code: department.name for code, department in hotline.directory.by_code.items()}
    return ocel.document(lambda: traces(hotline, period, pseudonyms), departments)


def file_name(kind: str, period: Period) -> str:
    return f"hotline-{period.slug()}.{SUFFIXES[kind]}"
