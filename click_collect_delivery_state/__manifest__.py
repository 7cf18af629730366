{
    "name": "Click & Collect: follow OCA carrier states",
    "summary": "Ship-from-store web orders follow the carrier state (delivery_state) that any OCA "
               "carrier connector writes: shipped, delivered, failed, returned",
    "version": "19.0.1.1.0",
    "category": "Inventory/Delivery",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "maintainers": ["click-collect"],
    "development_status": "Alpha",
    # delivery_state is AGPL-3: a module built on it is too
    "license": "AGPL-3",
    "depends": [
        "click_collect",
        "delivery_state",
        # the connectors' common parts: the cash a courier collects is the flow's
        "delivery_courier_base",
    ],
    "post_init_hook": "post_init_hook",
    "auto_install": ["click_collect", "delivery_state"],
}
