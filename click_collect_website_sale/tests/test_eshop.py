from odoo.tests import new_test_user, tagged

from odoo.addons.click_collect.tests.common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestEshopPickup(ClickCollectCommon):
    """Orders of Odoo's own e-shop with "Pick up in store" become Click & Collect orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.in_store = cls.env["delivery.carrier"].create({
            "name": "Pick up in store (test)",
            "delivery_type": "in_store",
            "product_id": cls.env["product.product"].create({"name": "Pickup", "type": "service"}).id,
            "warehouse_ids": [(6, 0, (cls.store_a | cls.store_b).ids)],
        })

    def _eshop_order(self, warehouse):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [(0, 0, {"product_id": self.product_1.id, "product_uom_qty": 1})],
        })
        order.write({"carrier_id": self.in_store.id})
        # what website_sale_collect stores when the customer picks a store on the checkout page
        address = warehouse.partner_id
        order.pickup_location_data = {
            "id": warehouse.id, "name": address.name, "street": address.street or "",
            "city": address.city or "", "state": "", "zip_code": address.zip or "",
            "country_code": address.country_code or "", "latitude": 50.85, "longitude": 4.35,
            "opening_hours": {},
        }
        order.warehouse_id = warehouse
        return order

    def test_pickup_in_store_becomes_pickup_order(self):
        order = self._eshop_order(self.store_b)
        self.assertFalse(order.cc_fulfilment)
        order.action_confirm()
        self.assertRecordValues(order, [{
            "cc_fulfilment": "pickup", "cc_store_id": self.store_b.id, "cc_state": "new",
            "warehouse_id": self.store_b.id,
        }])
        self.assertEqual(order.cc_event_ids.channel, "shop")
        self.assertEqual(order.picking_ids.picking_type_id.warehouse_id, self.store_b)

    def test_salesperson_confirms_an_eshop_pickup_order(self):
        """Plain Odoo: a salesperson confirms a customer's "Pick up in store" quotation in the
        back office; it becomes the store's web order, its revenue booked on the store's
        analytic account by the flow (not by the salesperson, who changes no web order's
        lines)."""
        self.env["res.config.settings"].create({"group_analytic_accounting": True}).execute()
        plan = self.env["account.analytic.plan"].create({"name": "Stores"})
        self.store_b.cc_analytic_account_id = self.env["account.analytic.account"].create(
            {"name": "Store B revenue", "plan_id": plan.id})
        seller = new_test_user(self.env, "cc_test_eshop_seller",  # Odoo makes the pickup address a contact
                               groups="sales_team.group_sale_salesman_all_leads,base.group_partner_manager")
        order = self._eshop_order(self.store_b)
        order.with_user(seller).action_confirm()
        self.assertRecordValues(order, [{"state": "sale", "cc_fulfilment": "pickup", "cc_state": "new"}])
        self.assertEqual(order.order_line.filtered(lambda line: not line.is_delivery)[:1].analytic_distribution,
                         {str(self.store_b.cc_analytic_account_id.id): 100})

    def test_pickup_at_a_plain_warehouse_stays_a_sale(self):
        order = self._eshop_order(self.not_a_store)
        order.action_confirm()
        self.assertFalse(order.cc_fulfilment)
        self.assertFalse(order.cc_state)

    def test_pickup_at_a_store_that_only_ships_stays_a_sale(self):
        """A store that does not do Click & Collect takes no e-shop pickup as a web order: Odoo's
        own pickup order stays as it is."""
        self.store_a.cc_does_pickup = False
        order = self._eshop_order(self.store_a)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.cc_fulfilment)
