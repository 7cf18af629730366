from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _prepare_qty_delivered(self):
        """Override of `pos_sale`: a web order paid at the counter still delivers its goods through its own delivery,
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
