"""The customer picks their order up at another store, chosen on the order's page before the
store starts preparing it: the reservation moves with it, the pickup code stays."""

import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .test_self_service import PAGE_SIZES, SelfServiceCase


@tagged("post_install", "-at_install")
class TestStoreChange(SelfServiceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # store C has nothing and no warehouse resupplies it; store B is resupplied by the
        # central warehouse, the only one with the boots
        cls.store_c = cls._create_store("Test Store C", "TSD")
        cls.store_b.resupply_wh_ids = [Command.set(cls.central.ids)]
        cls.boots = cls.env["product.product"].create({
            "name": "CC Test Boots", "type": "consu", "is_storable": True, "list_price": 90.0,
            "taxes_id": [Command.clear()],
        })
        cls.env["stock.quant"]._update_available_quantity(cls.boots, cls.central.lot_stock_id, 10)
        cls.env["stock.quant"]._update_available_quantity(cls.boots, cls.store_a.lot_stock_id, 1)

    def _move(self, order, store_id):
        return self._post(order, "store", {"store_id": store_id})

    def _free(self, product, store):
        return self.env["stock.quant"]._get_available_quantity(product, store.lot_stock_id)

    def _error(self, response):
        return re.findall(r'o_cc_action_error[^>]*>([^<]*)', response.text)

    def test_choices(self):
        """Shoes and bags: free at store B and at the central warehouse (a store too); store C
        has none and nobody resupplies it. Boots: only the central warehouse has them; store B
        gets them through transit."""
        order = self._web_order()
        self.assertEqual(order._cc_store_choices(), [(self.central, True), (self.store_b, True)])
        boots = self._web_order(products=self.boots)
        self.assertEqual(boots._cc_store_choices(), [(self.central, True), (self.store_b, False)])
        page = self._page(boots).text
        self.assertIn("o_cc_change_store", page)
        self.assertRegex(page, r"Test Store B</strong>\s*<span[^>]*>[^<]*</span>\s*<span[^>]*o_cc_store_transfer")
        self.assertNotIn("Test Store C", page)

    def test_customer_moves_the_order(self):
        """Accepted at store A, the customer picks it up at store B: A's delivery is cancelled
        and its goods free again, B's delivery reserves them, the state and the pickup code stay;
        the timeline and the chatter say it (the customer's); the staff of both stores are told."""
        self.store_b.cc_ready_hours = 48  # no opening hours: round the clock
        order = self._web_order()
        order._cc_transition("accepted")
        code = order.sudo().cc_pickup_code
        old_delivery = order.picking_ids
        self.assertEqual(self._free(self.product_1, self.store_a), 99)
        popups = self._popups(lambda: self.assertEqual(self._move(order, self.store_b.id).status_code, 303))
        self.assertRecordValues(order, [{"cc_store_id": self.store_b.id, "warehouse_id": self.store_b.id,
                                         "cc_state": "accepted", "cc_self_service_count": 1}])
        self.assertEqual(order.sudo().cc_pickup_code, code)
        due_in = order.cc_due_date - fields.Datetime.now()
        self.assertTrue(timedelta(hours=47, minutes=59) < due_in <= timedelta(hours=48), "store B's level, from now")
        self.assertEqual(old_delivery.state, "cancel")
        delivery = order.picking_ids - old_delivery
        self.assertEqual(delivery.picking_type_id.warehouse_id, self.store_b)
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual((self._free(self.product_1, self.store_a), self._free(self.product_1, self.store_b)),
                         (100, 99))
        event = order.cc_event_ids.filtered("previous_store_id")
        self.assertRecordValues(event, [{"previous_store_id": self.store_a.id, "store_id": self.store_b.id,
                                         "channel": "portal", "user_id": False, "from_state": "accepted",
                                         "to_state": "accepted"}])
        self.assertFalse(event._cc_steps(), "no change of state")
        note = "Pickup store changed from Test Store A to Test Store B."
        logged = order.message_ids.filtered(lambda m: note in m.body)
        self.assertEqual(logged.author_id, self.customer)
        titles = {payload["title"] for _partner, payload in popups}
        self.assertEqual(titles, {f"{order.name} left for Test Store B", f"Web order {order.name} moved here"})
        self.assertIn("Test Store B", self._page(order).text)
        # the store user of B now sees it, the one of A no more
        self.assertTrue(order.with_user(self.user_store_b).has_access("read"))
        self.assertFalse(order.with_user(self.user_store_a).has_access("read"))

    def test_goods_come_through_transit(self):
        """Boots for store B: sent from the central warehouse through transit, as at
        confirmation; the single pair reserved at store A is free again."""
        order = self._web_order(products=self.boots)
        self.assertEqual(self._free(self.boots, self.store_a), 0)
        self.assertEqual(self._move(order, self.store_b.id).status_code, 303)
        supply = order._cc_supply_moves()
        self.assertEqual(supply.filtered(lambda m: m.location_dest_id.usage == "transit").location_id.warehouse_id,
                         self.central)
        self.assertEqual(self._free(self.boots, self.store_a), 1)

    def test_refusals(self):
        """Preparing: refused with what the order is now; a store that cannot serve it, one
        that is no store, nonsense: refused, nothing changes; its own store: nothing to do;
        Odoo's access token, no token: 404."""
        preparing = self._web_order()
        preparing._cc_transition("accepted")
        preparing._cc_transition("preparing")
        self.assertNotIn("o_cc_change_store", self._page(preparing).text)
        response = self._move(preparing, self.store_b.id)
        self.assertEqual((response.status_code, self._error(response)), (409, [
            "Your order is now being prepared: its pickup store can no longer be changed online. Contact the store."]))

        order = self._web_order()
        for store_id in (self.store_c.id, self.not_a_store.id, "abc", "", -1):
            response = self._move(order, store_id)
            self.assertEqual((response.status_code, self._error(response)),
                             (409, ["This store cannot serve your order now: choose another one."]), store_id)
        self.assertEqual(self._move(order, self.store_a.id).status_code, 303)
        self.assertRecordValues(order, [{"cc_store_id": self.store_a.id, "cc_self_service_count": 0}])
        self.assertEqual(order.picking_ids.state, "assigned")

        for query in (f"?access_token={order._portal_ensure_token()}", "", "?token=guess"):
            self.assertEqual(self._post(order, "store", {"store_id": self.store_b.id}, query=query).status_code, 404)
        self.assertEqual(order.cc_store_id, self.store_a)

        shipped = self._web_order(fulfilment="ship")
        self.assertEqual(self._move(shipped, self.store_b.id).status_code, 409)

    def test_a_few_changes_at_most(self):
        order = self._web_order()
        for store in (self.store_b, self.central, self.store_b, self.store_a, self.store_b):
            self.assertEqual(self._move(order, store.id).status_code, 303)
        response = self._move(order, self.central.id)
        self.assertEqual(response.status_code, 409)
        self.assertIn("You have changed this order 5 times from this page already", self._error(response)[0])
        self.assertEqual(order.cc_store_id, self.store_b)
        self.assertEqual(len(order.picking_ids.filtered(lambda p: p.state != "cancel")), 1)

    def test_store_change_tours(self):
        """On a phone and on a desktop."""
        for size in PAGE_SIZES:
            order = self._web_order()
            order.name = f"CCMOVE-{size}"
            self._page_tour(order, "click_collect_tracking_store_change", size)
            self.assertEqual(order.cc_store_id, self.store_b)

    def test_the_web_shop_switches_store_changes_off(self):
        """A web shop that keeps its orders where they were ordered: nothing offered on the
        page, the form posted anyway refused; the store's staff still may move it."""
        self.shop.cc_customer_store_change = False
        order = self._web_order()
        self.assertNotIn("o_cc_change_store", self._page(order).text)
        response = self._move(order, self.store_b.id)
        self.assertEqual((response.status_code, self._error(response)), (409, [
            "The pickup store of this order cannot be changed online: contact the store."]))
        self.assertRecordValues(order, [{"cc_store_id": self.store_a.id, "cc_self_service_count": 0}])
        order.with_user(self.user_store_manager_a)._cc_change_store_by_staff(self.store_b)
        self.assertEqual(order.cc_store_id, self.store_b)

    def test_customer_is_told_where_to_go(self):
        """The customer's change, as the store's: the "pickup store changed" message, with the
        new store; queued with the move, sent by the job."""
        order = self._web_order()
        self.assertEqual(self._move(order, self.store_b.id).status_code, 303)
        message = order.cc_notification_ids.filtered(lambda n: n.step == "store")
        self.assertEqual(message.event_id, order.cc_event_ids.filtered("previous_store_id"))
        message._cc_send()
        self.assertRecordValues(message, [{"state": "done", "email_result": "queued", "sms_result": "queued"}])
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", message.message_ids.ids)])
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "in", message.message_ids.ids)])
        self.assertEqual(mail.subject, f"{order.company_id.name}: pick up your order {order.name} at Test Store B")
        self.assertIn("Your pickup code stays the same", str(mail.body_html))
        self.assertIn(f"pick up your order {order.name} at Test Store B; same pickup code", sms.body)


