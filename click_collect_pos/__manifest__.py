{
    "name": "Click & Collect at the Point of Sale",
    "summary": "The store's web orders at its Odoo point of sale: badge, web-orders screen, "
               "hand-over, pay at the counter, printing at the till",
    "version": "19.0.1.1.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "maintainers": ["click-collect"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": [
        "click_collect",
        "pos_sale",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/click_collect_pos_security.xml",
        "views/click_collect_event_views.xml",
        "views/click_collect_return_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "report/click_collect_store_sales_views.xml",
    ],
    "demo": [
        "demo/click_collect_pos_demo.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "click_collect_pos/static/src/pos/**/*",
        ],
        "web.assets_tests": [
            "click_collect_pos/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "uninstall_hook": "uninstall_hook",
}
