{
    "name": "Click & Collect and Ship from Store",
    "summary": "Web orders picked up in a store or shipped from it: one flow for back office, "
               "stores, couriers and customers",
    "version": "19.0.1.8.0",
    "category": "Sales/Sales",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "maintainers": ["click-collect"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": [
        "sale_stock",
        "stock_delivery",
        "portal",
        "sms",
        "payment_custom",
        "barcodes",
    ],
    "external_dependencies": {"python": ["python-barcode"]},
    "data": [
        # groups first: the access rules and menus name them
        "security/click_collect_groups.xml",
        "security/click_collect_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/payment_provider_data.xml",
        "data/click_collect_return_data.xml",
        # actions before the menus that open them
        "views/sale_order_views.xml",
        "views/stock_warehouse_views.xml",
        "views/res_users_views.xml",
        "views/click_collect_web_shop_views.xml",
        "views/res_company_views.xml",
        "views/click_collect_event_views.xml",
        "views/click_collect_return_views.xml",
        "views/delivery_carrier_views.xml",
        "wizards/click_collect_scan_views.xml",
        "wizards/click_collect_payment_register_views.xml",
        "wizards/click_collect_ship_views.xml",
        "wizards/click_collect_handover_views.xml",
        "wizards/click_collect_return_refund_views.xml",
        "views/click_collect_menus.xml",
        "report/click_collect_figures_views.xml",
        # customer messages, pickup code, portal tracking page
        "security/click_collect_notification_security.xml",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "data/click_collect_notification_data.xml",
        "views/click_collect_notification_views.xml",
        "views/portal_templates.xml",
        # pick list and address label (PDF), printed from the form (and the point of sale)
        "report/click_collect_reports.xml",
        "report/click_collect_report_templates.xml",
        "views/sale_order_print_views.xml",
    ],
    "demo": [
        "demo/click_collect_demo.xml",
        "demo/click_collect_demo_orders.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "click_collect/static/src/js/pickup_code_field.js",
            "click_collect/static/src/scss/web_order_kanban.scss",
        ],
        "web.assets_frontend": [
            "click_collect/static/src/scss/portal_tracking.scss",
        ],
        "web.assets_tests": [
            "click_collect/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
