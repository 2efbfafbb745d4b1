"""Masking a confidential caller's personal data for roles that may not see it."""

from __future__ import annotations

from typing import Any

from .access import SEES_CONFIDENTIAL
from .users import User

CALLER_FIELDS = ("name", "phone", "work_unit", "address")
MASK = "***"


def mask_text(field: str, value: str) -> str:
    """Keep just enough for staff to tell callers apart on the phone: a surname, the phone's last four."""
    if not value:
        return value
    if field == "name":
        return value[0] + "*" * max(len(value) - 1, 1)
    if field == "phone":
        return "*" * max(len(value) - 4, 3) + value[-4:]
    return MASK


def caller_for(user: User, caller: dict[str, Any], confidential: bool) -> dict[str, Any]:
    """The caller as this user may see it."""
    if not confidential or user.role in SEES_CONFIDENTIAL:
        return dict(caller)
    return {key: mask_text(key, value) if key in CALLER_FIELDS and isinstance(value, str) else value
            for key, value in caller.items()}


def data_for(user: User, data: dict[str, Any], confidential: bool) -> dict[str, Any]:
    """Case or task data with every caller record in it masked as ``caller_for`` does."""
    masked = dict(data)
    if isinstance(masked.get("caller"), dict):
        masked["caller"] = caller_for(user, masked["caller"], confidential)
    for key in ("repeat_call",):
        if isinstance(masked.get(key), dict) and isinstance(masked[key].get("caller"), dict):
            masked[key] = {**masked[key], "caller": caller_for(user, masked[key]["caller"], confidential)}
    return masked
