"""``/cases/{number}/history``, ``/replay`` and ``/verify``: auditors read, replay and check a case.

Designers do the same for the cases of processes other than the hotline's (their diagrams on trial).
"""

from __future__ import annotations

import csv
import io
import json

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from processes import history

from .auth import current_user, hotline, roles
from .i18n import language, pick

blp = Blueprint("history", __name__, url_prefix="/api/v1/cases", description="Audit: history, replay, verify")
CSV_COLUMNS = ("seq", "at", "actor", "type", "summary", "task", "task_title", "data", "hash")
EXCEL_BOM = "\ufeff"
"""Starts the CSV so Excel reads it as UTF-8 (without it, Excel on Windows shows Chinese as mojibake)."""


class HistoryQuery(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "jsonl", "csv")))


class ReplayQuery(Schema):
    at = fields.AwareDateTime(required=True, metadata={"description": "the moment (ISO 8601 with time zone)"})


class EventOut(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    type = fields.String()
    summary = fields.String()
    task = fields.String(allow_none=True)
    task_title = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    version = fields.Integer()
    data = fields.Dict()
    state_hash = fields.String()
    prev_hash = fields.String()
    hash = fields.String()


class ReplayTaskOut(Schema):
    id = fields.String()
    name = fields.String()
    title = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)


class ReplayOut(Schema):
    number = fields.String()
    at = fields.DateTime()
    status = fields.String(allow_none=True)
    events = fields.Integer()
    version = fields.Integer()
    open_tasks = fields.List(fields.Nested(ReplayTaskOut))
    data = fields.Dict()
    due_at = fields.String(allow_none=True)
    next_timer_at = fields.DateTime(allow_none=True)


class VerifyOut(Schema):
    chain_ok = fields.Boolean()
    replay_matches = fields.Boolean()
    events = fields.Integer()
    first_bad_event = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)


def readable(event: dict) -> dict:
    zh, en = event["summary"] or ("", "")
    title = pick(event["task_title"]) if event["task_title"] else None
    return {**event, "summary": en if language() == "en" else zh, "task_title": title}


@blp.route("/<string:number>/history", methods=["GET"])
@roles("auditor", "designer")
@blp.arguments(HistoryQuery, location="query")
@blp.response(200, EventOut(many=True), description="also as JSON Lines (format=jsonl) or CSV (format=csv)")
def case_history(query, number):
    """The case's append-only events in order, with task titles and actors."""
    events = [readable(e) for e in history.timeline(hotline(), current_user(), number)]
    if query["format"] == "json":
        return events
    rows = EventOut(many=True).dump(events)
    if query["format"] == "jsonl":
        body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        return Response(body, mimetype="application/jsonl", headers=_download(number, "jsonl"))
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({**row, "data": json.dumps(row["data"], ensure_ascii=False)} for row in rows)
    return Response(EXCEL_BOM + out.getvalue(), mimetype="text/csv", headers=_download(number, "csv"))


def _download(number: str, extension: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{number}-history.{extension}"'}


@blp.route("/<string:number>/replay", methods=["GET"])
@roles("auditor", "designer")
@blp.arguments(ReplayQuery, location="query")
@blp.response(200, ReplayOut)
def replay(query, number):
    """The case as it stood at a moment, rebuilt from its history alone."""
    stood = history.as_it_stood(hotline(), current_user(), number, query["at"])
    return {**stood, "open_tasks": [{**t, "title": pick(t["title"]) if t["title"] else None}
                                    for t in stood["open_tasks"]]}


@blp.route("/<string:number>/verify", methods=["GET"])
@roles("auditor", "designer")
@blp.response(200, VerifyOut)
def verify(number):
    """Check the hash chain and that replaying the history gives exactly the stored case."""
    return history.verify(hotline(), current_user(), number).as_dict()
