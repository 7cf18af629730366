"""The door cannot be bypassed: attacks on the flow's fields, replayed as the users who would try
them (every public method is reachable over RPC with any arguments and any context)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ClickCollectCommon

# What a clerk may not write on a web order, and a value an attacker would try for each.
REFUSED_FLOW_VALUES = {
    "cc_state": "collected",
    "cc_state_date": "2026-01-01 10:00:00",
    "cc_fulfilment": "ship",
    "cc_payment_method": "cod",
    "cc_amount_paid": 1000.0,
    "cc_payment_state": "paid",
    "cc_courier_name": "Nobody",
    "cc_tracking_ref": "FAKE-1",
    "cc_external_ref": "SHOP-1",
    "cc_reminder_sent": True,
    "cc_expiry_date": "2030-01-01 10:00:00",
}


@tagged("post_install", "-at_install")
class TestDoorCannotBeBypassed(ClickCollectCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = cls.env["click_collect.web.shop"].create({"name": "Other Shop", "code": "OTHER"})
        cls.salesperson = new_test_user(
            cls.env, "cc_test_salesperson", groups="sales_team.group_sale_salesman",
        )

    def test_context_key_does_not_open_the_door(self):
        """Attack: a Store User writes {'cc_state': 'collected'} with {'cc_door': 1} in the
        context over RPC, skipping the guards, the timeline and the chatter."""
        order = self._order()
        events = len(order.cc_event_ids)
        for context in ({"cc_door": 1}, {"cc_door": True}, {}):
            with self.assertRaisesRegex(UserError, "Flow State of a web order only changes through the flow"):
                order.with_user(self.user_store_a).with_context(**context).write({"cc_state": "collected"})
        self.assertEqual(order.cc_state, "new")
        self.assertEqual(len(order.cc_event_ids), events)

    def test_store_staff_cannot_write_flow_fields(self):
        """Attack: a Store User or Store Manager writes a flow field of their own store's order:
        a bank transfer turned into cash on delivery (accepted unpaid), the order moved to
        another store or shown to another web shop, amounts paid, tracking numbers, flags."""
        order = self._order(method="transfer")
        values = {**REFUSED_FLOW_VALUES, "cc_store_id": self.store_b.id, "cc_web_shop_id": self.shop.id}
        before = order.read(list(values))[0]
        for user in (self.user_store_a, self.user_store_manager_a):
            for field, value in values.items():
                with self.subTest(user=user.login, field=field), \
                        self.assertRaisesRegex(UserError, "only changes through the flow") as refusal:
                    order.with_user(user).write({field: value})
                label = order._fields[field].get_description(self.env)["string"]
                self.assertIn(label, str(refusal.exception), "the message names the field")
        self.assertEqual(order.read(list(values))[0], before)
        with self.assertRaisesRegex(UserError, "Register Payment"):
            order.with_user(self.user_store_a).write({"cc_payment_method": "cod"})
        with self.assertRaisesRegex(UserError, "use Ship"):
            order.with_user(self.user_store_a).write({"cc_tracking_ref": "X"})

    def test_store_staff_cannot_rewrite_the_deal(self):
        """Attack: a Store User changes Odoo's own fields of a web order (its customer, its lines,
        its prices): the web shop's order and its money no longer match."""
        order = self._order()
        other = self.env["res.partner"].create({"name": "Someone Else"})
        attempts = {
            "partner_id": other.id,
            "note": "free",
            "order_line": [Command.update(order.order_line[0].id, {"price_unit": 0.0})],
            "client_order_ref": "X",
        }
        for user in (self.user_store_a, self.user_store_manager_a):
            for field, value in attempts.items():
                with self.subTest(user=user.login, field=field), \
                        self.assertRaisesRegex(UserError, "is changed by web-order managers only"):
                    order.with_user(user).write({field: value})
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.order_line[0].price_unit, 50.0)

    def test_salesperson_cannot_lower_a_paid_web_orders_prices(self):
        """Attack: a salesperson who sees every order (Sales: All Documents) lowers a line's
        price of a web order, directly on the line or through the order: the order then reads
        as paid and is handed over for less than the web shop sold it."""
        seller = new_test_user(self.env, "cc_test_all_docs", groups="sales_team.group_sale_salesman_all_leads")
        order = self._order(method="pay_at_store")
        line = order.order_line[0]
        with self.assertRaisesRegex(UserError, "is changed by web-order managers only"):
            line.with_user(seller).write({"price_unit": 0.0})
        with self.assertRaisesRegex(UserError, "is changed by web-order managers only"):
            order.with_user(seller).write({"order_line": [Command.update(line.id, {"price_unit": 0.0})]})
        with self.assertRaisesRegex(UserError, "is changed by web-order managers only"):
            self.env["sale.order.line"].with_user(seller).create({
                "order_id": order.id, "product_id": self.product_1.id, "price_unit": -80.0})
        with self.assertRaisesRegex(UserError, "is changed by web-order managers only"):
            line.with_user(seller).unlink()
        self.assertEqual((order.amount_total, len(order.order_line)), (80.0, 2))
        # a web-order manager may correct a line
        line.with_user(self.user_manager).write({"price_unit": 45.0})
        self.assertEqual(order.amount_total, 75.0)
        # and the salesperson's own quotations stay theirs
        quotation = self.env["sale.order"].with_user(seller).create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.product_1.id, "price_unit": 10.0})],
        })
        quotation.order_line.write({"price_unit": 5.0})
        self.assertEqual(quotation.amount_untaxed, 5.0)

    def test_manager_sets_store_and_payment_before_acceptance_only(self):
        """A web-order manager moves a quotation to another store or corrects a new order's
        payment method; a confirmed order keeps its store (its goods are reserved there), and
        once the order is accepted nobody changes its payment method."""
        quotation = self._order(method="pay_at_store", confirm=False)
        quotation.with_user(self.user_manager).write({"cc_store_id": self.store_b.id})
        quotation.action_confirm()
        self.assertEqual(quotation.picking_ids.picking_type_id.warehouse_id, self.store_b)
        order = self._order(method="pay_at_store")
        with self.assertRaisesRegex(UserError, "before the order is confirmed"):
            order.with_user(self.user_manager).write({"cc_store_id": self.store_b.id})
        order.with_user(self.user_manager).write({"cc_payment_method": "transfer"})
        self.assertRecordValues(order, [{"cc_store_id": self.store_a.id, "cc_payment_method": "transfer"}])
        self._pay(order)
        order._cc_transition("accepted")
        with self.assertRaisesRegex(UserError, "only changes through the flow"):
            order.with_user(self.user_manager).write({"cc_payment_method": "cod"})
        with self.assertRaisesRegex(UserError, "only changes through the flow"):
            order.with_user(self.user_manager).write({"cc_store_id": self.store_a.id})
        for field in ("cc_state", "cc_web_shop_id", "cc_amount_paid"):
            value = {"cc_state": "collected", "cc_web_shop_id": self.shop.id, "cc_amount_paid": 1.0}[field]
            with self.subTest(field=field), self.assertRaisesRegex(UserError, "only changes through the flow"):
                order.with_user(self.user_manager).write({field: value})

    def test_creation_cannot_set_the_state(self):
        """Attack: an order created already collected, by its values or by a default in the
        context (Odoo applies ``default_<field>`` keys of the context at creation)."""
        vals = {"partner_id": self.customer.id, "cc_fulfilment": "pickup", "cc_store_id": self.store_a.id}
        Order = self.env["sale.order"].with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, "only changes through the flow"):
            Order.create({**vals, "cc_state": "collected"})
        with self.assertRaisesRegex(UserError, "only changes through the flow"):
            Order.with_context(default_cc_state="collected").create(vals)
        with self.assertRaisesRegex(UserError, "only changes through the flow"):
            Order.create({**vals, "cc_web_shop_id": self.shop.id})
        order = Order.create(vals)
        self.assertEqual(order.cc_state, "new", "a manager enters an order in the flow: it starts new")

    def test_timeline_channel_is_not_taken_from_a_client(self):
        """Attack: a user signs a step of the timeline as the web shop's API or a courier's
        webhook by sending ``cc_channel`` in the context of an RPC call."""
        vals = {"partner_id": self.customer.id, "cc_fulfilment": "pickup", "cc_store_id": self.store_a.id}
        order = self.env["sale.order"].with_user(self.user_manager).with_context(cc_channel="api").create(vals)
        self.assertEqual(order.cc_event_ids.channel, "backoffice")
        scanned = self.env["sale.order"].with_user(self.user_manager).with_context(cc_channel="scan").create(vals)
        self.assertEqual(scanned.cc_event_ids.channel, "scan", "a person's channel may be named")

    def test_salesperson_quotations_stay_plain_odoo(self):
        """Plain Odoo: a salesperson with Odoo's own Sales rights and no Click & Collect role
        creates, reads and confirms quotations as without the addon (the pickup code used to be
        computed at every creation and was readable by web-order managers only)."""
        Order = self.env["sale.order"].with_user(self.salesperson)
        quotation = Order.create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.product_1.id, "product_uom_qty": 1})],
        })
        quotation.read()  # every field the user may read, as the web client's form does
        quotation.action_confirm()
        self.assertEqual(quotation.state, "sale")
        self.assertFalse(quotation.cc_state)
        copy = quotation.copy()
        self.assertFalse(copy.cc_fulfilment)
        with self.assertRaisesRegex(UserError, "only changes through the flow"):
            Order.create({"partner_id": self.customer.id, "cc_fulfilment": "pickup",
                          "cc_store_id": self.store_a.id})

    def test_nobody_reads_the_pickup_code(self):
        """Attack: staff read the customer's pickup code from the order (web-order manager,
        store manager, store user), by read() or by a search on it."""
        order = self._order()
        code = order.sudo().cc_pickup_code
        self.assertRegex(code, r"^\d{6}$")
        for user in (self.user_store_a, self.user_store_manager_a, self.user_manager, self.salesperson):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    order.with_user(user).read(["cc_pickup_code"])
                with self.assertRaises(AccessError):
                    self.env["sale.order"].with_user(user).search([("cc_pickup_code", "=", code)])
            self.assertNotIn("cc_pickup_code", self.env["sale.order"].with_user(user).fields_get())

    def test_store_staff_read_no_portal_token(self):
        """Attack: a store user reads an order's portal token (``access_token``) and opens the
        customer's pages with it. Salespeople keep Odoo's use of it (preview, share)."""
        order = self._order()
        order._portal_ensure_token()
        for user in (self.user_store_a, self.user_store_manager_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                order.with_user(user).read(["access_token"])
            self.assertNotIn("access_token", self.env["sale.order"].with_user(user).fields_get())
        self.assertTrue(order.with_user(self.user_manager).read(["access_token"])[0]["access_token"])
        quotation = self.env["sale.order"].with_user(self.salesperson).create({"partner_id": self.customer.id})
        self.assertIn("access_token=", quotation.get_portal_url(), "a salesperson previews a quotation")

    def test_duplicate_of_a_web_order_is_a_quotation(self):
        """A web order duplicated in the back office is a plain quotation: it does not enter the
        flow as a new web order of the same store."""
        order = self._order()
        copy = order.copy()
        self.assertFalse(copy.cc_fulfilment)
        self.assertFalse(copy.cc_state)


@tagged("post_install", "-at_install")
class TestDoorOverRpc(HttpCase):
    """The same attack over Odoo's JSON-RPC, as a browser or a script would send it."""

    def test_rpc_write_with_cc_door_context(self):
        """Attack: a store user posts call_kw write {'cc_state': 'collected'} with the context
        key the door used to trust."""
        store = self.env["stock.warehouse"].create({"name": "RPC Store", "code": "RPCS", "cc_is_store": True})
        user = new_test_user(self.env, "cc_rpc_store", password="cc_rpc_store_pw1",
                             groups="click_collect.group_store_user", cc_store_ids=[Command.set(store.ids)])
        partner = self.env["res.partner"].create({"name": "RPC Customer"})
        order = self.env["sale.order"].create({
            "partner_id": partner.id, "cc_fulfilment": "pickup", "cc_store_id": store.id,
        })
        self.authenticate(user.login, "cc_rpc_store_pw1")
        response = self.opener.post(f"{self.base_url()}/web/dataset/call_kw/sale.order/write", json={
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "model": "sale.order", "method": "write", "args": [[order.id], {"cc_state": "collected"}],
                "kwargs": {"context": {"cc_door": 1}},
            },
        }, timeout=30)
        error = response.json()["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("only changes through the flow", error["message"])
        order.invalidate_recordset()
        self.assertEqual(order.cc_state, "new")
        self.assertEqual(order.cc_event_ids.mapped("to_state"), ["new"])
