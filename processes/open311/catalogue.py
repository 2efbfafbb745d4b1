"""What the hotline offers over Open311: discovery, the five acceptance categories as services, their definitions.

A service is a category of the acceptance scope (``service_code`` = the category's code). Every service has a
definition (``metadata`` true): the attributes intake needs beyond the standard fields. Texts come in Chinese
and English; the caller of these functions says which (``lang``).
"""

from __future__ import annotations

from typing import Any

from engine.errors import NotFound

from ..scope import CATEGORIES

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ("text/xml", "application/json")
CHANGESET = "2026-12-01T00:00:00+08:00"
"""When the services or their definitions last changed (clients refresh what they cached when it moves)."""
GROUP = ("12345 政务服务便民热线", "12345 government service hotline")
SHORT_NAMES = {
    "government_work": ("政府工作批评建议", "Government work and staff"),
    "development": ("改革发展意见建议", "Reform and development"),
    "departmental_policy": ("部门职责与政策咨询", "Departments' duties and policies"),
    "livelihood": ("民生问题与突发事件", "Daily life and emergencies"),
    "social_affairs": ("其他社会事务", "Other social affairs"),
}
NOTICE = ("受理后按工作日办理：一般问题 5 至 10 个工作日、复杂问题 15 个工作日内办结，办结后回访。",
          "Handled in working days: general problems within 5-10, complex ones within 15; "
          "we call back once it is resolved.")
CONTACT = ("拨打 12345，或联系县 12345 热线投诉督办中心。",
           "Call 12345, or write to the county 12345 hotline complaint and supervision centre.")
KEY_SERVICE = ("api_key 由热线管理员为每个客户端应用签发（hotline open311 add 应用名称）。",
               "An api_key is issued per client application by the hotline's administrator "
               "(hotline open311 add APPLICATION).")
ATTRIBUTES = (
    {"code": "subject", "datatype": "string", "required": False,
     "description": ("反映对象（单位、地点或事物）；不填时取 address_string。",
                     "The object of the complaint (a unit, place or thing); address_string when left out."),
     "values": None},
    {"code": "confidential", "datatype": "singlevaluelist", "required": False,
     "description": ("是否为来电人保密（默认否）；保密的诉求在公开查询中不显示内容。",
                     "Keep the caller confidential (default: no); a confidential request is listed without "
                     "its description."),
     "values": (("false", ("不保密", "No")), ("true", ("保密", "Yes")))},
    {"code": "work_unit", "datatype": "string", "required": False,
     "description": ("来电人的工作单位（可不填）。", "The caller's work unit (optional)."), "values": None},
)


def _say(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def discovery(endpoint_url: str, lang: str) -> dict[str, Any]:
    """The Service Discovery document for this endpoint."""
    return {"changeset": CHANGESET, "contact": _say(CONTACT, lang), "key_service": _say(KEY_SERVICE, lang),
            "endpoints": [{"specification": SPECIFICATION, "url": endpoint_url, "changeset": CHANGESET,
                           "type": "production", "formats": list(FORMATS)}]}


def services(lang: str) -> list[dict[str, Any]]:
    """The service list: one service per acceptance category."""
    return [{"service_code": category.code, "service_name": service_name(category.code, lang),
             "description": category.name_en if lang == "en" else category.name, "metadata": True,
             "type": "realtime", "keywords": ", ".join(SHORT_NAMES[category.code]), "group": _say(GROUP, lang)}
            for category in CATEGORIES]


def service_name(code: str, lang: str) -> str:
    return _say(SHORT_NAMES[code], lang)


def service_notice(code: str, lang: str) -> str:
    """What happens to a request of this service: the acceptance scope's note on deadlines and the callback."""
    return _say(NOTICE, lang)


def known(code: str) -> bool:
    return code in SHORT_NAMES


def definition(code: str, lang: str) -> dict[str, Any]:
    """The attributes a request of this service may carry beyond the standard fields."""
    if not known(code):
        raise NotFound(f"没有服务 {code} / no service {code}")
    return {"service_code": code, "attributes": [
        {"variable": True, "code": a["code"], "datatype": a["datatype"], "required": a["required"],
         "datatype_description": None, "order": order, "description": _say(a["description"], lang),
         **({"values": [{"key": key, "name": _say(name, lang)} for key, name in a["values"]]} if a["values"] else {})}
        for order, a in enumerate(ATTRIBUTES, start=1)]}
