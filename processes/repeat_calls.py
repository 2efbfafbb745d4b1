"""Repeat calls found at intake (重复来电): open cases that are likely the same matter as a call, ranked, with reasons.

A call may repeat an open case when
- the same phone called within ``PHONE_DAYS`` days (``same_phone``), unless both calls name places and none is
  the same (the caller's other matter: a burst pipe at home, a broken lamp near work);
- it names a place an open case names, within ``PLACE_DAYS`` days, and its subject and content read alike
  (``same_place``: rapidfuzz's token-set ratio over jieba's words, at least ``SIMILAR``);
- and a case so found is marked ``cluster`` when ``CLUSTER_CALLS`` or more calls named its place, in its category,
  within ``PLACE_DAYS`` days: the mark of one matter many people call about. (A cluster alone lists no case: calls
  on one road about a burst pipe and a broken lamp are not one matter.)

Each case's phone and places are keys in ``hotline_call_keys``, written as the case is registered (the engine's
save hook), so finding candidates reads a few index ranges, however many cases there are. The score adds what
each reason is worth (see ``_score``), so a case found by several reasons ranks first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Index, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.models import AuditEvent, Instance

from .access import SEES_CONFIDENTIAL, visible_cases
from .cases import ENDED
from .masking import MASK, caller_for
from .models import HotlineBase, HotlineCase
from .places import phone_key, places
from .segmenter import words
from .topics import CONCEPTS, concepts
from .users import User

PHONE_DAYS, PLACE_DAYS = 30, 7
CLUSTER_CALLS = 3
SIMILAR = 0.6  # token-set ratio (0-1) from which two calls on one place read as one matter
CANDIDATES = 50  # the most recent cases per key that are compared
LISTED = 10
COMPARED_CONTENT = 200  # characters of content compared besides the subject
TOPIC_WORDS = 6


class CallKey(HotlineBase):
    """A key a call can be found by: its caller's phone, a place it names or a word of its subject (with its category,
    for clusters and hot spots)."""

    __tablename__ = "hotline_call_keys"
    __table_args__ = (Index("ix_hotline_call_keys_lookup", "kind", "value", "registered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(Integer, index=True)  # references instances.id (see the migration)
    kind: Mapped[str] = mapped_column(String(10))  # phone | place | word
    value: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40))
    registered_at: Mapped[datetime]


@dataclass
class Match:
    row: HotlineCase
    similarity: float = 0.0
    reasons: list[dict[str, Any]] = field(default_factory=list)


def keys_of(row: HotlineCase) -> list[tuple[str, str]]:
    """A case's keys: its caller's phone, the places its subject and content name (the caller's address when they
    name none: 家里停水 is about the caller's home), and its subject's words, synonyms as one (hot-spot topics)."""
    phone = phone_key(row.caller.get("phone"))
    named = places(f"{row.subject} {row.content[:COMPARED_CONTENT]}") or places(row.caller.get("address") or "")
    return ([("phone", phone)] if phone else []) + [("place", place[:100]) for place in named] + [
        ("word", word) for word in topic_words(row.subject)]


def topic_words(subject: str) -> list[str]:
    """The words a subject is about, places left out, synonyms as one, each once (at most ``TOPIC_WORDS``)."""
    for place in places(subject):
        subject = subject.replace(place, " ")
    found = [word for word in concepts(words(subject)) if len(word) >= 2 or word in CONCEPTS]
    return list(dict.fromkeys(found))[:TOPIC_WORDS]


def record(session: Session, instance: Instance, events: list[AuditEvent]) -> None:
    """Write a newly registered hotline case's keys (the engine's ``on_saved``, after the projection)."""
    if not any(event.type == "case_started" for event in events):
        return
    row = session.scalar(select(HotlineCase).where(HotlineCase.instance_id == instance.id))
    if row is not None:
        session.add_all(CallKey(instance_id=row.instance_id, kind=kind, value=value, category=row.category,
                                registered_at=row.registered_at) for kind, value in keys_of(row))


def similar(session: Session, user: User, row: HotlineCase) -> list[dict[str, Any]]:
    """The open cases the user may see that likely repeat ``row``, best first, each with its reasons."""
    keys, matches = keys_of(row), {}
    likeness = cache(lambda candidate: text_similarity(row, candidate))
    phone = [value for kind, value in keys if kind == "phone"]
    named = [value for kind, value in keys if kind == "place"]
    for candidate in _candidates(session, user, row, "phone", phone, PHONE_DAYS) if phone else []:
        elsewhere = [value for kind, value in keys_of(candidate) if kind == "place"]
        if not (named and elsewhere and not set(named) & set(elsewhere)):
            _match(matches, candidate).reasons.append({"code": "same_phone"})
    clusters = _clusters(session, row, named) if named else {}
    for candidate, place in _candidates(session, user, row, "place", named, PLACE_DAYS, True) if named else []:
        _place_reasons(matches, row, candidate, place, likeness(candidate), clusters)
    for match in matches.values():
        match.similarity = likeness(match.row)
    ranked = sorted(matches.values(), key=lambda m: (-_score(m), -m.row.id))
    return [_view(user, match) for match in ranked[:LISTED]]


def _candidates(session: Session, user: User, row: HotlineCase, kind: str, values: list[str], days: int,
                with_value: bool = False) -> list:
    """Open cases sharing one of the keys within ``days`` either side of the call, the most recent first."""
    window = timedelta(days=days)
    query = (select(HotlineCase, CallKey.value).join(CallKey, CallKey.instance_id == HotlineCase.instance_id)
             .where(CallKey.kind == kind, CallKey.value.in_(values),
                    CallKey.registered_at.between(row.registered_at - window, row.registered_at + window),
                    HotlineCase.id != row.id, HotlineCase.status.not_in(ENDED))
             .order_by(CallKey.registered_at.desc()).limit(CANDIDATES * len(values)))
    found = session.execute(visible_cases(query, user)).all()
    return [tuple(item) for item in found] if with_value else list(dict.fromkeys(item[0] for item in found))


def _clusters(session: Session, row: HotlineCase, named: list[str]) -> dict[str, int]:
    """Places named by ``CLUSTER_CALLS`` or more calls of the row's category within the window: calls per place."""
    window = timedelta(days=PLACE_DAYS)
    counts = session.execute(
        select(CallKey.value, func.count(func.distinct(CallKey.instance_id)))
        .where(CallKey.kind == "place", CallKey.value.in_(named), CallKey.category == row.category,
               CallKey.registered_at.between(row.registered_at - window, row.registered_at + window))
        .group_by(CallKey.value)).all()
    return {place: calls for place, calls in counts if calls >= CLUSTER_CALLS}


