"""Verified tokens are remembered for a short while, and a revocation is honoured at once on the node that made it
and within the cache's time on every other node."""

from __future__ import annotations

import pytest

from engine.limits import TOKEN_CACHE_SECONDS
from processes.service import Hotline
from processes.users import TokenCache, User, Users
from tests.api_helpers import Api
from tests.statements import counted


@pytest.fixture
def url(db):
    return db.url.render_as_string(hide_password=False)


@pytest.fixture
def hotline(url, clock):
    return Hotline.open(url, clock)


class Ticks:
    """A monotonic timer the test moves by hand (the cache's notion of how long an entry has been trusted)."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def user_reads(hotline: Hotline, token: str, users: Users | None = None) -> tuple[User | None, int]:
    """Who the token names, and how many times the user table was read to find out."""
    with counted(hotline.engine.db) as cost:
        user = (users or hotline.users).authenticate(token)
    return user, len(cost.reads("FROM hotline_users"))


def test_a_verified_token_is_not_looked_up_again(hotline):
    token = hotline.users.add("ivy", "operator")
    assert user_reads(hotline, token) == (User("ivy", "operator"), 1)
    assert user_reads(hotline, token) == (User("ivy", "operator"), 0)
    assert user_reads(hotline, "hl_unknown") == (None, 1)
    assert user_reads(hotline, "hl_unknown") == (None, 1)  # only tokens that let someone in are kept


def test_a_revoked_token_is_refused_at_once_on_the_node_that_revoked_it(hotline):
    token = hotline.users.add("ivy", "operator")
    assert hotline.users.authenticate(token) is not None
    hotline.users.revoke("ivy")
    assert hotline.users.authenticate(token) is None


def test_a_name_added_again_has_its_new_role_at_once(hotline):
    old = hotline.users.add("ivy", "operator")
    hotline.users.authenticate(old)
    hotline.users.revoke("ivy")
    new = hotline.users.add("ivy", "auditor")
    assert (hotline.users.authenticate(old), hotline.users.authenticate(new)) == (None, User("ivy", "auditor"))


def test_another_node_honours_a_revocation_within_the_cache_time(hotline, url, clock):
    ticks = Ticks()
    node = Hotline.open(url, clock)
    other = Users(node.engine, node.directory, TokenCache(timer=ticks))
    token = hotline.users.add("ivy", "operator")
    assert other.authenticate(token) == User("ivy", "operator")
    hotline.users.revoke("ivy")
    ticks.now += TOKEN_CACHE_SECONDS - 1
    assert other.authenticate(token) == User("ivy", "operator")  # the window a node may lag, and no longer:
    ticks.now += 1
    assert user_reads(node, token, other) == (None, 1)


def test_the_cache_keeps_the_most_recently_used_tokens_only(hotline, url, clock):
    node = Hotline.open(url, clock)
    users = Users(node.engine, node.directory, TokenCache(size=2))
    tokens = [hotline.users.add(name, "operator") for name in ("a", "b", "c")]
    for token in tokens:
        users.authenticate(token)
    assert [user_reads(node, token, users)[1] for token in (tokens[2], tokens[1], tokens[0])] == [0, 0, 1]


def test_a_lookup_that_began_before_a_revocation_is_not_kept():
    cache = TokenCache()

    def read_while_revoked() -> User:
        cache.forget("ivy")  # the revocation lands while the table is being read
        return User("ivy", "operator")

    assert cache.user("digest", read_while_revoked) == User("ivy", "operator")
    reads = []
    cache.user("digest", lambda: reads.append(1) or None)
    assert reads == [1]


def test_over_http_a_token_used_a_moment_ago_gets_401_once_revoked(url):
    api = Api(url)
    assert api.get("leader", "/cases").status_code == 200
    api.hotline.users.revoke("leader")
    response = api.get("leader", "/cases")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
