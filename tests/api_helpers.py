"""An API test client with one user per role, on a hotline with the real diagrams deployed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.app import create_app
from engine.clock import SimulatedClock
from processes.desk import Desk
from processes.service import Hotline
from tests.hotline_helpers import intake, shanghai

USERS = {
    "operator": ("operator", None), "dispatcher": ("dispatcher", None), "water": ("department", "water"),
    "housing": ("department", "housing"), "supervisor": ("supervisor", None), "leader": ("leader", None),
    "auditor": ("auditor", None), "designer": ("designer", None), "admin": ("admin", None),
}


class Api:
    """Calls the API as a named user: ``api.post("operator", "/cases", json=...)``."""

    def __init__(self, database_url: str, start: datetime | None = None):
        self.clock = SimulatedClock(start or shanghai(2026, 11, 30, 9))
        self.hotline = Hotline.open(database_url, self.clock)
        Desk(self.hotline)  # deploys bpmn/ and forms/
        self.tokens = {name: self.hotline.users.add(name, *role) for name, role in USERS.items()}
        self.client = create_app(self.hotline).test_client()

    def request(self, method: str, user: str | None, path: str, **kwargs: Any):
        headers = kwargs.pop("headers", {})
        if user:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, user, path, **kwargs):
        return self.request("GET", user, path, **kwargs)

    def post(self, user, path, **kwargs):
        return self.request("POST", user, path, **kwargs)

    def register(self, **changes: Any) -> dict[str, Any]:
        response = self.post("operator", "/cases", json=intake(**changes))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def task(self, user: str, number: str, name: str) -> dict[str, Any]:
        tasks = self.get(user, f"/tasks?case={number}&name={name}").get_json()["items"]
        assert len(tasks) == 1, tasks
        return tasks[0]

    def complete(self, user: str, number: str, name: str, data: dict[str, Any]) -> dict[str, Any]:
        response = self.post(user, f"/tasks/{self.task(user, number, name)['id']}/complete", json=data)
        assert response.status_code == 200, response.get_json()
        return response.get_json()