def _place_reasons(matches: dict[int, Match], row: HotlineCase, candidate: HotlineCase, place: str,
                   similarity: float, clusters: dict[str, int]) -> None:
    """A case on the same place is a match when it reads alike (marked when the place and category form a cluster)."""
    if similarity < SIMILAR:
        return
    match = _match(matches, candidate)
    if not any(r["code"] == "same_place" for r in match.reasons):
        match.reasons.append({"code": "same_place", "place": place, "similarity": round(similarity, 2)})
    if place in clusters and candidate.category == row.category and not any(r["code"] == "cluster"
                                                                             for r in match.reasons):
        match.reasons.append({"code": "cluster", "place": place, "category": row.category, "calls": clusters[place]})


def text_similarity(a: HotlineCase, b: HotlineCase) -> float:
    """How alike two calls read (0-1), places left out (they are compared as keys): the better of their subjects'
    and their subjects-with-content's token-set ratios over jieba's words, synonyms read as one (``topics``)."""
    return max(fuzz.token_set_ratio(_gist(a, False), _gist(b, False)),
               fuzz.token_set_ratio(_gist(a, True), _gist(b, True))) / 100


def _gist(row: HotlineCase, with_content: bool) -> str:
    text = row.subject + (" " + row.content[:COMPARED_CONTENT] if with_content else "")
    for place in places(text):
        text = text.replace(place, " ")
    return " ".join(concepts(words(text)))


def _match(matches: dict[int, Match], candidate: HotlineCase) -> Match:
    return matches.setdefault(candidate.id, Match(candidate))


def _score(match: Match) -> float:
    """0-1: the text's likeness is worth most; the same phone, a shared place and a cluster add to it."""
    codes = {reason["code"] for reason in match.reasons}
    worth = 0.4 * match.similarity + 0.3 * ("same_phone" in codes) + 0.2 * ("same_place" in codes)
    return round(worth + 0.1 * ("cluster" in codes), 2)


def _view(user: User, match: Match) -> dict[str, Any]:
    """A likely repeat as this user may see it: the caller masked, and a place read from a confidential caller's
    address hidden too."""
    row = match.row
    hidden = row.confidential and user.role not in SEES_CONFIDENTIAL
    reasons = [{**reason, "place": MASK} if hidden and "place" in reason else reason for reason in match.reasons]
    return {"number": row.number, "status": row.status, "category": row.category, "subject": row.subject,
            "registered_at": row.registered_at, "caller": caller_for(user, row.caller, row.confidential),
            "score": _score(match), "reasons": reasons}
