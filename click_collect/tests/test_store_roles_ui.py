from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

CLICK_EVERYWHERE = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader').startClickEverywhere('%s');"
)


@tagged("post_install", "-at_install")
class TestStoreRolesInTheWebClient(HttpCase):
    """Store roles work in Odoo's own apps: every menu and view of Inventory and of Click &
    Collect opens for a store user and a store manager, without an access error (Odoo's
    "click everywhere" robot, as Odoo tests its own menus)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store = cls.env["stock.warehouse"].create({"name": "UI Store", "code": "UIS", "cc_is_store": True})
        cls.users = {
            group: new_test_user(
                cls.env, f"cc_ui_{group.split('_', 1)[1]}", groups=f"click_collect.{group}",
                cc_store_ids=[Command.set(store.ids)], tour_enabled=False,
            )
            for group in ("group_store_user", "group_store_manager")
        }

    def _click_everywhere(self, user, menu):
        self.browser_js(
            "/odoo", CLICK_EVERYWHERE % menu, "odoo.isReady === true", login=user.login, timeout=600,
            success_signal="clickbot test succeeded",
        )

    def test_store_user_clicks_everywhere_in_inventory(self):
        """Inventory's Deliveries and Receipts lists used to jump to Discuss, and its overview
        to show an access error on delivery.carrier.zip_prefix_ids, for store roles."""
        self._click_everywhere(self.users["group_store_user"], "stock.menu_stock_root")

    def test_store_manager_clicks_everywhere_in_click_collect(self):
        self._click_everywhere(self.users["group_store_manager"], "click_collect.menu_root")
