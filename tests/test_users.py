"""API users: tokens shown once, stored only as hashes, refused once revoked; and the `hotline users` commands."""

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from api.cli import main
from processes.models import ApiUser
from processes.service import Hotline
from processes.users import User, hash_token


@pytest.fixture
def users(db, clock):
    return Hotline.open(db.url.render_as_string(hide_password=False), clock).users


def user_count(users) -> int:
    with users.session() as session:
        return session.scalar(select(func.count()).select_from(ApiUser))


def test_tokens_authenticate_to_their_own_user_and_role(users):
    alice = users.add("alice", "operator")
    bob = users.add("bob", "department", "housing")
    assert alice.startswith("hl_") and alice != bob
    assert users.authenticate(alice) == User("alice", "operator", None)
    assert users.authenticate(bob) == User("bob", "department", "housing")


def test_only_the_hash_of_a_token_is_stored(users, db):
    token = users.add("carol", "admin")
    with db.connect() as conn:
        rows = conn.execute(text("SELECT * FROM hotline_users")).all()
    assert len(rows) == 1
    cells = [str(cell) for cell in rows[0]]
    assert not any(token in cell or token[3:] in cell for cell in cells)
    assert hash_token(token) in cells


@pytest.mark.parametrize("token", [None, "", "hl_", "hl_unknown", "not-a-token", "hl_\udcff"])
def test_missing_and_unknown_tokens_give_nobody(users, token):
    users.add("alice", "operator")
    assert users.authenticate(token) is None


def test_a_revoked_token_gives_nobody_and_the_name_can_be_added_again(users, clock):
    old = users.add("dave", "dispatcher")
    clock.advance(timedelta(hours=1))
    users.revoke("dave")
    assert users.authenticate(old) is None
    [listed] = users.list()
    assert listed["active"] is False and listed["revoked_at"] == clock.now()
    with pytest.raises(LookupError, match="dave"):
        users.revoke("dave")
    new = users.add("dave", "supervisor")
    assert users.authenticate(old) is None
    assert users.authenticate(new) == User("dave", "supervisor", None)
    assert user_count(users) == 1


def test_revoking_an_unknown_user_is_refused(users):
    with pytest.raises(LookupError, match="nobody"):
        users.revoke("nobody")


def test_the_list_shows_users_with_times_from_the_clock_and_nothing_from_tokens(users, clock):
    users.add("erin", "auditor")
    users.add("bob", "department", "water")
    listed = users.list()
    assert [u["name"] for u in listed] == ["bob", "erin"]
    assert listed[0] == {"name": "bob", "role": "department", "department": "water", "active": True,
                         "created_at": clock.now(), "revoked_at": None}


@pytest.mark.parametrize(("name", "role", "department", "message"), [
    ("frank", "root", None, "unknown role"),
    ("frank", "", None, "unknown role"),
    ("frank", "department", None, "needs a department"),
    ("frank", "department", "", "needs a department"),
    ("frank", "department", "no_such_unit", "unknown department"),
    ("frank", "operator", "housing", "only role 'department'"),
    ("frank", "admin", "", "only role 'department'"),
    ("", "operator", None, "needs a name"),
    ("   ", "operator", None, "needs a name"),
    ("x" * 101, "operator", None, "at most 100"),
    (" frank", "operator", None, "must not start or end"),
    ("fr\nank", "operator", None, "control characters"),
    ("alice", "leader", None, "already exists"),
])
def test_bad_input_is_refused_and_creates_nothing(users, name, role, department, message):
    users.add("alice", "operator")
    with pytest.raises(ValueError, match=message):
        users.add(name, role, department)
    assert user_count(users) == 1
    assert users.list()[0]["role"] == "operator"


def test_a_name_of_the_longest_allowed_length_and_in_chinese_is_accepted(users):
    assert users.authenticate(users.add("x" * 100, "designer")).name == "x" * 100
    assert users.authenticate(users.add("王小明", "leader")).role == "leader"


# -- the `hotline users` commands ----------------------------------------------------------------

@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def run(url):
    def invoke(*args):
        return CliRunner().invoke(main, ["--database-url", url, *args])

    return invoke


def test_users_add_prints_the_token_last_and_it_authenticates(run, url):
    result = run("users", "add", "grace", "--role", "department", "--department", "education")
    assert result.exit_code == 0, result.output
    *before, token = result.output.strip().splitlines()
    assert "grace" in before[0] and token.startswith("hl_") and " " not in token
    assert Hotline.open(url).users.authenticate(token) == User("grace", "department", "education")


def test_users_list_shows_no_token_or_hash(run, url):
    token = run("users", "add", "heidi", "--role", "operator").output.strip().splitlines()[-1]
    run("users", "add", "ivan", "--role", "department", "--department", "health")
    result = run("users", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "DEPARTMENT", "STATE", "CREATED"]
    assert lines[1].split()[:4] == ["heidi", "operator", "-", "active"]
    assert lines[2].split()[:4] == ["ivan", "department", "health", "active"]
    assert token not in result.output and token[3:] not in result.output
    assert hash_token(token) not in result.output and "hl_" not in result.output


def test_users_list_when_empty(run):
    assert "no users yet" in run("users", "list").output


def test_users_revoke_disables_the_token(run, url):
    token = run("users", "add", "judy", "--role", "leader").output.strip().splitlines()[-1]
    result = run("users", "revoke", "judy")
    assert result.exit_code == 0 and "revoked 'judy'" in result.output
    assert Hotline.open(url).users.authenticate(token) is None
    assert "revoked" in run("users", "list").output.splitlines()[1]
    again = run("users", "revoke", "judy")
    assert again.exit_code == 1 and "no active user named 'judy'" in again.output


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "superuser"], "unknown role 'superuser'"),
    (["--role", "department"], "needs a department"),
    (["--role", "operator", "--department", "housing"], "only role 'department'"),
])
def test_users_add_refuses_bad_input_with_a_message(run, args, message):
    result = run("users", "add", "mallory", *args)
    assert result.exit_code == 1
    assert message in result.output and "hl_" not in result.output
    assert "no users yet" in run("users", "list").output
