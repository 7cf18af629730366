"""The web shops' technical users become external users in the group Web Shop (API) alone.

The demo's technical user was an internal user: its API keys opened Odoo's own APIs (/json/2,
XML-RPC) to every partner and product. It keeps the API group only. Other technical users are
the administrators' to change (they may hold groups on purpose): they are listed in the log.
"""

import logging

from odoo import SUPERUSER_ID, Command, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    api_group = env.ref("click_collect.group_web_shop_api")
    demo_user = env.ref("click_collect.user_web_shop", raise_if_not_found=False)
    if demo_user and not demo_user.share:
        demo_user.group_ids = [Command.set(api_group.ids)]
        _logger.info("The demo web shop's technical user %s is now an external user in the API group alone",
                     demo_user.login)
    shops = env["click_collect.web.shop"].with_context(active_test=False).search(
        [("user_id", "!=", False), ("user_id.share", "=", False)])
    for shop in shops:
        _logger.warning(
            "The technical user %s of the web shop %s is an internal user: its API keys open Odoo's own APIs. "
            "Give the web shop an external user in the group Web Shop (API) alone (Create Technical User).",
            shop.user_id.login, shop.name,
        )
