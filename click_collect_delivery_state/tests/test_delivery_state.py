import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.click_collect.tests.common import ClickCollectCommon


class TrackingFeed(ThreadingHTTPServer):
    """A courier's tracking service on 127.0.0.1: ``GET /track/<number>`` answers where the
    shipment is (``statuses``), as the test connector's carrier reads it."""

    def __init__(self):
        self.statuses = {}
        self.requests = []
        super().__init__(("127.0.0.1", 0), _FeedHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/track"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _FeedHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        number = self.path.removeprefix("/track/")
        status = self.server.statuses.get(number)
        body = json.dumps({"number": number, "status": status}).encode() if status else b'{"error": "unknown"}'
        self.send_response(200 if status else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestDeliveryState(ClickCollectCommon):
    """Web orders follow the carrier state (OCA delivery_state) that a connector writes; the
    connector of test_click_collect_delivery_state writes nothing else and knows no web order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.feed = TrackingFeed()
        cls.addClassCleanup(cls.feed.server_close)
        cls.addClassCleanup(cls.feed.shutdown)
        cls.feed_carrier = cls.env["delivery.carrier"].create({
            "name": "Feed Courier", "delivery_type": "tracking_feed", "product_id": cls.carrier.product_id.id,
            "tracking_feed_url": cls.feed.url, "allow_cash_on_delivery": True,
        })
        cls.cron_user = cls.env.ref("base.user_root")
        cls.cron = cls.env.ref("delivery_state.ir_cron_delivery_state")

    def _shipped(self, number, method="transfer"):
        order = self._order("ship", method=method)
        if method == "transfer":
            self._pay(order, method="transfer")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        wizard = self.env["click_collect.ship"].create({
            "order_id": order.id, "carrier_id": self.feed_carrier.id, "tracking_ref": number,
        })
        self.assertFalse(wizard.has_connector, "the flow has no code for this carrier")
        wizard.action_ship()
        picking = order.picking_ids.filtered(lambda p: p.location_dest_id.usage == "customer")
        self.assertEqual((order.cc_state, picking.state, picking.carrier_id, picking.carrier_tracking_ref),
                         ("shipped", "done", self.feed_carrier, number))
        return order, picking

    def _carrier_job(self):
        """delivery_state's scheduled job, as Odoo's scheduler runs it (its user, its context)."""
        self.env["stock.picking"].with_user(self.cron_user).with_context(
            cron_id=self.cron.id)._update_delivery_state()

    def _events(self, order, state):
        return order.cc_event_ids.filtered(lambda e: e.to_state == state and not e.refused)

    def test_the_carrier_job_moves_the_order_from_shipped_to_delivered(self):
        order, picking = self._shipped("FEED-1")
        self.feed.statuses["FEED-1"] = "on_the_way"
        self._carrier_job()
        self.assertEqual((picking.delivery_state, order.cc_state), ("in_transit", "shipped"))
        self.assertIn("/track/FEED-1", self.feed.requests)
        self.feed.statuses["FEED-1"] = "delivered"
        self._carrier_job()
        self.assertEqual(picking.delivery_state, "customer_delivered")
        self.assertEqual(order.cc_state, "delivered")
        event = self._events(order, "delivered")
        self.assertEqual(len(event), 1)
        self.assertEqual((event.channel, event.user_id), ("carrier", self.cron_user))
        self.assertIn("Feed Courier", event.note)
        self.assertIn("FEED-1", event.note)
        # delivered is final for delivery_state: the job asks no more
        asked = len(self.feed.requests)
        self._carrier_job()
        self.assertEqual(len(self.feed.requests), asked)
        self.assertEqual(len(self._events(order, "delivered")), 1)

    def test_an_incident_fails_the_delivery_and_a_return_returns_the_order(self):
        order, _picking = self._shipped("FEED-2")
        self.feed.statuses["FEED-2"] = "not_delivered"
        self._carrier_job()
        self.assertEqual(order.cc_state, "failed")
        self.feed.statuses["FEED-2"] = "on_the_way"
        self._carrier_job()
        self.assertEqual(order.cc_state, "shipped", "a new attempt ships the order again")
        self.feed.statuses["FEED-2"] = "back_at_sender"
        self._carrier_job()
        self.assertEqual(order.cc_state, "returned")
        self.assertEqual([e.to_state for e in order.cc_event_ids.sorted("id") if e.to_state in
                          ("shipped", "failed", "returned")], ["shipped", "failed", "shipped", "failed", "returned"])

    def test_cash_on_delivery_waits_for_the_courier_cash(self):
        """With click_collect_cod, a cash-on-delivery order the carrier delivered awaits its cash;
        without it, it is delivered (its cash registered by hand)."""
        cod = self.env["ir.module.module"].search_count([("name", "=", "click_collect_cod"),
                                                         ("state", "=", "installed")])
        order, _picking = self._shipped("FEED-3", method="cod")
        self.feed.statuses["FEED-3"] = "delivered"
        self._carrier_job()
        self.assertEqual(order.cc_state, "awaiting_cod" if cod else "delivered")

    def test_a_state_set_by_hand_is_not_overruled(self):
        """A store user says the delivery failed: the carrier's later states no longer move the
        order, until its automatic tracking is resumed."""
        order, picking = self._shipped("FEED-4")
        order.with_user(self.user_store_a)._cc_transition("failed", channel="backoffice")
        self.assertTrue(picking.cc_tracking_manual)
        self.feed.statuses["FEED-4"] = "delivered"
        self._carrier_job()
        self.assertEqual((picking.delivery_state, order.cc_state), ("customer_delivered", "failed"))

    def test_an_order_that_cannot_follow_says_why_and_the_carrier_state_is_kept(self):
        """The scheduled job: an order whose guard refuses the move stays where it is and says
        why in its chatter; the carrier state is recorded (delivery_state's own data)."""
        order, picking = self._shipped("FEED-8")
        other, other_picking = self._shipped("FEED-9")
        self.feed.statuses.update({"FEED-8": "not_delivered", "FEED-9": "not_delivered"})
        self._carrier_job()
        self.assertEqual((order.cc_state, other.cc_state), ("failed", "failed"))
        # shipping again needs a tracking number: FEED-8's is gone
        self.env.cr.execute("UPDATE sale_order SET cc_tracking_ref = NULL WHERE id = %s", [order.id])
        order.invalidate_recordset()
        self.feed.statuses.update({"FEED-8": "on_the_way", "FEED-9": "on_the_way"})
        self._carrier_job()
        self.assertEqual((picking.delivery_state, order.cc_state), ("in_transit", "failed"))
        self.assertEqual((other_picking.delivery_state, other.cc_state), ("in_transit", "shipped"))
        self.assertTrue(any("could not follow" in body for body in order.message_ids.mapped("body")))

    def test_web_order_customers_get_no_second_delivered_email(self):
        """delivery_state's "delivered" email, switched on for the company, goes to the
        customers of other deliveries; a web order's customer hears from the flow only."""
        template = self.env.ref("delivery_state.delivery_state_delivered_notification")
        self.company.write({"delivery_state_delivered_email_validation": True,
                            "delivery_state_delivered_mail_template_id": template.id})
        order, picking = self._shipped("FEED-10")
        self.feed.statuses["FEED-10"] = "delivered"
        self._carrier_job()
        self.assertEqual(order.cc_state, "delivered")
        subject = template._render_field("subject", picking.ids)[picking.id]
        self.assertFalse(picking.message_ids.filtered(lambda m: m.subject == subject))

    def test_a_store_user_updates_the_state_of_their_store(self):
        """delivery_state's "update" button, pressed by a store user of the order's store: the
        order moves as that person, through the door; it is the carrier's word, not the
        person's (the courier's later states still move the order)."""
        order, picking = self._shipped("FEED-5")
        self.feed.statuses["FEED-5"] = "delivered"
        picking.with_user(self.user_store_a).tracking_state_update()
        self.assertEqual(order.cc_state, "delivered")
        event = self._events(order, "delivered")
        self.assertEqual((event.user_id, event.channel), (self.user_store_a, "carrier"))
        self.assertFalse(picking.cc_tracking_manual)
        # the store user of another store cannot ask about it
        with self.assertRaises(AccessError):
            picking.with_user(self.user_store_b).tracking_state_update()

    def test_attack_writing_the_carrier_state_is_no_way_around_the_door(self):
        """Attack: a user who may write deliveries but holds no Click & Collect role writes
        "delivered" as the carrier state of a web order's delivery over RPC. The door refuses,
        and nothing is written."""
        order, picking = self._shipped("FEED-6")
        clerk = new_test_user(self.env, "cc_ds_stock_only",
                              groups="stock.group_stock_user,sales_team.group_sale_salesman")
        with self.assertRaises(UserError):
            picking.with_user(clerk).write({"delivery_state": "customer_delivered"})
        picking.invalidate_recordset()
        self.assertFalse(picking.delivery_state)
        self.assertEqual(order.cc_state, "shipped")
        # the store user of another store cannot reach the delivery at all
        with self.assertRaises(AccessError):
            picking.with_user(self.user_store_b).write({"delivery_state": "customer_delivered"})
        self.assertEqual(order.cc_state, "shipped")

    def test_other_deliveries_keep_delivery_state_as_it_is(self):
        """A delivery of a plain sales order: delivery_state is written, nothing else happens."""
        sale = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [(0, 0, {"product_id": self.product_1.id, "product_uom_qty": 1})],
        })
        sale.action_confirm()
        picking = sale.picking_ids
        picking.write({"carrier_id": self.feed_carrier.id, "carrier_tracking_ref": "FEED-7"})
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.button_validate()
        self.feed.statuses["FEED-7"] = "delivered"
        self._carrier_job()
        self.assertEqual(picking.delivery_state, "customer_delivered")
        self.assertFalse(sale.cc_state)
