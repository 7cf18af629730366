"""The API against its own OpenAPI document, with every check of schemathesis: for requests
generated from the document (valid and invalid ones), no 5xx, no answer the document does not
describe, invalid requests refused, valid ones taken, wrong methods answered 405 with Allow,
requests without the API key refused.

Valid requests may still be refused for what no schema can say: a variant id or EAN that is in
no catalogue, a store or country code nobody has, a payment method the fulfilment does not take
(documented business refusals, ``BUSINESS_REFUSALS``). Any other refusal of a valid request
fails, as does any invalid request taken.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from conftest import API_PREFIX

# 422 answers to valid requests that depend on the database, not on the request's shape
BUSINESS_REFUSALS = {
    "unknown_variant",  # a variant id or EAN of no product for sale
    "ambiguous_ean",  # an EAN of several products
    "unknown_store",  # a store code of no store
    "unknown_country",  # a country code Odoo does not know
    "invalid_payment_method",  # a payment method this fulfilment does not take, or sent paid
    "invalid_amount",  # an amount that rounds to nothing in the order's currency
    "refused",  # another refusal of Odoo's (stock, accounting)
}


API_KEY = {}


@schemathesis.auth(refresh_interval=None)
class WebShopKey:
    """The web shop's API key, on every request but those that test what the API answers
    without it (schemathesis leaves the key out of those)."""

    def get(self, case, context):
        return API_KEY["key"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture(scope="session")
def api_schema(web_shop):
    API_KEY["key"] = web_shop["key"]
    schema = schemathesis.openapi.from_url(web_shop["url"] + API_PREFIX + "/openapi.json")
    schema.config.base_url = web_shop["url"] + API_PREFIX
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


def valid_data_taken_or_refused_for_business(ctx, response, case):
    """schemathesis' positive data acceptance, told about the documented business refusals."""
    if response.status_code == 422 and response.json()["error"]["code"] in BUSINESS_REFUSALS:
        return None
    return positive_data_acceptance(ctx, response, case)


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_openapi_document(case, web_shop):
    # every check schemathesis has (checks=None: all of them), the positive data check as above
    case.call_and_validate(base_url=web_shop["url"] + API_PREFIX, excluded_checks=[positive_data_acceptance],
                           additional_checks=[valid_data_taken_or_refused_for_business], timeout=60)
