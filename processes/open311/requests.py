"""Service requests over Open311: a citizen's app posts one (a case on the web channel), anyone reads them.

Posting needs a client application's ``api_key``; the request becomes a hotline case registered by
``open311:<application>``, its location kept beside it (``Open311Request``). Reading needs nothing, so an answer
never carries a caller's personal data (name, phone, work unit, address, e-mail), and a confidential case shows
neither its description nor its location. Statuses map onto Open311's two: an ended case (closed, not accepted,
withdrawn) is ``closed``, any other ``open``; ``status_notes`` is the public reply once the case is closed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.errors import InvalidData, NotFound
from engine.models import AuditEvent, Instance

from ..calendar import SHANGHAI
from ..cases import ENDED
from ..models import HotlineCase
from ..service import Hotline
from . import catalogue
from .clients import Clients
from .models import Open311Request

MAX_DESCRIPTION = 4000  # the specification's limit on a description
MAX_REQUESTS = 1000  # "first 1000 requests returned"
SPAN = timedelta(days=90)  # "may not span more than 90 days"; also the default range
REPLIES = {"immediate_reply": "reply", "review_result": "reply", "record_referral": "referral"}
"""The tasks whose answer is meant for the caller, and its field: the reply (as the public progress lookup shows
it, ``processes.public``) or, for a call outside the scope, where to go instead. Departments' own notes never."""
INTAKE_NAMES = {"caller.name": "last_name", "caller.phone": "phone", "caller.work_unit": "attribute[work_unit]",
                "subject": "attribute[subject]", "content": "description", "confidential": "attribute[confidential]"}
"""Intake fields by the Open311 parameter they come from, so a refused value is named as the client sent it."""


class KeyRefused(Exception):
    """No api_key, or one that is unknown or revoked (Open311 answers 403)."""


@dataclass(frozen=True)
class RequestFilters:
    """What ``GET requests`` asks for (``ids`` overrides everything else)."""

    ids: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


# -- posting ---------------------------------------------------------------------------------------
def create(hotline: Hotline, key: str | None, params: dict[str, str], attributes: dict[str, str],
           lang: str) -> list[dict[str, Any]]:
    """Register the request as a case on the web channel; answers with its id and the service's notice."""
    client = Clients(hotline.engine).authenticate(key)
    if client is None:
        raise KeyRefused()
    code = params.get("service_code")
    if not code:
        raise InvalidData({"service_code": ["未提供 service_code / service_code was not provided"]})
    if not catalogue.known(code):
        raise NotFound(f"没有服务 {code} / no service {code}")
    place = _location(params)
    intake = _intake(code, params, attributes, place)
    located = Open311Request(client_id=client.id, address=place["address"], address_id=place["address_id"],
                             lat=place["lat"], lon=place["long"], media_url=_bounded(params, "media_url", 1000),
                             email=_bounded(params, "email", 254))

    def keep_location(session: Session, instance_id: int) -> str:
        """In the transaction that starts the case: its location beside it, and its number for the answer."""
        located.instance_id = instance_id
        session.add(located)
        return session.scalar(select(HotlineCase.number).where(HotlineCase.instance_id == instance_id))

    try:
        number = hotline.register(intake, f"open311:{client.name}", then=keep_location)
    except InvalidData as refused:
        raise _renamed(refused) from None
    return [{"service_request_id": number, "service_notice": catalogue.service_notice(code, lang)}]


def _location(params: dict[str, str]) -> dict[str, Any]:
    """The request's location: lat and long together, or an address_string, or an address_id (one is needed)."""
    lat, lon = params.get("lat") or None, params.get("long") or None
    place = {"address": _bounded(params, "address_string", 300), "address_id": _bounded(params, "address_id", 100),
             "lat": _coordinate("lat", lat, 90), "long": _coordinate("long", lon, 180)}
    if (lat is None) != (lon is None):
        raise InvalidData({"lat" if lat is None else "long": ["lat 与 long 须同时提供 / lat and long go together"]})
    if lat is None and not place["address"] and not place["address_id"]:
        raise InvalidData({"lat": ["须提供位置：lat 和 long、address_string 或 address_id / a location is required: "
                                   "lat and long, address_string or address_id"]})
    return place


def _bounded(params: dict[str, str], name: str, limit: int) -> str | None:
    """An optional text parameter (None when empty), refused when longer than its column holds."""
    value = params.get(name) or None
    if value is not None and len(value) > limit:
        raise InvalidData({name: [f"{name} 最多 {limit} 个字 / {name} has at most {limit} characters"]})
    return value


def _coordinate(name: str, text: str | None, limit: int) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not -limit <= value <= limit:
        raise InvalidData({name: [f"{name} 须为 -{limit} 到 {limit} 之间的数 / {name} must be a number "
                                  f"from -{limit} to {limit}"]})
    return value


def _intake(code: str, params: dict[str, str], attributes: dict[str, str], place: dict[str, Any]) -> dict[str, Any]:
    """The hotline's intake for a request: the caller (family name first), what and where, on the web channel."""
    description = params.get("description") or ""
    if not description.strip():
        raise InvalidData({"description": ["未提供 description / description was not provided"]})
    if len(description) > MAX_DESCRIPTION:
        raise InvalidData({"description": [f"description 最多 {MAX_DESCRIPTION} 个字 / description has at most "
                                           f"{MAX_DESCRIPTION} characters"]})
    name = (params.get("last_name") or "") + (params.get("first_name") or "")
    if not name.strip():
        raise InvalidData({"last_name": ["须提供 first_name 或 last_name / first_name or last_name is required"]})
    confidential = attributes.get("confidential", "false")
    if confidential not in ("true", "false"):
        raise InvalidData({"attribute[confidential]": ["attribute[confidential] 须为 true 或 false / "
                                                       "attribute[confidential] must be true or false"]})
    where = place["address"] or place["address_id"] or f"{place['lat']}, {place['long']}"
    caller = {"name": name.strip(), "phone": params.get("phone") or ""}
    if attributes.get("work_unit"):
        caller["work_unit"] = attributes["work_unit"]
    return {"caller": caller, "confidential": confidential == "true", "category": code, "channel": "web",
            "subject": attributes.get("subject") or where[:200], "content": f"{description}\n\n地点 Location: {where}"}


