from odoo import models


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    def _launch_stock_rule_from_pos_order_lines(self):
        """A POS order that settles a web order and ships later moves none of the web order's
        goods either: pos_sale would cancel the order's own delivery and procure the goods again
        from the POS; the order's delivery leaves at hand-over (see stock.picking
        ._create_picking_from_pos_order_lines)."""
        # sudo: the cashier may not read every sales order; only the link is read.
        web_lines = self.filtered(lambda line: line.sudo().sale_order_origin_id.cc_fulfilment)
        others = self - web_lines
        if not others:
            return True
        return super(PosOrderLine, others)._launch_stock_rule_from_pos_order_lines()
