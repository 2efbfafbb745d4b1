"""JSON Schemas for Open311 GeoReport v2 answers, written from the specification's field lists.

Source: the GeoReport v2 specification (http://wiki.open311.org/GeoReport_v2, "Response" of each method, and
"Errors") and Service Discovery (http://wiki.open311.org/Service_Discovery, "Fields for All Versions"). No schema
is published or packaged for it; the JSON format is the Spark convention's mapping of the XML, so a list is an
array and an empty element is null. Date-times are the W3C profile of ISO 8601 with a zone, as the
specification requires.
"""

from __future__ import annotations

W3_MOMENT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"
TEXT = {"type": "string"}
MAYBE_TEXT = {"type": ["string", "null"]}
MOMENT = {"type": "string", "pattern": W3_MOMENT}
ID = {"type": ["string", "integer"]}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties) if required is None else required,
            "additionalProperties": False}


DISCOVERY = _object({
    "changeset": TEXT, "contact": TEXT, "key_service": TEXT,
    "endpoints": {"type": "array", "minItems": 1, "items": _object({
        "specification": TEXT, "url": TEXT, "changeset": TEXT, "type": {"enum": ["production", "test"]},
        "formats": {"type": "array", "items": TEXT, "minItems": 1}})},
})
SERVICES = {"type": "array", "items": _object({
    "service_code": ID, "service_name": TEXT, "description": MAYBE_TEXT, "metadata": {"type": "boolean"},
    "type": {"enum": ["realtime", "batch", "blackbox"]}, "keywords": MAYBE_TEXT, "group": MAYBE_TEXT},
    ["service_code", "service_name", "metadata", "type"])}
SERVICE_DEFINITION = _object({
    "service_code": ID,
    "attributes": {"type": "array", "items": _object({
        "variable": {"type": "boolean"}, "code": ID,
        "datatype": {"enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]},
        "required": {"type": "boolean"}, "datatype_description": MAYBE_TEXT,
        "order": {"type": "integer", "minimum": 1}, "description": TEXT,
        "values": {"type": "array", "items": _object({"key": ID, "name": TEXT})}},
        ["variable", "code", "datatype", "required", "order", "description"])},
})
CREATED = {"type": "array", "minItems": 1, "items": {
    **_object({"service_request_id": ID, "token": ID, "service_notice": MAYBE_TEXT, "account_id": MAYBE_TEXT}, []),
    "oneOf": [{"required": ["service_request_id"], "not": {"required": ["token"]}},
              {"required": ["token"], "not": {"required": ["service_request_id"]}}]}}
SERVICE_REQUESTS = {"type": "array", "items": _object({
    "service_request_id": ID, "status": {"enum": ["open", "closed"]}, "status_notes": MAYBE_TEXT,
    "service_name": TEXT, "service_code": ID, "description": MAYBE_TEXT, "agency_responsible": MAYBE_TEXT,
    "service_notice": MAYBE_TEXT, "requested_datetime": MOMENT, "updated_datetime": MOMENT,
    "expected_datetime": {"anyOf": [MOMENT, {"type": "null"}]}, "address": MAYBE_TEXT, "address_id": MAYBE_TEXT,
    "zipcode": MAYBE_TEXT, "lat": {"type": ["number", "null"]}, "long": {"type": ["number", "null"]},
    "media_url": MAYBE_TEXT},
    ["service_request_id", "status", "service_name", "service_code", "requested_datetime", "updated_datetime"])}
ERRORS = {"type": "array", "minItems": 1, "items": _object({"code": {"type": "integer"}, "description": TEXT})}
