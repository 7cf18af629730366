from odoo.tests import tagged

from .common import ClickCollectCommon


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

    def test_pickup_at_a_plain_warehouse_stays_a_sale(self):
        order = self._eshop_order(self.not_a_store)
        order.action_confirm()
        self.assertFalse(order.cc_fulfilment)
        self.assertFalse(order.cc_state)
