{
    "name": "Click & Collect: web-shop API",
    "summary": "External web shops send their orders into the Click & Collect flow over a REST "
               "API and hear of every change of state through signed webhooks",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "maintainers": ["click-collect"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": [
        "click_collect",
    ],
    "data": [
        # the group first: the access rules name it
        "security/click_collect_api_groups.xml",
        "security/click_collect_api_security.xml",
        "security/ir.model.access.csv",
        "data/click_collect_api_data.xml",
        # the action before the menu that opens it (under the flow's configuration menu)
        "wizards/click_collect_web_shop_api_key_views.xml",
        "views/click_collect_api_views.xml",
        "views/click_collect_api_menus.xml",
    ],
    "demo": [
        "demo/click_collect_api_demo.xml",
    ],
}
