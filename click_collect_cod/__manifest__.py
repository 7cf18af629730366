{
    "name": "Click & Collect: cash on delivery",
    "summary": "Ship-from-store orders paid in cash to the courier: awaiting COD, the courier's "
               "receivable, remittances fetched or imported and reconciled",
    "version": "19.0.1.1.0",
    "category": "Sales/Sales",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "maintainers": ["click-collect"],
    "development_status": "Alpha",
    # built on delivery_courier_base, which is AGPL-3 (it builds on OCA's delivery_state)
    "license": "AGPL-3",
    "depends": [
        "click_collect",
        # asks couriers' connectors for the cash they paid out
        "delivery_courier_base",
    ],
    "data": [
        "security/click_collect_cod_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        # actions before the menus that open them
        "views/click_collect_cod_views.xml",
        "views/sale_order_views.xml",
        "views/delivery_carrier_views.xml",
        "report/click_collect_cod_owed_views.xml",
        "views/click_collect_cod_menus.xml",
    ],
    "demo": [
        "demo/click_collect_cod_demo.xml",
    ],
}
