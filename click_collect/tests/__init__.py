from . import (
    test_eshop,
    test_flow,
    test_notifications,
    test_payment,
    test_portal,
    test_queries,
    test_scan,
    test_security,
    test_ui,
)
