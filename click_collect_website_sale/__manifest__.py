{
    "name": "Click & Collect for the Odoo e-shop",
    "summary": "Orders of Odoo's own e-shop with \"Pick up in store\" enter the Click & Collect "
               "flow of the chosen store",
    "version": "19.0.1.0.0",
    "category": "Website/Website",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "maintainers": ["click-collect"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": [
        "click_collect",
        "website_sale_collect",
    ],
    "data": [
        "views/res_config_settings_views.xml",
        "views/stock_warehouse_views.xml",
    ],
    "auto_install": True,
}
