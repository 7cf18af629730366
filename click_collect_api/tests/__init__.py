from . import (
    test_api,
    test_api_access,
    test_api_companies,
    test_api_faults,
    test_api_http,
    test_api_queries,
    test_api_returns,
    test_api_user,
    test_api_webhooks,
)
