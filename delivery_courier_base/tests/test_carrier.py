from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CourierCase


@tagged("post_install", "-at_install")
class TestCarrier(CourierCase):
    """What a carrier without a connector says, who sets the service address, and Odoo's own
    cash on delivery as the amount a carrier collects."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls.env["delivery.carrier"].create({
            "name": "Local courier", "delivery_type": "fixed", "product_id": cls.fee.id,
        })
        cls.stock_manager = new_test_user(
            cls.env, login="courier_stock_manager", groups="stock.group_stock_manager,sales_team.group_sale_manager",
        )

    def test_a_carrier_without_connector(self):
        self.assertFalse(self.carrier.courier_has_connector)
        self.assertIsNone(self.carrier._courier_hook("courier_client"))
        self.assertIsNone(self.env["delivery.carrier"]._courier_hook("courier_client"), "no carrier, no hook")
        self.assertNotIn("fixed", self.env["delivery.carrier"]._courier_types())
        with self.assertRaisesRegex(UserError, "Local courier has no connector"):
            self.carrier.action_courier_test_connection()

    def test_only_administrators_set_where_credentials_go(self):
        carrier = self.carrier.with_user(self.stock_manager)
        carrier.write({"courier_timeout": 5.0, "courier_retries": 1})
        with self.assertRaises(AccessError):
            carrier.write({"courier_endpoint_url": "https://collector.example.com"})
        with self.assertRaises(AccessError):
            carrier.read(["courier_endpoint_url"])
        with self.assertRaises(AccessError):
            self.env["delivery.carrier"].with_user(self.stock_manager).create({
                "name": "Rogue", "product_id": self.fee.id, "courier_endpoint_url": "https://collector.example.com",
            })
        self.carrier.courier_endpoint_url = "https://proxy.example.com"
        self.assertEqual(self.carrier.courier_endpoint_url, "https://proxy.example.com")

    def test_a_slow_carrier_holds_a_worker_for_bounded_time(self):
        for values in ({"courier_timeout": 0}, {"courier_timeout": 3600}, {"courier_retries": -1},
                       {"courier_retries": 100}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.carrier.with_user(self.stock_manager).write(values)
        self.carrier.write({"courier_timeout": 60, "courier_retries": 5})

    def test_odoo_cash_on_delivery_is_what_the_carrier_collects(self):
        _order, picking = self._sale(self.carrier)
        self.assertEqual(picking._courier_cod_amount(), 0.0, "an order not paid in cash on delivery")
        _order, picking = self._sale(self.carrier, qty=2, cod=True)
        self.assertEqual(picking._courier_cod_amount(), 80.0)
