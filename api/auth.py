"""Bearer-token authentication and role checks for every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request

from processes.access import STAFF
from processes.service import Hotline
from processes.users import User

from .errors import problem
from .i18n import text

PUBLIC = ("/api/v1/health", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/public/")


def authenticate():
    """Before each request: who is calling (401 for no, unknown or revoked tokens)."""
    if not request.path.startswith("/api/v1") or request.path.startswith(PUBLIC):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = hotline().users.authenticate(token.strip()) if scheme == "Bearer" else None
    if user is None:
        response = problem(401, text("缺少或无效的令牌", "missing, unknown or revoked token"))
        response.headers["WWW-Authenticate"] = 'Bearer realm="hotline"'
        return response
    g.user = user
    return None


def current_user() -> User:
    return g.user


def hotline() -> Hotline:
    """The hotline this app serves."""
    return current_app.extensions["hotline"]


def roles(*allowed: str) -> Callable:
    """Only these roles may call the endpoint (admin may always); others get 403."""
    allowed_roles = set(allowed) | {"admin"}

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            if current_user().role not in allowed_roles:
                return problem(403, text("当前角色无权进行此操作", "your role may not do this"))
            return view(*args, **kwargs)

        return checked

    return decorate


all_staff = roles(*STAFF)
staff_and_designers = roles(*STAFF, "designer")  # designers work and read the cases of their own diagrams
