"""Property-based fuzzing of every endpoint from the served OpenAPI document (bounded, in `make test`).

No generated request may make the service answer 500, and every response must match its documented
schema. Schemathesis generates the requests from the document the service serves; its pytest plugin
does not run on this pytest, so each operation's strategy is driven by Hypothesis directly.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from engine.store import connect
from processes.database import upgrade
from tests.api_helpers import Api

EXAMPLES = 15


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    upgrade(connect(url))
    api = Api(url)
    api.register(departments=["water"])
    return api


def operations(api: Api):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api.client.application)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize(("user", "mode"), [("admin", GenerationMode.POSITIVE), ("water", GenerationMode.POSITIVE),
                                            ("admin", GenerationMode.NEGATIVE)])
def test_no_request_makes_the_service_fail_or_break_its_documented_schema(fuzzed, user, mode):
    """Valid requests, and requests that break the schema on purpose (wrong types, missing fields, values out
    of range): never a 500, and every answer is documented."""
    headers = {"Authorization": f"Bearer {fuzzed.tokens[user]}"}
    checked = []
    for operation in operations(fuzzed):

        @given(case=operation.as_strategy(mode))
        # Each example is a real request to the app on a real database: slow, and large bodies are the point.
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
        def fuzz(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            fuzz()
        except Unsatisfiable:  # an operation without parameters or body has nothing to make invalid
            if mode == GenerationMode.POSITIVE:
                raise
            continue
        checked.append(operation.label)
    assert len(checked) >= 18
