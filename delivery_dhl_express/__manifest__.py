{
    "name": "DHL Express carrier (SOAP)",
    "summary": "Ship with DHL Express through its SOAP services: rates, shipments, PDF or ZPL "
               "labels, cancellation, tracking into OCA's delivery_state",
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
    "external_dependencies": {"python": ["zeep"]},
    "data": [
        "views/delivery_carrier_views.xml",
    ],
    "demo": [
        "demo/delivery_dhl_express_demo.xml",
    ],
}
