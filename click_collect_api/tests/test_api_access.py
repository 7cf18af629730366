from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.click_collect.tests.test_access_matrix import AccessMatrixCommon

# model -> (store user, store manager, web-order manager, web shop API user): may they read it?
READ = {
    "click_collect.web.shop": (True, True, True, True),
    "click_collect.webhook.delivery": (False, False, True, False),
    "click_collect.api.request": (False, False, True, True),
    "click_collect.notification": (True, True, True, False),
}


@tagged("post_install", "-at_install")
class TestApiAccessMatrix(AccessMatrixCommon):
    """What a web shop's technical user reads and changes, beside the flow's users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api_user = new_test_user(cls.env, "cc_test_api_a", groups="click_collect_api.group_web_shop_api")
        cls.shop_a.user_id = cls.api_user
        cls.users = {**cls.users, "API user of shop A": cls.api_user}

    def test_the_api_user_reads_its_own_shop_orders(self):
        every = self.order_a | self.order_b | self.plain
        self.assertEqual(self._readable(self.api_user, every), self.order_a)
        self.assertEqual(self._readable(self.api_user, every.cc_event_ids).order_id,
                         self.order_a & every.filtered("cc_state"))

    def test_the_api_user_moves_no_order_through_the_door(self):
        """The API cancels and pays through its own routes; its user is no store user."""
        with self.assertRaises(UserError):
            self.order_a.with_user(self.api_user)._cc_transition("accepted")
        self.assertEqual(self.order_a.cc_state, "new")

    def test_configuration_and_records_by_user(self):
        self._check_reads(READ)
        # nobody but administrators reads the web shop's webhook key
        for name, user in self.users.items():
            with self.subTest(user=name), self.assertRaises(AccessError):
                self.shop_a.with_user(user).read(["webhook_secret"])
