from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestStoreRolesSayWhatTheyReach(ClickCollectCommon):
    """Odoo's new-user form pre-fills administrator rights of the installed apps; a store user
    left with them sees every store's orders. The user form says so plainly."""

    def test_store_user_with_admin_rights_is_warned(self):
        user = new_test_user(
            self.env, "cc_test_wide_store_user",
            groups="click_collect.group_store_user,sales_team.group_sale_manager,stock.group_stock_manager",
            cc_store_ids=[Command.set(self.store_a.ids)],
        )
        warning = user.cc_role_warning
        self.assertIn("every store's web orders", warning)
        self.assertIn("every store's transfers", warning)
        self.assertNotIn("Own Documents", warning, "a higher Sales right says it once")
        # and it sees them indeed: the warning is not a figure of speech
        other = self._order(store=self.store_b)
        self.assertEqual(self.env["sale.order"].with_user(user).search([("id", "=", other.id)]), other)

    def test_store_roles_alone_are_not_warned(self):
        for user in (self.user_store_a, self.user_store_manager_a, self.user_manager):
            self.assertFalse(user.cc_role_warning, user.login)
        plain = new_test_user(self.env, "cc_test_plain_sales", groups="sales_team.group_sale_manager")
        self.assertFalse(plain.cc_role_warning, "users without a store role are not concerned")

    def test_warning_in_the_user_form(self):
        """As a new administrator does it: a user made with Odoo's new-user form (which
        pre-fills the installed apps' rights) and given the store role."""
        form = Form(self.env["res.users"], view="base.view_users_form")
        form.name = "New Clerk"
        form.login = "cc_test_new_clerk"
        user = form.save()
        user.write({"group_ids": [Command.link(self.env.ref("click_collect.group_store_user").id)],
                    "cc_store_ids": [Command.set(self.store_a.ids)]})
        warning = Form(user, view="base.view_users_form").cc_role_warning
        if self.env.ref("sales_team.group_sale_salesman") in user.all_group_ids:
            self.assertIn("web orders", warning)
        user.group_ids -= self.env["res.groups"].search([("id", "not in", (
            self.env.ref("base.group_user") | self.env.ref("click_collect.group_store_user")).ids)])
        self.assertFalse(Form(user, view="base.view_users_form").cc_role_warning)
