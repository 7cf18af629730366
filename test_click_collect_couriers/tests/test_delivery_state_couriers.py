from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.click_collect.tests.common import ClickCollectCommon
from odoo.addons.click_collect_delivery_state.hooks import post_init_hook

from .common import start_couriers


@tagged("post_install", "-at_install")
class TestOwnConnectorsFillDeliveryState(ClickCollectCommon):
    """The flow's own connectors fill OCA's carrier state, and move each order once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start_couriers(cls, "delivery_state")
        cls.product_1.weight = 0.8

    def _shipped_with(self, carrier):
        """A ship-from-store order paid by transfer, shipped with ``carrier``: (order, delivery)."""
        order = self._order("ship", method="transfer")
        self._pay(order, method="transfer")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        self.env["click_collect.ship"].create({"order_id": order.id, "carrier_id": carrier.id}).action_ship()
        return order, order.picking_ids.filtered(lambda p: p.location_dest_id.usage == "customer")

    def test_a_person_asks_the_courier_under_their_name(self):
        """delivery_state's button on a DHL shipment, pressed by a store user of the order's
        store: the flow's polling asks DHL, the order moves under the person's name as the
        carrier's word; a store user of another store may not ask."""
        order, picking = self._shipped_with(self.dhl)
        self.dhl_server.add_event(picking.carrier_tracking_ref, "OK")
        with self.assertRaises(AccessError):
            picking.with_user(self.user_store_b).tracking_state_update()
        self.assertEqual(order.cc_state, "shipped")
        picking.with_user(self.user_store_a).tracking_state_update()
        self.assertEqual((picking.delivery_state, order.cc_state), ("customer_delivered", "delivered"))
        event = order.cc_event_ids.filtered(lambda e: e.to_state == "delivered")
        self.assertEqual((event.user_id, event.channel), (self.user_store_a, "carrier"))
        self.assertFalse(picking.cc_tracking_manual)

    def test_ghn_statuses_fill_delivery_state(self):
        order, picking = self._shipped_with(self.ghn)
        self.assertEqual(picking.delivery_state, "shipping_recorded_in_carrier")
        self.assertTrue(picking._cc_apply_carrier_status("delivering", channel="webhook"))
        self.assertEqual((picking.delivery_state, picking.tracking_state), ("in_transit", "delivering"))
        self.assertTrue(picking._cc_apply_carrier_status("delivered", channel="webhook"))
        self.assertEqual((picking.delivery_state, picking.tracking_state, picking.cc_delivery_state),
                         ("customer_delivered", "delivered", "customer_delivered"))
        self.assertEqual(order.cc_state, "delivered")
        events = order.cc_event_ids.filtered(lambda e: e.to_state == "delivered")
        self.assertEqual(len(events), 1, "moved once, by the connector's own application")
        self.assertEqual(events.channel, "webhook")

    def test_shipments_tracked_before_the_installation_get_their_carrier_state(self):
        """Installed on a database where the flow's connectors tracked shipments already: their
        carrier state is filled from the flow's (delivery_state's lists, filters and job see
        them as over), and the courier is not asked about them again."""
        _order, picking = self._shipped_with(self.ghn)
        self.ghn_server.set_status(picking.carrier_tracking_ref, "delivered")
        picking._cc_apply_carrier_status("delivered", channel="webhook")
        self.env.flush_all()
        # as before the installation: only the flow's copy
        self.env.cr.execute("UPDATE stock_picking SET delivery_state = NULL, tracking_state = NULL WHERE id = %s",
                            [picking.id])
        picking.invalidate_recordset()
        post_init_hook(self.env)
        self.assertEqual((picking.delivery_state, picking.tracking_state), ("customer_delivered", "delivered"))
        asked = len(self.ghn_server.requests)
        self.env["stock.picking"].with_user(self.env.ref("base.user_root"))._update_delivery_state()
        self.assertEqual(len(self.ghn_server.requests), asked, "a delivered shipment is not asked about again")

    def test_the_carrier_job_asks_dhl_for_its_shipments_in_one_call(self):
        """delivery_state's job asks the flow's own connectors the way the flow's polling does:
        DHL Express answers every shipment of the batch in one call."""
        orders, pickings = self.env["sale.order"], self.env["stock.picking"]
        for _index in range(3):
            order, picking = self._shipped_with(self.dhl)
            orders |= order
            pickings |= picking
        for picking in pickings:
            self.dhl_server.add_event(picking.carrier_tracking_ref, "OK")
        tracked = len([r for r in self.dhl_server.requests if "Track" in r[1]])
        self.env["stock.picking"].with_user(self.env.ref("base.user_root")).with_context(
            cron_id=self.env.ref("delivery_state.ir_cron_delivery_state").id)._update_delivery_state()
        self.assertEqual(len([r for r in self.dhl_server.requests if "Track" in r[1]]), tracked + 1)
        self.assertEqual(set(pickings.mapped("delivery_state")), {"customer_delivered"})
        self.assertEqual(set(orders.mapped("cc_state")), {"delivered"})
        self.assertEqual(set(orders.cc_event_ids.filtered(lambda e: e.to_state == "delivered").mapped("channel")),
                         {"cron"})

    def test_a_person_asking_a_courier_that_fails_is_told(self):
        order, picking = self._shipped_with(self.dhl)
        self.addCleanup(self.dhl_server.faults.clear)
        self.dhl_server.fail("5xx", times=5)
        with self.assertRaisesRegex(UserError, picking.name):
            picking.with_user(self.user_store_a).tracking_state_update()
        self.assertEqual(order.cc_state, "shipped")
