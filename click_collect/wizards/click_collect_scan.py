from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from .. import const

# mode -> the state the scan moves the order to
SCAN_TARGETS = {
    "acceptance": "ready",
    "delivery": "collected",
}
# states before each target: the order is not there yet
NOT_YET = {
    "ready": ("new", "accepted"),
    "collected": ("new", "accepted", "preparing", "in_transit"),
}


class ClickCollectScan(models.TransientModel):
    """The "Click & Collect acceptance" and "Click & Collect delivery" scan screens.

    Staff type or scan an order number (its Code 128 barcode, or the customer's QR code, which
    also gives the pickup code); the screen shows the order's content, the store, the person
    acting and what is true of the order now, and offers only what may be done now.

    - Acceptance (the parcels arrived at the store): each scan receives its order at once,
      without a click (it becomes ready for pickup, on the shelf typed, if any), and adds it to
      the list of what this screen received.
    - Delivery: the screen shows what the clerk checks before handing the parcel over (the
      customer and their phone, ready since, until when, the shelf, the amount to collect),
      then hands it over (or first registers the payment, or, when too many wrong pickup codes
      locked it, offers the store manager's unlock).

    Each scan empties the field for the next one, found or not.
    """

    _name = "click_collect.scan"
    _inherit = ["barcodes.barcode_events_mixin", "click_collect.order.wizard"]
    _description = "Click & Collect Scan"

    mode = fields.Selection(
        [("acceptance", "Click & Collect acceptance"), ("delivery", "Click & Collect delivery")],
        required=True, default="delivery",
    )
    code = fields.Char(
        string="Order Number", help="Type or scan the order number, its barcode or the customer's QR code.",
    )
    scanned = fields.Char(readonly=True, help="The order number scanned last.")
    store_id = fields.Many2one(
        "stock.warehouse", default=lambda self: self._default_store(),
        domain="[('cc_is_store', '=', True)]",
        help="The store you are working in: orders of other stores are refused.",
    )
    user_id = fields.Many2one("res.users", string="Acting", default=lambda self: self.env.user, readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    message = fields.Char(readonly=True)
    done_message = fields.Char(readonly=True)
    status = fields.Char(compute="_compute_status", help="What is true of the order now.")
    can_do = fields.Boolean(compute="_compute_status", help="The screen's action may be done now.")
    can_pay = fields.Boolean(compute="_compute_status", help="The order waits for its payment first.")
    can_unlock = fields.Boolean(
        compute="_compute_status", help="Locked by wrong pickup codes: a store manager unlocks it.",
    )
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    order_store_id = fields.Many2one(related="order_id.cc_store_id", string="Order's Store")
    cc_state = fields.Selection(related="order_id.cc_state")
    cc_fulfilment = fields.Selection(related="order_id.cc_fulfilment")
    cc_payment_state = fields.Selection(related="order_id.cc_payment_state")
    amount_total = fields.Monetary(related="order_id.amount_total")
    currency_id = fields.Many2one(related="order_id.currency_id")
    order_line_ids = fields.One2many(related="order_id.order_line", string="Lines")
    target_state = fields.Char(compute="_compute_target_state")
    pickup_code = fields.Char(help="The pickup code the customer gives (in their \"ready for pickup\" message, "
                                   "or in their QR code).")
    pickup_code_required = fields.Boolean(related="order_id.cc_store_id.cc_require_pickup_code")
    partner_phone = fields.Char(related="order_id.partner_id.phone", string="Phone")
    ready_since = fields.Datetime(compute="_compute_counter")
    waiting = fields.Char(related="order_id.cc_state_age", string="Waiting For")
    expiry_date = fields.Datetime(related="order_id.cc_expiry_date", string="Waits Until")
    order_shelf = fields.Char(related="order_id.cc_shelf", string="On Shelf / Bin")
    amount_due = fields.Monetary(compute="_compute_counter", string="To Collect")
    shelf = fields.Char(
        string="Put on Shelf / Bin", size=const.SHELF_SIZE,
        help="Where the parcels you scan now are put (optional): the hand-over screen shows it.",
    )
    received_ids = fields.Many2many(
        "sale.order", readonly=True,
        help="The orders this screen made ready for pickup.",
    )

    @api.depends("mode")
    def _compute_display_name(self):
        labels = dict(self._fields["mode"]._description_selection(self.env))
        for scan in self:
            scan.display_name = labels.get(scan.mode) or self._description

    def _default_store(self):
        return self.env.user.cc_store_ids[:1]

    @api.depends("order_id")
    def _compute_counter(self):
        for scan in self:
            order = scan.order_id
            scan.ready_since = order.cc_state_date if order.cc_state == "ready" else False
            scan.amount_due = order._cc_amount_due() if order else 0.0

    @api.depends("mode")
    def _compute_target_state(self):
        for scan in self:
            scan.target_state = SCAN_TARGETS[scan.mode]

    # ------------------------------------------------------------------ scanning

    @api.onchange("code")
    def _onchange_code(self):
        if not self.code:
            return
        number, pickup_code = self.env["sale.order"]._cc_parse_scan(self.code)
        self._cc_show(number)
        # the customer's QR code gives the pickup code with the order
        self.pickup_code = pickup_code if self.order_id and self.mode == "delivery" else False
        # the next scan starts from an empty field, not glued to this one
        self.code = False
        if self.mode == "acceptance" and self.order_id:
            self._cc_receive_scanned()

    def _cc_receive_scanned(self):
        """Acceptance: one scan, one receipt. The order shown is received (ready for pickup)
        when it may be now, and listed; otherwise the screen says why, and nothing changed."""
        if not self._cc_truth(self.order_id)[1]:
            return  # the screen shows why
        order = self.order_id._origin
        try:
            with self.env.cr.savepoint():
                self._cc_receive(order)
        except UserError as error:
            self.message = str(error.args[0])
            return
        self.update({
            "received_ids": [Command.set((order | self.received_ids._origin).ids)],
            "done_message": self._cc_done_message(order),
        })

    @api.onchange("store_id")
    def _onchange_store_id(self):
        if self.scanned:
            self._cc_show(self.scanned)

    def _cc_show(self, number):
        order, error = self.env["sale.order"]._cc_lookup(number, store=self.store_id)
        self.update({"order_id": order, "message": error or False, "done_message": False,
                     "scanned": number or False})

    def on_barcode_scanned(self, barcode):
        self.code = barcode
        self._onchange_code()

    def _scanned_order(self):
        """The order shown (or typed, when the screen is driven without its form), looked up
        again: the screen may be stale."""
        self.ensure_one()
        number = self.order_id.name or self.scanned or self.env["sale.order"]._cc_parse_scan(self.code)[0]
        order, error = self.env["sale.order"]._cc_lookup(number, store=self.store_id)
        if not order:
            raise UserError(error)
        return order

    # ------------------------------------------------------------------ what is true now

    @api.depends("order_id", "mode", "store_id")
    def _compute_status(self):
        for scan in self:
            if scan.order_id:
                scan.status, scan.can_do, scan.can_pay, scan.can_unlock = scan._cc_truth(scan.order_id)
            else:
                scan.status, scan.can_do, scan.can_pay, scan.can_unlock = False, False, False, False

    def _cc_truth(self, order):
        """``(status, can do, can pay, can unlock)``: what is true of ``order`` for this screen,
        and what may be done now (the door's table and guards, the user's rights)."""
        target = SCAN_TARGETS[self.mode]
        elsewhere = self._cc_not_here(order, target)
        if elsewhere:
            return elsewhere
        if target == "collected" and order.cc_pickup_code_required and order.cc_pickup_locked:
            manager = self.env.user.has_group(const.STORE_MANAGER)
            status = self.env._("%(order)s: %(reason)s", order=order.name, reason=order._cc_locked_reason())
            return status, False, False, manager
        try:
            with order._cc_pickup_code_given():  # the code is asked on the screen itself
                errors = order._cc_check_transition(target)
        except UserError as error:
            return str(error.args[0]), False, False, False
        if not errors:
            return self._cc_last_step(order), True, False, False
        if target == "collected" and order.cc_payment_state != "paid":
            return self.env._(
                "%(order)s is not paid (%(paid)s of %(total)s): register the payment before handing it over.",
                order=order.name, paid=order._cc_format_amount(order.cc_amount_paid),
                total=order._cc_format_amount(order.amount_total),
            ), False, True, False
        return "\n".join(errors), False, False, False

    def _cc_not_here(self, order, target):
        """The truth of an order that is not where this screen acts: shipped, not there yet, in
        transit (the acceptance receives it), or past it. None for an order where it acts."""
        labels = dict(order._fields["cc_state"]._description_selection(self.env))
        if order.cc_fulfilment != "pickup":
            status = self.env._("%(order)s is shipped to its customer: it does not wait at a counter.",
                                order=order.name)
            return status, False, False, False
        if order.cc_state in NOT_YET[target]:
            if target == "collected":
                status = self.env._("%(order)s is not ready for pickup yet: it is %(state)s.",
                                    order=order.name, state=labels[order.cc_state])
            else:
                status = self.env._("%(order)s is not prepared yet: it is %(state)s.",
                                    order=order.name, state=labels[order.cc_state])
            return status, False, False, False
        if target == "ready" and order.cc_state == "in_transit":
            status = self.env._("%(order)s is in transit to the store: receiving it makes it ready for pickup.",
                                order=order.name)
            return status, True, False, False
        if target not in order._cc_allowed_targets():
            return self._cc_last_step(order), False, False, False
        return None

    def _cc_last_step(self, order):
        """When, by whom and where the order reached its state, from its timeline: "S00047:
        Collected on 1 Dec at 10:02 by Marc Dubois at Ghent Store."."""
        labels = dict(order._fields["cc_state"]._description_selection(self.env))
        event = order.cc_event_ids.filtered(
            lambda e: e.to_state == order.cc_state and not e.refused and not e.unlocked
        ).sorted(lambda e: (e.date, e.id))[-1:]
        if not event:
            return self.env._("%(order)s: %(state)s.", order=order.name, state=labels[order.cc_state])
        return self.env._(
            "%(order)s: %(state)s on %(date)s at %(time)s by %(user)s at %(store)s.",
            order=order.name, state=labels[order.cc_state],
            date=format_datetime(self.env, event.date, dt_format="d MMM"),
            time=format_datetime(self.env, event.date, dt_format="HH:mm"),
            user=event.user_id.name or "?", store=event.store_id.name or order.cc_store_id.name,
        )

    # ------------------------------------------------------------------ actions

    def action_register_payment(self):
        """Take the payment of a pay-at-store order at the counter before handing it over."""
        return self._scanned_order().action_cc_register_payment()

    def action_unlock(self):
        """A store manager lets the order be handed over by code again (wrong codes locked it)."""
        order = self._scanned_order()
        order._cc_unlock_pickup_code(channel="scan")
        self.write({"message": False, "done_message": False})
        return False

    def action_do(self):
        """The one button of the screen: move the scanned order on, then wait for the next.
        Refused, with what is true of the order, when it may not be done now."""
        order = self._scanned_order()
        status, can_do, _can_pay, _can_unlock = self._cc_truth(order)
        if not can_do:
            raise UserError(status)
        if self.mode == "acceptance":
            self._cc_receive(order)
        elif not self._cc_move_on(order, SCAN_TARGETS[self.mode]):
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "target": "main",
            "name": self._fields["mode"].convert_to_export(self.mode, self),
            "context": {
                "default_mode": self.mode,
                "default_store_id": self.store_id.id,
                "default_shelf": self.shelf,
                "default_received_ids": (order | self.received_ids).ids if self.mode == "acceptance" else [],
                "default_done_message": self._cc_done_message(order),
            },
        }

    def _cc_done_message(self, order):
        state_label = dict(order._fields["cc_state"]._description_selection(self.env))[order.cc_state]
        if order.cc_shelf and order.cc_state == "ready":
            return self.env._("%(order)s is now %(state)s (shelf %(shelf)s).",
                              order=order.name, state=state_label, shelf=order.cc_shelf)
        return self.env._("%(order)s is now %(state)s.", order=order.name, state=state_label)

    def _cc_receive(self, order):
        """The order's parcel is at the store: receive what is in transit, make the order ready
        for pickup, on the shelf typed."""
        if order.cc_state == "in_transit":
            # the goods in transit are here: receiving them makes the order ready
            order.with_context(cc_channel="scan")._cc_receive_at_store()
        if order.cc_state != "ready":
            order._cc_transition("ready", channel="scan", store=self.store_id or order.cc_store_id)
        order._cc_put_on_shelf(self.shelf)

    def _cc_move_on(self, order, target):
        """Move the order to ``target`` through the door. A hand-over refused for its pickup code
        keeps the screen on the order with the reason (the attempt is on the timeline).

        :return: whether the order moved on
        """
        store = self.store_id or order.cc_store_id
        if target != "collected":
            order._cc_transition(target, channel="scan", store=store)
            return True
        pickup_code = self.pickup_code or self.env["sale.order"]._cc_parse_scan(self.code)[1]
        _events, error = order._cc_hand_over(pickup_code, channel="scan", store=store)
        if error:
            self.write({"message": error, "pickup_code": False, "done_message": False})
            return False
        return True
