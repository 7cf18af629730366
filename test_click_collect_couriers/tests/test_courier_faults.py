"""A courier that fails, a callback that cannot be applied: the flow goes on, nothing is lost,
each failure shows on the record a person looks at, and is retried."""

import json
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.click_collect.models import click_collect_courier_event as courier_event
from odoo.addons.click_collect.tests.common import ClickCollectCommon

from .common import start_couriers


def _notes(order):
    return order.message_ids.filtered(lambda m: m.message_type == "notification").mapped("body")


@tagged("post_install", "-at_install")
class TestCourierFaults(ClickCollectCommon, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start_couriers(cls, "faults", timeout=1.0, retries=0, ghn={"cc_webhook_secret": "whsec-123"})

    def _shipped(self, carrier):
        order = self._order("ship", method="transfer")
        self._pay(order, method="transfer")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        wizard = self.env["click_collect.ship"].create({"order_id": order.id, "carrier_id": carrier.id})
        wizard.action_ship()
        picking = order.picking_ids.filtered(lambda p: p.location_dest_id.usage == "customer")
        return order, picking

    # ------------------------------------------------------------------ polling

    def test_polling_keeps_shipments_through_garbage_5xx_and_timeouts(self):
        Carrier = self.env["delivery.carrier"]
        (order_1, picking_1), (order_2, picking_2) = self._shipped(self.ghn), self._shipped(self.ghn)
        dhl_order, dhl_picking = self._shipped(self.dhl)
        pickings = picking_1 | picking_2 | dhl_picking
        for code in (picking_1.carrier_tracking_ref, picking_2.carrier_tracking_ref):
            self.ghn_server.set_status(code, "delivered")
        self.dhl_server.add_event(dhl_picking.carrier_tracking_ref, "OK")
        for mode, ghn_error, dhl_error in (
            ("garbage", "not JSON", "not SOAP"),
            ("empty", "unexpected document", "not SOAP"),
            ("5xx", "GHN failed (HTTP 502)", "DHL Express failed (HTTP 502)"),
            ("timeout", "GHN could not be reached", "DHL Express could not be reached"),
        ):
            with self.subTest(mode=mode):
                self.ghn_server.fail(mode, 2, delay=2)
                self.dhl_server.fail(mode, 1, delay=2)
                self.assertFalse(Carrier._cc_poll(pickings), "a failing courier changes nothing")
                self.ghn_server.faults.clear()
                for picking in pickings:
                    self.assertIn(ghn_error if picking.carrier_id == self.ghn else dhl_error,
                                  picking.cc_tracking_error)
                    self.assertTrue(picking.cc_tracking_error_date)
                self.assertEqual(self.env["stock.picking"].search(Carrier._cc_open_shipments_domain()) & pickings,
                                 pickings, "every shipment is polled again at the next run")
                self.assertEqual((order_1.cc_state, order_2.cc_state, dhl_order.cc_state), ("shipped",) * 3)
        # the couriers answer again: the next run applies every status and clears the errors
        Carrier._cc_poll(pickings)
        self.assertEqual((order_1.cc_state, order_2.cc_state, dhl_order.cc_state), ("delivered",) * 3)
        self.assertFalse(pickings.filtered("cc_tracking_error"))

    def test_a_shipment_that_cannot_move_stops_no_other(self):
        (order_1, picking_1), (order_2, picking_2) = self._shipped(self.ghn), self._shipped(self.ghn)
        for picking in picking_1 | picking_2:
            self.ghn_server.set_status(picking.carrier_tracking_ref, "delivered")
        Order = self.registry["sale.order"]
        original = Order._cc_follow_carrier

        def follow(orders, target, **kwargs):
            if order_1 in orders:
                raise ValueError("the order is locked by another transaction")
            return original(orders, target, **kwargs)

        # the two move together; that fails, so each is tried on its own
        with patch.object(Order, "_cc_follow_carrier", follow):
            changed = self.env["delivery.carrier"]._cc_poll(picking_1 | picking_2)
        self.assertEqual(changed, picking_2)
        self.assertEqual((order_1.cc_state, order_2.cc_state), ("shipped", "delivered"))
        self.assertIn("locked", picking_1.cc_tracking_error)
        self.env["delivery.carrier"]._cc_poll(picking_1)
        self.assertEqual(order_1.cc_state, "delivered", "retried at the next run")
        self.assertFalse(picking_1.cc_tracking_error)

    # ------------------------------------------------------------------ callbacks

    def _callback(self, code, status):
        body = json.dumps({"OrderCode": code, "Status": status, "Type": "switch_status",
                           "Time": fields.Datetime.now().isoformat()}).encode()
        response = self.url_open(f"/click_collect/courier/{self.ghn.id}/webhook", data=body,
                                 headers={"X-Webhook-Token": "whsec-123", "Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200, response.text)
        return self.env["click_collect.courier.event"].search([("tracking_ref", "=", code)], order="id desc",
                                                               limit=1)

    def test_a_callback_that_fails_is_kept_retried_then_given_up(self):
        Event = self.env["click_collect.courier.event"]
        Picking = self.registry["stock.picking"]
        order, picking = self._shipped(self.ghn)
        event = self._callback(picking.carrier_tracking_ref, "delivering")
        now = fields.Datetime.now()
        with patch.object(Picking, "_cc_apply_carrier_status", side_effect=RuntimeError("database is busy")), \
                freeze_time(now):
            Event._cc_cron_process()
        self.assertRecordValues(event, [{"state": "error", "attempt_count": 1, "error": "database is busy"}])
        self.assertEqual(event.next_attempt_at, now + timedelta(minutes=courier_event.BACKOFF_MINUTES[0]))
        with freeze_time(now + timedelta(minutes=1)):
            Event._cc_cron_process()
        self.assertEqual(event.state, "error", "not due yet")
        with freeze_time(event.next_attempt_at):
            Event._cc_cron_process()
        self.assertEqual((event.state, order.cc_state, picking.cc_delivery_state), ("done", "shipped", "in_transit"))
        # a callback that keeps failing is given up after MAX_ATTEMPTS, and said on the order
        event = self._callback(picking.carrier_tracking_ref, "delivered")
        with patch.object(Picking, "_cc_apply_carrier_status", side_effect=RuntimeError("database is busy")):
            Event._cc_cron_process()
            for _minutes in courier_event.BACKOFF_MINUTES:
                with freeze_time(event.next_attempt_at):
                    Event._cc_cron_process()
        self.assertRecordValues(event, [{"state": "error", "attempt_count": courier_event.MAX_ATTEMPTS,
                                         "next_attempt_at": False}])
        with freeze_time(fields.Datetime.now() + timedelta(days=2)):
            Event._cc_cron_process()
        self.assertEqual(event.attempt_count, courier_event.MAX_ATTEMPTS, "given up: no more automatic tries")
        self.assertTrue(any("could not be applied after" in body and "database is busy" in body
                            for body in _notes(order)))
        # the manager retries it by hand once the cause is fixed
        event.with_user(self.user_manager).action_retry()
        self.assertEqual((event.state, order.cc_state), ("done", "delivered"))

    def test_an_older_failed_callback_is_not_applied_after_a_newer_one(self):
        Event = self.env["click_collect.courier.event"]
        order, picking = self._shipped(self.ghn)
        older = self._callback(picking.carrier_tracking_ref, "delivering")
        with patch.object(self.registry["stock.picking"], "_cc_apply_carrier_status",
                          side_effect=RuntimeError("busy")):
            Event._cc_cron_process()
        self.assertEqual(older.state, "error")
        newer = self._callback(picking.carrier_tracking_ref, "delivered")
        Event._cc_cron_process()
        self.assertEqual((newer.state, order.cc_state), ("done", "delivered"))
        with freeze_time(older.next_attempt_at):
            Event._cc_cron_process()
        self.assertEqual(older.state, "ignored")
        self.assertEqual((picking.cc_delivery_state, order.cc_state), ("customer_delivered", "delivered"))
