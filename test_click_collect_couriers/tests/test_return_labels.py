from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CouriersCommon


@tagged("post_install", "-at_install")
class TestReturnLabels(CouriersCommon):
    """A customer sends a delivered order back with the label of the courier that delivered it:
    booked from the customer to the store that shipped it, kept on the return, found by its
    tracking number on the return screen, offered on the customer's tracking page."""

    def _delivered(self, carrier):
        order = self._preparing("transfer")
        picking = self._ship(order, carrier)
        if carrier == self.ghn:
            self.ghn_server.set_status(picking.carrier_tracking_ref, "delivered")
        else:
            self.dhl_server.add_event(picking.carrier_tracking_ref, "OK")
        self.env["delivery.carrier"]._cc_poll(picking)
        self.assertEqual(order.cc_state, "delivered")
        return order, picking

    def _announce(self, order, qty=1, **kwargs):
        line = order.order_line.filtered(lambda sol: sol.product_id == self.product_1)
        return order._cc_request_return(order.cc_store_id, [{"sale_line_id": line.id, "quantity": qty}],
                                        channel="api", **kwargs)

    def test_ghn_books_the_parcel_back_to_the_store_that_shipped_it(self):
        order, picking = self._delivered(self.ghn)
        creates = len(self._creates(self.ghn_server, "/shipping-order/create"))
        ret = self._announce(order, return_label=True)
        self.assertEqual(len(self._creates(self.ghn_server, "/shipping-order/create")), creates + 1)
        code = ret.tracking_ref
        booked = self.ghn_server.orders[code]["payload"]
        shipper = self.store_a.partner_id
        self.assertEqual((booked["from_name"], booked["from_phone"]), (self.customer.name, self.customer.phone))
        self.assertEqual(booked["to_name"], shipper.name)
        self.assertFalse(booked.get("cod_amount"), "nothing to collect on a parcel sent back")
        self.assertNotEqual(code, picking.carrier_tracking_ref)
        self.assertEqual(ret.courier_name, self.ghn.name)
        self.assertEqual((ret.label_id.res_model, ret.label_id.res_id), (ret._name, ret.id))
        self.assertTrue(ret.label_id.raw.startswith(b"%PDF"))
        self.assertIn(ret.label_id.raw, picking.return_label_ids.mapped("raw"), "Odoo's return label of the delivery")
        notes = order.cc_event_ids.filtered(lambda e: e.return_id == ret).mapped("note")
        self.assertTrue(any(f"booked with {self.ghn.name}, tracking number {code}" in note for note in notes), notes)

        # the customer prints it from the tracking page, with the order's token only
        token = order._cc_tracking_token()
        url = f"/order/track/{order.id}/return/{ret.id}/label"
        page = self.url_open(f"/order/track/{order.id}?token={token}")
        self.assertIn(url, page.text)
        response = self.url_open(f"{url}?token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, ret.label_id.raw)
        self.assertEqual(self.url_open(f"{url}?token=wrong").status_code, 404)
        other, _picking = self._delivered(self.ghn)
        self.assertEqual(self.url_open(
            f"/order/track/{other.id}/return/{ret.id}/label?token={other._cc_tracking_token()}").status_code, 404,
            "another order's token opens none of this order's returns")

        # the parcel arrives: the clerk scans its label, receives it; the label is gone from the page
        wizard = self.env["click_collect.return.receive"].with_user(self.user_store_a).create({"code": code})
        wizard.action_find()
        self.assertEqual(wizard.return_id, ret)
        wizard.action_receive()
        self.assertEqual(ret.state, "received")
        self.assertEqual(self.url_open(f"{url}?token={token}").status_code, 404)
        with self.assertRaisesRegex(UserError, "waits for no parcel"):
            ret._cc_book_return_label()

    def test_dhl_books_a_receiver_paid_return(self):
        order, picking = self._delivered(self.dhl)
        ret = self._announce(order)
        self.assertTrue(ret.cc_can_book_label)
        # a clerk of another store may not book it; one of the shipping store does, once
        with self.assertRaises(AccessError):
            ret.with_user(self.user_store_b).action_cc_book_return_label()
        action = ret.with_user(self.user_store_a).action_cc_book_return_label()
        self.assertEqual(action["url"], f"/web/content/{ret.label_id.id}?download=true")
        self.assertEqual(ret.tracking_ref, list(self.dhl_server.shipments)[-1])
        self.assertTrue(ret.label_id.name.endswith(".zpl"), "the carrier's label format")
        self.assertFalse(ret.cc_can_book_label)
        shipments = len(self.dhl_server.shipments)
        ret.with_user(self.user_store_a).action_cc_book_return_label()
        self.assertEqual(len(self.dhl_server.shipments), shipments, "booked once")
        self.assertNotEqual(ret.tracking_ref, picking.carrier_tracking_ref)

    def test_refusals_book_nothing(self):
        # delivered by a courier without a connector that makes return labels
        order = self._order("ship", method="transfer")
        self._pay(order, method="transfer")
        for target in ("accepted", "preparing"):
            order._cc_transition(target)
        self.env["click_collect.ship"].create({
            "order_id": order.id, "tracking_ref": "X1", "courier_name": "Bike Courier Ltd",
        }).action_ship()
        order._cc_transition("delivered")
        with self.assertRaisesRegex(UserError, "not delivered by a courier that makes return labels"), \
                self.env.cr.savepoint():
            self._announce(order, return_label=True)
        # the parcel would go back to another store than the one that shipped it
        order, _picking = self._delivered(self.ghn)
        line = order.order_line.filtered(lambda sol: sol.product_id == self.product_1)
        creates = len(self.ghn_server.orders)
        with self.assertRaisesRegex(UserError, f"sends the parcel to {self.store_a.name}, which shipped it"), \
                self.env.cr.savepoint():
            order._cc_request_return(self.store_b, [{"sale_line_id": line.id, "quantity": 1}], return_label=True)
        self.assertFalse(self.env["click_collect.return"].search([("order_id", "=", order.id)]), "nothing announced")
        # the courier fails: the announcement is refused as a whole (the API answers 422 refused)
        self.ghn_server.fail("5xx", times=2)
        with self.assertRaises(UserError):
            self._announce(order, return_label=True)
        self.assertFalse(self.env["click_collect.return"].search([("order_id", "=", order.id)]), "nothing announced")
        self.assertEqual(len(self.ghn_server.orders), creates, "nothing booked")
