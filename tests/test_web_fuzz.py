"""Fuzz the web workspace's JSON API from its own OpenAPI schema (schemathesis).

The schema is read from the application itself (``/api/openapi.json``, in-process through
ASGI: no network), with the API token of the owner of case ``alice``; every operation gets a
bounded, derandomised number of generated requests, valid and invalid, in case ``alice`` (so
that they reach the case layer rather than stop at "no such case"). No answer may be a 5xx.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from test_web_access import app_routes

from rempart import case as rc
from rempart.web import create_app

from web_support import workspace

#: Generated requests per operation (fuzzing phase): a few dozen, the same ones every run.
EXAMPLES = 40


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = workspace(Path(tmp_path_factory.mktemp("web-fuzz")), messages=12)
    token = rc.issue_token(ws.case("alice"), "owner@example.org")
    auth = {"Authorization": f"Bearer {token}"}
    app = create_app(ws)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, headers=auth)
    schema.config.update(headers=auth, parameters={"path.slug": "alice"})
    schema.config.generation.update(
        max_examples=EXAMPLES, deterministic=True, database="none", no_shrink=True
    )
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


def test_the_schema_has_every_api_operation(api_schema: Any) -> None:
    """Every API route is in the schema (so it is fuzzed), the schema's own route aside."""
    app: FastAPI = api_schema.app
    routes = {f"{m} {p}" for m, p in app_routes(app) if p.startswith("/api/")}
    labels = {op.ok().label for op in api_schema.get_all_operations()}
    assert labels == routes - {"GET /api/openapi.json"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_api_answer_is_a_server_error(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.content[:500]!r}"
    )
    if case.path_parameters and case.path_parameters.get("slug") == "alice":
        assert response.status_code not in (401, 403), response.content[:300]
    case.validate_response(response, checks=[not_a_server_error])
