"""The web shops' technical users become external users in the group Web Shop (API) alone.

The demo's technical user was an internal user: its API keys opened Odoo's own APIs (/json/2,
XML-RPC) to every partner and product. It keeps the API group only. Other technical users are
the administrators' to change (they may hold groups on purpose): they are listed in the log.
"""

import logging

from odoo import SUPERUSER_ID, Command, api

_logger = logging.getLogger(__name__)


def _ref(env, name):
    """A record of the web-shop API, whether this update already moved it to click_collect_api
    (19.0.1.4.0) or not."""
    return env.ref(f"click_collect_api.{name}", raise_if_not_found=False) \
        or env.ref(f"click_collect.{name}", raise_if_not_found=False)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    api_group = _ref(env, "group_web_shop_api")
    demo_user = _ref(env, "user_web_shop")
    if api_group and demo_user and not demo_user.share:
        demo_user.group_ids = [Command.set(api_group.ids)]
        _logger.info("The demo web shop's technical user %s is now an external user in the API group alone",
                     demo_user.login)
    # in SQL: the field is click_collect_api's since 19.0.1.4.0, loaded after this script
    cr.execute("""
        SELECT u.login, s.name FROM click_collect_web_shop s
          JOIN res_users u ON u.id = s.user_id
         WHERE NOT u.share
    """)
    for login, shop in cr.fetchall():
        _logger.warning(
            "The technical user %s of the web shop %s is an internal user: its API keys open Odoo's own APIs. "
            "Give the web shop an external user in the group Web Shop (API) alone (Create Technical User).",
            login, shop,
        )
