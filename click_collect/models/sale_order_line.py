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

    def _prepare_qty_delivered(self):
        """A web order paid at the counter still delivers its goods through its own delivery,
        validated at hand-over; the POS order that took the money moves none (see
        stock.picking._create_picking_from_pos_order_lines). pos_sale counts the quantities of
        such a POS order as delivered (it has no picking for them): not for web orders, where
        they would shrink or cancel the delivery that is still to come."""
        delivered = super()._prepare_qty_delivered()
        web_lines = self.filtered(lambda line: line.order_id.cc_fulfilment and line.product_id.type != "service")
        for line in web_lines:
            # sudo: POS order lines are read by POS users; this only counts quantities.
            pos_lines = line.sudo().pos_order_line_ids
            for linked in (pos_lines, pos_lines.refund_orderline_ids):
                lines = linked.filtered(lambda pl: pl.order_id.state not in ("cancel", "draft"))
                # the same rule as pos_sale's: counted when the POS orders' pickings are done
                if lines and all(p.state == "done" for p in lines.order_id.picking_ids):
                    delivered[line] -= sum(self._convert_qty(line, pl.qty, "p2s") for pl in lines)
        return delivered
