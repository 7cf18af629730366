from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.click_collect_return_line import CONDITIONS


class ClickCollectReturnFound(models.AbstractModel):
    """A screen showing what a search found: those fields (``_CC_FOUND``) are written by the
    search only, never by a client, not even as defaults in the context."""

    _name = "click_collect.return.found"
    _description = "Click & Collect: What a Return Search Found"

    _CC_FOUND = frozenset()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._cc_check_found(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._cc_check_found(vals)
        return super().write(vals)

    def _cc_check_found(self, vals, creating=False):
        given = {key for key, value in vals.items() if value}
        if creating:
            given |= {key[len("default_"):] for key, value in self.env.context.items()
                      if key.startswith("default_") and value}
        if not self.env.su and self._CC_FOUND & given:
            raise UserError(self.env._("Search the order: what the screen shows of it comes from the search."))


class ClickCollectReturnReceive(models.TransientModel):
    """Receive goods a customer brings back, at any store: find the web order (number,
    barcode, pickup QR code, email or phone), pick the lines, quantities and condition, say why.

    The order may be another store's: the screen shows what the return needs of it, filled by
    the search; receiving looks the order up again by what was typed, so an order id sent over
    RPC reveals and returns nothing.
    """

    _name = "click_collect.return.receive"
    _inherit = ["click_collect.return.found"]
    _description = "Receive a Web Order Return"

    code = fields.Char(string="Order", help="The order's number or barcode, the customer's pickup QR code, "
                                            "or the customer's email or phone.")
    store_id = fields.Many2one(
        "stock.warehouse", string="Return Store", required=True, default=lambda self: self._default_store(),
        domain="[('cc_is_store', '=', True)]",
    )
    order_id = fields.Many2one("sale.order", string="Web Order", readonly=True)
    return_id = fields.Many2one("click_collect.return", string="Announced Return", readonly=True,
                                help="The return the customer announced, whose goods these are.")
    walk_in = fields.Boolean(
        string="Not the Announced Return",
        help="The customer announced a return online, but these goods are another return: "
             "receive them on their own, leaving the announced return waiting for its goods.",
    )
    customer = fields.Char(readonly=True)
    handed_over = fields.Char(string="Collected / Delivered", readonly=True)
    policy = fields.Char(string="Return Policy", readonly=True)
    is_late = fields.Boolean(readonly=True)
    line_ids = fields.One2many("click_collect.return.receive.line", "wizard_id", string="Goods")
    reason_id = fields.Many2one("click_collect.return.reason")
    reason_note = fields.Text(string="Customer's Words")
    late_reason = fields.Text(string="Accepted After the Window Because")
    message = fields.Char(readonly=True)

    # What the search found: written by ``action_find`` only, never by a client
    _CC_FOUND = frozenset({"order_id", "return_id", "customer", "handed_over", "policy", "is_late", "message"})

    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._("Receive a Return")

    @api.model
    def _default_store(self):
        return self.env.user.cc_store_ids[:1]

    def action_find(self):
        """Look the order up and show what may come back."""
        self.ensure_one()
        order, error = self.env["sale.order"]._cc_return_lookup(self.code, company=self.store_id.company_id)
        if not error:
            try:
                order._cc_check_returnable(self.store_id)
            except UserError as refusal:
                error = refusal.args[0]
        if error:
            # sudo: see _CC_FOUND
            self.sudo().write({"line_ids": [fields.Command.clear()], "order_id": False, "return_id": False,
                               "customer": False, "handed_over": False, "policy": False, "is_late": False,
                               "message": error})
            return False
        days, mode = order._cc_return_policy()
        handed = order._cc_handed_over_date()
        # sudo: see _CC_FOUND; the return the customer announced, which these goods are (the
        # one the screen was opened on, or the order's)
        waiting = order.cc_return_ids.filtered(lambda r: r.state == "requested").sorted("id")
        parcel = waiting.filtered(lambda r: r.tracking_ref and r.tracking_ref == (self.code or "").strip())
        requested = self.return_id.sudo() if self.return_id in waiting else (parcel or waiting)[:1]
        if self.walk_in:
            requested = requested.browse()
        late = bool(order._cc_return_late(at=requested.date or None, handed=handed))
        # here, in the back office: the mode this return gets (a till pays back at a till only)
        mode = order._cc_return_refund_mode()
        refund = dict(self.env["click_collect.return"]._fields["refund_mode"]._description_selection(self.env))[mode]
        # sudo: what the search found is written by the search only (see _CC_FOUND)
        announced = {}
        for line in requested.line_ids:
            announced[line.sale_line_id] = announced.get(line.sale_line_id, 0.0) + line.quantity
        self.sudo().write({
            "order_id": order.id,
            "return_id": requested.id,
            "customer": order.partner_id.name,
            "handed_over": handed and fields.Date.to_string(handed.date()),
            "policy": (self.env._("%(days)s days, %(refund)s", days=days, refund=refund) if days
                       else self.env._("No time limit, %(refund)s", refund=refund)),
            "is_late": late,
            "message": late and self.env._("The return window is over: only a store manager may accept "
                                           "it, saying why."),
            "line_ids": [fields.Command.clear()] + [fields.Command.create({
                "sale_line_id": line.id,
                "product_id": line.product_id.id,
                "delivered": delivered,
                "returnable": max(returnable, 0.0),
                "quantity": announced.get(line, 0.0),
            }) for line, (delivered, _announced, returnable)
                in order._cc_return_quantities(requested=requested).items()],
        })
        return False

    def action_receive(self):
        """Receive what the lines say, and open the return."""
        self.ensure_one()
        order, error = self.env["sale.order"]._cc_return_lookup(self.code, company=self.store_id.company_id)
        if error or order != self.order_id:
            raise UserError(error or self.env._("Search the order again: the order typed changed."))
        # as the user (the search found the order as superuser): the store must be theirs, the
        # return window is theirs to overrule or not
        ret = order.sudo(False)._cc_receive_return(
            self.store_id,
            [{"sale_line_id": line.sale_line_id.id, "quantity": line.quantity, "condition": line.condition}
             for line in self.line_ids],
            reason=self.reason_id, note=self.reason_note, late_reason=self.late_reason, channel="backoffice",
            requested=self.return_id if not self.walk_in else None,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "click_collect.return",
            "res_id": ret.id,
            "view_mode": "form",
            "target": "current",
        }

    def _cc_open(self):
        """The screen, on this search (from an order or an announced return)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
            "name": self.env._("Receive a Return"),
        }


class ClickCollectReturnReceiveLine(models.TransientModel):
    _name = "click_collect.return.receive.line"
    _inherit = ["click_collect.return.found"]
    _description = "Receive a Web Order Return: Goods"

    wizard_id = fields.Many2one("click_collect.return.receive", required=True, ondelete="cascade")
    sale_line_id = fields.Many2one("sale.order.line", string="Order Line", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    delivered = fields.Float(string="With the Customer", readonly=True, digits="Product Unit")
    returnable = fields.Float(string="May Come Back", readonly=True, digits="Product Unit")
    quantity = fields.Float(string="Coming Back", digits="Product Unit")
    condition = fields.Selection(CONDITIONS, required=True, default="sellable")

    # What the search found: written by the search only (see click_collect.return.receive)
    _CC_FOUND = frozenset({"sale_line_id", "product_id", "delivered", "returnable"})
