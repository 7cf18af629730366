from . import (
    test_api,
    test_api_queries,
    test_api_webhooks,
    test_couriers,
    test_eshop,
    test_flow,
    test_payment,
    test_queries,
    test_scan,
    test_security,
    test_stock,
    test_ui,
)
