{
    "name": "GHN (Giao Hang Nhanh) carrier",
    "summary": "Ship with GHN: rates, shipments with cash on delivery, labels, cancellation, "
               "tracking into OCA's delivery_state, GHN's status callbacks and payouts",
    "version": "19.0.1.0.0",
    "category": "Inventory/Delivery",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "maintainers": ["click-collect"],
    "development_status": "Alpha",
    "license": "AGPL-3",
    "depends": [
        "delivery_courier_base",
    ],
    "data": [
        "views/delivery_carrier_views.xml",
    ],
    "demo": [
        "demo/delivery_ghn_demo.xml",
    ],
}
