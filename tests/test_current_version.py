"""The version new cases start on: the latest deployed, or one a designer made current again (a rollback); every
change is in the process's deployment events. Both databases."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from api.cli import main
from tests.api_helpers import USERS, Api
from tests.design_helpers import diagram, flows, task
from tests.test_cli import SETTINGS_VARIABLES


def files(version: int) -> dict[str, bytes]:
    """Version ``version`` of a one-task process ``p`` (the task's name tells the versions apart)."""
    return diagram('<bpmn:startEvent id="s"/>' + task("t", f"Step of version {version}") +
                   '<bpmn:endEvent id="e"/>' + flows("s>t", "t>e"))


def deploy(api: Api, version: int, user: str = "designer"):
    upload = {"files": [(io.BytesIO(content), name) for name, content in files(version).items()]}
    return api.post(user, "/deployments", data=upload, content_type="multipart/form-data",
                    headers={"Accept-Language": "en"})


def started_on(api: Api) -> int:
    response = api.post("designer", "/processes/p/cases", json={"data": {}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["version"]


def catalogue(api: Api) -> dict:
    return next(p for p in api.get("auditor", "/processes").get_json() if p["process_id"] == "p")


def events(api: Api) -> list[tuple]:
    return [(e["version"], e["kind"], e["actor"]) for e in api.get("auditor", "/processes/p/events").get_json()]


@pytest.fixture
def three(api):
    """``p`` deployed as versions 1, 2 and 3."""
    for version in (1, 2, 3):
        assert deploy(api, version).status_code == 201
    return api


def test_redeploying_old_files_names_their_version_and_the_current_one_and_changes_nothing(three):
    again = deploy(three, 1)
    assert again.status_code == 200
    body = again.get_json()
    assert (body["version"], body["created"], body["current_version"]) == (1, False, 3)
    assert body["message"] == "already deployed as version 1; new cases start on version 3"
    assert started_on(three) == 3
    assert events(three) == [(1, "deployed", "designer"), (2, "deployed", "designer"), (3, "deployed", "designer")]


def test_a_rollback_makes_new_cases_start_on_the_earlier_version_until_the_next_deployment(three):
    rolled = three.post("designer", "/processes/p/current", json={"version": 1})
    assert rolled.status_code == 200, rolled.get_json()
    assert rolled.get_json() == {"process_id": "p", "latest_version": 3, "current_version": 1}
    assert started_on(three) == 1
    assert catalogue(three)["current_version"] == 1
    assert {v["current_version"] for v in three.get("designer", "/processes/p/versions").get_json()} == {1}
    assert deploy(three, 3).get_json()["message"] == "already deployed as version 3; new cases start on version 1"
    [at] = {e["at"] for e in three.get("designer", "/processes/p/events").get_json()[3:]}
    assert at.startswith("2026-11-30T01:00:00")  # the engine clock's time (09:00 in Shanghai)

    assert deploy(three, 4, user="admin").status_code == 201
    assert started_on(three) == 4
    assert catalogue(three) == {"process_id": "p", "latest_version": 4, "current_version": 4}
    assert events(three)[3:] == [(1, "made_current", "designer"), (4, "deployed", "admin")]


def test_making_the_current_version_current_again_records_nothing(three):
    assert three.post("admin", "/processes/p/current", json={"version": 3}).get_json()["current_version"] == 3
    assert len(events(three)) == 3


@pytest.mark.parametrize(("path", "body", "status"), [
    ("/processes/p/current", {"version": 9}, 404),
    ("/processes/nothing/current", {"version": 1}, 404),
    ("/processes/p/current", {"version": 0}, 400),
    ("/processes/p/current", {"version": "1"}, 400),
    ("/processes/p/current", {"version": 1.5}, 400),
    ("/processes/p/current", {}, 400),
    ("/processes/p/current", {"version": 1, "extra": True}, 400),
    ("/processes/p/current", [1], 400),
])
def test_bad_rollbacks_are_refused_and_change_nothing(three, path, body, status):
    response = three.post("designer", path, json=body)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["status"] == status
    assert started_on(three) == 3
    assert len(events(three)) == 3


@pytest.mark.parametrize("user", sorted(USERS))
def test_who_may_roll_back_and_read_the_events(three, user):
    role = USERS[user][0]
    rolled = three.post(user, "/processes/p/current", json={"version": 2})
    assert rolled.status_code == (200 if role in ("designer", "admin") else 403)
    read = three.get(user, "/processes/p/events")
    assert read.status_code == (200 if role in ("designer", "auditor", "admin") else 403)
    assert started_on(three) == (2 if role in ("designer", "admin") else 3)


def test_events_of_an_unknown_process_are_not_found(api):
    assert api.get("auditor", "/processes/nothing/events").status_code == 404


def test_deployment_events_are_append_only(three):
    with three.hotline.engine.session() as session, pytest.raises(Exception, match="append-only"):
        session.execute(text("UPDATE deployment_events SET actor = 'someone else'"))
        session.commit()
    assert events(three)[0] == (1, "deployed", "designer")


def test_the_cli_rolls_back_and_says_which_version_new_cases_start_on(tmp_path, monkeypatch):
    for name in SETTINGS_VARIABLES:  # no settings inherited from the shell running the tests
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOTLINE_HOME", str(tmp_path / "instance"))
    paths = []
    for version in (1, 2):
        folder = tmp_path / f"v{version}"
        folder.mkdir()
        for name, content in files(version).items():
            (folder / name).write_bytes(content)
        paths.append(str(folder))
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*args):
        result = CliRunner().invoke(main, ["--database-url", url, *args])
        return result.exit_code, result.output.strip()

    assert run("deploy", paths[0]) == (0, "p: deployed version 1 (2 files)")
    assert run("deploy", paths[1]) == (0, "p: deployed version 2 (2 files)")
    assert run("rollback", "p", "1") == (0, "p: new cases now start on version 1")
    assert run("rollback", "p", "1") == (0, "p: new cases already start on version 1")
    assert run("deploy", paths[1]) == (0, "p: already deployed as version 2; new cases start on version 1 (2 files)")
    code, output = run("rollback", "p", "7")
    assert (code, output.splitlines()) == (1, ["Error: process 'p' has no version 7"])
