{
    "name": "Carrier connectors: common parts",
    "summary": "What every carrier connector shares: the service address, timeout and retries, "
               "a patient HTTP transport, errors a person can read, Test Connection, labels, "
               "tracking into OCA's delivery_state",
    "version": "19.0.1.0.0",
    "category": "Inventory/Delivery",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "maintainers": ["click-collect"],
    "development_status": "Alpha",
    # delivery_state is AGPL-3: a module built on it is too
    "license": "AGPL-3",
    "depends": [
        "stock_delivery",
        "delivery_state",
    ],
    "data": [
        "views/delivery_carrier_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "delivery_courier_base/static/src/courier_error_dialogs.js",
        ],
    },
}
