from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        """The flow of a Click & Collect order follows its goods: sent from the source
        warehouse, it is in transit; received at the store, it is ready for pickup."""
        res = super()._action_done()
        orders = self.sale_id.filtered(
            lambda o: o.cc_fulfilment == "pickup" and o.cc_state in ("preparing", "in_transit")
        )
        if orders:
            # sudo: whoever moved the goods (a source warehouse's staff) moves the order on;
            # the timeline still names that person.
            orders.sudo()._cc_sync_with_stock(channel=self.env.context.get("cc_channel", "backoffice"))
        return res
