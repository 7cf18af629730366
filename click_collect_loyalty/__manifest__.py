{
    "name": "Click & Collect: store credit for returns",
    "summary": "Goods of a web order brought back are refunded as store credit: a gift card or "
               "the customer's eWallet of Odoo's loyalty programs",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "maintainers": ["click-collect"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": [
        "click_collect",
        # gift cards and eWallets, and the salespeople's access to them
        "sale_loyalty",
    ],
    "data": [
        "views/click_collect_web_shop_views.xml",
        "views/res_company_views.xml",
        "views/click_collect_return_views.xml",
    ],
    "demo": [
        "demo/click_collect_loyalty_demo.xml",
    ],
    "auto_install": True,
    "uninstall_hook": "uninstall_hook",
}
