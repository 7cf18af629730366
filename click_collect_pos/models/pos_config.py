from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from odoo.addons.click_collect import const

from ..const import POS_ACTIONS, POS_PENDING_STATES, POS_TABS

# Orders listed at once by the web-orders screen (the badge counts them all).
POS_LIST_LIMIT = 80


class PosConfig(models.Model):
    """A point of sale belongs to the store of its operation type's warehouse: it lists, shows
    and moves that store's web orders, with the rights of its user (a store user of that store
    or a web-order manager). Every change goes through the flow's door, channel "pos"."""

    _inherit = "pos.config"

    cc_store_id = fields.Many2one(
        "stock.warehouse", string="Click & Collect Store", compute="_compute_cc_store_id",
        help="The store whose web orders this point of sale shows: the warehouse of its "
             "operation type, when that warehouse is a store.",
    )

    cc_new_order_sound = fields.Boolean(
        string="Sound for New Web Orders", default=True,
        help="The point of sale plays a short sound once for each new web order of its store, and a "
             "bell when a customer says they are coming or are here.",
    )

    @api.depends("picking_type_id.warehouse_id.cc_is_store")
    def _compute_cc_store_id(self):
        for config in self:
            warehouse = config.picking_type_id.warehouse_id
            config.cc_store_id = warehouse if warehouse.cc_is_store else False

    # ------------------------------------------------------------------ access

    def _cc_pos_allowed(self):
        """Whether this point of sale shows web orders to the current user: a store user of
        its store, or a web-order manager."""
        self.ensure_one()
        store = self.cc_store_id
        user = self.env.user
        if not store:
            return False
        if user.has_group("click_collect.group_manager"):
            return True
        return user.has_group(const.STORE_USER) and store in user.cc_store_ids

    def _cc_check_pos(self):
        self.ensure_one()
        if not self._cc_pos_allowed():
            raise AccessError(self.env._(
                "%(user)s does not work for the store of %(pos)s: its web orders are not shown.",
                user=self.env.user.name, pos=self.name,
            ))

    def _cc_store_orders(self, order_ids):
        """The web orders ``order_ids`` of this point of sale's store that the user may see."""
        self._cc_check_pos()
        return self.env["sale.order"].search([
            ("id", "in", list(order_ids)), ("cc_store_id", "=", self.cc_store_id.id),
        ])

    def _cc_store_order(self, order_id):
        order = self._cc_store_orders([order_id])
        if not order:
            raise UserError(self.env._("Order could not be found"))
        return order

    def _cc_lock_order(self, order, expected_state):
        """Lock the order for this transaction and check that it is still in the state the
        cashier saw: two cashiers acting on one order at once, one wins, the other is told."""
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "SELECT cc_state FROM sale_order WHERE id = %s FOR UPDATE NOWAIT", [order.id],
                )
                state = self.env.cr.fetchone()[0]
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure):
            raise UserError(self.env._(
                "%(order)s is being changed by someone else right now: look at it again in a "
                "moment.", order=order.name,
            )) from None
        if expected_state and state != expected_state:
            order.invalidate_recordset()
            raise UserError(self.env._(
                "%(order)s changed meanwhile: it is now %(state)s. Look at it again before "
                "acting on it.",
                order=order.name,
                state=dict(order._fields["cc_state"]._description_selection(self.env)).get(state, state),
            ))

    # ------------------------------------------------------------------ loading

    def _cc_pending_counts(self):
        """{flow state: number of this store's web orders waiting in it}, under ``arrived`` how
        many ready ones have their customer here, and under ``late`` how many are late: one
        grouped query and one count."""
        self.ensure_one()
        domain = [("cc_store_id", "=", self.cc_store_id.id), ("cc_state", "in", POS_PENDING_STATES)]
        Order = self.env["sale.order"]
        counts = dict.fromkeys(POS_PENDING_STATES, 0)
        # by state and by what the customers of the ready ones said: how many are here
        counts["arrived"] = 0
        for state, arrival, count in Order._read_group(domain, ["cc_state", "cc_arrival"], ["__count"]):
            counts[state] += count
            if state == "ready" and arrival == "arrived":
                counts["arrived"] += count
        counts["late"] = Order.search_count([*domain, ("cc_sla_state", "=", "late")])
        return counts

    @api.model
    def _load_pos_data_read(self, records, config):
        """The point of sale learns its store and the count of its waiting web orders when it
        loads; the orders themselves are read when the cashier opens them."""
        read_records = super()._load_pos_data_read(records, config)
        if read_records and config._cc_pos_allowed():
            store = config.cc_store_id
            read_records[0]["_cc_store"] = {"id": store.id, "name": store.name}
            read_records[0]["_cc_pending_counts"] = config._cc_pending_counts()
            # what the badge counts and the screen's tabs list: the server's, not a copy
            read_records[0]["_cc_pending_states"] = POS_PENDING_STATES
            read_records[0]["_cc_tabs"] = [{"id": tab, "states": states} for tab, states in POS_TABS.items()]
        elif read_records:
            read_records[0]["_cc_store"] = False
        return read_records

    # ------------------------------------------------------------------ the POS's calls

    def cc_web_order_counts(self):
        """{flow state: count} of the store's web orders waiting for action."""
        self._cc_check_pos()
        return self._cc_pending_counts()

    def cc_web_orders(self, states=None, search=None, limit=POS_LIST_LIMIT):
        """The store's web orders in ``states`` (default: those waiting for action), oldest
        first, found by order number, web-shop reference, customer name, phone or email.

        :return: ``{"orders": [...], "counts": {state: count}}``
        """
        self._cc_check_pos()
        known = self.env["sale.order"]._fields["cc_state"].get_values(self.env)
        states = [s for s in (states or POS_PENDING_STATES) if s in known]
        domain = Domain([("cc_store_id", "=", self.cc_store_id.id), ("cc_state", "in", states)])
        search = (search or "").strip()
        if search:
            domain &= Domain.OR([
                [("name", "ilike", search)],
                [("cc_external_ref", "ilike", search)],
                [("partner_id.name", "ilike", search)],
                [("partner_id.phone", "ilike", search)],
                [("partner_id.email", "ilike", search)],
            ])
        orders = self.env["sale.order"].search(domain, order="date_order, id", limit=min(limit or POS_LIST_LIMIT, 200))
        return {"orders": orders._cc_pos_describe(), "counts": self._cc_pending_counts()}

    def cc_web_order(self, order_id):
        """One web order of the store, with its lines, customer, payment, timeline and the
        actions allowed now."""
        order = self._cc_store_order(order_id)
        return order._cc_pos_describe(details=True)[0]

    def cc_web_order_scan(self, code):
        """A typed or scanned order number, its barcode, or the customer's QR code (which also
        gives the pickup code): ``{"order_id", "pickup_code"}`` or ``{"error"}``."""
        self._cc_check_pos()
        number, pickup_code = self.env["sale.order"]._cc_parse_scan(code)
        order, error = self.env["sale.order"]._cc_lookup(number, store=self.cc_store_id)
        if error:
            return {"error": error}
        return {"order_id": order.id, "pickup_code": pickup_code or ""}

    def cc_web_order_action(self, order_id, action, *, expected_state=None, pickup_code=None,
                            courier=None, tracking_ref=None, shelf=None):
        """Move a web order of the store on, through the flow's door (channel "pos").

        :param str action: accept, prepare, ready, hand_over or ship (POS_ACTIONS)
        :param str expected_state: the state the cashier saw; a changed order is refused
        :param str pickup_code: the customer's code, for a hand-over where the store asks it
        :param str courier: the courier's name, to ship
        :param str tracking_ref: the tracking number, to ship
        :param str shelf: where the parcel of an order made ready waits (optional)
        :return: ``{"ok": bool, "message": str, "order": {...}}``; other refusals raise a
            UserError with the door's message
        """
        if action not in POS_ACTIONS:
            raise UserError(self.env._("Unknown action: %(action)s", action=action))
        order = self._cc_store_order(order_id)
        self._cc_lock_order(order, expected_state)
        target = POS_ACTIONS[action]
        store = self.cc_store_id
        state_labels = dict(order._fields["cc_state"]._description_selection(self.env))
        if action == "hand_over":
            result = order.action_cc_hand_over(pickup_code, self.id)
            return {**result, "order": order._cc_pos_describe(details=True)[0]}
        if action == "ship":
            order._cc_set_shipment(self.env["delivery.carrier"], courier, tracking_ref)
        if action == "ready" and order.cc_state == "in_transit":
            # the goods in transit are at the counter: receiving them makes the order ready
            order.with_context(cc_channel="pos")._cc_receive_at_store()
        if order.cc_state != target:
            order._cc_transition(target, channel="pos", store=store, event_values={"pos_config_id": self.id})
        if action == "ready":
            order._cc_put_on_shelf(shelf)
        return {
            "ok": True,
            "message": self.env._("%(order)s is now %(state)s.", order=order.name, state=state_labels[target]),
            "order": order._cc_pos_describe(details=True)[0],
        }

    def cc_web_order_unlock(self, order_id):
        """A store manager at the counter lets a web order of the store be handed over by code
        again after too many wrong codes."""
        order = self._cc_store_order(order_id)
        self._cc_lock_order(order, "ready")
        order._cc_unlock_pickup_code(channel="pos", store=self.cc_store_id, event_values={"pos_config_id": self.id})
        return {
            "ok": True,
            "message": self.env._("%(order)s may be handed over again.", order=order.name),
            "order": order._cc_pos_describe(details=True)[0],
        }

    def cc_web_order_coming_out(self, order_id):
        """Tell the customer of a web order of the store, who said they are coming, that
        someone is bringing the order out (the order's page shows it)."""
        order = self._cc_store_order(order_id)
        self._cc_lock_order(order, "ready")
        order._cc_coming_out(channel="pos", store=self.cc_store_id, event_values={"pos_config_id": self.id})
        return {
            "ok": True,
            "message": self.env._("The customer of %(order)s reads that someone is coming out.", order=order.name),
            "order": order._cc_pos_describe(details=True)[0],
        }

    def cc_web_order_resend_ready(self, order_id):
        """Send the "ready for pickup" message of a web order of the store again."""
        order = self._cc_store_order(order_id)
        order.action_cc_resend_ready_message()
        return {"ok": True, "message": self.env._("The \"ready for pickup\" message of %(order)s is sent again.",
                                                  order=order.name)}

    def cc_web_order_check_payable(self, order_id):
        """Before loading a web order into the cart to take its payment: it must still wait
        for its money (pay at the counter takes the whole amount)."""
        order = self._cc_store_order(order_id)
        if not order._cc_pos_describe(details=True)[0]["can_pay"]:
            raise UserError(self.env._(
                "%(order)s cannot be paid at the counter: it is %(payment)s (%(paid)s of %(total)s).",
                order=order.name,
                payment=dict(order._fields["cc_payment_state"]._description_selection(self.env))[order.cc_payment_state],
                paid=order._cc_format_amount(order.cc_amount_paid),
                total=order._cc_format_amount(order.amount_total),
            ))
        return True
