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

    def _cc_self_service_rules(self):
        """Override of `click_collect`: an order of Odoo's e-shop (no web shop of the API)
        follows its website's settings."""
        rules = super()._cc_self_service_rules()
        # sudo: the website's settings, for a visitor without rights on it
        order = self.sudo()
        if not order.cc_web_shop_id and order.website_id:
            rules.update(cancel=order.website_id.cc_customer_cancel,
                         store_change=order.website_id.cc_customer_store_change)
        return rules

    def _cc_store_candidates(self):
        """Override of `click_collect`: an e-shop order picked up in store moves only to the
        stores its delivery method offers."""
        stores = super()._cc_store_candidates()
        carrier = self.carrier_id.sudo()  # sudo: the delivery method's stores, for a visitor
        if carrier.delivery_type == "in_store" and carrier.warehouse_ids:
            stores = stores.filtered(lambda store: store in carrier.warehouse_ids)
        return stores

    def _cc_move_to_store(self, store, **kwargs):
        """Override of `click_collect`: the pickup location of an e-shop order (what its pages
        and Odoo's own messages show, where its warehouse comes from) becomes the new store."""
        if self.carrier_id.delivery_type == "in_store" and self.pickup_location_data:
            self.pickup_location_data = store._prepare_pickup_location_data()
        return super()._cc_move_to_store(store, **kwargs)
