from odoo import api, fields, models
from odoo.exceptions import UserError


class ClickCollectHandover(models.TransientModel):
    """Hand over a ready Click & Collect order, in full or in part.

    In part: the customer takes some of the goods; the rest either stays ready for them
    (it waits in a backorder, still reserved) or goes back to the store's stock (the order's
    quantities follow what was taken, so the customer pays only for that).
    """

    _name = "click_collect.handover"
    _inherit = ["click_collect.order.wizard"]
    _description = "Hand Over a Click & Collect Order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    line_ids = fields.One2many("click_collect.handover.line", "wizard_id", string="Goods")
    rest = fields.Selection(
        [("wait", "Keeps it ready for the customer"), ("return", "Goes back to the store's stock")],
        string="What Is Not Taken", required=True, default="wait",
    )
    is_partial = fields.Boolean(compute="_compute_is_partial")
    pickup_code = fields.Char(help="The pickup code the customer gives (in their \"ready for pickup\" message).")
    pickup_code_required = fields.Boolean(related="order_id.cc_store_id.cc_require_pickup_code")
    pickup_locked = fields.Boolean(related="order_id.cc_pickup_locked")
    message = fields.Char(readonly=True, help="Why the last hand-over was refused.")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        order = self.env["sale.order"].browse(res.get("order_id") or self.env.context.get("default_order_id"))
        if order and "line_ids" in fields_list:
            res["line_ids"] = [
                fields.Command.create({"move_id": move.id, "quantity": move.quantity})
                for move in order._cc_store_deliveries().move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            ]
        return res

    @api.depends("line_ids.quantity", "line_ids.quantity_ready")
    def _compute_is_partial(self):
        for wizard in self:
            wizard.is_partial = any(
                line.move_id.product_uom.compare(line.quantity, line.quantity_ready) < 0 for line in wizard.line_ids
            )

    def action_hand_over(self):
        """Hand over what the customer takes. A wrong, missing or locked pickup code is not
        raised: the screen stays open with the reason (the attempt is counted and kept on the
        timeline); any other refusal raises."""
        self.ensure_one()
        order = self.order_id
        if order.cc_state != "ready":
            raise UserError(self.env._("%(order)s is not ready for pickup.", order=order.name))
        for line in self.line_ids:
            if line.quantity < 0 or line.move_id.product_uom.compare(line.quantity, line.quantity_ready) > 0:
                raise UserError(self.env._(
                    "%(product)s: hand over between 0 and %(ready)s.",
                    product=line.product_id.display_name, ready=line.quantity_ready,
                ))
        if not self.is_partial:
            _events, refusal = order._cc_hand_over(self.pickup_code, channel="backoffice")
            return self._refused(refusal) if refusal else {"type": "ir.actions.act_window_close"}
        if all(line.move_id.product_uom.is_zero(line.quantity) for line in self.line_ids):
            raise UserError(self.env._("Nothing is handed over: set the quantities the customer takes."))
        if self.rest == "wait" and order.cc_payment_state != "paid":
            raise UserError(self.env._(
                "%(order)s is not paid: register the payment before handing over part of it.",
                order=order.name,
            ))
        refusal = order._cc_check_pickup_code(self.pickup_code, channel="backoffice")
        if refusal:
            return self._refused(self.env._("%(order)s is not handed over: %(reason)s", order=order.name,
                                            reason=refusal))
        quantities = {line.move_id.id: line.quantity for line in self.line_ids}
        summary = self._summary()
        if self.rest == "wait":
            order._cc_validate_deliveries(quantities, keep_rest=True)
            order._cc_log_timeline_note(summary)
            # the customer left with part of it: when they come back, they say so again
            # sudo: the flow's own fields (see _cc_check_flow_values), the clerk handed over
            order.sudo().write({"cc_arrival": False, "cc_arrival_eta": False, "cc_arrival_note": False})
        else:
            order._cc_validate_deliveries(quantities)
            # sudo: the order's quantities follow what the customer took, so that the amount
            # due and the invoice match; store staff do not edit sales order lines otherwise.
            for line in order.order_line.filtered(lambda sol: sol.product_id.type == "consu").sudo():
                line.product_uom_qty = line.qty_delivered
            with order._cc_pickup_code_given():  # the code was found right just above
                order._cc_transition("collected", note=summary)
        return {"type": "ir.actions.act_window_close"}

    def _refused(self, refusal):
        """Keep the screen open on the refusal (the transaction commits: the wrong code counts)."""
        self.write({"message": refusal, "pickup_code": False})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Hand over %(order)s", order=self.order_id.name),
        }

    def _summary(self):
        taken = [f"{line.product_id.display_name} ({line.quantity:g})" for line in self.line_ids if line.quantity]
        left = [
            f"{line.product_id.display_name} ({line.quantity_ready - line.quantity:g})"
            for line in self.line_ids if line.quantity < line.quantity_ready
        ]
        note = self.env._("Handed over: %(taken)s.", taken=", ".join(taken))
        if left:
            if self.rest == "wait":
                note += " " + self.env._("Still waiting at the store: %(left)s.", left=", ".join(left))
            else:
                note += " " + self.env._("Back to the store's stock: %(left)s.", left=", ".join(left))
        return note


class ClickCollectHandoverLine(models.TransientModel):
    _name = "click_collect.handover.line"
    _description = "Goods Handed Over"

    wizard_id = fields.Many2one("click_collect.handover", required=True, ondelete="cascade")
    move_id = fields.Many2one("stock.move", required=True, readonly=True)
    product_id = fields.Many2one(related="move_id.product_id")
    quantity_ready = fields.Float(related="move_id.quantity", string="Ready", digits="Product Unit")
    quantity = fields.Float(string="Handed Over", digits="Product Unit")

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_moves()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if "move_id" in vals:
            self._check_moves()
        return res

    def _check_moves(self):
        """The goods of a hand-over are those of its order's delivery, never another move."""
        for wizard, lines in self.grouped("wizard_id").items():
            foreign = lines.move_id - wizard.order_id._cc_store_deliveries().move_ids
            if foreign:
                raise UserError(self.env._(
                    "%(products)s is not in the delivery of %(order)s.",
                    products=", ".join(foreign.product_id.mapped("display_name")), order=wizard.order_id.name,
                ))
