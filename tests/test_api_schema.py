"""The API against its own OpenAPI document: for requests generated from the document (valid and
invalid ones), no 5xx and no answer the document does not describe."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import API_PREFIX

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture(scope="session")
def api_schema(web_shop):
    schema = schemathesis.openapi.from_url(web_shop["url"] + API_PREFIX + "/openapi.json")
    schema.config.base_url = web_shop["url"] + API_PREFIX
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_openapi_document(case, web_shop):
    case.call_and_validate(base_url=web_shop["url"] + API_PREFIX,
                           headers={"Authorization": f"Bearer {web_shop['key']}"}, checks=CHECKS, timeout=60)
