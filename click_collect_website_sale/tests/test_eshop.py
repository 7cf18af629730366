from odoo import Command
from odoo.exceptions import UserError
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


@tagged("post_install", "-at_install")
class TestEshopSelfService(TestEshopPickup):
    """What the customer of an e-shop pickup order may do from its page follows the website's
    settings (it has no web shop of the API); a change of store stays among the stores of its
    delivery method and moves its pickup location."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].create({"name": "CC Test E-shop"})
        # Odoo gives a new pickup method every warehouse: this one offers stores A and B only
        cls.in_store.warehouse_ids = [Command.set((cls.store_a | cls.store_b).ids)]
        for store, street in ((cls.store_a, "Rue Neuve 12"), (cls.store_b, "Veldstraat 1")):
            # coordinates known: Odoo asks a geocoding service for none
            store.partner_id.write({"street": street, "city": "Brussels", "partner_latitude": 50.85,
                                    "partner_longitude": 4.35})

    def _confirmed(self, warehouse):
        order = self._eshop_order(warehouse)
        order.website_id = self.website
        order.action_confirm()
        return order

    def test_settings_of_the_website(self):
        order = self._confirmed(self.store_a)
        self.assertEqual(order._cc_self_service_rules(), {"cancel": False, "store_change": True})
        self.assertFalse(order._cc_customer_may_cancel())
        settings = self.env["res.config.settings"].with_context(website_id=self.website.id).create({
            "website_id": self.website.id})
        settings.write({"cc_customer_cancel": True, "cc_customer_store_change": False})
        settings.execute()
        self.assertRecordValues(self.website, [{"cc_customer_cancel": True, "cc_customer_store_change": False}])
        self.assertTrue(order._cc_customer_may_cancel())
        self.assertEqual(order._cc_customer_store_choices(), [])
        with self.assertRaisesRegex(UserError, "cannot be changed online"):
            order._cc_change_store_by_customer(self.store_b.id)
        order._cc_cancel_by_customer()
        self.assertEqual(order.cc_state, "cancelled")
        self.assertEqual(order.cc_event_ids.filtered(lambda e: e.to_state == "cancelled").channel, "portal")

    def test_store_change_among_the_delivery_method_stores(self):
        """The central warehouse is a pickup store with the goods, but not one of the delivery
        method's: not offered. Moved to store B, the order's pickup location is store B."""
        order = self._confirmed(self.store_a)
        self.assertEqual(order._cc_customer_store_choices(), [(self.store_b, True)])
        with self.assertRaisesRegex(UserError, "cannot serve your order"):
            order._cc_change_store_by_customer(self.central.id)
        order._cc_change_store_by_customer(self.store_b.id)
        self.assertRecordValues(order, [{"cc_store_id": self.store_b.id, "warehouse_id": self.store_b.id}])
        self.assertEqual(order.pickup_location_data["id"], self.store_b.id)
        self.assertEqual(order.pickup_location_data["street"], "Veldstraat 1")
        delivery = order.picking_ids.filtered(lambda p: p.state != "cancel")
        self.assertEqual(delivery.picking_type_id.warehouse_id, self.store_b)
        # the delivery address: the customer's pickup contact at store B, as Odoo makes it
        shipping = order.partner_shipping_id
        self.assertRecordValues(shipping, [{"street": "Veldstraat 1", "parent_id": self.customer.id,
                                            "type": "delivery", "is_pickup_location": True}])
        self.assertEqual(delivery.partner_id, shipping)

    def test_store_manager_moves_an_eshop_order(self):
        """The store's manager (no rights on contacts, nor on other stores' addresses): the
        pickup location and the delivery address follow."""
        order = self._confirmed(self.store_a)
        self.assertEqual(order.partner_shipping_id.street, "Rue Neuve 12")
        order.with_user(self.user_store_manager_a)._cc_change_store_by_staff(self.store_b, "Closed today")
        self.assertEqual(order.pickup_location_data["id"], self.store_b.id)
        self.assertEqual(order.partner_shipping_id.street, "Veldstraat 1")
        self.assertEqual(order.picking_ids.filtered(lambda p: p.state != "cancel").partner_id.street, "Veldstraat 1")
