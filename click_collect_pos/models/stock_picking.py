from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _create_picking_from_pos_order_lines(self, location_dest_id, lines, picking_type,
                                             partner=False):
        """Override of `point_of_sale`: a POS order that settles a web order takes its payment
        only: the web order's goods leave through the order's own delivery, validated by the
        flow at hand-over, so that they leave stock exactly once. The POS's picking carries the
        other lines."""
        # sudo: the cashier may not read every sales order; only the link is read.
        web_lines = lines.filtered(lambda line: line.sudo().sale_order_origin_id.cc_fulfilment)
        return super()._create_picking_from_pos_order_lines(location_dest_id, lines - web_lines, picking_type, partner)