@tagged("post_install", "-at_install")
class TestStoreChangeByStaff(SelfServiceCase):
    """A store manager moves an order the store cannot serve to another store: the screen
    offers the stores that can, the customer is told, the timeline names the manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_c = cls._create_store("Test Store C", "TSD")  # nothing in stock, no resupply

    def _screen(self, order, user):
        return Form(self.env["click_collect.store.change"].with_user(user).with_context(default_order_id=order.id))

    def test_store_manager_moves_the_order(self):
        order = self._web_order()
        order._cc_transition("accepted")
        code = order.sudo().cc_pickup_code
        action = order.with_user(self.user_store_manager_a).action_cc_change_store()
        self.assertEqual(action["res_model"], "click_collect.store.change")
        screen = self._screen(order, self.user_store_manager_a)
        self.assertEqual(screen.store_ids[:], self.central | self.store_b)
        screen.store_id = self.store_c  # not offered, sent anyway
        with self.assertRaisesRegex(UserError, "Test Store C cannot serve"):
            screen.save().action_move()
        screen.store_id = self.store_b
        screen.reason = "Our last pair is damaged."
        self.assertFalse(screen.needs_transfer)
        screen.save().action_move()
        self.assertRecordValues(order, [{"cc_store_id": self.store_b.id, "cc_state": "accepted",
                                         "cc_self_service_count": 0}])
        self.assertEqual(order.sudo().cc_pickup_code, code)
        self.assertEqual(order.picking_ids.filtered(lambda p: p.state != "cancel").picking_type_id.warehouse_id,
                         self.store_b)
        event = order.cc_event_ids.filtered("previous_store_id")
        self.assertRecordValues(event, [{"channel": "backoffice", "user_id": self.user_store_manager_a.id,
                                         "previous_store_id": self.store_a.id, "store_id": self.store_b.id}])
        self.assertEqual(event.note,
                         "Pickup store changed from Test Store A to Test Store B. Our last pair is damaged.")
        self.assertEqual(order.cc_notification_ids.filtered(lambda n: n.step == "store").event_id, event)
        logged = order.message_ids.filtered(lambda m: "Our last pair is damaged." in m.body)
        self.assertEqual(logged.author_id, self.user_store_manager_a.partner_id)

    def test_who_may_move_it(self):
        """Store users, managers of another store, over RPC with any context: refused, nothing
        changes; a web-order manager may; a prepared or shipped order does not move."""
        order = self._web_order()
        for user in (self.user_store_a, self.user_store_b):
            with self.assertRaises(AccessError):
                order.with_user(user).with_context(cc_store_ids=[self.store_b.id])._cc_change_store_by_staff(
                    self.store_b)
            with self.assertRaises(AccessError):
                order.with_user(user).action_cc_change_store()
        other_manager = new_test_user(self.env, "cc_test_store_mgr_b", groups="click_collect.group_store_manager",
                                      cc_store_ids=[Command.set(self.store_b.ids)])
        with self.assertRaises(AccessError):
            order.with_user(other_manager)._cc_change_store_by_staff(self.store_b)
        with self.assertRaises(AccessError):
            self._screen(order, other_manager)
        screen = self._screen(order, self.user_manager)
        screen.store_id = self.store_b
        screen = screen.save()
        with self.assertRaises(AccessError):  # each manager's own screen
            screen.with_user(self.user_store_manager_a).read(["order_id", "reason"])
        with self.assertRaises(AccessError):  # the wizard's model: store managers only
            self.env["click_collect.store.change"].with_user(self.user_store_a).create({
                "order_id": order.id, "store_id": self.store_b.id})
        self.assertEqual(order.cc_store_id, self.store_a)
        self.assertFalse(order.cc_event_ids.filtered("previous_store_id"))

        with self.assertRaisesRegex(UserError, "Test Store C cannot serve"):
            order.with_user(self.user_store_manager_a)._cc_change_store_by_staff(self.store_c)
        order.with_user(self.user_manager)._cc_change_store_by_staff(self.central)
        self.assertEqual(order.cc_store_id, self.central)

        order._cc_transition("accepted")
        order._cc_transition("preparing")
        with self.assertRaisesRegex(UserError, "only Click & Collect orders not being prepared yet"):
            order.with_user(self.user_manager)._cc_change_store_by_staff(self.store_b)
        shipped = self._web_order(fulfilment="ship")
        with self.assertRaisesRegex(UserError, "only Click & Collect orders not being prepared yet"):
            shipped.with_user(self.user_manager).action_cc_change_store()

    def test_move_tour(self):
        """In a browser: store A's manager moves the order to store B from its form."""
        order = self._web_order()
        order.name = "CCMOVEBO"
        self.start_tour(f"/odoo/action-click_collect.action_web_orders/{order.id}",
                        "click_collect_store_change_backoffice", login=self.user_store_manager_a.login)
        self.assertEqual(order.cc_store_id, self.store_b)
        self.assertIn("Our last pair is damaged", order.cc_event_ids.filtered("previous_store_id").note)

    def test_the_callers_context_and_a_locked_order(self):
        """Moved with a context that would skip Odoo's procurement or show archived records, and
        an order locked by "Lock Confirmed Sales": the new store's delivery is made and reserved
        all the same, the order locked again."""
        order = self._web_order()
        order.locked = True
        manager = order.with_user(self.user_store_manager_a).with_context(skip_procurement=True, active_test=False)
        closed = self._create_store("Test Store D", "TSE")  # resupplied by the central warehouse, but closed
        closed.resupply_wh_ids = [Command.set(self.central.ids)]
        closed.active = False
        self.assertEqual(manager._cc_store_choices(), [(self.central, True), (self.store_b, True)])
        with self.assertRaisesRegex(UserError, "Test Store D cannot serve"):
            manager._cc_change_store_by_staff(closed)
        manager._cc_change_store_by_staff(self.store_b)
        delivery = order.picking_ids.filtered(lambda p: p.state != "cancel")
        self.assertEqual((delivery.picking_type_id.warehouse_id, delivery.state), (self.store_b, "assigned"))
        self.assertTrue(order.locked)

    def test_a_quotation_moves_with_nothing_to_reserve(self):
        """A web order still a quotation moves with nothing to cancel nor reserve; confirmed, it
        is reserved at once at the new store, as any order confirmed there."""
        quotation = self._order(confirm=False)
        quotation.sudo().cc_web_shop_id = self.shop
        self.assertEqual((quotation.state, quotation.cc_state, quotation.cc_reservation_pending),
                         ("draft", "new", False))
        quotation.with_user(self.user_store_manager_a)._cc_change_store_by_staff(self.store_b)
        self.assertFalse(quotation.picking_ids)
        self.assertFalse(quotation.cc_reservation_pending)
        quotation.action_confirm()
        delivery = quotation.picking_ids
        self.assertEqual((delivery.picking_type_id.warehouse_id, delivery.state), (self.store_b, "assigned"))
