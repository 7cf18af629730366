from odoo import api, fields, models
from odoo.exceptions import UserError

from .click_collect_return import RECEIVED_STATES


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    cc_return_line_ids = fields.One2many(
        "click_collect.return.line", "sale_line_id", string="Returned", readonly=True,
        groups="click_collect.group_store_user",
    )

    @api.depends("cc_return_line_ids.quantity", "cc_return_line_ids.return_id.state", "order_id.cc_return_state",
                 "order_id.cc_return_ids.state")
    def _compute_qty_to_invoice(self):
        """Override of `sale`: goods a customer brought back are not invoiced, also on lines
        invoiced as ordered (a line invoiced as delivered follows Odoo's delivered quantity,
        which the return lowered), nor the share of the order's discounts that followed them."""
        res = super()._compute_qty_to_invoice()
        lines = self.filtered(lambda sol: sol.order_id.cc_return_state and sol.state == "sale"
                              and sol.product_id.invoice_policy == "order")
        for line in lines:
            if line in line.order_id._cc_discount_lines():
                line.qty_to_invoice -= line.product_uom_qty * line.order_id._cc_returned_share()
                continue
            returned = sum(
                ret_line.quantity for ret_line in line.cc_return_line_ids
                if ret_line.return_id.state in RECEIVED_STATES
            )
            line.qty_to_invoice -= returned
        return res

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse({vals["order_id"] for vals in vals_list if vals.get("order_id")})
        self._cc_check_web_order_lines(orders)
        return super().create(vals_list)

    def write(self, vals):
        self._cc_check_web_order_lines(self.order_id)
        return super().write(vals)

    def unlink(self):
        self._cc_check_web_order_lines(self.order_id)
        return super().unlink()

    def _cc_check_web_order_lines(self, orders):
        """The lines of a web order (what the web shop sold and was paid for) change through
        the flow or by a web-order manager only (see sale.order._cc_check_flow_values)."""
        if self.env.su or not orders or self.env.user._cc_edits_web_orders():
            return
        # sudo: whether the orders are web orders, whatever the user reads of them
        if any(orders.sudo().mapped("cc_fulfilment")):
            raise UserError(self.env["sale.order"]._cc_deal_refusal(
                self.env["sale.order"]._fields["order_line"].get_description(self.env)["string"]))

    def _cc_unit_price_paid(self):
        """What the customer paid for one unit of this line, taxes included, the order's
        discounts (its lines of negative amounts: coupons, rewards) spread over its goods."""
        self.ensure_one()
        if self.product_uom_id.is_zero(self.product_uom_qty):
            return 0.0
        return self.price_total / self.product_uom_qty * self.order_id._cc_goods_paid_ratio()
