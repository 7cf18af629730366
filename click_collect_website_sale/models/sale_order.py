from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        """Override of `click_collect`: orders of Odoo's own e-shop with "Pick up in store"
        become Click & Collect orders of the chosen store, once Odoo confirmed them as it does
        any order (its goods are reserved at that store: the order's warehouse)."""
        eshop_pickups = self.filtered(
            lambda o: not o.cc_fulfilment
            and o.carrier_id.delivery_type == "in_store"
            and o.warehouse_id.cc_is_store
            and o.warehouse_id.cc_does_pickup
        )
        res = super()._action_confirm()
        for order in eshop_pickups:
            # sudo: the flow's fields are written by the flow only (see _cc_check_flow_values);
            # the customer chose the store in the e-shop, whoever confirms the order.
            order.sudo().with_context(cc_channel="shop").write({
                "cc_fulfilment": "pickup",
                "cc_store_id": order.warehouse_id.id,
            })
        eshop_pickups._cc_plan_supply()
        eshop_pickups._cc_set_revenue_analytics()
        return res
