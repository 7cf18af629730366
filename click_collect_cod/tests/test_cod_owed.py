"""The cash couriers owe, by courier and age."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .test_cod import CashOnDeliveryCommon


@tagged("post_install", "-at_install")
class TestCashOwedByAge(CashOnDeliveryCommon):

    def _awaiting_on(self, days_ago, carrier=None):
        with freeze_time(date.today() - timedelta(days=days_ago)):
            return self._awaiting(carrier)

    def test_owed_by_courier_and_age(self):
        """Bike Couriers collected 80.00 three days ago, 80.00 ten days ago and 80.00 forty days
        ago, and remitted the cash of an order collected twenty days ago; Van Couriers collected
        80.00 twenty days ago."""
        van = self.env["delivery.carrier"].create({
            "name": "Van Couriers", "delivery_type": "fixed", "product_id": self.bike.product_id.id,
            "allow_cash_on_delivery": True,
        })
        self._awaiting_on(3)
        self._awaiting_on(10)
        self._awaiting_on(40)
        remitted = self._awaiting_on(20)
        by_van = self._awaiting_on(20, van)
        wizard = Form(self.env["click_collect.cod.collect"].with_user(self.user_manager).with_context(
            default_order_id=remitted.id))
        wizard.reference = "CASH-DESK-8"
        wizard.fee = 0
        wizard.save().action_collect()
        self.env.flush_all()
        Owed = self.env["click_collect.cod.owed"].with_user(self.user_manager)
        groups = Owed.formatted_read_group(
            [("courier_id", "in", (self.bike | van).cc_partner_id.ids)], ["courier_id", "age"], ["amount:sum"])
        self.assertEqual(
            {(group["courier_id"][1], group["age"]): group["amount:sum"] for group in groups},
            {("Bike Couriers", "0_7"): 80.0, ("Bike Couriers", "8_15"): 80.0, ("Bike Couriers", "older"): 80.0,
             ("Van Couriers", "16_30"): 80.0},
        )
        self.assertEqual(Owed.search([("order_id", "=", by_van.id)]).age_days, 20)

    def test_who_sees_it(self):
        """Web-order managers and accountants see what couriers owe; store staff do not."""
        self._awaiting_on(1)
        accountant = new_test_user(self.env, "cc_test_owed_accountant",
                                   groups="base.group_user,account.group_account_readonly")
        self.assertTrue(self.env["click_collect.cod.owed"].with_user(accountant).search([]))
        for user in (self.user_store_manager_a, self.user_store_a):
            with self.assertRaises(AccessError):
                self.env["click_collect.cod.owed"].with_user(user).search([])