def _renamed(refused: InvalidData) -> InvalidData:
    """The intake form's refusal, each field named by the Open311 parameter it came from."""
    rename = lambda field: INTAKE_NAMES.get(field, field)  # noqa: E731
    return InvalidData({rename(field): messages for field, messages in refused.errors.items()},
                       [dataclasses.replace(failure, field=rename(failure.field)) for failure in refused.fields])


# -- reading ---------------------------------------------------------------------------------------
def requests(hotline: Hotline, filters: RequestFilters, lang: str) -> list[dict[str, Any]]:
    """The requests asked for, newest first, at most 1000 over at most 90 days."""
    query = _requests_query()
    if filters.ids:
        query = query.where(HotlineCase.number.in_(filters.ids))
    else:
        query = _filtered(query, filters, hotline.engine.now())
    with hotline.engine.session() as session:
        rows = session.execute(query.order_by(HotlineCase.registered_at.desc(), HotlineCase.id.desc())
                               .limit(MAX_REQUESTS)).all()
        replies = _public_replies(session, [row.HotlineCase.instance_id for row in rows])
    return [_shown(hotline, row, replies.get(row.HotlineCase.instance_id), lang) for row in rows]


def request(hotline: Hotline, number: str, lang: str) -> list[dict[str, Any]]:
    """One request (as a list of one, as the specification answers); ``NotFound`` for anything else."""
    found = requests(hotline, RequestFilters(ids=(number,)), lang)
    if not found:
        raise NotFound(f"没有服务请求 {number} / no service request {number}")
    return found


def _requests_query() -> Select:
    """Hotline cases of the five services with their engine row's last change and their Open311 location."""
    return (select(HotlineCase, Instance.updated_at, Open311Request)
            .join(Instance, Instance.id == HotlineCase.instance_id)
            .outerjoin(Open311Request, Open311Request.instance_id == HotlineCase.instance_id)
            .where(HotlineCase.category.in_(catalogue.SHORT_NAMES)))


def _filtered(query: Select, filters: RequestFilters, now: datetime) -> Select:
    start, end = filters.start, filters.end
    if start and end and end - start > SPAN:
        raise InvalidData({"end_date": ["start_date 到 end_date 不能超过 90 天 / start_date to end_date may not "
                                        "span more than 90 days"]})
    if start and end and end < start:
        raise InvalidData({"end_date": ["end_date 早于 start_date / end_date is before start_date"]})
    start = start or (end or now) - SPAN
    end = end or start + SPAN
    query = query.where(HotlineCase.registered_at >= start, HotlineCase.registered_at <= end)
    if filters.codes:
        unknown = [code for code in filters.codes if not catalogue.known(code)]
        if unknown:
            raise NotFound(f"没有服务 {unknown[0]} / no service {unknown[0]}")
        query = query.where(HotlineCase.category.in_(filters.codes))
    if set(filters.statuses) == {"closed"}:
        query = query.where(HotlineCase.status.in_(ENDED))
    elif set(filters.statuses) == {"open"}:
        query = query.where(HotlineCase.status.not_in(ENDED))
    return query


def _public_replies(session: Session, instance_ids: list[int]) -> dict[int, str]:
    """The last answer meant for each caller, read from the history (no case state is loaded for a list)."""
    replies: dict[int, str] = {}
    query = (select(AuditEvent.instance_id, AuditEvent.task_name, AuditEvent.data)
             .where(AuditEvent.instance_id.in_(instance_ids), AuditEvent.type == "task_completed",
                    AuditEvent.task_name.in_(REPLIES))
             .order_by(AuditEvent.instance_id, AuditEvent.seq))
    for instance_id, task, data in session.execute(query):
        if isinstance(data.get(REPLIES[task]), str) and data[REPLIES[task]].strip():
            replies[instance_id] = data[REPLIES[task]]
    return replies


def _shown(hotline: Hotline, row, reply: str | None, lang: str) -> dict[str, Any]:
    case, updated, located = row.HotlineCase, row.updated_at, row.Open311Request
    closed, hidden = case.status in ENDED, case.confidential
    lead = hotline.directory.by_code.get(case.departments[0]) if case.departments else None
    return {
        "service_request_id": case.number, "status": "closed" if closed else "open",
        "status_notes": reply if closed and not hidden else None,
        "service_name": catalogue.service_name(case.category, lang), "service_code": case.category,
        "description": None if hidden else case.content,
        "agency_responsible": (lead.name_en if lang == "en" else lead.name) if lead else None,
        "service_notice": catalogue.service_notice(case.category, lang),
        "requested_datetime": w3(case.registered_at),
        "updated_datetime": w3(case.ended_at if closed and case.ended_at else updated),
        "expected_datetime": w3(case.due_at),
        "address": None if hidden or located is None else located.address,
        "address_id": None if hidden or located is None else located.address_id,
        "zipcode": None,
        "lat": None if hidden or located is None else located.lat,
        "long": None if hidden or located is None else located.lon,
        "media_url": None if hidden or located is None else located.media_url,
    }


def w3(moment: datetime | None) -> str | None:
    """A moment in the W3C profile of ISO 8601 the specification asks for, with Beijing's offset."""
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds") if moment else None
