from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    # Override of `sale_stock`: the description of a move that serves a sales order reads the
    # order line. Store staff send goods for another store's web order (a store-to-store
    # transfer) without reading that order: computed as superuser, the transfer shows its
    # description to whoever may read the move.
    description_picking = fields.Text(compute_sudo=True)

    def _should_assign_at_confirm(self):
        """Override of `stock`: the goods of a web order whose reservation is pending are
        reserved after the order's confirmation (sale.order._cc_cron_reserve)."""
        order = self.sale_line_id.order_id or self.picking_id.sale_id
        if order.cc_reservation_pending and not self._should_bypass_reservation():
            return False
        return super()._should_assign_at_confirm()
