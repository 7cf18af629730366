from odoo import api, fields, models
from odoo.exceptions import UserError

# mode -> the state the scan moves the order to
SCAN_TARGETS = {
    "acceptance": "ready",
    "delivery": "collected",
}


class ClickCollectScan(models.TransientModel):
    """The "Click & Collect acceptance" and "Click & Collect delivery" scan screens.

    Staff type or scan an order number (or its Code 128 barcode); the screen shows the order's
    content, the store and the person acting, and one button does the transition:
    acceptance (goods arrived at the store) -> ready for pickup, delivery -> collected.
    """

    _name = "click_collect.scan"
    _inherit = ["barcodes.barcode_events_mixin", "click_collect.order.wizard"]
    _description = "Click & Collect Scan"

    mode = fields.Selection(
        [("acceptance", "Click & Collect acceptance"), ("delivery", "Click & Collect delivery")],
        required=True, default="delivery",
    )
    code = fields.Char(string="Order Number", help="Type or scan the order number or its barcode.")
    store_id = fields.Many2one(
        "stock.warehouse", default=lambda self: self._default_store(),
        domain="[('cc_is_store', '=', True)]",
        help="The store you are working in: orders of other stores are refused.",
    )
    user_id = fields.Many2one("res.users", string="Acting", default=lambda self: self.env.user, readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    message = fields.Char(readonly=True)
    done_message = fields.Char(readonly=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    order_store_id = fields.Many2one(related="order_id.cc_store_id", string="Order's Store")
    cc_state = fields.Selection(related="order_id.cc_state")
    cc_fulfilment = fields.Selection(related="order_id.cc_fulfilment")
    cc_payment_state = fields.Selection(related="order_id.cc_payment_state")
    amount_total = fields.Monetary(related="order_id.amount_total")
    currency_id = fields.Many2one(related="order_id.currency_id")
    order_line_ids = fields.One2many(related="order_id.order_line", string="Lines")
    target_state = fields.Char(compute="_compute_target_state")

    @api.depends("mode")
    def _compute_display_name(self):
        labels = dict(self._fields["mode"]._description_selection(self.env))
        for scan in self:
            scan.display_name = labels.get(scan.mode) or self._description

    def _default_store(self):
        return self.env.user.cc_store_ids[:1]

    @api.depends("mode")
    def _compute_target_state(self):
        for scan in self:
            scan.target_state = SCAN_TARGETS[scan.mode]

    @api.onchange("code", "store_id")
    def _onchange_code(self):
        if not self.code:
            self.order_id = False
            self.message = False
            return
        order, error = self.env["sale.order"]._cc_lookup(self.code, store=self.store_id)
        self.order_id = order
        self.message = error or False
        if order:
            self.done_message = False

    def on_barcode_scanned(self, barcode):
        self.code = barcode
        self._onchange_code()

    def _scanned_order(self):
        """The order of the scanned number, looked up again: the screen may be stale."""
        self.ensure_one()
        order, error = self.env["sale.order"]._cc_lookup(self.code, store=self.store_id)
        if not order:
            raise UserError(error)
        return order

    def action_register_payment(self):
        """Take the payment of a pay-at-store order at the counter before handing it over."""
        return self._scanned_order().action_cc_register_payment()

    def action_do(self):
        """The one button of the screen: move the scanned order on, then wait for the next."""
        order = self._scanned_order()
        target = SCAN_TARGETS[self.mode]
        if self.mode == "acceptance" and order.cc_state == "in_transit":
            # the goods in transit are here: receiving them makes the order ready
            order.with_context(cc_channel="scan")._cc_receive_at_store()
        if order.cc_state != target and not self._cc_move_on(order, target):
            return False
        state_label = dict(order._fields["cc_state"]._description_selection(self.env))[target]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "target": "main",
            "name": self._fields["mode"].convert_to_export(self.mode, self),
            "context": {
                "default_mode": self.mode,
                "default_store_id": self.store_id.id,
                "default_done_message": self.env._("%(order)s is now %(state)s.", order=order.name, state=state_label),
            },
        }

    # ---- customer notifications
    # The delivery screen asks for the customer's pickup code where the order's store requires it.

    pickup_code = fields.Char(help="The pickup code the customer gives (in their \"ready for pickup\" message).")
    pickup_code_required = fields.Boolean(related="order_id.cc_store_id.cc_require_pickup_code")

    def _cc_move_on(self, order, target):
        """Move the order to ``target`` through the door. A hand-over refused for its pickup code
        keeps the screen on the order with the reason (the attempt is on the timeline).

        :return: whether the order moved on
        """
        store = self.store_id or order.cc_store_id
        if target != "collected":
            order._cc_transition(target, channel="scan", store=store)
            return True
        _events, error = order._cc_hand_over(self.pickup_code, channel="scan", store=store)
        if error:
            self.write({"message": error, "pickup_code": False, "done_message": False})
            return False
        return True
