from odoo import api, models
from odoo.exceptions import UserError


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

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
