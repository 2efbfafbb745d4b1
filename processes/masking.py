"""Masking a confidential caller's personal data for roles that may not see it."""

from __future__ import annotations

from typing import Any

from .access import SEES_CONFIDENTIAL
from .users import User

CALLER_FIELDS = ("name", "phone", "work_unit", "address")
MASK = "***"
PHONE_TAIL = 4
MIN_PHONE_SHOWN = 11  # a phone shows its last four only when it has at least seven more (a mobile number)


def mask_text(field: str, value: str) -> str:
    """Keep just enough for staff to tell callers apart on the phone: a surname, a mobile's last four.

    Only what leaves most of the value hidden is kept: a one-character name, or a shorter number, is masked
    whole (kept as before, ``李`` showed as ``李*`` and ``1234`` as ``***1234``)."""
    value = value.strip()
    if not value:
        return value
    if field == "name" and len(value) >= 2:
        return value[0] + "*" * (len(value) - 1)
    if field == "phone" and len(value) >= MIN_PHONE_SHOWN:
        return "*" * (len(value) - PHONE_TAIL) + value[-PHONE_TAIL:]
    return MASK


def caller_for(user: User, caller: dict[str, Any], confidential: bool) -> dict[str, Any]:
    """The caller as this user may see it."""
    if not confidential or user.role in SEES_CONFIDENTIAL:
        return dict(caller)
    return {key: mask_text(key, value) if key in CALLER_FIELDS and isinstance(value, str) else value
            for key, value in caller.items()}


def data_for(user: User, data: Any, confidential: bool) -> Any:
    """Data (of a case, a task or an event) with every caller record in it, however deep, masked."""
    if not confidential or user.role in SEES_CONFIDENTIAL:
        return data
    if isinstance(data, list):
        return [data_for(user, item, confidential) for item in data]
    if not isinstance(data, dict):
        return data
    return {key: caller_for(user, value, confidential) if key == "caller" and isinstance(value, dict)
            else data_for(user, value, confidential) for key, value in data.items()}
